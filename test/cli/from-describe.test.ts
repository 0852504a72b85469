import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../../src/cli/run';
import { parseFacts } from '../../src/ingest';
import { AccountSnapshot, DESCRIBE_FILES, SNAPSHOT_CALLS } from '../../src/ingest/aws';
import { LIST_STACK_RESOURCES } from '../../src/ingest/aws/stacks';
import { account, apiConnection, apiJob, apiNetworkAcl, apiSubnet, routeTo } from '../ingest/aws/api-builders';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'gnp-describe-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Saves the snapshot as `aws ec2 describe-* --output json` files would, leaving out `skip` and the parts it lacks. */
function saveDescribeOutputs(snapshot: AccountSnapshot, skip: string[] = []): string {
  const out = join(dir, 'describe');
  mkdirSync(out);
  for (const { part, file, key } of DESCRIBE_FILES) {
    if (!skip.includes(file) && snapshot[part] !== undefined) writeFileSync(join(out, file), JSON.stringify({ [key]: snapshot[part] }, null, 2));
  }
  writeFileSync(join(out, 'region.txt'), 'us-east-1\n');
  return out;
}

function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd: dir });
  return { code, stdout, stderr };
}

const verdicts = (json: string) => JSON.parse(json).jobs.map((job: any) => ({
  job: job.name, selected: job.selectedConnection?.name, stores: job.dataStores.map((s: any) => `${s.connection.name}:${s.verdict}`),
}));

describe('--from-describe DIR', () => {
  it('plans every deployed job from saved describe outputs', () => {
    const saved = saveDescribeOutputs(account());
    const run = cli('--from-describe', saved, '--format', 'json', '--no-failover');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(verdicts(run.stdout)).toEqual([{ job: 'etl', selected: 'glue-net', stores: ['warehouse:REACHABLE'] }]);
  });

  it('a missing file is a part not read: UNKNOWN, and the plan says which command saves it', () => {
    const saved = saveDescribeOutputs(account(), ['describe-security-groups.json']);
    const run = cli('--from-describe', saved, '--format', 'json', '--no-failover');
    expect(verdicts(run.stdout)[0].stores).toEqual(['warehouse:UNKNOWN']);
    expect(run.stdout).toContain('describe-security-groups.json is missing');
    expect(run.stdout).toContain('aws ec2 describe-security-groups --output json');
  });

  it('--job limits the plan; an unknown job name is an error (exit 2)', () => {
    const snapshot = { ...account(), jobs: [...account().jobs!, { Name: 'other', Command: { Name: 'pythonshell' } }] };
    const saved = saveDescribeOutputs(snapshot);
    expect(verdicts(cli('--from-describe', saved, '--job', 'other', '--format', 'json').stdout).map((j: any) => j.job)).toEqual(['other']);
    const missing = cli('--from-describe', saved, '--job', 'nope');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^glue-netplan: .*no Glue job named nope \(jobs read: etl, other\)\n$/);
  });

  it('without get-jobs.json and without templates there is nothing to plan: exit 2, never an empty pass', () => {
    const saved = saveDescribeOutputs(account(), ['get-jobs.json']);
    const run = cli('--from-describe', saved);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the Glue jobs could not be read (get-jobs.json is missing');
  });

  it('a file that is not the describe output is one line, exit 2', () => {
    const saved = saveDescribeOutputs(account());
    writeFileSync(join(saved, 'describe-vpcs.json'), '{"Subnets": []}');
    const run = cli('--from-describe', saved);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toBe(`glue-netplan: ${join(saved, 'describe-vpcs.json')}: expected the output of \`aws ec2 describe-vpcs --output json\`: an object with a "Vpcs" list\n`);
  });

  it.each([
    [['--write-facts', 'f.json'], '--write-facts needs --from-aws or --from-describe DIR'],
    [['--job', 'etl'], '--job needs --from-aws or --from-describe DIR'],
    [['--from-aws', '--from-describe', 'd'], '--from-aws and --from-describe exclude each other'],
    [['t.json', '--from-describe', 'd', '--job', 'etl'], '--job limits the jobs read from the account: it cannot be combined with templates'],
  ])('usage: %j', (argv, message) => {
    const run = cli(...argv);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(`glue-netplan: ${message}`);
  });
});

describe('--from-describe: a saved output that is one page of several (NextToken, Marker)', () => {
  /** Saves the account, then rewrites `file` as its first page: `items` under its key, and the token. */
  const savedWithPage = (file: string, key: string, items: unknown[], token: Record<string, string>): string => {
    const saved = saveDescribeOutputs(account());
    writeFileSync(join(saved, file), JSON.stringify({ [key]: items, ...token }));
    return saved;
  };

  it('describe-subnets.json with a NextToken (`--max-items`): the subnets are not read, UNKNOWN naming the file (was: the first page read as every subnet, the data subnet dropped)', () => {
    const firstPage = [apiSubnet('subnet-0glue', 'vpc-0glue', '10.0.1.0/24', 'us-east-1a', 240)];
    const saved = savedWithPage('describe-subnets.json', 'Subnets', firstPage, { NextToken: 'eyJOZXh0VG9rZW4iOiBudWxsfQ==' });
    const run = cli('--from-describe', saved, '--format', 'json', '--no-failover');
    expect(verdicts(run.stdout)[0].stores).toEqual(['warehouse:UNKNOWN']);
    expect(run.stdout).toContain('describe-subnets.json is one page of several');
  });

  it('describe-db-instances.json with a Marker (`--no-paginate`, RDS\'s token): the instances are not read either', () => {
    const saved = savedWithPage('describe-db-instances.json', 'DBInstances', [], { Marker: 'db-page-2' });
    const run = cli('--from-describe', saved, '--format', 'json', '--no-failover', '--write-facts', 'f.json');
    const written = JSON.parse(readFileSync(join(dir, 'f.json'), 'utf8'));
    expect(written.unread).toContainEqual({ call: SNAPSHOT_CALLS.dbInstances, reason: expect.stringContaining('describe-db-instances.json is one page of several') });
    expect(run.code).toBe(0);
  });

  it('a per-table output with a NextToken (search-transit-gateway-routes): that table\'s routes are not read (incomplete), the others are', () => {
    const saved = saveDescribeOutputs(account());
    writeFileSync(join(saved, 'search-transit-gateway-routes.json'), JSON.stringify({
      RouteTableRoutes: [{ TransitGatewayRouteTableId: 'tgw-rtb-0a', Routes: [], NextToken: 'next' }],
    }));
    const run = cli('--from-describe', saved, '--format', 'json', '--no-failover', '--write-facts', 'f.json');
    const written = JSON.parse(readFileSync(join(dir, 'f.json'), 'utf8'));
    expect(written.unread).toContainEqual({ call: SNAPSHOT_CALLS.transitGatewayRoutes, reason: expect.stringContaining('search-transit-gateway-routes.json: the output for tgw-rtb-0a is one page of several') });
    expect(run.code).toBe(0);
  });
});

describe("--from-describe: the account's security-group quota (describe-account-attributes.json)", () => {
  /** The seed account, its Glue connection wearing six groups (the default quota is 5). */
  const sixGroups = (attributes?: unknown[]): AccountSnapshot => {
    const seed = account();
    const extra = ['sg-0a', 'sg-0b', 'sg-0c', 'sg-0d', 'sg-0e'];
    return {
      ...seed,
      securityGroups: [...seed.securityGroups!, ...extra.map((id) => ({ GroupId: id, VpcId: 'vpc-0glue', IpPermissions: [], IpPermissionsEgress: [] }))],
      connections: seed.connections!.map((c) => (c.Name === 'glue-net'
        ? { ...c, PhysicalConnectionRequirements: { ...c.PhysicalConnectionRequirements, SecurityGroupIdList: ['sg-0glue', ...extra] } } : c)),
      ...(attributes ? { accountAttributes: attributes } : {}),
    };
  };
  const attribute = (value: string) => [
    { AttributeName: 'max-instances', AttributeValues: [{ AttributeValue: '20' }] },
    { AttributeName: 'vpc-max-security-groups-per-interface', AttributeValues: [{ AttributeValue: value }] },
  ];
  const quotaFindings = (run: { stdout: string }) => JSON.parse(run.stdout).findings.filter((f: any) => f.ruleId === 'GNP-QUOTA-SECURITY-GROUPS');

  it('an account at 10 groups per interface: no GNP-QUOTA-SECURITY-GROUPS, and --write-facts keeps the quota', () => {
    const saved = saveDescribeOutputs(sixGroups(attribute('10')));
    const run = cli('--from-describe', saved, '--write-facts', 'account.json', '--format', 'json', '--no-failover');
    expect(quotaFindings(run)).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'account.json'), 'utf8')).quotas).toEqual({ securityGroupsPerNetworkInterface: 10 });
  });

  it('an account at the default 5: the error names the quota as the account\'s; --quota wins over the account', () => {
    const saved = saveDescribeOutputs(sixGroups(attribute('5')));
    const run = cli('--from-describe', saved, '--format', 'json', '--no-failover');
    expect(quotaFindings(run)).toEqual([expect.objectContaining({ message: expect.stringMatching(/an ENI accepts 5 \(the account's quota, as given\)/) })]);
    expect(quotaFindings(cli('--from-describe', saved, '--quota', 'security-groups-per-network-interface=6', '--format', 'json', '--no-failover'))).toEqual([]);
  });

  it('without the file: the default is assumed, and nothing is reported as not read', () => {
    const saved = saveDescribeOutputs(sixGroups());
    const run = cli('--from-describe', saved, '--format', 'json', '--no-failover');
    expect(quotaFindings(run)).toEqual([expect.objectContaining({ message: expect.stringMatching(/an ENI accepts 5 by default/) })]);
    expect(run.stdout).not.toContain('describe-account-attributes.json');
  });
});

/**
 * Routes a virtual private gateway propagates into a table: DescribeRouteTables lists them with
 * `Origin: EnableVgwRoutePropagation`. The "Routes per route table" quota counts non-propagated
 * routes only (Amazon VPC quotas, https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html).
 */
describe('--from-describe: routes a virtual private gateway propagates (Origin EnableVgwRoutePropagation)', () => {
  /** The seed account, the Glue subnet's table (its peering route and the S3 endpoint's: 2) with 60 routes to vgw-0vpn of `origin`. */
  const vpnRoutes = (origin: string): AccountSnapshot => {
    const seed = account();
    const routes = Array.from({ length: 60 }, (_, i) => routeTo(`192.168.${i}.0/24`, { GatewayId: 'vgw-0vpn' }, { Origin: origin }));
    return { ...seed, routeTables: seed.routeTables!.map((t) => (t.RouteTableId === 'rtb-0glue' ? { ...t, Routes: [...t.Routes, ...routes] } : t)) };
  };
  const routeQuota = (run: { stdout: string }) => JSON.parse(run.stdout).findings.filter((f: any) => f.ruleId === 'GNP-QUOTA-ROUTES').map((f: any) => f.message);

  it('60 propagated routes do not count against a quota of 50 (they were counted: 62 routes, a false GNP-QUOTA-ROUTES); the store stays REACHABLE', () => {
    const run = cli('--from-describe', saveDescribeOutputs(vpnRoutes('EnableVgwRoutePropagation')), '--quota', 'routes-per-route-table=50', '--format', 'json', '--no-failover');
    expect(routeQuota(run)).toEqual([]);
    expect(verdicts(run.stdout)[0].stores).toEqual(['warehouse:REACHABLE']);
  });

  it('the same 60 routes created by hand (Origin CreateRoute) count: 62 routes over the quota of 50', () => {
    const run = cli('--from-describe', saveDescribeOutputs(vpnRoutes('CreateRoute')), '--quota', 'routes-per-route-table=50', '--format', 'json', '--no-failover');
    expect(routeQuota(run)).toEqual([expect.stringMatching(/^rtb-0glue has 62 routes; the account's quota is 50 per route table/)]);
  });

  it('--write-facts marks them `propagated: true` (the static ones not), and the facts file gives the same count', () => {
    cli('--from-describe', saveDescribeOutputs(vpnRoutes('EnableVgwRoutePropagation')), '--write-facts', 'account.json');
    const written = JSON.parse(readFileSync(join(dir, 'account.json'), 'utf8'));
    const routes = written.routeTables.find((t: any) => t.id === 'rtb-0glue').routes;
    expect(routes.filter((r: any) => r.propagated === true)).toHaveLength(60);
    expect(routes.find((r: any) => r.destination === '10.50.0.0/16')).toEqual({ destination: '10.50.0.0/16', target: { kind: 'vpc-peering', id: 'pcx-0glue' } });
    writeFileSync(join(dir, 'empty.json'), '{"Resources": {}}');
    expect(routeQuota(cli('empty.json', '--facts', 'account.json', '--quota', 'routes-per-route-table=50', '--format', 'json', '--no-failover'))).toEqual([]);
  });
});

/**
 * The local route's target replaced by a middlebox (VPC User Guide, "Replace or restore the target
 * for a local route"): DescribeRouteTables lists the VPC's block with the appliance as its target
 * instead of `local`, and the VPC's own traffic goes through the appliance.
 */
describe('--from-describe: a local route whose target is a middlebox', () => {
  /** The account's Glue VPC with a second store in its own subnet 10.0.2.0/24, its table's local route sent to `target` (or left local). */
  function sameVpcStore(target?: Record<string, string>): AccountSnapshot {
    const seed = account();
    const table = seed.routeTables!.find((t) => t.RouteTableId === 'rtb-0glue')!;
    const local = { DestinationCidrBlock: '10.0.0.0/16', Origin: 'CreateRouteTable', State: 'active', ...(target ?? { GatewayId: 'local' }) };
    return {
      ...seed,
      subnets: [...seed.subnets!, apiSubnet('subnet-0app', 'vpc-0glue', '10.0.2.0/24', 'us-east-1a', 250)],
      routeTables: seed.routeTables!.map((t) => (t === table ? { ...t, Routes: [local, ...t.Routes.filter((r: any) => r.GatewayId !== 'local')] } : t)),
      networkAcls: [...seed.networkAcls!.filter((a) => a.NetworkAclId !== 'acl-0glue'), apiNetworkAcl('acl-0glue', 'vpc-0glue', ['subnet-0glue', 'subnet-0app'])],
      connections: [...seed.connections!, apiConnection('app', 'subnet-0app', ['sg-0glue'], 'us-east-1a', 'jdbc:postgresql://10.0.2.10:5432/app')],
      jobs: [apiJob('etl', ['glue-net', 'app'])],
    };
  }
  const appVerdict = (snapshot: AccountSnapshot) => {
    const run = cli('--from-describe', saveDescribeOutputs(snapshot), '--format', 'json', '--no-failover');
    return JSON.parse(run.stdout).jobs[0].dataStores.find((s: any) => s.connection.name === 'app');
  };

  it('the local route left alone: the store in another subnet of the Glue VPC is REACHABLE', () => {
    expect(appVerdict(sameVpcStore()).verdict).toBe('REACHABLE');
  });

  it.each([
    ['a network interface', { NetworkInterfaceId: 'eni-0firewall' }],
    ['an instance', { InstanceId: 'i-0firewall', NetworkInterfaceId: 'eni-0firewall' }],
  ])('sent to %s: UNKNOWN, naming the appliance (what it forwards is not described), never REACHABLE', (_, target) => {
    const app = appVerdict(sameVpcStore(target));
    expect(app.verdict).toBe('UNKNOWN');
    expect(JSON.stringify(app.explanations)).toContain('eni-0firewall');
  });
});

describe('--write-facts FILE', () => {
  it('writes a facts file that validates and gives the same plan with --facts', () => {
    const saved = saveDescribeOutputs(account());
    const first = cli('--from-describe', saved, '--write-facts', 'account.json', '--format', 'json');
    const written = JSON.parse(readFileSync(join(dir, 'account.json'), 'utf8'));
    expect(() => parseFacts(written, 'account.json')).not.toThrow();
    expect(written.jobs).toEqual([expect.objectContaining({ name: 'etl', connections: ['glue-net', 'warehouse'] })]);
    // The facts alone: no template defines anything (an empty template stands for "no app").
    writeFileSync(join(dir, 'empty.json'), '{"Resources": {}}');
    const second = cli('empty.json', '--facts', 'account.json', '--format', 'json');
    expect(second.code).toBe(first.code);
    // Sources name the facts file instead of the directory; everything else is the same plan.
    const normalise = (text: string, origin: string) => text.split(origin).join('<facts>');
    expect(normalise(second.stdout, join(dir, 'account.json'))).toBe(normalise(first.stdout, saved));
  });

  it('writes what could not be read, so the plan from the file stays UNKNOWN', () => {
    const saved = saveDescribeOutputs(account(), ['describe-network-acls.json']);
    cli('--from-describe', saved, '--write-facts', 'account.json');
    const written = JSON.parse(readFileSync(join(dir, 'account.json'), 'utf8'));
    expect(written.unread).toEqual([{ call: 'ec2:DescribeNetworkAcls', reason: expect.stringContaining('describe-network-acls.json is missing') }]);
    writeFileSync(join(dir, 'empty.json'), '{"Resources": {}}');
    expect(verdicts(cli('empty.json', '--facts', 'account.json', '--format', 'json', '--no-failover').stdout)[0].stores).toEqual(['warehouse:UNKNOWN']);
  });
});

describe('--from-describe with templates', () => {
  it('the templates\' job uses the deployed connection and network they name but do not define', () => {
    const saved = saveDescribeOutputs(account(), ['get-jobs.json']);
    writeFileSync(join(dir, 'app.json'), JSON.stringify({
      Resources: {
        Job: { Type: 'AWS::Glue::Job', Properties: { Name: 'new-job', Role: 'r', Command: { Name: 'glueetl' }, Connections: { Connections: ['glue-net', 'warehouse'] } } },
      },
    }));
    const run = cli('app.json', '--from-describe', saved, '--format', 'json', '--no-failover');
    expect(verdicts(run.stdout)).toEqual([{ job: 'new-job', selected: 'glue-net', stores: ['warehouse:REACHABLE'] }]);
  });

  it('a connection the templates define wins over the deployed one of the same name', () => {
    const deployed = { ...account(), connections: [...account().connections!.slice(0, 1), apiConnection('warehouse', 'subnet-0elsewhere', ['sg-0db'], 'us-east-1a')] };
    const saved = saveDescribeOutputs(deployed, ['get-jobs.json']);
    writeFileSync(join(dir, 'app.json'), JSON.stringify({
      Resources: {
        Warehouse: {
          Type: 'AWS::Glue::Connection',
          Properties: {
            CatalogId: '111111111111',
            ConnectionInput: {
              Name: 'warehouse',
              ConnectionType: 'JDBC',
              ConnectionProperties: { JDBC_CONNECTION_URL: 'jdbc:postgresql://10.50.1.10:5432/dw' },
              PhysicalConnectionRequirements: { SubnetId: 'subnet-0db', SecurityGroupIdList: ['sg-0db'], AvailabilityZone: 'us-east-1a' },
            },
          },
        },
        Job: { Type: 'AWS::Glue::Job', Properties: { Name: 'new-job', Role: 'r', Command: { Name: 'glueetl' }, Connections: { Connections: ['glue-net', 'warehouse'] } } },
      },
    }));
    const run = cli('app.json', '--from-describe', saved, '--format', 'json', '--no-failover');
    expect(verdicts(run.stdout)).toEqual([{ job: 'new-job', selected: 'glue-net', stores: ['warehouse:REACHABLE'] }]);
  });
});

describe('docs/live.md', () => {
  const text = readFileSync(join(__dirname, '..', '..', 'docs', 'live.md'), 'utf8');
  it('lists every saved file and every IAM action the reader uses', () => {
    for (const { file, part } of DESCRIBE_FILES) {
      expect(text).toContain(`\`${file}\``);
      expect(text).toContain(`\`${SNAPSHOT_CALLS[part]}\``);
    }
    const policy = JSON.parse(text.split('```json')[1].split('```')[0]);
    // --compare also lists the templates' stacks (src/ingest/aws/stacks.ts).
    expect(policy.Statement[0].Action.sort()).toEqual([...Object.values(SNAPSHOT_CALLS), LIST_STACK_RESOURCES].sort());
    expect(text).toContain(`\`${LIST_STACK_RESOURCES}\``);
  });
});

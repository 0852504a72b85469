/**
 * Issue 16 point 4: `Vpc.fromLookup` for free. What CDK's context holds for a looked-up VPC (its
 * CIDR, each subnet's CIDR, zone and route table id) is used by the guard, the plugin and the
 * CLI; what a lookup does not return (routes, ACLs, groups) stays UNKNOWN unless facts give it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Aspects, AspectPriority, Stack, aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { GlueNetworkGuard, GuardReporting } from '../../src/cdk/guard';
import { allDoors, DoorInputs, expectDoorsAgree } from '../doors';

const ENV = { account: '111111111111', region: 'us-east-1' };

/** The key a dummy-lookup synth of `Vpc.fromLookup({ vpcId: 'vpc-0shared' })` reports as missing (asserted below). */
const LOOKUP_KEY = 'vpc-provider:account=111111111111:filter.vpc-id=vpc-0shared:region=us-east-1:returnAsymmetricSubnets=true';

/** What the CDK CLI records for that lookup (cxapi.VpcContextResponse, asymmetric subnets). */
const lookedUp = {
  vpcId: 'vpc-0shared',
  vpcCidrBlock: '10.20.0.0/16',
  ownerAccountId: '111111111111',
  availabilityZones: [],
  subnetGroups: [{
    name: 'Private',
    type: 'Private',
    subnets: [{ subnetId: 'subnet-0a', cidr: '10.20.1.0/24', availabilityZone: 'us-east-1a', routeTableId: 'rtb-0a' }],
  }],
};

interface LookupApp {
  /** Set the lookup in the app's context, as the CDK CLI passes cdk.context.json to the app. */
  readonly context?: boolean;
  /** The connection's AvailabilityZone, when it is not the subnet's own. */
  readonly connectionZone?: string;
}

/** A job in a platform team's VPC, imported with `Vpc.fromLookup`; its group and connection are the app's. */
function lookupApp(options: LookupApp) {
  return (app: App) => {
    if (options.context) app.node.setContext(LOOKUP_KEY, lookedUp);
    const stack = new Stack(app, 'Etl', { env: ENV });
    const vpc = ec2.Vpc.fromLookup(stack, 'Shared', { vpcId: 'vpc-0shared' });
    const group = new ec2.SecurityGroup(stack, 'GlueGroup', { vpc });
    group.connections.allowInternally(ec2.Port.allTcp());
    const db = new glue.Connection(stack, 'Db', {
      type: glue.ConnectionType.JDBC,
      network: glue.ConnectionNetwork.subnet(vpc.privateSubnets[0]),
      securityGroups: [group],
      properties: { JDBC_CONNECTION_URL: 'jdbc:postgresql://10.20.1.50:5432/db', USERNAME: 'u', PASSWORD: 'p' },
    });
    if (options.connectionZone) {
      (db.node.defaultChild as glue.CfnConnection).addPropertyOverride('ConnectionInput.PhysicalConnectionRequirements.AvailabilityZone', options.connectionZone);
    }
    new glue.PySparkEtlJob(stack, 'Load', {
      jobName: 'load',
      role: new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
      script: glue.Code.fromBucket(new s3.Bucket(stack, 'Scripts'), 'load.py'),
      connections: [db],
    });
  };
}

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'gnp-lookup-doors-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The three doors; the CLI reads the same lookup from cdk.context.json in its working directory. */
function doors(options: LookupApp, inputs: DoorInputs = {}) {
  if (options.context) writeFileSync(join(dir, 'cdk.context.json'), JSON.stringify({ [LOOKUP_KEY]: lookedUp }));
  const answers = allDoors(lookupApp(options), { cliCwd: dir, ...inputs });
  expectDoorsAgree(answers);
  return answers;
}

/** What the lookup does not give, as a platform team's facts file: the route table, an S3 endpoint, the subnet's ACL. */
function routeFacts(subnet: Record<string, unknown> = {}): string {
  const file = join(dir, 'network.json');
  writeFileSync(file, JSON.stringify({
    subnets: [{ id: 'subnet-0a', vpcId: 'vpc-0shared', cidr: '10.20.1.0/24', availabilityZone: 'us-east-1a', routeTableId: 'rtb-0a', networkAclId: 'acl-0', ...subnet }],
    routeTables: [{ id: 'rtb-0a', vpcId: 'vpc-0shared', routes: [] }],
    networkAcls: [{
      id: 'acl-0',
      vpcId: 'vpc-0shared',
      isDefault: true,
      entries: [
        { ruleNumber: 100, egress: false, action: 'allow', protocol: '-1', cidr: '0.0.0.0/0' },
        { ruleNumber: 100, egress: true, action: 'allow', protocol: '-1', cidr: '0.0.0.0/0' },
      ],
    }],
    gatewayEndpoints: [{ id: 'vpce-0s3', vpcId: 'vpc-0shared', service: 's3', routeTableIds: ['rtb-0a'] }],
  }));
  return file;
}

describe('Vpc.fromLookup: the key CDK records a lookup under', () => {
  it('is the key a synth without context reports missing (the guard reads the value CDK stores there)', () => {
    process.env.CDK_VALIDATION = 'false';
    const app = new App({ outdir: dir });
    const stack = new Stack(app, 'Etl', { env: ENV });
    ec2.Vpc.fromLookup(stack, 'Shared', { vpcId: 'vpc-0shared' });
    expect(app.synth().manifest.missing?.map((m) => m.key)).toEqual([LOOKUP_KEY]);
  });
});

describe('Vpc.fromLookup context through the three doors', () => {
  it('without context the looked-up subnet is unknown: the store is UNKNOWN', () => {
    const answers = doors({});
    expect(answers.cli.findings).toContain('GNP-CONNECTION-UNKNOWN-SUBNET:warning');
    expect(answers.cli.stores).toEqual(['load / Db5D02A0A9: UNKNOWN']);
  });

  it('with context the subnet is described (no unknown subnet), but its routes are not: the store stays UNKNOWN', () => {
    const answers = doors({ context: true });
    expect(answers.cli.findings).not.toContain('GNP-CONNECTION-UNKNOWN-SUBNET:warning');
    expect(answers.cli.findings).toContain('GNP-SELECTION-UNKNOWN:warning');
    expect(answers.guard.stores).toEqual(['load / Db5D02A0A9: UNKNOWN']);
    expect(answers.guard.messages.join('\n')).toContain('route table rtb-0a of subnet subnet-0a is not described');
  });

  it('context suffices for the zone: a connection whose AvailabilityZone is not its subnet\'s is a definite error', () => {
    const without = doors({ connectionZone: 'us-east-1b' });
    expect(without.cli.findings).not.toContain('GNP-CONNECTION-AZ-MISMATCH:error');
    const answers = doors({ context: true, connectionZone: 'us-east-1b' });
    expect(answers.plugin.findings).toContain('GNP-CONNECTION-AZ-MISMATCH:error');
    expect(answers.guard.messages.join('\n')).toContain('its subnet subnet-0a is in us-east-1a');
  });

  it('facts that give the routes and the ACL (not the VPC) make the store definite: REACHABLE', () => {
    const factsFile = routeFacts();
    const answers = doors({ context: true }, { factsFile });
    expect(answers.guard.stores).toEqual(['load / Db5D02A0A9: REACHABLE']);
    // Without the lookup, the same facts do not say which VPC the subnet's CIDR belongs to.
    expect(doors({}, { factsFile }).cli.stores).toEqual(['load / Db5D02A0A9: UNKNOWN']);
  });

  it('explicit facts win over the context for the same id', () => {
    // The facts place subnet-0a in us-east-1c; the lookup says us-east-1a. The facts decide.
    const answers = doors({ context: true, connectionZone: 'us-east-1a' }, { factsFile: routeFacts({ availabilityZone: 'us-east-1c' }) });
    expect(answers.cli.findings).toContain('GNP-CONNECTION-AZ-MISMATCH:error');
    expect(answers.cli.messages.join('\n')).toContain('its subnet subnet-0a is in us-east-1c');
  });
});

describe('the guard reads cdk.context.json in the working directory', () => {
  /** The guard's plan of an app, synthesized with `dir` as the working directory (where the CDK CLI keeps cdk.context.json). */
  function guardPlan(build: (app: App) => void): any {
    const app = new App({ outdir: mkdtempSync(join(dir, 'out-')) });
    build(app);
    const guard = new GlueNetworkGuard({ failover: false, reporting: GuardReporting.ANNOTATIONS });
    Aspects.of(app).add(guard, { priority: AspectPriority.READONLY });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      app.synth();
    } finally {
      process.chdir(cwd);
    }
    return JSON.parse(guard.lastPlanJson!);
  }

  /** A connection naming the looked-up subnet by its literal id (the app does no lookup itself). */
  function literalSubnetApp(app: App) {
    const stack = new Stack(app, 'Etl', { env: ENV });
    const connection = new glue.CfnConnection(stack, 'Db', {
      catalogId: ENV.account,
      connectionInput: {
        name: 'db',
        connectionType: 'NETWORK',
        physicalConnectionRequirements: { subnetId: 'subnet-0a', securityGroupIdList: ['sg-0glue'], availabilityZone: 'us-east-1b' },
      },
    });
    new glue.CfnJob(stack, 'Load', { name: 'load', role: 'r', command: { name: 'glueetl' }, connections: { connections: [connection.ref] } });
  }

  it('a subnet the templates name by id is described by a lookup cdk.context.json holds', () => {
    expect(JSON.stringify(guardPlan(literalSubnetApp).findings)).toContain('GNP-CONNECTION-UNKNOWN-SUBNET');
    writeFileSync(join(dir, 'cdk.context.json'), JSON.stringify({ [LOOKUP_KEY]: lookedUp }));
    const plan = guardPlan(literalSubnetApp);
    expect(JSON.stringify(plan)).not.toContain('GNP-CONNECTION-UNKNOWN-SUBNET');
    expect(JSON.stringify(plan)).toContain('GNP-CONNECTION-AZ-MISMATCH');
  });

  it('for the same key, the app\'s context (what this synthesis looked up) wins over the file', () => {
    const stale = { ...lookedUp, subnetGroups: [{ ...lookedUp.subnetGroups[0], subnets: [{ ...lookedUp.subnetGroups[0].subnets[0], availabilityZone: 'us-east-1b' }] }] };
    writeFileSync(join(dir, 'cdk.context.json'), JSON.stringify({ [LOOKUP_KEY]: stale }));
    const plan = guardPlan(lookupApp({ context: true }));
    expect(JSON.stringify(plan)).not.toContain('GNP-CONNECTION-AZ-MISMATCH');
    expect(plan.jobs[0].candidates[0].connection).toMatchObject({ subnet: 'subnet-0a', az: 'us-east-1a' });
  });
});

/**
 * Issue 16: what the account says of interface VPC endpoints (private DNS, their groups and
 * subnets) and of security groups associated with other VPCs, read from saved
 * `aws ec2 describe-* --output json` outputs, gives the verdicts the equivalent template gives.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../../src/cli/run';
import { AccountSnapshot, DESCRIBE_FILES } from '../../src/ingest/aws';
import {
  allTraffic, apiConnection, apiDnsAttributes, apiGroupVpcAssociation, apiInterfaceEndpoint, apiJob, apiNetworkAcl, apiRouteTable, apiS3Endpoint,
  apiSecurityGroup, apiSubnet, apiVpc, localRoute, noStoresNorTransitGateways, s3EndpointRoute, tcpRule,
} from '../ingest/aws/api-builders';
import { getAtt, glueConnection, glueJob, ref, Resource, twoSubnetGlueVpc } from '../ingest/builders';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'gnp-describe-services-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd: dir });
  if (!stdout) throw new Error(stderr);
  const plan = JSON.parse(stdout);
  const findings = [...plan.findings, ...plan.jobs.flatMap((j: any) => j.findings)];
  return {
    code,
    ruleIds: [...new Set(findings.filter((f: any) => f.severity !== 'info').map((f: any) => f.ruleId as string))].sort(),
    stores: plan.jobs.map((j: any) => ({ job: j.name, selected: j.selectedConnection?.name, stores: j.dataStores.map((s: any) => `${s.connection.name}:${s.verdict}`) })),
    findings,
    stdout,
  };
}

/** Saves the snapshot as the AWS CLI prints it, leaving out `skip`; plans it. */
function fromAccount(snapshot: AccountSnapshot, skip: string[] = []) {
  const out = join(dir, 'describe');
  mkdirSync(out, { recursive: true });
  for (const { part, file, key } of DESCRIBE_FILES) {
    if (!skip.includes(file) && snapshot[part] !== undefined) writeFileSync(join(out, file), JSON.stringify({ [key]: snapshot[part] }, null, 2));
  }
  writeFileSync(join(out, 'region.txt'), 'us-east-1\n');
  return cli('--from-describe', out, '--format', 'json', '--no-failover');
}

function fromTemplate(resources: Record<string, Resource>) {
  writeFileSync(join(dir, 'app.json'), JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources }));
  return cli('app.json', '--format', 'json', '--no-failover');
}

const r = (Type: string, Properties: Record<string, unknown>): Resource => ({ Type, Properties });

interface World {
  /** The Secrets Manager interface endpoint: absent for none. */
  readonly endpoint?: { privateDns: boolean };
  /** The connections' group belongs to a second VPC; `associated`: and is associated with the first. */
  readonly sharedGroup?: { associated: boolean };
  /** The private hosted zones of the VPC (ListHostedZonesByVPC, saved): none when absent; `unsaved`: the file is missing. */
  readonly zones?: { name: string }[] | 'unsaved';
}

const ORDERS_URL = 'jdbc:postgresql://10.0.1.20:5432/orders';

/**
 * One VPC 10.0.0.0/16, subnets in us-east-1a and us-east-1b on one route table with an S3 gateway
 * endpoint; a Glue group (self-referencing all TCP, all outbound); job `load` lists `net`
 * (NETWORK) then `orders` (JDBC, its credentials in Secrets Manager). The endpoint's group admits
 * HTTPS from the VPC.
 */
function account(world: World): AccountSnapshot {
  const glueGroup = world.sharedGroup ? 'sg-0shared' : 'sg-0glue';
  const glueGroupVpc = world.sharedGroup ? 'vpc-0other' : 'vpc-0a';
  const orders = apiConnection('orders', 'subnet-0a', [glueGroup], 'us-east-1a', ORDERS_URL);
  return {
    region: 'us-east-1',
    vpcs: [apiVpc('vpc-0a', '10.0.0.0/16'), ...(world.sharedGroup ? [apiVpc('vpc-0other', '10.9.0.0/16')] : [])],
    vpcAttributes: [...apiDnsAttributes('vpc-0a'), ...(world.sharedGroup ? apiDnsAttributes('vpc-0other') : [])],
    subnets: [apiSubnet('subnet-0a', 'vpc-0a', '10.0.1.0/24', 'us-east-1a', 240), apiSubnet('subnet-0b', 'vpc-0a', '10.0.2.0/24', 'us-east-1b', 240)],
    routeTables: [
      apiRouteTable('rtb-0main', 'vpc-0a', { main: true, routes: [localRoute('10.0.0.0/16')] }),
      apiRouteTable('rtb-0a', 'vpc-0a', { subnets: ['subnet-0a', 'subnet-0b'], routes: [localRoute('10.0.0.0/16'), s3EndpointRoute('vpce-0s3')] }),
      ...(world.sharedGroup ? [apiRouteTable('rtb-0other', 'vpc-0other', { main: true, routes: [localRoute('10.9.0.0/16')] })] : []),
    ],
    securityGroups: [
      apiSecurityGroup('sg-0default', 'vpc-0a', [allTraffic({ group: 'sg-0default' })]),
      apiSecurityGroup(glueGroup, glueGroupVpc, [{ ...tcpRule(0, { group: glueGroup }), ToPort: 65535 }]),
      apiSecurityGroup('sg-0endpoint', 'vpc-0a', [tcpRule(443, { cidr: '10.0.0.0/16' })]),
    ],
    securityGroupVpcAssociations: world.sharedGroup?.associated ? [apiGroupVpcAssociation('sg-0shared', 'vpc-0a')] : [],
    networkAcls: [apiNetworkAcl('acl-0a', 'vpc-0a', ['subnet-0a', 'subnet-0b']), ...(world.sharedGroup ? [apiNetworkAcl('acl-0other', 'vpc-0other', [])] : [])],
    vpcEndpoints: [
      apiS3Endpoint('vpce-0s3', 'vpc-0a', ['rtb-0a']),
      ...(world.endpoint ? [apiInterfaceEndpoint('vpce-0secrets', 'vpc-0a', 'secretsmanager', { privateDns: world.endpoint.privateDns, groups: ['sg-0endpoint'], subnets: ['subnet-0a', 'subnet-0b'] })] : []),
    ],
    natGateways: [],
    peerings: [],
    connections: [
      apiConnection('net', 'subnet-0a', [glueGroup], 'us-east-1a'),
      { ...orders, ConnectionProperties: { ...orders.ConnectionProperties, SECRET_ID: 'orders-credentials' } },
    ],
    jobs: [apiJob('load', ['net', 'orders'])],
    ...(world.zones === 'unsaved' ? {} : {
      privateHostedZones: [
        { VpcId: 'vpc-0a', HostedZoneSummaries: (world.zones ?? []).map((zone, i) => ({ HostedZoneId: `Z0${i}`, Name: zone.name, Owner: { OwningAccount: '111111111111' } })) },
        ...(world.sharedGroup ? [{ VpcId: 'vpc-0other', HostedZoneSummaries: [] }] : []),
      ],
    }),
    ...noStoresNorTransitGateways(),
    unread: [],
  };
}

/** The same world as a hand-written template (as test/cli/stores-and-services.test.ts writes it). */
function template(world: World): Record<string, Resource> {
  return {
    ...twoSubnetGlueVpc(),
    EndpointSg: r('AWS::EC2::SecurityGroup', { GroupDescription: 'endpoint', VpcId: ref('Vpc'), SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' }] }),
    ...(world.endpoint ? {
      Secrets: r('AWS::EC2::VPCEndpoint', {
        VpcId: ref('Vpc'),
        VpcEndpointType: 'Interface',
        ServiceName: { 'Fn::Sub': 'com.amazonaws.${AWS::Region}.secretsmanager' },
        PrivateDnsEnabled: world.endpoint.privateDns,
        SubnetIds: [ref('SubnetA'), ref('SubnetB')],
        SecurityGroupIds: [getAtt('EndpointSg', 'GroupId')],
      }),
    } : {}),
    Net: glueConnection('net', ref('SubnetA'), [getAtt('GlueSg', 'GroupId')], {}, 'NETWORK'),
    Orders: glueConnection('orders', ref('SubnetA'), [getAtt('GlueSg', 'GroupId')], { JDBC_CONNECTION_URL: ORDERS_URL, SECRET_ID: 'orders-credentials' }),
    Job: glueJob([ref('Net'), ref('Orders')], { Name: 'load' }),
  };
}

describe('GNP-CONNECTION-NO-SECRETS-PATH: the Secrets Manager interface endpoint read from the account', () => {
  it('private DNS on, its group admitting 443 from the Glue subnet: no finding, the same verdicts as the template', () => {
    const world = { endpoint: { privateDns: true } };
    const live = fromAccount(account(world));
    const written = fromTemplate(template(world));
    expect(live.ruleIds).not.toContain('GNP-CONNECTION-NO-SECRETS-PATH');
    expect(live.ruleIds).not.toContain('GNP-CONNECTION-SERVICE-PATH-UNKNOWN');
    expect(live.stores).toEqual(written.stores);
    expect(live.ruleIds).toEqual(written.ruleIds);
    expect(live.code).toBe(written.code);
  });

  it('private DNS off: the error from the account as from the template (the name resolves to the public endpoint)', () => {
    const world = { endpoint: { privateDns: false } };
    const live = fromAccount(account(world));
    const written = fromTemplate(template(world));
    expect(live.ruleIds).toContain('GNP-CONNECTION-NO-SECRETS-PATH');
    expect(live.stdout).toContain('interface endpoint vpce-0secrets has private DNS off');
    expect(live.ruleIds).toEqual(written.ruleIds);
    expect(live.code).toBe(written.code);
  });

  it('no endpoint and no NAT: the error, as from the template (the account reader passes the connection\'s SECRET_ID on)', () => {
    const live = fromAccount(account({}));
    expect(live.ruleIds).toContain('GNP-CONNECTION-NO-SECRETS-PATH');
    expect(live.ruleIds).toEqual(fromTemplate(template({})).ruleIds);
  });

  it("a private hosted zone for Secrets Manager's name associated with the VPC (list-hosted-zones-by-vpc.json): UNKNOWN naming the zone, not the error", () => {
    const live = fromAccount(account({ zones: [{ name: 'secretsmanager.us-east-1.amazonaws.com.' }] }));
    expect(live.ruleIds).not.toContain('GNP-CONNECTION-NO-SECRETS-PATH');
    expect(live.ruleIds).toContain('GNP-CONNECTION-SERVICE-PATH-UNKNOWN');
    expect(live.stdout).toContain('Route 53 private hosted zone Z00 (secretsmanager.us-east-1.amazonaws.com) is associated with vpc-0a');
  });

  it('a zone for another name changes nothing: the error', () => {
    expect(fromAccount(account({ zones: [{ name: 'corp.internal.' }] })).ruleIds).toContain('GNP-CONNECTION-NO-SECRETS-PATH');
  });

  it('list-hosted-zones-by-vpc.json missing: the zones are unknown, so UNKNOWN naming what was not read (was: the error, as if the VPC had none)', () => {
    const live = fromAccount(account({ zones: 'unsaved' }));
    expect(live.ruleIds).not.toContain('GNP-CONNECTION-NO-SECRETS-PATH');
    expect(live.ruleIds).toContain('GNP-CONNECTION-SERVICE-PATH-UNKNOWN');
    expect(live.stdout).toContain('the Route 53 private hosted zones associated with vpc-0a were not read (route53:ListHostedZonesByVPC)');
  });

  it('the saved output for the VPC is one page of several (NextToken): its zones are unknown, UNKNOWN saying to save every page, never the error', () => {
    const snapshot = account({});
    const live = fromAccount({ ...snapshot, privateHostedZones: [{ VpcId: 'vpc-0a', HostedZoneSummaries: [], MaxItems: 1, NextToken: 'Z0page2' }] });
    expect(live.ruleIds).not.toContain('GNP-CONNECTION-NO-SECRETS-PATH');
    expect(live.ruleIds).toContain('GNP-CONNECTION-SERVICE-PATH-UNKNOWN');
    expect(live.stdout).toContain('list-hosted-zones-by-vpc.json: the output for vpc-0a is one page of several');
  });

  it('a saved output for the VPC without HostedZoneSummaries (not what the call prints): its zones are unknown, UNKNOWN, never read as none', () => {
    const live = fromAccount({ ...account({}), privateHostedZones: [{ VpcId: 'vpc-0a' }] });
    expect(live.ruleIds).not.toContain('GNP-CONNECTION-NO-SECRETS-PATH');
    expect(live.ruleIds).toContain('GNP-CONNECTION-SERVICE-PATH-UNKNOWN');
    expect(live.stdout).toContain('vpc-0a#route53-private-hosted-zones-not-read');
  });

  it('--write-facts keeps the endpoint\'s private DNS, groups and subnets', () => {
    const out = join(dir, 'describe');
    mkdirSync(out);
    const snapshot = account({ endpoint: { privateDns: true } });
    for (const { part, file, key } of DESCRIBE_FILES) if (snapshot[part] !== undefined) writeFileSync(join(out, file), JSON.stringify({ [key]: snapshot[part] }));
    cli('--from-describe', out, '--write-facts', 'account.json', '--format', 'json', '--no-failover');
    const facts = JSON.parse(readFileSync(join(dir, 'account.json'), 'utf8'));
    expect(facts.gatewayEndpoints.find((e: any) => e.id === 'vpce-0secrets')).toEqual({
      id: 'vpce-0secrets',
      vpcId: 'vpc-0a',
      service: 'secretsmanager',
      type: 'Interface',
      routeTableIds: [],
      privateDnsEnabled: true,
      securityGroupIds: ['sg-0endpoint'],
      subnetIds: ['subnet-0a', 'subnet-0b'],
    });
    expect(facts.connections.find((c: any) => c.name === 'orders').secretId).toBe('orders-credentials');
  });
});

describe('GNP-CONNECTION-SG-OTHER-VPC: a group of another VPC associated with the subnet\'s VPC (DescribeSecurityGroupVpcAssociations)', () => {
  const otherVpc = (f: any) => f.ruleId === 'GNP-CONNECTION-SG-OTHER-VPC';
  const unknownVpc = (f: any) => f.ruleId === 'GNP-CONNECTION-SG-VPC-UNKNOWN';

  it('associated with the subnet\'s VPC: no OTHER-VPC error', () => {
    const live = fromAccount(account({ endpoint: { privateDns: true }, sharedGroup: { associated: true } }));
    expect(live.findings.filter(otherVpc)).toEqual([]);
    expect(live.findings.filter(unknownVpc)).toEqual([]);
    expect(live.stores[0].selected).toBe('net');
  });

  it('not associated (the call answers none): the error', () => {
    const live = fromAccount(account({ endpoint: { privateDns: true }, sharedGroup: { associated: false } }));
    expect(live.findings.filter(otherVpc).length).toBeGreaterThan(0);
  });

  it('an association still associating does not count: the error', () => {
    const snapshot = { ...account({ endpoint: { privateDns: true }, sharedGroup: { associated: false } }), securityGroupVpcAssociations: [apiGroupVpcAssociation('sg-0shared', 'vpc-0a', 'associating')] };
    expect(fromAccount(snapshot).findings.filter(otherVpc).length).toBeGreaterThan(0);
  });

  it('the associations not read (file missing, call denied): UNKNOWN (GNP-CONNECTION-SG-VPC-UNKNOWN), never the OTHER-VPC error', () => {
    const live = fromAccount(account({ endpoint: { privateDns: true }, sharedGroup: { associated: true } }), ['describe-security-group-vpc-associations.json']);
    expect(live.findings.filter(otherVpc)).toEqual([]);
    expect(live.findings.filter(unknownVpc).length).toBeGreaterThan(0);
    expect(live.stdout).toContain('ec2:DescribeSecurityGroupVpcAssociations could not be read (describe-security-group-vpc-associations.json is missing');
  });
});

describe('GNP-CONNECTION-NO-KMS-PATH from the account: a job with a security configuration (GetJobs SecurityConfiguration)', () => {
  /** The world with the Secrets Manager endpoint (its path settled); job `load` names security configuration `encrypted`. */
  const encrypted = (): AccountSnapshot => ({ ...account({ endpoint: { privateDns: true } }), jobs: [apiJob('load', ['net', 'orders'], { SecurityConfiguration: 'encrypted' })] });
  const kms = (run: ReturnType<typeof cli>) => run.findings.filter((f: any) => /AWS KMS/.test(f.message));

  /** The saved GetSecurityConfigurations answer (get-security-configurations.json), its configurations as the Glue API gives them. */
  const withConfigurations = (...configurations: object[]): AccountSnapshot => ({ ...encrypted(), securityConfigurations: configurations });
  const configuration = (name: string, encryption: object) => ({ Name: name, CreatedTimeStamp: '2026-11-30T10:00:00+00:00', EncryptionConfiguration: encryption });

  it('its settings not read (get-security-configurations.json not saved), no kms endpoint, no NAT: UNKNOWN saying how to give them, never silence (was: no check at all)', () => {
    const live = fromAccount(encrypted());
    expect(live.ruleIds).not.toContain('GNP-CONNECTION-NO-KMS-PATH');
    const [f] = kms(live);
    expect(f.ruleId).toBe('GNP-CONNECTION-SERVICE-PATH-UNKNOWN');
    expect(f.message).toMatch(/uses security configuration encrypted, whose encryption settings the facts do not give/);
    expect(f.message).toContain('glue:GetSecurityConfigurations was not read (with --from-describe, save get-security-configurations.json');
    expect(f.message).toMatch(/give the job's kmsEncryption in the facts/);
    // The file is optional: its absence is not an unread call.
    expect(live.stdout).not.toContain('glue:GetSecurityConfigurations could not be read');
  });

  it('get-security-configurations.json saved, the configuration SSE-KMS for S3: GNP-CONNECTION-NO-KMS-PATH, the error (was: the UNKNOWN warning)', () => {
    const live = fromAccount(withConfigurations(
      configuration('encrypted', { S3Encryption: [{ S3EncryptionMode: 'SSE-KMS', KmsKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/k' }], CloudWatchEncryption: { CloudWatchEncryptionMode: 'DISABLED' }, JobBookmarksEncryption: { JobBookmarksEncryptionMode: 'DISABLED' } }),
      configuration('other', { S3Encryption: [{ S3EncryptionMode: 'DISABLED' }] }),
    ));
    const [f] = kms(live);
    expect(f.ruleId).toBe('GNP-CONNECTION-NO-KMS-PATH');
    expect(f.severity).toBe('error');
    expect(f.message).toContain('(load: security configuration encrypted (S3 encryption SSE-KMS))');
    expect(f.message).toContain('its subnet subnet-0a has no path to AWS KMS');
  });

  it('CloudWatch Logs SSE-KMS and job bookmarks CSE-KMS are key uses too; an S3 setting SSE-S3 is not', () => {
    const live = fromAccount(withConfigurations(configuration('encrypted', {
      S3Encryption: [{ S3EncryptionMode: 'SSE-S3' }], CloudWatchEncryption: { CloudWatchEncryptionMode: 'SSE-KMS', KmsKeyArn: 'k' }, JobBookmarksEncryption: { JobBookmarksEncryptionMode: 'CSE-KMS', KmsKeyArn: 'k' },
    })));
    expect(kms(live).map((f: any) => [f.ruleId, /load: security configuration encrypted \(CloudWatch Logs encryption SSE-KMS, job bookmarks encryption CSE-KMS\)/.test(f.message)]))
      .toEqual([['GNP-CONNECTION-NO-KMS-PATH', true]]);
  });

  it('the configuration SSE-S3 only (CloudWatch Logs and job bookmarks DISABLED): no AWS KMS finding at all (was: the UNKNOWN warning)', () => {
    const live = fromAccount(withConfigurations(configuration('encrypted', {
      S3Encryption: [{ S3EncryptionMode: 'SSE-S3' }], CloudWatchEncryption: { CloudWatchEncryptionMode: 'DISABLED' }, JobBookmarksEncryption: { JobBookmarksEncryptionMode: 'DISABLED' },
    })));
    expect(kms(live)).toEqual([]);
  });

  it('the configuration the job names is not in the saved answer: still UNKNOWN, saying so', () => {
    const [f] = kms(fromAccount(withConfigurations(configuration('other', { S3Encryption: [{ S3EncryptionMode: 'SSE-KMS' }] }))));
    expect(f.ruleId).toBe('GNP-CONNECTION-SERVICE-PATH-UNKNOWN');
    expect(f.message).toContain('load: may, job load uses security configuration encrypted, whose encryption settings the facts do not give (glue:GetSecurityConfigurations lists no security configuration of that name)');
  });

  it('a saved answer that is one page of several (a NextToken) is not read: UNKNOWN, the file named', () => {
    const out = join(dir, 'describe');
    fromAccount(withConfigurations(configuration('encrypted', { S3Encryption: [{ S3EncryptionMode: 'SSE-S3' }] })));
    writeFileSync(join(out, 'get-security-configurations.json'), JSON.stringify({ SecurityConfigurations: [configuration('encrypted', { S3Encryption: [{ S3EncryptionMode: 'SSE-S3' }] })], NextToken: 'abc' }));
    const live = cli('--from-describe', out, '--format', 'json', '--no-failover');
    const [f] = kms(live);
    expect(f.ruleId).toBe('GNP-CONNECTION-SERVICE-PATH-UNKNOWN');
    expect(f.message).toContain('glue:GetSecurityConfigurations could not be read (get-security-configurations.json is one page of several');
  });

  it('--write-facts keeps its name; given kmsEncryption, the error (SSE-KMS) or nothing ([])', () => {
    fromAccount(encrypted());
    cli('--from-describe', join(dir, 'describe'), '--write-facts', 'account.json', '--format', 'json', '--no-failover');
    const facts = JSON.parse(readFileSync(join(dir, 'account.json'), 'utf8'));
    expect(facts.jobs[0].securityConfiguration).toBe('encrypted');
    expect(facts.jobs[0].kmsEncryptionUnknown).toMatch(/^glue:GetSecurityConfigurations was not read/);
    writeFileSync(join(dir, 'empty.json'), '{"Resources": {}}');
    const settled = (kmsEncryption: string[]) => {
      writeFileSync(join(dir, 'settled.json'), JSON.stringify({ ...facts, jobs: [{ ...facts.jobs[0], kmsEncryptionUnknown: undefined, kmsEncryption }] }));
      return cli('empty.json', '--facts', 'settled.json', '--format', 'json', '--no-failover');
    };
    const sse = settled(['S3 encryption SSE-KMS']);
    expect(sse.ruleIds).toContain('GNP-CONNECTION-NO-KMS-PATH');
    expect(kms(sse).find((f: any) => f.ruleId === 'GNP-CONNECTION-NO-KMS-PATH').message).toMatch(/security configuration encrypted \(S3 encryption SSE-KMS\)/);
    expect(kms(settled([]))).toEqual([]);
  });
});

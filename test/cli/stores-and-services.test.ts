/**
 * Issue 12 points 7-10 as a user meets them: hand-written CloudFormation templates through the
 * CLI. Where a store is (hosts nothing locates, loopback, every Kafka broker, MSK ports, JDBC
 * HOST/PORT), the services Glue calls from the ENI subnet (Secrets Manager, S3 through the
 * network ACL), and a publicly accessible RDS instance reached over a transit gateway.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../../src/cli/run';
import { getAtt, glueConnection, glueJob, glueReadyVpc, ref, Resource, twoSubnetGlueVpc } from '../ingest/builders';

function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd: process.cwd() });
  return { code, stdout, stderr };
}

function planOf(resources: Record<string, Resource>, facts?: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-i12-'));
  const file = join(dir, 'app.json');
  writeFileSync(file, JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources }));
  const args = [file, '--format', 'json'];
  if (facts) {
    writeFileSync(join(dir, 'facts.json'), JSON.stringify(facts));
    args.push('--facts', join(dir, 'facts.json'));
  }
  const { code, stdout, stderr } = run(args);
  if (!stdout) throw new Error(stderr);
  const plan = JSON.parse(stdout);
  const findings = [...plan.findings, ...plan.jobs.flatMap((j: any) => j.findings)];
  return { code, plan, job: plan.jobs[0], findings, ids: findings.map((f: any) => f.ruleId), text: stdout };
}

const r = (Type: string, Properties: Record<string, unknown>): Resource => ({ Type, Properties });

/**
 * One VPC 10.0.0.0/16 with a private subnet in us-east-1a (its own route table with an S3
 * gateway endpoint) and one in us-east-1b, a Glue group (self-referencing, all outbound), and a
 * NETWORK connection in the first subnet.
 */
function network(extra: Record<string, Resource> = {}): Record<string, Resource> {
  return {
    ...twoSubnetGlueVpc(),
    Net: glueConnection('net', ref('SubnetA'), [getAtt('GlueSg', 'GroupId')], {}, 'NETWORK'),
    ...extra,
  };
}

const store = (job: any, name: string) => job.dataStores.find((d: any) => d.connection.name === name);

describe('point 7: a store address nothing maps is never REACHABLE', () => {
  test('an RDS endpoint written as a string in the same subnet: UNKNOWN with GNP-STORE-UNKNOWN naming the host and how to declare it; exit 0', () => {
    const { code, job, findings } = planOf(network({
      Db: glueConnection('orders', ref('SubnetA'), [getAtt('GlueSg', 'GroupId')], { JDBC_CONNECTION_URL: 'jdbc:postgresql://orders.c1.us-east-1.rds.amazonaws.com:5432/orders' }),
      Job: glueJob([ref('Net'), ref('Db')], { Name: 'load' }),
    }));
    expect(store(job, 'orders')).toMatchObject({ verdict: 'UNKNOWN', locatedBy: 'connection-subnet' });
    const f = findings.find((x: any) => x.ruleId === 'GNP-STORE-UNKNOWN');
    expect(f.message).toMatch(/orders\.c1\.us-east-1\.rds\.amazonaws\.com/);
    expect(f.fix).toMatch(/GlueDataStore\.declare.*dataStores\[\]/);
    expect(code).toBe(0);
  });

  test('the same store declared in the facts file: REACHABLE', () => {
    const { job } = planOf(network({
      Db: glueConnection('orders', ref('SubnetA'), [getAtt('GlueSg', 'GroupId')], { JDBC_CONNECTION_URL: 'jdbc:postgresql://orders.c1.us-east-1.rds.amazonaws.com:5432/orders' }),
      Job: glueJob([ref('Net'), ref('Db')], { Name: 'load' }),
    }), { dataStores: [{ connectionName: 'orders', subnetIds: ['subnet-0aaa'], securityGroupIds: [] }], subnets: [{ id: 'subnet-0aaa', vpcId: 'vpc-0aaa', cidr: '10.9.1.0/24' }], vpcs: [{ id: 'vpc-0aaa', cidrBlocks: ['10.9.0.0/16'] }] });
    // Declared elsewhere (another VPC, not peered): now a located verdict, UNREACHABLE, not an assumption.
    expect(store(job, 'orders')).toMatchObject({ locatedBy: 'declared', verdict: 'UNREACHABLE', assumptions: [] });
  });

  test('JDBC HOST and PORT properties without a URL: the host is read, and its port', () => {
    const { job } = planOf(network({
      Db: glueConnection('orders', ref('SubnetA'), [getAtt('GlueSg', 'GroupId')], { HOST: '10.0.2.40', PORT: '6543', JDBC_ENGINE: 'postgres' }),
      Job: glueJob([ref('Net'), ref('Db')], { Name: 'load' }),
    }));
    expect(store(job, 'orders')).toMatchObject({ locatedBy: 'ip-address', port: 6543 });
    expect(store(job, 'orders').paths[0].destinationSubnet).toMatch(/SubnetB/);
  });

  test('localhost in a connection: an error, exit 1', () => {
    const { code, job, findings } = planOf(network({
      Db: glueConnection('orders', ref('SubnetA'), [getAtt('GlueSg', 'GroupId')], { JDBC_CONNECTION_URL: 'jdbc:mysql://localhost:3306/orders' }),
      Job: glueJob([ref('Net'), ref('Db')], { Name: 'load' }),
    }));
    expect(store(job, 'orders')).toMatchObject({ verdict: 'UNREACHABLE', locatedBy: 'loopback' });
    expect(findings.find((f: any) => f.ruleId === 'GNP-STORE-UNREACHABLE').message).toMatch(/loopback/);
    expect(code).toBe(1);
  });

  test('Kafka: every broker of the list is traced, and the MSK authentication the connection names picks the port (SASL/SCRAM 9096, IAM 9098)', () => {
    const { job } = planOf(network({
      Kafka: glueConnection('events', ref('SubnetA'), [getAtt('GlueSg', 'GroupId')], {
        KAFKA_BOOTSTRAP_SERVERS: 'b-1.example:9096,b-2.example:9096', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_SCRAM_SECRETS_ARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:AmazonMSK_x',
      }, 'KAFKA'),
      NoPort: glueConnection('events-default-port', ref('SubnetA'), [getAtt('GlueSg', 'GroupId')], { KAFKA_BOOTSTRAP_SERVERS: '10.0.2.10,10.0.2.11', KAFKA_SASL_MECHANISM: 'AWS_MSK_IAM' }, 'KAFKA'),
      Job: glueJob([ref('Net'), ref('Kafka'), ref('NoPort')], { Name: 'stream' }),
    }));
    expect(store(job, 'events').port).toBe(9096);
    expect(store(job, 'events-default-port').port).toBe(9098);
    // Two brokers, two traces (was: the first broker only).
    expect(store(job, 'events-default-port').paths.map((p: any) => p.destinationSubnet)).toEqual(['app/SubnetB', 'app/SubnetB']);
  });

  test('a job listing a connection no template defines: a data-store row with verdict UNKNOWN for it', () => {
    const { job } = planOf(network({ Job: glueJob([ref('Net'), 'legacy-oracle'], { Name: 'load' }) }));
    expect(store(job, 'legacy-oracle')).toMatchObject({ verdict: 'UNKNOWN', locatedBy: 'unknown' });
  });
});

describe('point 8: Secrets Manager from the ENI subnet', () => {
  const withSecret = (extra: Record<string, Resource> = {}) => network({
    Db: glueConnection('orders', ref('SubnetA'), [getAtt('GlueSg', 'GroupId')], { JDBC_CONNECTION_URL: 'jdbc:postgresql://10.0.1.20:5432/orders', SECRET_ID: 'orders-credentials' }),
    Job: glueJob([ref('Net'), ref('Db')], { Name: 'load' }),
    ...extra,
  });

  test('no endpoint, no NAT: GNP-CONNECTION-NO-SECRETS-PATH on the selected connection, exit 1', () => {
    const { code, findings } = planOf(withSecret());
    const f = findings.find((x: any) => x.ruleId === 'GNP-CONNECTION-NO-SECRETS-PATH');
    expect(f).toMatchObject({ severity: 'error', logicalId: 'Net' });
    expect(code).toBe(1);
  });

  const secretsEndpoint = (props: Record<string, unknown> = {}) => r('AWS::EC2::VPCEndpoint', {
    VpcId: ref('Vpc'), VpcEndpointType: 'Interface', ServiceName: { 'Fn::Sub': 'com.amazonaws.${AWS::Region}.secretsmanager' }, PrivateDnsEnabled: true, SubnetIds: [ref('SubnetA'), ref('SubnetB')], ...props,
  });
  /** The endpoint's own group, admitting HTTPS from the VPC (what CDK's InterfaceVpcEndpoint writes). */
  const endpointGroup = { EndpointSg: r('AWS::EC2::SecurityGroup', { GroupDescription: 'endpoint', VpcId: ref('Vpc'), SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' }] }) };

  test('an interface endpoint for Secrets Manager with PrivateDnsEnabled, its group admitting HTTPS from the VPC: no finding', () => {
    const { ids } = planOf(withSecret({ ...endpointGroup, Secrets: secretsEndpoint({ SecurityGroupIds: [getAtt('EndpointSg', 'GroupId')] }) }));
    expect(ids).not.toContain('GNP-CONNECTION-NO-SECRETS-PATH');
    expect(ids).not.toContain('GNP-CONNECTION-SERVICE-PATH-UNKNOWN');
  });

  test('the endpoint without SecurityGroupIds (EC2 gives it the VPC\'s default group, which admits only itself): the error, naming the group and the fix', () => {
    const { findings } = planOf(withSecret({ Secrets: secretsEndpoint() }));
    const f = findings.find((x: any) => x.ruleId === 'GNP-CONNECTION-NO-SECRETS-PATH');
    expect(f.message).toMatch(/app\/Vpc#default-sg\) do not admit TCP 443 from 10\.0\.1\.0\/24/);
    expect(f.fix).toMatch(/Add ingress TCP 443 on app\/Vpc#default-sg from the Glue connection's security group app\/GlueSg/);
  });

  test('the endpoint\'s SecurityGroupIds an import no stack exports: a warning (GNP-CONNECTION-SERVICE-PATH-UNKNOWN), not an error nor a pass', () => {
    const { ids } = planOf(withSecret({ Secrets: secretsEndpoint({ SecurityGroupIds: [{ 'Fn::ImportValue': 'shared-endpoint-sg' }] }) }));
    expect(ids).toContain('GNP-CONNECTION-SERVICE-PATH-UNKNOWN');
    expect(ids).not.toContain('GNP-CONNECTION-NO-SECRETS-PATH');
  });

  test('the same endpoint without PrivateDnsEnabled (CloudFormation default false): still the error', () => {
    const { ids } = planOf(withSecret({
      Secrets: r('AWS::EC2::VPCEndpoint', { VpcId: ref('Vpc'), VpcEndpointType: 'Interface', ServiceName: 'com.amazonaws.us-east-1.secretsmanager', SubnetIds: [ref('SubnetA')] }),
    }));
    expect(ids).toContain('GNP-CONNECTION-NO-SECRETS-PATH');
  });
});

describe('point 9: the network ACL on the S3 path', () => {
  test('HTTPS out denied by an entry: GNP-CONNECTION-S3-ACL naming it; the connection is still selected; exit 1', () => {
    const { code, job, findings } = planOf(network({
      Acl: r('AWS::EC2::NetworkAcl', { VpcId: ref('Vpc') }),
      AclAssoc: r('AWS::EC2::SubnetNetworkAclAssociation', { SubnetId: ref('SubnetA'), NetworkAclId: ref('Acl') }),
      DenyHttps: r('AWS::EC2::NetworkAclEntry', { NetworkAclId: ref('Acl'), RuleNumber: 90, Egress: true, RuleAction: 'deny', Protocol: 6, CidrBlock: '0.0.0.0/0', PortRange: { From: 443, To: 443 } }),
      AllowOut: r('AWS::EC2::NetworkAclEntry', { NetworkAclId: ref('Acl'), RuleNumber: 100, Egress: true, RuleAction: 'allow', Protocol: -1, CidrBlock: '0.0.0.0/0' }),
      AllowIn: r('AWS::EC2::NetworkAclEntry', { NetworkAclId: ref('Acl'), RuleNumber: 100, Egress: false, RuleAction: 'allow', Protocol: -1, CidrBlock: '0.0.0.0/0' }),
      Job: glueJob([ref('Net')], { Name: 'load' }),
    }));
    expect(job.selectedConnection.name).toBe('net');
    const f = findings.find((x: any) => x.ruleId === 'GNP-CONNECTION-S3-ACL');
    expect(f).toMatchObject({ severity: 'error', logicalId: 'Net' });
    expect(f.message).toMatch(/rule 90 \(deny TCP ports 443/);
    expect(code).toBe(1);
  });
});

describe('point 10: a publicly accessible RDS instance over a transit gateway: its DNS support decides how the name resolves', () => {
  /** No NAT gateway in the Glue VPC: the public path is closed, the private one over the transit gateway open. */
  const overTgw = (tgw: Record<string, unknown>, attachment: Record<string, unknown> = {}) => planOf(network({
    VpcB: r('AWS::EC2::VPC', { CidrBlock: '10.1.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true }),
    DbSubnet: r('AWS::EC2::Subnet', { VpcId: ref('VpcB'), CidrBlock: '10.1.1.0/24', AvailabilityZone: 'us-east-1a' }),
    DbRt: r('AWS::EC2::RouteTable', { VpcId: ref('VpcB') }),
    DbAssoc: r('AWS::EC2::SubnetRouteTableAssociation', { SubnetId: ref('DbSubnet'), RouteTableId: ref('DbRt') }),
    DbSubnets: r('AWS::RDS::DBSubnetGroup', { DBSubnetGroupDescription: 'db', SubnetIds: [ref('DbSubnet')] }),
    DbSg: r('AWS::EC2::SecurityGroup', { GroupDescription: 'db', VpcId: ref('VpcB'), SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIp: '10.0.0.0/16' }] }),
    Db: r('AWS::RDS::DBInstance', { Engine: 'postgres', DBInstanceClass: 'db.t4g.micro', PubliclyAccessible: true, DBSubnetGroupName: ref('DbSubnets'), VPCSecurityGroups: [getAtt('DbSg', 'GroupId')] }),
    Tgw: r('AWS::EC2::TransitGateway', tgw),
    AttA: r('AWS::EC2::TransitGatewayAttachment', { TransitGatewayId: ref('Tgw'), VpcId: ref('Vpc'), SubnetIds: [ref('SubnetA'), ref('SubnetB')], ...attachment }),
    AttB: r('AWS::EC2::TransitGatewayAttachment', { TransitGatewayId: ref('Tgw'), VpcId: ref('VpcB'), SubnetIds: [ref('DbSubnet')], ...attachment }),
    ToB: r('AWS::EC2::Route', { RouteTableId: ref('Rt'), DestinationCidrBlock: '10.1.0.0/16', TransitGatewayId: ref('Tgw') }),
    ToA: r('AWS::EC2::Route', { RouteTableId: ref('DbRt'), DestinationCidrBlock: '10.0.0.0/16', TransitGatewayId: ref('Tgw') }),
    Pg: glueConnection('reports', undefined, [], { JDBC_CONNECTION_URL: { 'Fn::Join': ['', ['jdbc:postgresql://', getAtt('Db', 'Endpoint.Address'), ':5432/reports']] } }),
    Job: glueJob([ref('Net'), ref('Pg')], { Name: 'load' }),
  })).job;

  test('DnsSupport disabled on the gateway: the name resolves publicly, UNREACHABLE on the public path', () => {
    const pg = store(overTgw({ DnsSupport: 'disable' }), 'reports');
    expect(pg.verdict).toBe('UNREACHABLE');
    expect(pg.paths[0].nameResolution).toMatchObject({ resolvesTo: 'public' });
  });

  test('enabled on the gateway (its default) and on both attachments: the name resolves privately, REACHABLE over the transit gateway', () => {
    const pg = store(overTgw({}, { Options: { DnsSupport: 'enable' } }), 'reports');
    expect(pg.verdict).toBe('REACHABLE');
    expect(pg.paths[0].nameResolution).toMatchObject({ resolvesTo: 'private' });
  });

  test('the attachments do not set it (AWS documents two defaults): both paths traced, they disagree, UNKNOWN', () => {
    const pg = store(overTgw({}), 'reports');
    expect(pg.verdict).toBe('UNKNOWN');
    expect(pg.explanations.map((e: any) => e.code)).toContain('UNKNOWN_NAME_RESOLUTION');
  });
});

describe('the port Glue connects to against the port the RDS instance listens on', () => {
  /** A PostgreSQL instance in SubnetB with `Port`, its group admitting all TCP from the VPC, named by the connection's URL. */
  const withDb = (port: unknown, url: unknown) => planOf(network({
    DbSubnets: r('AWS::RDS::DBSubnetGroup', { DBSubnetGroupDescription: 'db', SubnetIds: [ref('SubnetB')] }),
    DbSg: r('AWS::EC2::SecurityGroup', { GroupDescription: 'db', VpcId: ref('Vpc'), SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIp: '10.0.0.0/16' }] }),
    Db: r('AWS::RDS::DBInstance', { Engine: 'postgres', DBInstanceClass: 'db.t3.micro', Port: port, DBSubnetGroupName: ref('DbSubnets'), VPCSecurityGroups: [getAtt('DbSg', 'GroupId')] }),
    Pg: glueConnection('orders', ref('SubnetA'), [getAtt('GlueSg', 'GroupId')], { JDBC_CONNECTION_URL: url }),
    Job: glueJob([ref('Net'), ref('Pg')], { Name: 'load' }),
  }));
  const url = (port: string) => ({ 'Fn::Join': ['', ['jdbc:postgresql://', getAtt('Db', 'Endpoint.Address'), port, '/orders']] });

  test("Port '5433' on the instance, ':5432' in the URL: GNP-STORE-UNREACHABLE (STORE_PORT_MISMATCH), exit 1; was REACHABLE", () => {
    const { code, job, findings } = withDb('5433', url(':5432'));
    expect(store(job, 'orders').verdict).toBe('UNREACHABLE');
    expect(code).toBe(1);
    const f = findings.find((x: any) => x.ruleId === 'GNP-STORE-UNREACHABLE');
    expect(f.message).toContain('STORE_PORT_MISMATCH');
  });

  test("no port in the URL (the driver's 5432) and Port '5433': UNREACHABLE; the URL naming Endpoint.Port: REACHABLE", () => {
    expect(store(withDb('5433', url('')).job, 'orders').verdict).toBe('UNREACHABLE');
    const named = { 'Fn::Join': ['', ['jdbc:postgresql://', getAtt('Db', 'Endpoint.Address'), ':', getAtt('Db', 'Endpoint.Port'), '/orders']] };
    expect(store(withDb('5433', named).job, 'orders')).toMatchObject({ verdict: 'REACHABLE', port: 5433 });
  });

  test("an Aurora member's Endpoint.Port is its cluster's Port (5433), not its engine's default: REACHABLE through a group admitting 5433 only (was TCP 5432, UNREACHABLE)", () => {
    const { job } = planOf(network({
      DbSubnets: r('AWS::RDS::DBSubnetGroup', { DBSubnetGroupDescription: 'db', SubnetIds: [ref('SubnetB')] }),
      DbSg: r('AWS::EC2::SecurityGroup', { GroupDescription: 'db', VpcId: ref('Vpc'), SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 5433, ToPort: 5433, CidrIp: '10.0.0.0/16' }] }),
      Cluster: r('AWS::RDS::DBCluster', { Engine: 'aurora-postgresql', Port: 5433, DBSubnetGroupName: ref('DbSubnets'), VpcSecurityGroupIds: [getAtt('DbSg', 'GroupId')] }),
      Member: r('AWS::RDS::DBInstance', { Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large', DBClusterIdentifier: ref('Cluster') }),
      Pg: glueConnection('orders', ref('SubnetA'), [getAtt('GlueSg', 'GroupId')], {
        JDBC_CONNECTION_URL: { 'Fn::Join': ['', ['jdbc:postgresql://', getAtt('Member', 'Endpoint.Address'), ':', getAtt('Member', 'Endpoint.Port'), '/orders']] },
      }),
      Job: glueJob([ref('Net'), ref('Pg')], { Name: 'load' }),
    }));
    expect(store(job, 'orders')).toMatchObject({ verdict: 'REACHABLE', port: 5433 });
  });
});

describe('a single-AZ store lives in the subnets of its zone', () => {
  /**
   * Glue in VPC A (10.0.0.0/16); PostgreSQL in VPC B (10.1.0.0/16), whose subnet group spans
   * us-east-1a and us-east-1b, each subnet on its own route table; the peering's route back is on
   * the us-east-1b table only. `db` adds properties to the instance.
   */
  const peeredDb = (db: Record<string, unknown>) => planOf({
    ...glueReadyVpc('A', '10.0.0.0/16', '10.0.1.0/24', 'us-east-1a'),
    GlueSg: r('AWS::EC2::SecurityGroup', { GroupDescription: 'glue', VpcId: ref('VpcA'), SecurityGroupEgress: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }] }),
    SelfRef: r('AWS::EC2::SecurityGroupIngress', { GroupId: getAtt('GlueSg', 'GroupId'), IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, SourceSecurityGroupId: getAtt('GlueSg', 'GroupId') }),
    VpcB: r('AWS::EC2::VPC', { CidrBlock: '10.1.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true }),
    SubB1: r('AWS::EC2::Subnet', { VpcId: ref('VpcB'), CidrBlock: '10.1.1.0/24', AvailabilityZone: 'us-east-1a' }),
    SubB2: r('AWS::EC2::Subnet', { VpcId: ref('VpcB'), CidrBlock: '10.1.2.0/24', AvailabilityZone: 'us-east-1b' }),
    RtB1: r('AWS::EC2::RouteTable', { VpcId: ref('VpcB') }),
    RtB2: r('AWS::EC2::RouteTable', { VpcId: ref('VpcB') }),
    AssocB1: r('AWS::EC2::SubnetRouteTableAssociation', { SubnetId: ref('SubB1'), RouteTableId: ref('RtB1') }),
    AssocB2: r('AWS::EC2::SubnetRouteTableAssociation', { SubnetId: ref('SubB2'), RouteTableId: ref('RtB2') }),
    Pcx: r('AWS::EC2::VPCPeeringConnection', { VpcId: ref('VpcA'), PeerVpcId: ref('VpcB') }),
    ToB: r('AWS::EC2::Route', { RouteTableId: ref('RtA'), DestinationCidrBlock: '10.1.0.0/16', VpcPeeringConnectionId: ref('Pcx') }),
    BackFromB2: r('AWS::EC2::Route', { RouteTableId: ref('RtB2'), DestinationCidrBlock: '10.0.0.0/16', VpcPeeringConnectionId: ref('Pcx') }),
    DbSg: r('AWS::EC2::SecurityGroup', { GroupDescription: 'db', VpcId: ref('VpcB'), SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIp: '10.0.1.0/24' }] }),
    DbSubnets: r('AWS::RDS::DBSubnetGroup', { DBSubnetGroupDescription: 'db', SubnetIds: [ref('SubB1'), ref('SubB2')] }),
    Db: r('AWS::RDS::DBInstance', { Engine: 'postgres', DBInstanceClass: 'db.t3.micro', DBSubnetGroupName: ref('DbSubnets'), VPCSecurityGroups: [getAtt('DbSg', 'GroupId')], ...db }),
    Pg: glueConnection('orders', ref('SubA'), [getAtt('GlueSg', 'GroupId')], { JDBC_CONNECTION_URL: { 'Fn::Join': ['', ['jdbc:postgresql://', getAtt('Db', 'Endpoint.Address'), ':5432/orders']] } }),
    Job: glueJob([ref('Pg')], { Name: 'load' }),
  });
  const destinations = (plan: { job: any }) => store(plan.job, 'orders').paths.map((p: any) => [p.destinationSubnet, p.verdict]);

  test('AvailabilityZone us-east-1b: only the us-east-1b subnet is traced, REACHABLE (was UNREACHABLE through the us-east-1a subnet it is never in)', () => {
    const plan = peeredDb({ AvailabilityZone: 'us-east-1b' });
    expect(destinations(plan)).toEqual([['app/SubB2', 'REACHABLE']]);
    expect(plan.code).toBe(0);
  });

  test('no AvailabilityZone, MultiAZ true, or a MultiAZ not resolved: it may be in either subnet, UNREACHABLE', () => {
    for (const db of [{}, { AvailabilityZone: 'us-east-1b', MultiAZ: true }, { AvailabilityZone: 'us-east-1b', MultiAZ: { Ref: 'Nope' } }]) {
      const plan = peeredDb(db);
      expect(destinations(plan)).toEqual([['app/SubB1', 'UNREACHABLE'], ['app/SubB2', 'REACHABLE']]);
    }
  });

  test('AvailabilityZone us-east-1a: the subnet it is in has no route back, UNREACHABLE', () => {
    expect(destinations(peeredDb({ AvailabilityZone: 'us-east-1a' }))).toEqual([['app/SubB1', 'UNREACHABLE']]);
  });
});

describe('no internal marker reaches a message', () => {
  test('a connection URL built from a resource that is not a store: no {{ref: or {{unknown: in the plan', () => {
    const { text } = planOf(network({
      Lookup: r('Custom::DbEndpoint', { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:x' }),
      Db: glueConnection('orders', ref('SubnetA'), [getAtt('GlueSg', 'GroupId')], { JDBC_CONNECTION_URL: { 'Fn::Join': ['', ['jdbc:postgresql://', getAtt('Lookup', 'Address'), ':5432/orders']] } }),
      Named: glueConnection(getAtt('Lookup', 'ConnectionName'), ref('SubnetB'), [getAtt('GlueSg', 'GroupId')], {}, 'NETWORK'),
      Job: glueJob([ref('Net'), ref('Db'), ref('Named')], { Name: 'load' }),
    }));
    expect(text).not.toMatch(/\{\{(ref|unknown):/);
    expect(text).toMatch(/created by custom resource/);
  });
});

/**
 * How a connection's store is read, as a user meets it: hand-written CloudFormation templates
 * through the CLI. A port that is not a TCP port, a Redshift Serverless workgroup, and a SaaS
 * connection type (Salesforce, Snowflake) reached over the internet.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../../src/cli/run';
import { getAtt, glueConnection, glueJob, ref, Resource, twoSubnetGlueVpc } from '../ingest/builders';

function planOf(resources: Record<string, Resource>) {
  const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-stores-'));
  const file = join(dir, 'app.json');
  writeFileSync(file, JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources }));
  let stdout = '';
  let stderr = '';
  const code = runCli([file, '--format', 'json'], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd: process.cwd() });
  if (!stdout) throw new Error(stderr);
  const plan = JSON.parse(stdout);
  const findings = [...plan.findings, ...plan.jobs.flatMap((j: any) => j.findings)];
  return { code, job: plan.jobs[0], findings };
}

const r = (Type: string, Properties: Record<string, unknown>): Resource => ({ Type, Properties });
const store = (job: any, name: string) => job.dataStores.find((d: any) => d.connection.name === name);
const glueSg = () => [getAtt('GlueSg', 'GroupId')];

describe('the port an RDS store listens on, when its template does not say it', () => {
  const withEngine = (engine: unknown, parameters?: Record<string, unknown>) => {
    const resources = {
      ...twoSubnetGlueVpc(),
      DbSubnets: r('AWS::RDS::DBSubnetGroup', { DBSubnetGroupDescription: 'db', SubnetIds: [ref('SubnetB')] }),
      Rds: r('AWS::RDS::DBInstance', { Engine: engine, DBInstanceClass: 'db.t3.micro', DBSubnetGroupName: ref('DbSubnets'), VPCSecurityGroups: glueSg() }),
      Db: glueConnection('orders', ref('SubnetA'), glueSg(), {
        JDBC_CONNECTION_URL: { 'Fn::Join': ['', ['jdbc:postgresql://', getAtt('Rds', 'Endpoint.Address'), ':5432/app']] },
      }),
      Job: glueJob([ref('Db')], { Name: 'load' }),
    };
    const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-stores-'));
    const file = join(dir, 'app.json');
    writeFileSync(file, JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', ...(parameters ? { Parameters: parameters } : {}), Resources: resources }));
    let stdout = '';
    runCli([file, '--format', 'json'], { stdout: (t) => { stdout += t; }, stderr: () => undefined, cwd: process.cwd() });
    return store(JSON.parse(stdout).jobs[0], 'orders');
  };

  test('its engine is a parameter without a value and it gives no Port: UNKNOWN (UNKNOWN_STORE_PORT), never REACHABLE on the URL\'s port', () => {
    const s = withEngine(ref('EngineParam'), { EngineParam: { Type: 'String' } });
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.explanations.map((e: any) => e.code)).toContain('UNKNOWN_STORE_PORT');
  });

  test('an engine whose default port the reader does not know (db2-se): UNKNOWN, naming the engine', () => {
    const s = withEngine('db2-se');
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.explanations.map((e: any) => e.message).join(' ')).toMatch(/default port of its engine db2-se is not known/);
  });

  test('postgres with no Port: its default 5432, REACHABLE on the URL\'s 5432', () => {
    expect(withEngine('postgres').verdict).toBe('REACHABLE');
  });
});

describe('a port that is not a TCP port (outside 1-65535) in a store address', () => {
  test.each([
    ['above 65535, a host nothing locates', 'jdbc:postgresql://db.example.com:99999/app', '99999'],
    ['port 0, a host nothing locates', 'jdbc:postgresql://db.example.com:0/app', '0'],
    ['above 65535, an IP literal in a described subnet', 'jdbc:mysql://10.0.2.40:70000/app', '70000'],
  ])('%s: UNKNOWN naming the URL and the port, never a trace on it, and an input warning', (_, url, port) => {
    const { job, findings } = planOf({
      ...twoSubnetGlueVpc(),
      Db: glueConnection('orders', ref('SubnetA'), glueSg(), { JDBC_CONNECTION_URL: url }),
      Job: glueJob([ref('Db')], { Name: 'load' }),
    });
    expect(store(job, 'orders')).toMatchObject({ verdict: 'UNKNOWN' });
    expect(store(job, 'orders').port ?? null).toBeNull();
    expect(findings.map((f: any) => f.ruleId)).not.toContain('GNP-STORE-UNREACHABLE');
    const verdict = findings.find((f: any) => f.ruleId === 'GNP-STORE-UNKNOWN');
    expect(verdict.message).toContain(url);
    expect(verdict.message).toContain(`port "${port}", which is not a TCP port (1-65535)`);
    expect(verdict.message).not.toMatch(new RegExp(`TCP ${port}\\b`));
    const input = findings.find((f: any) => f.ruleId === 'GNP-INPUT-UNRESOLVED');
    expect(input.message).toContain(url);
    expect(input.message).toContain(`port "${port}"`);
    expect(input.fix).toMatch(/port \(1-65535\)/);
  });

  test('the endpoint of an RDS instance of the app with a port above 65535: not its own port either', () => {
    const { job, findings } = planOf({
      ...twoSubnetGlueVpc(),
      DbSubnets: r('AWS::RDS::DBSubnetGroup', { DBSubnetGroupDescription: 'db', SubnetIds: [ref('SubnetB')] }),
      Rds: r('AWS::RDS::DBInstance', { Engine: 'postgres', DBInstanceClass: 'db.t3.micro', DBSubnetGroupName: ref('DbSubnets'), VPCSecurityGroups: glueSg() }),
      Db: glueConnection('orders', ref('SubnetA'), glueSg(), {
        JDBC_CONNECTION_URL: { 'Fn::Join': ['', ['jdbc:postgresql://', getAtt('Rds', 'Endpoint.Address'), ':99999/app']] },
      }),
      Job: glueJob([ref('Db')], { Name: 'load' }),
    });
    expect(store(job, 'orders')).toMatchObject({ verdict: 'UNKNOWN', locatedBy: 'rds-instance' });
    expect(findings.find((f: any) => f.ruleId === 'GNP-STORE-UNKNOWN').message).toMatch(/port "99999", which is not a TCP port/);
  });

  test('a port in range (65535) is read as before, with no input warning', () => {
    const { job, findings } = planOf({
      ...twoSubnetGlueVpc(),
      Db: glueConnection('orders', ref('SubnetA'), glueSg(), { JDBC_CONNECTION_URL: 'jdbc:mysql://10.0.2.40:65535/app' }),
      Job: glueJob([ref('Db')], { Name: 'load' }),
    });
    expect(store(job, 'orders')).toMatchObject({ port: 65535 });
    expect(findings.map((f: any) => f.ruleId)).not.toContain('GNP-INPUT-UNRESOLVED');
  });
});

/**
 * A Redshift Serverless workgroup in SubnetB behind its own group, which admits the Glue group on
 * `port` (5439 unless given); the workgroup's `Port` when given.
 */
function workgroup(props: Record<string, unknown> = {}, admitted = 5439): Record<string, Resource> {
  return {
    WgSg: r('AWS::EC2::SecurityGroup', {
      GroupDescription: 'workgroup',
      VpcId: ref('Vpc'),
      SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: admitted, ToPort: admitted, SourceSecurityGroupId: getAtt('GlueSg', 'GroupId') }],
    }),
    Ns: r('AWS::RedshiftServerless::Namespace', { NamespaceName: 'analytics' }),
    Wg: r('AWS::RedshiftServerless::Workgroup', {
      WorkgroupName: 'analytics', NamespaceName: ref('Ns'), SubnetIds: [ref('SubnetB')], SecurityGroupIds: [getAtt('WgSg', 'GroupId')], ...props,
    }),
  };
}

const endpointUrl = (port?: string) => ({
  'Fn::Join': ['', ['jdbc:redshift://', getAtt('Wg', 'Workgroup.Endpoint.Address'), ...(port ? [':', port] : []), '/dev']],
});

describe('a Redshift Serverless workgroup (AWS::RedshiftServerless::Workgroup) is located as a store', () => {
  test('named by GetAtt Workgroup.Endpoint.Address: traced to its SubnetIds, its SecurityGroupIds, port 5439; REACHABLE, no GNP-STORE-UNKNOWN', () => {
    const { job, findings } = planOf({
      ...twoSubnetGlueVpc(),
      ...workgroup(),
      Db: glueConnection('warehouse', ref('SubnetA'), glueSg(), { JDBC_CONNECTION_URL: endpointUrl() }),
      Job: glueJob([ref('Db')], { Name: 'load' }),
    });
    expect(store(job, 'warehouse')).toMatchObject({ verdict: 'REACHABLE', locatedBy: 'redshift-serverless-workgroup', port: 5439, assumptions: [] });
    expect(findings.map((f: any) => f.ruleId)).not.toContain('GNP-STORE-UNKNOWN');
  });

  test("its Port (8191) through GetAtt Workgroup.Endpoint.Port: a group admitting only 5439 leaves it UNREACHABLE, naming the workgroup's group", () => {
    const { job, findings } = planOf({
      ...twoSubnetGlueVpc(),
      ...workgroup({ Port: 8191 }),
      Db: glueConnection('warehouse', ref('SubnetA'), glueSg(), {
        JDBC_CONNECTION_URL: { 'Fn::Join': ['', ['jdbc:redshift://', getAtt('Wg', 'Workgroup.Endpoint.Address'), ':', getAtt('Wg', 'Workgroup.Endpoint.Port'), '/dev']] },
      }),
      Job: glueJob([ref('Db')], { Name: 'load' }),
    });
    expect(store(job, 'warehouse')).toMatchObject({ verdict: 'UNREACHABLE', locatedBy: 'redshift-serverless-workgroup', port: 8191 });
    expect(findings.find((f: any) => f.ruleId === 'GNP-STORE-UNREACHABLE').message).toMatch(/TCP 8191.*app\/WgSg|app\/WgSg.*TCP 8191/s);
  });

  test('without SubnetIds: UNKNOWN naming the missing property, never assumed to be in the connection\'s subnet', () => {
    const resources: Record<string, Resource> = { ...twoSubnetGlueVpc(), ...workgroup(), Db: glueConnection('warehouse', ref('SubnetA'), glueSg(), { JDBC_CONNECTION_URL: endpointUrl() }), Job: glueJob([ref('Db')], { Name: 'load' }) };
    delete resources.Wg.Properties!.SubnetIds;
    const { job, findings } = planOf(resources);
    expect(store(job, 'warehouse')).toMatchObject({ verdict: 'UNKNOWN', locatedBy: 'redshift-serverless-workgroup' });
    expect(findings.find((f: any) => f.ruleId === 'GNP-STORE-UNKNOWN').message).toMatch(/app\/Wg has no SubnetIds/);
  });
});

/**
 * The Glue VPC with a way to the internet: a public subnet with an internet gateway route, a NAT
 * gateway there, and the private subnets' default route to it.
 */
function withNat(): Record<string, Resource> {
  return {
    ...twoSubnetGlueVpc(),
    Igw: r('AWS::EC2::InternetGateway', {}),
    IgwAttach: r('AWS::EC2::VPCGatewayAttachment', { VpcId: ref('Vpc'), InternetGatewayId: ref('Igw') }),
    SubnetPub: r('AWS::EC2::Subnet', { VpcId: ref('Vpc'), CidrBlock: '10.0.9.0/24', AvailabilityZone: 'us-east-1a' }),
    RtPub: r('AWS::EC2::RouteTable', { VpcId: ref('Vpc') }),
    AssocPub: r('AWS::EC2::SubnetRouteTableAssociation', { SubnetId: ref('SubnetPub'), RouteTableId: ref('RtPub') }),
    ToIgw: r('AWS::EC2::Route', { RouteTableId: ref('RtPub'), DestinationCidrBlock: '0.0.0.0/0', GatewayId: ref('Igw') }),
    Eip: r('AWS::EC2::EIP', { Domain: 'vpc' }),
    Nat: r('AWS::EC2::NatGateway', { SubnetId: ref('SubnetPub'), AllocationId: getAtt('Eip', 'AllocationId') }),
    ToNat: r('AWS::EC2::Route', { RouteTableId: ref('Rt'), DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: ref('Nat') }),
  };
}

const salesforce = (properties: Record<string, unknown>, type = 'SALESFORCE') => glueConnection('crm', ref('SubnetA'), glueSg(), properties, type);

describe('a SaaS connection type with a subnet: its host is on the internet, reached through a NAT gateway', () => {
  test('SALESFORCE with an https INSTANCE_URL and a NAT gateway: REACHABLE on TCP 443 over the internet, the assumption stated; no GNP-STORE-UNKNOWN', () => {
    const { job, findings } = planOf({ ...withNat(), Crm: salesforce({ INSTANCE_URL: 'https://acme.my.salesforce.com' }), Job: glueJob([ref('Crm')], { Name: 'load' }) });
    const row = store(job, 'crm');
    expect(row).toMatchObject({ verdict: 'REACHABLE', locatedBy: 'internet', port: 443 });
    expect(row.paths[0].destinationSubnet).toBe('internet');
    expect(row.paths[0].hops.map((h: any) => h.kind)).toContain('route-table');
    expect(row.assumptions.join(' ')).toMatch(/SALESFORCE connection's host \(acme\.my\.salesforce\.com\).*on the internet.*NAT gateway.*PrivateLink/);
    expect(findings.map((f: any) => f.ruleId)).not.toContain('GNP-STORE-UNKNOWN');
  });

  test('the same without a NAT gateway: UNREACHABLE naming the missing route, and saying the host was assumed to be on the internet', () => {
    const { job, findings } = planOf({ ...twoSubnetGlueVpc(), Crm: salesforce({ INSTANCE_URL: 'https://acme.my.salesforce.com' }), Job: glueJob([ref('Crm')], { Name: 'load' }) });
    expect(store(job, 'crm')).toMatchObject({ verdict: 'UNREACHABLE', locatedBy: 'internet', port: 443 });
    const f = findings.find((x: any) => x.ruleId === 'GNP-STORE-UNREACHABLE');
    expect(f.message).toMatch(/TCP 443/);
    expect(f.message).toMatch(/no route to public addresses \(no NAT gateway\)/);
    expect(f.message).toMatch(/Assumed:.*on the internet/);
    expect(f.message).not.toMatch(/assumed to live in its connection's subnet/);
  });

  test.each([
    ['HOST without a port: the connector is assumed to use HTTPS, TCP 443, and says so', { HOST: 'xy12345.us-east-1.snowflakecomputing.com' }, 443, /assumed to use HTTPS/],
    ['HOST and PORT: the port given', { HOST: 'xy12345.us-east-1.snowflakecomputing.com', PORT: '8443' }, 8443, /on the internet/],
  ])('SNOWFLAKE, %s', (_, properties, port, assumption) => {
    const { job } = planOf({ ...withNat(), Crm: salesforce(properties, 'SNOWFLAKE'), Job: glueJob([ref('Crm')], { Name: 'load' }) });
    expect(store(job, 'crm')).toMatchObject({ verdict: 'REACHABLE', locatedBy: 'internet', port });
    expect(store(job, 'crm').assumptions.join(' ')).toMatch(assumption);
  });

  test('no host in the properties: UNKNOWN naming what is missing and how to supply it, never assumed in the subnet', () => {
    const { job, findings } = planOf({ ...withNat(), Crm: salesforce({ ENVIRONMENT: 'PRODUCTION' }), Job: glueJob([ref('Crm')], { Name: 'load' }) });
    expect(store(job, 'crm')).toMatchObject({ verdict: 'UNKNOWN', locatedBy: 'unknown' });
    const f = findings.find((x: any) => x.ruleId === 'GNP-STORE-UNKNOWN');
    expect(f.message).toMatch(/SALESFORCE connection app\/Crm names no host \(no INSTANCE_URL/);
    expect(f.message).toMatch(/GlueDataStore\.declare/);
  });

  test('a PrivateLink endpoint to a service outside AWS in the Glue VPC: UNKNOWN naming it (the name may resolve there)', () => {
    const { job, findings } = planOf({
      ...withNat(),
      Pl: r('AWS::EC2::VPCEndpoint', { VpcId: ref('Vpc'), VpcEndpointType: 'Interface', ServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0', SubnetIds: [ref('SubnetA')], PrivateDnsEnabled: true }),
      Crm: salesforce({ INSTANCE_URL: 'https://acme.my.salesforce.com' }),
      Job: glueJob([ref('Crm')], { Name: 'load' }),
    });
    expect(store(job, 'crm')).toMatchObject({ verdict: 'UNKNOWN', locatedBy: 'internet' });
    expect(findings.find((x: any) => x.ruleId === 'GNP-STORE-UNKNOWN').message).toMatch(/PrivateLink endpoint app\/Pl \(com\.amazonaws\.vpce\.us-east-1\.vpce-svc-0123456789abcdef0\)/);
  });

  test.each(['Resource', 'ServiceNetwork'])('a VPC Lattice %s endpoint in the Glue VPC: UNKNOWN naming it (a resource configuration\'s domain name resolves to it inside the VPC); was REACHABLE', (type) => {
    const { job, findings } = planOf({
      ...withNat(),
      Lattice: r('AWS::EC2::VPCEndpoint', {
        VpcId: ref('Vpc'),
        VpcEndpointType: type,
        SubnetIds: [ref('SubnetA')],
        PrivateDnsEnabled: true,
        ...type === 'Resource' ? { ResourceConfigurationArn: 'arn:aws:vpc-lattice:us-east-1:222222222222:resourceconfiguration/rcfg-0123456789abcdef0' } : { ServiceNetworkArn: 'arn:aws:vpc-lattice:us-east-1:222222222222:servicenetwork/sn-0123456789abcdef0' },
      }),
      Crm: salesforce({ INSTANCE_URL: 'https://acme.my.salesforce.com' }),
      Job: glueJob([ref('Crm')], { Name: 'load' }),
    });
    expect(store(job, 'crm')).toMatchObject({ verdict: 'UNKNOWN', locatedBy: 'internet' });
    expect(findings.find((x: any) => x.ruleId === 'GNP-STORE-UNKNOWN').message).toMatch(/PrivateLink endpoint app\/Lattice \(a VPC Lattice (resource configuration|service network)\) to a service outside AWS or VPC Lattice resources/);
    // A known endpoint type: nothing said about it being unresolved.
    expect(findings.filter((x: any) => /VpcEndpointType/.test(x.message))).toEqual([]);
  });

  test.each(['Resource', 'ServiceNetwork'])('a VPC Lattice %s endpoint is no path to Secrets Manager: a job reading a secret without an interface endpoint or NAT gets GNP-CONNECTION-NO-SECRETS-PATH (was UNKNOWN: "may be an interface endpoint")', (type) => {
    const { findings } = planOf({
      ...twoSubnetGlueVpc(),
      Lattice: r('AWS::EC2::VPCEndpoint', { VpcId: ref('Vpc'), VpcEndpointType: type, SubnetIds: [ref('SubnetB')], ...type === 'Resource' ? { ResourceConfigurationArn: 'arn:aws:vpc-lattice:us-east-1:222222222222:resourceconfiguration/rcfg-0123456789abcdef0' } : { ServiceNetworkArn: 'arn:aws:vpc-lattice:us-east-1:222222222222:servicenetwork/sn-0123456789abcdef0' } }),
      Db: glueConnection('db', ref('SubnetA'), glueSg(), { JDBC_CONNECTION_URL: 'jdbc:postgresql://10.0.1.50:5432/app', SECRET_ID: 'creds' }),
      Job: glueJob([ref('Db')], { Name: 'load' }),
    });
    expect(findings.map((f: any) => f.ruleId)).toContain('GNP-CONNECTION-NO-SECRETS-PATH');
    expect(findings.filter((f: any) => f.ruleId === 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN' && /Secrets Manager/.test(f.message))).toEqual([]);
  });

  test('an interface endpoint to an AWS service (Secrets Manager) does not make it UNKNOWN', () => {
    const { job } = planOf({
      ...withNat(),
      Sm: r('AWS::EC2::VPCEndpoint', { VpcId: ref('Vpc'), VpcEndpointType: 'Interface', ServiceName: 'com.amazonaws.us-east-1.secretsmanager', SubnetIds: [ref('SubnetA')], PrivateDnsEnabled: true }),
      Crm: salesforce({ INSTANCE_URL: 'https://acme.my.salesforce.com' }),
      Job: glueJob([ref('Crm')], { Name: 'load' }),
    });
    expect(store(job, 'crm')).toMatchObject({ verdict: 'REACHABLE' });
  });

  test("an interface endpoint to an AWS service in the stack's Region (com.amazonaws.${AWS::Region}.logs, as an environment-agnostic CDK stack writes it) does not make it UNKNOWN", () => {
    const { job } = planOf({
      ...withNat(),
      Logs: r('AWS::EC2::VPCEndpoint', {
        VpcId: ref('Vpc'),
        VpcEndpointType: 'Interface',
        SubnetIds: [ref('SubnetA')],
        PrivateDnsEnabled: true,
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', ref('AWS::Region'), '.logs']] },
      }),
      Crm: salesforce({ INSTANCE_URL: 'https://acme.my.salesforce.com' }),
      Job: glueJob([ref('Crm')], { Name: 'load' }),
    });
    expect(store(job, 'crm')).toMatchObject({ verdict: 'REACHABLE' });
  });

  test('a Snowflake PrivateLink host (.privatelink.snowflakecomputing.com): UNKNOWN, not the internet path', () => {
    const { job, findings } = planOf({ ...withNat(), Crm: salesforce({ HOST: 'xy12345.us-east-1.privatelink.snowflakecomputing.com' }, 'SNOWFLAKE'), Job: glueJob([ref('Crm')], { Name: 'load' }) });
    expect(store(job, 'crm')).toMatchObject({ verdict: 'UNKNOWN', locatedBy: 'internet' });
    expect(findings.find((x: any) => x.ruleId === 'GNP-STORE-UNKNOWN').message).toMatch(/names a PrivateLink endpoint/);
  });

  test('a JDBC connection to a host nothing locates keeps the connection-subnet assumption (unchanged)', () => {
    const { job } = planOf({ ...withNat(), Db: glueConnection('db', ref('SubnetA'), glueSg(), { JDBC_CONNECTION_URL: 'jdbc:postgresql://db.example.com:5432/app' }), Job: glueJob([ref('Db')], { Name: 'load' }) });
    expect(store(job, 'db')).toMatchObject({ verdict: 'UNKNOWN', locatedBy: 'connection-subnet' });
  });
});

describe('a SaaS connection type without a subnet: Glue runs outside your VPCs, where the internet is reachable', () => {
  test('SALESFORCE alone, no subnet: REACHABLE with the assumption stated, no GNP-NO-VPC-CONNECTION and no false GLUE_NOT_IN_VPC error', () => {
    const { job, findings, code } = planOf({
      Crm: glueConnection('crm', undefined, [], { INSTANCE_URL: 'https://acme.my.salesforce.com' }, 'SALESFORCE'),
      Job: glueJob([ref('Crm')], { Name: 'load' }),
    });
    expect(store(job, 'crm')).toMatchObject({ verdict: 'REACHABLE', locatedBy: 'internet', port: 443 });
    expect(store(job, 'crm').assumptions.join(' ')).toMatch(/outside your VPCs, where it reaches hosts on the internet/);
    const ids = findings.map((f: any) => f.ruleId);
    expect(ids).not.toContain('GNP-NO-VPC-CONNECTION');
    expect(ids).not.toContain('GNP-STORE-UNREACHABLE');
    expect(code).toBe(0);
  });
});

describe('a port property that is not a TCP port (a store resource\'s Port, a declared store\'s Port)', () => {
  test('an RDS instance with Port 0 named by its endpoint: UNKNOWN and reported, never traced on TCP 0', () => {
    const { job, findings } = planOf({
      ...twoSubnetGlueVpc(),
      DbSubnets: r('AWS::RDS::DBSubnetGroup', { DBSubnetGroupDescription: 'db', SubnetIds: [ref('SubnetB')] }),
      Rds: r('AWS::RDS::DBInstance', { Engine: 'postgres', DBInstanceClass: 'db.t3.micro', Port: 0, DBSubnetGroupName: ref('DbSubnets'), VPCSecurityGroups: glueSg() }),
      Db: glueConnection('orders', ref('SubnetA'), glueSg(), {
        JDBC_CONNECTION_URL: { 'Fn::Join': ['', ['jdbc:postgresql://', getAtt('Rds', 'Endpoint.Address'), ':', getAtt('Rds', 'Endpoint.Port'), '/app']] },
      }),
      Job: glueJob([ref('Db')], { Name: 'load' }),
    });
    expect(store(job, 'orders')).toMatchObject({ verdict: 'UNKNOWN' });
    expect(findings.find((f: any) => f.ruleId === 'GNP-INPUT-UNRESOLVED' && /Port/.test(f.message)).message).toMatch(/0 is not a TCP port \(1-65535\)/);
  });

  test('a store declared in metadata with Port 70000: UNKNOWN and reported', () => {
    const db = glueConnection('orders', ref('SubnetA'), glueSg(), { JDBC_CONNECTION_URL: 'jdbc:postgresql://db.example.com/app' });
    db.Metadata = { 'cdk-glue-netplan:data-store': { SubnetIds: [ref('SubnetB')], SecurityGroupIds: glueSg(), Port: 70000 } };
    const { job, findings } = planOf({ ...twoSubnetGlueVpc(), Db: db, Job: glueJob([ref('Db')], { Name: 'load' }) });
    expect(store(job, 'orders')).toMatchObject({ verdict: 'UNKNOWN', locatedBy: 'declared' });
    expect(findings.map((f: any) => f.message).join('\n')).toMatch(/70000 is not a TCP port \(1-65535\)/);
  });
});

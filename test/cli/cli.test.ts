import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseArgs, runCli } from '../../src/cli/run';

function run(argv: string[], cwd = process.cwd()) {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd });
  return { code, stdout, stderr };
}

const ref = (id: string) => ({ Ref: id });
const getAtt = (id: string, attr: string) => ({ 'Fn::GetAtt': [id, attr] });

/** The seed's case as one template: Redshift-like store in VPC A, MySQL in B, PostgreSQL in C. */
function seedTemplate(peered: boolean) {
  const resources: Record<string, unknown> = {};
  const vpcs = [['A', '10.1'], ['B', '10.2'], ['C', '10.3']] as const;
  for (const [n, prefix] of vpcs) {
    resources[`Vpc${n}`] = { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: `${prefix}.0.0/16`, EnableDnsSupport: true, EnableDnsHostnames: true } };
    resources[`Subnet${n}`] = { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref(`Vpc${n}`), CidrBlock: `${prefix}.1.0/24`, AvailabilityZone: `us-east-1${n.toLowerCase()}` } };
    resources[`Rt${n}`] = { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref(`Vpc${n}`) } };
    resources[`Assoc${n}`] = { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref(`Subnet${n}`), RouteTableId: ref(`Rt${n}`) } };
    resources[`S3${n}`] = { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcId: ref(`Vpc${n}`), ServiceName: { 'Fn::Sub': 'com.amazonaws.${AWS::Region}.s3' }, RouteTableIds: [ref(`Rt${n}`)] } };
    resources[`Sg${n}`] = { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'glue', VpcId: ref(`Vpc${n}`) } };
    resources[`SelfRef${n}`] = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: getAtt(`Sg${n}`, 'GroupId'), IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, SourceSecurityGroupId: getAtt(`Sg${n}`, 'GroupId') } };
  }
  const stores = [['Redshift', 'A', 'redshift', 5439], ['Mysql', 'B', 'mysql', 3306], ['Postgres', 'C', 'postgresql', 5432]] as const;
  for (const [name, n, scheme, port] of stores) {
    resources[`${name}Connection`] = {
      Type: 'AWS::Glue::Connection',
      // Where the store behind the host name lives (as GlueDataStore.declare writes it).
      Metadata: { 'cdk-glue-netplan:data-store': { SubnetIds: [ref(`Subnet${n}`)], SecurityGroupIds: [getAtt(`Sg${n}`, 'GroupId')], Port: port } },
      Properties: {
        CatalogId: ref('AWS::AccountId'),
        ConnectionInput: {
          Name: name.toLowerCase(),
          ConnectionType: 'JDBC',
          ConnectionProperties: { JDBC_CONNECTION_URL: `jdbc:${scheme}://${name.toLowerCase()}.example:${port}/db` },
          PhysicalConnectionRequirements: { SubnetId: ref(`Subnet${n}`), SecurityGroupIdList: [getAtt(`Sg${n}`, 'GroupId')], AvailabilityZone: getAtt(`Subnet${n}`, 'AvailabilityZone') },
        },
      },
    };
  }
  resources.Job = {
    Type: 'AWS::Glue::Job',
    Properties: { Name: 'load', Role: 'arn:aws:iam::111111111111:role/glue', Command: { Name: 'glueetl' }, WorkerType: 'G.1X', NumberOfWorkers: 2, Connections: { Connections: [ref('RedshiftConnection'), ref('MysqlConnection'), ref('PostgresConnection')] } },
  };
  if (peered) {
    for (const [n, port] of [['B', 3306], ['C', 5432]] as const) {
      resources[`Pcx${n}`] = { Type: 'AWS::EC2::VPCPeeringConnection', Properties: { VpcId: ref('VpcA'), PeerVpcId: ref(`Vpc${n}`) } };
      resources[`RouteTo${n}`] = { Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref('RtA'), DestinationCidrBlock: n === 'B' ? '10.2.0.0/16' : '10.3.0.0/16', VpcPeeringConnectionId: ref(`Pcx${n}`) } };
      resources[`RouteBack${n}`] = { Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref(`Rt${n}`), DestinationCidrBlock: '10.1.0.0/16', VpcPeeringConnectionId: ref(`Pcx${n}`) } };
      resources[`Admit${n}`] = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: getAtt(`Sg${n}`, 'GroupId'), IpProtocol: 'tcp', FromPort: port, ToPort: port, SourceSecurityGroupId: getAtt('SgA', 'GroupId') } };
    }
  }
  return { AWSTemplateFormatVersion: '2010-09-09', Resources: resources };
}

function writeTemp(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-cli-'));
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

describe('glue-netplan CLI', () => {
  test("seed's case, unpeered: selects redshift, the two other stores UNREACHABLE with DISCONNECTED_VPCS, exit 1", () => {
    const file = writeTemp('seed.json', JSON.stringify(seedTemplate(false)));
    const { code, stdout } = run([file, '--format', 'json']);
    expect(code).toBe(1);
    const plan = JSON.parse(stdout);
    const job = plan.jobs[0];
    expect(job.selectedConnection).toMatchObject({ name: 'redshift', logicalId: 'RedshiftConnection', az: 'us-east-1a' });
    expect(job.dataStores.map((s: any) => [s.connection.name, s.verdict])).toEqual([['redshift', 'REACHABLE'], ['mysql', 'UNREACHABLE'], ['postgres', 'UNREACHABLE']]);
    expect(job.dataStores[1].explanations.map((e: any) => e.code)).toContain('DISCONNECTED_VPCS');
    expect(job.dataStores[1].hops.length).toBeGreaterThan(3);
    expect(plan.summary.errors).toBeGreaterThanOrEqual(2);
    expect(job.findings[0]).toMatchObject({ ruleId: 'GNP-STORE-UNREACHABLE', severity: 'error', stack: expect.any(String), logicalId: 'Job' });
  });

  test("seed's case, peered with routes on both sides and admitting groups: all REACHABLE, exit 0, failover shown", () => {
    const file = writeTemp('seed.json', JSON.stringify(seedTemplate(true)));
    const { code, stdout } = run([file, '--format', 'json']);
    const plan = JSON.parse(stdout);
    expect(plan.jobs[0].dataStores.map((s: any) => s.verdict)).toEqual(['REACHABLE', 'REACHABLE', 'REACHABLE']);
    expect(code).toBe(0);
    const a = plan.jobs[0].failover.find((f: any) => f.azDown === 'us-east-1a');
    expect(a.selectedConnection.name).toBe('mysql');
    expect(a.allReachable).toBe(false);
  });

  test('--az-down moves the selection and the text plan says why', () => {
    const file = writeTemp('seed.json', JSON.stringify(seedTemplate(true)));
    const { stdout } = run([file, '--az-down', 'us-east-1a']);
    expect(stdout).toContain('Treating as failed: us-east-1a');
    expect(stdout).toMatch(/1\. redshift .*skipped - AZ_UNHEALTHY/);
    expect(stdout).toMatch(/2\. mysql .*SELECTED/);
  });

  test('YAML template with short-form intrinsics: a subnet on the main route table without an S3 endpoint is skipped', () => {
    const yaml = `Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16, EnableDnsSupport: true, EnableDnsHostnames: true}}
  Subnet: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: !Select [0, !GetAZs '']}}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: g, VpcId: !Ref Vpc}
  Conn:
    Type: AWS::Glue::Connection
    Properties:
      CatalogId: !Ref AWS::AccountId
      ConnectionInput:
        Name: net
        ConnectionType: NETWORK
        PhysicalConnectionRequirements: {SubnetId: !Ref Subnet, SecurityGroupIdList: [!GetAtt Sg.GroupId]}
  Job:
    Type: AWS::Glue::Job
    Properties: {Name: j, Role: r, Command: {Name: glueetl}, Connections: {Connections: [!Ref Conn]}}
`;
    const { code, stdout } = run([writeTemp('t.yaml', yaml), '--format', 'json', '--no-failover']);
    const plan = JSON.parse(stdout);
    // The subnet's main route table has no S3 endpoint: Glue never selects it.
    expect(plan.jobs[0].candidates[0]).toMatchObject({ status: 'skipped', reasons: [{ code: 'NO_S3_PATH' }] });
    expect(plan.jobs[0].findings.map((f: any) => f.ruleId)).toContain('GNP-NO-SUITABLE-CONNECTION');
    expect(code).toBe(1);
  });

  describe('bad input: exit 2 with a one-line reason, never a stack trace', () => {
    test.each([
      ['not JSON or YAML', 'bad.json', '{ "Resources": [1, 2'],
      ['no Resources', 'empty.json', '{"AWSTemplateFormatVersion": "2010-09-09"}'],
    ])('%s', (_label, name, content) => {
      const { code, stderr, stdout } = run([writeTemp(name, content)]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/^glue-netplan: .*(bad|empty)\.json/);
      expect(stderr).not.toMatch(/\bat .*\.ts:\d+/);
    });

    test('missing path', () => {
      const { code, stderr } = run(['/nonexistent/cdk.out']);
      expect(code).toBe(2);
      expect(stderr).toMatch(/^glue-netplan: .*nonexistent/);
    });

    test('malformed facts file', () => {
      const template = writeTemp('t.json', JSON.stringify(seedTemplate(false)));
      const facts = writeTemp('facts.json', JSON.stringify({ subnets: [{ id: 'subnet-1', vpcId: 'vpc-1', cidr: '10.0.0.0/33' }] }));
      const { code, stderr } = run([template, '--facts', facts]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/subnets\[0\]\.cidr/);
    });

    test.each([[['--format', 'xml']], [['--bogus']], [['--facts']]])('usage error %j', (argv) => {
      const { code, stderr } = run(argv);
      expect(code).toBe(2);
      expect(stderr).toMatch(/^glue-netplan: /);
    });
  });

  test('unknown intrinsics and dangling refs become UNKNOWN with a clear message, not a crash', () => {
    const t = seedTemplate(false);
    (t.Resources as any).MysqlConnection.Properties.ConnectionInput.PhysicalConnectionRequirements.SubnetId = { 'Fn::Bogus': ['x'] };
    (t.Resources as any).PostgresConnection.Properties.ConnectionInput.PhysicalConnectionRequirements.SubnetId = ref('NoSuchSubnet');
    // The stores are not declared: where they are follows the (unresolvable) connection subnets.
    for (const name of ['MysqlConnection', 'PostgresConnection']) delete (t.Resources as any)[name].Metadata;
    const { code, stdout } = run([writeTemp('t.json', JSON.stringify(t)), '--format', 'json']);
    expect(code).not.toBe(2);
    const plan = JSON.parse(stdout);
    const verdicts = plan.jobs[0].dataStores.map((s: any) => s.verdict);
    expect(verdicts.slice(1)).toEqual(['UNKNOWN', 'UNKNOWN']);
    const messages = plan.findings.map((f: any) => f.message).join('\n');
    expect(messages).toMatch(/Fn::Bogus/);
    expect(messages).toMatch(/NoSuchSubnet/);
  });

  test('arguments: PATH defaults to cdk.out, --az-down takes several values', () => {
    expect(parseArgs([])).toMatchObject({ paths: ['cdk.out'], format: 'text', failover: true });
    expect(parseArgs(['--az-down', 'us-east-1a', 'us-east-1b', 'x.json'])).toMatchObject({ azDown: ['us-east-1a', 'us-east-1b'], paths: ['x.json'] });
    expect(parseArgs(['--help'])).toBe('help');
  });

  test("--quota NAME=N gives the account's raised quota: six groups on a connection pass at 8, fail at the default 5", () => {
    const template = seedTemplate(true) as { Resources: Record<string, any> };
    const extra = Array.from({ length: 5 }, (_, i) => `Extra${i}`);
    for (const id of extra) template.Resources[id] = { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'team rules', VpcId: ref('VpcA') } };
    const requirements = template.Resources.RedshiftConnection.Properties.ConnectionInput.PhysicalConnectionRequirements;
    requirements.SecurityGroupIdList = [...requirements.SecurityGroupIdList, ...extra.map((id) => getAtt(id, 'GroupId'))];
    const file = writeTemp('six-groups.json', JSON.stringify(template));
    const quotaFindings = (argv: string[]) => JSON.parse(run([file, '--format', 'json', ...argv]).stdout).findings.filter((f: any) => f.ruleId === 'GNP-QUOTA-SECURITY-GROUPS');
    expect(quotaFindings([])).toHaveLength(1);
    expect(quotaFindings(['--quota', 'security-groups-per-network-interface=8'])).toEqual([]);
    expect(quotaFindings(['--quota=security-groups-per-network-interface=5'])).toHaveLength(1);
  });

  test('--quota: names, values and repeats are checked (exit 2, the allowed names and range)', () => {
    expect(parseArgs(['--quota', 'routes-per-route-table=200', '--quota', 'peerings-per-vpc=125'])).toMatchObject({ quotas: { routesPerRouteTable: 200, peeringsPerVpc: 125 } });
    expect(parseArgs([])).not.toHaveProperty('quotas');
    const usage = (argv: string[]) => { const r = run(argv); return `${r.code} ${r.stderr}`; };
    expect(usage(['--quota', 'routes=200'])).toMatch(/^2 .*--quota takes NAME=N, NAME one of peerings-per-vpc, routes-per-route-table, security-groups-per-network-interface, rules-per-security-group; not routes=200/);
    expect(usage(['--quota', 'peerings-per-vpc=126'])).toMatch(/^2 .*--quota peerings-per-vpc: .*must be a whole number from 1 to 125, the most AWS grants; not 126/);
    expect(usage(['--quota', 'routes-per-route-table=1e3'])).toMatch(/^2 .*from 1 to 1000.*; not 1e3/);
    expect(usage(['--quota', 'peerings-per-vpc=60', '--quota', 'peerings-per-vpc=70'])).toMatch(/^2 .*--quota peerings-per-vpc given twice/);
    // Inbound or outbound rules per security group, times the groups per network interface, at most 1,000.
    expect(parseArgs(['--quota', 'rules-per-security-group=100'])).toMatchObject({ quotas: { rulesPerSecurityGroup: 100 } });
    expect(usage(['--quota', 'rules-per-security-group=100', '--quota', 'security-groups-per-network-interface=16'])).toMatch(/^2 .*--quota: .*multiplied cannot exceed 1,000.*100 x 16 = 1600/);
  });
});

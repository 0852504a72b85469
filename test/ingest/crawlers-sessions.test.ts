import { App, Stack, aws_ec2 as ec2, aws_glue as glue } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildPlan, Plan } from '../../src/engine';
import { buildModel } from '../../src/ingest';
import { toJson, toText } from '../../src/report';

/*
 * Crawlers, interactive sessions and development endpoints use connections (or, for a dev
 * endpoint, a subnet of their own) and Glue places their ENIs as it places a job's: they are
 * planned by the same engine and reported like jobs, with their kind.
 *
 * The app: VPC Data (S3 gateway endpoint, self-referencing Glue group) holds the warehouse
 * connection; VPC Legacy has no S3 endpoint and no NAT, so Glue never selects its subnets.
 */
function app(): Plan {
  const stack = new Stack(new App(), 'Etl', { env: { account: '111111111111', region: 'us-east-1' } });
  const network = (id: string, cidr: string, s3: boolean) => {
    const vpc = new ec2.Vpc(stack, id, {
      ipAddresses: ec2.IpAddresses.cidr(cidr),
      maxAzs: 1,
      natGateways: 0,
      subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      gatewayEndpoints: s3 ? { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } } : {},
    });
    const group = new ec2.SecurityGroup(stack, `${id}Glue`, { vpc, description: 'Glue' });
    group.connections.allowInternally(ec2.Port.allTcp());
    return { vpc, group };
  };
  const data = network('Data', '10.1.0.0/16', true);
  const legacy = network('Legacy', '10.2.0.0/16', false);
  const connection = (id: string, net: { vpc: ec2.Vpc; group: ec2.SecurityGroup }, url: string) => new glue.Connection(stack, id, {
    type: glue.ConnectionType.JDBC,
    connectionName: id.toLowerCase(),
    network: glue.ConnectionNetwork.subnet(net.vpc.isolatedSubnets[0]),
    securityGroups: [net.group],
    properties: { JDBC_CONNECTION_URL: url },
  });
  const warehouse = connection('Warehouse', data, 'jdbc:postgresql://10.1.0.10:5432/dw');
  const mainframe = connection('Mainframe', legacy, 'jdbc:db2://10.2.0.10:50000/core');
  new glue.CfnCrawler(stack, 'WarehouseCrawler', {
    name: 'warehouse-crawler',
    role: 'arn:aws:iam::111111111111:role/glue',
    databaseName: 'dw',
    targets: { jdbcTargets: [{ connectionName: warehouse.connectionName, path: 'dw/%' }] },
  });
  new glue.CfnCrawler(stack, 'MainframeCrawler', {
    name: 'mainframe-crawler',
    role: 'arn:aws:iam::111111111111:role/glue',
    databaseName: 'core',
    targets: { jdbcTargets: [{ connectionName: mainframe.connectionName, path: 'core/%' }, { connectionName: mainframe.connectionName, path: 'audit/%' }] },
  });
  new glue.CfnCrawler(stack, 'LakeCrawler', {
    name: 'lake-crawler',
    role: 'arn:aws:iam::111111111111:role/glue',
    databaseName: 'lake',
    targets: { s3Targets: [{ path: 's3://lake/raw/' }] },
  });
  new glue.CfnSession(stack, 'Notebook', {
    id: 'analyst-notebook',
    role: 'arn:aws:iam::111111111111:role/glue',
    command: { name: 'glueetl' },
    workerType: 'G.1X',
    numberOfWorkers: 2,
    connections: { connections: [warehouse.connectionName] },
  });
  new glue.CfnDevEndpoint(stack, 'Sandbox', {
    endpointName: 'sandbox',
    roleArn: 'arn:aws:iam::111111111111:role/glue',
    subnetId: legacy.vpc.isolatedSubnets[0].subnetId,
    securityGroupIds: [legacy.group.securityGroupId],
  });
  return buildPlan(buildModel([{ stackName: 'Etl', template: Template.fromStack(stack).toJSON(), region: 'us-east-1', account: '111111111111' }]), { failover: false });
}

describe('crawlers, sessions and dev endpoints are planned like jobs', () => {
  const plan = app();

  test('each unit with a connection (or a subnet) is planned, with its kind; a crawler without one is not', () => {
    expect(plan.jobs.map((j) => [j.kind, j.name, j.selectedConnection?.name ?? null])).toEqual([
      ['crawler', 'warehouse-crawler', 'warehouse'],
      ['crawler', 'mainframe-crawler', null],
      ['session', 'analyst-notebook', 'warehouse'],
      ['dev-endpoint', 'sandbox', null],
    ]);
  });

  test('a crawler whose only connection has no S3 path: no suitable connection, reported as a crawler', () => {
    const crawler = plan.jobs.find((j) => j.name === 'mainframe-crawler')!;
    expect(crawler.candidates.map((c) => c.connection.name)).toEqual(['mainframe']);
    expect(crawler.findings).toContainEqual(expect.objectContaining({
      ruleId: 'GNP-NO-SUITABLE-CONNECTION',
      message: expect.stringMatching(/^No connection of crawler mainframe-crawler is suitable/),
    }));
    expect(crawler.dataStores.map((s) => s.verdict)).toEqual(['UNREACHABLE']);
  });

  test('the session reaches the warehouse from its connection', () => {
    expect(plan.jobs.find((j) => j.kind === 'session')!.dataStores.map((s) => s.verdict)).toEqual(['REACHABLE']);
  });

  test('the dev endpoint in a subnet without an S3 path is reported as a dev endpoint', () => {
    const endpoint = plan.jobs.find((j) => j.kind === 'dev-endpoint')!;
    expect(endpoint.findings).toContainEqual(expect.objectContaining({ ruleId: 'GNP-NO-SUITABLE-CONNECTION', message: expect.stringContaining('dev endpoint sandbox') }));
  });

  test('the JSON contract gives each planned unit its kind; the text report names it', () => {
    expect((toJson(plan).jobs as { kind: string }[]).map((j) => j.kind)).toEqual(['crawler', 'crawler', 'session', 'dev-endpoint']);
    const text = toText(plan);
    expect(text).toContain('Crawler mainframe-crawler (Etl/MainframeCrawler');
    expect(text).toContain('Session analyst-notebook (Etl/Notebook)');
    expect(text).toContain('Dev endpoint sandbox (Etl/Sandbox)');
  });
});

describe('a crawler or dev endpoint whose network settings cannot be resolved is planned, UNKNOWN, never skipped', () => {
  /** A hand-written template: a parameter with no value decides which JDBC target the crawler has. */
  const template = (crawler: Record<string, unknown>, devEndpoint?: Record<string, unknown>) => ({
    Parameters: { Source: { Type: 'String', AllowedValues: ['orders', 'billing'] } },
    Conditions: { Orders: { 'Fn::Equals': [{ Ref: 'Source' }, 'orders'] } },
    Resources: {
      Crawler: { Type: 'AWS::Glue::Crawler', Properties: { Name: 'nightly', Role: 'arn:aws:iam::111111111111:role/glue', ...crawler } },
      ...devEndpoint ? { Sandbox: { Type: 'AWS::Glue::DevEndpoint', Properties: { EndpointName: 'sandbox', RoleArn: 'arn:aws:iam::111111111111:role/glue', ...devEndpoint } } } : {},
    },
  });
  const target = (connection: string) => [{ ConnectionName: connection, Path: 'db/%' }];
  const planOf = (t: unknown) => buildPlan(buildModel([{ stackName: 'Etl', template: t, region: 'us-east-1' }]), { failover: false });

  test.each<[string, Record<string, unknown>]>([
    ['Targets chosen by an undecidable condition', { Targets: { 'Fn::If': ['Orders', { JdbcTargets: target('orders') }, { JdbcTargets: target('billing') }] } }],
    ['a target list chosen by an undecidable condition', { Targets: { JdbcTargets: { 'Fn::If': ['Orders', target('orders'), target('billing')] } } }],
    ['a target chosen by an undecidable condition', { Targets: { JdbcTargets: [{ 'Fn::If': ['Orders', target('orders')[0], target('billing')[0]] }] } }],
  ])('%s', (_what, crawler) => {
    const plan = planOf(template(crawler));
    expect(plan.jobs.map((j) => [j.kind, j.name, j.candidates.map((c) => c.status)])).toEqual([['crawler', 'nightly', ['unknown']]]);
    expect(plan.findings.filter((f) => f.ruleId === 'GNP-INPUT-UNRESOLVED').map((f) => f.message))
      .toContainEqual(expect.stringMatching(/Etl\/Crawler .*Targets.* cannot be resolved .*which connections the crawler uses is unknown/));
  });

  test('an S3-only crawler is still not planned (it runs outside your VPCs)', () => {
    expect(planOf(template({ Targets: { S3Targets: [{ Path: 's3://lake/raw/' }] } })).jobs).toEqual([]);
  });

  test('a dev endpoint\'s security group that cannot be resolved stays, as a group of unknown rules', () => {
    const model = buildModel([{ stackName: 'Etl', template: template({ Targets: {} }, { SubnetId: 'subnet-0abc', SecurityGroupIds: ['sg-0known', { Ref: 'Source' }] }), region: 'us-east-1' }]);
    const groups = model.connections.get('Etl/Sandbox#network')!.securityGroupIds;
    expect(groups).toHaveLength(2);
    expect(model.securityGroups.get(groups[1])).toMatchObject({ unresolved: expect.stringContaining('parameter Source has no default') });
  });
});

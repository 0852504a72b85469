/*
 * Drift (`--compare`) of a Glue connection's settings: a value the templates give only at deploy
 * time (a zone of Fn::GetAZs, the zone of a subnet placed by AZ ID, a dynamic reference) is what
 * CloudFormation resolved into the deployed connection, not a difference from it.
 */
import { buildPlan } from '../../src/engine';
import { compareDeployment, DeployedIds } from '../../src/engine/drift';
import { buildModel, parseFacts } from '../../src/ingest';
import { anyResource, association, getAtt, ref, routeTable, securityGroup, vpc } from '../ingest/builders';

/** A NETWORK connection in Sub, whose zone is `connectionZone`; Sub is placed by `subnetPlacement`. */
const template = (connectionZone: unknown, subnetPlacement: Record<string, unknown>, jdbcUrl?: unknown) => ({
  Resources: {
    Vpc: vpc('10.1.0.0/16', { EnableDnsSupport: true, EnableDnsHostnames: true }),
    Sub: anyResource('AWS::EC2::Subnet', { VpcId: ref('Vpc'), CidrBlock: '10.1.1.0/24', ...subnetPlacement }),
    Rt: routeTable(ref('Vpc')),
    Assoc: association(ref('Sub'), ref('Rt')),
    S3: anyResource('AWS::EC2::VPCEndpoint', { VpcId: ref('Vpc'), ServiceName: 'com.amazonaws.us-east-1.s3', RouteTableIds: [ref('Rt')] }),
    Sg: securityGroup(ref('Vpc')),
    Conn: anyResource('AWS::Glue::Connection', {
      CatalogId: '111111111111',
      ConnectionInput: {
        Name: 'glue-net',
        ...(jdbcUrl !== undefined ? { ConnectionType: 'JDBC', ConnectionProperties: { JDBC_CONNECTION_URL: jdbcUrl } } : { ConnectionType: 'NETWORK' }),
        PhysicalConnectionRequirements: { SubnetId: ref('Sub'), SecurityGroupIdList: [getAtt('Sg', 'GroupId')], AvailabilityZone: connectionZone },
      },
    }),
    Db: anyResource('AWS::RDS::DBInstance', { Engine: 'postgres', DBInstanceClass: 'db.t3.micro', VPCSecurityGroups: [getAtt('Sg', 'GroupId')] }),
    Job: anyResource('AWS::Glue::Job', { Name: 'etl', Role: 'r', Command: { Name: 'glueetl' }, WorkerType: 'G.1X', NumberOfWorkers: 2, Connections: { Connections: ['glue-net'] } }),
  },
});

/** The same, as EC2 and Glue describe it once deployed: the connection in us-east-1a (to that address). */
const deployed = (address?: string) => parseFacts({
  vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.1.0.0/16'], region: 'us-east-1', account: '111111111111', enableDnsSupport: true, enableDnsHostnames: true }],
  subnets: [{ id: 'subnet-1', vpcId: 'vpc-1', cidr: '10.1.1.0/24', availabilityZone: 'us-east-1a', routeTableId: 'rtb-1' }],
  routeTables: [{ id: 'rtb-1', vpcId: 'vpc-1', routes: [] }],
  gatewayEndpoints: [{ id: 'vpce-1', vpcId: 'vpc-1', service: 's3', routeTableIds: ['rtb-1'] }],
  securityGroups: [{ id: 'sg-1', vpcId: 'vpc-1', ingress: [], egress: [{ protocol: '-1', cidr: '0.0.0.0/0' }] }],
  connections: [{
    name: 'glue-net',
    subnetId: 'subnet-1',
    securityGroupIds: ['sg-1'],
    availabilityZone: 'us-east-1a',
    ...(address !== undefined ? { connectionType: 'JDBC', address } : { connectionType: 'NETWORK' }),
  }],
  jobs: [{ name: 'etl', connections: ['glue-net'] }],
}, 'deployed.json');

const ids: DeployedIds = {
  physicalIds: new Map(Object.entries({ 'App/Vpc': 'vpc-1', 'App/Sub': 'subnet-1', 'App/Rt': 'rtb-1', 'App/Sg': 'sg-1', 'App/Conn': 'glue-net', 'App/Job': 'etl' })),
  stacks: new Map([['App', 'listed']]),
  notes: [],
};

function drift(connectionZone: unknown, subnetPlacement: Record<string, unknown>, jdbcUrl?: unknown, deployedAddress?: string) {
  const t = buildModel([{ stackName: 'App', template: template(connectionZone, subnetPlacement, jdbcUrl), region: 'us-east-1', account: '111111111111' }]);
  const d = buildModel([], deployed(deployedAddress));
  const report = compareDeployment({ model: t, plan: buildPlan(t) }, { model: d, plan: buildPlan(d) }, ids);
  return { drift: report.drift, elements: report.jobs[0].elements.map((e) => `${e.kind} ${e.change}: ${e.item}`) };
}

const firstZone = { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] };

describe('drift: a connection zone known only at deploy time is not "added" when deployed', () => {
  test.each([
    ['Fn::GetAZs (the subnet\'s zone, as CDK writes it without a pinned environment)', firstZone, { AvailabilityZone: firstZone }],
    ['Fn::GetAtt of a subnet placed by AZ ID', getAtt('Sub', 'AvailabilityZone'), { AvailabilityZoneId: 'use1-az1' }],
    ['a dynamic reference', '{{resolve:ssm:/net/glue-az}}', { AvailabilityZone: 'us-east-1a' }],
  ])('%s: no drift (was: "connection added: AvailabilityZone us-east-1a", exit 1)', (_, zone, placement) => {
    const { elements } = drift(zone, placement);
    expect(elements).toEqual([]);
  });

  test('the same CDK-style layout is "same" as a whole: no drift', () => {
    expect(drift(firstZone, { AvailabilityZone: firstZone }).drift).toBe(false);
  });

  test('a zone the templates name, deployed in another zone, is still drift', () => {
    expect(drift('us-east-1b', { AvailabilityZone: 'us-east-1a' }).elements.sort()).toEqual([
      'connection added: AvailabilityZone us-east-1a',
      'connection removed: AvailabilityZone us-east-1b',
    ]);
  });
});

describe('drift: a JDBC URL with parts known only at deploy time', () => {
  const DEPLOYED = 'jdbc:postgresql://orders.abcdefgh.us-east-1.rds.amazonaws.com:5432/orders';
  const addressItems = (jdbcUrl: unknown, deployedAddress: string) => drift('us-east-1a', { AvailabilityZone: 'us-east-1a' }, jdbcUrl, deployedAddress).elements
    .filter((item) => item.includes('address'));

  test.each([
    ["the database's Endpoint.Address (Fn::Join)", { 'Fn::Join': ['', ['jdbc:postgresql://', getAtt('Db', 'Endpoint.Address'), ':5432/orders']] }],
    ["the database's Endpoint.Address and Endpoint.Port (Fn::Sub)", { 'Fn::Sub': 'jdbc:postgresql://${Db.Endpoint.Address}:${Db.Endpoint.Port}/orders' }],
    ['a dynamic reference', 'jdbc:postgresql://{{resolve:ssm:/orders/db-host}}:5432/orders'],
    ['an unresolved parameter', { 'Fn::Sub': ['jdbc:postgresql://${Host}:5432/orders', { Host: { Ref: 'NotDeclared' } }] }],
  ])('%s, deployed as the address it resolved to: no drift (was: the template text with internal markers "removed", the deployed address "added")', (_, jdbcUrl) => {
    expect(addressItems(jdbcUrl, DEPLOYED)).toEqual([]);
  });

  test('deployed to another port than the templates give: still drift, the template address in words (no internal marker)', () => {
    const items = addressItems({ 'Fn::Join': ['', ['jdbc:postgresql://', getAtt('Db', 'Endpoint.Address'), ':5432/orders']] }, DEPLOYED.replace(':5432', ':5433'));
    expect(items.sort()).toEqual([
      `connection added: address ${DEPLOYED.replace(':5432', ':5433')}`,
      'connection removed: address jdbc:postgresql://<Endpoint.Address of rds-instance App/Db>:5432/orders',
    ]);
  });
});

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
const template = (connectionZone: unknown, subnetPlacement: Record<string, unknown>) => ({
  Resources: {
    Vpc: vpc('10.1.0.0/16', { EnableDnsSupport: true, EnableDnsHostnames: true }),
    Sub: anyResource('AWS::EC2::Subnet', { VpcId: ref('Vpc'), CidrBlock: '10.1.1.0/24', ...subnetPlacement }),
    Rt: routeTable(ref('Vpc')),
    Assoc: association(ref('Sub'), ref('Rt')),
    S3: anyResource('AWS::EC2::VPCEndpoint', { VpcId: ref('Vpc'), ServiceName: 'com.amazonaws.us-east-1.s3', RouteTableIds: [ref('Rt')] }),
    Sg: securityGroup(ref('Vpc')),
    Conn: anyResource('AWS::Glue::Connection', {
      CatalogId: '111111111111',
      ConnectionInput: { Name: 'glue-net', ConnectionType: 'NETWORK', PhysicalConnectionRequirements: { SubnetId: ref('Sub'), SecurityGroupIdList: [getAtt('Sg', 'GroupId')], AvailabilityZone: connectionZone } },
    }),
    Job: anyResource('AWS::Glue::Job', { Name: 'etl', Role: 'r', Command: { Name: 'glueetl' }, WorkerType: 'G.1X', NumberOfWorkers: 2, Connections: { Connections: ['glue-net'] } }),
  },
});

/** The same, as EC2 and Glue describe it once deployed: the connection in us-east-1a. */
const deployed = parseFacts({
  vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.1.0.0/16'], region: 'us-east-1', account: '111111111111', enableDnsSupport: true, enableDnsHostnames: true }],
  subnets: [{ id: 'subnet-1', vpcId: 'vpc-1', cidr: '10.1.1.0/24', availabilityZone: 'us-east-1a', routeTableId: 'rtb-1' }],
  routeTables: [{ id: 'rtb-1', vpcId: 'vpc-1', routes: [] }],
  gatewayEndpoints: [{ id: 'vpce-1', vpcId: 'vpc-1', service: 's3', routeTableIds: ['rtb-1'] }],
  securityGroups: [{ id: 'sg-1', vpcId: 'vpc-1', ingress: [], egress: [{ protocol: '-1', cidr: '0.0.0.0/0' }] }],
  connections: [{ name: 'glue-net', connectionType: 'NETWORK', subnetId: 'subnet-1', securityGroupIds: ['sg-1'], availabilityZone: 'us-east-1a' }],
  jobs: [{ name: 'etl', connections: ['glue-net'] }],
}, 'deployed.json');

const ids: DeployedIds = {
  physicalIds: new Map(Object.entries({ 'App/Vpc': 'vpc-1', 'App/Sub': 'subnet-1', 'App/Rt': 'rtb-1', 'App/Sg': 'sg-1', 'App/Conn': 'glue-net', 'App/Job': 'etl' })),
  stacks: new Map([['App', 'listed']]),
  notes: [],
};

function drift(connectionZone: unknown, subnetPlacement: Record<string, unknown>) {
  const t = buildModel([{ stackName: 'App', template: template(connectionZone, subnetPlacement), region: 'us-east-1', account: '111111111111' }]);
  const d = buildModel([], deployed);
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

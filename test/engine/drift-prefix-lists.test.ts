/*
 * Drift (`--compare`) and customer-managed prefix lists: the templates' list is read entry by
 * entry, while the deployed side (what EC2 describes) names the same list by its id, `pl-...`.
 * The same route or rule on both sides is no drift.
 */
import { buildPlan } from '../../src/engine';
import { compareDeployment, DeployedIds } from '../../src/engine/drift';
import { buildModel, parseFacts } from '../../src/ingest';
import { anyResource, association, getAtt, ingress, ref, routeTable, securityGroup, subnet, vpc } from '../ingest/builders';

/** A Glue connection's subnet whose table routes the on-premises list to a transit gateway, and whose group admits 5432 from it. */
const templateWith = (list: Record<string, unknown>) => ({
  Resources: {
    Vpc: vpc('10.1.0.0/16', { EnableDnsSupport: true, EnableDnsHostnames: true }),
    Sub: subnet(ref('Vpc'), '10.1.1.0/24', 'us-east-1a'),
    Rt: routeTable(ref('Vpc')),
    Assoc: association(ref('Sub'), ref('Rt')),
    OnPremises: anyResource('AWS::EC2::PrefixList', { PrefixListName: 'on-premises', MaxEntries: 10, ...list }),
    ToOnPremises: anyResource('AWS::EC2::Route', { RouteTableId: ref('Rt'), DestinationPrefixListId: ref('OnPremises'), TransitGatewayId: 'tgw-0onpremises' }),
    Sg: securityGroup(ref('Vpc')),
    FromOnPremises: ingress(getAtt('Sg', 'GroupId'), { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourcePrefixListId: ref('OnPremises') }),
    Conn: anyResource('AWS::Glue::Connection', {
      CatalogId: '111111111111',
      ConnectionInput: { Name: 'glue-net', ConnectionType: 'NETWORK', PhysicalConnectionRequirements: { SubnetId: ref('Sub'), SecurityGroupIdList: [getAtt('Sg', 'GroupId')], AvailabilityZone: 'us-east-1a' } },
    }),
    Job: anyResource('AWS::Glue::Job', { Name: 'etl', Role: 'r', Command: { Name: 'glueetl' }, WorkerType: 'G.1X', NumberOfWorkers: 2, Connections: { Connections: ['glue-net'] } }),
  },
});
const ON_PREMISES = { AddressFamily: 'IPv4', Entries: [{ Cidr: '192.168.0.0/24' }, { Cidr: '192.168.1.0/24' }] };

/** What EC2 and Glue describe once the template is deployed: the list by its id. */
const deployed = (prefixListId: string) => parseFacts({
  vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.1.0.0/16'], region: 'us-east-1', account: '111111111111', enableDnsSupport: true, enableDnsHostnames: true }],
  subnets: [{ id: 'subnet-1', vpcId: 'vpc-1', cidr: '10.1.1.0/24', availabilityZone: 'us-east-1a', routeTableId: 'rtb-1' }],
  routeTables: [{ id: 'rtb-1', vpcId: 'vpc-1', routes: [{ destination: prefixListId, target: { kind: 'transit-gateway', id: 'tgw-0onpremises' } }] }],
  securityGroups: [{ id: 'sg-1', vpcId: 'vpc-1', ingress: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432, prefixListId }], egress: [{ protocol: '-1', cidr: '0.0.0.0/0' }] }],
  connections: [{ name: 'glue-net', connectionType: 'NETWORK', subnetId: 'subnet-1', securityGroupIds: ['sg-1'], availabilityZone: 'us-east-1a' }],
  jobs: [{ name: 'etl', connections: ['glue-net'] }],
}, 'deployed.json');

const ids = (physical: Record<string, string>): DeployedIds => ({
  physicalIds: new Map(Object.entries({ 'App/Vpc': 'vpc-1', 'App/Sub': 'subnet-1', 'App/Rt': 'rtb-1', 'App/Sg': 'sg-1', 'App/Conn': 'glue-net', 'App/Job': 'etl', ...physical })),
  stacks: new Map([['App', 'listed']]),
  notes: [],
});

function drift(prefixListId: string, physical: Record<string, string> | undefined, list: Record<string, unknown> = ON_PREMISES) {
  const t = buildModel([{ stackName: 'App', template: templateWith(list), region: 'us-east-1', account: '111111111111' }]);
  const d = buildModel([], deployed(prefixListId));
  return compareDeployment({ model: t, plan: buildPlan(t) }, { model: d, plan: buildPlan(d) }, physical && ids(physical)).jobs[0].elements
    .map((e) => `${e.kind} ${e.change}: ${e.item}`);
}

describe('drift: a route and a rule to a prefix list of the templates, deployed as pl-...', () => {
  test('the list CloudFormation created (its physical id): the route and the rule are the same on both sides', () => {
    expect(drift('pl-0aaa', { 'App/OnPremises': 'pl-0aaa' })).toEqual([]);
  });

  test('deployed with another list: the route and the rule drifted, named by the lists', () => {
    expect(drift('pl-0bbb', { 'App/OnPremises': 'pl-0aaa' }).sort()).toEqual([
      'route table added: route to prefix list pl-0bbb -> transit-gateway',
      'route table removed: route to prefix list pl-0aaa -> transit-gateway',
      'security group added: inbound tcp 5432 from prefix list pl-0bbb',
      'security group removed: inbound tcp 5432 from prefix list pl-0aaa',
    ]);
  });

  test("the stack's resources not read: which pl-... the list became is not known, and the drift says so rather than comparing its entries", () => {
    expect(drift('pl-0aaa', undefined)).toContainEqual(
      "route table removed: route to prefix list App/OnPremises (its deployed id is not known: the stack's resources were not read) -> transit-gateway");
  });

  test('a list whose entries are not resolved: the rule is named by the list too, as the route is (was: an unresolved peer, removed, and the pl-... rule, added)', () => {
    expect(drift('pl-0aaa', { 'App/OnPremises': 'pl-0aaa' }, { AddressFamily: 'IPv4', Entries: { Ref: 'OnPremisesEntries' } })).toEqual([]);
  });
});

describe('drift: a route and a rule to a prefix list of the templates that stands for no IPv4 route or rule', () => {
  test.each([
    ['an IPv6 list', { AddressFamily: 'IPv6', Entries: [{ Cidr: '2001:db8::/32' }] }],
    ['an IPv4 list without entries', { AddressFamily: 'IPv4', Entries: [] }],
  ])('%s, deployed as the list CloudFormation created: no drift (was: the route and the rule "added")', (_, list) => {
    expect(drift('pl-0aaa', { 'App/OnPremises': 'pl-0aaa' }, list)).toEqual([]);
  });

  test('an IPv6 list, deployed with another list: the route and the rule drifted, the removed route named by its AWS::EC2::Route', () => {
    const t = buildModel([{ stackName: 'App', template: templateWith({ AddressFamily: 'IPv6', Entries: [{ Cidr: '2001:db8::/32' }] }), region: 'us-east-1', account: '111111111111' }]);
    const d = buildModel([], deployed('pl-0bbb'));
    const elements = compareDeployment({ model: t, plan: buildPlan(t) }, { model: d, plan: buildPlan(d) }, ids({ 'App/OnPremises': 'pl-0aaa' })).jobs[0].elements;
    expect(elements.map((e) => `${e.kind} ${e.change}: ${e.item}`).sort()).toEqual([
      'route table added: route to prefix list pl-0bbb -> transit-gateway',
      'route table removed: route to prefix list pl-0aaa -> transit-gateway',
      'security group added: inbound tcp 5432 from prefix list pl-0bbb',
      'security group removed: inbound tcp 5432 from prefix list pl-0aaa',
    ]);
    expect(elements.find((e) => e.change === 'removed' && e.kind === 'route table')?.resource).toBe('App/ToOnPremises');
  });
});

describe('drift: a route to a prefix list the templates name by a value they do not resolve', () => {
  test('is named as unresolved, not as a list whose deployed id is unknown because "the stack\'s resources were not read" (they were)', () => {
    const template = templateWith(ON_PREMISES);
    const routeToImport = { ...template.Resources.ToOnPremises, Properties: { ...template.Resources.ToOnPremises.Properties, DestinationPrefixListId: { 'Fn::ImportValue': 'corp-on-premises-pl' } } };
    const t = buildModel([{ stackName: 'App', template: { Resources: { ...template.Resources, ToOnPremises: routeToImport } }, region: 'us-east-1', account: '111111111111' }]);
    const d = buildModel([], deployed('pl-0aaa'));
    const routes = compareDeployment({ model: t, plan: buildPlan(t) }, { model: d, plan: buildPlan(d) }, ids({ 'App/OnPremises': 'pl-0aaa' })).jobs[0].elements
      .filter((e) => e.kind === 'route table').map((e) => `${e.change}: ${e.item}`);
    expect(routes.sort()).toEqual([
      'added: route to prefix list pl-0aaa -> transit-gateway',
      'removed: route to an unresolved prefix list -> transit-gateway',
    ]);
  });
});

describe("drift: a prefix list of the templates the deployed stack's resources do not list (added since the last deploy)", () => {
  test('is named as not deployed, not as "the stack\'s resources were not read" (they were)', () => {
    expect(drift('pl-0aaa', {})).toContainEqual("route table removed: route to prefix list App/OnPremises (not among the deployed stack's resources) -> transit-gateway");
  });
});

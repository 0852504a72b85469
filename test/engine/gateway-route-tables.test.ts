/**
 * Gateway route tables (VPC User Guide, "Gateway route tables"): a route table associated with an
 * internet gateway (`AWS::EC2::GatewayRouteTableAssociation`) routes the traffic that enters the VPC
 * through it, typically to a middlebox (a Gateway Load Balancer endpoint, a network interface).
 * The replies to a NAT gateway (the internet path of a SaaS store, S3 through NAT) and the requests
 * to a public store come in that way: sent to an appliance, they are UNKNOWN, never REACHABLE.
 */
import { buildPlan } from '../../src/engine';
import { snapshotToFacts } from '../../src/ingest/aws';
import { account, apiRouteTable, routeTo } from '../ingest/aws/api-builders';
import { anyResource, getAtt, glueConnection, glueJob, modelOf, ref, Resource, route, routeTable, securityGroup, subnet, vpc, association, ingress, tcpFrom } from '../ingest/builders';

/** A Snowflake job in a private subnet whose default route goes to a NAT gateway in a public subnet (10.0.2.0/24) with an internet gateway route. */
function saasBehindNat(extra: Record<string, Resource> = {}) {
  return modelOf(saasResources(extra));
}

function saasResources(extra: Record<string, Resource> = {}): Record<string, Resource> {
  return {
    Vpc: vpc('10.0.0.0/16', { EnableDnsSupport: true, EnableDnsHostnames: true }),
    Priv: subnet(ref('Vpc'), '10.0.1.0/24', 'us-east-1a'),
    Pub: subnet(ref('Vpc'), '10.0.2.0/24', 'us-east-1a'),
    Igw: anyResource('AWS::EC2::InternetGateway', {}),
    Attach: anyResource('AWS::EC2::VPCGatewayAttachment', { VpcId: ref('Vpc'), InternetGatewayId: ref('Igw') }),
    Nat: anyResource('AWS::EC2::NatGateway', { SubnetId: ref('Pub'), AllocationId: 'eipalloc-1' }),
    RtPriv: routeTable(ref('Vpc')),
    RtPub: routeTable(ref('Vpc')),
    AssocPriv: association(ref('Priv'), ref('RtPriv')),
    AssocPub: association(ref('Pub'), ref('RtPub')),
    ToNat: route(ref('RtPriv'), '0.0.0.0/0', { NatGatewayId: ref('Nat') }),
    ToIgw: route(ref('RtPub'), '0.0.0.0/0', { GatewayId: ref('Igw') }),
    Sg: securityGroup(ref('Vpc')),
    SelfRef: ingress(getAtt('Sg', 'GroupId'), tcpFrom({ SourceSecurityGroupId: getAtt('Sg', 'GroupId') }, 0, 65535)),
    Conn: glueConnection('sf', ref('Priv'), [getAtt('Sg', 'GroupId')], { HOST: 'acme.snowflakecomputing.com' }, 'SNOWFLAKE'),
    Job: glueJob([ref('Conn')], { WorkerType: 'G.1X', NumberOfWorkers: 2 }),
    ...extra,
  };
}
const edge = (routes: Record<string, Resource>, tableId: unknown = ref('Edge')) => ({
  Edge: routeTable(ref('Vpc')),
  EdgeAssoc: anyResource('AWS::EC2::GatewayRouteTableAssociation', { GatewayId: ref('Igw'), RouteTableId: tableId }),
  ...routes,
});
const sf = (m: ReturnType<typeof saasBehindNat>) => buildPlan(m, { failover: false }).jobs[0].dataStores[0];

describe('hop: the gateway route table of the internet gateway the replies come in through', () => {
  test('no gateway route table: the SaaS host over the NAT gateway is REACHABLE (as assumed)', () => {
    expect(sf(saasBehindNat()).verdict).toBe('REACHABLE');
  });

  test('one that sends the NAT gateway\'s subnet to a Gateway Load Balancer endpoint: UNKNOWN, naming the table and the endpoint', () => {
    const store = sf(saasBehindNat(edge({ Inspect: route(ref('Edge'), '10.0.2.0/24', { VpcEndpointId: 'vpce-0firewall' }) })));
    expect(store.verdict).toBe('UNKNOWN');
    const hop = store.paths[0].hops.find((h) => h.component === 'Stack/Edge');
    expect(hop?.detail).toMatch(/gateway route table Stack\/Edge sends the traffic entering Stack\/Vpc for Stack\/Pub \(10\.0\.2\.0\/24\) to vpce-0firewall/);
  });

  test('its explanation is a next hop the inputs do not show, with a fix about the appliance (not a missing route to the internet gateway)', () => {
    const store = sf(saasBehindNat(edge({ Inspect: route(ref('Edge'), '10.0.2.0/24', { VpcEndpointId: 'vpce-0firewall' }) })));
    const e = store.explanations.find((x) => x.component === 'Stack/Edge');
    expect(e).toMatchObject({ code: 'UNKNOWN_NEXT_HOP', unknown: true });
    expect(e?.fix).toBe("Check that the appliance to which gateway route table Stack/Edge sends Stack/Pub's traffic forwards it on to Stack/Pub, then acknowledge this warning; or send 10.0.2.0/24 to local in Stack/Edge (the traffic is then delivered directly).");
    expect(e?.fix).not.toMatch(/Route 0\.0\.0\.0\/0/);
  });

  test('the S3 path through the NAT gateway (GNP-CONNECTION-SERVICE-PATH-UNKNOWN) gets the same fix about the appliance', () => {
    const plan = buildPlan(saasBehindNat(edge({ Inspect: route(ref('Edge'), '10.0.2.0/24', { VpcEndpointId: 'vpce-0firewall' }) })), { failover: false });
    const f = plan.findings.find((x) => x.ruleId === 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN' && x.message.includes('S3'));
    expect(f?.fix).toMatch(/^Check that the appliance to which gateway route table Stack\/Edge sends Stack\/Pub's traffic forwards it on/);
  });

  test('one that only inspects another subnet: the NAT gateway\'s replies take the local route, REACHABLE', () => {
    expect(sf(saasBehindNat(edge({ Inspect: route(ref('Edge'), '10.0.9.0/24', { VpcEndpointId: 'vpce-0firewall' }) }))).verdict).toBe('REACHABLE');
  });

  test('a gateway route table described in --facts (gatewayIds, as --from-describe writes it from the table\'s gateway associations): UNKNOWN', () => {
    const facts = { routeTables: [{ id: 'rtb-0edge', vpcId: 'Stack/Vpc', gatewayIds: ['Stack/Igw'], routes: [{ destination: '10.0.2.0/24', target: { kind: 'gateway-load-balancer-endpoint' as const, id: 'vpce-0firewall' } }] }] };
    const m = modelOf(saasResources(), {}, facts);
    expect(sf(m).verdict).toBe('UNKNOWN');
  });

  test('an association whose route table the templates do not resolve: it may be any table, UNKNOWN', () => {
    const m = saasBehindNat(edge({ Inspect: route(ref('Edge'), '10.0.2.0/24', { VpcEndpointId: 'vpce-0firewall' }) }, { 'Fn::ImportValue': 'edge-table' }));
    expect(sf(m).verdict).toBe('UNKNOWN');
  });
});

describe('--from-aws / --from-describe: a route table\'s gateway associations', () => {
  test('DescribeRouteTables lists an association with GatewayId: the facts give the table gatewayIds (a disassociated one is left out)', () => {
    const seed = account();
    const edgeTable = apiRouteTable('rtb-0edge', 'vpc-0glue', { routes: [routeTo('10.0.1.0/24', { GatewayId: 'vpce-0firewall' })] });
    const associations = [
      { Main: false, RouteTableId: 'rtb-0edge', GatewayId: 'igw-0glue', RouteTableAssociationId: 'rtbassoc-1', AssociationState: { State: 'associated' } },
      { Main: false, RouteTableId: 'rtb-0edge', GatewayId: 'igw-0old', RouteTableAssociationId: 'rtbassoc-2', AssociationState: { State: 'disassociated' } },
    ];
    const facts = snapshotToFacts({ ...seed, routeTables: [...seed.routeTables!, { ...edgeTable, Associations: associations }] });
    expect(facts.routeTables!.find((t) => t.id === 'rtb-0edge')?.gatewayIds).toEqual(['igw-0glue']);
    expect(facts.routeTables!.find((t) => t.id === 'rtb-0glue')?.gatewayIds).toBeUndefined();
  });
});

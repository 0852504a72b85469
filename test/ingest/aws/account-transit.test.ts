import { accountOverTransitGateway as overTransitGateway, allTraffic, tcpRule } from './api-builders';
import { buildPlan } from '../../../src/engine';
import { buildModel, parseFacts } from '../../../src/ingest';
import { AccountSnapshot, snapshotToFacts } from '../../../src/ingest/aws';

const factsOf = (snapshot: AccountSnapshot) => parseFacts(snapshotToFacts(snapshot), 'the account');
function warehouse(snapshot: AccountSnapshot) {
  const plan = buildPlan(buildModel([], factsOf(snapshot)), { failover: false });
  const store = plan.jobs[0].dataStores.find((s) => s.connection.name === 'warehouse')!;
  return { verdict: store.verdict, text: JSON.stringify(store) };
}

describe('transit gateways of the account', () => {
  it('are written as facts: the gateway, its attachments (subnets, options) and the route table with associations, propagations and routes', () => {
    const facts = factsOf(overTransitGateway());
    expect(facts.transitGateways).toEqual([{ id: 'tgw-0hub', securityGroupReferencingSupport: false, dnsSupport: true }]);
    expect(facts.transitGatewayAttachments![0]).toEqual({
      id: 'tgw-attach-0glue',
      transitGatewayId: 'tgw-0hub',
      resourceType: 'vpc',
      vpcId: 'vpc-0glue',
      subnetIds: ['subnet-0glue'],
      applianceModeSupport: false,
      dnsSupport: true,
      securityGroupReferencingSupport: false,
    });
    expect(facts.transitGatewayRouteTables).toEqual([{
      id: 'tgw-rtb-0hub',
      transitGatewayId: 'tgw-0hub',
      routes: [{ destination: '10.0.0.0/16', attachmentId: 'tgw-attach-0glue' }, { destination: '10.50.0.0/16', attachmentId: 'tgw-attach-0data' }],
      associations: ['tgw-attach-0glue', 'tgw-attach-0data'],
      propagations: ['tgw-attach-0glue', 'tgw-attach-0data'],
    }]);
  });

  it('the warehouse is REACHABLE over the transit gateway', () => {
    expect(warehouse(overTransitGateway()).verdict).toBe('REACHABLE');
  });

  it('a blackhole route for the data VPC: UNREACHABLE', () => {
    const snapshot = overTransitGateway({ routes: [{ cidr: '10.0.0.0/16', attachment: 'tgw-attach-0glue' }, { cidr: '10.50.0.0/16', type: 'static', blackhole: true }] });
    expect(warehouse(snapshot).verdict).toBe('UNREACHABLE');
  });

  it('the data VPC\'s propagation disabled and no static route for it: UNREACHABLE', () => {
    const snapshot = overTransitGateway({ routes: [{ cidr: '10.0.0.0/16', attachment: 'tgw-attach-0glue' }] });
    const propagations = snapshot.transitGatewayPropagations![0];
    const disabled = { ...propagations, TransitGatewayRouteTablePropagations: propagations.TransitGatewayRouteTablePropagations.map((p: any) => (p.TransitGatewayAttachmentId === 'tgw-attach-0data' ? { ...p, State: 'disabled' } : p)) };
    expect(warehouse({ ...snapshot, transitGatewayPropagations: [disabled] }).verdict).toBe('UNREACHABLE');
  });

  it('the Glue attachment has no subnet in the Glue subnet\'s zone: UNREACHABLE (TGW_ATTACHMENT_AZ)', () => {
    const snapshot = overTransitGateway({ glueSubnets: [] });
    const result = warehouse({ ...snapshot, subnets: [...snapshot.subnets!, { SubnetId: 'subnet-0glueb', VpcId: 'vpc-0glue', CidrBlock: '10.0.2.0/24', AvailabilityZone: 'us-east-1b', AvailableIpAddressCount: 250 }] });
    expect(result.verdict).toBe('UNREACHABLE');
  });

  it('the search returned more routes than it lists: UNKNOWN, never "no route"', () => {
    const snapshot = overTransitGateway({ routes: [{ cidr: '10.0.0.0/16', attachment: 'tgw-attach-0glue' }], more: true });
    expect(warehouse(snapshot).verdict).toBe('UNKNOWN');
  });

  it.each(['transitGatewayRoutes', 'transitGatewayRouteTables', 'transitGatewayAttachments'] as const)('%s not read: the gateway is not described, UNKNOWN', (part) => {
    const snapshot = { ...overTransitGateway(), [part]: undefined };
    expect(factsOf(snapshot).transitGateways).toBeUndefined();
    expect(warehouse(snapshot).verdict).toBe('UNKNOWN');
  });

  describe('security group referencing', () => {
    const byReference = [tcpRule(5432, { group: 'sg-0glue' }), allTraffic({ group: 'sg-0db' })];
    it('the data group admits the Glue group by reference: honoured when the gateway and both attachments enable it', () => {
      expect(warehouse(overTransitGateway({ dbIngress: byReference, referencing: [true, true, true] })).verdict).toBe('REACHABLE');
    });
    it('an attachment that does not enable it: the reference is not honoured, UNREACHABLE', () => {
      expect(warehouse(overTransitGateway({ dbIngress: byReference, referencing: [true, true, false] })).verdict).toBe('UNREACHABLE');
    });
  });
});

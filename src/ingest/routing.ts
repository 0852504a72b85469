import { Cidr, Fact, known, RouteTarget, RouteTargetKind, unknown } from '../model';
import { describeValue, ResourceReader, asRef } from './reader';

/** AWS::EC2::RouteTable. */
export function readRouteTable(r: ResourceReader): void {
  r.model.routeTables.set(r.id, { id: r.id, source: r.source, vpcId: r.requiredId('VpcId'), routes: [], implicitMain: false });
}

/** AWS::EC2::SubnetRouteTableAssociation: the subnet stops using the VPC's main table. */
export function readSubnetRouteTableAssociation(r: ResourceReader): void {
  const subnetId = r.requiredId('SubnetId');
  const routeTableId = r.requiredId('RouteTableId');
  if (!subnetId.known || !routeTableId.known) return;
  const subnet = r.model.subnets.get(subnetId.value);
  if (!subnet) {
    r.issue('SubnetId', `subnet ${subnetId.value} is not described (add it to the facts file)`);
    return;
  }
  r.model.subnets.set(subnet.id, { ...subnet, routeTableId: routeTableId.value });
}

/** Route target properties of AWS::EC2::Route, in the order CloudFormation documents them. */
const TARGET_PROPERTIES: [string, RouteTargetKind][] = [
  ['CarrierGatewayId', 'carrier-gateway'],
  ['CoreNetworkArn', 'core-network'],
  ['EgressOnlyInternetGatewayId', 'egress-only-internet-gateway'],
  ['GatewayId', 'internet-gateway'],
  ['InstanceId', 'instance'],
  ['LocalGatewayId', 'local-gateway'],
  ['NatGatewayId', 'nat-gateway'],
  ['NetworkInterfaceId', 'network-interface'],
  ['TransitGatewayId', 'transit-gateway'],
  ['VpcEndpointId', 'gateway-load-balancer-endpoint'],
  ['VpcPeeringConnectionId', 'vpc-peering'],
];

/** AWS::EC2::Route. IPv6-only routes are not modelled. */
export function readRoute(r: ResourceReader): void {
  if (!r.has('DestinationCidrBlock') && !r.has('DestinationPrefixListId')) return; // IPv6 only
  const routeTableId = r.requiredId('RouteTableId');
  if (!routeTableId.known) return;
  const table = r.model.routeTables.get(routeTableId.value);
  if (!table) {
    r.issue('RouteTableId', `route table ${routeTableId.value} is not described (add it to the facts file)`);
    return;
  }
  const destination: Fact<Cidr> = r.has('DestinationCidrBlock')
    ? r.cidr('DestinationCidrBlock')
    : unknown(`${r.describe()}: destination is prefix list ${describeValue(r.value('DestinationPrefixListId'))} (prefix lists are not modelled)`);
  table.routes.push({ source: r.source, destination, target: routeTarget(r) });
}

function routeTarget(r: ResourceReader): RouteTarget {
  const present = TARGET_PROPERTIES.find(([property]) => r.has(property));
  if (!present) {
    r.issue('target', 'the route has no target property');
    return { kind: 'unknown', description: 'no target' };
  }
  const [property, kindByProperty] = present;
  const value = r.value(property);
  const id = r.idFact(value, property);
  if (!id.known) {
    r.issue(property, id.reason);
    return { kind: kindByProperty === 'internet-gateway' ? 'unknown' : kindByProperty, description: id.reason };
  }
  let kind = kindByProperty;
  if (property === 'GatewayId') kind = gatewayKind(r, value, id.value);
  const ref = asRef(value);
  const description = ref ? `${ref.modelId} (${r.referencedType(value) ?? 'unknown resource'})` : id.value;
  return { kind, targetId: kind === 'local' ? undefined : id.value, description };
}

/** GatewayId names an internet gateway, a virtual private gateway, or `local`. */
function gatewayKind(r: ResourceReader, value: unknown, id: string): RouteTargetKind {
  if (id === 'local') return 'local';
  const type = r.referencedType(value);
  if (type === 'AWS::EC2::InternetGateway' || id.startsWith('igw-')) return 'internet-gateway';
  if (type === 'AWS::EC2::VPNGateway' || id.startsWith('vgw-')) return 'vpn-gateway';
  r.issue('GatewayId', `${id} is neither an internet gateway nor a virtual private gateway`);
  return 'unknown';
}

/** AWS::EC2::NatGateway: public unless ConnectivityType is `private`. */
export function readNatGateway(r: ResourceReader): void {
  r.model.natGateways.set(r.id, {
    id: r.id,
    source: r.source,
    subnetId: r.requiredId('SubnetId'),
    connectivity: r.value('ConnectivityType') === 'private' ? 'private' : 'public',
  });
}

/**
 * AWS::EC2::VPCEndpoint. `com.amazonaws.<region>.s3` is S3, `....dynamodb` DynamoDB; the region part
 * may be a marker, the suffix is what matters. Type defaults to Gateway (CloudFormation reference).
 */
export function readVpcEndpoint(r: ResourceReader): void {
  const serviceName = r.value('ServiceName');
  let service: Fact<string>;
  if (typeof serviceName !== 'string') service = r.stringFact('ServiceName', serviceName);
  else if (serviceName.endsWith('.s3')) service = known('s3');
  else if (serviceName.endsWith('.dynamodb')) service = known('dynamodb');
  else if (/\.secretsmanager$/.test(serviceName) && /^com\.amazonaws\./.test(serviceName)) service = known('secretsmanager');
  else if (serviceName.includes('{{')) service = unknown(`${r.describe()}: its ServiceName is known only at deploy time`);
  else service = known(serviceName);
  const type = r.value('VpcEndpointType');
  r.model.gatewayEndpoints.set(r.id, {
    id: r.id,
    source: r.source,
    vpcId: r.requiredId('VpcId'),
    service,
    type: type === 'Interface' || type === 'GatewayLoadBalancer' ? type : 'Gateway',
    routeTableIds: r.idList(r.value('RouteTableIds'), 'RouteTableIds'),
    // CloudFormation's default for PrivateDnsEnabled is false (the CDK's InterfaceVpcEndpoint writes true).
    ...(type === 'Interface' ? { privateDnsEnabled: r.booleanFact('PrivateDnsEnabled', false) } : {}),
  });
}

/**
 * AWS::EC2::VPCPeeringConnection. Without `PeerRoleArn`, CloudFormation cannot accept a peering in
 * another account: it stays pending-acceptance. [our choice] When either account is unknown, a set
 * PeerOwnerId is taken as another account. DNS resolution options cannot be set by CloudFormation;
 * the `cdk-glue-netplan:peering-dns` metadata (written by our VpcPeering construct) states them.
 */
export function readPeering(r: ResourceReader): void {
  const accepterVpcId = r.requiredId('PeerVpcId');
  const optional = (property: string) => (r.has(property) ? r.stringFact(property) : undefined);
  const peerOwnerId = optional('PeerOwnerId');
  const peerRoleArn = optional('PeerRoleArn');
  const sameAccount = peerOwnerId === undefined
    || (peerOwnerId.known && r.input.account !== undefined && peerOwnerId.value === r.input.account);
  const dns = r.metadata('cdk-glue-netplan:peering-dns') as Record<string, unknown> | undefined;
  const dnsFact = (side: 'Requester' | 'Accepter'): Fact<boolean> => (typeof dns?.[side] === 'boolean'
    ? known(dns[side] as boolean)
    : unknown(`${r.describe()}: CloudFormation cannot set peering DNS options`));
  r.model.peerings.set(r.id, {
    id: r.id,
    source: r.source,
    requesterVpcId: r.requiredId('VpcId'),
    accepterVpcId: accepterVpcId.known && !r.model.vpcs.has(accepterVpcId.value)
      ? unknown(`accepter VPC ${accepterVpcId.value} is outside the model (describe it in the facts file)`)
      : accepterVpcId,
    ...(r.has('PeerRegion') ? { peerRegion: r.stringFact('PeerRegion') } : {}),
    ...(peerOwnerId ? { peerOwnerId } : {}),
    ...(peerRoleArn ? { peerRoleArn } : {}),
    state: !sameAccount && !peerRoleArn ? 'pending-acceptance' : 'active',
    allowDnsResolutionFromRequester: dnsFact('Requester'),
    allowDnsResolutionFromAccepter: dnsFact('Accepter'),
  });
}

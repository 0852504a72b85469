import { EntrylessPrefixListRoute, Fact, known, NatGateway, NetworkModel, PrefixListWeight, Route, RouteTable, RouteTarget, RouteTargetKind, Subnet, unknown } from '../model';
import { isUnresolved } from './intrinsics';
import { prefixListReference } from './prefix-lists';
import { describeValue, ResourceReader, asRef } from './reader';
import { isObject } from './template';

/** AWS::EC2::RouteTable. */
export function readRouteTable(r: ResourceReader): void {
  r.model.routeTables.set(r.id, { id: r.id, source: r.source, vpcId: r.requiredId('VpcId'), routes: [], implicitMain: false });
}

/** AWS::EC2::SubnetRouteTableAssociation: the subnet stops using the VPC's main table. */
export function readSubnetRouteTableAssociation(r: ResourceReader): void {
  const routeTableId = r.requiredId('RouteTableId');
  const table = routeTableId.known ? r.model.routeTables.get(routeTableId.value) : undefined;
  associate(r, 'RouteTableId', routeTableId, table?.vpcId, (subnet, tableId) => ({ ...subnet, routeTableId: tableId }),
    (subnet, reason) => ({ ...subnet, routeTableUnresolved: reason }));
}

/**
 * AWS::EC2::GatewayRouteTableAssociation: the table routes the traffic that enters the VPC
 * through an internet gateway or virtual private gateway (VPC User Guide, "Gateway route
 * tables"). One whose table cannot be resolved may be any table; one that may not exist, or
 * whose gateway cannot be resolved, may be of any gateway.
 */
export function readGatewayRouteTableAssociation(r: ResourceReader): void {
  const routeTableId = r.requiredId('RouteTableId');
  const gatewayId = r.requiredId('GatewayId');
  const gateway = r.uncertain ? unknown<string>(`${r.describe()} may not exist (${r.uncertain})`) : gatewayId;
  const table = routeTableId.known ? r.model.routeTables.get(routeTableId.value) : undefined;
  if (routeTableId.known && !table) {
    r.issue('RouteTableId', `route table ${routeTableId.value} is not described (add it to the facts file)`);
    return;
  }
  const tables = table ? [table] : [...r.model.routeTables.values()];
  const fact = table ? gateway : unknown<string>(`${r.describe()} associates a route table the templates do not resolve with ${gatewayId.known ? gatewayId.value : 'a gateway'}`);
  for (const t of tables) r.model.routeTables.set(t.id, { ...t, edgeGateways: [...(t.edgeGateways ?? []), fact] });
}

/**
 * Applies a subnet association (route table or network ACL). When the association may not
 * exist, or its table or subnet cannot be resolved, the subnets it may concern get an unknown
 * association instead of none (which would mean the VPC's main table or default ACL): a subnet
 * the templates do not resolve may be any subnet of the table's VPC (of any VPC when that is
 * unknown too).
 */
export function associate(r: ResourceReader, tableProperty: string, tableId: Fact<string>, tableVpcId: Fact<string> | undefined,
  associated: (subnet: Subnet, tableId: string) => Subnet, unresolvedAssociation: (subnet: Subnet, reason: string) => Subnet): void {
  const subnetId = r.requiredId('SubnetId');
  const doubt = r.uncertain ?? (tableId.known ? undefined : `${r.describe()}: ${tableProperty} cannot be resolved (${tableId.reason})`);
  if (subnetId.known) {
    const subnet = r.model.subnets.get(subnetId.value);
    if (!subnet) {
      r.issue('SubnetId', `subnet ${subnetId.value} is not described (add it to the facts file)`);
      return;
    }
    r.model.subnets.set(subnet.id, doubt || !tableId.known ? unresolvedAssociation(subnet, doubt!) : associated(subnet, tableId.value));
    return;
  }
  const reason = `${r.describe()} associates a subnet the templates do not resolve (${subnetId.reason})${doubt ? `; ${doubt}` : ''}`;
  for (const subnet of [...r.model.subnets.values()]) {
    const sameVpc = !tableVpcId?.known || !subnet.vpcId.known || subnet.vpcId.value === tableVpcId.value;
    if (sameVpc) r.model.subnets.set(subnet.id, unresolvedAssociation(subnet, reason));
  }
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

/**
 * AWS::EC2::Route. IPv6-only routes are not modelled. A route whose table cannot be resolved may
 * be in any table: it is added to every table as uncertain (it decides nothing, and makes unknown
 * what it could change); so is a route that may not exist (undecided `Condition`).
 */
export function readRoute(r: ResourceReader): void {
  if (!r.has('DestinationCidrBlock') && !r.has('DestinationPrefixListId')) return; // IPv6 only
  const routeTableId = r.requiredId('RouteTableId');
  const table = routeTableId.known ? r.model.routeTables.get(routeTableId.value) : undefined;
  if (routeTableId.known && !table) {
    r.issue('RouteTableId', `route table ${routeTableId.value} is not described (add it to the facts file)`);
    return;
  }
  const target = routeTarget(r);
  const { routes, weight, entryless } = r.has('DestinationCidrBlock')
    ? { routes: [{ source: r.source, destination: r.cidr('DestinationCidrBlock'), target }] }
    : prefixListRoutes(r, target);
  if (table) {
    for (const route of routes) table.routes.push(r.uncertain ? { ...route, uncertain: r.uncertain } : route);
    if (weight) addWeight(table, r.uncertain ? { ...weight, uncertain: r.uncertain } : weight);
    if (entryless) addEntryless(table, r.uncertain ? { ...entryless, uncertain: r.uncertain } : entryless);
    return;
  }
  const uncertain = `${r.describe()} may be in this table: its RouteTableId cannot be resolved (${routeTableId.known ? '' : routeTableId.reason})`;
  for (const any of r.model.routeTables.values()) {
    for (const route of routes) any.routes.push({ ...route, uncertain });
    if (weight) addWeight(any, { ...weight, uncertain });
    if (entryless) addEntryless(any, { ...entryless, uncertain });
  }
}

function addEntryless(table: RouteTable, route: EntrylessPrefixListRoute): void {
  if (table.entrylessPrefixListRoutes) table.entrylessPrefixListRoutes.push(route);
  else (table as { entrylessPrefixListRoutes?: EntrylessPrefixListRoute[] }).entrylessPrefixListRoutes = [route];
}

function addWeight(table: RouteTable, weight: PrefixListWeight): void {
  if (table.prefixListWeights) table.prefixListWeights.push(weight);
  else (table as { prefixListWeights?: PrefixListWeight[] }).prefixListWeights = [weight];
}

/**
 * A route to a prefix list: one route per entry of a list the templates define (none for an
 * IPv6 list), one route of unknown destination per entry they do not resolve; one route of
 * unknown destination for a list they do not define (`pl-...`: AWS-managed, or created elsewhere).
 */
function prefixListRoutes(r: ResourceReader, target: RouteTarget): { routes: Route[]; weight?: PrefixListWeight; entryless?: EntrylessPrefixListRoute } {
  const value = r.value('DestinationPrefixListId');
  const reference = prefixListReference(r, value, 'DestinationPrefixListId');
  if (reference.kind !== 'defined') {
    const reason = reference.kind === 'id' ? `${r.describe()}: destination is prefix list ${reference.id}, whose entries the inputs do not hold` : reference.reason;
    const prefixList = reference.kind === 'id' ? reference.id : describeValue(value);
    const weight = unknown<number>(reference.kind === 'id'
      ? 'not defined by the templates: its maximum entries are not in the inputs'
      : reason);
    const route: Route = { source: r.source, destination: unknown(reason), target, prefixList, ...(reference.kind === 'id' ? {} : { prefixListUnresolved: true as const }) };
    return { routes: [route], weight: { source: r.source, prefixList, weight } };
  }
  const contents = reference.contents;
  const prefixList = reference.id;
  const weight: PrefixListWeight = { source: r.source, prefixList, weight: reference.weight };
  if (contents.kind === 'unknown') return { routes: [{ source: r.source, destination: unknown(`${r.describe()}: destination is prefix list ${prefixList}: ${contents.reason}`), target, prefixList }], weight };
  // The routes quota is enforced apart for IPv4 and IPv6 routes: an IPv6 list weighs nothing here.
  // (A list that stands for no IPv4 route, IPv6 or without entries, is kept apart for drift.)
  const entryless = contents.kind === 'ipv6' || contents.cidrs.length + contents.unresolved.length === 0 ? { source: r.source, prefixList, target } : undefined;
  if (contents.kind === 'ipv6') return { routes: [], entryless };
  return {
    ...(entryless ? { entryless } : {}),
    routes: [
      ...contents.cidrs.map((cidr): Route => ({ source: r.source, destination: known(cidr), target, prefixList })),
      ...contents.unresolved.map((reason): Route => ({ source: r.source, destination: unknown(`${r.describe()}: an entry of prefix list ${prefixList}: ${reason}`), target, prefixList })),
    ],
    weight,
  };
}

/**
 * Route priority between routes to the same CIDR (VPC User Guide, "How route priority works"):
 * a static route wins over a route to a prefix list, so such a prefix list route never applies
 * and goes; which of two prefix list routes to the same CIDR with different targets applies is
 * not documented, so both become uncertain (the answer there is UNKNOWN).
 */
export function settlePrefixListRoutes(model: NetworkModel): void {
  for (const table of model.routeTables.values()) {
    if (!table.routes.some((route) => route.prefixList !== undefined && route.destination.known)) continue;
    const staticDestinations = new Set<string>();
    const byDestination = new Map<string, Route[]>();
    for (const route of table.routes) {
      if (!route.destination.known) continue;
      if (route.prefixList === undefined) {
        if (!route.uncertain) staticDestinations.add(route.destination.value.text);
        continue;
      }
      const same = byDestination.get(route.destination.value.text);
      if (same) same.push(route);
      else byDestination.set(route.destination.value.text, [route]);
    }
    const undecided = new Map<Route, string>();
    for (const [destination, routes] of byDestination) {
      if (staticDestinations.has(destination)) continue;
      const targets = new Set(routes.map((route) => `${route.target.kind}|${route.target.targetId ?? route.target.description}`));
      if (targets.size < 2) continue;
      const lists = [...new Set(routes.map((route) => route.prefixList))].join(', ');
      for (const route of routes) {
        undecided.set(route, `routes to prefix lists ${lists} in ${table.id} both hold ${destination}, to different targets: which one applies is not documented by AWS`);
      }
    }
    const settled = table.routes.flatMap((route) => {
      if (route.prefixList === undefined || !route.destination.known) return [route];
      if (staticDestinations.has(route.destination.value.text)) return [];
      const doubt = undecided.get(route);
      return doubt ? [{ ...route, uncertain: route.uncertain ? `${route.uncertain}; ${doubt}` : doubt }] : [route];
    });
    table.routes.splice(0, table.routes.length, ...settled);
  }
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
  const addresses = r.uncertain ? undefined : natAddresses(r);
  r.model.natGateways.set(r.id, {
    id: r.id,
    source: r.source,
    subnetId: r.requiredId('SubnetId'),
    connectivity: natConnectivity(r),
    ...addresses ? { privateAddresses: addresses } : {},
  });
}

/**
 * The private addresses a NAT gateway takes in its subnet: its network interface's primary one
 * ("This action creates a network interface in the specified subnet with a private IP address from
 * the IP address range of the subnet": EC2 API, CreateNatGateway,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNatGateway.html), plus its
 * secondary ones: a private NAT gateway's (`SecondaryPrivateIpAddresses`, or
 * `SecondaryPrivateIpAddressCount`), and a public NAT gateway's, one for each secondary Elastic IP
 * (`SecondaryAllocationIds`: EC2 pairs each EIP of a public NAT gateway with a private address of
 * it, "Associates Elastic IP addresses (EIPs) and private IPv4 addresses with a public NAT gateway":
 * EC2 API, AssociateNatGatewayAddress,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateNatGatewayAddress.html). The
 * most of these; a count or list not resolved adds none (the fewest).
 */
function natAddresses(r: ResourceReader): number {
  const listed = (property: string): number => {
    const list = r.value(property);
    return Array.isArray(list) ? list.length : 0;
  };
  const count = r.has('SecondaryPrivateIpAddressCount') ? r.numberFact('SecondaryPrivateIpAddressCount') : undefined;
  const counted = count?.known && Number.isInteger(count.value) && count.value > 0 ? count.value : 0;
  return 1 + Math.max(listed('SecondaryPrivateIpAddresses'), listed('SecondaryAllocationIds'), counted);
}

function natConnectivity(r: ResourceReader): NatGateway['connectivity'] {
  const value = r.value('ConnectivityType');
  if (value === undefined || value === 'public') return 'public';
  if (value === 'private') return 'private';
  r.issue('ConnectivityType', `${describeValue(value)} is neither public nor private: whether the NAT gateway reaches the internet is unknown`);
  return 'unknown';
}

/** `com.amazonaws.<marker>.<service>`: an AWS service (not a `vpce.` endpoint service) in a Region known at deploy time. */
const AWS_SERVICE_IN_SOME_REGION = /^com\.amazonaws\.(?!vpce\.)(?:[a-z0-9-]*\{\{[^}]*\}\}[a-z0-9-]*)\.[a-z0-9.-]+$/;

/**
 * AWS::EC2::VPCEndpoint. `com.amazonaws.<region>.s3` is S3, `....dynamodb` DynamoDB; the region part
 * may be a marker, the suffix is what matters. Type defaults to Gateway (CloudFormation reference).
 */
export function readVpcEndpoint(r: ResourceReader): void {
  const serviceName = r.value('ServiceName');
  const type = r.value('VpcEndpointType');
  let service: Fact<string>;
  // Resource and service-network endpoints name no service: they reach a VPC Lattice resource
  // configuration or service network (ResourceConfigurationArn, ServiceNetworkArn).
  if (serviceName === undefined && (type === 'Resource' || type === 'ServiceNetwork')) service = known(LATTICE_TARGET[type]);
  else if (typeof serviceName !== 'string') service = r.stringFact('ServiceName', serviceName);
  else if (serviceName.endsWith('.s3')) service = known('s3');
  else if (serviceName.endsWith('.dynamodb')) service = known('dynamodb');
  else if (/\.secretsmanager$/.test(serviceName) && /^com\.amazonaws\./.test(serviceName)) service = known('secretsmanager');
  else if (/\.kms$/.test(serviceName) && /^com\.amazonaws\./.test(serviceName)) service = known('kms');
  // An AWS service whose Region is known only at deploy time (an environment-agnostic stack's
  // `com.amazonaws.${AWS::Region}.logs`): which service it is, is known.
  else if (AWS_SERVICE_IN_SOME_REGION.test(serviceName)) service = known(serviceName.replace(/\{\{[^}]*\}\}/g, '<region>'));
  else if (serviceName.includes('{{')) service = unknown(`${r.describe()}: its ServiceName is known only at deploy time`);
  else service = known(serviceName);
  const knownType = type === undefined || type === 'Gateway' || type === 'Interface' || type === 'GatewayLoadBalancer' || type === 'Resource' || type === 'ServiceNetwork';
  if (!knownType) r.issue('VpcEndpointType', `${describeValue(type)} is not an endpoint type: whether it is a gateway endpoint is unknown`);
  const uncertain = r.uncertain ?? (knownType ? undefined : `${r.describe()}: VpcEndpointType ${describeValue(type)} cannot be resolved`);
  const tables = routeTableList(r);
  r.model.gatewayEndpoints.set(r.id, {
    id: r.id,
    source: r.source,
    vpcId: r.requiredId('VpcId'),
    service,
    type: type === 'Interface' || type === 'GatewayLoadBalancer' || type === 'Resource' || type === 'ServiceNetwork' ? type : 'Gateway',
    routeTableIds: tables.ids,
    ...(uncertain ? { uncertain } : {}),
    ...(tables.unresolved ? { routeTablesUnresolved: tables.unresolved } : {}),
    // CloudFormation's default for PrivateDnsEnabled is false (the CDK's InterfaceVpcEndpoint writes true).
    ...(type === 'Interface' ? { privateDnsEnabled: r.booleanFact('PrivateDnsEnabled', false), ...interfaceNetwork(r) } : {}),
    // A Gateway Load Balancer endpoint's one subnet, where its network interface takes an address.
    ...(type === 'GatewayLoadBalancer' ? { subnetIds: endpointSubnets(r) } : {}),
    // A resource or service-network endpoint's network interfaces, in its subnets.
    ...(type === 'Resource' || type === 'ServiceNetwork' ? { subnetIds: endpointSubnets(r) } : {}),
  });
}

/** What a resource or service-network endpoint reaches, in words (its `service`). */
const LATTICE_TARGET = { Resource: 'a VPC Lattice resource configuration', ServiceNetwork: 'a VPC Lattice service network' } as const;

/**
 * The subnets of an endpoint's network interfaces (`SubnetIds`): an interface endpoint's, or a
 * Gateway Load Balancer endpoint's single one ("We create an endpoint network interface in the
 * subnet. An endpoint network interface is assigned a private IP address from the IP address range
 * of your subnet": AWS PrivateLink, "Gateway Load Balancer endpoints",
 * https://docs.aws.amazon.com/vpc/latest/privatelink/vpce-gateway-load-balancer.html).
 */
function endpointSubnets(r: ResourceReader): Fact<string[]> {
  if (!r.has('SubnetIds')) return known([]);
  const fact = r.idListFact(r.value('SubnetIds'), 'SubnetIds');
  if (!fact.known) r.issue('SubnetIds', fact.reason);
  return fact;
}

/**
 * An interface endpoint's security groups and subnets. Without `SecurityGroupIds`, EC2 gives its
 * network interfaces the VPC's default security group (EC2 API, CreateVpcEndpoint).
 */
function interfaceNetwork(r: ResourceReader): { securityGroupIds: Fact<string[]>; subnetIds: Fact<string[]> } {
  let securityGroupIds: Fact<string[]>;
  if (r.has('SecurityGroupIds')) {
    securityGroupIds = r.idListFact(r.value('SecurityGroupIds'), 'SecurityGroupIds');
    if (!securityGroupIds.known) r.issue('SecurityGroupIds', securityGroupIds.reason);
  } else {
    const vpcId = r.idFact(r.value('VpcId'), 'VpcId');
    securityGroupIds = vpcId.known ? known([`${vpcId.value}#default-sg`]) : unknown(`${r.describe()} has no SecurityGroupIds, so it uses its VPC's default group, and its VPC cannot be resolved`);
  }
  return { securityGroupIds, subnetIds: endpointSubnets(r) };
}

/** `RouteTableIds`: the ids resolved, and why the others (or the whole list) are not. */
function routeTableList(r: ResourceReader): { ids: string[]; unresolved?: string } {
  const value = r.value('RouteTableIds');
  if (value === undefined) return { ids: [] };
  const items = Array.isArray(value) ? value : [value];
  const ids: string[] = [];
  let unresolved: string | undefined;
  items.forEach((item, index) => {
    const id = r.idFact(item, `RouteTableIds[${index}]`);
    if (id.known) ids.push(id.value);
    else unresolved ??= `${r.describe()}: RouteTableIds${Array.isArray(value) ? `[${index}]` : ''} cannot be resolved (${id.reason})`;
  });
  if (unresolved) r.issue('RouteTableIds', `${unresolved}; the endpoint may be on any route table of its VPC`);
  return { ids, ...(unresolved ? { unresolved } : {}) };
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
  // `PeerOwnerId: !Ref AWS::AccountId` is the requester's own account, known or not.
  const ownAccount = isObject(r.resource.Properties) && isObject(r.resource.Properties.PeerOwnerId)
    && r.resource.Properties.PeerOwnerId.Ref === 'AWS::AccountId';
  const sameAccount: boolean | undefined = peerOwnerId === undefined || ownAccount ? true
    : !peerOwnerId.known || r.input.account === undefined ? undefined
      : peerOwnerId.value === r.input.account;
  let unknownState = r.uncertain;
  if (sameAccount === undefined && !peerRoleArn) {
    unknownState ??= peerOwnerId?.known
      ? `stack ${r.input.stackName} is environment-agnostic, so whether PeerOwnerId ${peerOwnerId.value} is another account (then the peering waits for acceptance without PeerRoleArn) is unknown`
      : `PeerOwnerId cannot be resolved (${peerOwnerId && !peerOwnerId.known ? peerOwnerId.reason : ''}), so whether the peering needs an accepter role is unknown`;
    r.issue('PeerOwnerId', unknownState);
  }
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
    ...(unknownState ? { state: 'unknown' as const, unknownState } : { state: sameAccount === false && !peerRoleArn ? 'pending-acceptance' as const : 'active' as const }),
    allowDnsResolutionFromRequester: dnsFact('Requester'),
    allowDnsResolutionFromAccepter: dnsFact('Accepter'),
  });
}

/**
 * AWS::Route53::HostedZone with `VPCs`: a private hosted zone, which makes the names under it
 * resolve as its records say inside those VPCs (Route 53, "Working with private hosted zones",
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zones-private.html). A zone
 * without `VPCs` is public and changes nothing inside a VPC.
 */
export function readPrivateHostedZone(r: ResourceReader): void {
  // A zone whose Condition cannot be decided may exist: kept, marked (it may change the names).
  if (!r.has('VPCs')) return;
  const vpcs = r.value('VPCs');
  let vpcIds: Fact<string[]>;
  if (Array.isArray(vpcs)) {
    const ids = vpcs.map((item, index) => r.idFact(isObject(item) && !isUnresolved(item) ? item.VPCId : item, `VPCs[${index}].VPCId`));
    const missing = ids.find((id) => !id.known);
    vpcIds = missing && !missing.known ? unknown(missing.reason) : known(ids.map((id) => (id as { value: string }).value));
  } else {
    vpcIds = unknown(`${r.describe()}: VPCs ${isUnresolved(vpcs) ? `cannot be resolved (${vpcs.reason})` : 'is not a list'}`);
  }
  const name = r.stringFact('Name');
  const zones = r.model.privateHostedZones;
  zones?.set(r.id, {
    id: r.id, source: r.source, name: name.known ? known(name.value.toLowerCase().replace(/\.$/, '')) : name, vpcIds, ...r.uncertain ? { uncertain: r.uncertain } : {},
  });
}


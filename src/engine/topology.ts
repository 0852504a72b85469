import {
  Cidr, Fact, GatewayEndpoint, NetworkAcl, NetworkModel, RouteTable, SecurityGroup, Subnet, SymbolicZone,
  TransitGatewayAttachment, Vpc, VpcPeeringConnection,
} from '../model';
import { known, unknown } from '../model/fact';

/**
 * Lookups over a model, indexed once. Every question the engine asks about the topology goes
 * through here, so no hop scans the whole model.
 */
export class Topology {
  private readonly endpointsByRouteTable = new Map<string, GatewayEndpoint[]>();
  /** Endpoints that may be on a table (their existence or their tables are unresolved). */
  private readonly possibleEndpointsByRouteTable = new Map<string, GatewayEndpoint[]>();
  private readonly attachmentsByTgwVpc = new Map<string, TransitGatewayAttachment[]>();
  private readonly peeringsByVpc = new Map<string, VpcPeeringConnection[]>();
  /**
   * Subnets with a known CIDR, by prefix length, then by network address (CIDRs are aligned):
   * an address lies in exactly one block of each length, so a lookup costs one probe per
   * prefix length in use, whatever the number of subnets.
   */
  private readonly subnetsByPrefix = new Map<number, Map<number, Subnet[]>>();
  /** Model order of the subnets with a known CIDR, so lookups keep it. */
  private readonly subnetOrder = new Map<Subnet, number>();
  /**
   * Per-subnet answers, computed on first use: every path and every candidate asks them again.
   * The model is not changed after the topology is built (a remedy builds a new model and a new
   * topology), so they cannot go stale.
   */
  private readonly vpcBySubnet = new Map<Subnet, Fact<Vpc>>();
  private readonly routeTableBySubnet = new Map<Subnet, Fact<RouteTable>>();
  private readonly networkAclBySubnet = new Map<Subnet, Fact<NetworkAcl>>();
  /** The symbolic zones (`Fn::GetAZs`) of the subnets and connections, by symbol. */
  readonly symbolicZones = new Map<string, SymbolicZone>();
  private subnetCidrsByVpc?: Map<string, Cidr[]>;
  private edgeTables?: RouteTable[];

  constructor(public readonly model: NetworkModel) {
    for (const endpoint of model.gatewayEndpoints.values()) {
      const listed = endpoint.uncertain ? this.possibleEndpointsByRouteTable : this.endpointsByRouteTable;
      for (const rt of endpoint.routeTableIds) push(listed, rt, endpoint);
      if (endpoint.routeTablesUnresolved) {
        for (const table of model.routeTables.values()) {
          const sameVpc = !endpoint.vpcId.known || !table.vpcId.known || endpoint.vpcId.value === table.vpcId.value;
          if (sameVpc && !endpoint.routeTableIds.includes(table.id)) push(this.possibleEndpointsByRouteTable, table.id, endpoint);
        }
      }
    }
    for (const att of model.transitGatewayAttachments.values()) {
      if (att.vpcId.known) push(this.attachmentsByTgwVpc, `${att.transitGatewayId}|${att.vpcId.value}`, att);
    }
    for (const pcx of model.peerings.values()) {
      if (pcx.requesterVpcId.known) push(this.peeringsByVpc, pcx.requesterVpcId.value, pcx);
      if (pcx.accepterVpcId.known && pcx.accepterVpcId.value !== (pcx.requesterVpcId.known ? pcx.requesterVpcId.value : undefined)) {
        push(this.peeringsByVpc, pcx.accepterVpcId.value, pcx);
      }
    }
    for (const connection of model.connections.values()) {
      if (connection.symbolicZone) this.symbolicZones.set(connection.symbolicZone.symbol, connection.symbolicZone);
    }
    for (const subnet of model.subnets.values()) {
      if (subnet.symbolicZone) this.symbolicZones.set(subnet.symbolicZone.symbol, subnet.symbolicZone);
      if (!subnet.cidr.known) continue;
      this.subnetOrder.set(subnet, this.subnetOrder.size);
      const { prefixLength, first } = subnet.cidr.value;
      let byNetwork = this.subnetsByPrefix.get(prefixLength);
      if (!byNetwork) this.subnetsByPrefix.set(prefixLength, byNetwork = new Map());
      push(byNetwork, first, subnet);
    }
  }

  subnet(id: string): Subnet | undefined {
    return this.model.subnets.get(id);
  }

  vpc(id: string): Vpc | undefined {
    return this.model.vpcs.get(id);
  }

  /** The VPC of a subnet, or the reason it is not known. */
  vpcOfSubnet(subnet: Subnet): Fact<Vpc> {
    let vpc = this.vpcBySubnet.get(subnet);
    if (!vpc) this.vpcBySubnet.set(subnet, vpc = this.findVpcOfSubnet(subnet));
    return vpc;
  }

  private findVpcOfSubnet(subnet: Subnet): Fact<Vpc> {
    if (!subnet.vpcId.known) return unknown(subnet.vpcId.reason);
    const vpc = this.vpc(subnet.vpcId.value);
    return vpc ? known(vpc) : unknown(`VPC ${subnet.vpcId.value} of subnet ${subnet.id} is not described by the templates or facts`);
  }

  /** The gateway route tables (associated with an internet or virtual private gateway), in model order. */
  edgeRouteTables(): RouteTable[] {
    this.edgeTables ??= [...this.model.routeTables.values()].filter((table) => table.edgeGateways !== undefined);
    return this.edgeTables;
  }

  /** The known CIDRs of a VPC's subnets: addresses certainly inside the VPC. */
  subnetCidrsOf(vpcId: string): Cidr[] {
    if (!this.subnetCidrsByVpc) {
      this.subnetCidrsByVpc = new Map();
      for (const subnet of this.model.subnets.values()) {
        if (subnet.vpcId.known && subnet.cidr.known) push(this.subnetCidrsByVpc, subnet.vpcId.value, subnet.cidr.value);
      }
    }
    return this.subnetCidrsByVpc.get(vpcId) ?? [];
  }

  vpcCidrs(vpc: Vpc): Cidr[] {
    return vpc.cidrBlocks.known ? vpc.cidrBlocks.value : [];
  }

  /** Explicit association, else the VPC's main route table. */
  effectiveRouteTable(subnet: Subnet): Fact<RouteTable> {
    let table = this.routeTableBySubnet.get(subnet);
    if (!table) this.routeTableBySubnet.set(subnet, table = this.findRouteTable(subnet));
    return table;
  }

  private findRouteTable(subnet: Subnet): Fact<RouteTable> {
    if (subnet.ipv6Only) return unknown(`the route table of subnet ${subnet.id} does not carry its traffic as traced: ${subnet.ipv6Only} (its traffic follows the IPv6 routes of ${subnet.routeTableId ?? 'its route table'})`);
    if (subnet.routeTableId) {
      const rt = this.model.routeTables.get(subnet.routeTableId);
      return rt ? known(rt) : unknown(`route table ${subnet.routeTableId} of subnet ${subnet.id} is not described`);
    }
    if (subnet.routeTableUnresolved) return unknown(`the route table of subnet ${subnet.id} is unknown: ${subnet.routeTableUnresolved}`);
    const vpc = this.vpcOfSubnet(subnet);
    if (!vpc.known) return unknown(vpc.reason);
    const main = this.model.routeTables.get(vpc.value.mainRouteTableId);
    return main ? known(main) : unknown(`main route table of ${vpc.value.id} is not described`);
  }

  /** Explicit association, else the VPC's default network ACL. */
  effectiveNetworkAcl(subnet: Subnet): Fact<NetworkAcl> {
    let acl = this.networkAclBySubnet.get(subnet);
    if (!acl) this.networkAclBySubnet.set(subnet, acl = this.findNetworkAcl(subnet));
    return acl;
  }

  private findNetworkAcl(subnet: Subnet): Fact<NetworkAcl> {
    if (subnet.ipv6Only) return unknown(`the network ACL of subnet ${subnet.id} does not filter its traffic as traced: ${subnet.ipv6Only} (its traffic meets the IPv6 entries of ${subnet.networkAclId ?? 'its network ACL'})`);
    if (subnet.networkAclId) {
      const acl = this.model.networkAcls.get(subnet.networkAclId);
      return acl ? known(acl) : unknown(`network ACL ${subnet.networkAclId} of subnet ${subnet.id} is not described`);
    }
    if (subnet.networkAclUnresolved) return unknown(`the network ACL of subnet ${subnet.id} is unknown: ${subnet.networkAclUnresolved}`);
    const vpc = this.vpcOfSubnet(subnet);
    if (!vpc.known) return unknown(vpc.reason);
    const acl = this.model.networkAcls.get(vpc.value.defaultNetworkAclId);
    return acl ? known(acl) : unknown(`default network ACL of ${vpc.value.id} is not described`);
  }

  gatewayEndpointsOn(routeTableId: string): GatewayEndpoint[] {
    return this.endpointsByRouteTable.get(routeTableId) ?? [];
  }

  /** Endpoints that may or may not be on a table (see `GatewayEndpoint.uncertain`). */
  possibleGatewayEndpointsOn(routeTableId: string): GatewayEndpoint[] {
    return this.possibleEndpointsByRouteTable.get(routeTableId) ?? [];
  }

  securityGroup(id: string): SecurityGroup | undefined {
    return this.model.securityGroups.get(id);
  }

  peeringsOf(vpcId: string): VpcPeeringConnection[] {
    return this.peeringsByVpc.get(vpcId) ?? [];
  }

  /** The active-or-not peering that joins two VPCs, if any. */
  peeringBetween(a: string, b: string): VpcPeeringConnection | undefined {
    return this.peeringsOf(a).find((p) => otherSide(p, a) === b);
  }

  attachmentsOf(transitGatewayId: string, vpcId: string): TransitGatewayAttachment[] {
    return this.attachmentsByTgwVpc.get(`${transitGatewayId}|${vpcId}`) ?? [];
  }

  /** Subnets whose CIDR contains an address (for stores addressed by IP literal). */
  subnetsContaining(address: number): Subnet[] {
    const found: Subnet[] = [];
    for (const [prefixLength, byNetwork] of this.subnetsByPrefix) {
      const size = 2 ** (32 - prefixLength);
      const subnets = byNetwork.get(address - (address % size));
      if (subnets) found.push(...subnets);
    }
    return found.length > 1 ? found.sort((a, b) => this.subnetOrder.get(a)! - this.subnetOrder.get(b)!) : found;
  }

  regionOf(vpc: Vpc): string | undefined {
    return vpc.region.known ? vpc.region.value : undefined;
  }
}

/** The VPC on the other side of a peering from `vpcId`, when known. */
export function otherSide(pcx: VpcPeeringConnection, vpcId: string): string | undefined {
  const requester = pcx.requesterVpcId.known ? pcx.requesterVpcId.value : undefined;
  const accepter = pcx.accepterVpcId.known ? pcx.accepterVpcId.value : undefined;
  if (requester === vpcId) return accepter;
  if (accepter === vpcId) return requester;
  return undefined;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

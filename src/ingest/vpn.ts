import { addOpening } from './openings';
import { ResourceReader } from './reader';
import { describeSource } from '../engine/open-ended';
import { NetworkModel, SourceRef } from '../model';

/**
 * Virtual private gateways and Site-to-Site VPN: the routes they put in VPC route tables are
 * learned at run time (BGP, or the VPN connection's static routes) and never listed by the
 * templates. A route table that receives them is open-ended: a destination without a listed
 * route may be behind the VPN (UNKNOWN, never UNREACHABLE).
 */
export interface VpnState {
  /** Gateways attached to each VPC (model ids), with the attachment resource. */
  readonly gatewaysByVpc: Map<string, { gateway: string; source: SourceRef }[]>;
  /** Route tables that gateways propagate into. */
  readonly propagations: { gateway: string; routeTableIds: string[]; source: SourceRef }[];
  /** VPN connections by model id: their gateway (virtual private or transit). */
  readonly connections: Map<string, { vpnGateway?: string; transitGateway?: string; source: SourceRef }>;
  /** Static routes of VPN connections. */
  readonly routes: { connection: string; destination: string; source: SourceRef }[];
}

/** AWS::EC2::VPCGatewayAttachment: with `VpnGatewayId`, the gateway is attached to the VPC. */
export function readVpnGatewayAttachment(r: ResourceReader, vpn: VpnState): void {
  if (!r.has('VpnGatewayId')) return; // an internet gateway attachment
  const vpcId = r.requiredId('VpcId');
  const gateway = r.requiredId('VpnGatewayId');
  if (!vpcId.known) return;
  const list = vpn.gatewaysByVpc.get(vpcId.value) ?? [];
  list.push({ gateway: gateway.known ? gateway.value : 'a virtual private gateway', source: r.source });
  vpn.gatewaysByVpc.set(vpcId.value, list);
}

/** AWS::EC2::VPNGatewayRoutePropagation. */
export function readVpnRoutePropagation(r: ResourceReader, vpn: VpnState): void {
  const gateway = r.idFact(r.value('VpnGatewayId'), 'VpnGatewayId');
  const routeTableIds = r.idList(r.value('RouteTableIds'), 'RouteTableIds');
  vpn.propagations.push({ gateway: gateway.known ? gateway.value : 'a virtual private gateway', routeTableIds, source: r.source });
}

/** AWS::EC2::VPNConnection: to a virtual private gateway or a transit gateway. */
export function readVpnConnection(r: ResourceReader, vpn: VpnState): void {
  const vpnGateway = r.has('VpnGatewayId') ? r.idFact(r.value('VpnGatewayId'), 'VpnGatewayId') : undefined;
  const transitGateway = r.has('TransitGatewayId') ? r.idFact(r.value('TransitGatewayId'), 'TransitGatewayId') : undefined;
  vpn.connections.set(r.id, {
    ...(vpnGateway?.known ? { vpnGateway: vpnGateway.value } : {}),
    ...(transitGateway?.known ? { transitGateway: transitGateway.value } : {}),
    source: r.source,
  });
}

/** AWS::EC2::VPNConnectionRoute: a static route of a VPN connection, propagated like BGP ones. */
export function readVpnConnectionRoute(r: ResourceReader, vpn: VpnState): void {
  const connection = r.idFact(r.value('VpnConnectionId'), 'VpnConnectionId');
  const destination = r.value('DestinationCidrBlock');
  if (connection.known) vpn.routes.push({ connection: connection.value, destination: typeof destination === 'string' && !destination.includes('{{') ? destination : 'a destination known at deploy time', source: r.source });
}

/**
 * Marks the route tables the gateways' routes may reach. Where they lead is never narrowed to the
 * templates' static VPN routes: BGP, and VPN connections the templates do not show, add others.
 */
export function finishVpn(model: NetworkModel, vpn: VpnState): void {
  const routesOf = (gateway: string): string => {
    const listed = vpn.routes.filter((route) => vpn.connections.get(route.connection)?.vpnGateway === gateway)
      .map((route) => `${route.destination} (${describeSource(route.source)})`);
    return listed.length ? `, among them the VPN connection routes ${listed.join(', ')}` : '';
  };
  const propagated = new Set<string>();
  for (const propagation of vpn.propagations) {
    for (const tableId of propagation.routeTableIds) {
      propagated.add(`${tableId}|${propagation.gateway}`);
      addOpening(model, 'routeTables', tableId, {
        cause: `VPN gateway ${propagation.gateway} propagates the routes of its VPN connections into ${tableId} (${describeSource(propagation.source)})${routesOf(propagation.gateway)}`,
        source: propagation.source,
        kind: 'vpn',
        effect: 'add',
        via: propagation.gateway,
      });
    }
  }
  // Route propagation is a setting of each route table, which may be enabled outside the
  // templates on any table of a VPC the gateway is attached to.
  for (const [vpcId, gateways] of vpn.gatewaysByVpc) {
    for (const table of model.routeTables.values()) {
      if (!table.vpcId.known || table.vpcId.value !== vpcId) continue;
      for (const { gateway, source } of gateways) {
        if (propagated.has(`${table.id}|${gateway}`)) continue;
        addOpening(model, 'routeTables', table.id, {
          cause: `VPN gateway ${gateway} is attached to ${vpcId} (${describeSource(source)}), and route propagation may be enabled on ${table.id} outside the templates${routesOf(gateway)}`,
          source,
          kind: 'vpn',
          effect: 'add',
          via: gateway,
        });
      }
    }
  }
  // A VPN connection to a transit gateway is an attachment the templates cannot name: with
  // default propagation its routes go to the default route table, otherwise to any table that
  // is told to take them outside the templates.
  for (const [id, connection] of vpn.connections) {
    const tgw = connection.transitGateway ? model.transitGateways.get(connection.transitGateway) : undefined;
    if (!tgw) continue;
    for (const table of model.transitGatewayRouteTables.values()) {
      if (table.transitGatewayId !== tgw.id || (tgw.defaultRouteTableId && table.id !== tgw.defaultRouteTableId)) continue;
      addOpening(model, 'transitGatewayRouteTables', table.id, {
        cause: `VPN connection ${describeSource(connection.source)} attaches to ${tgw.id}, and the routes it learns may be propagated into ${table.id}`,
        source: connection.source,
        kind: 'vpn',
        effect: 'add',
        via: id,
      });
    }
  }
}

import { parseCidr } from '../../model';
import { FactsTransitGateway, FactsTransitGatewayAttachment, FactsTransitGatewayRoute, FactsTransitGatewayRouteTable } from '../facts';

/**
 * The account's transit gateways as the facts describe them: gateways, attachments (every type;
 * VPC attachments with their subnets and options), route tables with their associations (from
 * DescribeTransitGatewayAttachments), propagations and routes (SearchTransitGatewayRoutes: the
 * static and propagated routes in force, blackholes included).
 */
export interface AccountTransitParts {
  readonly transitGateways?: any[];
  readonly transitGatewayAttachments?: any[];
  readonly transitGatewayVpcAttachments?: any[];
  readonly transitGatewayRouteTables?: any[];
  /** One per route table: `{TransitGatewayRouteTableId, Routes, AdditionalRoutesAvailable}`. */
  readonly transitGatewayRoutes?: any[];
  /** One per route table: `{TransitGatewayRouteTableId, TransitGatewayRouteTablePropagations}`. */
  readonly transitGatewayPropagations?: any[];
}

export interface TransitFacts {
  readonly transitGateways: FactsTransitGateway[];
  readonly transitGatewayAttachments: FactsTransitGatewayAttachment[];
  readonly transitGatewayRouteTables: FactsTransitGatewayRouteTable[];
}

const list = (value: unknown): any[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const GONE = new Set(['deleted', 'deleting', 'failed', 'failing', 'rejected', 'rejecting']);
const enabled = (value: unknown): boolean | undefined => (value === 'enable' ? true : value === 'disable' ? false : undefined);
const flag = <K extends string>(key: K, value: boolean | undefined) => (value === undefined ? {} : { [key]: value } as Record<K, boolean>);

/**
 * Undefined when a part they need was not read: the gateways are then left undescribed, so a
 * route to one is UNKNOWN beyond it (never "attached to nothing", which would be UNREACHABLE).
 * Propagations are optional: the routes in force already include the propagated ones.
 */
export function transitFacts(s: AccountTransitParts): TransitFacts | undefined {
  if (!s.transitGateways || !s.transitGatewayAttachments || !s.transitGatewayVpcAttachments || !s.transitGatewayRouteTables || !s.transitGatewayRoutes) return undefined;
  const vpcAttachments = new Map(s.transitGatewayVpcAttachments.map((a) => [String(a.TransitGatewayAttachmentId), a]));
  const attachments = s.transitGatewayAttachments.filter((a) => !GONE.has(String(a.State)));
  const transitGatewayAttachments: FactsTransitGatewayAttachment[] = attachments.map((a) => {
    const id = String(a.TransitGatewayAttachmentId);
    const vpc = vpcAttachments.get(id);
    const resourceType = str(a.ResourceType) ?? 'vpc';
    return {
      id,
      transitGatewayId: String(a.TransitGatewayId),
      resourceType,
      ...(resourceType === 'vpc' ? { vpcId: String(vpc?.VpcId ?? a.ResourceId) } : {}),
      ...(vpc ? { subnetIds: list(vpc.SubnetIds).map(String) } : {}),
      ...flag('applianceModeSupport', enabled(vpc?.Options?.ApplianceModeSupport)),
      ...flag('dnsSupport', enabled(vpc?.Options?.DnsSupport)),
      ...flag('securityGroupReferencingSupport', enabled(vpc?.Options?.SecurityGroupReferencingSupport)),
    };
  });
  const routesOf = new Map(s.transitGatewayRoutes.map((r) => [String(r.TransitGatewayRouteTableId), r]));
  const propagationsOf = new Map((s.transitGatewayPropagations ?? []).map((p) => [String(p.TransitGatewayRouteTableId), p]));
  const transitGatewayRouteTables: FactsTransitGatewayRouteTable[] = s.transitGatewayRouteTables.filter((t) => !GONE.has(String(t.State))).map((t) => {
    const id = String(t.TransitGatewayRouteTableId);
    const search = routesOf.get(id);
    const routes: FactsTransitGatewayRoute[] = [];
    let unlisted = false;
    // Static routes first: a static route wins over a propagated one for the same prefix.
    const sorted = [...list(search?.Routes)].sort((a, b) => Number(a.Type === 'propagated') - Number(b.Type === 'propagated'));
    for (const route of sorted) {
      const destination = str(route.DestinationCidrBlock);
      if (!destination || !parseCidr(destination)) continue; // prefix-list and IPv6 routes: not modelled
      const attachment = list(route.TransitGatewayAttachments)[0];
      if (route.State === 'blackhole') routes.push({ destination, blackhole: true });
      else if (str(attachment?.TransitGatewayAttachmentId)) routes.push({ destination, attachmentId: attachment.TransitGatewayAttachmentId });
      // An active route that names no attachment leads somewhere unknown: never a blackhole.
      else unlisted = true;
    }
    const propagations = list(propagationsOf.get(id)?.TransitGatewayRouteTablePropagations)
      .filter((p) => p.State === undefined || p.State === 'enabled').map((p) => String(p.TransitGatewayAttachmentId));
    return {
      id,
      transitGatewayId: String(t.TransitGatewayId),
      ...(search?.AdditionalRoutesAvailable === true || !search || unlisted ? { routesIncomplete: true } : {}),
      routes,
      associations: attachments.filter((a) => a.Association?.TransitGatewayRouteTableId === id && a.Association.State !== 'disassociated').map((a) => String(a.TransitGatewayAttachmentId)),
      ...(propagations.length ? { propagations } : {}),
    };
  });
  const transitGateways: FactsTransitGateway[] = s.transitGateways.filter((g) => !GONE.has(String(g.State))).map((g) => ({
    id: String(g.TransitGatewayId),
    securityGroupReferencingSupport: enabled(g.Options?.SecurityGroupReferencingSupport) === true,
    ...flag('dnsSupport', enabled(g.Options?.DnsSupport)),
  }));
  return { transitGateways, transitGatewayAttachments, transitGatewayRouteTables };
}

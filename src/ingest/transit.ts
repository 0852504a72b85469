import { TransitGatewayAttachment, TransitGatewayRouteTable } from '../model';
import { ResourceReader } from './reader';

/**
 * AWS::EC2::TransitGateway. With DefaultRouteTableAssociation / Propagation `enable` (the
 * default), EC2 associates every attachment with the default route table and propagates its routes
 * there; the model names that table `${tgwId}#default-rt`.
 */
export function readTransitGateway(r: ResourceReader): void {
  const associate = r.value('DefaultRouteTableAssociation') !== 'disable';
  const propagate = r.value('DefaultRouteTablePropagation') !== 'disable';
  let defaultRouteTableId: string | undefined;
  if (associate || propagate) {
    defaultRouteTableId = `${r.id}#default-rt`;
    r.model.transitGatewayRouteTables.set(defaultRouteTableId, {
      id: defaultRouteTableId, source: r.source, transitGatewayId: r.id, routes: [], associatedAttachmentIds: [], propagatingAttachmentIds: [],
    });
  }
  r.context.transitGatewayDefaults.set(r.id, { associate, propagate });
  r.model.transitGateways.set(r.id, {
    id: r.id,
    source: r.source,
    ...(defaultRouteTableId ? { defaultRouteTableId } : {}),
    securityGroupReferencingSupport: r.value('SecurityGroupReferencingSupport') === 'enable',
  });
}

/** AWS::EC2::TransitGatewayAttachment and AWS::EC2::TransitGatewayVpcAttachment. */
export function readTransitGatewayAttachment(r: ResourceReader): void {
  const transitGatewayId = r.requiredId('TransitGatewayId');
  if (!transitGatewayId.known) return;
  const attachment: TransitGatewayAttachment = {
    id: r.id,
    source: r.source,
    transitGatewayId: transitGatewayId.value,
    vpcId: r.requiredId('VpcId'),
    subnetIds: r.idList(r.value('SubnetIds'), 'SubnetIds'),
  };
  r.model.transitGatewayAttachments.set(r.id, attachment);
  const defaults = r.context.transitGatewayDefaults.get(attachment.transitGatewayId);
  const table = r.model.transitGatewayRouteTables.get(`${attachment.transitGatewayId}#default-rt`);
  if (defaults && table) {
    if (defaults.associate) table.associatedAttachmentIds.push(r.id);
    if (defaults.propagate) table.propagatingAttachmentIds.push(r.id);
  }
}

/** AWS::EC2::TransitGatewayRouteTable. */
export function readTransitGatewayRouteTable(r: ResourceReader): void {
  const transitGatewayId = r.requiredId('TransitGatewayId');
  if (!transitGatewayId.known) return;
  r.model.transitGatewayRouteTables.set(r.id, {
    id: r.id, source: r.source, transitGatewayId: transitGatewayId.value, routes: [], associatedAttachmentIds: [], propagatingAttachmentIds: [],
  });
}

function routeTableOf(r: ResourceReader): TransitGatewayRouteTable | undefined {
  const tableId = r.requiredId('TransitGatewayRouteTableId');
  if (!tableId.known) return undefined;
  const table = r.model.transitGatewayRouteTables.get(tableId.value);
  if (!table) r.issue('TransitGatewayRouteTableId', `transit gateway route table ${tableId.value} is not described`);
  return table;
}

/** AWS::EC2::TransitGatewayRoute: to an attachment, or a blackhole. */
export function readTransitGatewayRoute(r: ResourceReader): void {
  const table = routeTableOf(r);
  if (!table || !r.has('DestinationCidrBlock')) return;
  const blackhole = r.boolean('Blackhole', false);
  const attachmentId = blackhole ? undefined : r.requiredId('TransitGatewayAttachmentId');
  table.routes.push({
    source: r.source,
    destination: r.cidr('DestinationCidrBlock'),
    blackhole,
    ...(attachmentId?.known ? { attachmentId: attachmentId.value } : {}),
  });
}

/** AWS::EC2::TransitGatewayRouteTableAssociation / ...Propagation. */
export function readTransitGatewayRouteTableLink(r: ResourceReader, link: 'association' | 'propagation'): void {
  const table = routeTableOf(r);
  const attachmentId = r.requiredId('TransitGatewayAttachmentId');
  if (!table || !attachmentId.known) return;
  (link === 'association' ? table.associatedAttachmentIds : table.propagatingAttachmentIds).push(attachmentId.value);
}

import { Fact, known, TransitGatewayAttachment, TransitGatewayRouteTable, unknown } from '../model';
import { isUnresolved } from './intrinsics';
import { describeValue, ResourceReader } from './reader';
import { isObject } from './template';

/**
 * Marks what a value the templates do not resolve may change: the transit gateway it belongs to,
 * or every transit gateway when that is unknown too. Paths through a marked gateway are UNKNOWN.
 */
function unresolvedOn(r: ResourceReader, transitGatewayId: string | undefined, reason: string): void {
  for (const tgw of [...r.model.transitGateways.values()]) {
    if (transitGatewayId !== undefined && tgw.id !== transitGatewayId) continue;
    if (!tgw.unresolved) r.model.transitGateways.set(tgw.id, { ...tgw, unresolved: reason });
  }
}

/** A gateway option (`enable` / `disable`); a value that is neither is reported in `problems`. */
function option(r: ResourceReader, property: string, defaultValue: 'enable' | 'disable', problems: string[]): boolean {
  const value = r.value(property);
  if (value === undefined) return defaultValue === 'enable';
  if (value === 'enable' || value === 'disable') return value === 'enable';
  const reason = `${r.describe()}: ${property} ${describeValue(value)} is neither enable nor disable`;
  r.issue(property, reason);
  problems.push(reason);
  return defaultValue === 'enable';
}

/**
 * A DNS support option (`enable` / `disable`) as a fact: absent gives `absent`; a value the
 * templates do not resolve, or that is neither, is unknown (and reported). It never marks the
 * gateway unresolved: it changes how names resolve, not where packets go.
 */
function dnsOption(r: ResourceReader, property: string, value: unknown, absent: Fact<boolean>): Fact<boolean> {
  if (value === undefined) return absent;
  if (value === 'enable' || value === 'disable') return known(value === 'enable');
  if (isUnresolved(value)) return r.unknownWithIssue(property, `${r.describe()}: ${property} cannot be resolved (${value.reason})`);
  return r.unknownWithIssue(property, `${r.describe()}: ${property} ${describeValue(value)} is neither enable nor disable`);
}

/**
 * AWS::EC2::TransitGateway. With DefaultRouteTableAssociation / Propagation `enable` (the
 * default), EC2 associates every attachment with the default route table and propagates its routes
 * there; the model names that table `${tgwId}#default-rt`.
 */
export function readTransitGateway(r: ResourceReader): void {
  const problems: string[] = [];
  const associate = option(r, 'DefaultRouteTableAssociation', 'enable', problems);
  const propagate = option(r, 'DefaultRouteTablePropagation', 'enable', problems);
  const referencing = option(r, 'SecurityGroupReferencingSupport', 'disable', problems);
  if (r.uncertain) problems.push(r.uncertain);
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
    securityGroupReferencingSupport: referencing,
    // "Enable or disable DNS support. Enabled by default." (AWS::EC2::TransitGateway reference).
    dnsSupport: dnsOption(r, 'DnsSupport', r.value('DnsSupport'), known(true)),
    ...(problems.length ? { unresolved: problems.join('; ') } : {}),
  });
}

/** AWS::EC2::TransitGatewayAttachment and AWS::EC2::TransitGatewayVpcAttachment. */
export function readTransitGatewayAttachment(r: ResourceReader): void {
  const transitGatewayId = r.requiredId('TransitGatewayId');
  if (!transitGatewayId.known) {
    unresolvedOn(r, undefined, `attachment ${r.describe()} may belong to it: its TransitGatewayId cannot be resolved (${transitGatewayId.reason})`);
    return;
  }
  const attachment: TransitGatewayAttachment = {
    id: r.id,
    source: r.source,
    transitGatewayId: transitGatewayId.value,
    vpcId: r.requiredId('VpcId'),
    subnetIds: r.idList(r.value('SubnetIds'), 'SubnetIds'),
    dnsSupport: attachmentDnsSupport(r),
    securityGroupReferencingSupport: attachmentReferencing(r),
    ...r.uncertain ? { uncertain: r.uncertain } : {},
  };
  const subnets = r.value('SubnetIds');
  const unresolvedSubnets = subnets !== undefined && (!Array.isArray(subnets) || subnets.length !== attachment.subnetIds.length);
  const doubt = r.uncertain ?? (!attachment.vpcId.known ? `attachment ${r.describe()}: VpcId cannot be resolved (${attachment.vpcId.reason})`
    : unresolvedSubnets ? `attachment ${r.describe()}: some SubnetIds cannot be resolved` : undefined);
  if (doubt) unresolvedOn(r, attachment.transitGatewayId, doubt);
  r.model.transitGatewayAttachments.set(r.id, attachment);
  const defaults = r.context.transitGatewayDefaults.get(attachment.transitGatewayId);
  const table = r.model.transitGatewayRouteTables.get(`${attachment.transitGatewayId}#default-rt`);
  if (defaults && table) {
    if (defaults.associate) table.associatedAttachmentIds.push(r.id);
    if (defaults.propagate) table.propagatingAttachmentIds.push(r.id);
  }
}

/**
 * An attachment's `Options.DnsSupport`. Absent, it is unknown: the CloudFormation reference
 * (AWS::EC2::TransitGatewayAttachment / TransitGatewayVpcAttachment Options) says the default is
 * `disable`, the EC2 API (CreateTransitGatewayVpcAttachmentRequestOptions) says `enable`.
 */
function attachmentDnsSupport(r: ResourceReader): Fact<boolean> {
  const options = r.value('Options');
  const absent = unknown<boolean>(`${r.describe()} does not set Options.DnsSupport, and AWS documents two defaults for it (disable in the CloudFormation reference, enable in the EC2 API)`);
  if (options === undefined) return absent;
  if (isUnresolved(options)) return r.unknownWithIssue('Options', `${r.describe()}: Options cannot be resolved (${options.reason})`);
  if (!isObject(options)) return r.unknownWithIssue('Options', `${r.describe()}: Options ${describeValue(options)} is not an object`);
  return dnsOption(r, 'Options.DnsSupport', options.DnsSupport, absent);
}

/**
 * An attachment's `Options.SecurityGroupReferencingSupport`. Absent, it is unknown: the
 * CloudFormation reference (AWS::EC2::TransitGatewayAttachment / TransitGatewayVpcAttachment
 * Options) says it is disabled by default, the EC2 API (CreateTransitGatewayVpcAttachmentRequestOptions)
 * that it is enabled by default.
 */
function attachmentReferencing(r: ResourceReader): Fact<boolean> {
  const options = r.value('Options');
  const absent = unknown<boolean>(`${r.describe()} does not set Options.SecurityGroupReferencingSupport, and AWS documents two defaults for it (disabled in the CloudFormation reference, enabled in the EC2 API)`);
  if (options === undefined) return absent;
  // An unresolved or malformed Options is reported once, by attachmentDnsSupport.
  if (!isObject(options)) return unknown(`${r.describe()}: Options cannot be resolved`);
  return dnsOption(r, 'Options.SecurityGroupReferencingSupport', options.SecurityGroupReferencingSupport, absent);
}

/** AWS::EC2::TransitGatewayRouteTable. */
export function readTransitGatewayRouteTable(r: ResourceReader): void {
  const transitGatewayId = r.requiredId('TransitGatewayId');
  if (!transitGatewayId.known) {
    unresolvedOn(r, undefined, `route table ${r.describe()} may belong to it: its TransitGatewayId cannot be resolved (${transitGatewayId.reason})`);
    return;
  }
  if (r.uncertain) unresolvedOn(r, transitGatewayId.value, r.uncertain);
  r.model.transitGatewayRouteTables.set(r.id, {
    id: r.id, source: r.source, transitGatewayId: transitGatewayId.value, routes: [], associatedAttachmentIds: [], propagatingAttachmentIds: [],
  });
}

function routeTableOf(r: ResourceReader): TransitGatewayRouteTable | undefined {
  const tableId = r.requiredId('TransitGatewayRouteTableId');
  if (!tableId.known) {
    unresolvedOn(r, undefined, `${r.describe()} may be on any of its route tables: its TransitGatewayRouteTableId cannot be resolved (${tableId.reason})`);
    return undefined;
  }
  const table = r.model.transitGatewayRouteTables.get(tableId.value);
  if (!table) r.issue('TransitGatewayRouteTableId', `transit gateway route table ${tableId.value} is not described`);
  return table;
}

/** Marks the table's gateway when one of the resource's values cannot be resolved (or it may not exist). */
function doubtOn(r: ResourceReader, table: TransitGatewayRouteTable, facts: [string, Fact<unknown> | undefined][]): void {
  const unknownFact = facts.find(([, fact]) => fact && !fact.known);
  const reason = r.uncertain ?? (unknownFact ? `${r.describe()}: ${unknownFact[0]} cannot be resolved (${(unknownFact[1] as { reason: string }).reason})` : undefined);
  if (reason) unresolvedOn(r, table.transitGatewayId, reason);
}

/** AWS::EC2::TransitGatewayRoute: to an attachment, or a blackhole. */
export function readTransitGatewayRoute(r: ResourceReader): void {
  const table = routeTableOf(r);
  if (!table || !r.has('DestinationCidrBlock')) return;
  const blackholeFact = r.booleanFact('Blackhole', false);
  const blackhole = blackholeFact.known && blackholeFact.value;
  const attachmentId = blackhole ? undefined : r.requiredId('TransitGatewayAttachmentId');
  const destination = r.cidr('DestinationCidrBlock');
  doubtOn(r, table, [['Blackhole', blackholeFact], ['TransitGatewayAttachmentId', attachmentId], ['DestinationCidrBlock', destination]]);
  table.routes.push({
    source: r.source,
    destination,
    blackhole,
    ...(attachmentId?.known ? { attachmentId: attachmentId.value } : {}),
  });
}

/** AWS::EC2::TransitGatewayRouteTableAssociation / ...Propagation. */
export function readTransitGatewayRouteTableLink(r: ResourceReader, link: 'association' | 'propagation'): void {
  const table = routeTableOf(r);
  const attachmentId = r.requiredId('TransitGatewayAttachmentId');
  if (table) doubtOn(r, table, [['TransitGatewayAttachmentId', attachmentId]]);
  if (!table || !attachmentId.known) return;
  (link === 'association' ? table.associatedAttachmentIds : table.propagatingAttachmentIds).push(attachmentId.value);
}

import { Cidr, NetworkAcl, Subnet, TransitGateway, Vpc } from '../model';
import { EniSide } from './path';
import { Explanation, Hop, NameResolution, PathTrace, Verdict } from './plan';
import {
  AclJudgement, judgeAcl, judgeGroupsPublic, LINUX_EPHEMERAL_ASSUMPTION, LINUX_EPHEMERAL_PORTS, NAT_GATEWAY_PORTS, Outcome,
  PUBLIC_RANGES, publicRouteChoices, routeText,
} from './public-traffic';
import { lookupRoutes } from './routing';
import { LocatedStore } from './store-location';
import { Topology } from './topology';
// Values from their modules, not the barrel: its re-exports are getters on every call.
import { formatRange } from '../model/cidr';

const VERDICT: Record<Outcome, Verdict> = { pass: 'REACHABLE', blocked: 'UNREACHABLE', unknown: 'UNKNOWN' };

/**
 * What a publicly accessible store's DNS name resolves to from the Glue subnet [AWS doc: RDS,
 * "Hiding a DB instance in a VPC from the internet"; VPC peering, "Enable DNS resolution";
 * Transit Gateways Guide, "Create a transit gateway", DNS support]: inside the store's VPC its private
 * address; from another VPC its public address, unless a peering between the two allows DNS
 * resolution from the remote VPC on the store's side, or a transit gateway joining them has DNS
 * support enabled (see `transitGatewayResolution`). Undefined inside one VPC or when a VPC is not
 * known (the private trace says why).
 */
export function nameResolution(topo: Topology, eniSubnet: Subnet, storeSubnet: Subnet): NameResolution | undefined {
  if (!eniSubnet.vpcId.known || !storeSubnet.vpcId.known || eniSubnet.vpcId.value === storeSubnet.vpcId.value) return undefined;
  const eniVpc = eniSubnet.vpcId.value;
  const storeVpc = storeSubnet.vpcId.value;
  const pcx = topo.peeringBetween(eniVpc, storeVpc);
  if (!pcx) {
    return transitGatewayResolution(topo, eniVpc, storeVpc)
      ?? { resolvesTo: 'public', eniVpc, storeVpc, why: `no VPC peering or transit gateway joins ${eniVpc} and ${storeVpc}, so from ${eniVpc} the name resolves to the store's public address` };
  }
  const storeIsRequester = pcx.requesterVpcId.known && pcx.requesterVpcId.value === storeVpc;
  const side = storeIsRequester ? 'requester' : 'accepter';
  const option = storeIsRequester ? pcx.allowDnsResolutionFromRequester : pcx.allowDnsResolutionFromAccepter;
  const base = { eniVpc, storeVpc, peeringId: pcx.id, optionSide: side } as const;
  const dnsOff = option.known ? undefined : dnsOffIn(topo, [eniVpc, storeVpc]);
  const byPeering: NameResolution = option.known && option.value ? { ...base, resolvesTo: 'private', why: `the ${side} side of ${pcx.id} allows DNS resolution from the remote VPC` }
    : option.known ? { ...base, resolvesTo: 'public', why: `the ${side} side of ${pcx.id} does not allow DNS resolution from the remote VPC` }
      : dnsOff ? { ...base, resolvesTo: 'public', why: `the ${side} side of ${pcx.id} cannot allow DNS resolution from the remote VPC: that needs DNS support and DNS hostnames in both VPCs, and ${dnsOff}` }
        : { ...base, resolvesTo: 'unknown', why: `whether the ${side} side of ${pcx.id} allows DNS resolution from the remote VPC is not known (${option.reason})` };
  // A transit gateway joining the same two VPCs has a DNS option of its own. AWS documents each
  // option alone, not what the name resolves to when a peering and a transit gateway both join
  // the VPCs: when they agree, that; when they do not, unknown (both paths are traced).
  const byGateway = transitGatewayResolution(topo, eniVpc, storeVpc);
  if (!byGateway || byGateway.resolvesTo === byPeering.resolvesTo) return byPeering;
  return {
    ...base,
    transitGatewayId: byGateway.transitGatewayId,
    resolvesTo: 'unknown',
    why: `${pcx.id} and transit gateway ${byGateway.transitGatewayId} both join ${eniVpc} and ${storeVpc}, and their DNS options do not agree (${byPeering.why}; ${byGateway.why}); AWS does not document which one decides how the name resolves`,
  };
}

/**
 * A VPC of `vpcIds` whose DNS support or DNS hostnames is known to be off, in words: a peering's
 * DNS resolution option needs both on in both VPCs (VPC Peering Guide, "Enable DNS resolution for a
 * VPC peering connection", https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-dns.html),
 * so it cannot be on. Undefined when none is.
 */
function dnsOffIn(topo: Topology, vpcIds: readonly string[]): string | undefined {
  for (const id of vpcIds) {
    const vpc = topo.vpc(id);
    if (!vpc) continue;
    const off = [vpc.enableDnsSupport.known && !vpc.enableDnsSupport.value ? 'enableDnsSupport' : undefined,
      vpc.enableDnsHostnames.known && !vpc.enableDnsHostnames.value ? 'enableDnsHostnames' : undefined].filter((x) => x !== undefined);
    if (off.length) return `${id} has ${off.join(' and ')} false`;
  }
  return undefined;
}

/** What AWS documents about a transit gateway's DNS support, and what the library assumes. */
export const TGW_DNS_ASSUMPTION = "AWS documents that a transit gateway's DNS support resolves public IPv4 DNS names to private IPv4 addresses when queried from another VPC attached to it, and documents the same option on VPC attachments without saying how the two combine; the library assumes the name resolves privately when DNS support is enabled on the gateway and on both VPC attachments, publicly when it is disabled on the gateway, and treats anything else as unknown";

/**
 * How a publicly accessible store's name resolves across the transit gateways that attach both
 * VPCs (undefined when none does) [AWS doc: Transit Gateways Guide, "Create a transit gateway":
 * DNS support "resolve[s] public IPv4 DNS host names to private IPv4 addresses when queried from
 * instances in another VPC attached to the transit gateway"]. AWS also lets each VPC attachment
 * enable or disable DNS support, but does not document how the two settings combine, and its
 * references disagree on the attachment's default (CloudFormation: `disable`; EC2 API: `enable`).
 * So: private when the gateway and both attachments enable it; public when the gateway disables
 * it; unknown otherwise (an attachment that disables it, or any setting not known). Several
 * gateways that disagree: unknown.
 */
export function transitGatewayResolution(topo: Topology, eniVpc: string, storeVpc: string): NameResolution | undefined {
  const decisions: { tgw: TransitGateway; resolvesTo: NameResolution['resolvesTo']; why: string }[] = [];
  for (const tgw of topo.model.transitGateways.values()) {
    const near = topo.attachmentsOf(tgw.id, eniVpc)[0];
    const far = topo.attachmentsOf(tgw.id, storeVpc)[0];
    if (!near || !far) continue;
    const gateway = tgw.dnsSupport ?? { known: false as const, reason: `the DnsSupport option of ${tgw.id} is not described` };
    if (gateway.known && !gateway.value) {
      decisions.push({ tgw, resolvesTo: 'public', why: `${tgw.id} joins ${eniVpc} and ${storeVpc} with DNS support disabled, so from ${eniVpc} the name resolves to the store's public address` });
      continue;
    }
    const settings = [
      { what: `${tgw.id}`, fact: gateway },
      ...[near, far].map((a) => ({ what: `attachment ${a.id}`, fact: a.dnsSupport ?? { known: false as const, reason: `the DnsSupport option of ${a.id} is not described` } })),
    ];
    const off = settings.filter((x) => x.fact.known && !x.fact.value);
    const unknownOnes = settings.flatMap((x) => (x.fact.known ? [] : [`${x.what}: ${x.fact.reason}`]));
    if (!off.length && !unknownOnes.length) {
      decisions.push({ tgw, resolvesTo: 'private', why: `${tgw.id} joins ${eniVpc} and ${storeVpc} with DNS support enabled on the gateway and on attachments ${near.id} and ${far.id}, so the name resolves to the store's private address (${TGW_DNS_ASSUMPTION})` });
      continue;
    }
    const causes = [
      ...off.map((x) => `${x.what} disables DNS support while ${tgw.id} enables it, and AWS does not document what an attachment's option does on its own`),
      ...unknownOnes,
    ];
    decisions.push({ tgw, resolvesTo: 'unknown', why: `whether the name resolves privately over ${tgw.id}, which joins ${eniVpc} and ${storeVpc}, is not known (${causes.join('; ')})` });
  }
  if (!decisions.length) return undefined;
  const first = decisions[0];
  if (decisions.every((d) => d.resolvesTo === first.resolvesTo)) return { resolvesTo: first.resolvesTo, eniVpc, storeVpc, transitGatewayId: first.tgw.id, why: decisions.map((d) => d.why).join('; ') };
  const undecided = decisions.find((d) => d.resolvesTo === 'unknown') ?? first;
  return { resolvesTo: 'unknown', eniVpc, storeVpc, transitGatewayId: undecided.tgw.id, why: `the transit gateways joining ${eniVpc} and ${storeVpc} disagree: ${decisions.map((d) => d.why).join('; ')}` };
}

/**
 * The path a publicly accessible store named by DNS is really reached on: the private trace when
 * the name resolves privately, the public one (NAT gateway, internet gateway, the store's groups
 * admitting the NAT's address) when it resolves publicly, and both when that is not known (the
 * verdict is then theirs when they agree, else UNKNOWN).
 */
export function resolvedTrace(topo: Topology, eni: EniSide, storeSubnet: Subnet, located: LocatedStore, privateTrace: PathTrace): PathTrace {
  const resolution = nameResolution(topo, eni.subnet, storeSubnet);
  if (!resolution) return privateTrace;
  if (resolution.resolvesTo === 'private') return { ...privateTrace, nameResolution: resolution };
  const publicTrace = tracePublicPath(topo, eni, storeSubnet, located, resolution);
  // Over a peering and a transit gateway that disagree, the undecided explanation below says both.
  const overBoth = resolution.peeringId !== undefined && resolution.transitGatewayId !== undefined;
  const dns: Explanation[] = overBoth ? [] : resolution.peeringId ? [peeringDnsExplanation(topo, resolution)]
    : resolution.transitGatewayId && resolution.resolvesTo === 'public' ? [transitGatewayDnsExplanation(topo, resolution)] : [];
  if (resolution.resolvesTo === 'public') return { ...publicTrace, explanations: [...publicTrace.explanations, ...dns] };
  if (publicTrace.verdict === privateTrace.verdict) {
    return { ...privateTrace, nameResolution: resolution, hops: [...privateTrace.hops, ...publicTrace.hops], explanations: [...privateTrace.explanations, ...publicTrace.explanations, ...dns] };
  }
  const overTgw = resolution.peeringId === undefined && resolution.transitGatewayId !== undefined;
  const undecided: Explanation = overBoth ? {
    code: 'UNKNOWN_NAME_RESOLUTION',
    component: resolution.peeringId!,
    source: topo.model.peerings.get(resolution.peeringId!)?.source,
    message: `The store is publicly accessible and named by DNS: ${resolution.why}, so its name may resolve to the private address (${privateTrace.verdict}) or to the public one (through a NAT gateway and the internet: ${publicTrace.verdict}).`,
    fix: `Make the two agree: allow DNS resolution from the remote VPC on the ${resolution.optionSide} side of ${resolution.peeringId} (VpcPeering's allowDnsResolution) and enable DnsSupport on ${resolution.transitGatewayId} and both its VPC attachments, or state them in --facts; or make the store not publicly accessible.`,
    unknown: true,
  } : overTgw ? {
    code: 'UNKNOWN_NAME_RESOLUTION',
    component: resolution.transitGatewayId!,
    source: topo.model.transitGateways.get(resolution.transitGatewayId!)?.source,
    message: `The store is publicly accessible and named by DNS: ${resolution.why}, so its name may resolve to the private address (over the transit gateway: ${privateTrace.verdict}) or to the public one (through a NAT gateway and the internet: ${publicTrace.verdict}). ${TGW_DNS_ASSUMPTION}.`,
    fix: "State the transit gateway's DNS support: DnsSupport on the AWS::EC2::TransitGateway (enabled by default) and Options.DnsSupport (enable) on both VPC attachments, or dnsSupport in --facts (transitGateways[], transitGatewayAttachments[]); or make the store not publicly accessible.",
    unknown: true,
  } : {
    code: 'UNKNOWN_NAME_RESOLUTION',
    component: resolution.peeringId!,
    source: topo.model.peerings.get(resolution.peeringId!)?.source,
    message: `The store is publicly accessible and named by DNS: ${resolution.why}, so its name may resolve to the private address (over the peering: ${privateTrace.verdict}) or to the public one (through a NAT gateway and the internet: ${publicTrace.verdict}).`,
    fix: `State the peering's DNS option (VpcPeering's allowDnsResolution, or allowDnsResolutionFrom${resolution.optionSide === 'requester' ? 'Requester' : 'Accepter'} in --facts), or make the store not publicly accessible.`,
    unknown: true,
  };
  return {
    ...privateTrace,
    verdict: 'UNKNOWN',
    nameResolution: resolution,
    hops: [...privateTrace.hops, ...publicTrace.hops],
    explanations: [...privateTrace.explanations.map((e) => ({ ...e, unknown: true })), ...publicTrace.explanations.map((e) => ({ ...e, unknown: true })), undecided, ...dns],
  };
}

/**
 * A store named by DNS whose `PubliclyAccessible` the inputs do not resolve: traced both as private
 * and as publicly accessible. The same verdict either way stands; otherwise UNKNOWN, saying why.
 */
export function publicAccessUnknownTrace(topo: Topology, eni: EniSide, storeSubnet: Subnet, located: LocatedStore, privateTrace: PathTrace): PathTrace {
  const asPublic = resolvedTrace(topo, eni, storeSubnet, { ...located, publiclyAccessible: true }, privateTrace);
  if (asPublic.verdict === privateTrace.verdict) return privateTrace;
  const undecided: Explanation = {
    code: 'UNKNOWN_PUBLIC_ACCESS',
    component: located.storeSource?.logicalId ?? storeSubnet.id,
    ...(located.storeSource ? { source: located.storeSource } : {}),
    message: `Whether the store is publicly accessible is unknown (${located.publiclyAccessibleUnknown}). If it is not, its name resolves to its private address (${privateTrace.verdict}); if it is, from another VPC it may resolve to its public address (${asPublic.verdict}).`,
    fix: 'Make PubliclyAccessible resolvable (a literal, or a parameter value: --parameters), or declare the store.',
    unknown: true,
  };
  return {
    ...privateTrace,
    verdict: 'UNKNOWN',
    hops: asPublic.hops[0] === privateTrace.hops[0] ? asPublic.hops : [...privateTrace.hops, ...asPublic.hops],
    explanations: [...privateTrace.explanations.map((e) => ({ ...e, unknown: true })), ...asPublic.explanations.map((e) => ({ ...e, unknown: true })), undecided],
  };
}

function peeringDnsExplanation(topo: Topology, resolution: NameResolution): Explanation {
  const pcx = topo.model.peerings.get(resolution.peeringId!)!;
  return {
    code: 'PEERING_DNS',
    component: pcx.id,
    source: pcx.source,
    unknown: false,
    message: `The store is publicly accessible and addressed by its DNS name; from ${resolution.eniVpc} that name resolves to its public IP, not over ${pcx.id}, unless the ${resolution.optionSide} side allows DNS resolution from the remote VPC (${resolution.why}). The traffic then leaves through a NAT gateway and the internet, which is the path traced.`,
    fix: `Enable AllowDnsResolutionFromRemoteVpc on the ${resolution.optionSide} side of ${pcx.id} (VpcPeering's allowDnsResolution; CloudFormation cannot set it), or make the store not publicly accessible.`,
  };
}

function transitGatewayDnsExplanation(topo: Topology, resolution: NameResolution): Explanation {
  const tgw = topo.model.transitGateways.get(resolution.transitGatewayId!)!;
  return {
    code: 'TGW_DNS',
    component: tgw.id,
    source: tgw.source,
    unknown: false,
    message: `The store is publicly accessible and addressed by its DNS name; ${resolution.why}. The traffic then leaves through a NAT gateway and the internet, which is the path traced. ${TGW_DNS_ASSUMPTION}.`,
    fix: `Enable DnsSupport on ${tgw.id} (and Options.DnsSupport on both VPC attachments) so the name resolves to the private address over the transit gateway, or make the store not publicly accessible.`,
  };
}

/**
 * The public path: from the Glue subnet to a NAT gateway (its default route), from the NAT
 * gateway's subnet to an internet gateway, to the store's public address; the store's subnet
 * routes the replies to an internet gateway, and the store's groups must admit the NAT gateway's
 * public address. The public addresses are not known at synth time, so a setting that admits all
 * public addresses passes, one that admits none blocks, one that admits some is UNKNOWN. Every
 * hop is judged, so an UNREACHABLE path lists every setting to change.
 */
export function tracePublicPath(topo: Topology, eni: EniSide, storeSubnet: Subnet, located: LocatedStore, resolution: NameResolution): PathTrace {
  return tracePathToPublicAddress(topo, eni, { subnet: storeSubnet, resolution }, located);
}

/**
 * The path to a host on the internet, outside every VPC the inputs describe (a SaaS connection's
 * host): the Glue ENI side of the public path (its groups' egress, the NAT gateway route, the NAT
 * subnet's internet gateway route, the network ACLs both ways). Nothing on the host's side is
 * judged: what it admits (an allow-list of addresses) is not in the inputs, and `why` (the
 * assumption that places the host there) is stated in the trace.
 */
export function traceInternetPath(topo: Topology, eni: EniSide, located: LocatedStore, why: string, natAlternative?: string): PathTrace {
  return tracePathToPublicAddress(topo, eni, { why, natAlternative }, located);
}

/** The public path to a store's public address in `subnet`, or to a host on the internet. */
function tracePathToPublicAddress(topo: Topology, eni: EniSide, to: { subnet?: Subnet; resolution?: NameResolution; why?: string; natAlternative?: string }, located: LocatedStore): PathTrace {
  const storeSubnet = to.subnet;
  const resolution = to.resolution;
  const port = located.port.known ? located.port.value : 0;
  const hops: Hop[] = [];
  const explanations: Explanation[] = [];
  const add = (hop: Omit<Hop, 'direction'> & { direction?: Hop['direction'] }, explanation?: Omit<Explanation, 'unknown'>) => {
    hops.push({ direction: 'forward', ...hop });
    if (explanation && hop.verdict !== 'REACHABLE') explanations.push({ ...explanation, unknown: hop.verdict === 'UNKNOWN' });
  };
  const eniVpc = topo.vpcOfSubnet(eni.subnet);
  const storeVpc = storeSubnet ? topo.vpcOfSubnet(storeSubnet) : undefined;
  add({ kind: 'dns', component: located.host ?? storeSubnet?.id ?? 'the host', verdict: 'REACHABLE', detail: resolution ? `the store's name resolves to its public address: ${resolution.why}` : `the host is on the internet: ${to.why}` });

  // ENI egress to the store's public address.
  const egress = judgeGroupsPublic(topo, eni.securityGroupIds, 'egress', port);
  add({ kind: 'security-group', component: eni.securityGroupIds.join(', ') || '(no security groups)', verdict: VERDICT[egress.outcome], detail: `Glue ENI's groups: ${egress.why}` },
    { code: 'ENI_SG_RULES_MISMATCH', component: eni.securityGroupIds.join(', '), message: `${resolution ? 'The store is reached at its public address' : `Host ${located.host ?? '?'} is reached at its address on the internet`}, and the Glue ENI's groups: ${egress.why}.`, fix: `Allow egress TCP ${port} to 0.0.0.0/0 (the ${resolution ? "store's" : "host's"} public address) on ${eni.securityGroupIds[0] ?? "the connection's group"}.` });

  // Glue subnet -> NAT gateway.
  let natSubnet: Subnet | undefined;
  if (eniVpc.known) {
    const nat = natOf(topo, eni.subnet, eniVpc.value);
    add({ kind: 'route-table', component: nat.component, source: nat.source, verdict: VERDICT[nat.outcome], detail: `route out to the public address: ${nat.why}` },
      { code: nat.code, component: nat.component, source: nat.source, message: `${resolution ? "The store's name resolves to its public address" : `Host ${located.host ?? '?'} is on the internet`}, and ${nat.why}. Glue ENIs have no public IP, so they reach public addresses only through a NAT gateway.`, fix: `Give ${eni.subnet.id} a default route (0.0.0.0/0) to a NAT gateway in a public subnet of ${eniVpc.value.id}, ${resolution ? 'or let the name resolve privately (peering DNS resolution, transit gateway DNS support, or a private store)' : to.natAlternative ?? 'or reach the host through a PrivateLink endpoint and declare where it is (GlueDataStore.declare, or dataStores[] in --facts)'}.` });
    natSubnet = nat.natSubnet;
    if (nat.outcome === 'pass' && natSubnet) {
      const natVpc = topo.vpcOfSubnet(natSubnet);
      const igw = natVpc.known ? internetRoute(topo, natSubnet, natVpc.value) : { outcome: 'unknown' as Outcome, why: natVpc.reason, component: natSubnet.id };
      add({ kind: 'route-table', component: igw.component, verdict: VERDICT[igw.outcome], detail: `NAT gateway subnet ${natSubnet.id} to the internet: ${igw.why}` },
        { code: igw.edge ? 'UNKNOWN_NEXT_HOP' : 'NO_ROUTE_TO_DESTINATION', component: igw.component, message: `The NAT gateway's subnet ${natSubnet.id}: ${igw.why}.`, fix: igw.edge?.fix ?? `Route 0.0.0.0/0 from ${natSubnet.id}'s route table to the VPC's internet gateway.` });
    }
  } else {
    add({ kind: 'route-table', component: eni.subnet.id, verdict: 'UNKNOWN', detail: eniVpc.reason }, { code: 'UNKNOWN_ROUTE_TABLE', component: eni.subnet.id, message: eniVpc.reason, fix: 'Describe the VPC.' });
  }

  // Network ACLs: the Glue subnet's, the NAT gateway's subnet's, the store subnet's.
  const aclHop: AclHop = (subnet, judge, what, direction) => {
    const acl = topo.effectiveNetworkAcl(subnet);
    if (!acl.known) {
      add({ kind: 'network-acl', direction, component: '?', verdict: 'UNKNOWN', detail: acl.reason }, { code: 'UNKNOWN_ACL_RULES', component: '?', message: acl.reason, fix: 'Describe the network ACL.' });
      return;
    }
    const j = judge(acl.value);
    const detail = j.outcome === 'pass' ? `${what}: allowed` : j.outcome === 'blocked' ? `${what}: denied by ${j.deciding.join('; ')}` : `${what}: ${j.why}`;
    add({ kind: 'network-acl', direction, component: acl.value.id, source: acl.value.source, verdict: VERDICT[j.outcome], detail },
      { code: j.outcome === 'blocked' ? 'SUBNET_ACL_RESTRICTION' : 'UNKNOWN_ACL_RULES', component: acl.value.id, source: acl.value.source, message: `Network ACL ${acl.value.id} ${j.outcome === 'blocked' ? 'denies' : 'may deny'} ${what} (${j.outcome === 'blocked' ? j.deciding.join('; ') : j.why}). ${LINUX_EPHEMERAL_ASSUMPTION}`, fix: `Allow ${what} in ${acl.value.id}, numbered below any deny rule that matches.` });
  };
  const single = { from: port, to: port };
  const glueRange = eni.subnet.cidr.known ? [eni.subnet.cidr.value] : undefined;
  const sameSubnet = natSubnet?.id === eni.subnet.id;
  aclHop(eni.subnet, (acl) => judgeAcl(acl, true, PUBLIC_RANGES, single, 'one-unknown-address', 'every-port'), `outbound TCP ${port} from the Glue subnet to the store's public address`, 'forward');
  if (natSubnet && glueRange && !sameSubnet) {
    aclHop(natSubnet, (acl) => judgeAcl(acl, false, glueRange, single, 'every-address', 'every-port'), `inbound TCP ${port} into the NAT gateway's subnet from the Glue subnet ${formatRange(glueRange[0])}`, 'forward');
  }
  if (natSubnet) aclHop(natSubnet, (acl) => judgeAcl(acl, true, PUBLIC_RANGES, single, 'one-unknown-address', 'every-port'), `outbound TCP ${port} from the NAT gateway's subnet to the store's public address`, 'forward');
  if (!storeSubnet) return internetEnd(eni, located, port, hops, explanations, aclHop, natSubnet, glueRange, sameSubnet);
  aclHop(storeSubnet, (acl) => judgeAcl(acl, false, PUBLIC_RANGES, single, 'one-unknown-address', 'every-port'), `inbound TCP ${port} into the store subnet from the NAT gateway's public address`, 'forward');

  // The store's groups must admit the NAT gateway's public (Elastic IP) address.
  const ingress = judgeGroupsPublic(topo, located.securityGroupIds.known ? located.securityGroupIds.value : [], 'ingress', port, located.securityGroupIds.known);
  const storeGroups = located.securityGroupIds.known ? located.securityGroupIds.value.join(', ') || '(no security groups)' : '?';
  add({ kind: 'security-group', component: storeGroups, verdict: VERDICT[ingress.outcome], detail: `data store's groups: ${ingress.why}` },
    { code: ingress.outcome === 'blocked' ? 'ENI_SG_RULES_MISMATCH' : 'UNKNOWN_SECURITY_GROUP_RULES', component: storeGroups, message: `Over the internet the store sees connections from the NAT gateway's public (Elastic IP) address, not from the Glue subnet or group: its groups ${ingress.why}.`, fix: `Admit TCP ${port} from the NAT gateway's Elastic IP (a /32) on ${located.securityGroupIds.known ? located.securityGroupIds.value[0] ?? "the store's group" : "the store's group"}, or let the name resolve privately (peering DNS resolution, or transit gateway DNS support).` });
  hops.push({ kind: 'data-store', direction: 'forward', component: storeSubnet.id, source: storeSubnet.source, verdict: 'REACHABLE', detail: `data store's public address (${storeSubnet.id}, ${storeVpc?.known ? storeVpc.value.id : '?'}) on TCP ${port}` });

  // Replies: the store subnet routes them to an internet gateway; ACLs both ways back.
  if (storeVpc?.known) {
    const igw = internetRoute(topo, storeSubnet, storeVpc.value);
    add({ kind: 'route-table', direction: 'return', component: igw.component, verdict: VERDICT[igw.outcome], detail: `route back to the NAT gateway's public address: ${igw.why}` },
      igw.edge
        ? { code: 'UNKNOWN_NEXT_HOP', component: igw.component, message: `The store's subnet ${storeSubnet.id}: ${igw.why}, so whether the requests from the NAT gateway's public address reach the store is not known.`, fix: igw.edge.fix }
        : { code: 'NO_ROUTE_TO_DESTINATION', component: igw.component, message: `The store's subnet ${storeSubnet.id}: ${igw.why}, so replies to the NAT gateway's public address go nowhere.`, fix: `Route 0.0.0.0/0 from ${storeSubnet.id}'s route table to ${storeVpc.value.id}'s internet gateway (a publicly accessible store needs it).` });
  }
  aclHop(storeSubnet, (acl) => judgeAcl(acl, true, PUBLIC_RANGES, NAT_GATEWAY_PORTS, 'one-unknown-address', 'client-picks'), "outbound replies from the store to the NAT gateway's public address (ports 1024-65535)", 'return');
  natReplyAcls(aclHop, eni, natSubnet, glueRange, sameSubnet, 'the store');
  return judgedTrace(eni, storeSubnet.id, hops, explanations, resolution);
}

type AclHop = (subnet: Subnet, judge: (acl: NetworkAcl) => AclJudgement, what: string, direction: Hop['direction']) => void;

/**
 * The replies' network ACLs from the NAT gateway's subnet back to the Glue subnet. The NAT gateway
 * rewrites only the reply's destination: it still comes from `sender`'s public address.
 */
function natReplyAcls(aclHop: AclHop, eni: EniSide, natSubnet: Subnet | undefined, glueRange: Cidr[] | undefined, sameSubnet: boolean, sender: string): void {
  if (natSubnet) aclHop(natSubnet, (acl) => judgeAcl(acl, false, PUBLIC_RANGES, NAT_GATEWAY_PORTS, 'one-unknown-address', 'client-picks'), "inbound replies into the NAT gateway's subnet (ports 1024-65535)", 'return');
  if (natSubnet && glueRange && !sameSubnet) {
    aclHop(natSubnet, (acl) => judgeAcl(acl, true, glueRange, LINUX_EPHEMERAL_PORTS, 'every-address', 'client-picks'), 'outbound replies from the NAT gateway to the Glue subnet (ports 32768-60999)', 'return');
  }
  aclHop(eni.subnet, (acl) => judgeAcl(acl, false, PUBLIC_RANGES, LINUX_EPHEMERAL_PORTS, 'one-unknown-address', 'client-picks'), `inbound replies into the Glue subnet from ${sender}'s public address (ports 32768-60999)`, 'return');
}

/** A public or internet path once its hops are judged: the worst hop's verdict, blocking explanations first. */
function judgedTrace(eni: EniSide, destinationSubnet: string, hops: Hop[], explanations: Explanation[], resolution?: PathTrace['nameResolution']): PathTrace {
  const verdict: Verdict = hops.some((h) => h.verdict === 'UNREACHABLE') ? 'UNREACHABLE' : hops.some((h) => h.verdict === 'UNKNOWN') ? 'UNKNOWN' : 'REACHABLE';
  explanations.sort((a, b) => Number(!!a.unknown) - Number(!!b.unknown));
  return { sourceSubnet: eni.subnet.id, destinationSubnet, verdict, hops, explanations, ...(resolution ? { nameResolution: resolution } : {}) };
}

/** Where a path to a host on the internet is judged to (`traceInternetPath`), as `PathTrace.destinationSubnet`. */
export const INTERNET = 'internet';

/**
 * The end of the path to a host on the internet: the host (nothing of its side is judged), then
 * the replies' network ACLs back to the Glue subnet.
 */
function internetEnd(eni: EniSide, located: LocatedStore, port: number, hops: Hop[], explanations: Explanation[],
  aclHop: AclHop, natSubnet: Subnet | undefined, glueRange: Cidr[] | undefined, sameSubnet: boolean): PathTrace {
  hops.push({ kind: 'data-store', direction: 'forward', component: located.host ?? INTERNET, verdict: 'REACHABLE', detail: `host ${located.host ?? '?'} on the internet, TCP ${port} (what it admits is not in the inputs)` });
  natReplyAcls(aclHop, eni, natSubnet, glueRange, sameSubnet, 'the host');
  return judgedTrace(eni, INTERNET, hops, explanations);
}

interface NatHop {
  readonly outcome: Outcome;
  readonly why: string;
  readonly code: string;
  readonly component: string;
  readonly source?: Hop['source'];
  readonly natSubnet?: Subnet;
}

/** The NAT gateway the subnet's table sends every public address to, in the same VPC and public. */
function natOf(topo: Topology, subnet: Subnet, vpc: Vpc): NatHop {
  const table = topo.effectiveRouteTable(subnet);
  if (!table.known) return { outcome: 'unknown', why: table.reason, code: 'UNKNOWN_ROUTE_TABLE', component: subnet.id };
  const rt = table.value;
  const rtName = rt.implicitMain ? `the main route table of ${vpc.id}` : rt.id;
  const choices = publicRouteChoices(rt, vpc).filter((c) => c.target?.kind !== 'local');
  const nats = new Set(choices.map((c) => (c.target?.kind === 'nat-gateway' ? c.target.targetId ?? c.target.description : undefined)));
  if (choices.length && choices.every((c) => c.target?.kind === 'nat-gateway') && nats.size === 1) {
    const natId = [...nats][0]!;
    const nat = topo.model.natGateways.get(natId);
    if (!nat) return { outcome: 'unknown', why: `${rtName} routes public addresses to NAT gateway ${natId}, which the inputs do not describe`, code: 'UNKNOWN_NEXT_HOP', component: rt.id, source: rt.source };
    if (nat.connectivity === 'private') return { outcome: 'blocked', why: `${rtName} routes public addresses to private NAT gateway ${nat.id}, which has no internet path`, code: 'NO_ROUTE_TO_DESTINATION', component: rt.id, source: rt.source };
    const natSubnet = nat.subnetId.known ? topo.subnet(nat.subnetId.value) : undefined;
    if (!natSubnet) return { outcome: 'unknown', why: `the subnet of NAT gateway ${nat.id} is not described`, code: 'UNKNOWN_NEXT_HOP', component: nat.id, source: nat.source };
    if (natSubnet.vpcId.known && natSubnet.vpcId.value !== vpc.id) return { outcome: 'blocked', why: `${rtName} routes to NAT gateway ${nat.id} of another VPC (NGW_REQUIRES_SOURCE_IN_VPC)`, code: 'NGW_REQUIRES_SOURCE_IN_VPC', component: rt.id, source: rt.source };
    return { outcome: 'pass', why: `${rtName} sends public addresses to NAT gateway ${nat.id}`, code: '', component: rt.id, source: rt.source, natSubnet };
  }
  const undecided = choices.find((c) => c.unknownReason || (c.target && !['nat-gateway', 'internet-gateway', 'egress-only-internet-gateway', 'carrier-gateway'].includes(c.target.kind)));
  const someNat = choices.some((c) => c.target?.kind === 'nat-gateway');
  if (undecided || someNat) {
    return { outcome: 'unknown', why: undecided?.unknownReason ?? `${rtName} sends public addresses to ${[...new Set(choices.map(routeText))].slice(0, 3).join(', ')}; which the store's public address takes, and what lies beyond, is not known`, code: 'UNKNOWN_NEXT_HOP', component: rt.id, source: rt.source };
  }
  const igw = choices.some((c) => c.target?.kind === 'internet-gateway');
  return {
    outcome: 'blocked',
    why: igw
      ? `${rtName} sends public addresses to an internet gateway, but Glue ENIs have no public IP, so that route does not carry them (IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS)`
      : `${rtName} has no route to public addresses (no NAT gateway)`,
    code: igw ? 'IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS' : 'NO_ROUTE_TO_DESTINATION',
    component: rt.id,
    source: rt.source,
  };
}

/**
 * Why the traffic that comes back into `subnet` through the internet gateways (replies to a NAT
 * gateway, requests to a public store) may not reach it, or undefined: a gateway route table
 * (edge association) of such a gateway that sends the subnet's addresses anywhere but the local
 * route sends them to a middlebox, whose forwarding the inputs do not show (VPC User Guide,
 * "Gateway route tables").
 */
function edgeRouting(topo: Topology, subnet: Subnet, vpc: Vpc, gateways: readonly string[]): { why: string; component: string; fix: string } | undefined {
  if (!subnet.cidr.known) return undefined;
  for (const table of topo.edgeRouteTables()) {
    if (!table.edgeGateways || (table.vpcId.known && table.vpcId.value !== vpc.id)) continue;
    const edge = table.edgeGateways.find((g) => !g.known || gateways.includes(g.value));
    if (!edge) continue;
    if (!edge.known) {
      return {
        why: `replies entering ${vpc.id} through it may be routed by gateway route table ${table.id} (${edge.reason})`,
        component: table.id,
        fix: `Make the gateway of ${table.id}'s association resolvable (a Ref to the internet gateway, or gatewayIds in --facts) so its routes can be judged for ${subnet.id}, or acknowledge this warning.`,
      };
    }
    const sent = lookupRoutes(table, vpc, subnet.cidr.value, topo.subnetCidrsOf(vpc.id)).filter((c) => c.target?.kind !== 'local');
    if (sent.length) {
      return {
        why: `its gateway route table ${table.id} sends the traffic entering ${vpc.id} for ${subnet.id} (${subnet.cidr.value.text}) to ${sent.map((c) => c.target?.description ?? `a route that may apply (${c.unknownReason ?? 'no route'})`).join(', ')}: a middlebox whose forwarding the inputs do not show`,
        component: table.id,
        fix: `Check that the appliance to which gateway route table ${table.id} sends ${subnet.id}'s traffic forwards it on to ${subnet.id}, then acknowledge this warning; or send ${subnet.cidr.value.text} to local in ${table.id} (the traffic is then delivered directly).`,
      };
    }
  }
  return undefined;
}

/** Whether the subnet's table sends every public address to an internet gateway. */
export function internetRoute(topo: Topology, subnet: Subnet, vpc: Vpc): { outcome: Outcome; why: string; component: string; edge?: { fix: string } } {
  const table = topo.effectiveRouteTable(subnet);
  if (!table.known) return { outcome: 'unknown', why: table.reason, component: subnet.id };
  const rt = table.value;
  const rtName = rt.implicitMain ? `the main route table of ${vpc.id}` : rt.id;
  const choices = publicRouteChoices(rt, vpc).filter((c) => c.target?.kind !== 'local');
  const outcomes: Outcome[] = choices.map((c) => (c.target?.kind === 'internet-gateway' ? 'pass'
    : c.unknownReason || (c.target && !['nat-gateway', 'egress-only-internet-gateway', 'carrier-gateway'].includes(c.target.kind)) ? 'unknown' : 'blocked'));
  const routes = [...new Set(choices.map(routeText))].slice(0, 3).join(', ');
  if (outcomes.length && outcomes.every((o) => o === 'pass')) {
    const gateways = [...new Set(choices.map((c) => c.target?.targetId).filter((id): id is string => id !== undefined))];
    const edge = edgeRouting(topo, subnet, vpc, gateways);
    if (edge) return { outcome: 'unknown', why: `${rtName} routes public addresses to an internet gateway, but ${edge.why}`, component: edge.component, edge: { fix: edge.fix } };
    return { outcome: 'pass', why: `${rtName} routes public addresses to an internet gateway`, component: rt.id };
  }
  if (!outcomes.length || outcomes.every((o) => o === 'blocked')) return { outcome: 'blocked', why: `${rtName} has no route to an internet gateway for public addresses (${routes || 'no route'})`, component: rt.id };
  return { outcome: 'unknown', why: `${rtName} sends only some public addresses to an internet gateway, or some to a next hop not described (${routes})`, component: rt.id };
}

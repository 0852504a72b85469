import { OpenEnded, PortRange, SecurityGroup, SecurityGroupRule, SourceRef, Vpc } from '../model';
import { KeyTree, keyStep } from './key-tree';
import { nameOf } from './names';
import { causesText, openingsFor } from './open-ended';
import { Explanation, Hop } from './plan';
import { RouteSegment } from './routing';
import { Topology } from './topology';
// Values from their modules, not the barrel: its re-exports are getters on every call.
import { AddressRange, formatRange, overlaps, subtract } from '../model/cidr';
import { PROTOCOL_ALL, PROTOCOL_TCP } from '../model/network';

/** How the packet travels between the two VPCs: decides whether group references are valid. */
export interface SecurityGroupContext {
  readonly sourceVpc: Vpc;
  readonly destinationVpc: Vpc;
  readonly peeringIds: ReadonlySet<string>;
  readonly transitGatewayIds: ReadonlySet<string>;
  /** Routing reached a next hop the model does not describe. */
  readonly unknownNextHop?: boolean;
  /** The store's addresses by how the request reaches them (see RoutingResult.segments). */
  readonly segments?: readonly RouteSegment[];
}

export interface SecurityGroupCheck {
  readonly hop: Hop;
  readonly explanations: Explanation[];
}

function admitsTcpPort(rule: SecurityGroupRule, port: number): boolean {
  return (rule.protocol === PROTOCOL_ALL || rule.protocol === PROTOCOL_TCP) && rule.ports.from <= port && port <= rule.ports.to;
}

type Validity = { valid: boolean; undecided?: boolean; reason?: string };

/** Whether a reference is honoured over one peering (same Region only). */
function peeringValidity(topo: Topology, ctx: SecurityGroupContext, peeringIds: Iterable<string>): Validity {
  const a = topo.regionOf(ctx.sourceVpc);
  const b = topo.regionOf(ctx.destinationVpc);
  const unknownRegion = [...peeringIds].map((id) => topo.model.peerings.get(id)?.peerRegion).find((region) => region?.known === false);
  if (unknownRegion && !unknownRegion.known) {
    return { valid: false, undecided: true, reason: `the peering's Region (a group reference is honoured only within one Region), which is unknown (${unknownRegion.reason})` };
  }
  const crossRegion = [...peeringIds].some((id) => {
    const pcx = topo.model.peerings.get(id);
    return pcx?.peerRegion?.known === true && a !== undefined && pcx.peerRegion.value !== a && pcx.peerRegion.value !== '';
  }) || (a !== undefined && b !== undefined && a !== b);
  return crossRegion
    ? { valid: false, reason: 'security group references are not supported across an inter-Region VPC peering' }
    : { valid: true };
}

/**
 * Whether a reference is honoured over transit gateways: inbound rules only, with referencing
 * enabled on the gateway and on the VPC attachments of both ends ([TGW-SG]); an attachment whose
 * option is unknown leaves it undecided.
 */
function transitGatewayValidity(topo: Topology, ctx: SecurityGroupContext, transitGatewayIds: Iterable<string>, way: 'egress' | 'ingress'): Validity {
  if (way === 'egress') {
    return { valid: false, reason: 'outbound rules cannot reference a security group across a transit gateway (only inbound rules can, when the transit gateway and its attachments enable security group referencing)' };
  }
  const unknownOptions: string[] = [];
  for (const id of transitGatewayIds) {
    if (!topo.model.transitGateways.get(id)?.securityGroupReferencingSupport) {
      return { valid: false, reason: 'the transit gateway does not have security group referencing support enabled' };
    }
    for (const vpc of [ctx.sourceVpc, ctx.destinationVpc]) {
      for (const attachment of topo.attachmentsOf(id, vpc.id)) {
        const option = attachment.securityGroupReferencingSupport;
        if (option?.known === false) {unknownOptions.push(attachment.id);} else if (option && !option.value) {
          return { valid: false, reason: `transit gateway attachment ${attachment.id} disables security group referencing (Options.SecurityGroupReferencingSupport)` };
        }
      }
    }
  }
  return unknownOptions.length
    ? { valid: false, undecided: true, reason: `Options.SecurityGroupReferencingSupport of transit gateway attachment${unknownOptions.length > 1 ? 's' : ''} ${unknownOptions.join(', ')}, not set or not resolved (AWS documents two defaults for it: disabled in the CloudFormation reference, enabled in the EC2 API); a reference is honoured only when the gateway and the attachments enable it` }
    : { valid: true };
}

function unknownHopValidity(ctx: SecurityGroupContext): Validity {
  return { valid: false, undecided: true, reason: `whether a group reference between ${ctx.sourceVpc.id} and ${ctx.destinationVpc.id} is honoured depends on a next hop the templates do not describe` };
}

/**
 * Whether a group reference across the path is honoured, for the whole path: always within a VPC;
 * across a peering only in the same Region; across a transit gateway only in inbound rules, and
 * only with security group referencing enabled. When the store's addresses are reached in several
 * ways, the worst answer (a reference not honoured for some of them blocks those packets).
 */
function referenceValidity(topo: Topology, ctx: SecurityGroupContext, way: 'egress' | 'ingress'): Validity {
  if (ctx.sourceVpc.id === ctx.destinationVpc.id) return { valid: true };
  const answers: Validity[] = [];
  if (ctx.peeringIds.size) answers.push(peeringValidity(topo, ctx, ctx.peeringIds));
  if (ctx.transitGatewayIds.size) answers.push(transitGatewayValidity(topo, ctx, ctx.transitGatewayIds, way));
  const invalid = answers.filter((x) => !x.valid);
  // A reference not honoured on one way blocks; one whose answer is unknown (a peering's Region)
  // stays undecided, never taken as not honoured.
  const blocking = invalid.filter((x) => !x.undecided);
  if (blocking.length) return { valid: false, reason: blocking.map((x) => x.reason).join('; ') };
  if (invalid.length) return { valid: false, undecided: true, reason: invalid.map((x) => x.reason).join('; ') };
  if (ctx.unknownNextHop) return unknownHopValidity(ctx);
  if (answers.length) return { valid: true };
  // No packet crosses anything (the routes send it nowhere, which the route hop reports): a
  // peering that joins the two VPCs is what a route to it would cross, so the reference is
  // judged over it rather than reported as a second blocker (the VPCs are peered).
  // Only an active peering joins them: one that cannot become active (failed) or is not accepted
  // joins nothing, and one whose state the inputs do not decide leaves the reference undecided.
  const peering = topo.peeringBetween(ctx.sourceVpc.id, ctx.destinationVpc.id);
  if (peering?.state === 'active') return peeringValidity(topo, ctx, [peering.id]);
  if (peering?.state === 'unknown') {
    return { valid: false, undecided: true, reason: `whether peering ${peering.id} between ${ctx.sourceVpc.id} and ${ctx.destinationVpc.id} becomes active (a group reference is honoured only over an active peering in one Region), which the inputs do not decide${peering.unknownState ? ` (${peering.unknownState})` : ''}` };
  }
  if (peering) return { valid: false, reason: `peering ${peering.id} between ${ctx.sourceVpc.id} and ${ctx.destinationVpc.id} is ${peering.state === 'failed' ? 'one that cannot become active' : 'not accepted'}, so their groups cannot reference each other` };
  return { valid: false, reason: `${ctx.sourceVpc.id} and ${ctx.destinationVpc.id} are not peered, so their groups cannot reference each other` };
}

/**
 * What a reference covers of `peerRange`, part by part. For egress, the peer range is the store's
 * addresses, and each part is judged by how the request reaches it (a reference can be honoured
 * over a peering and not over a transit gateway). For ingress, the peer range is the Glue subnet,
 * judged for the whole path.
 */
function referenceParts(topo: Topology, ctx: SecurityGroupContext, way: 'egress' | 'ingress', peerRange: AddressRange): (Validity & { range: AddressRange })[] {
  if (way === 'ingress' || !ctx.segments || ctx.sourceVpc.id === ctx.destinationVpc.id) return [{ range: peerRange, ...referenceValidity(topo, ctx, way) }];
  const parts: (Validity & { range: AddressRange })[] = [];
  for (const segment of ctx.segments) {
    const first = Math.max(segment.range.first, peerRange.first);
    const last = Math.min(segment.range.last, peerRange.last);
    if (first > last) continue;
    const validity = segment.via === 'vpc-peering' ? peeringValidity(topo, ctx, [segment.id!])
      : segment.via === 'transit-gateway' ? transitGatewayValidity(topo, ctx, [segment.id!], way)
        : unknownHopValidity(ctx);
    parts.push({ range: { first, last }, ...validity });
  }
  // Addresses no route delivers: the routing hop blocks them; a reference cannot cover them.
  if (!parts.length) parts.push({ range: peerRange, ...referenceValidity(topo, ctx, way) });
  return parts;
}

interface Coverage {
  covered: AddressRange[];
  /** Rules whose effect on any address cannot be told (prefix lists, unknown peers). */
  undecided: string[];
  /** References whose effect on part of the peer range cannot be told. */
  partUndecided: { range: AddressRange; reason: string }[];
  invalidReferences: string[];
}

function cover(topo: Topology, groups: readonly SecurityGroup[], way: 'egress' | 'ingress', port: number, peerRange: AddressRange, peerGroups: readonly string[], ctx: SecurityGroupContext): Coverage {
  const result: Coverage = { covered: [], undecided: [], partUndecided: [], invalidReferences: [] };
  // Judged once per check, and only when a rule references a group.
  let parts: ReturnType<typeof referenceParts> | undefined;
  for (const group of groups) {
    for (const rule of way === 'egress' ? group.egress : group.ingress) {
      if (!admitsTcpPort(rule, port)) continue;
      const peer = rule.peer;
      if (peer.kind === 'cidr') {
        // A rule that may not exist as shown covers nothing for certain: where it would, the answer is unknown.
        if (!rule.uncertain) result.covered.push(peer.cidr);
        else if (overlaps(peer.cidr, peerRange)) result.undecided.push(rule.uncertain);
      } else if (peer.kind === 'security-group') {
        if (!peerGroups.includes(peer.groupId)) {
          // A peer group the templates do not resolve may be the one referenced.
          const placeholder = peerGroups.map((id) => topo.securityGroup(id)?.unresolved).find((reason) => reason);
          if (placeholder) result.undecided.push(placeholder);
          continue;
        }
        parts ??= referenceParts(topo, ctx, way, peerRange);
        for (const part of parts) {
          if (part.valid) {
            if (rule.uncertain) result.partUndecided.push({ range: part.range, reason: rule.uncertain });
            else result.covered.push(part.range);
          } else if (part.undecided) {
            result.partUndecided.push({ range: part.range, reason: part.reason! });
          } else if (!rule.uncertain) {
            result.invalidReferences.push(`${peer.groupId}: ${part.reason}`);
          }
        }
      } else if (peer.kind === 'prefix-list') {result.undecided.push(`prefix list ${peer.prefixListId} (not defined by the templates: its entries are not in the inputs)`);} else {result.undecided.push(peer.reason);}
    }
  }
  return result;
}

/** Egress from the Glue ENI's groups to the store's addresses on `port`. */
export function checkEniEgress(topo: Topology, eniGroups: readonly string[], storeRange: AddressRange, storeGroups: readonly string[], port: number, ctx: SecurityGroupContext): SecurityGroupCheck {
  return check(topo, 'egress', eniGroups, storeRange, storeGroups, port, ctx);
}

/** Ingress into the store's groups from the Glue ENI's subnet on `port`. */
export function checkStoreIngress(topo: Topology, storeGroups: readonly string[], eniRange: AddressRange, eniGroups: readonly string[], port: number, ctx: SecurityGroupContext): SecurityGroupCheck {
  return check(topo, 'ingress', storeGroups, eniRange, eniGroups, port, ctx);
}

/** What a check reads of a list of groups whatever the question: their names, which are described, their openings. */
interface GroupList {
  readonly component: string;
  readonly firstSource?: SourceRef;
  readonly present: readonly SecurityGroup[];
  readonly missing: readonly string[];
  readonly openings: { readonly egress: readonly OpenEnded[]; readonly ingress: readonly OpenEnded[] };
}

/**
 * `GroupList`s by topology, then list (a connection's and a store's lists are built once, and
 * the model's groups are not changed once built): every check of every path through the same
 * groups joined their names and looked them up again.
 */
const groupLists = new WeakMap<Topology, WeakMap<readonly string[], GroupList>>();

/**
 * The same `GroupList`s by the ids, in order, one id a level (the list ends where `list` is set):
 * stores located apart get lists of their own with the same ids, which are read the same.
 */
type GroupListNode = KeyTree<GroupList>;
const groupListTrees = new WeakMap<Topology, GroupListNode>();

function groupListOf(topo: Topology, groups: readonly string[]): GroupList {
  let byList = groupLists.get(topo);
  if (!byList) groupLists.set(topo, byList = new WeakMap());
  let list = byList.get(groups);
  if (list) return list;
  let node: GroupListNode | undefined = groupListTrees.get(topo);
  if (!node) groupListTrees.set(topo, node = {});
  for (const id of groups) node = keyStep(node, id);
  list = node.value;
  if (!list) {
    const present: SecurityGroup[] = [];
    const missing: string[] = [];
    for (const id of groups) {
      const group = topo.securityGroup(id);
      if (group) present.push(group);
      else missing.push(id);
    }
    list = {
      component: groups.join(', ') || '(no security groups)',
      firstSource: topo.securityGroup(groups[0] ?? '')?.source,
      present,
      missing,
      openings: { egress: present.flatMap((g) => openingsFor(g.openEnded, 'egress')), ingress: present.flatMap((g) => openingsFor(g.openEnded, 'ingress')) },
    };
    node.value = list;
  }
  byList.set(groups, list);
  return list;
}

function check(topo: Topology, way: 'egress' | 'ingress', groups: readonly string[], peerRange: AddressRange, peerGroups: readonly string[], port: number, ctx: SecurityGroupContext): SecurityGroupCheck {
  const { component, firstSource, present, missing, openings: byWay } = groupListOf(topo, groups);
  const subject = way === 'egress' ? "Glue ENI's" : "data store's";
  const coverage = cover(topo, present, way, port, peerRange, peerGroups, ctx);
  const gaps = subtract(peerRange, coverage.covered);
  const peerText = way === 'egress' ? `to ${formatRange(peerRange)}` : `from ${formatRange(peerRange)}`;
  const openings = byWay[way];
  if (!gaps.length && openings.some((o) => o.effect === 'change')) {
    const changes = openings.filter((o) => o.effect === 'change');
    return {
      hop: { kind: 'security-group', direction: 'forward', component, source: firstSource, verdict: 'UNKNOWN', detail: `the listed rules allow TCP ${port} ${peerText}, but ${causesText(changes)}` },
      explanations: [{ code: 'OPEN_ENDED_SECURITY_GROUP', component, source: changes[0].source, message: `The ${subject} security groups (${component}) allow TCP ${port} ${peerText} by the rules the templates list, but their rules may be changed or removed outside them: ${causesText(changes)}.`, fix: 'Manage the rules as template resources (AWS::EC2::SecurityGroupIngress/Egress) instead, or acknowledge this warning.', unknown: true }],
    };
  }
  if (!gaps.length) {
    return { hop: { kind: 'security-group', direction: 'forward', component, source: firstSource, verdict: 'REACHABLE', detail: `${subject} groups allow TCP ${port} ${peerText}` }, explanations: [] };
  }
  const incomplete = present.map((g) => g.incomplete).filter((x): x is string => !!x);
  const undecided = [...coverage.undecided, ...missing.map((id) => `security group ${id} is not described`), ...incomplete,
    ...(openings.length ? [`rules the templates do not list: ${causesText(openings)}`] : [])];
  if (!groups.length && way === 'ingress') undecided.push('the store has no known security groups');
  // Gaps a reference might cover (undecided for those addresses) are not definite.
  const definiteGaps = coverage.partUndecided.length ? gaps.flatMap((g) => subtract(g, coverage.partUndecided.map((p) => p.range))) : gaps;
  if (!definiteGaps.length) undecided.push(...new Set(coverage.partUndecided.map((p) => p.reason)));
  const gapText = (undecided.length ? gaps : definiteGaps).map(formatRange).join(', ');
  if (undecided.length) {
    return {
      hop: { kind: 'security-group', direction: 'forward', component, source: firstSource, verdict: 'UNKNOWN', detail: `cannot tell whether TCP ${port} ${peerText} is allowed: ${undecided[0]}` },
      explanations: [{
        code: 'UNKNOWN_SECURITY_GROUP_RULES',
        component,
        source: firstSource,
        message: `Whether the ${subject} security groups (${component}) allow TCP ${port} ${way === 'egress' ? 'to' : 'from'} ${gapText} cannot be told from the inputs: ${undecided.join('; ')}.`,
        fix: openings.length === undecided.length
          ? `Declare the rule in the templates (TCP ${port} ${way === 'egress' ? 'to' : 'from'} ${gapText}, AWS::EC2::SecurityGroup${way === 'egress' ? 'Egress' : 'Ingress'}) so the verdict can be decided, or acknowledge this warning.`
          : 'Describe the missing groups or rules (--facts), or add an explicit rule.',
        unknown: true,
      }],
    };
  }
  const noRules = way === 'ingress' && present.length > 0 && present.every((g) => g.ingress.length === 0);
  const code = noRules ? 'SG_HAS_NO_RULES' : coverage.invalidReferences.length ? (ctx.peeringIds.size ? 'UNKNOWN_PEERED_SGS' : 'ENI_SG_RULES_MISMATCH') : 'ENI_SG_RULES_MISMATCH';
  const why = coverage.invalidReferences.length ? ` A rule references ${coverage.invalidReferences.join('; ')}.` : '';
  // Groups by construct path; the group that gets the rule and the source group are the ones
  // auto-peer would use (the connection's Glue group: the one with the self-referencing rule).
  const name = (id: string | undefined) => (id === undefined ? 'the store\'s group' : nameOf(topo.securityGroup(id)?.source, id));
  const glueGroup = way === 'egress' ? glueGroupOf(topo, groups)?.groupId : glueGroupOf(topo, peerGroups)?.groupId;
  const fix = way === 'egress'
    ? referenceValidity(topo, ctx, way).valid || !ctx.transitGatewayIds.size
      ? `Allow egress TCP ${port} to ${formatRange(peerRange)} (or to the store's security group) on ${glueGroup !== undefined ? name(glueGroup) : 'the connection\'s group'}.`
      : `Allow egress TCP ${port} to ${formatRange(peerRange)} on ${glueGroup !== undefined ? name(glueGroup) : 'the connection\'s group'} (a CIDR: outbound rules cannot reference a group across a transit gateway).`
    : referenceValidity(topo, ctx, way).valid
      ? glueGroup !== undefined
        ? `Add ingress TCP ${port} on ${name(groups[0])} from the Glue connection's security group ${name(glueGroup)} (or from ${formatRange(peerRange)}).`
        // No group on the Glue side: the connection lists none (GNP-SG-NO-SELF-REFERENCE).
        : `Add ingress TCP ${port} on ${name(groups[0])} from ${formatRange(peerRange)}; the Glue connection lists no security group, and it must list one with the self-referencing rule Glue requires (a rule from that group would then do as well).`
      : !ctx.peeringIds.size && !ctx.transitGatewayIds.size && !ctx.unknownNextHop && glueGroup !== undefined
        ? `Add ingress TCP ${port} on ${name(groups[0])} from the Glue connection's security group ${name(glueGroup)} (honoured once the VPCs are peered in one Region) or from ${formatRange(peerRange)}.`
        : `Add ingress TCP ${port} on ${name(groups[0])} from ${formatRange(peerRange)} (a CIDR: a group reference is not valid here).`;
  return {
    hop: { kind: 'security-group', direction: 'forward', component, source: firstSource, verdict: 'UNREACHABLE', detail: `${subject} groups do not allow TCP ${port} ${way === 'egress' ? 'to' : 'from'} ${gapText}` },
    explanations: [{
      code,
      component,
      source: firstSource,
      message: `The ${subject} security groups (${component}) ${noRules ? 'have no inbound rules, so they ' : ''}do not allow TCP ${port} ${way === 'egress' ? 'to' : 'from'} ${gapText}.${why} Security groups are stateful, so the ${way === 'egress' ? 'Glue side needs an outbound rule' : "store's side needs an inbound rule"}; ${way === 'ingress' ? 'a CIDR rule must cover the whole Glue subnet, because Glue may place ENIs anywhere in it' : 'the rule must cover every address the store may have'}.`,
      fix,
    }],
  };
}

export function portText(ports: PortRange): string {
  return ports.from === ports.to ? String(ports.from) : `${ports.from}-${ports.to}`;
}

/**
 * The connection's Glue group: the group Glue requires, with an inbound rule for all TCP from
 * itself. When several have it, the first in the connection's list; when none has it (the plan
 * reports GNP-SG-NO-SELF-REFERENCE), the first listed. Its reason says which and why.
 */
export function glueGroupOf(topo: Topology, groupIds: readonly string[]): { groupId: string; reason: string } | undefined {
  if (!groupIds.length) return undefined;
  const name = (id: string) => nameOf(topo.securityGroup(id)?.source, id);
  const selfReferencing = groupIds.filter((id) => topo.securityGroup(id)?.ingress.some((r) => r.peer.kind === 'security-group' && r.peer.groupId === id
    && (r.protocol === PROTOCOL_TCP || r.protocol === PROTOCOL_ALL) && r.ports.from <= 0 && r.ports.to >= 65535));
  if (!selfReferencing.length) {
    return { groupId: groupIds[0], reason: `${name(groupIds[0])}, the first group of the connection (none of ${groupIds.map(name).join(', ')} has the self-referencing all-TCP rule of a Glue group)` };
  }
  const groupId = selfReferencing[0];
  const others = selfReferencing.slice(1);
  return {
    groupId,
    reason: `${name(groupId)}, the connection's Glue group (the one with the self-referencing all-TCP rule${others.length ? `; ${others.map(name).join(', ')} also ${others.length > 1 ? 'have' : 'has'} it, the first listed is used` : ''})`,
  };
}

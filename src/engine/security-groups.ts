import { PortRange, SecurityGroup, SecurityGroupRule, Vpc } from '../model';
import { causesText, openingsFor } from './open-ended';
import { Explanation, Hop } from './plan';
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
}

export interface SecurityGroupCheck {
  readonly hop: Hop;
  readonly explanations: Explanation[];
}

function admitsTcpPort(rule: SecurityGroupRule, port: number): boolean {
  return (rule.protocol === PROTOCOL_ALL || rule.protocol === PROTOCOL_TCP) && rule.ports.from <= port && port <= rule.ports.to;
}

/**
 * Whether a group reference across the path is honoured: always within a VPC; across a peering
 * only in the same Region; across a transit gateway only with security group referencing enabled.
 */
function referenceValidity(topo: Topology, ctx: SecurityGroupContext): { valid: boolean; undecided?: boolean; reason?: string } {
  if (ctx.sourceVpc.id === ctx.destinationVpc.id) return { valid: true };
  if (ctx.peeringIds.size) {
    const a = topo.regionOf(ctx.sourceVpc);
    const b = topo.regionOf(ctx.destinationVpc);
    const unknownRegion = [...ctx.peeringIds].map((id) => topo.model.peerings.get(id)?.peerRegion).find((region) => region?.known === false);
    if (unknownRegion && !unknownRegion.known) {
      return { valid: false, undecided: true, reason: `whether a group reference is honoured depends on the peering's Region, which is unknown (${unknownRegion.reason})` };
    }
    const crossRegion = [...ctx.peeringIds].some((id) => {
      const pcx = topo.model.peerings.get(id);
      return pcx?.peerRegion?.known === true && a !== undefined && pcx.peerRegion.value !== a && pcx.peerRegion.value !== '';
    }) || (a !== undefined && b !== undefined && a !== b);
    return crossRegion
      ? { valid: false, reason: 'security group references are not supported across an inter-Region VPC peering' }
      : { valid: true };
  }
  if (ctx.transitGatewayIds.size) {
    const supported = [...ctx.transitGatewayIds].every((id) => topo.model.transitGateways.get(id)?.securityGroupReferencingSupport);
    return supported ? { valid: true } : { valid: false, reason: 'the transit gateway does not have security group referencing support enabled' };
  }
  if (ctx.unknownNextHop) {
    return { valid: false, undecided: true, reason: `whether a group reference between ${ctx.sourceVpc.id} and ${ctx.destinationVpc.id} is honoured depends on a next hop the templates do not describe` };
  }
  return { valid: false, reason: `${ctx.sourceVpc.id} and ${ctx.destinationVpc.id} are not peered, so their groups cannot reference each other` };
}

interface Coverage {
  covered: AddressRange[];
  undecided: string[];
  invalidReferences: string[];
}

function cover(topo: Topology, groups: readonly SecurityGroup[], way: 'egress' | 'ingress', port: number, peerRange: AddressRange, peerGroups: readonly string[], ctx: SecurityGroupContext): Coverage {
  const result: Coverage = { covered: [], undecided: [], invalidReferences: [] };
  // Judged once per check, and only when a rule references a group.
  let validity: ReturnType<typeof referenceValidity> | undefined;
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
        validity ??= referenceValidity(topo, ctx);
        if (validity.valid) {
          if (rule.uncertain) result.undecided.push(rule.uncertain);
          else result.covered.push(peerRange);
        } else if (validity.undecided) {
          result.undecided.push(validity.reason!);
        } else if (!rule.uncertain) {
          result.invalidReferences.push(`${peer.groupId}: ${validity.reason}`);
        }
      } else if (peer.kind === 'prefix-list') {result.undecided.push(`prefix list ${peer.prefixListId} (contents not modelled)`);} else {result.undecided.push(peer.reason);}
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

function check(topo: Topology, way: 'egress' | 'ingress', groups: readonly string[], peerRange: AddressRange, peerGroups: readonly string[], port: number, ctx: SecurityGroupContext): SecurityGroupCheck {
  const component = groups.join(', ') || '(no security groups)';
  const subject = way === 'egress' ? "Glue ENI's" : "data store's";
  const firstSource = topo.securityGroup(groups[0] ?? '')?.source;
  const present: SecurityGroup[] = [];
  const missing: string[] = [];
  for (const id of groups) {
    const group = topo.securityGroup(id);
    if (group) present.push(group);
    else missing.push(id);
  }
  const coverage = cover(topo, present, way, port, peerRange, peerGroups, ctx);
  const gaps = subtract(peerRange, coverage.covered);
  const peerText = way === 'egress' ? `to ${formatRange(peerRange)}` : `from ${formatRange(peerRange)}`;
  const openings = present.flatMap((g) => openingsFor(g.openEnded, way));
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
  const gapText = gaps.map(formatRange).join(', ');
  if (undecided.length) {
    return {
      hop: { kind: 'security-group', direction: 'forward', component, source: firstSource, verdict: 'UNKNOWN', detail: `cannot tell whether TCP ${port} ${peerText} is allowed: ${undecided[0]}` },
      explanations: [{
        code: 'UNKNOWN_SECURITY_GROUP_RULES',
        component,
        source: firstSource,
        message: `Whether the ${subject} security groups (${component}) allow TCP ${port} ${way === 'egress' ? 'to' : 'from'} ${gapText} depends on ${undecided.join('; ')}.`,
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
  const fix = way === 'egress'
    ? `Allow egress TCP ${port} to ${formatRange(peerRange)} (or to the store's security group) on ${groups[0] ?? 'the connection\'s group'}.`
    : referenceValidity(topo, ctx).valid
      ? `Add ingress TCP ${port} on ${groups[0]} from the Glue connection's security group ${peerGroups[0] ?? ''} (or from ${formatRange(peerRange)}).`.replace(' )', ')')
      : !ctx.peeringIds.size && !ctx.transitGatewayIds.size && !ctx.unknownNextHop && peerGroups.length
        ? `Add ingress TCP ${port} on ${groups[0]} from the Glue connection's security group ${peerGroups[0]} (honoured once the VPCs are peered in one Region) or from ${formatRange(peerRange)}.`
        : `Add ingress TCP ${port} on ${groups[0]} from ${formatRange(peerRange)} (a CIDR: a group reference is not valid here).`;
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

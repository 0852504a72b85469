import { OpenEnded, RouteTable, RouteTarget, SourceRef, Subnet, TransitGatewayRouteTable, Vpc } from '../model';
import { nameOf } from './names';
import { causesText, onlyUnknownAdditions, routeOpeningsFor } from './open-ended';
import { Explanation, Hop, Verdict } from './plan';
import { otherSide, Topology } from './topology';
import { sameZone, subnetZone, zoneKey, zoneText } from './zones';
// Values from their modules, not the barrel: its re-exports are getters on every call.
import { AddressRange, atoms, Cidr, contains, formatRange } from '../model/cidr';

/** The route a table applies to a destination range (constant over that range). */
export interface RouteChoice {
  readonly range: AddressRange;
  readonly destination?: Cidr;
  readonly target?: RouteTarget;
  readonly routeSource?: SourceRef;
  /** Set when no known route matches but routes with unknown destinations might. */
  readonly unknownReason?: string;
}

interface CandidateRoute {
  readonly destination: Cidr;
  readonly target: RouteTarget;
  readonly source?: SourceRef;
  /** The prefix length it competes with, when not its destination's (see `knownLocal`). */
  readonly rank?: number;
}

/** VPC blocks are /16 to /28 (VPC User Guide, VPC CIDR blocks): a local route is never shorter. */
const WIDEST_VPC_BLOCK = 16;

const rankOf = (c: CandidateRoute) => c.rank ?? c.destination.prefixLength;

/** A route that may apply to some addresses of a table, or may not (see `Route.uncertain`). */
interface PossibleRoute {
  /** Undefined: its destination is unknown, so it may cover any address. */
  readonly destination?: Cidr;
  readonly target: RouteTarget;
  readonly reason: string;
}

/**
 * Targets a route more specific than the VPC's local route may have (VPC User Guide, subnet route
 * tables: "more specific routes" to a middlebox); a possible route to anything else cannot take
 * addresses from the local route.
 */
const MAY_OVERRIDE_LOCAL = new Set(['nat-gateway', 'network-interface', 'gateway-load-balancer-endpoint', 'instance', 'unknown']);

/**
 * Longest-prefix match of `destination` in `table`, including the implicit local routes of the
 * VPC's CIDR blocks. The destination is split into atoms so the answer is exact for every address.
 * A route whose destination or presence is unknown makes an atom unknown wherever it could win
 * with another target than the known best route; `knownLocal` (addresses certainly inside the VPC,
 * its subnets' CIDRs) keeps the local route known when the VPC's own blocks are not.
 */
export function lookupRoutes(table: RouteTable, vpc: Vpc | undefined, destination: AddressRange, knownLocal: readonly Cidr[] = []): RouteChoice[] {
  return chooseRoutes(table, tableRoutes(table, vpc, knownLocal), destination);
}

/** What `lookupRoutes` reads of a table whatever the destination: its routes as candidates, possible routes, their boundaries. */
interface TableRoutes {
  readonly candidates: readonly CandidateRoute[];
  readonly possible: readonly PossibleRoute[];
  readonly boundaries: readonly Cidr[];
}

function tableRoutes(table: RouteTable, vpc: Vpc | undefined, knownLocal: readonly Cidr[]): TableRoutes {
  const candidates: CandidateRoute[] = [];
  const possible: PossibleRoute[] = [];
  const local: RouteTarget = { kind: 'local', description: 'local' };
  if (vpc && vpc.cidrBlocks.known) {
    for (const cidr of vpc.cidrBlocks.value) candidates.push({ destination: cidr, target: local });
  } else if (vpc) {
    // A subnet lies in one of the VPC's blocks, whose local route is /16 or longer, up to the
    // subnet's own prefix: certain at /16, possible up to the subnet's length.
    for (const cidr of knownLocal) {
      candidates.push({ destination: cidr, target: local, rank: WIDEST_VPC_BLOCK });
      possible.push({ destination: cidr, target: local, reason: `the CIDR blocks of ${vpc.id} are unknown, so how specific its local route for ${cidr.text} is is unknown` });
    }
    possible.push({ target: local, reason: `the CIDR blocks of ${vpc.id}, hence its local route, are unknown (${vpc.cidrBlocks.known ? '' : vpc.cidrBlocks.reason})` });
  }
  for (const route of table.routes) {
    if (route.destination.known && !route.uncertain) candidates.push({ destination: route.destination.value, target: route.target, source: route.source });
    else if (route.destination.known) possible.push({ destination: route.destination.value, target: route.target, reason: route.uncertain! });
    else possible.push({ target: route.target, reason: route.uncertain ?? route.destination.reason });
  }
  const boundaries = candidates.map((c) => c.destination);
  for (const p of possible) if (p.destination) boundaries.push(p.destination);
  return { candidates, possible, boundaries };
}

/**
 * `tableRoutes` of a subnet's table as traces read it (the table, its VPC, the VPC's subnet
 * CIDRs), by topology, table then VPC: every trace from a subnet looked its table's routes up
 * again (objects per route per trace). A topology's model is not changed while it is planned.
 */
const tableRoutesMemo = new WeakMap<Topology, Map<RouteTable, Map<Vpc, TableRoutes>>>();

function tableRoutesOnce(topo: Topology, table: RouteTable, vpc: Vpc): TableRoutes {
  let byTable = tableRoutesMemo.get(topo);
  if (!byTable) tableRoutesMemo.set(topo, byTable = new Map());
  let byVpc = byTable.get(table);
  if (!byVpc) byTable.set(table, byVpc = new Map());
  let routes = byVpc.get(vpc);
  if (!routes) byVpc.set(vpc, routes = tableRoutes(table, vpc, topo.subnetCidrsOf(vpc.id)));
  return routes;
}

function chooseRoutes(table: RouteTable, routes: TableRoutes, destination: AddressRange): RouteChoice[] {
  const { candidates, possible, boundaries } = routes;
  const choices: RouteChoice[] = [];
  for (const atom of atoms(destination, boundaries)) {
    let best: CandidateRoute | undefined;
    for (const c of candidates) {
      if (!contains(c.destination, atom)) continue;
      // Longest prefix wins; on a tie the local route wins (AWS gives local priority), unless
      // the route is the local route itself with its target replaced by a middlebox.
      if (!best || rankOf(c) > rankOf(best) || replacesLocal(c, best)) best = c;
    }
    const undecided = possible.length ? possible.find((p) => mayDecide(p, best, atom)) : undefined;
    const choice: RouteChoice = undecided
      ? { range: atom, unknownReason: `route table ${table.id} has a route that may apply (${undecided.reason})` }
      : best
        ? { range: atom, destination: best.destination, target: best.target, routeSource: best.source }
        : { range: atom };
    const last = choices[choices.length - 1];
    if (last && sameChoice(last, choice) && last.range.last + 1 === atom.first) {
      // (Written out, not spread: spreading was a hot spot of every trace.)
      const range = { first: last.range.first, last: atom.last };
      choices[choices.length - 1] = { range, destination: last.destination, target: last.target, routeSource: last.routeSource, unknownReason: last.unknownReason };
    } else {
      choices.push(choice);
    }
  }
  return choices;
}

/** Whether a possible route could take `atom` from `best` (or give it a route it lacks) to another target. */
function mayDecide(p: PossibleRoute, best: CandidateRoute | undefined, atom: AddressRange): boolean {
  if (p.destination && !contains(p.destination, atom)) return false;
  // Unknown local addresses are outside every known subnet of the VPC: the packet stays in the
  // VPC or has no route, and neither reaches another VPC.
  if (!best) return p.target.kind !== 'local';
  if (p.target.kind === best.target.kind && p.target.targetId === best.target.targetId && p.target.description === best.target.description) return false;
  // Longer prefixes win; on a tie the local route wins (unless the possible route would replace its target).
  const replacing = p.destination !== undefined && best.target.kind === 'local' && best.rank === undefined && p.destination.text === best.destination.text;
  if (p.destination && !replacing && (p.target.kind === 'local' ? p.destination.prefixLength < rankOf(best) : p.destination.prefixLength <= rankOf(best))) return false;
  if (!p.destination && rankOf(best) === 32) return false;
  if (best.target.kind === 'local' && !MAY_OVERRIDE_LOCAL.has(p.target.kind)) return false;
  return true;
}

/**
 * Whether `route` is the local route `local` with its target replaced: a route to exactly one of
 * the VPC's CIDR blocks whose target is a middlebox (VPC User Guide, "Replace or restore the
 * target for a local route": the local route's target can be changed, and DescribeRouteTables
 * then lists the block with that target instead of `local`).
 */
function replacesLocal(route: CandidateRoute, local: CandidateRoute): boolean {
  return local.target.kind === 'local' && local.rank === undefined && route.target.kind !== 'local'
    && MAY_OVERRIDE_LOCAL.has(route.target.kind) && route.destination.text === local.destination.text;
}

function sameChoice(a: RouteChoice, b: RouteChoice): boolean {
  return a.destination?.text === b.destination?.text && a.target?.kind === b.target?.kind
    && a.target?.targetId === b.target?.targetId && a.target?.description === b.target?.description
    && a.unknownReason === b.unknownReason;
}

/** Where a packet leaves from: a subnet and its VPC. */
export interface Endpoint {
  readonly subnet: Subnet;
  readonly vpc: Vpc;
  readonly range: AddressRange;
}

export interface RoutingResult {
  readonly hops: Hop[];
  readonly explanations: Explanation[];
  /** Peerings the packets cross (for security-group reference validity). */
  readonly peeringIds: Set<string>;
  /** Transit gateways the packets cross. */
  readonly transitGatewayIds: Set<string>;
  /** Some packets go to a next hop the model does not describe (then group references are undecided). */
  unknownNextHop: boolean;
  /**
   * The destination addresses delivered to the other VPC, by how they get there (a peering or a
   * transit gateway), and those sent to a next hop the model does not describe: whether a group
   * reference is honoured depends on it, address by address.
   */
  readonly segments: RouteSegment[];
}

export interface RouteSegment {
  readonly range: AddressRange;
  readonly via: 'vpc-peering' | 'transit-gateway' | 'unknown';
  /** The peering or transit gateway (model key). */
  readonly id?: string;
}

/**
 * Routes from `from` to every address of `to`, through the source subnet's effective route table,
 * then a peering or transit gateway when the route says so. Used for both directions.
 */
export function traceRouting(topo: Topology, from: Endpoint, to: Endpoint, direction: 'forward' | 'return'): RoutingResult {
  const result: RoutingResult = { hops: [], explanations: [], peeringIds: new Set(), transitGatewayIds: new Set(), unknownNextHop: false, segments: [] };
  const table = topo.effectiveRouteTable(from.subnet);
  const side = direction === 'forward' ? 'route out' : 'route back';
  if (!table.known) {
    result.hops.push({ kind: 'route-table', direction, component: from.subnet.id, verdict: 'UNKNOWN', detail: table.reason });
    result.explanations.push({ code: 'UNKNOWN_ROUTE_TABLE', component: from.subnet.id, message: table.reason, fix: 'Describe the route table in the templates or the --facts file.', unknown: true });
    return result;
  }
  const rt = table.value;
  const rtName = rt.implicitMain ? `${rt.id} (main route table of ${from.vpc.id}: only local routes)` : rt.id;
  for (const choice of splitByOpenings(rt, chooseRoutes(rt, tableRoutesOnce(topo, rt, from.vpc), to.range))) {
    const rangeText = formatRange(choice.range);
    const where = `${side}: ${rtName} for ${rangeText}`;
    // (Asked only of a table with openings: most have none.)
    const openings = rt.openEnded?.length ? routeOpeningsFor(rt.openEnded, choice.range, choice.destination
      ? { prefixLength: choice.destination.prefixLength, local: choice.target?.kind === 'local' } : undefined) : undefined;
    if (openings?.length) {
      traceOpenChoice(topo, result, { from, to, direction, rt, choice, where }, openings);
      continue;
    }
    if (!choice.target || !choice.destination) {
      if (choice.unknownReason) {
        result.unknownNextHop = true;
        result.hops.push({ kind: 'route-table', direction, component: rt.id, source: rt.source, verdict: 'UNKNOWN', detail: `${where}: ${choice.unknownReason}` });
        result.explanations.push({ code: 'UNKNOWN_ROUTE', component: rt.id, source: rt.source, message: choice.unknownReason, fix: 'Resolve the route destinations: a literal CIDR, or a value for the parameter. A prefix list the templates define (AWS::EC2::PrefixList) is read entry by entry; a pl-... id (an AWS-managed list, or one made elsewhere) is not: define the list in the templates, or give the route\'s CIDRs in --facts.', unknown: true });
        continue;
      }
      const connected = from.vpc.id === to.vpc.id || topo.peeringBetween(from.vpc.id, to.vpc.id) !== undefined || sharesTransitGateway(topo, from.vpc.id, to.vpc.id);
      const code = connected ? 'NO_ROUTE_TO_DESTINATION' : 'DISCONNECTED_VPCS';
      // Named as the user wrote them (construct paths) where the model knows them.
      const rtNamed = named(rt);
      const fromVpc = named(from.vpc);
      const toVpc = named(to.vpc);
      const rtLabel = rt.implicitMain ? rtName : rtNamed;
      const message = connected
        ? `${rtLabel} has no route for ${rangeText} (${named(to.subnet)} in ${toVpc}).`
        : `${fromVpc} and ${toVpc} are not connected: no peering or transit gateway joins them, and ${rtLabel} has no route for ${rangeText}. Glue places ENIs in one connection's subnet only and never checks the others' reachability.`;
      result.hops.push({ kind: 'route-table', direction, component: rt.id, source: rt.source, verdict: 'UNREACHABLE', detail: `${where}: no route` });
      result.explanations.push({
        code,
        component: rt.id,
        source: rt.source,
        message,
        fix: connected
          ? `Add a route to ${subnetCidr(to.subnet)} in ${rtNamed} via the peering or transit gateway that joins ${fromVpc} and ${toVpc}.`
          : `Peer ${fromVpc} with ${toVpc} (VpcPeering, or GlueNetworkGuard in auto-peer mode) and add routes on both sides: ${subnetCidr(to.subnet)} in ${rtNamed}, ${subnetCidr(from.subnet)} in the route table of ${named(to.subnet)}.`,
      });
      continue;
    }
    evaluateTarget(topo, result, { from, to, direction, rt, choice, where });
  }
  return result;
}

/** The choices, cut further where an opening's known destinations begin or end. */
function splitByOpenings(rt: RouteTable, choices: RouteChoice[]): RouteChoice[] {
  if (!rt.openEnded?.length) return choices;
  const cuts = rt.openEnded.flatMap((o) => o.destinations ?? []);
  if (!cuts.length) return choices;
  return choices.flatMap((choice) => atoms(choice.range, cuts).map((range) => ({ ...choice, range })));
}

/**
 * A range of an open-ended table: judged on the listed routes, then never UNREACHABLE. A routed
 * verdict stands only when the openings merely add routes of unknown destinations (assumed no
 * more specific than the listed one, said in the hop); otherwise the range is UNKNOWN.
 */
function traceOpenChoice(topo: Topology, result: RoutingResult, ctx: TargetContext, openings: OpenEnded[]): void {
  const { rt, choice, where, direction } = ctx;
  const causes = causesText(openings);
  const range = formatRange(choice.range);
  const scratch: RoutingResult = { hops: [], explanations: [], peeringIds: new Set(), transitGatewayIds: new Set(), unknownNextHop: false, segments: [] };
  if (choice.target && choice.destination) evaluateTarget(topo, scratch, ctx);
  for (const id of scratch.peeringIds) result.peeringIds.add(id);
  for (const id of scratch.transitGatewayIds) result.transitGatewayIds.add(id);
  const listed = choice.target && choice.destination ? `${choice.destination.text} via ${choice.target.description}` : 'no listed route';
  if (scratch.hops.length && scratch.hops.every((h) => h.verdict === 'REACHABLE') && onlyUnknownAdditions(openings)) {
    result.unknownNextHop ||= scratch.unknownNextHop;
    result.segments.push(...scratch.segments);
    const note = ` (assuming the routes ${causes} adds are no more specific for ${range} than ${choice.destination!.text})`;
    result.hops.push(...scratch.hops.map((h, i) => (i === 0 ? { ...h, detail: `${h.detail}${note}` } : h)));
    result.explanations.push(...scratch.explanations);
    return;
  }
  result.unknownNextHop = true;
  result.segments.push({ range: choice.range, via: 'unknown' });
  const blocked = scratch.explanations.filter((e) => !e.unknown);
  const wouldBe = blocked.length ? ` On the listed routes alone it would not arrive: ${blocked.map((e) => e.message).join(' ')}` : '';
  result.hops.push({ kind: 'route-table', direction, component: rt.id, source: rt.source, verdict: 'UNKNOWN', detail: `${where}: ${listed}, but the table may have routes the templates do not list (${causes})` });
  for (const h of scratch.hops) {
    if (h.kind !== 'route-table' || h.component !== rt.id) result.hops.push(h.verdict === 'UNREACHABLE' ? { ...h, verdict: 'UNKNOWN' } : h);
  }
  result.explanations.push(...scratch.explanations.filter((e) => e.unknown));
  result.explanations.push({
    code: 'OPEN_ENDED_ROUTES',
    component: rt.id,
    source: openings[0].source,
    message: `Route table ${rt.id} ${choice.target && choice.destination ? `routes ${range} to ${listed} in the templates` : `has no route for ${range} in the templates`}, but it may have routes they do not list: ${causes}. Where ${range} goes cannot be decided from the templates.${wouldBe}`,
    fix: `Describe the routes ${openings[0].kind === 'vpn' ? 'the VPN propagates' : 'it adds'} as template resources (AWS::EC2::Route) instead, or acknowledge this warning.`,
    unknown: true,
  });
}

interface TargetContext {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly direction: 'forward' | 'return';
  readonly rt: RouteTable;
  readonly choice: RouteChoice;
  readonly where: string;
}

function evaluateTarget(topo: Topology, result: RoutingResult, ctx: TargetContext): void {
  const { from, to, direction, rt, choice, where } = ctx;
  const target = choice.target!;
  const hop = (verdict: Verdict, detail: string, kind = 'route-table', component = rt.id, source = rt.source) =>
    result.hops.push({ kind, direction, component, source, verdict, detail });
  const block = (code: string, component: string, message: string, fix: string, source?: SourceRef) =>
    result.explanations.push({ code, component, source, message, fix });
  const unknownFact = (component: string, message: string, fix: string, source?: SourceRef) => {
    result.unknownNextHop = true;
    result.segments.push({ range: choice.range, via: 'unknown' });
    result.explanations.push({ code: 'UNKNOWN_NEXT_HOP', component, source, message, fix, unknown: true });
  };
  const viaText = `${where} -> ${choice.destination!.text} via ${target.description}`;

  switch (target.kind) {
    case 'local': {
      if (from.vpc.id === to.vpc.id) {
        hop('REACHABLE', `${viaText} (within ${from.vpc.id})`);
      } else {
        hop('UNREACHABLE', `${viaText}: the address is inside ${from.vpc.id}'s own CIDR`);
        block('OVERLAPPING_VPC_CIDRS', rt.id, `${formatRange(choice.range)} of ${to.vpc.id} lies inside ${from.vpc.id}'s CIDR ${choice.destination!.text}, so it is routed locally and never leaves ${from.vpc.id}.`,
          'Re-address one of the VPCs so their CIDR blocks do not overlap; overlapping VPCs cannot be peered.', rt.source);
      }
      return;
    }
    case 'vpc-peering': {
      const pcx = target.targetId ? topo.model.peerings.get(target.targetId) : undefined;
      if (!pcx) {
        hop('UNKNOWN', `${viaText}: peering not described`);
        unknownFact(target.description, `${rt.id} routes ${formatRange(choice.range)} to peering ${target.description}, which the templates and facts do not describe.`, 'Describe the peering in the --facts file (peerings[]).', rt.source);
        return;
      }
      hop('REACHABLE', viaText);
      result.peeringIds.add(pcx.id);
      const far = otherSide(pcx, from.vpc.id);
      if (pcx.state === 'unknown') {
        result.hops.push({ kind: 'vpc-peering', direction, component: pcx.id, source: pcx.source, verdict: 'UNKNOWN', detail: `state unknown: ${pcx.unknownState}` });
        unknownFact(pcx.id, `Whether peering ${pcx.id} becomes active is unknown: ${pcx.unknownState}.`, 'Make the peering\'s properties resolvable, or describe it in the --facts file (peerings[]).', pcx.source);
        return;
      }
      if (pcx.state !== 'active') {
        result.hops.push({ kind: 'vpc-peering', direction, component: pcx.id, source: pcx.source, verdict: 'UNREACHABLE', detail: `peering is ${pcx.state}` });
        block('BAD_STATE_ROUTE', pcx.id, `Peering ${pcx.id} is ${pcx.state === 'pending-acceptance' ? 'pending acceptance (cross-account without an accepter role)' : 'not active'}; routes to it are blackholes.`,
          'Give the peering a PeerRoleArn the accepter account trusts, or accept it in the accepter account.', pcx.source);
        return;
      }
      if (far === undefined) {
        // A side the templates do not resolve may be this VPC or the far one.
        const known = (pcx.requesterVpcId.known && pcx.requesterVpcId.value === from.vpc.id) || !pcx.requesterVpcId.known || !pcx.accepterVpcId.known;
        result.hops.push({ kind: 'vpc-peering', direction, component: pcx.id, source: pcx.source, verdict: known ? 'UNKNOWN' : 'UNREACHABLE', detail: known ? 'far side not described' : `peering does not involve ${from.vpc.id}` });
        if (known) unknownFact(pcx.id, `A VPC of ${pcx.id} is not described (${!pcx.accepterVpcId.known ? pcx.accepterVpcId.reason : !pcx.requesterVpcId.known ? pcx.requesterVpcId.reason : ''}).`, 'Describe the VPC in the templates or the --facts file.', pcx.source);
        else block('BAD_STATE_ROUTE', pcx.id, `${rt.id} in ${from.vpc.id} routes to ${pcx.id}, which does not connect ${from.vpc.id}.`, `Route via a peering that connects ${from.vpc.id}.`, rt.source);
        return;
      }
      const farVpc = topo.vpc(far);
      if (far !== to.vpc.id) {
        result.hops.push({ kind: 'vpc-peering', direction, component: pcx.id, source: pcx.source, verdict: 'UNREACHABLE', detail: `peering leads to ${far}, not ${to.vpc.id}` });
        block('PCX_REQUIRES_ADDRESS_IN_VPC_CIDR', pcx.id,
          `${pcx.id} joins ${from.vpc.id} and ${far}, but ${formatRange(choice.range)} belongs to ${to.vpc.id}. Peering is not transitive: ${far} does not forward traffic to its own peers, NAT, VPN or gateways.`,
          `Peer ${named(from.vpc)} directly with ${named(to.vpc)} and route ${subnetCidr(to.subnet)} in ${named(rt)} through that peering.`, pcx.source);
        return;
      }
      if (farVpc && overlapsAny(topo, from.vpc, farVpc)) {
        result.hops.push({ kind: 'vpc-peering', direction, component: pcx.id, source: pcx.source, verdict: 'UNREACHABLE', detail: 'peered VPCs have overlapping CIDR blocks' });
        block('OVERLAPPING_VPC_CIDRS', pcx.id, `${from.vpc.id} (${cidrList(topo, from.vpc)}) and ${far} (${cidrList(topo, farVpc)}) have overlapping CIDR blocks; AWS refuses to peer them.`,
          'Re-address one VPC (all primary and secondary blocks must be disjoint).', pcx.source);
        return;
      }
      result.hops.push({ kind: 'vpc-peering', direction, component: pcx.id, source: pcx.source, verdict: 'REACHABLE', detail: `${from.vpc.id} -> ${far}` });
      result.segments.push({ range: choice.range, via: 'vpc-peering', id: pcx.id });
      return;
    }
    case 'transit-gateway':
      traceTransitGateway(topo, result, ctx);
      return;
    case 'internet-gateway':
    case 'egress-only-internet-gateway':
    case 'carrier-gateway':
      hop('UNREACHABLE', `${viaText}: private addresses are not reachable through ${target.kind}`);
      block('NO_ROUTE_TO_DESTINATION', rt.id, `${rt.id} sends ${formatRange(choice.range)} to ${target.description}, but ${to.subnet.id} is a private address in ${to.vpc.id}; an internet gateway does not forward to another VPC's private addresses (and Glue ENIs have no public IP).`,
        `Route ${cidrList(topo, to.vpc)} through a peering or transit gateway to ${to.vpc.id} instead.`, choice.routeSource ?? rt.source);
      return;
    default:
      hop('UNKNOWN', `${viaText}: the far side of a ${target.kind} is not described by the templates`);
      unknownFact(target.description, `${rt.id} sends ${formatRange(choice.range)} to ${target.kind} ${target.description}; what lies beyond it is not in the templates, so reachability cannot be decided.`,
        `Describe the network beyond ${target.description} (--facts), or declare the verdict you expect and acknowledge this warning.`, choice.routeSource ?? rt.source);
  }
}

function sharesTransitGateway(topo: Topology, a: string, b: string): boolean {
  for (const tgw of topo.model.transitGateways.keys()) {
    if (topo.attachmentsOf(tgw, a).length && topo.attachmentsOf(tgw, b).length) return true;
  }
  return false;
}

function traceTransitGateway(topo: Topology, result: RoutingResult, ctx: TargetContext): void {
  const { from, to, direction, rt, choice, where } = ctx;
  const target = choice.target!;
  const viaText = `${where} -> ${choice.destination!.text} via ${target.description}`;
  const tgw = target.targetId ? topo.model.transitGateways.get(target.targetId) : undefined;
  const tgwHop = (verdict: Verdict, detail: string) =>
    result.hops.push({ kind: 'transit-gateway', direction, component: tgw?.id ?? target.description, source: tgw?.source, verdict, detail });
  result.hops.push({ kind: 'route-table', direction, component: rt.id, source: rt.source, verdict: tgw ? 'REACHABLE' : 'UNKNOWN', detail: viaText });
  if (!tgw) {
    result.unknownNextHop = true;
    result.segments.push({ range: choice.range, via: 'unknown' });
    result.explanations.push({ code: 'UNKNOWN_NEXT_HOP', component: target.description, message: `Transit gateway ${target.description} is not described by the templates.`, fix: 'Describe its attachments and route tables in the templates.', unknown: true });
    return;
  }
  if (tgw.unresolved) {
    tgwHop('UNKNOWN', `not fully described: ${tgw.unresolved}`);
    result.unknownNextHop = true;
    result.explanations.push({ code: 'UNKNOWN_NEXT_HOP', component: tgw.id, source: tgw.source, message: `What transit gateway ${tgw.id} does with ${formatRange(choice.range)} depends on a value the templates do not resolve: ${tgw.unresolved}.`, fix: 'Make its attachments, route tables and routes resolvable.', unknown: true });
    return;
  }
  result.transitGatewayIds.add(tgw.id);
  const attachments = topo.attachmentsOf(tgw.id, from.vpc.id);
  if (!attachments.length) {
    tgwHop('UNREACHABLE', `${from.vpc.id} is not attached`);
    result.explanations.push({ code: 'NO_ROUTE_TO_DESTINATION', component: tgw.id, source: tgw.source, message: `${rt.id} routes to ${tgw.id}, but ${from.vpc.id} has no attachment to it.`, fix: `Attach ${named(from.vpc)} to ${named(tgw)} with a subnet in every AZ that has Glue ENIs or data stores.` });
    return;
  }
  const zone = subnetZone(from.subnet);
  const attachment = attachments[0];
  // Whether an attachment subnet shares the source subnet's zone: by name, or by which zone of
  // Fn::GetAZs; undecided for a zone known only at deploy time, or a subnet not described.
  const shares = attachment.subnetIds.map((id) => { const s = topo.subnet(id); return s ? sameZone(subnetZone(s), zone) : undefined; });
  const azText = zoneKey(zone) ?? 'its zone';
  if (shares.every((x) => x === false)) {
    tgwHop('UNREACHABLE', `attachment ${attachment.id} has no subnet in ${azText}`);
    result.explanations.push({
      code: 'TGW_ATTACHMENT_AZ',
      component: attachment.id,
      source: attachment.source,
      message: `Transit gateway attachment ${attachment.id} has no subnet in ${azText}; resources in an AZ without an attachment subnet cannot reach the transit gateway.`,
      fix: `Add a subnet of ${named(from.vpc)} in ${azText} to ${named(attachment)}.`,
    });
    return;
  }
  if (!shares.includes(true)) {
    tgwHop('UNKNOWN', `whether attachment ${attachment.id} has a subnet in ${from.subnet.id}'s zone (${zoneText(zone)}) cannot be told`);
    result.explanations.push({
      code: 'UNKNOWN_TGW_ATTACHMENT_AZ',
      component: attachment.id,
      source: attachment.source,
      message: `Whether transit gateway attachment ${attachment.id} has a subnet in the zone of ${from.subnet.id} (${zoneText(zone)}) is known only at deploy time; resources in an AZ without an attachment subnet cannot reach the transit gateway.`,
      fix: "Make the zones definite: pin the stacks' environment so CDK writes zone names, or describe the zones in --facts.",
      unknown: true,
    });
  }
  const table = [...topo.model.transitGatewayRouteTables.values()].find((t) => t.transitGatewayId === tgw.id && t.associatedAttachmentIds.includes(attachment.id));
  if (!table) {
    // A table the templates leave open may be associated with the attachment from outside.
    const open = [...topo.model.transitGatewayRouteTables.values()].filter((t) => t.transitGatewayId === tgw.id && t.openEnded?.length);
    if (open.length) {
      const causes = causesText(open.flatMap((t) => t.openEnded!));
      tgwHop('UNKNOWN', `attachment ${attachment.id} has no associated route table in the templates; ${open.map((t) => t.id).join(', ')} may be associated with it outside them`);
      result.unknownNextHop = true;
      result.segments.push({ range: choice.range, via: 'unknown' });
      result.explanations.push({ code: 'OPEN_ENDED_ROUTES', component: attachment.id, source: open[0].openEnded![0].source, message: `Attachment ${attachment.id} is associated with no transit gateway route table in the templates, but ${open.map((t) => t.id).join(', ')} of ${tgw.id} may be associated with it outside them: ${causes}.`, fix: `Associate ${named(attachment)} in the templates, or describe the route table's associations in the --facts file (transitGatewayRouteTables[]).`, unknown: true });
      return;
    }
    tgwHop('UNREACHABLE', `attachment ${attachment.id} has no associated route table`);
    result.explanations.push({ code: 'NO_ROUTE_TO_DESTINATION', component: attachment.id, source: attachment.source, message: `Attachment ${attachment.id} is associated with no transit gateway route table.`, fix: `Associate ${named(attachment)} with a route table of ${named(tgw)}.` });
    return;
  }
  for (const decision of lookupTgwRoutes(topo, table, choice.range)) {
    const range = formatRange(decision.range);
    const dest = decision.attachmentId ? topo.model.transitGatewayAttachments.get(decision.attachmentId) : undefined;
    const delivers = !!dest && dest.vpcId.known && dest.vpcId.value === to.vpc.id;
    if (table.openEnded?.length && (!delivers || !onlyUnknownAdditions(table.openEnded))) {
      const causes = causesText(table.openEnded);
      const listed = decision.attachmentId ? `a route to ${decision.attachmentId}` : decision.blackhole ? 'a blackhole route' : 'no route';
      tgwHop('UNKNOWN', `${table.id}: ${listed} for ${range} in the templates, but the table may have routes or propagations they do not list (${causes})`);
      result.unknownNextHop = true;
      result.segments.push({ range: decision.range, via: 'unknown' });
      result.explanations.push({ code: 'OPEN_ENDED_ROUTES', component: table.id, source: table.openEnded[0].source, message: `Transit gateway route table ${table.id} has ${listed} for ${range} in the templates, but it may have routes or propagations they do not list: ${causes}.`, fix: `Describe the table's routes, associations and propagations in the --facts file (transitGatewayRouteTables[]) to make the verdict definite, or route ${range} to ${named(to.vpc)}'s attachment in the templates.`, unknown: true });
      continue;
    }
    if (delivers && table.openEnded?.length) {
      tgwHop('REACHABLE', `${table.id}: ${range} -> ${dest!.id} (${to.vpc.id}) (assuming the routes ${causesText(table.openEnded)} may add are no more specific)`);
      result.segments.push({ range: decision.range, via: 'transit-gateway', id: tgw.id });
      continue;
    }
    if (!decision.attachmentId) {
      tgwHop('UNREACHABLE', `${table.id}: ${decision.blackhole ? 'blackhole' : 'no route'} for ${range}`);
      result.explanations.push({
        code: decision.blackhole ? 'BAD_STATE_ROUTE' : 'NO_ROUTE_TO_DESTINATION',
        component: table.id,
        source: table.source,
        message: `Transit gateway route table ${table.id} has ${decision.blackhole ? 'a blackhole route' : 'no route'} for ${range}.`,
        fix: `Propagate ${named(to.vpc)}'s attachment into ${named(table)} or add a static route to it.`,
      });
      continue;
    }
    if (!delivers) {
      tgwHop('UNREACHABLE', `${table.id}: ${range} goes to ${decision.attachmentId}, not ${to.vpc.id}`);
      result.explanations.push({ code: 'NO_ROUTE_TO_DESTINATION', component: table.id, source: table.source, message: `${table.id} sends ${range} to ${decision.attachmentId}, which is not ${to.vpc.id}'s attachment.`, fix: `Route ${range} to ${named(to.vpc)}'s attachment.` });
      continue;
    }
    tgwHop('REACHABLE', `${table.id}: ${range} -> ${dest!.id} (${to.vpc.id})`);
    result.segments.push({ range: decision.range, via: 'transit-gateway', id: tgw.id });
  }
}

interface TgwDecision {
  readonly range: AddressRange;
  readonly attachmentId?: string;
  readonly blackhole: boolean;
}

function lookupTgwRoutes(topo: Topology, table: TransitGatewayRouteTable, destination: AddressRange): TgwDecision[] {
  const candidates: { cidr: Cidr; attachmentId?: string; blackhole: boolean; propagated: boolean }[] = [];
  for (const route of table.routes) {
    if (route.destination.known) candidates.push({ cidr: route.destination.value, attachmentId: route.attachmentId, blackhole: route.blackhole, propagated: false });
  }
  for (const attId of table.propagatingAttachmentIds) {
    const att = topo.model.transitGatewayAttachments.get(attId);
    const vpc = att && att.vpcId.known ? topo.vpc(att.vpcId.value) : undefined;
    if (vpc) for (const cidr of topo.vpcCidrs(vpc)) candidates.push({ cidr, attachmentId: attId, blackhole: false, propagated: true });
  }
  return atoms(destination, candidates.map((c) => c.cidr)).map((atom) => {
    let best: typeof candidates[number] | undefined;
    for (const c of candidates) {
      if (!contains(c.cidr, atom)) continue;
      // Static routes win over propagated ones of the same prefix.
      if (!best || c.cidr.prefixLength > best.cidr.prefixLength || (c.cidr.prefixLength === best.cidr.prefixLength && best.propagated && !c.propagated)) best = c;
    }
    return { range: atom, attachmentId: best?.blackhole ? undefined : best?.attachmentId, blackhole: best?.blackhole ?? false };
  });
}

/** What the user calls an element: its construct path when known, else its model id. */
function named(element: { readonly source?: SourceRef; readonly id: string }): string {
  return nameOf(element.source, element.id);
}

function subnetCidr(subnet: Subnet): string {
  return subnet.cidr.known ? subnet.cidr.value.text : `the CIDR of ${named(subnet)}`;
}

export function cidrList(topo: Topology, vpc: Vpc): string {
  const cidrs = topo.vpcCidrs(vpc);
  return cidrs.length ? cidrs.map((c) => c.text).join(', ') : 'its CIDR';
}

function overlapsAny(topo: Topology, a: Vpc, b: Vpc): boolean {
  return topo.vpcCidrs(a).some((x) => topo.vpcCidrs(b).some((y) => x.first <= y.last && y.first <= x.last));
}

export { overlapsAny as vpcsOverlap };

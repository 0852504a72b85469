import { Cidr, contains, NetworkModel, overlaps, parseCidr, RouteTable, SourceRef, Subnet, Vpc } from '../model';
import { nameOf } from './names';
import { DataStorePlan, Explanation, PathTrace } from './plan';
import { Quotas, routeQuotaUse } from './quotas';
import { lookupRoutes } from './routing';
import { Topology } from './topology';

export { nameOf };

/*
 * The peerings and routes auto-peer adds, path by path: one computation for the remedy (which
 * adds them) and for the plan's fix texts (which propose them), so the two cannot disagree.
 */

/** Active peerings a VPC may have under the default quota (adjustable to 125). */
export const PEERINGS_PER_VPC_QUOTA = Quotas.DEFAULT.value('peeringsPerVpc');

/** A route the remedy adds: in `routeTableId`, to `destination`, through the pair's peering. */
export interface RemedyRoute {
  readonly routeTableId: string;
  /** The subnet whose effective table this is (for messages). */
  readonly subnetId: string;
  readonly destination: string;
}

/** A route and the VPC whose table gets it. */
export interface PlannedRoute extends RemedyRoute {
  readonly vpcId: string;
}

/** A peering (added, or one the model has) and the routes planned through it. */
export interface PlannedPeering {
  /** `${requester}|${accepter}` with the pair sorted, so every job finds the same entry. */
  readonly key: string;
  readonly requesterVpcId: string;
  readonly accepterVpcId: string;
  /** An active peering the model already has between the two VPCs: only routes are added. */
  readonly existingPeeringId?: string;
  readonly requesterRoutes: Map<string, RemedyRoute>;
  readonly accepterRoutes: Map<string, RemedyRoute>;
  readonly jobIds: Set<string>;
  readonly stores: Set<string>;
  allowDnsResolution: boolean;
}

/** Why a route cannot be added safely: where, why, and what to do instead. */
export interface Refusal {
  readonly source?: SourceRef;
  readonly why: string;
  readonly fix: string;
}

/** What auto-peer does about one blocked path's routing. */
export type RouteOutcome =
  /** The peering and the routes it adds for the path (none when they are there already). */
  | { readonly kind: 'routes'; readonly peering: PlannedPeering; readonly routes: PlannedRoute[] }
  /** Why it adds nothing for the path. */
  | { readonly kind: 'refused'; readonly refusals: Refusal[] }
  /** A new peering would exceed the quota of peerings of `vpc` (`limit`: that quota, in words). */
  | { readonly kind: 'quota'; readonly vpc: Vpc; readonly limit: string };

/** A store path routing or security groups block, in one scenario of one job. */
export interface BlockedStorePath {
  readonly store: DataStorePlan;
  readonly path: PathTrace;
}

const ROUTING_HOPS = new Set(['route-table', 'vpc-peering', 'transit-gateway']);

/**
 * Whether peerings, routes and rules may make an UNREACHABLE store reachable. Not for one that
 * listens on another port than the one Glue connects to (STORE_PORT_MISMATCH), nor for one whose
 * name does not resolve in the VPC of Glue's ENIs (VPC_DNS_DISABLED, known): whatever the network
 * allows, no connection is made, so auto-peer adds nothing for it and the fix texts propose
 * nothing; its finding says what to fix first.
 */
export function networkCanFix(store: DataStorePlan): boolean {
  return store.verdict === 'UNREACHABLE'
    && !store.explanations.some((e) => e.code === 'STORE_PORT_MISMATCH' || (e.code === 'VPC_DNS_DISABLED' && !e.unknown));
}

/**
 * The UNREACHABLE paths of the UNREACHABLE stores the network can fix (`networkCanFix`), in plan
 * order: the order in which auto-peer repairs them (its choices depend on what it planned before).
 */
export function blockedStorePaths(stores: readonly DataStorePlan[]): BlockedStorePath[] {
  const result: BlockedStorePath[] = [];
  for (const store of stores) {
    if (!networkCanFix(store)) continue;
    for (const path of store.paths) if (path.verdict === 'UNREACHABLE') result.push({ store, path });
  }
  return result;
}

export function parseCidrText(text: string): Cidr {
  const cidr = parseCidr(text);
  if (!cidr) throw new Error(`remedy: ${text} is not a CIDR block`);
  return cidr;
}

/** The peerings and routes that repair the routing of blocked paths, planned one path after the other. */
export class RouteRepair {
  readonly peerings = new Map<string, PlannedPeering>();
  /** The planned routes by route table, with their peering (the overlap check reads one table's). */
  private readonly plannedByTable = new Map<string, { route: RemedyRoute; cidr: Cidr; peering: PlannedPeering }[]>();
  /** How many new peerings (not ones the model has) are planned per VPC: the quota check reads it. */
  private readonly newPeeringsPerVpc = new Map<string, number>();
  /** How many active peerings the model gives each VPC (the model does not change under a repair). */
  private readonly activePeeringsPerVpc = new Map<string, number>();
  /**
   * The outcome of each (ENI subnet, store subnet) pair, once it can no longer change: the same
   * trace is shared by many jobs and failover what-ifs, and many traces share a subnet pair.
   * Past the check that routing blocks it, `repair` reads nothing of a path but its two subnets,
   * and every input besides the (fixed) model only grows: planned peerings and planned routes are
   * never removed. So an outcome settles as follows (see `plan`):
   * - `routes`: its peering stays planned (found first by `peeringFor`, so the quota is not asked
   *   again), `present` reads the model only, and a planned route stays free of conflicts: any
   *   later route that overlaps it in its table through another peering is refused because of it
   *   (`overlappingRoute` reads the planned routes), and routes through its own peering are skipped.
   * - `quota`: the counts of peerings only grow, and the pair's peering cannot be planned by
   *   another path (that path would hit the same quota first). But the ENI's VPC is checked
   *   first, so an outcome naming the store's VPC may later name the ENI's: only one naming the
   *   ENI's VPC is settled.
   * - `refused`: a refusal read from the model stays, and one for an overlap with a planned route
   *   stays (that route stays planned, and it stays the first match: planned routes are appended);
   *   so does one for a table at the route quota (its planned routes only grow, and none is
   *   planned in it once it is there).
   *   But a route the path would have added beside a refused one is not planned, so a later route
   *   may conflict with it: such an outcome (a refusal beside a would-be route) is not reused.
   * Refusals naming the job (VPCs not described, both ends in one VPC) are never stored: they are
   * decided before the memo is read, from the model only. A reused outcome with routes still
   * registers its job and store on the peering (auto-peer's remedy lists them).
   */
  private readonly settled = new Map<string, Map<string, RouteOutcome | undefined>>();
  /** The outcomes stored in `settled`. (A Set and a Map, not weak ones: they live as long as the repair, one plan.) */
  private readonly settledOutcomes = new Set<RouteOutcome>();
  /** Planned destinations parsed (many routes go to the same store subnet). */
  private readonly parsedCidrs = new Map<string, Cidr>();
  /** `pairOf` each path (traces are shared by jobs and what-ifs). */
  private readonly pairOfPath = new Map<PathTrace, ReturnType<RouteRepair['pairOf']>>();

  constructor(private readonly topo: Topology, private readonly quotas: Quotas = Quotas.DEFAULT) {}

  private get model(): NetworkModel {
    return this.topo.model;
  }

  /**
   * Peering and routes for a path whose routing blocks (registered for the next paths), or why
   * not; undefined when routing does not block it, or when the engine already says why it cannot
   * (a store subnet not described, an existing peering that is not active).
   */
  repair(jobId: string, jobSource: SourceRef, storeName: string, path: PathTrace): RouteOutcome | undefined {
    let pair = this.pairOfPath.get(path);
    if (pair === undefined) this.pairOfPath.set(path, pair = this.pairOf(path));
    if (!pair) return undefined;
    const [eni, store, fromEni] = pair;
    if (fromEni.has(store.id)) {
      const outcome = fromEni.get(store.id);
      if (outcome?.kind === 'routes' && outcome.routes.length) this.register(outcome.peering, jobId, storeName);
      return outcome;
    }
    const refused = (r: Refusal): RouteOutcome => ({ kind: 'refused', refusals: [r] });
    const a = this.vpcOf(eni);
    const b = this.vpcOf(store);
    if (!a || !b) return refused({ source: jobSource, why: 'the VPC of one of the subnets is not described', fix: 'Describe both VPCs in the app (or peer them yourself).' });
    if (a.id === b.id) {
      return refused({ source: jobSource, why: `routing inside ${this.name(a)} does not deliver it`, fix: 'Check the route tables of the two subnets: within a VPC only the local route should apply.' });
    }
    const { outcome, settled } = this.plan(a, b, eni, store);
    if (outcome?.kind === 'routes' && outcome.routes.length) {
      const peering = outcome.peering;
      if (!this.peerings.has(peering.key)) {
        this.peerings.set(peering.key, peering);
        if (!peering.existingPeeringId) for (const vpcId of [peering.requesterVpcId, peering.accepterVpcId]) this.newPeeringsPerVpc.set(vpcId, (this.newPeeringsPerVpc.get(vpcId) ?? 0) + 1);
      }
      this.register(peering, jobId, storeName);
      for (const planned of outcome.routes) {
        const sideRoutes = planned.vpcId === peering.requesterVpcId ? peering.requesterRoutes : peering.accepterRoutes;
        const key = `${planned.routeTableId}>${planned.destination}`;
        if (sideRoutes.has(key)) continue;
        // The route without its VPC (what `{ vpcId, ...route }` gave), made only when it is new.
        const route: RemedyRoute = { routeTableId: planned.routeTableId, subnetId: planned.subnetId, destination: planned.destination };
        sideRoutes.set(key, route);
        let inTable = this.plannedByTable.get(route.routeTableId);
        if (!inTable) this.plannedByTable.set(route.routeTableId, inTable = []);
        inTable.push({ route, cidr: this.cidrOf(route.destination), peering });
      }
    }
    if (settled) {
      fromEni.set(store.id, outcome);
      if (outcome) this.settledOutcomes.add(outcome);
    }
    return outcome;
  }

  /** `parseCidrText` of a planned destination (the CIDR text of a subnet), parsed once. */
  private cidrOf(text: string): Cidr {
    let cidr = this.parsedCidrs.get(text);
    if (!cidr) this.parsedCidrs.set(text, cidr = parseCidrText(text));
    return cidr;
  }

  /** Whether `repair` gives this outcome again for its subnet pair, whatever is planned after. */
  isSettled(outcome: RouteOutcome): boolean {
    return this.settledOutcomes.has(outcome);
  }

  /**
   * The subnets of a path whose routing blocks, with the settled outcomes from its ENI subnet;
   * null when routing does not block it or a subnet is not described (a trace does not change).
   */
  private pairOf(path: PathTrace): [Subnet, Subnet, Map<string, RouteOutcome | undefined>] | null {
    if (!path.hops.some((h) => ROUTING_HOPS.has(h.kind) && h.verdict === 'UNREACHABLE')) return null;
    const eni = this.topo.subnet(path.sourceSubnet);
    const store = this.topo.subnet(path.destinationSubnet);
    if (!eni || !store) return null;
    let fromEni = this.settled.get(eni.id);
    if (!fromEni) this.settled.set(eni.id, fromEni = new Map());
    return [eni, store, fromEni];
  }

  /**
   * The outcome for two known VPCs that differ (nothing registered yet), and whether it is
   * settled: every outcome but a refusal beside a route the path would add (see `settled`).
   */
  private plan(a: Vpc, b: Vpc, eni: Subnet, store: Subnet): { outcome: RouteOutcome | undefined; settled: boolean } {
    const why = this.unpeerable(a, b);
    if (why) return { outcome: { kind: 'refused', refusals: [{ source: b.source, why: why.message, fix: why.fix }] }, settled: true };
    const peering = this.peeringFor(a, b);
    // Which VPC is over the quota may change from the store's to the ENI's (asked first) as
    // peerings are planned: only the ENI's is settled.
    if (!peering || 'quota' in peering) return { outcome: peering ? { kind: 'quota', vpc: peering.quota, limit: this.peeringQuotaText() } : undefined, settled: !peering || peering.quota === a };
    // The request leaves through the ENI's table, the reply through the store's: both or neither.
    const routes = [this.planRoute(peering, a, eni, store), this.planRoute(peering, b, store, eni)];
    const refusals = routes.filter((r): r is Refusal => r !== 'present' && 'why' in r);
    const needed = routes.filter((r): r is PlannedRoute => r !== 'present' && 'routeTableId' in r);
    if (refusals.length) return { outcome: { kind: 'refused', refusals }, settled: !needed.length };
    return { outcome: { kind: 'routes', peering, routes: needed }, settled: true };
  }

  /** The job and the store a planned peering carries traffic for (auto-peer's remedy lists them). */
  private register(peering: PlannedPeering, jobId: string, storeName: string): void {
    peering.jobIds.add(jobId);
    peering.stores.add(storeName);
  }

  private name(element: { readonly source?: SourceRef; readonly id: string }): string {
    return nameOf(element.source, element.id);
  }

  private vpcOf(subnet: Subnet): Vpc | undefined {
    const vpc = this.topo.vpcOfSubnet(subnet);
    return vpc.known ? vpc.value : undefined;
  }

  private unpeerable(a: Vpc, b: Vpc): { message: string; fix: string } | undefined {
    if (!a.cidrBlocks.known || !b.cidrBlocks.known) {
      return { message: `the CIDR blocks of ${this.name(a.cidrBlocks.known ? b : a)} are not known at synth time, so an overlap cannot be ruled out`, fix: 'Give the VPC a literal CIDR block, or peer the VPCs yourself with VpcPeering.' };
    }
    const blocksB = b.cidrBlocks.value;
    const overlap = a.cidrBlocks.value.find((x) => blocksB.some((y) => x.first <= y.last && y.first <= x.last));
    if (overlap) {
      return { message: `${this.name(a)} and ${this.name(b)} have overlapping CIDR blocks (${overlap.text}), and a peering between overlapping VPCs fails`, fix: 'Re-address one VPC, or connect them through a transit gateway with non-overlapping routes.' };
    }
    const regionA = a.region.known ? a.region.value : undefined;
    const regionB = b.region.known ? b.region.value : undefined;
    if (regionA !== undefined && regionB !== undefined && regionA !== regionB) {
      return { message: `${this.name(a)} is in ${regionA} and ${this.name(b)} in ${regionB}: a cross-Region peering needs the accepter's routes and rules in a stack of the other Region, which auto-peer does not create`, fix: `Add a VpcPeering with peerRegion ${regionB} in ${this.name(a)}'s stack, and the accepter routes and ingress (from the Glue subnet's CIDR; group references do not cross Regions) in a stack of ${regionB}.` };
    }
    const accountA = a.account.known ? a.account.value : undefined;
    const accountB = b.account.known ? b.account.value : undefined;
    if (accountA !== undefined && accountB !== undefined && accountA !== accountB) {
      return { message: `${this.name(a)} is in account ${accountA} and ${this.name(b)} in ${accountB}: a cross-account peering needs a role in the accepter account to accept it and the accepter's routes in that account, which auto-peer cannot provide`, fix: `Add a VpcPeering with peerOwnerId ${accountB} and peerRoleArn (a role in ${accountB} allowing ec2:AcceptVpcPeeringConnection), and the accepter routes in ${accountB}.` };
    }
    return undefined;
  }

  /** `50 active VPC peerings, the default quota per VPC`, or the account's quota as given. */
  private peeringQuotaText(): string {
    return `${this.quotas.value('peeringsPerVpc')} active VPC peerings, ${this.quotas.isDefault('peeringsPerVpc') ? 'the default' : "the account's"} quota per VPC`;
  }

  /** The pair's peering (planned, or a new plan), `quota` when a new one would exceed it, undefined when the existing one is not active. */
  private peeringFor(a: Vpc, b: Vpc): PlannedPeering | { quota: Vpc } | undefined {
    // (`[a.id, b.id].sort().join('|')`: the default sort compares the ids as `<` does.)
    const key = a.id < b.id ? `${a.id}|${b.id}` : `${b.id}|${a.id}`;
    const planned = this.peerings.get(key);
    if (planned) return planned;
    const existing = this.topo.peeringBetween(a.id, b.id);
    if (existing && existing.state !== 'active') return undefined; // the engine reports why it is not active
    if (!existing) {
      for (const vpc of [a, b]) {
        let active = this.activePeeringsPerVpc.get(vpc.id);
        if (active === undefined) this.activePeeringsPerVpc.set(vpc.id, active = this.topo.peeringsOf(vpc.id).filter((p) => p.state === 'active').length);
        if (active + (this.newPeeringsPerVpc.get(vpc.id) ?? 0) >= this.quotas.value('peeringsPerVpc')) return { quota: vpc };
      }
    }
    const requester = existing?.requesterVpcId.known ? existing.requesterVpcId.value : a.id;
    // Registered by `repair` once its routes are known to be needed and possible.
    return {
      key,
      requesterVpcId: requester,
      accepterVpcId: requester === a.id ? b.id : a.id,
      ...(existing ? { existingPeeringId: existing.id } : {}),
      requesterRoutes: new Map(),
      accepterRoutes: new Map(),
      jobIds: new Set(),
      stores: new Set(),
      allowDnsResolution: false,
    };
  }

  /** The route `from`'s effective table needs to `to`'s CIDR through the pair's peering, `present`, or why not. */
  private planRoute(peering: PlannedPeering, vpc: Vpc, from: Subnet, to: Subnet): PlannedRoute | 'present' | Refusal {
    if (!to.cidr.known) return { source: to.source, why: `the CIDR of ${this.name(to)} is unknown`, fix: 'Give the subnet a literal CIDR.' };
    const table = this.topo.effectiveRouteTable(from);
    if (!table.known || table.value.implicitMain) {
      return {
        source: from.source,
        why: `subnet ${this.name(from)} uses ${table.known ? `the implicit main route table of ${this.name(vpc)}` : `a route table that is not described (${table.reason})`}, which the templates cannot add routes to`,
        fix: `Associate an explicit route table with ${this.name(from)} (CDK's ec2.Vpc does), or add the route to ${to.cidr.value.text} yourself.`,
      };
    }
    const tableName = this.name(table.value);
    if (table.value.openEnded?.length) {
      // Routes the templates do not list may conflict with the one auto-peer would add.
      return {
        source: table.value.openEnded[0].source,
        why: `route table ${tableName} may have routes the templates do not list (${table.value.openEnded.map((o) => o.cause).join('; ')}), and auto-peer does not add routes beside routes it cannot see`,
        fix: `Add the route to ${to.cidr.value.text} in ${tableName} yourself, or describe the table's routes in the templates.`,
      };
    }
    const destination = to.cidr.value.text;
    if (peering.existingPeeringId) {
      const choices = lookupRoutes(table.value, vpc, to.cidr.value);
      if (choices.every((c) => c.target?.kind === 'vpc-peering' && c.target.targetId === peering.existingPeeringId)) return 'present';
    }
    const existing = table.value.routes.find((r) => r.destination.known && r.destination.value.text === destination);
    if (existing) {
      const storeVpc = to.vpcId.known ? this.topo.vpc(to.vpcId.value) : undefined;
      return {
        source: existing.source,
        why: `route table ${tableName} already routes ${destination} to ${existing.target.description}, and auto-peer does not replace routes`,
        fix: `Point that route at a peering to ${storeVpc ? this.name(storeVpc) : to.vpcId.known ? to.vpcId.value : 'the store VPC'} (or remove it) so auto-peer can add its own.`,
      };
    }
    const conflict = this.overlappingRoute(table.value, to.cidr.value, peering);
    if (conflict) return conflict;
    // A route past the table's quota fails to create, and CloudFormation rolls the whole deploy
    // back: auto-peer never makes a change that cannot deploy (as with the peering quota, the
    // default quota is assumed unless the account's is given: a raised one is not in the templates).
    // A route to a prefix list counts as the list's maximum entries (see routeQuotaUse): when one
    // is not known, neither is the room left, and auto-peer does not add a route it cannot bound.
    const planned = this.plannedByTable.get(table.value.id)?.length ?? 0;
    const use = routeQuotaUse(this.topo, table.value);
    const counted = `${use.count} routes${table.value.prefixListWeights?.length ? ' (a route to a prefix list counts as its maximum entries)' : ''}`;
    if (use.unweighed.length) {
      return {
        source: table.value.source,
        why: `route table ${tableName} routes to ${use.unweighed.join(', ')}: AWS counts a referenced prefix list against the routes quota by its maximum entries, so whether a route to ${destination} fits within ${this.quotas.text('routesPerRouteTable')} routes per route table cannot be told, and a route over the quota fails to create, rolling the deployment back`,
        fix: `Give the prefix list's MaxEntries a literal value (in --facts, the route's maxEntries; for a pl-... list the templates route to, the facts' prefixLists: [{ id, maxEntries }]) so the table's count is known, or add the route to ${destination} yourself.`,
      };
    }
    if (use.count + planned >= this.quotas.value('routesPerRouteTable')) {
      return {
        source: table.value.source,
        why: `route table ${tableName} has ${counted}${planned ? ` and auto-peer already adds ${planned}` : ''}: a route to ${destination} would exceed ${this.quotas.text('routesPerRouteTable')} routes per route table, and a route over the quota fails to create, rolling the deployment back`,
        fix: `Summarize the table's routes, or request a quota increase (routes per route table) and add the route to ${destination} yourself.`,
      };
    }
    return { vpcId: vpc.id, routeTableId: table.value.id, subnetId: from.id, destination };
  }

  /**
   * Why a route to `destination` through `peering` in `table` would change where other traffic
   * goes, or undefined. A route table sends each packet by its longest matching prefix, so a new
   * route inside a wider route to another target takes that part of its traffic, and a narrower
   * route to another target inside the new one keeps part of the store's subnet from it; both
   * with the routes already in the table (templates and facts) and the ones this remedy adds.
   * A route whose destination is not known cannot be ruled out. Only the default route to an
   * internet or public NAT gateway is left out: it cannot deliver to the private addresses of a
   * peered VPC, and peering routes exist to be more specific than it.
   */
  private overlappingRoute(table: RouteTable, destination: Cidr, peering: PlannedPeering): Refusal | undefined {
    const ownTarget = peering.existingPeeringId;
    const tableName = this.name(table);
    const fix = (other: string) => `Auto-peer does not change where existing traffic goes. If the traffic to ${other} is no longer needed there, remove or narrow that route and synthesize again; otherwise re-address the store's VPC, or route ${destination.text} yourself (a transit gateway can carry both).`;
    for (const route of table.routes) {
      if (route.target.kind === 'vpc-peering' && ownTarget !== undefined && route.target.targetId === ownTarget) continue;
      if (!route.destination.known) {
        return {
          source: route.source,
          why: `route table ${tableName} has a route to ${route.target.description} whose destination is not known at synth time (${route.destination.reason}), so a route to ${destination.text} through a peering might take part of its traffic`,
          fix: `Describe that route's destination (a literal CIDR, or a facts file), or add the route to ${destination.text} yourself.`,
        };
      }
      const other = route.destination.value;
      if (!overlaps(other, destination) || this.cannotDeliverPrivately(route)) continue;
      const where = `${other.text} to ${route.target.description}${route.source.constructPath ? ` (${route.source.constructPath})` : ''}`;
      return {
        source: route.source,
        why: contains(other, destination) && other.prefixLength < destination.prefixLength
          ? `route table ${tableName} routes ${where}: a route to ${destination.text} through a peering would take that part of its traffic (the longest prefix wins)`
          : `route table ${tableName} routes ${where}, which is part of ${destination.text}: a route through a peering would not carry the whole subnet`,
        fix: fix(`${other.text} through ${route.target.description}`),
      };
    }
    for (const { route, cidr, peering: planned } of this.plannedByTable.get(table.id) ?? []) {
      if (planned.key === peering.key || !overlaps(cidr, destination)) continue;
      return {
        source: table.source,
        why: `auto-peer already routes ${route.destination} in route table ${tableName} through the peering of ${this.vpcName(planned.requesterVpcId)} and ${this.vpcName(planned.accepterVpcId)}, which overlaps ${destination.text}`,
        fix: fix(`${route.destination} through that peering`),
      };
    }
    return undefined;
  }

  private vpcName(id: string): string {
    const vpc = this.topo.vpc(id);
    return vpc ? this.name(vpc) : id;
  }

  /** The default route to an internet gateway or a public NAT gateway. */
  private cannotDeliverPrivately(route: RouteTable['routes'][number]): boolean {
    if (!route.destination.known || route.destination.value.prefixLength !== 0) return false;
    const kind = route.target.kind;
    if (kind === 'internet-gateway' || kind === 'egress-only-internet-gateway') return true;
    if (kind !== 'nat-gateway' || route.target.targetId === undefined) return false;
    return this.model.natGateways.get(route.target.targetId)?.connectivity === 'public';
  }
}

/**
 * The explanations whose fix is a route to add (a VPC pair not connected, a table without a
 * route, a route through the wrong peering or to an internet gateway): where auto-peer plans the
 * route, the fix says the routes it plans instead.
 */
export function proposesRoute(topo: Topology, e: Explanation): boolean {
  if (e.code === 'DISCONNECTED_VPCS' || e.code === 'PCX_REQUIRES_ADDRESS_IN_VPC_CIDR') return true;
  return e.code === 'NO_ROUTE_TO_DESTINATION' && topo.model.routeTables.has(e.component);
}

/** Outcome objects numbered for `routeFixText`'s keys. */
const outcomeIds = new WeakMap<RouteOutcome, number>();
let nextOutcomeId = 0;
/** `routeFixText` of several outcomes, by topology and key. */
const fixTexts = new WeakMap<Topology, Map<string, string>>();
/** `routeFixText` of one outcome. */
const singleFixTexts = new WeakMap<RouteOutcome, { readonly topo: Topology; readonly text: string }>();

/**
 * The routing fix for some blocked paths, from what auto-peer plans for them: each peering once,
 * then one sentence per route table with the subnet CIDRs it routes through that peering; then
 * why the routes auto-peer will not add cannot simply be added. Empty when nothing is planned.
 */
export function routeFixText(topo: Topology, outcomes: readonly (RouteOutcome | undefined)[]): string {
  // The text reads only fields of the outcomes that do not change once made (the peering's key,
  // VPCs and existing id; the routes and refusals), and the same outcomes recur: a settled
  // outcome is shared by every path of its subnet pair (RouteRepair.repair). So it is kept per
  // topology and list of outcome objects (by identity, in order); most lists have one outcome.
  let only: RouteOutcome | undefined;
  let count = 0;
  for (const outcome of outcomes) {
    if (outcome) {
      only = outcome;
      count++;
    }
  }
  if (!only) return '';
  if (count === 1) {
    const said = singleFixTexts.get(only);
    if (said?.topo === topo) return said.text;
    const text = composeRouteFixText(topo, outcomes);
    singleFixTexts.set(only, { topo, text });
    return text;
  }
  let key = '';
  for (const outcome of outcomes) {
    if (!outcome) continue;
    let id = outcomeIds.get(outcome);
    if (id === undefined) outcomeIds.set(outcome, id = nextOutcomeId++);
    key += `${id},`;
  }
  let texts = fixTexts.get(topo);
  if (!texts) fixTexts.set(topo, texts = new Map());
  let text = texts.get(key);
  if (text === undefined) texts.set(key, text = composeRouteFixText(topo, outcomes));
  return text;
}

function composeRouteFixText(topo: Topology, outcomes: readonly (RouteOutcome | undefined)[]): string {
  const vpcName = (id: string) => { const vpc = topo.vpc(id); return vpc ? nameOf(vpc.source, vpc.id) : id; };
  const byPeering = new Map<string, { peering: PlannedPeering; tables: Map<string, string[]> }>();
  const refusals: string[] = [];
  for (const outcome of outcomes) {
    if (!outcome) continue;
    if (outcome.kind === 'quota') {
      refusals.push(`A new peering would give ${vpcName(outcome.vpc.id)} more than ${outcome.limit}: request a quota increase (up to 125), or connect the VPCs through a transit gateway.`);
      continue;
    }
    if (outcome.kind === 'refused') {
      for (const r of outcome.refusals) refusals.push(`A route cannot simply be added here (auto-peer refuses it too): ${r.why.replace(/\.+$/, '')}. ${r.fix}`);
      continue;
    }
    let entry = byPeering.get(outcome.peering.key);
    if (!entry) byPeering.set(outcome.peering.key, entry = { peering: outcome.peering, tables: new Map() });
    for (const route of outcome.routes) {
      let destinations = entry.tables.get(route.routeTableId);
      if (!destinations) entry.tables.set(route.routeTableId, destinations = []);
      if (!destinations.includes(route.destination)) destinations.push(route.destination);
    }
  }
  const sentences: string[] = [];
  for (const { peering, tables } of byPeering.values()) {
    if (!tables.size) continue;
    const existing = peering.existingPeeringId ? topo.model.peerings.get(peering.existingPeeringId) : undefined;
    const target = peering.existingPeeringId
      ? `peering ${nameOf(existing?.source, peering.existingPeeringId)}`
      : `the new peering of ${vpcName(peering.requesterVpcId)} and ${vpcName(peering.accepterVpcId)}`;
    if (!peering.existingPeeringId) {
      sentences.push(`Peer ${vpcName(peering.requesterVpcId)} with ${vpcName(peering.accepterVpcId)} (VpcPeering, or GlueNetworkGuard in auto-peer mode).`);
    }
    for (const [tableId, destinations] of tables) {
      const table = topo.model.routeTables.get(tableId);
      sentences.push(`In route table ${nameOf(table?.source, tableId)}, route ${listText(destinations)} to ${target}.`);
    }
  }
  return [...sentences, ...new Set(refusals)].join(' ');
}

function listText(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

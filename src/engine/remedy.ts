import {
  known, NetworkModel, PROTOCOL_TCP, RouteTable, SecurityGroup, SecurityGroupRule, SourceRef, Subnet, VpcPeeringConnection,
} from '../model';
import { DataStorePlan, Finding, JobPlan, PathTrace, Plan, PlanOptions } from './plan';
import { buildPlan } from './planner';
import { groupRuleQuotaUse, Quotas } from './quotas';
import { blockedStorePaths, nameOf, parseCidrText, PEERINGS_PER_VPC_QUOTA, Refusal, RemedyRoute, RouteRepair } from './route-repair';
import { RuleDefinition, RULES } from './rules';
import { glueGroupOf } from './security-groups';
import { locateStore } from './store-location';
import { Topology } from './topology';

export { PEERINGS_PER_VPC_QUOTA };
export type { RemedyRoute };

/** One peering per VPC pair, shared by every job that needs it. */
export interface RemedyPeering {
  /** `${requester}|${accepter}` with the pair sorted, so every job finds the same entry. */
  readonly key: string;
  readonly requesterVpcId: string;
  readonly accepterVpcId: string;
  /** An active peering the model already has between the two VPCs: only routes are added. */
  readonly existingPeeringId?: string;
  /** Routes in requester-side tables, to accepter CIDRs. */
  readonly requesterRoutes: RemedyRoute[];
  /** Routes in accepter-side tables, to requester CIDRs. */
  readonly accepterRoutes: RemedyRoute[];
  /** The jobs that need it (model keys). */
  readonly jobIds: string[];
  /** The names of the connections whose data stores it carries traffic to. */
  readonly stores: string[];
  /**
   * Enable DNS resolution from the remote VPC on both sides (only on a peering the remedy adds):
   * a publicly accessible store reached by its DNS name over it would otherwise resolve to its
   * public IP (GNP-PEERING-DNS).
   */
  readonly allowDnsResolution: boolean;
  /** The blocked paths that use it (`pathKey`): it is not needed once every one is refused. */
  readonly pathKeys: string[];
}

/** A security-group rule the remedy adds, for one TCP port only. */
export interface RemedyRule {
  readonly direction: 'ingress' | 'egress';
  /** The group that gets the rule (model key). */
  readonly groupId: string;
  readonly port: number;
  /** The other side as a group (same VPC, or a same-Region peering) ... */
  readonly peerGroupId?: string;
  /** ... or as a CIDR (across Regions or a transit gateway). */
  readonly peerCidr?: string;
  readonly jobIds: string[];
  readonly description: string;
  /**
   * The VPC pair (a peering's `key`) whose peering the group reference travels over: the rule can
   * only be created once that peering is active, so it must wait for it (DependsOn).
   */
  readonly peeringKey?: string;
  /** That peering's model id when it is not one the remedy adds. */
  readonly existingPeeringId?: string;
  /** Why this group and this peer: which group of the connection admits the Glue ENIs, and why. */
  readonly reason: string;
  /** The blocked paths it opens (`pathKey`). */
  readonly pathKeys: string[];
}

/** Why a blocked path gets nothing: where, why, and what to do instead. */
export type PathRefusal = Refusal;

/** Options of the remedy, beyond the plan's. */
export interface RemedyOptions extends PlanOptions {
  /**
   * Let a failover repair admit a fallback connection's Glue group on a store even when that
   * group is itself a data store's group (the common layout where the database wears the Glue
   * group): the stores wearing it then reach the other store too. Default false: such a repair
   * is refused with a warning saying so.
   */
  readonly failoverOpensStoreGroups?: boolean;
  /**
   * Keep the peering and routes of a path whose rules are refused, instead of adding nothing for
   * it. Auto-peer sets this when the app acknowledges GNP-AUTOPEER-UNFIXABLE: versions before the
   * all-or-none repair added them, and a user who acknowledged the refusal and added the rule by
   * hand relies on them; planning the path without them would make the next deployment remove
   * the peering and cut the path. Default false: all or none.
   */
  readonly keepRoutingOfRefusedRules?: boolean;
  /**
   * Still add a rule refused only because its group's rules cannot be counted (open-ended: the
   * group exported by name, by `Stack.exportValue` too, an unexpanded loop or macro, a rule to a
   * prefix list of unknown size, a group the inputs do not describe), never one whose count is
   * known to exceed the quota. Auto-peer sets this when the app acknowledges
   * GNP-AUTOPEER-UNFIXABLE: a version that counted such a group (one exported by
   * `Stack.exportValue` without a name was counted before adb1f17) added the rule, and dropping
   * it would make the next deployment remove it and cut the path; keeping it never cuts traffic,
   * and a quota overflow fails the deployment, which CloudFormation rolls back. The refusal (then
   * acknowledged) and the rule's reason say so (`RULE_KEPT_UNCOUNTED`). Default false.
   */
  readonly keepRulesOfUncountedGroups?: boolean;
}

export interface Remedy {
  readonly peerings: RemedyPeering[];
  readonly rules: RemedyRule[];
  /**
   * Why some paths cannot be repaired safely: GNP-AUTOPEER-UNFIXABLE errors, and
   * GNP-AUTOPEER-FAILOVER-NOT-OPENED warnings for the failover repairs the options do not allow.
   */
  readonly unfixable: Finding[];
  /** The model with the remedy applied. */
  readonly modelAfter: NetworkModel;
  /** Its plan: what the guard should find once the remedy is in the app. */
  readonly planAfter: Plan;
  /**
   * The paths (`pathKey`) whose peering and routes are kept though their rules were refused
   * (`keepRoutingOfRefusedRules`).
   */
  readonly routedWithoutRules: ReadonlySet<string>;
}

interface BlockedPath {
  readonly job: JobPlan;
  readonly connectionId: string;
  readonly store: DataStorePlan;
  readonly path: PathTrace;
  /** `main`, or the AZ of a failover what-if. */
  readonly scenario: string;
}

/** Model ids of the peerings the remedy adds: the prefix, then the pair's key. */
const ADDED_PEERING_PREFIX = '(auto-peer)/';

/**
 * What auto-peering must add so that every data store is reachable from every connection Glue
 * can select (and, unless `failover` is false, from the one it falls over to after a single-AZ
 * failure): one peering per VPC pair, routes on both sides for the subnets' CIDRs only, and
 * security-group rules for the store's port only. Pure: it works on a copy of the model, applies
 * its own additions there and checks them with the engine before returning.
 *
 * It repairs routing first (peerings make group references valid), then security groups. What
 * cannot be repaired safely is returned as `unfixable` with the reason: network ACL denials,
 * overlapping CIDRs, VPCs in another account or Region, subnets on the VPC's implicit main route
 * table, conflicting routes, peering quotas, unknown facts.
 */
export function planRemedy(model: NetworkModel, options: RemedyOptions = {}, refusedPaths: ReadonlyMap<string, PathRefusal> = new Map()): Remedy {
  // A path's peering, routes and rules are all or none: one without the others opens nothing, and
  // a peering added for nothing may cut no traffic but is still a change the user did not need.
  // A path whose rules are refused is planned again without its routing; other paths may still
  // need the same peering. Each round refuses more paths, so this ends (bounded for safety).
  const refused = new Map(refusedPaths);
  for (let round = 0; ; round++) {
    const { remedy, partial } = planRemedyOnce(model, options, refused);
    if (!partial.size || round >= 8) return remedy;
    for (const [key, refusal] of partial) refused.set(key, refusal);
  }
}

/** The words a refusal of a whole path ends with. */
export const WHOLE_PATH_REFUSED = 'so auto-peer adds nothing for this path: no peering, route or rule (one without the others opens nothing)';

/**
 * The words a refusal of a rule on a group whose rules cannot be counted ends with, and the
 * rule's reason, when the rule is still added (`keepRulesOfUncountedGroups`).
 */
export const RULE_KEPT_UNCOUNTED = "kept while acknowledged: the group's rules cannot be counted, so the quota is not checked for it";

/** The words a refusal of a path's rules ends with when its routing is kept (`keepRoutingOfRefusedRules`). */
export const ROUTING_KEPT = 'GNP-AUTOPEER-UNFIXABLE is acknowledged in this app, so auto-peer still adds the peering and routes this path needs (as versions before the all-or-none repair did: an upgrade never removes them), and the rule is yours to add';

function planRemedyOnce(model: NetworkModel, options: RemedyOptions, refusedPaths: ReadonlyMap<string, PathRefusal>): { remedy: Remedy; partial: Map<string, PathRefusal> } {
  const builder = new RemedyBuilder(model, options.failoverOpensStoreGroups ?? false, Quotas.forPlan(model.quotas, options.quotas), options.keepRoutingOfRefusedRules ?? false,
    options.keepRulesOfUncountedGroups ?? false);
  const failover = options.failover ?? true;

  const before = buildPlan(model, options);
  for (const blocked of blockedPaths(before, failover)) {
    const refusal = refusedPaths.get(pathKey(blocked));
    if (refusal) builder.refuseWholePath(blocked, refusal);
    else builder.repairRouting(blocked);
  }

  let routed = builder.apply(model);
  let middle = buildPlan(routed, options);
  // DNS resolution first: a publicly accessible store named by DNS is reached over the peering
  // (and needs its rules) only once the peering resolves its name to the private address.
  if (builder.enableDnsWhereNeeded(middle)) {
    routed = builder.apply(model);
    middle = buildPlan(routed, options);
  }
  // One index of the routed model for every path (building it per path made this quadratic).
  const routedTopology = new Topology(routed);
  // The main selections first: a failover repair that needs no more than they do opens nothing new.
  const blockedMiddle = blockedPaths(middle, failover);
  for (const blocked of [...blockedMiddle.filter((b) => b.scenario === 'main'), ...blockedMiddle.filter((b) => b.scenario !== 'main')]) {
    builder.repairSecurityGroups(blocked, routedTopology);
  }

  let repaired = builder.apply(model);
  let after = buildPlan(repaired, options);
  if (builder.enableDnsWhereNeeded(after)) {
    repaired = builder.apply(model);
    after = buildPlan(repaired, options);
  }
  // Only what makes a path REACHABLE: a path the remedy touched that the plan after it does not
  // show REACHABLE (UNKNOWN: a loop or macro not expanded, rules or routes added outside the
  // templates; or still UNREACHABLE) is planned again without it.
  for (const unproven of touchedPaths(after, failover, builder.touched())) builder.unproven(unproven);
  for (const blocked of blockedPaths(after, failover)) builder.stillBlocked(blocked);
  return {
    remedy: {
      peerings: builder.peeringList(), rules: builder.ruleList(), unfixable: builder.unfixableList(), modelAfter: repaired, planAfter: after, routedWithoutRules: builder.routedWithoutRules,
    },
    partial: builder.partiallyRepaired,
  };
}

function blockedPaths(plan: Plan, failover: boolean): BlockedPath[] {
  const result: BlockedPath[] = [];
  for (const job of plan.jobs) {
    const scenarios = [{ scenario: 'main', selected: job.selectedConnection, stores: job.dataStores }];
    if (failover) for (const f of job.failover) scenarios.push({ scenario: f.azDown, selected: f.selectedConnection, stores: f.dataStores });
    for (const { scenario, selected, stores } of scenarios) {
      if (!selected) continue;
      for (const { store, path } of blockedStorePaths(stores)) result.push({ job, connectionId: selected.id, store, path, scenario });
    }
  }
  return result;
}

/** The paths of the plan that the remedy touched (`pathKey`) and that are not REACHABLE. */
function touchedPaths(plan: Plan, failover: boolean, touched: ReadonlySet<string>): BlockedPath[] {
  const result: BlockedPath[] = [];
  if (!touched.size) return result;
  for (const job of plan.jobs) {
    const scenarios = [{ scenario: 'main', selected: job.selectedConnection, stores: job.dataStores }];
    if (failover) for (const f of job.failover) scenarios.push({ scenario: f.azDown, selected: f.selectedConnection, stores: f.dataStores });
    for (const { scenario, selected, stores } of scenarios) {
      if (!selected) continue;
      for (const store of stores) {
        for (const path of store.paths) {
          const blocked = { job, connectionId: selected.id, store, path, scenario };
          if (path.verdict !== 'REACHABLE' && touched.has(pathKey(blocked))) result.push(blocked);
        }
      }
    }
  }
  return result;
}

class RemedyBuilder {
  private readonly topo: Topology;
  /** The peerings and routes: the computation the plan's fix texts propose (route-repair.ts). */
  private readonly routeRepair: RouteRepair;
  private readonly rules = new Map<string, MutableRule>();
  /** How many rules are planned per group and direction (`group|direction`), and how many of them reference a group. */
  private readonly plannedPerSide = new Map<string, { all: number; references: number }>();
  private readonly unfixable = new Map<string, Finding>();
  /** Paths already explained as unfixable (`pathKey`). */
  private readonly refused = new Set<string>();

  /** Security groups that data stores wear (declared or read from their resources). */
  private readonly storeGroups = new Set<string>();
  /** The blocked paths (`pathKey`) that use each peering, by the pair's key. */
  private readonly peeringPaths = new Map<string, Set<string>>();
  /**
   * Paths routed by the remedy whose rules were then refused, with the refusal: planned again
   * without their routing (`planRemedy`), so that nothing is added for them.
   */
  readonly partiallyRepaired = new Map<string, PathRefusal>();
  /** Paths routed by the remedy whose rules were refused, routing kept (`keepRoutingOfRefusedRules`). */
  readonly routedWithoutRules = new Set<string>();

  constructor(
    private readonly model: NetworkModel,
    private readonly failoverOpensStoreGroups: boolean,
    private readonly quotas: Quotas,
    private readonly keepRoutingOfRefusedRules: boolean,
    private readonly keepRulesOfUncountedGroups: boolean,
  ) {
    this.topo = new Topology(model);
    this.routeRepair = new RouteRepair(this.topo, quotas);
    for (const store of model.dataStores.values()) if (store.securityGroupIds.known) for (const g of store.securityGroupIds.value) this.storeGroups.add(g);
    for (const store of model.declaredStores.values()) for (const g of store.securityGroupIds) this.storeGroups.add(g);
  }

  peeringList(): RemedyPeering[] {
    return [...this.routeRepair.peerings.values()].map((p) => ({
      ...p,
      requesterRoutes: [...p.requesterRoutes.values()],
      accepterRoutes: [...p.accepterRoutes.values()],
      jobIds: [...p.jobIds],
      stores: [...p.stores],
      pathKeys: [...this.peeringPaths.get(p.key) ?? []],
    }));
  }

  ruleList(): RemedyRule[] {
    return [...this.rules.values()].map((r) => ({ ...r, jobIds: [...r.jobIds], pathKeys: [...r.pathKeys] }));
  }

  unfixableList(): Finding[] {
    return [...this.unfixable.values()];
  }

  /** Peering and routes for a path whose routing blocks, or the reason it cannot be repaired. */
  repairRouting(blocked: BlockedPath): void {
    const { path, job } = blocked;
    const acl = path.hops.find((h) => h.kind === 'network-acl' && h.verdict === 'UNREACHABLE');
    if (acl) {
      this.refuse(blocked, acl.source, `network ACL ${acl.component} blocks it (${acl.detail})`,
        `Network ACLs are stateless rules other traffic may rely on, so auto-peer does not change them. Allow TCP ${blocked.store.port ?? ''} and the ephemeral replies (1024-65535) in ${acl.component}.`);
    }
    const outcome = this.routeRepair.repair(job.id, job.source, blocked.store.connection.name, path);
    if (outcome?.kind === 'routes') {
      const paths = this.peeringPaths.get(outcome.peering.key) ?? new Set<string>();
      this.peeringPaths.set(outcome.peering.key, paths.add(pathKey(blocked)));
    } else if (outcome?.kind === 'refused') {
      for (const r of outcome.refusals) this.refuse(blocked, r.source, r.why, r.fix);
    } else if (outcome?.kind === 'quota') {
      const vpc = outcome.vpc;
      this.unfixable.set(`quota|${vpc.id}`, {
        ruleId: RULES.autoPeerUnfixable.id,
        severity: RULES.autoPeerUnfixable.severity,
        source: vpc.source,
        message: `Auto-peer would give ${nameOf(vpc.source, vpc.id)} more than ${outcome.limit}.`,
        fix: 'Request a quota increase (up to 125), or connect the VPCs through a transit gateway.',
        jobId: job.id,
      });
    }
  }

  /**
   * A path refused as a whole (its rules could not be added or placed in an earlier round): no
   * routing for it, and the refusal ends saying so.
   */
  refuseWholePath(blocked: BlockedPath, refusal: PathRefusal): void {
    this.refuse(blocked, refusal.source, `${refusal.why.replace(/\.+$/, '')}, ${WHOLE_PATH_REFUSED}`, refusal.fix);
  }

  /** Group rules for a path that only security groups block (after routing is repaired). */
  repairSecurityGroups(blocked: BlockedPath, routed: Topology): void {
    const { path, store, job } = blocked;
    const groupHops = path.hops.filter((h) => h.kind === 'security-group');
    // tracePath judges the ENI's egress first and the store's ingress second.
    const [egressHop, ingressHop] = groupHops;
    if (!groupHops.some((h) => h.verdict === 'UNREACHABLE')) return;
    // Rules only where they make the path work: not on a path refused already, nor on one that
    // routing or a network ACL still blocks (a rule there would open a port for nothing).
    if (this.refused.has(pathKey(blocked))) return;
    if (path.hops.some((h) => h.kind !== 'security-group' && h.verdict === 'UNREACHABLE')) return;
    const connection = this.model.connections.get(blocked.connectionId);
    const storeConnection = this.model.connections.get(store.connection.id);
    const eniSubnet = routed.subnet(path.sourceSubnet);
    const storeSubnet = routed.subnet(path.destinationSubnet);
    if (!connection || !storeConnection || !eniSubnet || !storeSubnet || !eniSubnet.cidr.known || !storeSubnet.cidr.known || store.port === undefined) return;
    const located = locateStore(routed, storeConnection);
    const storeGroups = located?.securityGroupIds.known ? located.securityGroupIds.value : [];
    const glue = glueGroupOf(routed, connection.securityGroupIds);
    // The path decides whether a reference is honoured only when each group is in its end's VPC:
    // a store addressed by IP is assumed to wear its connection's groups, which may belong to
    // another VPC, and a reference between groups of unpeered VPCs fails to deploy.
    const byReference = this.groupReferenceValid(routed, path, eniSubnet, storeSubnet)
      && groupInVpcOf(routed, glue?.groupId, eniSubnet) && groupInVpcOf(routed, storeGroups[0], storeSubnet);
    if (glue && byReference && blocked.scenario !== 'main' && !this.failoverOpensStoreGroups && this.storeGroups.has(glue.groupId)
      && !(ingressHop?.verdict === 'UNREACHABLE' && storeGroups.length && this.rules.has(ruleKey({ direction: 'ingress', groupId: storeGroups[0], port: store.port, peerGroupId: glue.groupId })))) {
      // The Glue ENIs need the port; the databases that also wear this group do not. (A rule the
      // main selection needs anyway is no new opening.)
      const connectionName = nameOf(connection.source, connection.id);
      this.refuse(blocked, connection.source,
        `the fallback connection ${connectionName}'s Glue group ${nameOf(routed.securityGroup(glue.groupId)?.source, glue.groupId)} is also a data store's security group, so admitting it would let that store reach ${store.connection.name} too`,
        `Give connection ${connectionName} a security group of its own (with the self-referencing all-TCP rule) and synthesize again, or set failoverRepair to FailoverRepair.ALLOW_STORE_GROUPS on the guard to admit the shared group anyway.`,
        RULES.autoPeerFailoverNotOpened);
      return;
    }
    const scenario = blocked.scenario === 'main' ? '' : ` after a failure of ${blocked.scenario}`;
    const eniVpc = eniSubnet.vpcId.known ? eniSubnet.vpcId.value : undefined;
    const storeVpc = storeSubnet.vpcId.known ? storeSubnet.vpcId.value : undefined;
    const acrossVpcs = eniVpc !== undefined && storeVpc !== undefined && eniVpc !== storeVpc;
    const peeringKey = byReference && acrossVpcs ? [eniVpc, storeVpc].sort().join('|') : undefined;
    const travelled = peeringKey ? routed.peeringBetween(eniVpc!, storeVpc!) : undefined;
    const via = peeringKey ? { peeringKey, ...(travelled && !travelled.id.startsWith(ADDED_PEERING_PREFIX) ? { existingPeeringId: travelled.id } : {}) } : {};
    const additions: MutableRule[] = [];
    const planned = (rule: Omit<MutableRule, 'jobIds' | 'pathKeys'>) => additions.push({ ...rule, jobIds: new Set([job.id]), pathKeys: new Set([pathKey(blocked)]) });
    if (egressHop?.verdict === 'UNREACHABLE') {
      if (!glue) {
        this.refusePartly(blocked, connection.source, 'the connection has no security group to add an egress rule to', 'Give the connection a security group.');
        return;
      } else {
        const peer = byReference && storeGroups.length ? { peerGroupId: storeGroups[0] } : { peerCidr: storeSubnet.cidr.value.text };
        planned({
          direction: 'egress',
          groupId: glue.groupId,
          port: store.port,
          ...(peer.peerGroupId ? { ...peer, ...via } : peer),
          description: `cdk-glue-netplan: Glue ${connection.id} to its data store ${store.connection.name}`,
          reason: `job ${job.name}${scenario}: ${glue.reason}; it may send TCP ${store.port} to ${peer.peerGroupId ? nameOf(routed.securityGroup(peer.peerGroupId)?.source, peer.peerGroupId) : peer.peerCidr} (${store.connection.name}'s ${peer.peerGroupId ? 'group' : 'subnet'})`,
        });
      }
    }
    if (ingressHop?.verdict === 'UNREACHABLE') {
      if (!storeGroups.length) {
        this.refusePartly(blocked, store.storeSource ?? storeConnection.source, "the data store's security groups are not known", 'Declare the store with its security groups (GlueDataStore.declare).');
        return;
      } else {
        const peer = byReference && glue ? { peerGroupId: glue.groupId } : { peerCidr: eniSubnet.cidr.value.text };
        planned({
          direction: 'ingress',
          groupId: storeGroups[0],
          port: store.port,
          ...(peer.peerGroupId ? { ...peer, ...via } : peer),
          description: `cdk-glue-netplan: Glue job ${job.name} via ${connection.id}`,
          reason: `job ${job.name}${scenario}: ${store.connection.name}'s group ${nameOf(routed.securityGroup(storeGroups[0])?.source, storeGroups[0])} admits TCP ${store.port} from ${peer.peerGroupId
            ? `${glue!.reason}` : `the Glue subnet ${eniSubnet.id} (${peer.peerCidr}), as a group reference would not be honoured on this path`}`,
        });
      }
    }
    // The rules the path needs, all or none: one alone opens a port for nothing. A rule refused
    // only because its group's rules cannot be counted is still added while the refusal is
    // acknowledged (keepRulesOfUncountedGroups), as a version that counted the group did.
    const checked = additions.map((rule) => ({ rule, refusal: this.ruleQuotaRefusal(rule) }));
    const refused = checked.find(({ refusal }) => refusal && !(refusal.uncounted && this.keepRulesOfUncountedGroups))?.refusal;
    if (refused) {
      this.refusePartly(blocked, refused.source, refused.why, refused.fix);
      return;
    }
    for (const { rule, refusal } of checked) {
      if (!refusal) {
        this.addRule(rule);
        continue;
      }
      // The refusal stays (an error the app acknowledges), saying the rule is added all the same.
      this.refuse(blocked, refusal.source,
        `${refusal.why.replace(/\.+$/, '')}; GNP-AUTOPEER-UNFIXABLE is acknowledged in this app, so auto-peer still adds the rule, ${RULE_KEPT_UNCOUNTED} (as versions that counted the group did: an upgrade never removes it)`,
        `Nothing to add by hand: auto-peer adds the rule (EC2 refuses a duplicate of it). To have the quota checked for it, ${refusal.settle ?? 'make the group\'s rules countable'}.`,
        RULES.autoPeerUnfixable, `cannot check the rules quota of a rule it adds for the data store of connection ${blocked.store.connection.name}`);
      this.addRule({ ...rule, reason: `${rule.reason}; ${RULE_KEPT_UNCOUNTED} (GNP-AUTOPEER-UNFIXABLE is acknowledged: see that refusal)` });
    }
  }

  /**
   * Why a rule the remedy would add does not fit in its group's "Inbound or outbound rules per
   * security group" quota, or undefined. A rule over the quota fails to create, and CloudFormation
   * rolls the whole deployment back: auto-peer adds only a rule it can count room for, the
   * group's rules (counted as the GNP-QUOTA-SG-RULES check counts them, groupRuleQuotaUse) plus
   * the ones it already adds there. When the inputs do not let the group's rules be counted (a
   * group they do not describe, such as one imported by id without facts; a rule to a prefix list
   * whose maximum entries they do not give; rules a custom resource or an unresolved value may
   * add), nothing is assumed either way: auto-peer refuses and says what to give or add by hand,
   * as it does for a route table whose count is unknown. Adding on an assumption of room could
   * break the whole deployment, which auto-peer must never do; refusing leaves the deployment as
   * it is, with an error saying which rule to add.
   */
  private ruleQuotaRefusal(rule: MutableRule): (Refusal & { readonly uncounted?: boolean; readonly settle?: string }) | undefined {
    if (this.rules.has(ruleKey(rule))) return undefined; // planned already: counted
    const group = this.topo.securityGroup(rule.groupId);
    const groupName = nameOf(group?.source, rule.groupId);
    const bound = rule.direction === 'ingress' ? 'inbound' : 'outbound';
    const peer = rule.peerGroupId !== undefined ? `security group ${nameOf(this.topo.securityGroup(rule.peerGroupId)?.source, rule.peerGroupId)}` : rule.peerCidr;
    const what = `${rule.direction} TCP ${rule.port} ${rule.direction === 'ingress' ? 'from' : 'to'} ${peer}`;
    const quota = `${this.quotas.text('rulesPerSecurityGroup')} ${bound} rules per security group`;
    const byHand = `add the rule yourself (${what} on ${groupName})`;
    const failing = 'and a rule over the quota fails to create, rolling the deployment back';
    if (!group) {
      const settle = 'describe the group in --facts (its rules) or define it in the app';
      return {
        uncounted: true,
        settle,
        why: `security group ${groupName} is not described by the inputs, so whether one more ${bound} rule (${what}) fits within ${quota} cannot be told, ${failing}`,
        fix: `${settle[0].toUpperCase()}${settle.slice(1)}, or ${byHand}.`,
      };
    }
    const use = groupRuleQuotaUse(group, rule.direction, this.topo.model.prefixListMaxEntries, this.topo.model.prefixListFamilies);
    if (use.unweighed.length || use.unseen.length) {
      const settle = "give the prefix list's maximum entries (a literal MaxEntries for a list the templates define; for a pl-... list, the facts' prefixLists: [{ id, maxEntries }], for an AWS-managed list its documented weight, 1 for S3 and DynamoDB), or describe the rules the inputs do not list, so the group's count is known";
      return {
        uncounted: true,
        settle,
        source: group.source,
        why: `security group ${groupName}${use.unseen.length ? ':' : ''} ${[...use.unseen, ...use.unweighed.length ? [`${use.unseen.length ? 'it has' : 'has'} ${use.unweighed.join(', ')} (AWS counts a rule to a prefix list as the list's maximum entries)`] : []].join('; ')}: whether one more ${bound} rule (${what}) fits within ${quota} cannot be told, ${failing}`,
        fix: `${settle[0].toUpperCase()}${settle.slice(1)}; or ${byHand}.`,
      };
    }
    const sameSide = this.plannedPerSide.get(`${rule.groupId}|${rule.direction}`) ?? { all: 0, references: 0 };
    const limit = this.quotas.value('rulesPerSecurityGroup');
    const sides = [{ family: 'IPv4', count: use.ipv4, planned: sameSide.all }];
    // A rule to a security group counts on the IPv6 side too (an assumption: see groupRuleQuotaUse).
    if (rule.peerGroupId !== undefined) sides.push({ family: 'IPv6', count: use.ipv6, planned: sameSide.references });
    const full = sides.find((side) => side.count + side.planned + 1 > limit);
    if (!full) return undefined;
    return {
      source: group.source,
      why: `security group ${groupName} has ${full.count} ${bound} ${full.family} rules${full.planned ? ` and auto-peer already adds ${full.planned}` : ''}${full.family === 'IPv6' ? ' (a rule to a security group counts on the IPv6 side too, an assumption)' : ''}: one more (${what}) would exceed ${quota}, ${failing}`,
      fix: `Merge rules of ${groupName} (a wider CIDR block, a security group reference, or a prefix list with fewer maximum entries), or request a quota increase (inbound or outbound rules per security group; multiplied by security groups per network interface it cannot exceed 1,000) and give it to the guard's quotas; or ${byHand}.`,
    };
  }

  /**
   * Turns on DNS resolution on the peerings the remedy adds where the plan says a publicly
   * accessible store, named by DNS, would resolve to its public IP over them (PEERING_DNS).
   * Returns whether anything changed.
   */
  enableDnsWhereNeeded(plan: Plan): boolean {
    let changed = false;
    for (const job of plan.jobs) {
      const stores = [...job.dataStores, ...job.failover.flatMap((f) => f.dataStores)];
      for (const store of stores) {
        for (const e of [...store.explanations, ...store.paths.flatMap((p) => p.explanations)]) {
          if (e.code !== 'PEERING_DNS' || !e.component.startsWith(ADDED_PEERING_PREFIX)) continue;
          const peering = this.routeRepair.peerings.get(e.component.slice(ADDED_PEERING_PREFIX.length));
          if (peering && !peering.existingPeeringId && !peering.allowDnsResolution) {
            peering.allowDnsResolution = true;
            changed = true;
          }
        }
      }
    }
    return changed;
  }

  /** The paths (`pathKey`) the remedy routes or adds rules for. */
  touched(): Set<string> {
    const keys = new Set<string>();
    for (const paths of this.peeringPaths.values()) for (const key of paths) keys.add(key);
    for (const rule of this.rules.values()) for (const key of rule.pathKeys) keys.add(key);
    return keys;
  }

  /**
   * A path the remedy touched that would not be REACHABLE after it: planned again without it (its
   * refusal then says nothing is added for it), unless routing of refused paths is kept.
   */
  unproven(blocked: BlockedPath): void {
    const key = pathKey(blocked);
    if (this.refused.has(key)) return;
    const { path, store } = blocked;
    const explanations = path.explanations.length ? path.explanations : store.explanations;
    const reasons = explanations.filter((e) => path.verdict !== 'UNKNOWN' || e.unknown).map((e) => e.message.replace(/\.+$/, ''));
    const why = `with the peering, routes and rules auto-peer would add, the path would still be ${path.verdict}${reasons.length ? ` (${reasons.join('; ')})` : ''}, and auto-peer adds only what it can show makes a path REACHABLE`;
    // Auto-peer runs in the guard only: its facts, not the CLI's --facts. An app an earlier version
    // peered for this path fails its synthesis here, so the fix says how to keep that peering.
    const keep = "Or, once you have checked the path yourself, acknowledge GNP-AUTOPEER-UNFIXABLE (Validations.of(scope).acknowledge, in the guard's default validation report): auto-peer then still adds what it planned for this path, as versions before this check did (a peering they added stays); or declare the peering and its routes yourself (VpcPeering).";
    const fix = path.verdict === 'UNKNOWN'
      ? `Settle what the message names as unknown (for example: declare the store with its security groups, GlueDataStore.declare; expand the loop or macro; describe in the guard's facts or factsFile what the templates do not), then synthesize again. ${keep}`
      : `Repair the path by hand (see the plan), or describe in the guard's facts or factsFile what the templates do not. ${keep}`;
    if (this.keepRoutingOfRefusedRules) {
      this.routedWithoutRules.add(key);
      this.refuse(blocked, blocked.job.source, `${why}; GNP-AUTOPEER-UNFIXABLE is acknowledged in this app, so auto-peer still adds what it planned for this path (as versions before this check did: an upgrade never removes it)`, fix);
      return;
    }
    this.partiallyRepaired.set(key, { source: blocked.job.source, why, fix });
    this.refuse(blocked, blocked.job.source, why, fix);
  }

  /** A path the remedy did not make reachable: say why, unless already said. */
  stillBlocked(blocked: BlockedPath): void {
    if (this.refused.has(pathKey(blocked))) return;
    const reasons = blocked.store.explanations.filter((e) => !e.unknown).map((e) => e.message);
    this.refuse(blocked, blocked.job.source, reasons.join(' ') || 'the path stays UNREACHABLE', 'Repair the path by hand (see the plan), or pass a facts file for what the templates do not describe.');
  }

  apply(base: NetworkModel): NetworkModel {
    const model: NetworkModel = {
      ...base,
      routeTables: new Map(base.routeTables),
      peerings: new Map(base.peerings),
      securityGroups: new Map(base.securityGroups),
    };
    const remedySource = (id: string): SourceRef => ({ stack: '(auto-peer)', logicalId: id });
    for (const p of this.routeRepair.peerings.values()) {
      const peeringId = p.existingPeeringId ?? `${ADDED_PEERING_PREFIX}${p.key}`;
      if (!p.existingPeeringId) {
        const pcx: VpcPeeringConnection = {
          id: peeringId,
          source: remedySource(p.key),
          requesterVpcId: known(p.requesterVpcId),
          accepterVpcId: known(p.accepterVpcId),
          state: 'active',
          allowDnsResolutionFromRequester: known(p.allowDnsResolution),
          allowDnsResolutionFromAccepter: known(p.allowDnsResolution),
        };
        model.peerings.set(peeringId, pcx);
      }
      for (const route of [...p.requesterRoutes.values(), ...p.accepterRoutes.values()]) {
        const table = model.routeTables.get(route.routeTableId);
        if (!table) continue;
        const updated: RouteTable = {
          ...table,
          routes: [...table.routes, {
            source: remedySource(`${route.routeTableId}>${route.destination}`),
            destination: known(parseCidrText(route.destination)),
            target: { kind: 'vpc-peering', targetId: peeringId, description: peeringId },
          }],
        };
        model.routeTables.set(route.routeTableId, updated);
      }
    }
    for (const rule of this.rules.values()) {
      const group = model.securityGroups.get(rule.groupId);
      if (!group) continue;
      const added: SecurityGroupRule = {
        source: remedySource(ruleKey(rule)),
        protocol: PROTOCOL_TCP,
        ports: { from: rule.port, to: rule.port },
        peer: rule.peerGroupId ? { kind: 'security-group', groupId: rule.peerGroupId } : { kind: 'cidr', cidr: parseCidrText(rule.peerCidr!) },
      };
      const updated: SecurityGroup = rule.direction === 'ingress'
        ? { ...group, ingress: [...group.ingress, added] }
        : { ...group, egress: [...group.egress, added] };
      model.securityGroups.set(rule.groupId, updated);
    }
    return model;
  }

  private groupReferenceValid(routed: Topology, path: PathTrace, eniSubnet: Subnet, storeSubnet: Subnet): boolean {
    if (eniSubnet.vpcId.known && storeSubnet.vpcId.known && eniSubnet.vpcId.value === storeSubnet.vpcId.value) return true;
    if (path.hops.some((h) => h.kind === 'transit-gateway')) return false;
    const a = routed.vpcOfSubnet(eniSubnet);
    const b = routed.vpcOfSubnet(storeSubnet);
    if (!a.known || !b.known) return false;
    const regionA = routed.regionOf(a.value);
    const regionB = routed.regionOf(b.value);
    const pcx = routed.peeringBetween(a.value.id, b.value.id);
    const crossRegion = (regionA !== undefined && regionB !== undefined && regionA !== regionB)
      || (pcx?.peerRegion?.known === true && pcx.peerRegion.value !== '' && pcx.peerRegion.value !== regionA);
    return !!pcx && !crossRegion;
  }

  /**
   * Refuses a path's rules. When the remedy routed the path, the path is also recorded to be
   * planned again without its routing (`planRemedy`), whose refusal says that nothing was added;
   * or, with `keepRoutingOfRefusedRules`, its routing is kept and the refusal says so.
   */
  private refusePartly(blocked: BlockedPath, source: SourceRef | undefined, why: string, fix: string): void {
    const key = pathKey(blocked);
    if (![...this.peeringPaths.values()].some((paths) => paths.has(key))) {
      this.refuse(blocked, source, why, fix);
    } else if (this.keepRoutingOfRefusedRules) {
      this.routedWithoutRules.add(key);
      this.refuse(blocked, source, `${why.replace(/\.+$/, '')}; ${ROUTING_KEPT}`, fix);
    } else {
      this.partiallyRepaired.set(key, { source, why, fix });
      this.refuse(blocked, source, why, fix);
    }
  }

  private addRule(rule: MutableRule): void {
    const key = ruleKey(rule);
    const existing = this.rules.get(key);
    if (existing) {
      for (const jobId of rule.jobIds) existing.jobIds.add(jobId);
      for (const path of rule.pathKeys) existing.pathKeys.add(path);
      return;
    }
    this.rules.set(key, rule);
    const side = `${rule.groupId}|${rule.direction}`;
    const planned = this.plannedPerSide.get(side) ?? { all: 0, references: 0 };
    this.plannedPerSide.set(side, { all: planned.all + 1, references: planned.references + (rule.peerGroupId !== undefined ? 1 : 0) });
  }

  private refuse(
    blocked: BlockedPath, source: SourceRef | undefined, why: string, fix: string, rule: RuleDefinition = RULES.autoPeerUnfixable,
    cannot = `cannot make the data store of connection ${blocked.store.connection.name} reachable`,
  ): void {
    this.refused.add(pathKey(blocked));
    const key = `${blocked.job.id}|${why}`;
    if (this.unfixable.has(key)) return;
    const where = blocked.scenario === 'main' ? 'from the connection Glue selects' : `after a failure of ${blocked.scenario}`;
    this.unfixable.set(key, {
      ruleId: rule.id,
      severity: rule.severity,
      source: source ?? blocked.job.source,
      message: `Auto-peer ${cannot} for job ${blocked.job.name} ${where} (${blocked.path.sourceSubnet} to ${blocked.path.destinationSubnet}): ${why.replace(/\.+$/, '')}.`,
      fix,
      jobId: blocked.job.id,
    });
  }
}

interface MutableRule extends Omit<RemedyRule, 'jobIds' | 'pathKeys'> {
  readonly jobIds: Set<string>;
  readonly pathKeys: Set<string>;
}

function groupInVpcOf(topo: Topology, groupId: string | undefined, subnet: Subnet): boolean {
  const vpcId = groupId !== undefined ? topo.securityGroup(groupId)?.vpcId : undefined;
  return vpcId?.known === true && subnet.vpcId.known && vpcId.value === subnet.vpcId.value;
}

/**
 * A blocked path's key: its job, its store, and the subnets of the Glue ENI and the store. (The
 * store too: two stores behind the same subnets may need different rules, and refusing one's must
 * not refuse the other's.)
 */
function pathKey(blocked: BlockedPath): string {
  return `${blocked.job.id}|${blocked.store.connection.id}|${blocked.path.sourceSubnet}|${blocked.path.destinationSubnet}`;
}

function ruleKey(rule: Pick<RemedyRule, 'direction' | 'groupId' | 'port' | 'peerGroupId' | 'peerCidr'>): string {
  return `${rule.direction}|${rule.groupId}|${rule.port}|${rule.peerGroupId ?? rule.peerCidr}`;
}

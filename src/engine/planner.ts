import { CDK_PLACEHOLDER_ZONES, GlueConnection, GlueJob, NetworkModel, Subnet, unitNoun, Vpc } from '../model';
import { eniDemand, JOB_COMMANDS, usableAddresses } from './capacity';
import { connectionName, CUSTOM_RESOURCE_NAME } from './connection-name';
import { checkGlueRequirements, undecidedDnsFix, undecidedDnsSettings } from './glue-requirements';
import { ListenerCheck } from './kafka-listeners';
import { KeyTree, keyStep } from './key-tree';
import { nameOf } from './names';
import { EniSide, StoreSide, tracePath } from './path';
import {
  ConnectionSummary, DataStorePlan, Explanation, FailoverScenario, Finding, JobPlan, PathTrace, Plan, PlanNetwork, PlanOptions, Reason, Verdict,
} from './plan';
import { publicAccessUnknownTrace, resolvedTrace, traceInternetPath } from './public-path';
import { countedOnBothSides, groupRuleQuotaUse, Quotas, routeQuotaUse } from './quotas';
import { networkCanFix, proposesRoute, RouteOutcome, routeFixText, RouteRepair } from './route-repair';
import { cidrList, vpcsOverlap } from './routing';
import { RULES, RuleDefinition } from './rules';
import { associatedGroups, associationAssumption, azMatch, s3PathOnce, selectConnection, Selection, summarize } from './selection';
import { servicePathFindings } from './service-paths';
import { describeAddress, LocatedStore, locateStoresShared } from './store-location';
import { otherSide, Topology } from './topology';
import { isZoneId, subnetZone, zoneKey, zoneOf, zoneText } from './zones';

const CONNECTIONS_PER_JOB = 1000;

/**
 * What planning one model computes again and again, by key: where each connection's store is,
 * and the trace of each distinct (ENI subnet and groups, store subnet, port, address, groups)
 * path. Many jobs share connections, so most of their paths are the same path: traced once, the
 * results are shared, read-only, by every job (and failover scenario) that takes that path.
 */
interface PlanMemo {
  readonly stores: Map<string, LocatedStore[]>;
  /**
   * Traces by ENI subnet, store subnet, ENI groups, then the store's port, address and groups.
   * Nested maps keyed by the model's objects and by small numbers (below): one string key per
   * path cost more, in building and comparing, than the lookup it served.
   */
  readonly traces: Map<Subnet, Map<Subnet, Map<number, Map<number, PathTrace>>>>;
  /** A number per distinct list of ENI groups, by list (each connection's list is built once). */
  readonly eniKeys: Map<readonly string[], number>;
  /** A number per distinct (port, address, groups) of a store, by located store. */
  readonly storeKeys: Map<LocatedStore, number>;
  /**
   * The numbers above, by what they stand for, one part after the other: ENI groups by their ids;
   * store keys by port, address, whether the groups are known, then the groups' ids. (A tree of
   * the parts rather than one text per key: building and hashing a new text per connection cost
   * more than these lookups of the ids, port and address.)
   */
  readonly eniKeyTree: KeyNode;
  readonly storeKeyTree: KeyNode;
  keyCount: number;
}

/** A node of a key tree: the number of the key that ends here, and the next parts. */
type KeyNode = KeyTree<number>;

/** The number of a list of ids, after `node` (a list ending here is another key than a longer one). */
function keyNumber(memo: PlanMemo, node: KeyNode, ids: readonly string[]): number {
  for (const id of ids) node = keyStep(node, id);
  return node.value ??= memo.keyCount++;
}
const memos = new WeakMap<Topology, PlanMemo>();

function memoOf(topo: Topology): PlanMemo {
  let memo = memos.get(topo);
  if (!memo) memos.set(topo, memo = { stores: new Map(), traces: new Map(), eniKeys: new Map(), storeKeys: new Map(), eniKeyTree: {}, storeKeyTree: {}, keyCount: 0 });
  return memo;
}

function locateStoresOnce(topo: Topology, connection: GlueConnection): LocatedStore[] {
  const { stores } = memoOf(topo);
  let located = stores.get(connection.id);
  if (!located) stores.set(connection.id, located = locateStoresShared(topo, connection));
  return located;
}

/** The trace from the ENI side to one subnet of a located store whose port is known. */
function tracePathOnce(topo: Topology, eni: EniSide, storeSubnet: Subnet, located: LocatedStore, port: number): PathTrace {
  const memo = memoOf(topo);
  const groups = located.securityGroupIds.known ? located.securityGroupIds.value : [];
  let eniKey = memo.eniKeys.get(eni.securityGroupIds);
  if (eniKey === undefined) memo.eniKeys.set(eni.securityGroupIds, eniKey = keyNumber(memo, memo.eniKeyTree, eni.securityGroupIds));
  let storeKey = memo.storeKeys.get(located);
  if (storeKey === undefined) {
    const head = keyStep(keyStep(keyStep(memo.storeKeyTree, port), located.address), located.securityGroupIds.known);
    memo.storeKeys.set(located, storeKey = keyNumber(memo, head, groups));
  }
  let byStoreSubnet = memo.traces.get(eni.subnet);
  if (!byStoreSubnet) memo.traces.set(eni.subnet, byStoreSubnet = new Map());
  let byEniGroups = byStoreSubnet.get(storeSubnet);
  if (!byEniGroups) byStoreSubnet.set(storeSubnet, byEniGroups = new Map());
  let traces = byEniGroups.get(eniKey);
  if (!traces) byEniGroups.set(eniKey, traces = new Map());
  let trace = traces.get(storeKey);
  if (!trace) {
    const store: StoreSide = { subnet: storeSubnet, port, address: located.address, securityGroupIds: groups, securityGroupsKnown: located.securityGroupIds.known };
    traces.set(storeKey, trace = tracePath(topo, eni, store));
  }
  return trace;
}

/** The subnet and VPC of a selected connection, as the user calls them (construct paths where known). */
function placeOf(selected: NonNullable<Selection['selected']>): string {
  return `${nameOf(selected.subnet.source, selected.subnet.id)}, ${nameOf(selected.vpc.source, selected.vpc.id)}`;
}

/**
 * The GlueVersion of a job or session that has reached end of life, if it has: Spark on Glue 0.9,
 * 1.0 and 2.0, and Python shell on Python 2 (Glue 1.0), all on 1 April 2026 (AWS Glue, "AWS Glue
 * version support policy", https://docs.aws.amazon.com/glue/latest/dg/glue-version-support-policy.html).
 * `pip`: whether that version installs `--additional-python-modules` when a run starts (2.0 does).
 */
function endOfLifeVersion(job: GlueJob): { version?: string; pip: boolean } | undefined {
  if ((job.kind && job.kind !== 'session') || !job.command.known) return undefined;
  const python2 = job.command.value === 'pythonshell' && !!job.pythonVersion?.known && job.pythonVersion.value.trim() === '2';
  // A Python shell job on Python 2 ran only on Glue 1.0 (and 0.9): AWS offers Python shell 3.6 on
  // Glue 1.0 and 3.9 on Glue 3.0 ("AWS Glue versions"). Without a GlueVersion (or with one not
  // resolved), whichever version Glue gives the job, Python 2 is end of life.
  if (python2 && !job.glueVersion?.known) return { pip: false };
  if (!job.glueVersion?.known) return undefined;
  const version = Number(job.glueVersion.value);
  const spark = job.command.value === 'glueetl' || job.command.value === 'gluestreaming';
  if ((spark && (version === 0.9 || version === 1 || version === 2)) || (python2 && version <= 1)) return { version: job.glueVersion.value.trim(), pip: spark && version === 2 };
  return undefined;
}

function finding(rule: RuleDefinition, source: Finding['source'], message: string, fix: string, jobId?: string): Finding {
  // Internal markers of unresolved template values never reach a message.
  return { ruleId: rule.id, severity: rule.severity, source, message: withoutMarkers(message), fix: withoutMarkers(fix), jobId };
}

/** `describeAddress`, without its two scans of the (mostly long, marker-free) text when it has no marker. */
function withoutMarkers(text: string): string {
  return text.includes('{{') ? describeAddress(text) : text;
}

/** Builds the plan: Glue's selection replayed per job, every store traced, what-ifs, findings. */
export function buildPlan(model: NetworkModel, options: PlanOptions = {}): Plan {
  const quotas = Quotas.forPlan(model.quotas, options.quotas);
  const topo = new Topology(model);
  const azDown = new Set(options.azDown ?? []);
  const failover = options.failover ?? true;
  // The routes auto-peer would add, planned path by path in the order it plans them, so that
  // the fixes propose exactly those.
  const fixing: RouteFixing = { repair: new RouteRepair(topo, quotas), byStore: new Map() };
  const jobs = [...model.jobs.values()].map((job) => planJob(topo, job, azDown, failover, fixing));
  const findings = [
    ...model.issues.map((i) => (i.kind === 'not-read'
      ? finding(RULES.inputNotRead, i.source, i.message, i.fix ?? 'Give the reader that part of the input as CloudFormation, or describe what it defines in --facts.')
      : finding(RULES.inputUnresolved, i.source, i.message, i.fix ?? 'Make the value resolvable (a literal, a parameter default, an export another stack provides), or describe it in --facts.'))),
    ...connectionFindings(topo, quotas),
    ...peeringFindings(topo),
    ...quotaFindings(topo, quotas),
    ...capacityFindings(topo, jobs),
    ...servicePathFindings(topo, jobs),
  ];
  return { jobs, findings, azDown: [...azDown], network: describeNetwork(topo, jobs) };
}

/** The subnets (and their VPCs) that the jobs' connections and traced paths touch, in plan order. */
function describeNetwork(topo: Topology, jobs: JobPlan[]): PlanNetwork {
  const subnetIds = new Set<string>();
  // Jobs share traces: a trace already visited added its subnets already.
  const visited = new Set<PathTrace>();
  const addStores = (stores: DataStorePlan[]) => {
    for (const s of stores) {
      for (const p of s.paths) {
        if (visited.has(p)) continue;
        visited.add(p);
        subnetIds.add(p.sourceSubnet);
        subnetIds.add(p.destinationSubnet);
      }
    }
  };
  for (const job of jobs) {
    for (const c of job.candidates) if (c.connection.subnet) subnetIds.add(c.connection.subnet);
    addStores(job.dataStores);
    for (const f of job.failover) if (f.dataStores !== job.dataStores) addStores(f.dataStores);
  }
  const vpcIds = new Set<string>();
  const subnets: PlanNetwork['subnets'] = [];
  for (const id of subnetIds) {
    const subnet = topo.subnet(id);
    if (!subnet) continue;
    if (subnet.vpcId.known) vpcIds.add(subnet.vpcId.value);
    subnets.push({
      id,
      source: subnet.source,
      vpc: subnet.vpcId.known ? subnet.vpcId.value : undefined,
      cidr: subnet.cidr.known ? subnet.cidr.value.text : undefined,
      az: zoneKey(subnetZone(subnet)),
    });
  }
  const vpcs: PlanNetwork['vpcs'] = [];
  for (const id of vpcIds) {
    const vpc = topo.vpc(id);
    if (vpc) vpcs.push({ id, source: vpc.source, cidrs: topo.vpcCidrs(vpc).map((c) => c.text) });
  }
  return { vpcs, subnets };
}

function planJob(topo: Topology, job: GlueJob, azDown: Set<string>, failover: boolean, fixing: RouteFixing): JobPlan {
  const name = job.name.known ? job.name.value : job.source.logicalId;
  // `job` or `crawler`, ...: the messages name what is planned.
  const unit = unitNoun(job.kind);
  const unitTitle = `${unit[0].toUpperCase()}${unit.slice(1)}`;
  const selection = selectConnection(topo, job, azDown);
  const dataStores = selection.selected ? withRouteFixes(topo, fixing, job, planStores(topo, job, selection), true) : planStores(topo, job, selection);
  const findings: Finding[] = [];
  const selectedName = selection.selected ? summarize(topo, selection.selected.connection, '').name : undefined;

  for (const ref of job.connections) {
    if (!ref.connectionId && ref.createdBy) {
      const listed = ref.name.known ? `connection ${ref.name.value}` : 'a connection';
      findings.push(finding(RULES.connectionUnresolved, job.source,
        `${unitTitle} ${name} lists ${listed}, created by ${ref.createdBy}: glue-netplan cannot see what a custom resource creates, so the connection's subnet, AZ and data store are unknown.`,
        `Declare the connection as an AWS::Glue::Connection (glue.Connection in CDK), or describe it by its name${ref.name.known ? ` (${ref.name.value})` : ''} under connections[] in a --facts file.`, job.id));
    } else if (!ref.connectionId) {
      findings.push(finding(RULES.connectionUnresolved, job.source,
        `${unitTitle} ${name} lists connection ${ref.name.known ? ref.name.value : '(unresolved name)'}, which no template or --facts file defines, so its subnet, AZ and data store are unknown.`,
        'Define the connection in the app, or describe it under connections[] in a --facts file.', job.id));
    }
  }
  if (job.connections.length > CONNECTIONS_PER_JOB) {
    findings.push(finding(RULES.quotaJobConnections, job.source, `${unitTitle} ${name} lists ${job.connections.length} connections; Glue accepts at most ${CONNECTIONS_PER_JOB}.`, 'Remove connections the job does not use.', job.id));
  }
  const networkBearing: GlueConnection[] = [];
  for (const r of job.connections) {
    const c = r.connectionId ? topo.model.connections.get(r.connectionId) : undefined;
    if (c?.subnetId) networkBearing.push(c);
  }
  if (!job.command.known) {
    findings.push(finding(RULES.jobCommandUnknown, job.source,
      `The kind of ${unit} ${name} is unknown: Command.Name ${job.command.reason}. What Glue does with the ${unit}'s connections depends on it: a Ray job (glueray) does not run in your VPCs, so it reaches no private data store; a Python shell job (pythonshell) uses 1 ENI; a Spark job (glueetl, gluestreaming) one per worker plus the driver side. Whether its runs fit in the subnet Glue selects, and whether they reach the data stores, is UNKNOWN.`,
      `Give Command.Name a literal value (${JOB_COMMANDS.join(', ')}), or give a value to what it comes from (a parameter: --parameters Key=Value with the CLI, a value in the app for the guard).`, job.id));
  }
  const endOfLife = endOfLifeVersion(job);
  if (endOfLife) {
    const modules = job.additionalPythonModules && endOfLife.version !== undefined ? ` It sets --additional-python-modules, which Glue ${endOfLife.pip ? 'installs when a run starts, so the subnet it selects must reach where they come from' : 'installs only from Glue 2.0 on (so they are not checked here): on a supported version the subnet it selects must reach where they come from'}.` : '';
    const version = endOfLife.version !== undefined
      ? `has GlueVersion ${endOfLife.version}, which reached end of life on 1 April 2026`
      : `is a Python shell job on Python 2 (Command.PythonVersion 2) with ${job.glueVersion ? `a GlueVersion that is not resolved (${job.glueVersion.known ? '' : job.glueVersion.reason})` : 'no GlueVersion'}: Python shell runs Python 2 only on Glue 1.0, Python 3.6 on 1.0 and 3.9 on 3.0 (AWS Glue, "AWS Glue versions"), and Python shell on Python 2 reached end of life on 1 April 2026, whichever version Glue gives the job`;
    findings.push(finding(RULES.glueVersionEndOfLife, job.source,
      `${unitTitle} ${name} ${version} (AWS Glue, "AWS Glue version support policy": on an end-of-life version you can no longer create jobs or start job runs, and it is removed from the API). Its runs cannot start; its network is checked as written, for ${endOfLife.version !== undefined ? `Glue ${endOfLife.version}` : 'the version as given'}.${modules}`,
      job.command.known && job.command.value === 'pythonshell'
        ? 'Move the job to Python 3.9 (Command.PythonVersion 3.9 with GlueVersion 3.0: glue.PythonVersion.THREE_NINE in CDK), the Python shell version AWS runs on a supported Glue version, and check again.'
        : 'Move the job to a supported Glue version (4.0 or later: GlueVersion, glue.GlueVersion in CDK) and check again: the worker types, auto scaling and module installs of the new version change what its runs need from the subnet.', job.id));
  }
  if (job.command.known && job.command.value === 'glueray' && networkBearing.length) {
    findings.push(finding(RULES.rayJobVpc, job.source, `Ray ${unit} ${name} lists network-bearing connections; AWS Glue for Ray does not support VPC connections, so its runs cannot reach them.`, 'Use a Spark or Python shell job for VPC data stores, or remove the connections.', job.id));
  }
  const hasUnknownRefs = job.connections.some((r) => !r.connectionId);
  if (!networkBearing.length && !hasUnknownRefs && dataStores.some((d) => d.locatedBy !== 'internet')) {
    findings.push(finding(RULES.noVpcConnection, job.source, `${unitTitle} ${name} has data store connections but none carries a network configuration, so Glue runs it outside your VPCs: private data stores are unreachable.`, 'Give one connection a PhysicalConnectionRequirements subnet (a NETWORK connection works) in a VPC that reaches every store.', job.id));
  }
  if (!selection.selected && !selection.uncertain && networkBearing.length) {
    const why = selection.candidates.filter((c) => c.status === 'skipped').map((c) => `${c.connection.name}: ${c.reasons.map((r) => r.message).join('; ')}`).join(' | ');
    findings.push(finding(RULES.noSuitableConnection, job.source, `No connection of ${unit} ${name} is suitable, so every run fails at submission. ${why}`, 'Give at least one connection a subnet with an S3 gateway endpoint or NAT route, enough free addresses and a healthy AZ.', job.id));
  }
  if (selection.selected) findings.push(...runFailureFindings(topo, job, name, selection.selected));
  if (selection.uncertain) {
    const unknowns = selection.candidates.filter((c) => c.status === 'unknown').map((c) => `${c.connection.name}: ${c.reasons.map((r) => r.message).join('; ')}`);
    findings.push(finding(RULES.selectionUnknown, job.source, `Which connection Glue selects for ${unit} ${name} cannot be decided: ${unknowns.join(' | ')}.`, 'Describe the missing connections, subnets or route tables in the templates or a --facts file.', job.id));
  }
  let from: string | undefined; // (the same for every store: said once)
  for (const store of dataStores) {
    if (store.verdict === 'UNREACHABLE') {
      const texts = explanationTexts(store.explanations, false);
      from ??= selectedName ? `from the connection Glue selects (${selectedName} in ${placeOf(selection.selected!)})` : 'because no connection is selected';
      findings.push(finding(RULES.storeUnreachable, job.source,
        `${unitTitle} ${name}: the data store of connection ${store.connection.name} (${store.locatedBy}, TCP ${store.port ?? '?'}) is UNREACHABLE ${from} [${texts.codes}]. ${texts.messages}${store.assumptions.length ? ` Assumed: ${store.assumptions.join(' ')}` : ''}`,
        texts.fixes, job.id));
    } else if (store.verdict === 'UNKNOWN' && !store.explanations.every((e) => e.code === 'UNKNOWN_CONNECTION')) {
      // (A connection nobody defines already has GNP-CONNECTION-UNRESOLVED.)
      const texts = explanationTexts(store.explanations, true);
      findings.push(finding(RULES.storeUnknown, job.source,
        `${unitTitle} ${name}: reachability of the data store of connection ${store.connection.name} is UNKNOWN: ${texts.messages}`,
        texts.fixes, job.id));
    }
    for (const e of store.explanations) {
      if (e.code === 'PEERING_DNS') findings.push(finding(RULES.peeringDns, e.source ?? job.source, e.message, e.fix, job.id));
    }
  }

  const scenarios: FailoverScenario[] = [];
  if (failover) {
    // One what-if per zone a connection's subnet is in: by name, or by its symbol when the zone
    // comes from Fn::GetAZs. A subnet whose zone is unknown gets none of its own; in the others,
    // whether it is in the failed zone is undecided, so its connection is not counted on.
    const azs = new Set<string>();
    for (const c of networkBearing) {
      const subnet = topo.subnet(c.subnetId!);
      const key = subnet ? zoneKey(subnetZone(subnet)) : undefined;
      if (key !== undefined && !azDown.has(key)) azs.add(key);
    }
    for (const az of azs) {
      const down = failedZones(azDown, az);
      const alt = selectConnection(topo, job, down);
      // When the failed AZ leaves Glue's choice as it was, the stores' paths are those already
      // traced (planStores depends on nothing else): reuse them rather than trace them again.
      const sameChoice = alt.selected?.connection === selection.selected?.connection && alt.uncertain === selection.uncertain;
      const planned = sameChoice ? [...dataStores] : planStores(topo, job, alt);
      const altStores = alt.selected ? withRouteFixes(topo, fixing, job, planned, !sameChoice) : planned;
      const verdict = worstOf(altStores);
      const allReachable = !alt.selected ? (alt.uncertain ? null : false)
        : verdict === 'UNREACHABLE' ? false : verdict === 'UNKNOWN' ? null : true;
      scenarios.push({ azDown: az, selectedConnection: alt.selected ? summarize(topo, alt.selected.connection, '') : null, candidates: alt.candidates, dataStores: altStores, allReachable });
      const changed = alt.selected?.connection.id !== selection.selected?.connection.id;
      if (!alt.selected && !alt.uncertain && selection.selected) {
        findings.push(finding(RULES.failoverNoConnection, job.source, `If ${az} fails, ${unit} ${name} has no suitable connection left: every network-bearing connection is in ${az} or unsuitable, so runs fail until the AZ recovers.`, 'Add a connection (a NETWORK connection is enough) in a subnet of another AZ that reaches every data store.', job.id));
      } else if (alt.selected && changed && alt.selected.runFailures.some((r) => !r.unknown) && !altStores.length) {
        const failing = alt.selected.runFailures.filter((r) => !r.unknown);
        findings.push(finding(RULES.failoverUnreachable, job.source,
          `If ${az} fails, Glue skips the connections in it and selects ${summarize(topo, alt.selected.connection, '').name} (${placeOf(alt.selected)}), where runs fail: ${failing.map((r) => r.message).join('; ')}.`,
          runFailureExplanations(topo, alt.selected.connection, failing).map((e) => e.fix).join(' '), job.id));
      } else if (alt.selected && changed && allReachable === false) {
        const bad = altStores.filter((s) => s.verdict === 'UNREACHABLE').map((s) => s.connection.name).join(', ');
        findings.push(finding(RULES.failoverUnreachable, job.source,
          `If ${az} fails, Glue skips the connections in it and selects ${summarize(topo, alt.selected.connection, '').name} (${placeOf(alt.selected)}), from where the data stores of ${bad} are UNREACHABLE. Retries after an AZ failure choose another AZ, so a single-AZ outage breaks this ${unit}.`,
          fixesOf(topo, fixing, altStores).join(' '), job.id));
      }
    }
  }

  return { ...job.kind ? { kind: job.kind } : {}, id: job.id, source: job.source, name, selectedConnection: selection.selected ? summarize(topo, selection.selected.connection, '') : null, candidates: selection.candidates, dataStores, failover: scenarios, findings };
}

/**
 * The stores, with the fix of each explanation that asks for a route (DISCONNECTED_VPCS, ...)
 * replaced by the peering and routes auto-peer plans for the store's blocked paths (or why it
 * would refuse). The route repair sees the paths in the order auto-peer repairs them.
 */
function withRouteFixes(topo: Topology, fixing: RouteFixing, job: GlueJob, stores: DataStorePlan[], fresh: boolean): DataStorePlan[] {
  const { repair: routeRepair, byStore } = fixing;
  // A store this job's stores were fixed into already (a what-if that keeps the selection passes
  // them again), from outcomes that are settled: repairing its paths again would give the same
  // outcomes and register this job and store on their peerings again (they are), so the same
  // text and the store itself. It is left as it is.
  let allDone = true;
  for (const s of stores) {
    if (!networkCanFix(s)) continue;
    const known = byStore.get(s);
    if (known === undefined || known.jobId !== job.id || !known.outcomes.every((o) => routeRepair.isSettled(o))) {
      allDone = false;
      break;
    }
  }
  if (allDone) return [...stores];
  const outcomes = new Map<DataStorePlan, RouteOutcome[]>();
  for (const store of stores) {
    // The UNREACHABLE paths of the UNREACHABLE stores the network can fix, in plan order (`blockedStorePaths`).
    if (!networkCanFix(store)) continue;
    for (const path of store.paths) {
      if (path.verdict !== 'UNREACHABLE') continue;
      const outcome = routeRepair.repair(job.id, job.source, store.connection.name, path);
      if (!outcome) continue;
      let list = outcomes.get(store);
      if (!list) outcomes.set(store, list = []);
      list.push(outcome);
    }
  }
  if (!outcomes.size) return [...stores];
  return stores.map((store) => {
    const list = outcomes.get(store);
    const text = list ? routeFixText(topo, list) : '';
    if (!text) return store;
    // A store fixed already with this text (a what-if that keeps the selection passes the fixed
    // stores again) would be fixed into a copy of itself: it stays as it is. Its outcomes are
    // this call's (fixesOf merges them).
    const known = byStore.get(store);
    if (known?.text === text) {
      known.outcomes = list!;
      known.jobId = job.id;
      return store;
    }
    const explanations = store.explanations.map((e) => (proposesRoute(topo, e) ? { ...e, fix: text } : e));
    // A store planStores just made (`fresh`) is this call's alone: it is fixed in place (the
    // copy would have its keys, in their order). Any other may be in a plan already: copied.
    const fixed = fresh ? store : { ...store };
    (fixed as { explanations: Explanation[] }).explanations = explanations;
    byStore.set(fixed, { text, outcomes: list!, jobId: job.id });
    return fixed;
  });
}

/**
 * The route repair of one plan, and for each store whose route fixes it wrote: what auto-peer
 * plans for the store's blocked paths (which its route fixes say), the text they made, and the
 * job that planned them last. One per plan (as the route repair): a store of one plan is never
 * passed to another.
 */
interface RouteFixing {
  readonly repair: RouteRepair;
  readonly byStore: Map<DataStorePlan, { readonly text: string; outcomes: RouteOutcome[]; jobId: string }>;
}

/**
 * The fixes of the blocking explanations of several stores, each once; their route fixes merged
 * into one (each peering once, one sentence per route table).
 */
function fixesOf(topo: Topology, fixing: RouteFixing, stores: DataStorePlan[]): string[] {
  const blocking: Explanation[] = [];
  const routeFixes = new Set<string>();
  for (const s of stores) {
    for (const e of s.explanations) {
      if (e.unknown) continue;
      blocking.push(e);
      if (proposesRoute(topo, e)) routeFixes.add(e.fix);
    }
  }
  const fixes = new Set<string>();
  let routesSaid = false;
  for (const e of blocking) {
    if (!routeFixes.has(e.fix)) {
      fixes.add(e.fix);
    } else if (!routesSaid) {
      routesSaid = true;
      const outcomes: RouteOutcome[] = [];
      for (const s of stores) {
        const known = fixing.byStore.get(s);
        if (known) for (const o of known.outcomes) outcomes.push(o);
      }
      fixes.add(routeFixText(topo, outcomes));
    }
  }
  return [...fixes];
}

/**
 * `azDown` and one more failed zone, as a set shared read-only by every job's what-if of that
 * zone (selection only reads it), rather than a new set per job and zone.
 */
const failedZoneSets = new WeakMap<ReadonlySet<string>, Map<string, ReadonlySet<string>>>();
function failedZones(azDown: ReadonlySet<string>, az: string): ReadonlySet<string> {
  let byZone = failedZoneSets.get(azDown);
  if (!byZone) failedZoneSets.set(azDown, byZone = new Map());
  let down = byZone.get(az);
  if (!down) byZone.set(az, down = new Set(azDown).add(az));
  return down;
}

function planStores(topo: Topology, job: GlueJob, selection: Selection): DataStorePlan[] {
  const plans: DataStorePlan[] = [];
  let associated: string[] | undefined;
  for (const ref of job.connections) {
    const connection = ref.connectionId ? topo.model.connections.get(ref.connectionId) : undefined;
    if (!connection) {
      // A connection nobody describes still has a store: its row says UNKNOWN, so scripts that
      // read `dataStores` see it (GNP-CONNECTION-UNRESOLVED says why).
      const name = ref.name.known ? ref.name.value : '(unresolved name)';
      plans.push({
        connection: summarize(topo, undefined, name),
        locatedBy: 'unknown',
        assumptions: [],
        verdict: 'UNKNOWN',
        paths: [],
        explanations: [{ code: 'UNKNOWN_CONNECTION', component: name, source: job.source, message: `No template or --facts file defines connection ${name}, so its data store (and whether Glue can select it) is unknown.`, fix: 'Define the connection in the app, or describe it under connections[] (and its store under dataStores[]) in a --facts file.', unknown: true }],
      });
      continue;
    }
    const locatedList = locateStoresOnce(topo, connection);
    if (!locatedList.length) continue;
    const summary = summarize(topo, connection, '');
    const whole = (verdict: Verdict, explanation: Explanation): DataStorePlan => storePlan(summary, locatedList, verdict, [], [explanation]);
    if (job.command.known && job.command.value === 'glueray') {
      plans.push(whole('UNREACHABLE', { code: 'GLUE_NOT_IN_VPC', component: job.id, source: job.source, message: 'AWS Glue for Ray does not run in a VPC, so its runs cannot reach private data stores whatever the connections say.', fix: 'Use a Spark or Python shell job for VPC data stores.' }));
      continue;
    }
    const loopback = locatedList.find((l) => l.loopback);
    if (loopback) {
      // Whatever Glue selects, a loopback address names the worker itself.
      plans.push(whole('UNREACHABLE', {
        code: 'LOOPBACK_ADDRESS',
        component: connection.id,
        source: connection.source,
        message: `Connection ${summary.name} names ${loopback.host} as its data store: a loopback address (localhost, 127.0.0.0/8) names the Glue worker itself from inside the job, never a data store, so nothing listens there.`,
        fix: `Put the data store's real host name or address in connection ${summary.name}.`,
      }));
      continue;
    }
    if (!selection.selected) {
      if (selection.uncertain) {
        plans.push(whole('UNKNOWN', { code: 'UNKNOWN_STORE', component: connection.id, source: connection.source, message: 'The connection Glue selects cannot be decided (see the candidates).', fix: 'Describe the undecided connections.', unknown: true }));
      } else {
        const none = !job.connections.some((r) => r.connectionId && topo.model.connections.get(r.connectionId)?.subnetId);
        if (none && locatedList.every((l) => l.internet !== undefined && l.port.known)) {
          // Outside every VPC, Glue reaches the internet: a SaaS host there needs no network setup.
          plans.push({ ...storePlan(summary, locatedList, 'REACHABLE', [], []), assumptions: [OUTSIDE_VPC_INTERNET] });
          continue;
        }
        plans.push(whole('UNREACHABLE', none
          ? { code: 'GLUE_NOT_IN_VPC', component: job.id, source: job.source, message: 'No connection of the job carries a network configuration, so Glue runs outside your VPCs and cannot reach private data stores.', fix: 'Give a connection a subnet (PhysicalConnectionRequirements) in a VPC that reaches every store.' }
          : { code: 'NO_SUITABLE_CONNECTION', component: job.id, source: job.source, message: 'No connection is suitable, so the run fails at submission before any data store is contacted.', fix: 'Make one connection suitable (S3 path, free addresses, healthy AZ).' }));
      }
      continue;
    }
    const eni = { subnet: selection.selected.subnet, securityGroupIds: selection.selected.connection.securityGroupIds };
    const paths: PathTrace[] = [];
    const extra: Explanation[] = [];
    let verdict: Verdict = 'REACHABLE';
    for (const located of locatedList) {
      const one = planLocated(topo, connection, eni, located);
      for (const p of one.paths) paths.push(p);
      for (const e of one.explanations) extra.push(e);
      if (one.verdict === 'UNREACHABLE' || verdict === 'UNREACHABLE') verdict = 'UNREACHABLE';
      else if (one.verdict === 'UNKNOWN') verdict = 'UNKNOWN';
    }
    const explanations = mergeExplanations(dedupeExplanations(paths), extra);
    const failures = selection.selected.runFailures;
    if (failures.some((f) => !f.unknown)) {
      // The run fails before any store is contacted; the paths still say what else must change.
      verdict = 'UNREACHABLE';
      explanations.unshift(...runFailureExplanations(topo, selection.selected.connection, failures));
    } else if (failures.length) {
      // The run may fail before any store is contacted: never REACHABLE, never an error for it.
      if (verdict === 'REACHABLE') verdict = 'UNKNOWN';
      explanations.unshift(...runFailureExplanations(topo, selection.selected.connection, failures));
    }
    if (selection.selected.runMayFail.length && verdict !== 'UNREACHABLE') {
      // A run that may not fit fails before any store is contacted: never REACHABLE.
      const scaling = eniDemand(job).autoScaling;
      explanations.push(...selection.selected.runMayFail.map((r): Explanation => (r.code === 'IP_CAPACITY_USE_UNKNOWN' ? {
        code: 'RUN_MAY_FAIL_AT_ENI_CREATION',
        component: selection.selected!.connection.id,
        source: selection.selected!.connection.source,
        message: `Whether runs fit in the subnet Glue selects is unknown: ${r.message}. A run that does not fit fails there before any data store is contacted.`,
        fix: UNCOUNTED_ADDRESSES_FIX,
        unknown: true,
      } : {
        code: 'RUN_MAY_FAIL_AT_ENI_CREATION',
        component: selection.selected!.connection.id,
        source: selection.selected!.connection.source,
        message: scaling
          ? `Whether runs get their ENIs in the subnet Glue selects is unknown: ${r.message}. A run starts there, and what it does when it cannot add a worker is not documented.`
          : `Whether runs fit in the subnet Glue selects is unknown: ${r.message}. A run that does not fit fails there before any data store is contacted.`,
        fix: scaling
          ? 'Use a subnet with a free address for every worker NumberOfWorkers allows (plus the driver side), or lower NumberOfWorkers to what the subnet holds.'
          : 'Give the job setting the inputs do not resolve a value (a literal, or --parameters Key=Value for a parameter).',
        unknown: true,
      })));
      verdict = 'UNKNOWN';
    }
    if (selection.uncertain && verdict !== 'UNKNOWN') {
      explanations.push({ code: 'SELECTION_UNKNOWN', component: job.id, source: job.source, message: `The verdict is ${verdict} from ${summary.name === selection.selected.connection.id ? selection.selected.connection.id : summarize(topo, selection.selected.connection, '').name}, but an earlier connection may be selected instead.`, fix: 'Describe the undecided connections.', unknown: true });
      verdict = 'UNKNOWN';
    }
    if (!job.command.known && verdict !== 'UNREACHABLE') {
      // A Ray job does not run in a VPC: what the paths allow holds only if the job is not one.
      explanations.push({ code: 'JOB_KIND_UNKNOWN', component: job.id, source: job.source, message: `The paths give ${verdict}, for a job that runs in the VPC; but the job's kind is unknown (Command.Name ${job.command.reason}), and a Ray job (glueray) does not run in your VPCs, so it cannot reach this store.`, fix: `Give Command.Name a literal value (${JOB_COMMANDS.join(', ')}).`, unknown: true });
      verdict = 'UNKNOWN';
    }
    const dnsOff = dnsOffExplanation(summary.name, locatedList, selection.selected.vpc);
    if (dnsOff) {
      // The name does not resolve in the VPC of the ENIs: no path is taken, whatever the network allows.
      explanations.push(dnsOff);
      if (verdict !== 'UNREACHABLE') verdict = dnsOff.unknown ? 'UNKNOWN' : 'UNREACHABLE';
    }
    const named = verdict !== 'UNREACHABLE' && !dnsOff ? locatedList.find((l) => l.byHostname) : undefined;
    const dnsUndecided = named ? undecidedDnsSettings(selection.selected.vpc) : [];
    if (dnsUndecided.length) {
      // Glue resolves the store's name in the VPC of its ENIs: undecided DNS there decides nothing.
      const vpc = selection.selected.vpc;
      explanations.push({
        code: 'VPC_DNS_UNKNOWN',
        component: vpc.id,
        source: vpc.source,
        message: `Connection ${summary.name} names its data store by DNS${named!.host ? ` (${named!.host})` : ''}, and whether VPC ${vpc.id}, where Glue's ENIs are, resolves names is unknown: ${dnsUndecided.map((u) => `${u.property} of ${vpc.id} is not resolved (${u.reason})`).join('; ')}. Glue needs DNS support and DNS hostnames in the VPC of its ENIs.`,
        fix: undecidedDnsFix(vpc, dnsUndecided),
        unknown: true,
      });
      verdict = 'UNKNOWN';
    }
    // (The same for every store of the selection: asked once.)
    associated ??= associatedGroups(topo, selection.selected.connection, selection.selected.vpc);
    const plan = storePlan(summary, locatedList, verdict, paths, explanations);
    plans.push(associated.length ? { ...plan, assumptions: dedupe([...plan.assumptions, associationAssumption(associated, selection.selected.vpc.id)]) } : plan);
  }
  return plans;
}

/**
 * A store named by DNS, from a VPC whose `enableDnsSupport` is false: the Amazon-provided DNS
 * server does not answer there (Amazon VPC User Guide, "DNS attributes for your VPC",
 * https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html#vpc-dns-support), so
 * with the default DHCP options (AmazonProvidedDNS) the name does not resolve: UNREACHABLE. A
 * DHCP options set naming DNS servers of the user's own (or one not read) might resolve it:
 * UNKNOWN then, saying so.
 */
function dnsOffExplanation(storeConnection: string, locatedList: readonly LocatedStore[], vpc: Vpc): Explanation | undefined {
  if (!vpc.enableDnsSupport.known || vpc.enableDnsSupport.value) return undefined;
  const named = locatedList.find((l) => l.byHostname);
  if (!named) return undefined;
  const amazonOnly = vpc.amazonProvidedDnsOnly ?? { known: false as const, reason: `the DHCP options set of ${vpc.id} is not in the inputs` };
  const host = named.host ? ` (${named.host})` : '';
  const base = {
    code: 'VPC_DNS_DISABLED',
    component: vpc.id,
    source: vpc.source,
    fix: `Set EnableDnsSupport: true on ${vpc.id} (Glue needs DNS support and DNS hostnames in the VPC of its ENIs), or name the store by its IP address.`,
  };
  if (amazonOnly.known && amazonOnly.value) {
    return {
      ...base,
      message: `Connection ${storeConnection} names its data store by DNS${host}, but VPC ${vpc.id}, where Glue's ENIs are, has enableDnsSupport false: the Amazon-provided DNS server does not answer there, and the VPC uses it (its DHCP options set names AmazonProvidedDNS only: the Region's default set when the templates associate none, assuming none is associated outside them), so the name does not resolve and no connection is made.`,
    };
  }
  return {
    ...base,
    message: `Connection ${storeConnection} names its data store by DNS${host}, but VPC ${vpc.id}, where Glue's ENIs are, has enableDnsSupport false: the Amazon-provided DNS server does not answer there. Whether the name resolves depends on DNS servers of the VPC's DHCP options set, which may be others: ${amazonOnly.known ? 'they are not the Amazon-provided one' : amazonOnly.reason}.`,
    unknown: true,
  };
}

/**
 * The paths from the selected ENI subnet to one location of a store (a declared store, a
 * resource, an IP address, or the assumed connection subnet), and the verdict they give.
 */
function planLocated(topo: Topology, connection: GlueConnection, eni: EniSide, located: LocatedStore): { verdict: Verdict; paths: PathTrace[]; explanations: Explanation[] } {
  const unknownStore = (message: string, fix: string) => ({ verdict: 'UNKNOWN' as Verdict, paths: [], explanations: [{ code: 'UNKNOWN_STORE', component: connection.id, source: connection.source, message, fix, unknown: true }] });
  if (!located.subnetIds.known) return unknownStore(located.subnetIds.reason, 'Declare where the store lives (GlueDataStore, or dataStores[] in --facts).');
  if (!located.port.known) return unknownStore(located.port.reason, 'Put the port in the connection URL or declare it.');
  if (located.internet !== undefined) return planInternet(topo, connection, eni, located, located.internet);
  let paths: PathTrace[] = [];
  const explanations: Explanation[] = [];
  for (const subnetId of located.subnetIds.value) {
    const subnet = topo.subnet(subnetId);
    if (!subnet) {
      paths.push({ sourceSubnet: eni.subnet.id, destinationSubnet: subnetId, verdict: 'UNKNOWN', hops: [], explanations: [{ code: 'UNKNOWN_SUBNET', component: subnetId, message: `Store subnet ${subnetId} is not described by the templates or --facts.`, fix: 'Describe it in a --facts file.', unknown: true }] });
      continue;
    }
    const trace = tracePathOnce(topo, eni, subnet, located, located.port.value);
    paths.push(!located.byHostname ? trace
      : located.publiclyAccessible ? resolvedTrace(topo, eni, subnet, located, trace)
        : located.publiclyAccessibleUnknown !== undefined ? publicAccessUnknownTrace(topo, eni, subnet, located, trace) : trace);
  }
  if (!paths.length) explanations.push({ code: 'UNKNOWN_STORE', component: connection.id, message: 'The store has no subnets.', fix: 'Declare its subnets.', unknown: true });
  const listening = listeningPortExplanation(connection, located);
  if (listening) explanations.push(listening);
  if (located.assumedLocation) {
    // An assumed location can never make a store REACHABLE: at best the store may be there.
    const explanation: Explanation = {
      code: 'UNKNOWN_STORE_LOCATION',
      component: connection.id,
      source: connection.source,
      message: `Nothing in the templates or facts says where ${located.host ? `host ${located.host}` : 'the store'} of connection ${connection.name.known ? connection.name.value : connection.source.logicalId} lives (it is not the endpoint of a resource in the app, an IP address, or a declared store), so its location was assumed to be the connection's own subnet ${connection.subnetId}; an assumed location cannot make the store REACHABLE.`,
      fix: `Declare where the store lives: GlueDataStore.declare(connection, { subnets, securityGroups, port }) in the app, or dataStores[] (connectionName, subnetIds, securityGroupIds) in a --facts file${located.host ? `, for ${located.host}` : ''}.`,
      unknown: true,
    };
    paths = paths.map((p) => (p.verdict === 'REACHABLE' ? { ...p, verdict: 'UNKNOWN', explanations: [...p.explanations, explanation] } : p));
    explanations.push(explanation);
  }
  const verdict = paths.length ? worstOf(paths) : 'UNKNOWN';
  if (!listening || verdict === 'UNREACHABLE') return { verdict, paths, explanations };
  return { verdict: listening.unknown ? 'UNKNOWN' : 'UNREACHABLE', paths, explanations };
}

/** The store of a located address, for the port explanations: its resource's name, or "the store". */
function storeName(located: LocatedStore): string {
  return located.storeSource ? nameOf(located.storeSource, `${located.storeSource.stack}/${located.storeSource.logicalId}`) : 'the store';
}

/** The connection, for the port explanations: its name, or its logical ID when the name is not resolved. */
function portConnectionName(connection: GlueConnection): string {
  return connection.name.known ? connection.name.value : connection.source.logicalId;
}

/**
 * Glue connects to the port of the connection's address (else its driver's default); a store
 * whose resource or declaration listens on another port refuses the connection, however open
 * the network is. A listening port the inputs do not resolve leaves that unknown.
 */
function listeningPortExplanation(connection: GlueConnection, located: LocatedStore): Explanation | undefined {
  if (located.listeners) return listenersExplanation(connection, located, located.listeners);
  const listensOn = located.listensOn;
  if (!listensOn || !located.port.known || (listensOn.known && listensOn.value === located.port.value)) return undefined;
  const store = storeName(located);
  const declared = located.locatedBy === 'declared';
  const name = portConnectionName(connection);
  if (!listensOn.known) {
    return {
      code: 'UNKNOWN_STORE_PORT',
      component: connection.id,
      source: located.storeSource ?? connection.source,
      message: `Connection ${name} connects to TCP ${located.port.value}, but the port ${store} listens on is unknown (${listensOn.reason}): if it is another port, the store refuses the connection.`,
      fix: `Give ${store}'s port a value (a literal, or --parameters Key=Value), or name it in the connection's address (its Endpoint.Port).`,
      unknown: true,
    };
  }
  return {
    code: 'STORE_PORT_MISMATCH',
    component: connection.id,
    source: located.storeSource ?? connection.source,
    message: `Connection ${name} connects to TCP ${located.port.value} (the port of its address, or its driver's default when the address gives none), but ${store} ${declared ? 'is declared to listen' : 'listens'} on TCP ${listensOn.value}: nothing answers on ${located.port.value}, so every connection is refused.`,
    fix: `Put port ${listensOn.value} in connection ${name}'s address${declared ? '' : ' (or its Endpoint.Port attribute)'}, or ${declared ? 'declare the port the store listens on' : `set ${store}'s Port to ${located.port.value}`}.`,
  };
}

/**
 * A store with several listeners (an MSK cluster's brokers, a store declared with several ports)
 * that has none on the port Glue connects to refuses the connection; one whose listener on that
 * port the inputs do not settle leaves it unknown.
 */
function listenersExplanation(connection: GlueConnection, located: LocatedStore, listeners: ListenerCheck): Explanation | undefined {
  if (!located.port.known || (listeners.answers.known && listeners.answers.value)) return undefined;
  const port = located.port.value;
  const store = storeName(located);
  const what = located.locatedBy === 'msk-cluster' ? `the brokers of MSK cluster ${store}` : store;
  const name = portConnectionName(connection);
  if (!listeners.answers.known) {
    return {
      code: 'UNKNOWN_STORE_PORT',
      component: connection.id,
      source: located.storeSource ?? connection.source,
      message: `Connection ${name} connects to TCP ${port}, but whether ${what} listen on it is unknown: ${listeners.answers.reason}. Listeners: ${listeners.listening}. Settings: ${listeners.settings}.`,
      fix: `Give the setting a value (a literal, or --parameters Key=Value), or connect to a port ${store} listens on.`,
      unknown: true,
    };
  }
  return {
    code: 'STORE_PORT_MISMATCH',
    component: connection.id,
    source: located.storeSource ?? connection.source,
    message: `Connection ${name} connects to TCP ${port}, but `
      + (located.locatedBy === 'msk-cluster' ? `${what} have no listener on it: ${listeners.listening === 'none' ? 'none of their listeners is on' : `they listen on ${listeners.listening} only`}. Settings: ${listeners.settings}.` : `${what} is declared to listen on ${listeners.listening} only.`)
      + ` Nothing answers on ${port}, so every connection is refused.`,
    fix: listeners.listening === 'none'
      ? `Turn a listener on in ${store} (${listeners.enable}), and connect to its port.`
      : `Put a port ${store} listens on in connection ${name}'s address, with the authentication it needs: ${listeners.listening}; or ${listeners.enable}.`,
  };
}

/** How to settle a subnet whose other users take an uncounted number of addresses. */
const UNCOUNTED_ADDRESSES_FIX = 'Put the endpoint in subnets Glue does not use, or give Glue a subnet with room to spare; or acknowledge this warning once you have checked the subnet\'s free addresses as deployed (EC2 DescribeSubnets, AvailableIpAddressCount).';

/** Why a SaaS host is reachable from a job none of whose connections carries a subnet. */
const OUTSIDE_VPC_INTERNET = 'No connection of the job carries a subnet, so Glue runs it outside your VPCs, where it reaches hosts on the internet: AWS Glue documents "no AWS prerequisites to connecting to Snowflake databases available through the internet" (Snowflake connections), and the same is assumed for every SaaS connection type. What the provider admits (an allow-list of addresses) is not in the inputs.';

/** The endpoint services the reader names by a short key (`readVpcEndpoint`): AWS's own. */
const AWS_SERVICE_KEYS: ReadonlySet<string> = new Set(['s3', 'dynamodb', 'secretsmanager', 'kms']);

/**
 * A SaaS host on the internet: the public path from the ENI (NAT gateway, internet gateway, groups
 * and ACLs). A PrivateLink endpoint to a service outside AWS in the ENI's VPC, or a host that names
 * one (`.privatelink.`), may be where the name resolves instead: never REACHABLE then.
 */
function planInternet(topo: Topology, connection: GlueConnection, eni: EniSide, located: LocatedStore, why: string): { verdict: Verdict; paths: PathTrace[]; explanations: Explanation[] } {
  const trace = traceInternetPath(topo, eni, located, why);
  const eniVpc = eni.subnet.vpcId.known ? eni.subnet.vpcId.value : undefined;
  // A resource or service-network endpoint resolves the domain names of its resource
  // configurations inside the VPC (AWS PrivateLink, "Access VPC resources through AWS
  // PrivateLink": traffic for the resource is resolved to the endpoint's addresses using DNS).
  const endpoints = [...topo.model.gatewayEndpoints.values()].filter((e) => (e.type === 'Interface' || e.type === 'Resource' || e.type === 'ServiceNetwork') && (!e.vpcId.known || e.vpcId.value === eniVpc)
    && (!e.service.known || !(AWS_SERVICE_KEYS.has(e.service.value) || /^com\.amazonaws\.(?!vpce\.)(?:[a-z0-9-]+|<region>)\.[a-z0-9.-]+$/.test(e.service.value))));
  const byName = located.host !== undefined && /(^|\.)privatelink\./i.test(located.host);
  if ((!endpoints.length && !byName) || trace.verdict === 'UNKNOWN') return { verdict: trace.verdict, paths: [trace], explanations: [] };
  const names = endpoints.slice(0, 3).map((e) => `${e.id}${e.service.known ? ` (${e.service.value})` : ''}`).join(', ');
  const explanation: Explanation = {
    code: 'UNKNOWN_STORE_LOCATION',
    component: connection.id,
    source: connection.source,
    message: byName
      ? `Host ${located.host} names a PrivateLink endpoint, so it is not reached over the internet; where that endpoint is, the inputs do not say (the internet path gives ${trace.verdict}).`
      : `The Glue subnet's VPC has PrivateLink endpoint${endpoints.length > 1 ? 's' : ''} ${names} to ${endpoints.every((e) => e.type === 'Interface') ? 'a service outside AWS' : 'a service outside AWS or VPC Lattice resources (whose domain names a resource or service-network endpoint resolves to itself inside the VPC)'}: host ${located.host ?? '?'} may resolve to one of them rather than to its internet address (the internet path gives ${trace.verdict}), and the inputs do not tie the name to an endpoint.`,
    fix: `Declare where the store is reached: GlueDataStore.declare(connection, { subnets, securityGroups, port }) with the endpoint's subnets and security groups, or dataStores[] in --facts${located.host ? `, for ${located.host}` : ''}.`,
    unknown: true,
  };
  return { verdict: 'UNKNOWN', paths: [{ ...trace, verdict: 'UNKNOWN', explanations: [...trace.explanations, explanation] }], explanations: [explanation] };
}

/** Blocking explanations first, then unknowns, each once (by code and component). */
function mergeExplanations(first: Explanation[], more: Explanation[]): Explanation[] {
  // `first` (from dedupeExplanations) is already blocking first and once per code and component.
  if (!more.length) return first;
  const seen = new Set(first.map((e) => `${e.code}|${e.component}`));
  const all = [...first];
  for (const e of more) {
    const key = `${e.code}|${e.component}`;
    if (seen.has(key)) continue;
    seen.add(key);
    all.push(e);
  }
  return [...all.filter((e) => !e.unknown), ...all.filter((e) => e.unknown)];
}

/**
 * How to describe a group the inputs name but do not define (`sg-...`, `SecurityGroup.fromSecurityGroupId`),
 * at each door: its rules too, since a described group's rules are taken as all it has.
 */
const UNDESCRIBED_GROUP_FIX = 'a group the templates do not define (sg-..., SecurityGroup.fromSecurityGroupId): describe it under securityGroups[] in the facts'
  + " (the CLI's --facts, the guard's facts or factsFile, the validation plugin's factsFile) with its vpcId and its rules";

/** Why runs fail in the selected connection's subnet, as explanations of a store's verdict. */
function runFailureExplanations(topo: Topology, connection: GlueConnection, failures: readonly Reason[]): Explanation[] {
  const name = summarize(topo, connection, '').name;
  return failures.map((f) => f.unknown
    ? {
      code: 'UNKNOWN_SECURITY_GROUP_VPC',
      component: connection.id,
      source: connection.source,
      message: `Glue selects connection ${name}, but ${f.message}. If the group is neither of that VPC nor associated with it, every run fails there before any data store is contacted (EC2 refuses the ENIs); the verdict is UNKNOWN.`,
      fix: `Make the group's VPC definite (${UNDESCRIBED_GROUP_FIX}; an association: a literal or resolvable GroupId and VpcId, no undecided Condition), or use security groups of the subnet's VPC on ${name}.`,
      unknown: true,
    }
    : {
      code: f.code === 'AZ_MISSING' ? 'RUN_FAILS_AZ_MISSING' : 'RUN_FAILS_AT_ENI_CREATION',
      component: connection.id,
      source: connection.source,
      message: `Glue selects connection ${name}, but ${f.message}: every run fails there before any data store is contacted, and Glue does not fall back to the next connection.`,
      fix: f.code === 'IP_CAPACITY'
        ? `Use a larger subnet for ${name} (or free addresses in it), or fewer workers.`
        : f.code === 'AZ_MISSING' ? azMissingFix(topo, connection)
          : `Use security groups of the subnet's VPC on ${name}, or associate the group with that VPC (ec2.CfnSecurityGroupVpcAssociation).`,
    });
}

/** A store's plan: what is known of the store, then the verdict and its reasons. */
function storePlan(summary: ConnectionSummary, locatedList: readonly LocatedStore[], verdict: Verdict, paths: PathTrace[], explanations: Explanation[]): DataStorePlan {
  const located = locatedList[0];
  const port = locatedList.find((l) => l.port.known)?.port;
  return {
    connection: summary,
    locatedBy: locatedList.length === 1 ? located.locatedBy : [...new Set(locatedList.map((l) => l.locatedBy))].join(', '),
    storeSource: located.storeSource,
    port: port?.known ? port.value : undefined,
    assumptions: pathAssumptions(locatedList.length === 1 ? located.assumptions : [...new Set(locatedList.flatMap((l) => l.assumptions))], paths),
    verdict,
    paths,
    explanations,
  };
}

/** The store's assumptions, then those its paths' verdicts rest on, each once. */
function pathAssumptions(store: string[], paths: readonly PathTrace[]): string[] {
  if (!paths.some((p) => p.assumptions?.length)) return store;
  return dedupe([...store, ...paths.flatMap((p) => p.assumptions ?? [])]);
}

/** The worst verdict of paths or stores (as `worst`, without building the list of verdicts). */
function worstOf(items: readonly { readonly verdict: Verdict }[]): Verdict {
  let verdict: Verdict = 'REACHABLE';
  for (const p of items) {
    if (p.verdict === 'UNREACHABLE') return 'UNREACHABLE';
    if (p.verdict === 'UNKNOWN') verdict = 'UNKNOWN';
  }
  return verdict;
}

function connectionFindings(topo: Topology, quotas: Quotas): Finding[] {
  const findings: Finding[] = [];
  // The jobs listing each connection, in model order, indexed once: asking every job about every
  // connection made this quadratic in the size of the app.
  const jobsByConnection = new Map<string, GlueJob[]>();
  for (const job of topo.model.jobs.values()) {
    for (const r of job.connections) {
      if (!r.connectionId) continue;
      const jobs = jobsByConnection.get(r.connectionId);
      if (!jobs) jobsByConnection.set(r.connectionId, [job]);
      else if (jobs[jobs.length - 1] !== job) jobs.push(job);
    }
  }
  for (const connection of topo.model.connections.values()) {
    // A connection of the facts (the account's, read by --from-aws/--from-describe, or one
    // described by hand) is the plan's concern only when a planned job lists it: an account holds
    // connections no job uses, and their faults must not fail the plan of templates (or of
    // another job) that are fine. The templates' own connections are checked whatever lists them.
    if (connection.source.stack === 'facts' && !jobsByConnection.has(connection.id)) continue;
    const name = connection.name.known || CUSTOM_RESOURCE_NAME.test(connection.name.reason) ? connectionName(connection) : connection.id;
    if (!connection.subnetId) {
      if (connection.connectionType === 'NETWORK') {
        findings.push(finding(RULES.networkWithoutSubnet, connection.source, `NETWORK connection ${name} has no PhysicalConnectionRequirements subnet; a NETWORK connection exists only to place Glue's ENIs, so it is useless (and rejected by Glue) without one.`, 'Set PhysicalConnectionRequirements.SubnetId and SecurityGroupIdList.'));
      }
      continue;
    }
    if (connection.availabilityZoneUnset) {
      findings.push(finding(RULES.azMissing, connection.source,
        `Connection ${name} names subnet ${connection.subnetId} in PhysicalConnectionRequirements but no AvailabilityZone. Glue's API reference says of AvailabilityZone: "Currently the field must be populated, but it will be deprecated in the future"; CloudFormation accepts the connection without it. Users report that every job run through such a connection fails with CONNECTION_LIST_CONNECTION_WITH_AZ_NULL (and that Test connection fails): that reported behaviour, not documented by AWS, is assumed here, so a job that selects this connection reaches none of its data stores.`,
        azMissingFix(topo, connection)));
    }
    const subnet = topo.subnet(connection.subnetId);
    if (!subnet) {
      if (jobsByConnection.has(connection.id)) findings.push(finding(RULES.unknownSubnet, connection.source, `Connection ${name}'s subnet ${connection.subnetId} is not described by the templates or --facts, so whether Glue can select it, and what it reaches, is unknown.`, 'Describe the subnet, its route table and VPC in a --facts file.'));
      continue;
    }
    const match = azMatch(connection, subnet);
    if (match === false) {
      const given = zoneText(zoneOf(connection.availabilityZone, connection.symbolicZone));
      const subnetAz = subnetZone(subnet);
      findings.push(finding(RULES.azMismatch, connection.source, `Connection ${name} says AvailabilityZone ${given}, but its subnet ${subnet.id} is in ${zoneText(subnetAz)}. Glue validates the subnet and AZ together, so it skips this connection.`,
        // A subnet placed by AZ ID: the connection wants the zone's name, which depends on the
        // account; Fn::GetAtt <subnet>.AvailabilityZone gives it (CloudFormation returns the name).
        subnetAz.name !== undefined && isZoneId(subnetAz.name)
          ? `Derive AvailabilityZone from the subnet (Fn::GetAtt ${subnet.source.logicalId}.AvailabilityZone, subnet.availabilityZone in CDK), which gives the name your account has for zone ${subnetAz.name} (its AZ ID); do not put the AZ ID itself there.`
          : `Set AvailabilityZone to ${zoneKey(subnetAz)} (or derive it from the subnet: subnet.availabilityZone).`));
    } else if (match === undefined) {
      const given = zoneText(zoneOf(connection.availabilityZone, connection.symbolicZone));
      const subnetAz = subnetZone(subnet);
      const symbol = subnetAz.symbolic ?? connection.symbolicZone;
      const byId = [given, subnetAz.name].some((zone) => zone !== undefined && isZoneId(zone)) || [subnetAz.symbolic, connection.symbolicZone].some((zone) => zone?.zoneId !== undefined);
      const placeholder = [subnetAz.symbolic, connection.symbolicZone].some((zone) => zone?.list === CDK_PLACEHOLDER_ZONES);
      const byIndex = [subnetAz.symbolic, connection.symbolicZone].some((zone) => zone !== undefined && zone.zoneId === undefined && zone.list !== CDK_PLACEHOLDER_ZONES);
      findings.push(finding(RULES.azUnknown, connection.source,
        `Connection ${name} says AvailabilityZone ${given}, and its subnet ${subnet.id} is in ${zoneText(subnetAz)}: whether they are the same zone is ${placeholder ? 'known once CDK has looked up the stack\'s zones (a synthesis before the lookup gives placeholders)' : 'known only at deploy time'}${byIndex ? ' (which zone Fn::GetAZs gives at an index depends on the account)' : ''}${byId ? ' (an AZ ID names the same zone in every account, but which zone name it has depends on the account)' : ''}. If they differ, Glue skips this connection (${RULES.azMismatch.id}); until then which connection Glue selects, and what the job reaches, is UNKNOWN. The connection is not treated as skipped.`,
        placeholder || byIndex
          ? `${placeholder ? 'Let the CDK CLI look up the stack\'s zones (cdk synth with credentials for the stack\'s account records them in cdk.context.json, the availability-zones entry), derive' : 'Make the zone definite: pin the stack\'s environment (env: { account, region }) so CDK writes zone names, derive'} the connection's zone from the subnet (subnet.availabilityZone), or give the zone in --facts${symbol ? ` (availabilityZones: [{ "symbol": "${symbol.symbol}", "name": "<zone name>" }])` : ' (the subnet\'s availabilityZone)'}.`
          // An AZ ID against a zone name: both are known, only the account's mapping is not.
          : byId
            ? `Derive the connection's AvailabilityZone from the subnet (Fn::GetAtt ${subnet.source.logicalId}.AvailabilityZone, subnet.availabilityZone in CDK), which gives the name your account has for the subnet's zone; an AZ ID is not a zone name, and which name an AZ ID has depends on the account.`
          // No zone of Fn::GetAZs here: a zone is a value the inputs leave unresolved (a parameter
          // without a value, an import no loaded stack exports), which no stack environment fixes.
            : 'Make the zone definite: derive the connection\'s zone from the subnet (Fn::GetAtt <subnet>.AvailabilityZone; subnet.availabilityZone in CDK), give the values the zones are built from (a template parameter\'s with --parameters, the stack that exports an imported value), or give the subnet\'s availabilityZone in --facts.'));
    }
    const vpc = topo.vpcOfSubnet(subnet);
    if (vpc.known) {
      const s3 = s3PathOnce(topo, subnet, vpc.value);
      if (s3.status === 'none') findings.push(finding(RULES.noS3Path, connection.source, `Connection ${name}: ${s3.message}. Glue checks for an S3 path at run submission and skips connections without one.`, `Add an S3 gateway endpoint associated with ${subnet.id}'s route table (vpc.addGatewayEndpoint with ec2.GatewayVpcEndpointAwsService.S3), or a default route to a NAT gateway.`));
    }
    findings.push(...checkGlueRequirements(topo, connection, quotas));
  }
  return findings;
}

/** How to give a connection written without one its subnet's zone (GNP-CONNECTION-AZ-MISSING). */
function azMissingFix(topo: Topology, connection: GlueConnection): string {
  const subnet = connection.subnetId ? topo.subnet(connection.subnetId) : undefined;
  if (connection.source.stack === 'facts') {
    // A deployed connection (--from-aws, --from-describe, facts): fixed where it was made.
    const zone = subnet?.availabilityZone.known ? ` (${subnet.availabilityZone.value})` : '';
    return `Set the connection's PhysicalConnectionRequirements.AvailabilityZone to its subnet's zone${zone} where it is defined: in its template or app (Fn::GetAtt <Subnet>.AvailabilityZone, subnet.availabilityZone in CDK), or, for a connection made outside CloudFormation, with glue:UpdateConnection (aws glue update-connection) or the Glue console.`;
  }
  const logicalId = subnet && subnet.source.stack === connection.source.stack && subnet.source.logicalId ? subnet.source.logicalId : '<Subnet>';
  return `Set PhysicalConnectionRequirements.AvailabilityZone to the subnet's zone, derived from the subnet: Fn::GetAtt ${logicalId}.AvailabilityZone (!GetAtt ${logicalId}.AvailabilityZone) in a template, availabilityZone: subnet.availabilityZone on a CfnConnection in CDK (glue.Connection sets it from its subnet).`;
}

/**
 * Errors for what makes runs fail in the connection Glue selects: too few free addresses for one
 * run (GNP-SUBNET-TOO-SMALL, on the subnet), a security group of another VPC
 * (GNP-CONNECTION-SG-OTHER-VPC, on the connection).
 */
function runFailureFindings(topo: Topology, job: GlueJob, jobName: string, selected: NonNullable<Selection['selected']>): Finding[] {
  const findings: Finding[] = [];
  const name = summarize(topo, selected.connection, '').name;
  const demand = eniDemand(job);
  for (const failure of selected.runMayFail) {
    if (failure.code === 'IP_CAPACITY_USE_UNKNOWN') {
      findings.push(finding(RULES.subnetCapacityUnknown, selected.subnet.source,
        `Job ${jobName}: Glue selects connection ${name}, where ${failure.message}. Other network interfaces in the subnet take addresses the inputs do not count: if a run needs more than the subnet has free, Glue still selects it and each run fails there (${RULES.subnetTooSmall.id}). Until then whether the job reaches its data stores is UNKNOWN.`,
        UNCOUNTED_ADDRESSES_FIX, job.id));
      continue;
    }
    if (demand.autoScaling) {
      findings.push(finding(RULES.subnetCapacityUnknown, selected.subnet.source,
        `Job ${jobName}: Glue selects connection ${name}, where ${failure.message}. The subnet holds the run's first workers but not every worker it may scale to; whether a run fails, or goes on with fewer workers, when it cannot add one is not documented, so whether the job reaches its data stores is UNKNOWN.`,
        `Use a subnet of at least /${prefixFor(demand.max + selected.subnet.usedAddresses)} (a free address for every worker NumberOfWorkers allows, plus the driver side), or lower NumberOfWorkers to what the subnet holds; or acknowledge this warning.`, job.id));
      continue;
    }
    findings.push(finding(RULES.subnetCapacityUnknown, selected.subnet.source,
      `Job ${jobName}: Glue selects connection ${name}, where ${failure.message}. How many ENIs a run needs depends on a setting the inputs do not resolve: if a run needs more than the subnet has free, Glue still selects it and each run fails there (${RULES.subnetTooSmall.id}). Until then whether the job reaches its data stores is UNKNOWN.`,
      `Give the job's ${demand.unknown?.startsWith("the job's kind") ? 'Command.Name' : 'worker settings'} a value (a literal, or --parameters Key=Value for a parameter)${Number.isFinite(demand.max) ? `, or use a subnet of at least /${prefixFor(demand.max + selected.subnet.usedAddresses)}` : ''}.`, job.id));
  }
  for (const failure of selected.runFailures) {
    // Said once, on the connection (GNP-CONNECTION-AZ-MISSING); the stores say the runs fail.
    if (failure.code === 'AZ_MISSING') continue;
    if (failure.code === 'IP_CAPACITY') {
      findings.push(finding(RULES.subnetTooSmall, selected.subnet.source,
        `Job ${jobName}: Glue selects connection ${name}, but ${failure.message} (${demand.text}). Glue checks only that the subnet has a free address, selects it, and then cannot create every ENI: each run fails there, and Glue does not fall back to the next connection.`,
        `Use a larger subnet (at least /${prefixFor(demand.min + selected.subnet.usedAddresses)}) or fewer workers.`, job.id));
    } else if (failure.unknown) {
      findings.push(finding(RULES.sgVpcUnknown, selected.connection.source,
        `Job ${jobName}: Glue selects connection ${name}, but ${failure.message}. If the group neither belongs to ${selected.vpc.id} nor is associated with it, EC2 refuses the ENIs and each run fails there (${RULES.sgOtherVpc.id}); if it does or is, the run proceeds. Which one cannot be told from the inputs.`,
        `Make the group's VPC definite (${UNDESCRIBED_GROUP_FIX}; an association: resolvable GroupId and VpcId, no undecided Condition), or give ${name} security groups of ${selected.vpc.id}.`, job.id));
    } else {
      findings.push(finding(RULES.sgOtherVpc, selected.connection.source,
        `Job ${jobName}: Glue selects connection ${name}, but ${failure.message}. Glue's documented checks at run submission do not look at security groups, so this model assumes Glue still selects the connection and each run fails there (unverified).`,
        `Give ${name} security groups of ${selected.vpc.id}, or associate the group with ${selected.vpc.id} (AWS::EC2::SecurityGroupVpcAssociation, ec2.CfnSecurityGroupVpcAssociation).`, job.id));
    }
  }
  return findings;
}

function prefixFor(addresses: number): number {
  let prefix = 28;
  while (prefix > 16 && 2 ** (32 - prefix) - 5 < addresses) prefix--;
  return prefix;
}

function peeringFindings(topo: Topology): Finding[] {
  const findings: Finding[] = [];
  for (const pcx of topo.model.peerings.values()) {
    const a = pcx.requesterVpcId.known ? topo.vpc(pcx.requesterVpcId.value) : undefined;
    const b = pcx.accepterVpcId.known ? topo.vpc(pcx.accepterVpcId.value) : undefined;
    if (a && b && vpcsOverlap(topo, a, b)) {
      findings.push(finding(RULES.peeringOverlap, pcx.source, `Peering ${pcx.id} joins ${a.id} (${cidrList(topo, a)}) and ${b.id} (${cidrList(topo, b)}), whose CIDR blocks overlap; AWS rejects peering VPCs with overlapping primary or secondary IPv4 blocks.`, 'Re-address one VPC, or connect them through a transit gateway with non-overlapping routes.'));
    }
    if (pcx.state === 'pending-acceptance') {
      findings.push(finding(RULES.peeringNoRole, pcx.source, `Peering ${pcx.id} goes to another account without PeerRoleArn, so it stays pending acceptance and routes to it are blackholes.`, 'Set PeerRoleArn to a role in the accepter account that allows ec2:AcceptVpcPeeringConnection, or accept it there.'));
    }
  }
  return findings;
}

/** Where the account's quota was not given, the fix says how to give a raised one. */
const RAISED_QUOTA_HINT = " If the account's quota is already raised, give it to the check (the guard's and the plugin's `quotas`, the CLI's --quota) and this finding goes.";

function quotaFindings(topo: Topology, quotas: Quotas): Finding[] {
  const findings: Finding[] = [];
  const peerings = quotas.value('peeringsPerVpc');
  for (const vpc of topo.model.vpcs.values()) {
    const active = topo.peeringsOf(vpc.id).filter((p) => p.state === 'active' && otherSide(p, vpc.id) !== undefined);
    if (active.length > peerings) {
      findings.push(quotas.isDefault('peeringsPerVpc')
        ? finding(RULES.quotaPeerings, vpc.source, `${vpc.id} has ${active.length} active peerings; the default quota is ${peerings} (adjustable to 125).`, `Request a quota increase, or use a transit gateway.${RAISED_QUOTA_HINT}`)
        : finding(RULES.quotaPeerings, vpc.source, `${vpc.id} has ${active.length} active peerings; the account's quota is ${peerings} (as given; adjustable to 125).`, 'Request a further quota increase, or use a transit gateway.'));
    }
  }
  const routes = quotas.value('routesPerRouteTable');
  for (const rt of topo.model.routeTables.values()) {
    const use = routeQuotaUse(topo, rt);
    const counted = `${use.count} routes${rt.prefixListWeights?.length ? ' (a route to a prefix list counts as its maximum entries, as AWS counts it)' : ''}`;
    if (use.count > routes) {
      findings.push(quotas.isDefault('routesPerRouteTable')
        ? finding(RULES.quotaRoutes, rt.source, `${rt.id} has ${counted}; the default quota is ${routes} per route table.`, `Summarize routes, or request a quota increase.${RAISED_QUOTA_HINT}`)
        : finding(RULES.quotaRoutes, rt.source, `${rt.id} has ${counted}; the account's quota is ${routes} per route table (as given).`, 'Summarize routes, or request a further quota increase (up to 1,000).'));
    } else if (use.unweighed.length) {
      findings.push(finding(RULES.quotaRoutesUnknown, rt.source,
        `Whether ${rt.id} stays within ${quotas.text('routesPerRouteTable')} routes per route table is UNKNOWN: besides ${use.count} routes, it routes to ${use.unweighed.join(', ')}, and AWS counts a referenced prefix list against the quota by its maximum entries (its weight, up to 1,000), not by its entries.`,
        "Give the list's MaxEntries a literal value (or a value for its parameter), or in --facts describe the list in prefixLists: [{ id, maxEntries }] (for an AWS-managed list, its documented weight: 1 for S3 and DynamoDB), with addressFamily and cidrs for a customer-managed list to have its entries routed too (--from-aws reads the lists the account's routes and rules name, with ec2:DescribeManagedPrefixLists and ec2:GetManagedPrefixListEntries), or give the route's maxEntries; or acknowledge this warning once you have checked the list's maximum entries (aws ec2 describe-managed-prefix-lists)."));
    }
  }
  findings.push(...groupRuleQuotaFindings(topo, quotas));
  return findings;
}

/**
 * "Inbound or outbound rules per security group", counted as `groupRuleQuotaUse` counts them,
 * per group and direction. Placeholders for groups the templates name by an unresolved value are
 * not groups of their own (the finding that names the unresolved value says so).
 */
function groupRuleQuotaFindings(topo: Topology, quotas: Quotas): Finding[] {
  const findings: Finding[] = [];
  const rules = quotas.value('rulesPerSecurityGroup');
  for (const group of topo.model.securityGroups.values()) {
    if (group.unresolved || group.incomplete) continue;
    for (const direction of ['ingress', 'egress'] as const) {
      const use = groupRuleQuotaUse(group, direction, topo.model.prefixListMaxEntries, topo.model.prefixListFamilies);
      const bound = direction === 'ingress' ? 'inbound' : 'outbound';
      const over = [
        ...(use.ipv4 > rules ? [`${use.ipv4} ${bound} IPv4 rules`] : []),
        // The assumption is said where it adds to the count: a group without group references has its IPv6 rules only.
        ...(use.ipv6 > rules ? [`${use.ipv6} ${bound} IPv6 rules${group[direction].some(countedOnBothSides) ? ' (a rule to a security group counted on both sides, an assumption: see RULES.md)' : ''}`] : []),
      ];
      const weighed = group.ruleWeights?.some((w) => w.direction === direction && w.family !== 'ipv6') ? ' (a rule to a prefix list counts as its maximum entries, as AWS counts it)' : '';
      if (over.length) {
        const message = `${group.id} has ${over.join(' and ')}${weighed}, over ${quotas.text('rulesPerSecurityGroup')} ${bound} rules per security group (IPv4 and IPv6 rules count apart): EC2 refuses the rules past the quota, and CloudFormation rolls the deployment back.`;
        findings.push(quotas.isDefault('rulesPerSecurityGroup')
          ? finding(RULES.quotaSgRules, group.source, message,
            `Merge rules (a wider CIDR block, a security group reference, or a prefix list with fewer maximum entries), or request a quota increase (inbound or outbound rules per security group; multiplied by security groups per network interface it cannot exceed 1,000).${RAISED_QUOTA_HINT}`)
          : finding(RULES.quotaSgRules, group.source, message,
            'Merge rules (a wider CIDR block, a security group reference, or a prefix list with fewer maximum entries), or request a further quota increase (multiplied by security groups per network interface it cannot exceed 1,000).'));
      } else if (group.rulesAddedElsewhere?.length) {
        // Rules other stacks add count against the same quota: the count is open-ended, whatever the listed rules.
        findings.push(finding(RULES.quotaSgRulesUnknown, group.source,
          `Whether ${group.id} stays within ${quotas.text('rulesPerSecurityGroup')} ${bound} rules per security group is UNKNOWN: besides the ${use.ipv4} IPv4 rules the inputs list${use.unweighed.length ? ` and ${use.unweighed.join(', ')}` : ''}, ${group.rulesAddedElsewhere.map((o) => o.cause).join('; ')}, and those count against the same quota.`,
          'Check the rules the group has in the account (aws ec2 describe-security-group-rules --filters Name=group-id,Values=<id>) and acknowledge this warning, or stop exporting the group id by name and add the rules in the app (CDK\'s own exports for references between the app\'s stacks are not counted once the importing stack is among the inputs: give it too), so its stacks hold every rule.'));
      } else if (use.unweighed.length) {
        findings.push(finding(RULES.quotaSgRulesUnknown, group.source,
          `Whether ${group.id} stays within ${quotas.text('rulesPerSecurityGroup')} ${bound} rules per security group is UNKNOWN: besides ${use.ipv4} IPv4 rules, it has ${use.unweighed.join(', ')}, and AWS counts a rule to a prefix list by the list's maximum entries (an AWS-managed list by its weight, up to 1,000), not by its entries.`,
          "Give the list's maximum entries: a literal MaxEntries (or a value for its parameter) for a list the templates define; for a pl-... list, in the facts (--facts, or the guard's facts) prefixLists: [{ id, maxEntries }] (for an AWS-managed list, its documented weight: 1 for S3 and DynamoDB); resolve rules the templates leave unresolved; or acknowledge this warning once you have checked the list's maximum entries (aws ec2 describe-managed-prefix-lists)."));
      }
    }
  }
  return findings;
}

function capacityFindings(topo: Topology, jobs: JobPlan[]): Finding[] {
  const demand = new Map<string, Map<string, number>>();
  // Jobs whose MaxConcurrentRuns is not resolved, by subnet: counted at 1 run (the fewest) in
  // `demand`, and named apart, since they may run any number of times at once.
  const undecided = new Map<string, Map<string, { perRun: number; reason: string }>>();
  for (const plan of jobs) {
    const job = topo.model.jobs.get(plan.id)!;
    // The fewest ENIs a run can need: pressure is reported only when it is certain.
    const perRun = eniDemand(job).min;
    const runs = job.maxConcurrentRuns;
    const perJob = perRun * (runs.known ? runs.value : 1);
    const landsIn = (sel: ConnectionSummary | null) => {
      if (!sel?.subnet) return;
      let bySubnet = demand.get(sel.subnet);
      if (!bySubnet) demand.set(sel.subnet, bySubnet = new Map<string, number>());
      bySubnet.set(job.id, perJob);
      if (runs.known || perRun === 0) return;
      let unresolvedRuns = undecided.get(sel.subnet);
      if (!unresolvedRuns) undecided.set(sel.subnet, unresolvedRuns = new Map());
      unresolvedRuns.set(job.id, { perRun, reason: runs.reason });
    };
    landsIn(plan.selectedConnection);
    for (const f of plan.failover) landsIn(f.selectedConnection);
  }
  const jobName = (id: string) => {
    const name = topo.model.jobs.get(id)?.name;
    return name?.known ? name.value : id;
  };
  const findings: Finding[] = [];
  for (const [subnetId, byJob] of demand) {
    const subnet = topo.subnet(subnetId);
    const usable = subnet ? usableAddresses(subnet) : undefined;
    const total = [...byJob.values()].reduce((a, b) => a + b, 0);
    const unresolvedRuns = undecided.get(subnetId);
    if (subnet && usable !== undefined && total > usable) {
      const atOneRun = unresolvedRuns ? ` (${[...unresolvedRuns.keys()].map(jobName).join(', ')} counted at 1 run: MaxConcurrentRuns is not resolved, so it may need more)` : '';
      findings.push(finding(RULES.subnetIpPressure, subnet.source, `${subnetId} has ${usable} usable addresses, but the ${byJob.size} job(s) that can land there need up to ${total} ENIs at their maximum concurrency (${[...byJob.entries()].map(([j, n]) => `${jobName(j)}: ${n}`).join(', ')})${atOneRun}. A run that finds no free address fails.`, 'Use a larger subnet, spread jobs over connections in other subnets, or lower MaxConcurrentRuns.'));
    } else if (subnet && usable !== undefined && unresolvedRuns) {
      // Glue's bound on MaxConcurrentRuns is a service quota the account can raise: no number
      // from the inputs bounds the runs, so whether they fit stays undecided.
      const jobsText = [...unresolvedRuns.entries()].map(([j, u]) => `MaxConcurrentRuns of job ${jobName(j)} is not resolved (${u.reason}); it needs ${u.perRun} ENI${u.perRun === 1 ? '' : 's'} a run`).join('; ');
      const others = total - [...unresolvedRuns.values()].reduce((a, u) => a + u.perRun, 0);
      const room = usable - others;
      const fits = [...unresolvedRuns.entries()].map(([j, u]) => `${jobName(j)}: at most ${Math.floor(room / u.perRun)} runs at once${unresolvedRuns.size > 1 ? ' (alone)' : ''}`).join(', ');
      findings.push(finding(RULES.subnetIpPressureUnknown, subnet.source,
        `${subnetId} has ${usable} usable addresses; whether concurrent runs of the ${byJob.size} job(s) that can land there exhaust them is unknown: ${jobsText}. It is not taken as 1 run: Glue allows up to MaxConcurrentRuns runs of a job at once, and the highest value allowed is a service quota of the account, not a number the inputs give.`,
        `Give ExecutionProperty.MaxConcurrentRuns a value (a literal, or --parameters Stack:Key=Value for the parameter it comes from; maxConcurrentRuns of the job in a --facts file). With the other jobs' runs, ${subnetId} has room for ${fits}.`));
    }
  }
  return findings;
}

/**
 * The blocking (`unknown` false) or the unknown explanations of a store, in one pass: their codes
 * (each once, joined by ", "), their messages (joined by " "; for unknowns each once) and their
 * fixes (each once, joined by " "), as the store findings say them.
 */
export function explanationTexts(explanations: readonly Explanation[], unknown: boolean): { codes: string; messages: string; fixes: string } {
  const codes = new Set<string>();
  const messages = new Set<string>();
  const fixes = new Set<string>();
  let codeText = '';
  let messageText = '';
  let fixText = '';
  let any = false;
  for (const e of explanations) {
    if (!e.unknown !== !unknown) continue;
    if (!codes.has(e.code)) {
      codeText = codes.size ? `${codeText}, ${e.code}` : e.code;
      codes.add(e.code);
    }
    if (!unknown) {
      messageText = any ? `${messageText} ${e.message}` : e.message;
    } else if (!messages.has(e.message)) {
      messageText = any ? `${messageText} ${e.message}` : e.message;
      messages.add(e.message);
    }
    if (!fixes.has(e.fix)) {
      fixText = fixes.size ? `${fixText} ${e.fix}` : e.fix;
      fixes.add(e.fix);
    }
    any = true;
  }
  return { codes: codeText, messages: messageText, fixes: fixText };
}

function dedupe(items: string[]): string[] {
  return [...new Set(items)];
}

/** Up to this many explanations, `dedupeExplanations` compares with the ones kept rather than index them. */
const FEW_EXPLANATIONS = 16;

export function dedupeExplanations(paths: readonly PathTrace[]): Explanation[] {
  // One explanation per setting to change: several store subnets blocked by the same component
  // and code need one fix, not one line each. Blocking ones first, unknowns after, each in path
  // order (a stable partition: what sorting by `unknown` gave).
  let count = 0;
  for (const p of paths) count += p.explanations.length;
  const blocking: Explanation[] = [];
  const unknowns: Explanation[] = [];
  if (count <= FEW_EXPLANATIONS) {
    // Mostly one path with a few explanations: the kept ones are compared (no index to build).
    const kept = (e: Explanation, list: Explanation[]) => list.some((k) => k.code === e.code && k.component === e.component);
    for (const p of paths) {
      for (const e of p.explanations) {
        if (kept(e, blocking) || kept(e, unknowns)) continue;
        (e.unknown ? unknowns : blocking).push(e);
      }
    }
  } else {
    const seen = new Map<string, Set<string>>(); // components by code
    for (const p of paths) {
      for (const e of p.explanations) {
        let components = seen.get(e.code);
        if (!components) seen.set(e.code, components = new Set());
        if (components.has(e.component)) continue;
        components.add(e.component);
        (e.unknown ? unknowns : blocking).push(e);
      }
    }
  }
  for (const e of unknowns) blocking.push(e);
  return blocking;
}

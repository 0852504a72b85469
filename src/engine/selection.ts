import { GlueConnection, GlueJob, Subnet, Vpc } from '../model';
import { demandCount, eniDemand, EniDemand, totalAddresses, usableAddresses } from './capacity';
import { connectionName } from './connection-name';
import { KeyTree, keyStep } from './key-tree';
import { causesText } from './open-ended';
import { Candidate, ConnectionSummary, Reason } from './plan';
import { lookupRoutes } from './routing';
import { Topology } from './topology';
import { inAnyZone, sameZone, subnetZone, Zone, zoneKey, zoneOf, zoneText } from './zones';
import { formatRange } from '../model/cidr';

export interface Selection {
  readonly candidates: Candidate[];
  /**
   * The connection Glue selects, when it can be decided. `runFailures`: why runs fail there after
   * Glue selected it (EC2 cannot create the run's ENIs); Glue does not move on to the next one.
   * `runMayFail`: the same, when whether it happens depends on what the inputs do not say (how
   * many ENIs a run needs).
   */
  readonly selected?: { connection: GlueConnection; subnet: Subnet; vpc: Vpc; runFailures: Reason[]; runMayFail: Reason[] };
  /** A candidate before the selected one (or all of them) could not be judged. */
  readonly uncertain: boolean;
}

/**
 * What selection asks again and again about one topology: each connection's summary, each
 * subnet's S3 path, each connection's suitability for a demand of ENIs. The main selection, the
 * failover what-ifs and the connection findings judge the same connections; the answers are
 * shared, read-only.
 */
interface SelectionMemo {
  readonly summaries: Map<GlueConnection, ConnectionSummary>;
  readonly s3Paths: Map<Subnet, S3PathResult>;
  /**
   * By connection, then by ENIs per run (`min`, `max` and the texts that count them): [its AZ
   * healthy, its AZ down] (an undecided AZ is judged per set of failed zones, never kept). A connection is mostly judged for one
   * demand (the jobs that list it are mostly one): the first demand's verdicts are kept beside
   * its key, further demands in a map by their key.
   */
  readonly suitability: Map<GlueConnection, DemandVerdicts>;
  /**
   * Verdicts by what a verdict reads (`sharedVerdictNode`): connections alike (one subnet, zone
   * and groups; the jobs of an app list many) get one verdict for one demand and zone health,
   * shared read-only.
   */
  readonly sharedVerdicts: VerdictNode;
  /**
   * A judged connection as a candidate, by its verdict, then by the connection's summary (a
   * verdict may be shared by connections alike): the first beside the verdict's reasons, more in
   * a map.
   */
  readonly judgedCandidates: Map<Suitability, JudgedCandidates>;
  /**
   * A connection not considered, by the connection, then by the connection selected before it
   * (the first one beside it, more in a map: a connection is mostly listed by one job).
   */
  readonly passedOver: Map<GlueConnection, PassedOver>;
}

type Verdicts = [Suitability?, Suitability?];

interface DemandVerdicts {
  readonly min: number;
  readonly max: number;
  readonly text: string;
  readonly verdicts: Verdicts;
  /** Other demands' verdicts, by `${min}|${max}|${text}`. */
  others?: Map<string, Verdicts>;
}

interface JudgedCandidates {
  readonly summary: ConnectionSummary;
  readonly candidate: Candidate;
  others?: Map<ConnectionSummary, Candidate>;
}

interface PassedOver {
  readonly selected: GlueConnection;
  readonly candidate: Candidate;
  others?: Map<GlueConnection, Candidate>;
}
const memos = new WeakMap<Topology, SelectionMemo>();

function memoOf(topo: Topology): SelectionMemo {
  let memo = memos.get(topo);
  if (!memo) memos.set(topo, memo = { summaries: new Map(), s3Paths: new Map(), suitability: new Map(), sharedVerdicts: {}, judgedCandidates: new Map(), passedOver: new Map() });
  return memo;
}

export function summarize(topo: Topology, connection: GlueConnection | undefined, name: string): ConnectionSummary {
  if (!connection) return { id: name, source: { stack: '', logicalId: '' }, name };
  const { summaries } = memoOf(topo);
  let summary = summaries.get(connection);
  if (!summary) summaries.set(connection, summary = summarizeConnection(topo, connection));
  return summary;
}

function summarizeConnection(topo: Topology, connection: GlueConnection): ConnectionSummary {
  const subnet = connection.subnetId ? topo.subnet(connection.subnetId) : undefined;
  return {
    id: connection.id,
    source: connection.source,
    name: connectionName(connection),
    subnet: connection.subnetId,
    az: (subnet && zoneKey(subnetZone(subnet))) ?? zoneKey(connectionZone(connection)),
    vpc: subnet?.vpcId.known ? subnet.vpcId.value : undefined,
  };
}

/**
 * `runFailures`: what makes runs fail after Glue selected the connection (its checks at submission
 * passed, then EC2 refuses the ENIs). Not a reason to skip it: Glue does not look further.
 */
type Suitability = { status: 'suitable' | 'unsuitable' | 'unknown'; reasons: Reason[]; subnet?: Subnet; vpc?: Vpc; runFailures?: Reason[]; runMayFail?: Reason[] };

/** The suitability checks Glue makes at run submission (valid subnet, AZ, S3 path, IPs, AZ health). */
export function judgeConnection(topo: Topology, connection: GlueConnection, job: GlueJob, azDown: ReadonlySet<string>): Suitability {
  // The verdict depends on the job only through its ENIs per run (the range, and the texts that
  // say how it was counted), and on azDown only through whether the subnet's AZ is in it (when
  // that is decided).
  const demand = eniDemand(job);
  const subnet = connection.subnetId ? topo.subnet(connection.subnetId) : undefined;
  const inFailed = subnet && azDown.size ? inAnyZone(subnet, azDown, topo.symbolicZones) : false;
  // Undecided: the verdict's reason lists the failed zones, which differ between what-ifs (the
  // main plan's and each what-if's own), so it is judged for these zones, never reused.
  if (inFailed === undefined) return judge(topo, connection, demand, azDown);
  const down = inFailed ? 1 : 0;
  const { suitability } = memoOf(topo);
  const text = demand.unknown === undefined ? demand.text : `${demand.text}\u0000${demand.unknown}`;
  const first = suitability.get(connection);
  let verdicts: Verdicts;
  if (!first) {
    suitability.set(connection, { min: demand.min, max: demand.max, text, verdicts: verdicts = [undefined, undefined] });
  } else if (first.min === demand.min && first.max === demand.max && first.text === text) {
    verdicts = first.verdicts;
  } else {
    // (The key is unambiguous: `min` and `max` are numbers, the text comes last.)
    const key = `${demand.min}|${demand.max}|${text}`;
    first.others ??= new Map();
    let other = first.others.get(key);
    if (!other) first.others.set(key, other = [undefined, undefined]);
    verdicts = other;
  }
  return verdicts[down] ??= judgeShared(topo, connection, demand, text, azDown, down);
}

/**
 * `judge`, shared by the connections with the same key (`sharedVerdictNode`). A verdict reads of its
 * connection only the subnet, the zone (name, or symbol and why it is unknown) and the groups,
 * in order; of the demand its range and texts; of `azDown`, when that is decided, whether the
 * subnet's zone is in it (`down`).
 */
function judgeShared(topo: Topology, connection: GlueConnection, demand: EniDemand, demandText: string, azDown: ReadonlySet<string>, down: 0 | 1): Suitability {
  const node = sharedVerdictNode(memoOf(topo).sharedVerdicts, connection, demand, demandText, down);
  return node.value ??= judge(topo, connection, demand, azDown);
}

/** A node of the tree of shared verdicts: the verdict of the key that ends here, and the next parts. */
type VerdictNode = KeyTree<Suitability>;
const verdictStep: (node: VerdictNode, part: unknown) => VerdictNode = keyStep;

/**
 * The node of a verdict's key: the subnet, the zone (absent, a name, or why it is unknown), the
 * symbolic zone (absent, or its symbol, list and index), the number of groups then each in order,
 * the demand's range and texts, `down`. A tree of the parts, each at its own depth, rather than
 * one text per key: building (`JSON.stringify`) and hashing a text per connection cost more than
 * these lookups.
 */
function sharedVerdictNode(root: VerdictNode, connection: GlueConnection, demand: EniDemand, demandText: string, down: 0 | 1): VerdictNode {
  const az = connection.availabilityZone;
  const symbolic = connection.symbolicZone;
  let node = verdictStep(root, connection.subnetId);
  node = az === undefined ? verdictStep(node, connection.availabilityZoneUnset ? 3 : 0)
    : az.known ? verdictStep(verdictStep(node, 1), az.value)
      : verdictStep(verdictStep(verdictStep(node, 2), az.reason), connection.availabilityZoneOfSubnet ? 1 : 0);
  node = symbolic === undefined ? verdictStep(node, 0) : verdictStep(verdictStep(verdictStep(verdictStep(node, 1), symbolic.symbol), symbolic.list), symbolic.index);
  const groups = connection.securityGroupIds;
  node = verdictStep(node, groups.length);
  for (const id of groups) node = verdictStep(node, id);
  return verdictStep(verdictStep(verdictStep(verdictStep(node, demand.min), demand.max), demandText), down);
}

function judge(topo: Topology, connection: GlueConnection, demand: EniDemand, azDown: ReadonlySet<string>): Suitability {
  const reasons: Reason[] = [];
  const subnet = topo.subnet(connection.subnetId!);
  if (!subnet) {
    return { status: 'unknown', reasons: [{ code: 'SUBNET_NOT_DESCRIBED', message: `subnet ${connection.subnetId} is not described by the templates or --facts, so Glue's checks cannot be replayed` }] };
  }
  const vpc = topo.vpcOfSubnet(subnet);
  if (!vpc.known) return { status: 'unknown', reasons: [{ code: 'VPC_NOT_DESCRIBED', message: vpc.reason }], subnet };
  let status: Suitability['status'] = 'suitable';
  const fail = (code: string, message: string) => { status = 'unsuitable'; reasons.push({ code, message }); };
  const maybe = (code: string, message: string) => { if (status === 'suitable') status = 'unknown'; reasons.push({ code, message }); };

  const zone = subnetZone(subnet);
  const match = azMatch(connection, subnet);
  if (match === false) {
    fail('AZ_MISMATCH', `AvailabilityZone ${zoneText(connectionZone(connection))} does not match subnet ${subnet.id}'s AZ ${zoneText(zone)}`);
  } else if (match === undefined) {
    maybe('AZ_MATCH_UNKNOWN', `whether AvailabilityZone ${zoneText(connectionZone(connection))} is subnet ${subnet.id}'s zone, ${zoneText(zone)}, is known only at deploy time, so whether Glue accepts this connection cannot be told`);
  }
  if (azDown.size) {
    const down = inAnyZone(subnet, azDown, topo.symbolicZones);
    // Without an AvailabilityZone, whether Glue finds the connection in the failed zone (and skips
    // it) or fails the run on the missing zone first is not known: never "skipped, the next one
    // reaches everything".
    if (down === true && connection.availabilityZoneUnset) maybe('AZ_HEALTH_UNKNOWN', `${zoneText(zone)} (subnet ${subnet.id}'s zone) is treated as failed, but the connection has no AvailabilityZone: whether Glue then skips it, as it skips connections in a failed zone, or the run fails on the missing zone (CONNECTION_LIST_CONNECTION_WITH_AZ_NULL) cannot be told`);
    else if (down === true) fail('AZ_UNHEALTHY', `${zoneText(zone)} is treated as failed, so Glue skips connections in it`);
    else if (down === undefined) maybe('AZ_HEALTH_UNKNOWN', `whether ${subnet.id}'s zone, ${zoneText(zone)}, is one of the failed zones (${[...azDown].join(', ')}) cannot be told`);
  }

  const s3 = s3PathOnce(topo, subnet, vpc.value);
  if (s3.status === 'none') fail('NO_S3_PATH', s3.message);
  else if (s3.status === 'unknown') maybe('S3_PATH_UNKNOWN', s3.message);
  else reasons.push({ code: 'S3_PATH', message: s3.message });

  // Glue checks that the subnet has a free address, then creates the ENIs (spec section 2, step
  // 3): a subnet with none free is skipped; one with fewer free than a run needs is selected, and
  // its runs fail there.
  const runFailures: Reason[] = [];
  const total = totalAddresses(subnet);
  const usable = usableAddresses(subnet);
  const cidrText = subnet.cidr.known ? subnet.cidr.value.text : '?';
  const usedText = subnet.usedAddresses ? ` (${total} usable, ${subnet.usedAddresses} known used${subnet.usedBy ? `: ${subnet.usedBy.join(', ')}` : ''})` : '';
  if (total === undefined || usable === undefined) maybe('IP_CAPACITY_UNKNOWN', `size of ${subnet.id} is unknown`);
  else if (usable === 0) fail('NO_FREE_ADDRESSES', `${subnet.id} (${cidrText}) has no free address${usedText}, so Glue skips it`);
  else if (demand.min > usable) runFailures.push({ code: 'IP_CAPACITY', message: `${subnet.id} (${cidrText}) has ${usable} free addresses${usedText}, one run needs ${demandCount(demand)} ENIs` });
  // A run whose demand the inputs do not fix may or may not fit: never judged to fit.
  const runMayFail: Reason[] = usable !== undefined && usable > 0 && demand.min <= usable && demand.max > usable
    ? [{ code: 'IP_CAPACITY_RUN_UNKNOWN', message: `${subnet.id} (${cidrText}) has ${usable} free addresses${usedText}, and one run needs ${demandCount(demand)} ENIs (${demand.unknown ?? demand.text})` }]
    : [];
  // Elements whose address count is not known take more than is counted: the free addresses
  // are at most `usable`, so a run that fits them may still not fit (never judged to fit).
  if (subnet.usedAddressesUnknown && usable !== undefined && usable > 0 && demand.min <= usable && !runMayFail.length) {
    runMayFail.push({ code: 'IP_CAPACITY_USE_UNKNOWN', message: `${subnet.id} (${cidrText}) has at most ${usable} free addresses${usedText}, and fewer if ${subnet.usedAddressesUnknown}; one run needs ${demandCount(demand)} ENIs` });
  }
  if (connection.availabilityZoneUnset) runFailures.push({ code: 'AZ_MISSING', message: AZ_MISSING_TEXT });
  runFailures.push(...foreignGroups(topo, connection, vpc.value));
  const associated = associatedGroups(topo, connection, vpc.value);
  if (associated.length) reasons.push({ code: 'SG_ASSOCIATED_VPC', message: associationAssumption(associated, vpc.value.id) });
  return { status, reasons, subnet, vpc: vpc.value, ...runFailures.length ? { runFailures } : {}, ...runMayFail.length ? { runMayFail } : {} };
}

/**
 * A template's connection with a subnet and no AvailabilityZone (`availabilityZoneUnset`). Glue's
 * API reference says the field must currently be populated; users report that job runs through
 * such a connection fail with CONNECTION_LIST_CONNECTION_WITH_AZ_NULL (hashicorp/terraform-provider-aws
 * #4762, aws-samples/aws-glue-samples #18). Our model of that report: Glue selects the connection in
 * list order and the run fails there (the error names the connection list, not a skip); it does
 * not fall back to the next one. Never REACHABLE through it.
 */
export const AZ_MISSING_TEXT = 'its PhysicalConnectionRequirements has no AvailabilityZone, which Glue\'s API reference says must currently be populated; users report that job runs through such a connection fail with CONNECTION_LIST_CONNECTION_WITH_AZ_NULL (reported behaviour, assumed here: the run fails rather than Glue skipping the connection)';

/**
 * A security group of another VPC than the subnet's: EC2 refuses to create the ENI. Glue's
 * documented checks at submission do not look at groups, so the connection is still selected and
 * its runs fail (our model; unverified). A group whose VPC the inputs do not resolve (or that names
 * none: the default VPC), or name but do not describe, makes the failure undecided.
 * A group associated with the subnet's VPC (AWS::EC2::SecurityGroupVpcAssociation) may be used
 * there: no failure, with the assumption that Glue hands it to EC2 as it does any group (Glue
 * does not document associated groups). An association that may exist, or whose VPC is unknown,
 * makes the failure undecided (`unknown`), never an error nor a pass.
 */
function foreignGroups(topo: Topology, connection: GlueConnection, vpc: Vpc): Reason[] {
  const reasons: Reason[] = [];
  for (const id of connection.securityGroupIds) {
    const group = topo.securityGroup(id);
    if (!group) {
      // A group named by its id (`sg-0abc`, a parameter's value) that the inputs do not describe:
      // of the subnet's VPC or of another, which the inputs do not say. Never a pass.
      reasons.push({ code: 'SG_OTHER_VPC_UNKNOWN', message: `security group ${id} is not described by the templates or --facts, so its VPC, and whether EC2 accepts it on ENIs in ${vpc.id} (the subnet's VPC), is unknown`, unknown: true });
      continue;
    }
    const associations = group.vpcAssociations ?? [];
    // Associated with the subnet's VPC for certain: accepted there, whichever VPC it belongs to.
    if (associations.some((a) => !a.uncertain && a.vpcId.known && a.vpcId.value === vpc.id)) continue;
    if (!group.vpcId.known) {
      // Its VPC may be the subnet's or another, associated or not: never a pass.
      reasons.push({ code: 'SG_OTHER_VPC_UNKNOWN', message: `the VPC of security group ${id} is unknown (${group.vpcId.reason}), so whether EC2 accepts it on ENIs in ${vpc.id} (the subnet's VPC) is unknown`, unknown: true });
      continue;
    }
    if (group.vpcId.value === vpc.id) continue;
    if (!topo.vpc(group.vpcId.value)) {
      // A VPC id the inputs do not describe: another VPC, or the subnet's own as deployed (its id
      // once created). Which one they do not say: never a pass, never the error.
      reasons.push({ code: 'SG_OTHER_VPC_UNKNOWN', message: `security group ${id} belongs to ${group.vpcId.value}, which the inputs do not describe, so whether it is ${vpc.id} (the subnet's VPC) or another VPC, and whether EC2 accepts the group on ENIs there, is unknown`, unknown: true });
      continue;
    }
    const maybe = associations.find((a) => !a.vpcId.known || (a.uncertain && a.vpcId.known && a.vpcId.value === vpc.id));
    if (maybe) {
      const why = !maybe.vpcId.known ? `association ${maybe.source.stack}/${maybe.source.logicalId} names a VPC the inputs cannot resolve (${maybe.vpcId.reason})` : maybe.uncertain;
      reasons.push({ code: 'SG_OTHER_VPC_UNKNOWN', message: `security group ${id} belongs to ${group.vpcId.value}, not to ${vpc.id} (the subnet's VPC), and whether it is associated with ${vpc.id} is unknown: ${why}`, unknown: true });
      continue;
    }
    reasons.push({ code: 'SG_OTHER_VPC', message: `security group ${id} belongs to ${group.vpcId.value}, not to ${vpc.id} (the subnet's VPC), and is not associated with it (AWS::EC2::SecurityGroupVpcAssociation), so EC2 refuses to create the ENIs` });
  }
  return reasons;
}

/**
 * What the plan assumes of groups associated with the ENI subnet's VPC: AWS documents that
 * interfaces of that VPC may use them, not that Glue accepts them nor how rules that reference
 * them are evaluated there.
 */
export function associationAssumption(groups: readonly string[], vpcId: string): string {
  return `Security group${groups.length > 1 ? 's' : ''} ${groups.join(', ')} of another VPC ${groups.length > 1 ? 'are' : 'is'} associated with ${vpcId} (AWS::EC2::SecurityGroupVpcAssociation), so EC2 accepts ${groups.length > 1 ? 'them' : 'it'} on the ENIs there; assumed (AWS does not document it): Glue passes ${groups.length > 1 ? 'them' : 'it'} to EC2 as any group, and a rule in ${vpcId} that references ${groups.length > 1 ? 'them' : 'it'} admits the ENIs that wear ${groups.length > 1 ? 'them' : 'it'}, as within one VPC.`;
}

/** The connection's groups of another VPC that are associated with `vpc`, for the assumption text. */
export function associatedGroups(topo: Topology, connection: GlueConnection, vpc: Vpc): string[] {
  return connection.securityGroupIds.filter((id) => {
    const group = topo.securityGroup(id);
    return group?.vpcId.known && group.vpcId.value !== vpc.id
      && (group.vpcAssociations ?? []).some((a) => !a.uncertain && a.vpcId.known && a.vpcId.value === vpc.id);
  });
}

interface S3PathResult { status: 'ok' | 'none' | 'unknown'; message: string }

function connectionZone(connection: GlueConnection): Zone {
  return zoneOf(connection.availabilityZone, connection.symbolicZone);
}

/**
 * Whether the connection's AvailabilityZone is its subnet's zone: true when it gives none (a
 * template that writes none is `availabilityZoneUnset`, a run failure of its own), the same, or
 * `Fn::GetAtt` of that subnet's zone (`availabilityZoneOfSubnet`, equal though unknown); undefined when the inputs cannot tell (a zone name against a zone of `Fn::GetAZs`, whose
 * name depends on the account, or a zone that is not known at all).
 */
export function azMatch(connection: GlueConnection, subnet: Subnet): boolean | undefined {
  if (!connection.availabilityZone || connection.availabilityZoneOfSubnet) return true;
  return sameZone(connectionZone(connection), subnetZone(subnet));
}

/** `s3Path` of a subnet in its own VPC, computed once per topology. */
export function s3PathOnce(topo: Topology, subnet: Subnet, vpc: Vpc): S3PathResult {
  const { s3Paths } = memoOf(topo);
  let result = s3Paths.get(subnet);
  if (!result) s3Paths.set(subnet, result = openS3Path(topo, subnet, s3Path(topo, subnet, vpc)));
  return result;
}

/**
 * No S3 path in the listed routes of a table a custom resource adds routes to (or endpoints
 * to): it may add the NAT route or the endpoint, so the path is unknown. VPN routes do not count
 * (Glue wants an S3 endpoint or a NAT gateway).
 */
function openS3Path(topo: Topology, subnet: Subnet, result: S3PathResult): S3PathResult {
  if (result.status !== 'none') return result;
  const table = topo.effectiveRouteTable(subnet);
  const openings = table.known ? (table.value.openEnded ?? []).filter((o) => o.kind !== 'vpn') : [];
  return openings.length ? { status: 'unknown', message: `${result.message}, but it may have routes or endpoints the templates do not list (${causesText(openings)})` } : result;
}

/**
 * An S3 path: a gateway endpoint for S3 on the subnet's effective route table, or a default
 * route to a NAT gateway in the same VPC. An internet gateway alone does not count: Glue ENIs
 * have no public IP.
 */
export function s3Path(topo: Topology, subnet: Subnet, vpc: Vpc): S3PathResult {
  const table = topo.effectiveRouteTable(subnet);
  if (!table.known) return { status: 'unknown', message: table.reason };
  const rt = table.value;
  const rtName = rt.implicitMain ? `main route table of ${vpc.id}` : rt.id;
  const endpoints = topo.gatewayEndpointsOn(rt.id).filter((e) => e.type === 'Gateway');
  if (endpoints.some((e) => e.service.known && e.service.value === 's3')) {
    return { status: 'ok', message: `S3 gateway endpoint on ${rtName}` };
  }
  const unknownService = endpoints.find((e) => !e.service.known);
  // The VPC's own blocks are private addresses that never hold S3's: its local route is left out
  // (it matters only when those blocks are unknown).
  const defaultRoute = lookupRoutes(rt, undefined, { first: 0x08080808, last: 0x08080808 })[0];
  const target = defaultRoute?.target;
  if (target?.kind === 'nat-gateway') {
    const nat = target.targetId ? topo.model.natGateways.get(target.targetId) : undefined;
    const natSubnet = nat?.subnetId.known ? topo.subnet(nat.subnetId.value) : undefined;
    if (nat && natSubnet?.vpcId.known && natSubnet.vpcId.value !== vpc.id) {
      return { status: 'none', message: `${rtName} routes to NAT gateway ${nat.id} of another VPC (NGW_REQUIRES_SOURCE_IN_VPC)` };
    }
    if (nat?.connectivity === 'private') {
      return { status: 'none', message: `${rtName} routes to private NAT gateway ${nat.id}, which cannot reach S3 (it has no internet path)` };
    }
    if (nat?.connectivity === 'unknown') {
      return { status: 'unknown', message: `${rtName} routes to NAT gateway ${nat.id}, whose connectivity type (public or private) is unknown` };
    }
    return { status: 'ok', message: `default route to NAT gateway ${target.description} on ${rtName}` };
  }
  if (unknownService) return { status: 'unknown', message: `gateway endpoint ${unknownService.id} on ${rtName} has an unresolved service name` };
  const possible = topo.possibleGatewayEndpointsOn(rt.id).find((e) => e.type === 'Gateway' && (!e.service.known || e.service.value === 's3'));
  if (possible) {
    return { status: 'unknown', message: `gateway endpoint ${possible.id} may be on ${rtName}: ${possible.uncertain ?? possible.routeTablesUnresolved}` };
  }
  if (target && ['transit-gateway', 'vpn-gateway', 'instance', 'network-interface', 'gateway-load-balancer-endpoint', 'core-network', 'unknown', 'vpc-peering'].includes(target.kind)) {
    return { status: 'unknown', message: `the default route of ${rtName} goes to ${target.kind} ${target.description}; whether it leads to S3 is not described` };
  }
  if (!target && defaultRoute?.unknownReason) return { status: 'unknown', message: defaultRoute.unknownReason };
  const igw = target?.kind === 'internet-gateway' ? ` (only an internet gateway route for ${defaultRoute.destination?.text ?? formatRange(defaultRoute.range)}; Glue ENIs get no public IP, so it does not count)` : '';
  return { status: 'none', message: `${rtName} has no S3 gateway endpoint and no default route to a NAT gateway${igw}` };
}

/**
 * Glue's selection: walk the network-bearing connections in list order; the first suitable one
 * is selected; later ones are not considered.
 */
export function selectConnection(topo: Topology, job: GlueJob, azDown: ReadonlySet<string>): Selection {
  const candidates: Candidate[] = [];
  let selected: Selection['selected'];
  let uncertain = false;
  for (const ref of job.connections) {
    const name = ref.name.known ? ref.name.value : ref.connectionId ?? '(unresolved)';
    const connection = ref.connectionId ? topo.model.connections.get(ref.connectionId) : undefined;
    if (selected) {
      candidates.push(passedOver(topo, connection, name, selected.connection));
      continue;
    }
    const summary = summarize(topo, connection, name);
    if (!connection) {
      uncertain = true;
      candidates.push({ connection: summary, status: 'unknown', reasons: [{ code: 'CONNECTION_NOT_DESCRIBED', message: `no template or facts file defines a connection named ${name}` }] });
      continue;
    }
    if (!connection.subnetId) {
      candidates.push({ connection: summary, status: 'not-considered', reasons: [{ code: 'NO_NETWORK_CONFIGURATION', message: 'carries no network configuration (no subnet)' }] });
      continue;
    }
    const verdict = judgeConnection(topo, connection, job, azDown);
    if (verdict.status === 'suitable') selected = { connection, subnet: verdict.subnet!, vpc: verdict.vpc!, runFailures: verdict.runFailures ?? [], runMayFail: verdict.runMayFail ?? [] };
    else if (verdict.status !== 'unsuitable') uncertain = true;
    candidates.push(judgedCandidate(topo, summary, verdict));
  }
  return { candidates, selected, uncertain };
}

/**
 * The candidate a verdict makes. The main selection and every failover what-if judge the same
 * connections, mostly to the same verdicts: one candidate per verdict, shared read-only.
 */
function judgedCandidate(topo: Topology, summary: ConnectionSummary, verdict: Suitability): Candidate {
  const { judgedCandidates } = memoOf(topo);
  const first = judgedCandidates.get(verdict);
  if (first) {
    if (first.summary === summary) return first.candidate;
    // Another connection with this verdict: the same status and reasons, its own summary.
    first.others ??= new Map();
    let candidate = first.others.get(summary);
    if (!candidate) first.others.set(summary, candidate = { connection: summary, status: first.candidate.status, reasons: first.candidate.reasons });
    return candidate;
  }
  const candidate: Candidate = verdict.status === 'suitable'
    ? { connection: summary, status: 'selected', reasons: [{ code: 'FIRST_SUITABLE', message: 'first suitable network-bearing connection in list order' }, ...verdict.reasons, ...(verdict.runFailures ?? []).map((r) => ({ code: r.code, message: r.unknown ? `${r.message}: Glue selects this connection, and its runs may fail here (it does not fall back to the next one)` : `${r.message}: Glue selects this connection and its runs fail here (it does not fall back to the next one)` })), ...(verdict.runMayFail ?? []).map((r) => ({ code: r.code, message: `${r.message}: if a run needs more, Glue still selects this connection and the run fails here` }))] }
    : { connection: summary, status: verdict.status === 'unsuitable' ? 'skipped' : 'unknown', reasons: verdict.reasons.filter((r) => r.code !== 'S3_PATH') };
  judgedCandidates.set(verdict, { summary, candidate });
  return candidate;
}

/** A connection listed after the selected one: Glue does not look at it. */
function passedOver(topo: Topology, connection: GlueConnection | undefined, name: string, selected: GlueConnection): Candidate {
  const make = (): Candidate => ({
    connection: summarize(topo, connection, name),
    status: 'not-considered',
    reasons: [{ code: 'AFTER_SELECTED', message: `an earlier connection (${summarize(topo, selected, '').name}) was selected` }],
  });
  if (!connection) return make();
  const { passedOver: byConnection } = memoOf(topo);
  const first = byConnection.get(connection);
  if (!first) {
    const candidate = make();
    byConnection.set(connection, { selected, candidate });
    return candidate;
  }
  if (first.selected === selected) return first.candidate;
  first.others ??= new Map();
  let candidate = first.others.get(selected);
  if (!candidate) first.others.set(selected, candidate = make());
  return candidate;
}

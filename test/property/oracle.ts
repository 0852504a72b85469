/**
 * An independent, deliberately naive oracle for spec section 4 (path semantics).
 *
 * It judges ONE concrete TCP packet (ENI source address -> store address on the store port, from
 * a client port) and its reply, walking every rule of every component with plain loops. It does
 * not import anything from src/engine: only the model types and two CIDR helpers.
 *
 * Every check of a packet is judged (no short-circuit), so a packet is `blocked` when any check
 * blocks it, else `unknown` when any check depends on a fact the model does not give, else `pass`.
 * A path verdict is the verdict over every sampled packet: UNREACHABLE when some packet is
 * blocked, else UNKNOWN when some packet is unknown, else REACHABLE.
 */
import {
  Cidr, containsAddress, NetworkModel, PROTOCOL_ALL, PROTOCOL_TCP, Subnet, Vpc,
} from '../../src/model';

export type Outcome = 'pass' | 'blocked' | 'unknown';
export type OracleVerdict = 'REACHABLE' | 'UNREACHABLE' | 'UNKNOWN';

export interface OracleEni {
  readonly subnetId: string;
  readonly groupIds: readonly string[];
}

export interface OracleStore {
  readonly subnetId: string;
  readonly groupIds: readonly string[];
  readonly port: number;
}

export interface CheckResult {
  readonly check: string;
  readonly outcome: Outcome;
  readonly why: string;
}

export interface PacketResult {
  readonly outcome: Outcome;
  readonly checks: CheckResult[];
}

/**
 * Replies go to the client port the Glue worker chose. Spec section 4 hop 5: Glue's workers run
 * Linux, whose ephemeral range is 32768-60999 [assumption]; the range admitted passes, part of it
 * is unknown, none of it is blocked.
 */
const EPHEMERAL_FIRST = 32768;
const EPHEMERAL_LAST = 60999;

function isTcp(protocol: number): boolean {
  return protocol === PROTOCOL_ALL || protocol === PROTOCOL_TCP;
}

function ipText(a: number): string {
  return `${Math.floor(a / 16777216) % 256}.${Math.floor(a / 65536) % 256}.${Math.floor(a / 256) % 256}.${a % 256}`;
}

function vpcOf(model: NetworkModel, subnet: Subnet): Vpc | undefined {
  return subnet.vpcId.known ? model.vpcs.get(subnet.vpcId.value) : undefined;
}

function blocksOf(vpc: Vpc): Cidr[] {
  return vpc.cidrBlocks.known ? vpc.cidrBlocks.value : [];
}

function vpcsOverlap(a: Vpc, b: Vpc): boolean {
  for (const x of blocksOf(a)) {
    for (const y of blocksOf(b)) {
      // Two aligned CIDR blocks overlap iff one contains the other's first address.
      if (containsAddress(x, y.first) || containsAddress(y, x.first)) return true;
    }
  }
  return false;
}

/** What one route table hop did with one packet. */
interface RouteOutcome {
  readonly outcome: Outcome;
  readonly why: string;
  /** The peering the packet crossed when it was delivered through one. */
  readonly viaPeeringSameRegion?: boolean;
  /** The transit gateway the packet crossed when it was delivered through one. */
  readonly viaTransitGateway?: string;
}

/**
 * A packet handed to a transit gateway (spec section 4 hop 1-2; [TGW]): the source VPC's
 * attachment must have a subnet in the source subnet's zone; the attachment's associated route
 * table picks the longest prefix among its static routes and the CIDRs its propagating
 * attachments' VPCs have (a static route wins a tie; a blackhole drops); the chosen attachment
 * must be the destination VPC's.
 */
function transitGateway(model: NetworkModel, subnet: Subnet, here: Vpc, there: Vpc, address: number, via: string, tgwId: string | undefined): RouteOutcome {
  const tgw = tgwId === undefined ? undefined : model.transitGateways.get(tgwId);
  if (!tgw) return { outcome: 'unknown', why: `${via}: transit gateway not described` };
  let attachment;
  for (const a of model.transitGatewayAttachments.values()) {
    if (a.transitGatewayId === tgw.id && a.vpcId.known && a.vpcId.value === here.id) { attachment = a; break; }
  }
  if (!attachment) return { outcome: 'blocked', why: `${via}: ${here.id} has no attachment to ${tgw.id}` };
  const zone = subnet.availabilityZone.known ? subnet.availabilityZone.value : undefined;
  let inZone = false;
  let undecided = zone === undefined;
  for (const id of attachment.subnetIds) {
    const s = model.subnets.get(id);
    if (!s || !s.availabilityZone.known) { undecided = true; continue; }
    if (s.availabilityZone.value === zone) inZone = true;
  }
  if (!inZone && !undecided) return { outcome: 'blocked', why: `${via}: attachment ${attachment.id} has no subnet in ${zone}` };
  let table;
  for (const t of model.transitGatewayRouteTables.values()) {
    if (t.transitGatewayId === tgw.id && t.associatedAttachmentIds.includes(attachment.id)) { table = t; break; }
  }
  if (!table) return { outcome: 'blocked', why: `${via}: attachment ${attachment.id} has no route table` };
  let best: { prefix: number; attachmentId?: string; blackhole: boolean; propagated: boolean } | undefined;
  const consider = (cidr: Cidr, attachmentId: string | undefined, blackhole: boolean, propagated: boolean) => {
    if (!containsAddress(cidr, address)) return;
    if (!best || cidr.prefixLength > best.prefix || (cidr.prefixLength === best.prefix && best.propagated && !propagated)) {
      best = { prefix: cidr.prefixLength, attachmentId, blackhole, propagated };
    }
  };
  for (const r of table.routes) if (r.destination.known) consider(r.destination.value, r.attachmentId, r.blackhole, false);
  for (const id of table.propagatingAttachmentIds) {
    const a = model.transitGatewayAttachments.get(id);
    const vpc = a && a.vpcId.known ? model.vpcs.get(a.vpcId.value) : undefined;
    if (vpc) for (const block of blocksOf(vpc)) consider(block, id, false, true);
  }
  const chosen = best as { attachmentId?: string; blackhole: boolean } | undefined;
  if (!chosen || chosen.blackhole || !chosen.attachmentId) return { outcome: 'blocked', why: `${via}: ${table.id} has ${chosen?.blackhole ? 'a blackhole' : 'no route'} for ${ipText(address)}` };
  const target = model.transitGatewayAttachments.get(chosen.attachmentId);
  if (!target || !target.vpcId.known || target.vpcId.value !== there.id) return { outcome: 'blocked', why: `${via}: ${table.id} sends ${ipText(address)} to ${chosen.attachmentId}, not ${there.id}'s attachment` };
  if (undecided && !inZone) return { outcome: 'unknown', why: `${via}: whether attachment ${attachment.id} serves ${subnet.id}'s zone is not known`, viaTransitGateway: tgw.id };
  return { outcome: 'pass', why: `${via} -> ${table.id} -> ${target.id}`, viaTransitGateway: tgw.id };
}

/**
 * Sends a packet for `address` from `subnet` (in `here`) towards `there`, the VPC of the
 * destination subnet: longest-prefix match over the table's routes and the VPC's local routes.
 */
function route(model: NetworkModel, subnet: Subnet, here: Vpc, there: Vpc, address: number): RouteOutcome {
  const tableId = subnet.routeTableId ?? here.mainRouteTableId;
  const table = model.routeTables.get(tableId);
  if (!table) return { outcome: 'unknown', why: `route table ${tableId} not described` };

  let bestPrefix = -1;
  let bestKind = '';
  let bestTarget: string | undefined;
  let bestText = '';
  for (const block of blocksOf(here)) {
    if (containsAddress(block, address) && block.prefixLength > bestPrefix) {
      bestPrefix = block.prefixLength;
      bestKind = 'local';
      bestTarget = undefined;
      bestText = block.text;
    }
  }
  let unresolved = false;
  for (const r of table.routes) {
    if (!r.destination.known) { unresolved = true; continue; }
    const d = r.destination.value;
    // Strictly longer only: on a tie the local route (seen first) keeps priority, unless the
    // route is to that very VPC block with a middlebox target: the local route, its target replaced.
    const replacesLocal = bestKind === 'local' && d.text === bestText && ['nat-gateway', 'network-interface', 'gateway-load-balancer-endpoint', 'instance', 'unknown'].includes(r.target.kind);
    if (containsAddress(d, address) && (d.prefixLength > bestPrefix || replacesLocal)) {
      bestPrefix = d.prefixLength;
      bestKind = r.target.kind;
      bestTarget = r.target.targetId;
      bestText = d.text;
    }
  }
  const at = `${table.id}: ${ipText(address)}`;
  if (bestPrefix < 0) {
    return unresolved
      ? { outcome: 'unknown', why: `${at} matches no known route, but some routes have unknown destinations` }
      : { outcome: 'blocked', why: `${at} matches no route` };
  }
  const via = `${at} -> ${bestText} via ${bestKind}${bestTarget ? ` ${bestTarget}` : ''}`;

  if (bestKind === 'local') {
    return here.id === there.id
      ? { outcome: 'pass', why: via }
      : { outcome: 'blocked', why: `${via}: local route, but the destination is in ${there.id}` };
  }
  if (bestKind === 'vpc-peering') {
    const pcx = bestTarget === undefined ? undefined : model.peerings.get(bestTarget);
    if (!pcx) return { outcome: 'unknown', why: `${via}: peering not described` };
    if (pcx.state !== 'active') return { outcome: 'blocked', why: `${via}: peering is ${pcx.state}` };
    const requester = pcx.requesterVpcId.known ? pcx.requesterVpcId.value : undefined;
    const accepter = pcx.accepterVpcId.known ? pcx.accepterVpcId.value : undefined;
    let far: string | undefined;
    if (requester === here.id) far = accepter;
    else if (accepter === here.id) far = requester;
    else return { outcome: 'blocked', why: `${via}: peering does not involve ${here.id}` };
    if (far === undefined) return { outcome: 'unknown', why: `${via}: far side of the peering not described` };
    if (far !== there.id) return { outcome: 'blocked', why: `${via}: peering leads to ${far}, not ${there.id} (not transitive)` };
    let inFar = false;
    for (const block of blocksOf(there)) if (containsAddress(block, address)) inFar = true;
    if (!inFar) return { outcome: 'blocked', why: `${via}: ${ipText(address)} is not in ${there.id}'s CIDR` };
    if (vpcsOverlap(here, there)) return { outcome: 'blocked', why: `${via}: ${here.id} and ${there.id} overlap, they cannot be peered` };
    const regionA = here.region.known ? here.region.value : undefined;
    const regionB = there.region.known ? there.region.value : undefined;
    const sameRegion = regionA !== undefined && regionA === regionB;
    return { outcome: 'pass', why: via, viaPeeringSameRegion: sameRegion };
  }
  if (bestKind === 'transit-gateway') return transitGateway(model, subnet, here, there, address, via, bestTarget);
  if (bestKind === 'internet-gateway' || bestKind === 'egress-only-internet-gateway' || bestKind === 'carrier-gateway') {
    return { outcome: 'blocked', why: `${via}: a private address is not reachable through an internet gateway` };
  }
  // vpn, instance, network interface, NAT, transit gateway, unknown targets: the far side is not
  // something this oracle can follow.
  return { outcome: 'unknown', why: `${via}: next hop not followed` };
}

type RefValidity = 'valid' | 'invalid' | 'unknown';

export interface OracleOptions {
  /**
   * How to judge a group reference when the request goes to a next hop the oracle cannot follow
   * (undescribed peering, VPN, instance...). Honest answer: `unknown` (the default). `invalid`
   * mimics an engine that treats such references as never honoured; it is used only to classify
   * a known disagreement.
   */
  readonly referencesAfterUnfollowedHop?: 'unknown' | 'invalid';
}

/**
 * Whether a security group rule referencing the other side's group applies to this packet:
 * within one VPC always; across VPCs only when the request actually crossed a same-Region
 * peering; unknown when the request went to a next hop we cannot follow.
 */
function referenceValidity(model: NetworkModel, sameVpc: boolean, forward: RouteOutcome, options: OracleOptions, egress: boolean): RefValidity {
  if (sameVpc) return 'valid';
  // Across a transit gateway: inbound rules only, with referencing enabled (spec section 4 hop 7).
  if (forward.viaTransitGateway !== undefined) {
    if (egress) return 'invalid';
    return model.transitGateways.get(forward.viaTransitGateway)?.securityGroupReferencingSupport ? 'valid' : 'invalid';
  }
  if (forward.outcome === 'unknown') return options.referencesAfterUnfollowedHop ?? 'unknown';
  if (forward.outcome === 'pass' && forward.viaPeeringSameRegion === true) return 'valid';
  return 'invalid';
}

function securityGroups(
  model: NetworkModel, groupIds: readonly string[], egress: boolean, remote: number, port: number,
  remoteGroups: readonly string[], validity: RefValidity,
): { outcome: Outcome; why: string } {
  const way = egress ? 'egress' : 'ingress';
  if (!egress && groupIds.length === 0) return { outcome: 'unknown', why: 'the store has no known security groups' };
  let undecided: string | undefined;
  for (const gid of groupIds) {
    const group = model.securityGroups.get(gid);
    if (!group) { undecided = undecided ?? `group ${gid} not described`; continue; }
    if (group.incomplete) undecided = undecided ?? `group ${gid} incomplete`;
    const rules = egress ? group.egress : group.ingress;
    for (const rule of rules) {
      if (!isTcp(rule.protocol)) continue;
      if (port < rule.ports.from || port > rule.ports.to) continue;
      const peer = rule.peer;
      if (peer.kind === 'cidr') {
        if (containsAddress(peer.cidr, remote)) return { outcome: 'pass', why: `${gid} ${way} allows ${ipText(remote)}:${port} by ${peer.cidr.text}` };
      } else if (peer.kind === 'security-group') {
        if (!remoteGroups.includes(peer.groupId)) continue;
        if (validity === 'valid') return { outcome: 'pass', why: `${gid} ${way} allows group ${peer.groupId} on ${port}` };
        if (validity === 'unknown') undecided = undecided ?? `reference to ${peer.groupId}: unknown whether it applies`;
      } else {
        undecided = undecided ?? `rule peer ${peer.kind} not modelled`;
      }
    }
  }
  if (undecided) return { outcome: 'unknown', why: `${way} ${ipText(remote)}:${port}: ${undecided}` };
  return { outcome: 'blocked', why: `no ${way} rule of [${groupIds.join(', ')}] allows ${ipText(remote)}:${port}` };
}

function networkAcl(model: NetworkModel, subnet: Subnet, vpc: Vpc, egress: boolean, remote: number, port: number): { outcome: Outcome; why: string } {
  const aclId = subnet.networkAclId ?? vpc.defaultNetworkAclId;
  const acl = model.networkAcls.get(aclId);
  const what = `${aclId} ${egress ? 'outbound' : 'inbound'} ${ipText(remote)} port ${port}`;
  if (!acl) return { outcome: 'unknown', why: `${what}: NACL not described` };
  const entries = acl.entries.filter((e) => e.egress === egress).slice().sort((a, b) => a.ruleNumber - b.ruleNumber);
  for (const entry of entries) {
    if (!isTcp(entry.protocol)) continue;
    if (!entry.cidr.known) return { outcome: 'unknown', why: `${what}: rule ${entry.ruleNumber} has an unknown CIDR` };
    if (!containsAddress(entry.cidr.value, remote)) continue;
    if (entry.ports && (port < entry.ports.from || port > entry.ports.to)) continue;
    return entry.allow
      ? { outcome: 'pass', why: `${what}: rule ${entry.ruleNumber} allows` }
      : { outcome: 'blocked', why: `${what}: rule ${entry.ruleNumber} denies` };
  }
  return { outcome: 'blocked', why: `${what}: implicit deny` };
}

/**
 * One TCP request from `srcAddr:clientPort` (the Glue ENI) to `dstAddr:store.port` (the store)
 * and its reply.
 */
export function evaluatePacket(
  model: NetworkModel, eni: OracleEni, srcAddr: number, store: OracleStore, dstAddr: number, clientPort: number,
  options: OracleOptions = {}, clientPorts?: readonly number[],
): PacketResult {
  const checks: CheckResult[] = [];
  const add = (check: string, r: { outcome: Outcome; why: string }) => checks.push({ check, outcome: r.outcome, why: r.why });
  const srcSubnet = model.subnets.get(eni.subnetId);
  const dstSubnet = model.subnets.get(store.subnetId);
  const srcVpc = srcSubnet && vpcOf(model, srcSubnet);
  const dstVpc = dstSubnet && vpcOf(model, dstSubnet);
  if (!srcSubnet || !dstSubnet || !srcVpc || !dstVpc) {
    add('topology', { outcome: 'unknown', why: 'a subnet or its VPC is not described' });
    return { outcome: 'unknown', checks };
  }
  const sameSubnet = srcSubnet.id === dstSubnet.id;
  const sameVpc = srcVpc.id === dstVpc.id;

  const forward: RouteOutcome = sameSubnet ? { outcome: 'pass', why: 'same subnet' } : route(model, srcSubnet, srcVpc, dstVpc, dstAddr);
  add('route out', forward);
  add('ENI egress', securityGroups(model, eni.groupIds, true, dstAddr, store.port, store.groupIds, referenceValidity(model, sameVpc, forward, options, true)));
  if (!sameSubnet) {
    add('source NACL out', networkAcl(model, srcSubnet, srcVpc, true, dstAddr, store.port));
    add('store NACL in', networkAcl(model, dstSubnet, dstVpc, false, srcAddr, store.port));
  }
  add('store ingress', securityGroups(model, store.groupIds, false, srcAddr, store.port, eni.groupIds, referenceValidity(model, sameVpc, forward, options, false)));
  if (!sameSubnet) {
    add('route back', route(model, dstSubnet, dstVpc, srcVpc, srcAddr));
    const ports = clientPorts ?? [clientPort];
    const perPort = ports.map((p) => {
      const out = networkAcl(model, dstSubnet, dstVpc, true, srcAddr, p);
      const into = networkAcl(model, srcSubnet, srcVpc, false, dstAddr, p);
      const outcome: Outcome = out.outcome === 'blocked' || into.outcome === 'blocked' ? 'blocked'
        : out.outcome === 'unknown' || into.outcome === 'unknown' ? 'unknown' : 'pass';
      return { port: p, outcome, why: `${out.why}; ${into.why}` };
    });
    // The worker picks its client port anywhere in the range: every port admitted passes, none
    // blocks, some (or undecided ones) leave it unknown.
    const allPass = perPort.every((r) => r.outcome === 'pass');
    const allBlocked = perPort.every((r) => r.outcome === 'blocked');
    const witness = perPort.find((r) => r.outcome !== 'pass') ?? perPort[0];
    add('NACL replies', allPass ? { outcome: 'pass', why: `every sampled client port admitted (${witness.why})` }
      : allBlocked ? { outcome: 'blocked', why: `no sampled client port admitted (port ${witness.port}: ${witness.why})` }
        : { outcome: 'unknown', why: `only part of the client ports admitted (port ${witness.port}: ${witness.why})` });
  }
  const outcome: Outcome = checks.some((c) => c.outcome === 'blocked') ? 'blocked'
    : checks.some((c) => c.outcome === 'unknown') ? 'unknown' : 'pass';
  return { outcome, checks };
}

/** Every CIDR that appears anywhere in the model. */
export function modelCidrs(model: NetworkModel): Cidr[] {
  const out: Cidr[] = [];
  for (const v of model.vpcs.values()) out.push(...blocksOf(v));
  for (const s of model.subnets.values()) if (s.cidr.known) out.push(s.cidr.value);
  for (const t of model.routeTables.values()) for (const r of t.routes) if (r.destination.known) out.push(r.destination.value);
  for (const g of model.securityGroups.values()) {
    for (const r of [...g.ingress, ...g.egress]) if (r.peer.kind === 'cidr') out.push(r.peer.cidr);
  }
  for (const a of model.networkAcls.values()) for (const e of a.entries) if (e.cidr.known) out.push(e.cidr.value);
  return out;
}

/** First, last, first-1 and last+1 of every CIDR of the model that fall in `range`, plus random addresses. */
export function sampleAddresses(model: NetworkModel, range: Cidr, random: () => number, randomCount = 2): number[] {
  const points = new Set<number>([range.first, range.last]);
  for (const c of modelCidrs(model)) {
    for (const p of [c.first, c.last, c.first - 1, c.last + 1]) if (containsAddress(range, p)) points.add(p);
  }
  for (let i = 0; i < randomCount; i++) points.add(range.first + Math.floor(random() * (range.last - range.first + 1)));
  return [...points].sort((a, b) => a - b);
}

/** 32768, 60999 and every NACL port boundary (from, to, from-1, to+1) within Linux's ephemeral range. */
export function sampleClientPorts(model: NetworkModel): number[] {
  const ports = new Set<number>([EPHEMERAL_FIRST, EPHEMERAL_LAST]);
  for (const acl of model.networkAcls.values()) {
    for (const e of acl.entries) {
      if (!e.ports) continue;
      for (const p of [e.ports.from, e.ports.to, e.ports.from - 1, e.ports.to + 1]) {
        if (p >= EPHEMERAL_FIRST && p <= EPHEMERAL_LAST) ports.add(p);
      }
    }
  }
  return [...ports].sort((a, b) => a - b);
}

export interface PathOracleResult {
  readonly verdict: OracleVerdict;
  /** A packet that decided the verdict (a blocked one, else an unknown one), for messages. */
  readonly witness?: { src: string; dst: string; clientPort: number; checks: CheckResult[] };
  readonly packets: number;
}

/**
 * The verdict over every sampled packet of the path (ENI subnet -> store subnet).
 *
 * Each check depends on at most one address plus (for NACL reply checks) the client port, except
 * the store's ingress, which depends on the source address and, through group-reference
 * validity, on the forward route of the destination address. So every source x destination pair
 * is tried at one client port, and every client port is tried against every source (with one
 * destination) and every destination (with one source): any check that blocks (or is unknown)
 * for some input is then met by some sampled packet. When the full product is small it is used.
 */
export function oraclePath(model: NetworkModel, eni: OracleEni, store: OracleStore, random: () => number, options: OracleOptions = {}): PathOracleResult {
  const srcSubnet = model.subnets.get(eni.subnetId);
  const dstSubnet = model.subnets.get(store.subnetId);
  if (!srcSubnet?.cidr.known || !dstSubnet?.cidr.known) return { verdict: 'UNKNOWN', packets: 0 };
  const srcs = sampleAddresses(model, srcSubnet.cidr.value, random);
  const dsts = sampleAddresses(model, dstSubnet.cidr.value, random);
  const ports = sampleClientPorts(model);

  // Every source x destination pair, its reply judged over every sampled client port together.
  const packets: [number, number, number][] = [];
  for (const src of srcs) for (const dst of dsts) packets.push([src, dst, ports[0]]);

  let unknownWitness: PathOracleResult['witness'];
  for (const [s, d, p] of packets) {
    const r = evaluatePacket(model, eni, s, store, d, p, options, ports);
    const witness = { src: ipText(s), dst: ipText(d), clientPort: p, checks: r.checks };
    if (r.outcome === 'blocked') return { verdict: 'UNREACHABLE', witness, packets: packets.length };
    if (r.outcome === 'unknown' && !unknownWitness) unknownWitness = witness;
  }
  return unknownWitness
    ? { verdict: 'UNKNOWN', witness: unknownWitness, packets: packets.length }
    : { verdict: 'REACHABLE', packets: packets.length };
}

// ---- issue 12 point 7: a store whose host nothing locates ---------------------------------------

/**
 * Spec §4: "When nothing locates the host, its location is *assumed* to be its own connection's
 * subnet, and an assumed location can never make the store REACHABLE: UNKNOWN if the selected
 * subnet reaches that subnet, UNREACHABLE if it cannot." The store's groups are then its
 * connection's own (the layout AWS documents). So: the per-packet verdict of the path to the
 * connection's subnet, with REACHABLE read as UNKNOWN.
 */
export function oracleAssumedStore(model: NetworkModel, eni: OracleEni, connectionSubnetId: string, connectionGroups: readonly string[], port: number, random: () => number): PathOracleResult {
  // Spec §3: the connection's groups must belong to the subnet's VPC, or EC2 refuses the ENIs and
  // every run fails before any store is contacted.
  const known = (f: { known: boolean; value?: string } | undefined) => (f?.known ? f.value : undefined);
  const eniVpc = known(model.subnets.get(eni.subnetId)?.vpcId);
  const foreign = eni.groupIds.find((g) => { const vpc = known(model.securityGroups.get(g)?.vpcId); return vpc !== undefined && eniVpc !== undefined && vpc !== eniVpc; });
  if (foreign !== undefined) {
    const checks: CheckResult[] = [{ check: 'ENI creation', outcome: 'blocked', why: `security group ${foreign} is not in the subnet's VPC ${eniVpc}` }];
    return { verdict: 'UNREACHABLE', packets: 0, witness: { src: eni.subnetId, dst: connectionSubnetId, clientPort: 0, checks } };
  }
  const path = oraclePath(model, eni, { subnetId: connectionSubnetId, groupIds: connectionGroups, port }, random);
  return path.verdict === 'REACHABLE' ? { ...path, verdict: 'UNKNOWN' } : path;
}

// ---- issue 12 point 9: the network ACL on the S3 path ---------------------------------------------

/**
 * The special-purpose IPv4 blocks of RFC 6890 (private, shared, loopback, link-local, multicast,
 * reserved): Amazon S3's addresses (its managed prefix list) are public, so never in these.
 */
const NOT_PUBLIC: readonly [number, number][] = [
  [0x00000000, 0x00ffffff], [0x0a000000, 0x0affffff], [0x64400000, 0x647fffff], [0x7f000000, 0x7fffffff],
  [0xa9fe0000, 0xa9feffff], [0xac100000, 0xac1fffff], [0xc0a80000, 0xc0a8ffff], [0xe0000000, 0xffffffff],
];

function isPublic(address: number): boolean {
  if (address < 0 || address > 0xffffffff) return false;
  return !NOT_PUBLIC.some(([first, last]) => address >= first && address <= last);
}

/** Linux's ephemeral range (net.ipv4.ip_local_port_range), the spec's stated assumption for replies. */
export const LINUX_FIRST = 32768;
export const LINUX_LAST = 60999;

export type S3AclOutcome = 'pass' | 'blocked' | 'unknown';

/**
 * Spec §2.3 and issue 12 point 9: Glue selects a subnet whose ACL blocks the S3 path, and its runs
 * fail. The S3 traffic is HTTPS (TCP 443) out to one of S3's addresses, which the model does not
 * hold (some public address), and the reply in to the client's port, one of the Linux range
 * (§4.5: the whole range admitted passes, part of it is UNKNOWN, none blocks). Per address: the
 * request and the replies; over the addresses: every one passes -> pass, every one blocked ->
 * blocked, else unknown (S3 might be on either side). Every NACL CIDR boundary in the public
 * space and every port boundary in the Linux range is sampled, so each region of constant
 * decision is met.
 */
export function oracleS3Acl(model: NetworkModel, subnetId: string, random: () => number): S3AclOutcome {
  const subnet = model.subnets.get(subnetId);
  const vpc = subnet && vpcOf(model, subnet);
  if (!subnet || !vpc) return 'unknown';
  const aclId = subnet.networkAclId ?? vpc.defaultNetworkAclId;
  const acl = model.networkAcls.get(aclId);
  if (!acl) return 'unknown';
  const addresses = new Set<number>();
  for (const [first, last] of NOT_PUBLIC) for (const p of [first - 1, last + 1]) if (isPublic(p)) addresses.add(p);
  for (const e of acl.entries) {
    if (!e.cidr.known) continue;
    for (const p of [e.cidr.value.first, e.cidr.value.last, e.cidr.value.first - 1, e.cidr.value.last + 1]) if (isPublic(p)) addresses.add(p);
  }
  for (let i = 0; i < 3; i++) {
    const a = Math.floor(random() * 0x100000000);
    if (isPublic(a)) addresses.add(a);
  }
  const ports = new Set<number>([LINUX_FIRST, LINUX_LAST]);
  for (const e of acl.entries) {
    if (!e.ports) continue;
    for (const p of [e.ports.from, e.ports.to, e.ports.from - 1, e.ports.to + 1]) if (p >= LINUX_FIRST && p <= LINUX_LAST) ports.add(p);
  }
  const perAddress: S3AclOutcome[] = [];
  for (const a of addresses) {
    const out = networkAcl(model, subnet, vpc, true, a, 443).outcome;
    const replies = [...ports].map((p) => networkAcl(model, subnet, vpc, false, a, p).outcome);
    const back: S3AclOutcome = replies.every((o) => o === 'pass') ? 'pass' : replies.every((o) => o === 'blocked') ? 'blocked'
      : replies.some((o) => o === 'unknown') && !replies.some((o) => o === 'blocked') ? 'unknown' : 'unknown';
    perAddress.push(out === 'blocked' || back === 'blocked' ? 'blocked' : out === 'unknown' || back === 'unknown' ? 'unknown' : 'pass');
  }
  if (perAddress.every((o) => o === 'pass')) return 'pass';
  if (perAddress.every((o) => o === 'blocked')) return 'blocked';
  return 'unknown';
}

// ---- connection selection (spec sections 1-3) --------------------------------------------------

export interface SelectionOracleResult {
  /** The connection Glue selects (model key), or null when none is suitable. */
  readonly selected: string | null;
  /** Why runs fail in the selected connection's subnet. */
  readonly tooFewAddresses: boolean;
  readonly foreignGroup: boolean;
}

/**
 * Glue's selection as the spec states it, written independently of the engine: walk the job's
 * network-bearing connections in list order; the first suitable one is selected. Suitable: its
 * subnet exists and belongs to a described VPC, its AvailabilityZone (when given) is the subnet's,
 * an S3 gateway endpoint is on the subnet's route table or its default route goes to a NAT gateway
 * of the same VPC, the subnet has more than 0 free addresses, its zone is not failed. Selected,
 * its runs fail when the subnet has fewer free addresses than one run needs (workers + 1 for
 * Standard, + 2 for larger worker types) or a security group belongs to another VPC.
 */
export function oracleSelection(model: NetworkModel, jobId: string, failedZones: readonly string[]): SelectionOracleResult {
  const job = model.jobs.get(jobId)!;
  const workers = job.numberOfWorkers?.known ? job.numberOfWorkers.value : 10;
  const demand = workers + (job.workerType?.known && job.workerType.value === 'Standard' ? 1 : 2);
  for (const ref of job.connections) {
    const connection = ref.connectionId ? model.connections.get(ref.connectionId) : undefined;
    if (!connection?.subnetId) continue;
    const subnet = model.subnets.get(connection.subnetId);
    const vpc = subnet && subnet.vpcId.known ? model.vpcs.get(subnet.vpcId.value) : undefined;
    if (!subnet || !vpc || !subnet.cidr.known || !subnet.availabilityZone.known) continue;
    const zone = subnet.availabilityZone.value;
    if (connection.availabilityZone?.known && connection.availabilityZone.value !== zone) continue;
    if (failedZones.includes(zone)) continue;
    const tableId = subnet.routeTableId ?? vpc.mainRouteTableId;
    let s3 = false;
    for (const e of model.gatewayEndpoints.values()) {
      if (e.type === 'Gateway' && e.service.known && e.service.value === 's3' && e.routeTableIds.includes(tableId)) s3 = true;
    }
    for (const r of model.routeTables.get(tableId)?.routes ?? []) {
      if (!r.destination.known || r.destination.value.prefixLength !== 0 || r.target.kind !== 'nat-gateway') continue;
      const nat = r.target.targetId ? model.natGateways.get(r.target.targetId) : undefined;
      const natSubnet = nat?.subnetId.known ? model.subnets.get(nat.subnetId.value) : undefined;
      if (nat?.connectivity === 'public' && natSubnet?.vpcId.known && natSubnet.vpcId.value === vpc.id) s3 = true;
    }
    if (!s3) continue;
    const size = subnet.cidr.value.last - subnet.cidr.value.first + 1;
    const free = Math.max(0, size - 5 - subnet.usedAddresses);
    if (free === 0) continue;
    let foreignGroup = false;
    for (const id of connection.securityGroupIds) {
      const group = model.securityGroups.get(id);
      if (group?.vpcId.known && group.vpcId.value !== vpc.id && model.vpcs.has(group.vpcId.value)) foreignGroup = true;
    }
    return { selected: connection.id, tooFewAddresses: free < demand, foreignGroup };
  }
  return { selected: null, tooFewAddresses: false, foreignGroup: false };
}

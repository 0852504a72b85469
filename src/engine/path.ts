import { Fact, NetworkAcl, Subnet, Vpc } from '../model';
import { AclCheck, allowsAll, checkAcl, checkReplies, repliesAllowedAll, ReplyCheck } from './network-acls';
import { Explanation, Hop, PathTrace, Verdict } from './plan';
import { Endpoint, RoutingResult, traceRouting } from './routing';
import { checkEniEgress, checkStoreIngress, SecurityGroupCheck, SecurityGroupContext } from './security-groups';
import { Topology } from './topology';
// Values from their modules, not the barrel: its re-exports are getters on every call.
import { AddressRange, formatRange } from '../model/cidr';

/** The Glue side of a path: the selected connection's subnet and security groups. */
export interface EniSide {
  readonly subnet: Subnet;
  readonly securityGroupIds: readonly string[];
}

/** The data store side of a path: one subnet the store may live in. */
export interface StoreSide {
  readonly subnet: Subnet;
  readonly securityGroupIds: readonly string[];
  readonly securityGroupsKnown: boolean;
  readonly port: number;
  /** A single address of the store (IP literal); absent means anywhere in the subnet. */
  readonly address?: number;
}

export function worst(verdicts: Verdict[]): Verdict {
  if (verdicts.includes('UNREACHABLE')) return 'UNREACHABLE';
  if (verdicts.includes('UNKNOWN')) return 'UNKNOWN';
  return 'REACHABLE';
}

function unknownPath(eni: EniSide, store: StoreSide, component: string, reason: string): PathTrace {
  return {
    sourceSubnet: eni.subnet.id,
    destinationSubnet: store.subnet.id,
    verdict: 'UNKNOWN',
    hops: [{ kind: 'subnet', direction: 'forward', component, verdict: 'UNKNOWN', detail: reason }],
    explanations: [{ code: 'UNKNOWN_SUBNET', component, message: reason, fix: 'Describe the subnet and its VPC in the templates or the --facts file.', unknown: true }],
  };
}

/**
 * The ACL judgements of one topology's paths, by ACL and then by what else they depend on: the
 * paths of different stores (groups, ports, addresses) between the same subnets ask the same
 * ACLs the same questions. The results (hops, explanations) are shared read-only, as whole traces
 * already are.
 */
interface AclMemo {
  readonly checks: Map<NetworkAcl, Map<string, AclCheck>>;
  /**
   * The forward checks that one entry allows for the whole remote range (`allowsAll`), by ACL then
   * port and direction (`2 * port + egress`): they name no address, so every range shares them.
   */
  readonly allowed: Map<NetworkAcl, Map<number, AclCheck>>;
  readonly replies: Map<NetworkAcl | undefined, Map<NetworkAcl | undefined, Map<string, ReplyCheck>>>;
  /** The replies both ACLs allow whole (`repliesAllowedAll`), by store ACL then ENI ACL: they name no range. */
  readonly allowedReplies: Map<NetworkAcl | undefined, Map<NetworkAcl | undefined, ReplyCheck>>;
  /** The hop of such replies through one ACL, [inbound, outbound]: it names that ACL alone. */
  readonly allowedReplyHops: Map<NetworkAcl, [Hop?, Hop?]>;
  /**
   * The routing of replies, by store subnet then ENI subnet: it goes to the whole ENI subnet
   * whatever the store's address, port or groups, so the paths of every store of a subnet share it.
   */
  readonly returns: Map<Subnet, Map<Subnet, RoutingResult>>;
  /**
   * The store's ingress check, by ENI subnet (the peer range), the store's VPC, then by what else
   * it reads: the groups on both sides, the port, and how the request travels (peerings and
   * transit gateways crossed, an unknown next hop; not the segments, which only egress reads),
   * as numbers (`numberOf`).
   */
  readonly ingress: Map<Subnet, Map<Vpc, Map<string, SecurityGroupCheck>>>;
  /** A number per distinct text of a key part (lists of group ids, how a request travels). */
  readonly numbers: Map<string, number>;
  /** The number of each list of group ids, by list (a connection's and a store's lists are built once). */
  readonly groupNumbers: WeakMap<readonly string[], number>;
  /** The first and the store hops of paths (see `eniHopOnce`, `storeHopOnce`). */
  readonly eniHops: Map<Subnet, Hop>;
  readonly storeHops: Map<Subnet, Map<number, Map<number, Hop>>>;
}
const aclMemos = new WeakMap<Topology, AclMemo>();

function aclMemoOf(topo: Topology): AclMemo {
  let memo = aclMemos.get(topo);
  if (!memo) {
    memo = {
      checks: new Map(),
      allowed: new Map(),
      replies: new Map(),
      allowedReplies: new Map(),
      allowedReplyHops: new Map(),
      returns: new Map(),
      ingress: new Map(),
      eniHops: new Map(),
      storeHops: new Map(),
      numbers: new Map(),
      groupNumbers: new WeakMap(),
    };
    aclMemos.set(topo, memo);
  }
  return memo;
}

/**
 * The forward check of one ACL on a path: outbound from the Glue subnet to the store's range
 * (`egress`), or inbound into the store subnet from the Glue subnet, on the store's port. The
 * words of the hop follow from those, so they are written only when the check is made.
 */
function checkAclOnce(topo: Topology, acl: NetworkAcl, egress: boolean, remote: AddressRange, port: number): AclCheck {
  const { checks, allowed } = aclMemoOf(topo);
  if (allowsAll(acl, egress, remote, port, port)) {
    let byPort = allowed.get(acl);
    if (!byPort) allowed.set(acl, byPort = new Map());
    const key = 2 * port + (egress ? 1 : 0);
    let check = byPort.get(key);
    if (!check) byPort.set(key, check = checkAcl(acl, egress, remote, { from: port, to: port }, aclPurpose(egress, port), 'forward'));
    return check;
  }
  let byQuestion = checks.get(acl);
  if (!byQuestion) checks.set(acl, byQuestion = new Map());
  const key = `${egress ? 1 : 0}|${remote.first}|${remote.last}|${port}`;
  let check = byQuestion.get(key);
  if (!check) {
    byQuestion.set(key, check = checkAcl(acl, egress, remote, { from: port, to: port }, aclPurpose(egress, port), 'forward'));
  }
  return check;
}

function aclPurpose(egress: boolean, port: number): string {
  return egress ? `from the Glue subnet to the store on TCP ${port}` : `into the store subnet from the Glue subnet on TCP ${port}`;
}

/** The ACL hop (and its explanation) of one side of a path, forward. */
function forwardAclHop(topo: Topology, acl: Fact<NetworkAcl>, egress: boolean, remote: AddressRange, port: number, hops: Hop[], explanations: Explanation[]): void {
  if (!acl.known) {
    hops.push({ kind: 'network-acl', direction: 'forward', component: '?', verdict: 'UNKNOWN', detail: acl.reason });
    explanations.push({ code: 'UNKNOWN_ACL_RULES', component: '?', message: acl.reason, fix: 'Describe the network ACL.', unknown: true });
    return;
  }
  const result = checkAclOnce(topo, acl.value, egress, remote, port);
  hops.push(result.hop);
  if (result.explanation) explanations.push(result.explanation);
}

/** The first hop of every path from a Glue subnet (its words depend on the subnet alone). */
function eniHopOnce(topo: Topology, subnet: Subnet, range: AddressRange, vpc: Vpc): Hop {
  const { eniHops } = aclMemoOf(topo);
  let hop = eniHops.get(subnet);
  if (!hop) eniHops.set(subnet, hop = { kind: 'eni', direction: 'forward', component: subnet.id, source: subnet.source, verdict: 'REACHABLE', detail: `Glue ENI in ${subnet.id} (${formatRange(range)}, ${vpc.id})` });
  return hop;
}

/** The data store hop of a path: by store subnet, then address (-1: the whole subnet), then port. */
function storeHopOnce(topo: Topology, store: StoreSide, range: AddressRange, vpc: Vpc): Hop {
  const { storeHops } = aclMemoOf(topo);
  let byAddress = storeHops.get(store.subnet);
  if (!byAddress) storeHops.set(store.subnet, byAddress = new Map());
  const address = store.address ?? -1;
  let byPort = byAddress.get(address);
  if (!byPort) byAddress.set(address, byPort = new Map());
  let hop = byPort.get(store.port);
  if (!hop) {
    byPort.set(store.port, hop = { kind: 'data-store', direction: 'forward', component: store.subnet.id, source: store.subnet.source, verdict: 'REACHABLE', detail: `data store in ${store.subnet.id} (${formatRange(range)}, ${vpc.id}) on TCP ${store.port}` });
  }
  return hop;
}

/**
 * The hop of replies `acl` allows whole (`repliesAllowedAll`), outbound from the store subnet
 * (`egress`) or inbound into the Glue subnet: what `checkReplies` says of that ACL whatever the
 * other, which allows them whole too (no assumption is needed, no range is named).
 */
function allowedReplyHop(memo: AclMemo, acl: NetworkAcl, egress: boolean, eniRange: AddressRange, storeRange: AddressRange): Hop {
  let both = memo.allowedReplyHops.get(acl);
  if (!both) memo.allowedReplyHops.set(acl, both = [undefined, undefined]);
  const i = egress ? 1 : 0;
  return both[i] ??= checkReplies(egress ? acl : undefined, egress ? undefined : acl, eniRange, storeRange).hops[0];
}

function checkRepliesOnce(topo: Topology, storeAcl: NetworkAcl | undefined, eniAcl: NetworkAcl | undefined, eniRange: AddressRange, storeRange: AddressRange): ReplyCheck {
  const memo = aclMemoOf(topo);
  const { replies, allowedReplies } = memo;
  if (repliesAllowedAll(storeAcl, true, eniRange) && repliesAllowedAll(eniAcl, false, storeRange)) {
    let byEniAcl = allowedReplies.get(storeAcl);
    if (!byEniAcl) allowedReplies.set(storeAcl, byEniAcl = new Map());
    let check = byEniAcl.get(eniAcl);
    if (!check) {
      const hops: Hop[] = [];
      if (storeAcl) hops.push(allowedReplyHop(memo, storeAcl, true, eniRange, storeRange));
      if (eniAcl) hops.push(allowedReplyHop(memo, eniAcl, false, eniRange, storeRange));
      byEniAcl.set(eniAcl, check = { hops, explanations: [] });
    }
    return check;
  }
  let byEniAcl = replies.get(storeAcl);
  if (!byEniAcl) replies.set(storeAcl, byEniAcl = new Map());
  let byRanges = byEniAcl.get(eniAcl);
  if (!byRanges) byEniAcl.set(eniAcl, byRanges = new Map());
  const key = `${eniRange.first}|${eniRange.last}|${storeRange.first}|${storeRange.last}`;
  let check = byRanges.get(key);
  if (!check) byRanges.set(key, check = checkReplies(storeAcl, eniAcl, eniRange, storeRange));
  return check;
}

function traceReturnOnce(topo: Topology, store: Endpoint, eni: Endpoint): RoutingResult {
  const { returns } = aclMemoOf(topo);
  let byEniSubnet = returns.get(store.subnet);
  if (!byEniSubnet) returns.set(store.subnet, byEniSubnet = new Map());
  let result = byEniSubnet.get(eni.subnet);
  if (!result) byEniSubnet.set(eni.subnet, result = traceRouting(topo, store, eni, 'return'));
  return result;
}

/** The number of a key part's text in this topology's memo. */
function numberOf(memo: AclMemo, text: string): number {
  let n = memo.numbers.get(text);
  if (n === undefined) memo.numbers.set(text, n = memo.numbers.size);
  return n;
}

function groupsNumber(memo: AclMemo, groups: readonly string[]): number {
  let n = memo.groupNumbers.get(groups);
  // (NUL never occurs in the ids: it separates them.)
  if (n === undefined) memo.groupNumbers.set(groups, n = numberOf(memo, `groups\0${groups.join('\0')}`));
  return n;
}

/**
 * How the request of `forward` travels, as the store's ingress check reads it: peerings, transit
 * gateways, an unknown next hop (-1 and -2: none crossed, with and without an unknown next hop).
 */
function travelNumber(memo: AclMemo, forward: RoutingResult): number {
  if (!forward.peeringIds.size && !forward.transitGatewayIds.size) return forward.unknownNextHop ? -1 : -2;
  return numberOf(memo, `travel\0${[...forward.peeringIds].join('\0')}\u0001${[...forward.transitGatewayIds].join('\0')}\u0001${forward.unknownNextHop ? 1 : 0}`);
}

function checkStoreIngressOnce(topo: Topology, store: StoreSide, eni: EniSide, eniRange: AddressRange, ctx: SecurityGroupContext, forward: RoutingResult): SecurityGroupCheck {
  const memo = aclMemoOf(topo);
  let byVpc = memo.ingress.get(eni.subnet);
  if (!byVpc) memo.ingress.set(eni.subnet, byVpc = new Map());
  let byQuestion = byVpc.get(ctx.destinationVpc);
  if (!byQuestion) byVpc.set(ctx.destinationVpc, byQuestion = new Map());
  const key = `${groupsNumber(memo, store.securityGroupIds)}|${groupsNumber(memo, eni.securityGroupIds)}|${store.port}|${travelNumber(memo, forward)}`;
  let check = byQuestion.get(key);
  if (!check) byQuestion.set(key, check = checkStoreIngress(topo, store.securityGroupIds, eniRange, eni.securityGroupIds, store.port, ctx));
  return check;
}

/**
 * The Glue ENI's egress to the store. When the store's groups are unknown (unresolved, or not
 * given), an outbound rule that names a security group may admit the store (it may wear that
 * group): a denial that such a rule could lift is UNKNOWN, never UNREACHABLE.
 */
function egressToStore(topo: Topology, eni: EniSide, store: StoreSide, storeRange: AddressRange, ctx: SecurityGroupContext): SecurityGroupCheck {
  const egress = checkEniEgress(topo, eni.securityGroupIds, storeRange, store.securityGroupIds, store.port, ctx);
  if (store.securityGroupsKnown || egress.hop.verdict !== 'UNREACHABLE') return egress;
  const named = new Set<string>(store.securityGroupIds);
  for (const id of eni.securityGroupIds) {
    for (const rule of topo.securityGroup(id)?.egress ?? []) if (rule.peer.kind === 'security-group') named.add(rule.peer.groupId);
  }
  if (named.size === store.securityGroupIds.length) return egress;
  const ifWorn = checkEniEgress(topo, eni.securityGroupIds, storeRange, [...named], store.port, ctx);
  if (ifWorn.hop.verdict === 'UNREACHABLE') return egress;
  const { kind, direction, component, source } = egress.hop;
  return {
    hop: { kind, direction, component, source, verdict: 'UNKNOWN', detail: "the store's security groups are unknown, and an outbound rule to a security group may admit it" },
    explanations: [{
      code: 'UNKNOWN_SECURITY_GROUP_RULES',
      component,
      source,
      message: `The Glue ENI's security groups (${component}) allow TCP ${store.port} to ${formatRange(storeRange)} only through rules that name security groups, and the store's groups are unknown: it may wear one of them.`,
      fix: 'Declare the store (GlueDataStore, or dataStores[] in --facts), or make its security groups resolvable.',
      unknown: true,
    }],
  };
}

/** Whether no unknown explanation comes before a blocking one (the order tracePath sorts them to). */
export function partitioned(explanations: readonly Explanation[]): boolean {
  for (let i = 1; i < explanations.length; i++) if (explanations[i - 1].unknown && !explanations[i].unknown) return false;
  return true;
}

/**
 * Traces TCP from every address of the ENI subnet to every address of the store subnet and the
 * replies back, hop by hop. Every hop is judged even after a blocking one, so an UNREACHABLE
 * path lists every setting that must change.
 */
export function tracePath(topo: Topology, eni: EniSide, store: StoreSide): PathTrace {
  const srcVpc = topo.vpcOfSubnet(eni.subnet);
  const dstVpc = topo.vpcOfSubnet(store.subnet);
  if (!eni.subnet.cidr.known) return unknownPath(eni, store, eni.subnet.id, `CIDR of ${eni.subnet.id} is unknown: ${eni.subnet.cidr.reason}`);
  if (!store.subnet.cidr.known) return unknownPath(eni, store, store.subnet.id, `CIDR of ${store.subnet.id} is unknown: ${store.subnet.cidr.reason}`);
  if (!srcVpc.known) return unknownPath(eni, store, eni.subnet.id, srcVpc.reason);
  if (!dstVpc.known) return unknownPath(eni, store, store.subnet.id, dstVpc.reason);

  const from: Endpoint = { subnet: eni.subnet, vpc: srcVpc.value, range: eni.subnet.cidr.value };
  const to: Endpoint = { subnet: store.subnet, vpc: dstVpc.value, range: store.address !== undefined ? { first: store.address, last: store.address } : store.subnet.cidr.value };
  const hops: Hop[] = [];
  const explanations: Explanation[] = [];

  hops.push(eniHopOnce(topo, eni.subnet, from.range, from.vpc));

  const sameSubnet = eni.subnet.id === store.subnet.id;
  const forward = traceRouting(topo, from, to, 'forward');
  const back = sameSubnet ? undefined : traceReturnOnce(topo, to, from);
  // Group references are judged on how the request travels (the reply is stateful).
  const sgContext: SecurityGroupContext = {
    sourceVpc: from.vpc,
    destinationVpc: to.vpc,
    peeringIds: forward.peeringIds,
    transitGatewayIds: forward.transitGatewayIds,
    unknownNextHop: forward.unknownNextHop,
    segments: forward.segments,
  };


  const egress = egressToStore(topo, eni, store, to.range, sgContext);
  hops.push(egress.hop);
  explanations.push(...egress.explanations);

  if (!sameSubnet) {
    const srcAcl = topo.effectiveNetworkAcl(eni.subnet);
    const dstAcl = topo.effectiveNetworkAcl(store.subnet);
    hops.push(...forward.hops);
    explanations.push(...forward.explanations);
    forwardAclHop(topo, srcAcl, true, to.range, store.port, hops, explanations);
    forwardAclHop(topo, dstAcl, false, from.range, store.port, hops, explanations);
  } else {
    hops.push({ kind: 'route-table', direction: 'forward', component: eni.subnet.id, verdict: 'REACHABLE', detail: 'same subnet: delivered locally, no route table or network ACL applies' });
  }

  const ingress = checkStoreIngressOnce(topo, store, eni, from.range, sgContext, forward);
  if (!store.securityGroupsKnown && ingress.hop.verdict !== 'UNREACHABLE') {
    const { kind, direction, component, source } = ingress.hop;
    hops.push({ kind, direction, component, source, verdict: 'UNKNOWN', detail: "the store's security groups are unknown" });
    explanations.push({ code: 'UNKNOWN_SECURITY_GROUP_RULES', component: store.subnet.id, message: "The data store's security groups could not be resolved.", fix: 'Declare the store (GlueDataStore, or dataStores[] in --facts).', unknown: true });
  } else {
    hops.push(ingress.hop);
    explanations.push(...ingress.explanations);
  }
  hops.push(storeHopOnce(topo, store, to.range, to.vpc));

  let assumption: string | undefined;
  if (back) {
    hops.push(...back.hops);
    explanations.push(...back.explanations);
    const srcAcl = topo.effectiveNetworkAcl(eni.subnet);
    const dstAcl = topo.effectiveNetworkAcl(store.subnet);
    const replies = checkRepliesOnce(topo, dstAcl.known ? dstAcl.value : undefined, srcAcl.known ? srcAcl.value : undefined, from.range, to.range);
    hops.push(...replies.hops);
    explanations.push(...replies.explanations);
    assumption = replies.assumption;
  }

  let verdict: Verdict = 'REACHABLE';
  for (const h of hops) {
    if (h.verdict === 'UNREACHABLE') {
      verdict = 'UNREACHABLE';
      break;
    }
    if (h.verdict === 'UNKNOWN') verdict = 'UNKNOWN';
  }
  // Blocking explanations first, unknowns after; an UNREACHABLE path does not also list the
  // unknowns that cannot change its verdict... but they are still worth fixing, so keep them.
  // (The sort is stable: a list with no unknown before a blocking one is sorted already, and
  // most are. Sorting copies the list.)
  if (explanations.length > 1 && !partitioned(explanations)) explanations.sort((a, b) => Number(!!a.unknown) - Number(!!b.unknown));
  return assumption
    ? { sourceSubnet: eni.subnet.id, destinationSubnet: store.subnet.id, verdict, hops, explanations, assumptions: [assumption] }
    : { sourceSubnet: eni.subnet.id, destinationSubnet: store.subnet.id, verdict, hops, explanations };
}

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
  /**
   * The routing of replies, by store subnet then ENI subnet: it goes to the whole ENI subnet
   * whatever the store's address, port or groups, so the paths of every store of a subnet share it.
   */
  readonly returns: Map<Subnet, Map<Subnet, RoutingResult>>;
  /**
   * The store's ingress check, by ENI subnet (the peer range), then by what else it reads: the
   * groups on both sides, the port, the store's VPC, and how the request travels (peerings and
   * transit gateways crossed, an unknown next hop; not the segments, which only egress reads).
   */
  readonly ingress: Map<Subnet, Map<string, SecurityGroupCheck>>;
  /** The first and the store hops of paths (see `eniHopOnce`, `storeHopOnce`). */
  readonly eniHops: Map<Subnet, Hop>;
  readonly storeHops: Map<Subnet, Map<number, Map<number, Hop>>>;
}
const aclMemos = new WeakMap<Topology, AclMemo>();

function aclMemoOf(topo: Topology): AclMemo {
  let memo = aclMemos.get(topo);
  if (!memo) {
    memo = { checks: new Map(), allowed: new Map(), replies: new Map(), allowedReplies: new Map(), returns: new Map(), ingress: new Map(), eniHops: new Map(), storeHops: new Map() };
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

function checkRepliesOnce(topo: Topology, storeAcl: NetworkAcl | undefined, eniAcl: NetworkAcl | undefined, eniRange: AddressRange, storeRange: AddressRange): ReplyCheck {
  const { replies, allowedReplies } = aclMemoOf(topo);
  if (repliesAllowedAll(storeAcl, true, eniRange) && repliesAllowedAll(eniAcl, false, storeRange)) {
    let byEniAcl = allowedReplies.get(storeAcl);
    if (!byEniAcl) allowedReplies.set(storeAcl, byEniAcl = new Map());
    let check = byEniAcl.get(eniAcl);
    if (!check) byEniAcl.set(eniAcl, check = checkReplies(storeAcl, eniAcl, eniRange, storeRange));
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

function checkStoreIngressOnce(topo: Topology, store: StoreSide, eni: EniSide, eniRange: AddressRange, ctx: SecurityGroupContext): SecurityGroupCheck {
  const { ingress } = aclMemoOf(topo);
  let byQuestion = ingress.get(eni.subnet);
  if (!byQuestion) ingress.set(eni.subnet, byQuestion = new Map());
  // (NUL never occurs in the ids: it separates them.)
  const key = `${store.securityGroupIds.join('\0')}\u0001${eni.securityGroupIds.join('\0')}\u0001${store.port}\u0001${ctx.destinationVpc.id}`
    + `\u0001${[...ctx.peeringIds].join('\0')}\u0001${[...ctx.transitGatewayIds].join('\0')}\u0001${ctx.unknownNextHop ? 1 : 0}`;
  let check = byQuestion.get(key);
  if (!check) byQuestion.set(key, check = checkStoreIngress(topo, store.securityGroupIds, eniRange, eni.securityGroupIds, store.port, ctx));
  return check;
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


  const egress = checkEniEgress(topo, eni.securityGroupIds, to.range, store.securityGroupIds, store.port, sgContext);
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

  const ingress = checkStoreIngressOnce(topo, store, eni, from.range, sgContext);
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
  if (explanations.length > 1) explanations.sort((a, b) => Number(!!a.unknown) - Number(!!b.unknown));
  return assumption
    ? { sourceSubnet: eni.subnet.id, destinationSubnet: store.subnet.id, verdict, hops, explanations, assumptions: [assumption] }
    : { sourceSubnet: eni.subnet.id, destinationSubnet: store.subnet.id, verdict, hops, explanations };
}

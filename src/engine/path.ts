import { NetworkAcl, PortRange, Subnet } from '../model';
import { AclCheck, checkAcl, checkReplies, ReplyCheck } from './network-acls';
import { Explanation, Hop, PathTrace, Verdict } from './plan';
import { Endpoint, traceRouting } from './routing';
import { checkEniEgress, checkStoreIngress, SecurityGroupContext } from './security-groups';
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
  readonly replies: Map<NetworkAcl | undefined, Map<NetworkAcl | undefined, Map<string, ReplyCheck>>>;
}
const aclMemos = new WeakMap<Topology, AclMemo>();

function aclMemoOf(topo: Topology): AclMemo {
  let memo = aclMemos.get(topo);
  if (!memo) aclMemos.set(topo, memo = { checks: new Map(), replies: new Map() });
  return memo;
}

function checkAclOnce(topo: Topology, acl: NetworkAcl, egress: boolean, remote: AddressRange, ports: PortRange, purpose: string, direction: 'forward' | 'return'): AclCheck {
  const { checks } = aclMemoOf(topo);
  let byQuestion = checks.get(acl);
  if (!byQuestion) checks.set(acl, byQuestion = new Map());
  const key = `${egress}|${remote.first}|${remote.last}|${ports.from}|${ports.to}|${direction}|${purpose}`;
  let check = byQuestion.get(key);
  if (!check) byQuestion.set(key, check = checkAcl(acl, egress, remote, ports, purpose, direction));
  return check;
}

function checkRepliesOnce(topo: Topology, storeAcl: NetworkAcl | undefined, eniAcl: NetworkAcl | undefined, eniRange: AddressRange, storeRange: AddressRange): ReplyCheck {
  const { replies } = aclMemoOf(topo);
  let byEniAcl = replies.get(storeAcl);
  if (!byEniAcl) replies.set(storeAcl, byEniAcl = new Map());
  let byRanges = byEniAcl.get(eniAcl);
  if (!byRanges) byEniAcl.set(eniAcl, byRanges = new Map());
  const key = `${eniRange.first}|${eniRange.last}|${storeRange.first}|${storeRange.last}`;
  let check = byRanges.get(key);
  if (!check) byRanges.set(key, check = checkReplies(storeAcl, eniAcl, eniRange, storeRange));
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

  hops.push({ kind: 'eni', direction: 'forward', component: eni.subnet.id, source: eni.subnet.source, verdict: 'REACHABLE', detail: `Glue ENI in ${eni.subnet.id} (${formatRange(from.range)}, ${from.vpc.id})` });

  const sameSubnet = eni.subnet.id === store.subnet.id;
  const forward = traceRouting(topo, from, to, 'forward');
  const back = traceRouting(topo, to, from, 'return');
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
    for (const [acl, egressRule, remote, ports, purpose, direction] of [
      [srcAcl, true, to.range, { from: store.port, to: store.port }, `from the Glue subnet to the store on TCP ${store.port}`, 'forward'],
      [dstAcl, false, from.range, { from: store.port, to: store.port }, `into the store subnet from the Glue subnet on TCP ${store.port}`, 'forward'],
    ] as const) {
      if (!acl.known) {
        hops.push({ kind: 'network-acl', direction, component: '?', verdict: 'UNKNOWN', detail: acl.reason });
        explanations.push({ code: 'UNKNOWN_ACL_RULES', component: '?', message: acl.reason, fix: 'Describe the network ACL.', unknown: true });
        continue;
      }
      const result = checkAclOnce(topo, acl.value, egressRule, remote, ports, purpose, direction);
      hops.push(result.hop);
      if (result.explanation) explanations.push(result.explanation);
    }
  } else {
    hops.push({ kind: 'route-table', direction: 'forward', component: eni.subnet.id, verdict: 'REACHABLE', detail: 'same subnet: delivered locally, no route table or network ACL applies' });
  }

  const ingress = checkStoreIngress(topo, store.securityGroupIds, from.range, eni.securityGroupIds, store.port, sgContext);
  if (!store.securityGroupsKnown && ingress.hop.verdict !== 'UNREACHABLE') {
    const { kind, direction, component, source } = ingress.hop;
    hops.push({ kind, direction, component, source, verdict: 'UNKNOWN', detail: "the store's security groups are unknown" });
    explanations.push({ code: 'UNKNOWN_SECURITY_GROUP_RULES', component: store.subnet.id, message: "The data store's security groups could not be resolved.", fix: 'Declare the store (GlueDataStore, or dataStores[] in --facts).', unknown: true });
  } else {
    hops.push(ingress.hop);
    explanations.push(...ingress.explanations);
  }
  hops.push({ kind: 'data-store', direction: 'forward', component: store.subnet.id, source: store.subnet.source, verdict: 'REACHABLE', detail: `data store in ${store.subnet.id} (${formatRange(to.range)}, ${to.vpc.id}) on TCP ${store.port}` });

  let assumption: string | undefined;
  if (!sameSubnet) {
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

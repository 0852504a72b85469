import { NetworkAcl, NetworkAclEntry, PortRange } from '../model';
import { causesText, openingsFor } from './open-ended';
import { Explanation, Hop, Verdict } from './plan';
import { portText } from './security-groups';
// Values from their modules, not the barrel: its re-exports are getters on every call.
import { AddressRange, atoms, contains, formatRange } from '../model/cidr';
import { EPHEMERAL_PORTS, PROTOCOL_ALL, PROTOCOL_TCP } from '../model/network';

export interface AclCheck {
  readonly hop: Hop;
  readonly explanation?: Explanation;
}

/** The port ranges on which every entry's port match is constant, covering `ports`. */
export function portAtoms(ports: PortRange, entries: readonly NetworkAclEntry[]): PortRange[] {
  const cuts = new Set<number>([ports.from]);
  for (const e of entries) {
    if (!e.ports) continue;
    if (e.ports.from > ports.from && e.ports.from <= ports.to) cuts.add(e.ports.from);
    if (e.ports.to + 1 > ports.from && e.ports.to + 1 <= ports.to) cuts.add(e.ports.to + 1);
  }
  const starts = [...cuts].sort((a, b) => a - b);
  return starts.map((from, i) => ({ from, to: i + 1 < starts.length ? starts[i + 1] - 1 : ports.to }));
}

/**
 * Stateless NACL evaluation of TCP traffic to/from `remote` on destination `ports`: rules in
 * number order, first match wins, implicit deny. Exact over ranges (evaluated per atom).
 */
export function checkAcl(acl: NetworkAcl, egress: boolean, remote: AddressRange, ports: PortRange, purpose: string, direction: 'forward' | 'return'): AclCheck {
  const { entries, knownCidrs } = tcpEntries(acl, egress);
  const denied: string[] = [];
  let unknownReason: string | undefined;
  for (const addr of atoms(remote, knownCidrs)) {
    for (const port of portAtoms(ports, entries)) {
      let decided = false;
      for (const entry of entries) {
        if (!entry.cidr.known) { unknownReason = unknownReason ?? `rule ${entry.ruleNumber} has an unknown CIDR (${entry.cidr.reason})`; decided = true; break; }
        if (!contains(entry.cidr.value, addr)) continue;
        if (entry.ports && !(entry.ports.from <= port.from && port.to <= entry.ports.to)) continue;
        // An entry that may not exist as shown decides nothing where it may match.
        if (entry.uncertain) { unknownReason = unknownReason ?? `rule ${entry.ruleNumber} may match (${entry.uncertain})`; decided = true; break; }
        if (!entry.allow) denied.push(`${formatRange(addr)} port ${portText(port)} (rule ${entry.ruleNumber} denies)`);
        decided = true;
        break;
      }
      if (!decided) denied.push(`${formatRange(addr)} port ${portText(port)} (no rule matches: implicit deny)`);
    }
  }
  const way = egress ? 'outbound' : 'inbound';
  const component = acl.id;
  const openings = openingsFor(acl.openEnded, egress ? 'egress' : 'ingress');
  // Entries the templates do not list may allow what the listed ones deny (or, when they may
  // deny or replace entries, deny what they allow).
  const deciding = denied.length ? openings : openings.filter((o) => o.effect === 'change');
  if (deciding.length) {
    const causes = causesText(deciding);
    const listed = denied.length ? `denied by the listed entries for ${denied.slice(0, 3).join(', ')}${denied.length > 3 ? ', ...' : ''}` : 'allowed by the listed entries';
    return {
      hop: { kind: 'network-acl', direction, component, source: acl.source, verdict: 'UNKNOWN', detail: `${way} ${purpose}: ${listed}, but the ACL may have entries the templates do not list (${causes})` },
      explanation: { code: 'OPEN_ENDED_ACL', component, source: deciding[0].source, message: `Network ACL ${acl.id}: ${way} ${purpose} is ${listed}, but the ACL may have entries the templates do not list: ${causes}.`, fix: 'Manage the entries as template resources (AWS::EC2::NetworkAclEntry) instead, or acknowledge this warning.', unknown: true },
    };
  }
  const verdict: Verdict = denied.length ? 'UNREACHABLE' : unknownReason ? 'UNKNOWN' : 'REACHABLE';
  const hop: Hop = { kind: 'network-acl', direction, component, source: acl.source, verdict, detail: `${way} ${purpose}: ${verdict === 'REACHABLE' ? 'allowed' : denied.length ? `denied for ${denied.slice(0, 3).join(', ')}${denied.length > 3 ? ', ...' : ''}` : unknownReason}` };
  if (denied.length) {
    return {
      hop,
      explanation: {
        code: 'SUBNET_ACL_RESTRICTION',
        component,
        source: acl.source,
        message: `Network ACL ${acl.id} denies ${way} ${purpose}: ${denied.slice(0, 3).join(', ')}${denied.length > 3 ? ` and ${denied.length - 3} more` : ''}. NACLs are stateless: both the request and the reply (to the client's ephemeral port) need an allow rule, and the lowest-numbered matching rule wins.`,
        fix: `Add an allow rule to ${acl.id} (${way}, TCP ${portText(ports)}, ${formatRange(remote)}) numbered below any deny rule that matches.`,
      },
    };
  }
  if (unknownReason) {
    return { hop, explanation: { code: 'UNKNOWN_ACL_RULES', component, source: acl.source, message: `Network ACL ${acl.id}: ${unknownReason}.`, fix: 'Resolve the rule CIDR.', unknown: true } };
  }
  return { hop };
}

/**
 * Whether one entry decides every address of `remote` on every port of `from`-`to`, and allows
 * them: the first entry in rule order that may match any of them is a certain allow covering them
 * all (an entry of unknown CIDR before it leaves the question to `checkAcl`). Then nothing is
 * denied or undecided, so `checkAcl`'s answer names no address: it is the same for every such
 * `remote` (see `checkAclOnce` in path.ts).
 */
export function allowsAll(acl: NetworkAcl, egress: boolean, remote: AddressRange, from: number, to: number): boolean {
  for (const entry of tcpEntries(acl, egress).entries) {
    if (!entry.cidr.known) return false;
    const cidr = entry.cidr.value;
    if (cidr.last < remote.first || remote.last < cidr.first) continue;
    const ports = entry.ports;
    if (ports && (ports.to < from || to < ports.from)) continue;
    return entry.allow && !entry.uncertain && cidr.first <= remote.first && remote.last <= cidr.last
      && (!ports || (ports.from <= from && to <= ports.to));
  }
  return false;
}

/**
 * Whether the replies through `acl` (absent: not known) are allowed to and from every address of
 * `remote` on every ephemeral port (1024-65535, hence on Linux's too) by one entry, and the ACL
 * has no openings in that direction: then what `checkReplies` says of it names no address, port
 * range or opening (see `checkRepliesOnce` in path.ts).
 */
export function repliesAllowedAll(acl: NetworkAcl | undefined, egress: boolean, remote: AddressRange): boolean {
  if (!acl) return true;
  if (acl.openEnded?.some((o) => o.direction === undefined || o.direction === (egress ? 'egress' : 'ingress'))) return false;
  return allowsAll(acl, egress, remote, EPHEMERAL_PORTS.from, EPHEMERAL_PORTS.to);
}

/**
 * The client ports Glue's workers use, so the ports replies come back to: Glue's workers run
 * Linux, whose default ephemeral range (`net.ipv4.ip_local_port_range`) is 32768-60999. AWS does
 * not document Glue's client ports: an assumption, stated wherever a verdict rests on it.
 */
export const LINUX_EPHEMERAL_PORTS: PortRange = { from: 32768, to: 60999 };

export const LINUX_EPHEMERAL_ASSUMPTION = "Glue's workers run Linux, so replies come back to a port of Linux's ephemeral range 32768-60999 [assumption: AWS does not document Glue's client ports]";

type PortDecision = 'allow' | 'deny' | 'unknown';

/** What one ACL decides, per remote address atom, for each port of `ports`: rules in number order, first match wins. */
interface AclDecisions {
  readonly acl: NetworkAcl;
  /** Per address atom: port ranges (in order, covering `ports`) with their decision and deciding rule. */
  readonly byAddress: { readonly range: AddressRange; readonly ports: { readonly range: PortRange; readonly decision: PortDecision; readonly why: string }[] }[];
}

/** An ACL's TCP entries of one direction in rule order, and their known CIDRs. */
interface TcpEntries {
  readonly entries: readonly NetworkAclEntry[];
  readonly knownCidrs: readonly AddressRange[];
}

/**
 * `tcpEntries` by ACL, [ingress, egress]: every check of every path through an ACL filtered and
 * sorted its entries again. (A model's ACLs are not changed once built.)
 */
const tcpEntriesByAcl = new WeakMap<NetworkAcl, [TcpEntries?, TcpEntries?]>();

function tcpEntries(acl: NetworkAcl, egress: boolean): TcpEntries {
  let both = tcpEntriesByAcl.get(acl);
  if (!both) tcpEntriesByAcl.set(acl, both = [undefined, undefined]);
  const i = egress ? 1 : 0;
  let found = both[i];
  if (!found) {
    const entries = acl.entries
      .filter((e) => e.egress === egress && (e.protocol === PROTOCOL_ALL || e.protocol === PROTOCOL_TCP))
      .sort((a, b) => a.ruleNumber - b.ruleNumber);
    const knownCidrs = entries.filter((e) => e.cidr.known).map((e) => (e.cidr as { value: AddressRange }).value);
    both[i] = found = { entries, knownCidrs };
  }
  return found;
}

/**
 * `decideAcl` by ACL, then by direction, remote range and ports: the replies of every path
 * between the same subnet and VPC ask the same ACL the same question (shared read-only).
 */
const decisionsByAcl = new WeakMap<NetworkAcl, Map<string, AclDecisions>>();

function decideAclOnce(acl: NetworkAcl, egress: boolean, remote: AddressRange, ports: PortRange): AclDecisions {
  let byQuestion = decisionsByAcl.get(acl);
  if (!byQuestion) decisionsByAcl.set(acl, byQuestion = new Map());
  const key = `${egress ? 1 : 0}|${remote.first}|${remote.last}|${ports.from}|${ports.to}`;
  let decisions = byQuestion.get(key);
  if (!decisions) byQuestion.set(key, decisions = decideAcl(acl, egress, remote, ports));
  return decisions;
}

function decideAcl(acl: NetworkAcl, egress: boolean, remote: AddressRange, ports: PortRange): AclDecisions {
  const { entries, knownCidrs } = tcpEntries(acl, egress);
  const portRanges = portAtoms(ports, entries);
  const openings = openingsFor(acl.openEnded, egress ? 'egress' : 'ingress');
  const changing = openings.some((o) => o.effect === 'change');
  const byAddress = atoms(remote, knownCidrs).map((addr) => ({
    range: addr,
    ports: portRanges.map((port) => {
      for (const entry of entries) {
        if (!entry.cidr.known) return { range: port, decision: 'unknown' as PortDecision, why: `rule ${entry.ruleNumber} has an unknown CIDR (${entry.cidr.reason})` };
        if (!contains(entry.cidr.value, addr)) continue;
        if (entry.ports && !(entry.ports.from <= port.from && port.to <= entry.ports.to)) continue;
        // An entry that may not exist as shown decides nothing where it may match.
        if (entry.uncertain) return { range: port, decision: 'unknown' as PortDecision, why: `rule ${entry.ruleNumber} may match (${entry.uncertain})` };
        return { range: port, decision: (entry.allow ? 'allow' : 'deny') as PortDecision, why: `rule ${entry.ruleNumber} ${entry.allow ? 'allows' : 'denies'}` };
      }
      return { range: port, decision: 'deny' as PortDecision, why: 'no rule matches: implicit deny' };
    }).map((p) => {
      // Entries the templates do not list may allow what the listed ones deny (or, when they may
      // deny or replace entries, deny what they allow).
      if (p.decision === 'deny' && openings.length) return { ...p, decision: 'unknown' as PortDecision, why: `${p.why}, but the ACL may have entries the templates do not list` };
      if (p.decision === 'allow' && changing) return { ...p, decision: 'unknown' as PortDecision, why: `${p.why}, but the ACL's entries may be changed outside the templates` };
      return p;
    }),
  }));
  return { acl, byAddress };
}

/** The decision of one ACL for one port at one address atom. */
function decisionAt(d: AclDecisions['byAddress'][number], port: number): PortDecision {
  for (const p of d.ports) if (p.range.from <= port && port <= p.range.to) return p.decision;
  return 'deny';
}

/** How much of `ports` both ACLs admit, for the worst pair of addresses. */
type Coverage = 'all' | 'part' | 'none';

/**
 * Over every (Glue address, store address) pair: `none` when for some pair no port is admitted by
 * both ACLs (and none is undecided), else `part` when for some pair a port is denied or undecided,
 * else `all`. `undecided` tells whether an undecided port made it `part`.
 */
function coverage(a: AclDecisions | undefined, b: AclDecisions | undefined, ports: PortRange): { coverage: Coverage; undecided: boolean; allowedSample?: PortRange[] } {
  const all = [{ range: { first: 0, last: 0 }, ports: [{ range: ports, decision: 'allow' as PortDecision, why: '' }] }];
  const left = a?.byAddress ?? all;
  const right = b?.byAddress ?? all;
  let result: Coverage = 'all';
  let undecided = false;
  let allowedSample: PortRange[] | undefined;
  for (const x of left) {
    for (const y of right) {
      const px = x.ports.length === 1 ? x.ports[0] : undefined;
      const py = y.ports.length === 1 ? y.ports[0] : undefined;
      if (px && py && px.range.from === ports.from && px.range.to === ports.to && py.range.from === ports.from && py.range.to === ports.to) {
        // One decision on each side for the whole of `ports` (no entry cuts it, the common
        // case): what the cuts below give for a single piece, without building them.
        if (px.decision === 'deny' || py.decision === 'deny') return { coverage: 'none', undecided: false };
        if (px.decision !== 'allow' || py.decision !== 'allow') {
          result = 'part';
          undecided = true;
          allowedSample ??= [];
        }
        continue;
      }
      const cuts = new Set<number>([ports.from]);
      for (const p of [...x.ports, ...y.ports]) {
        if (p.range.from > ports.from && p.range.from <= ports.to) cuts.add(p.range.from);
        if (p.range.to + 1 > ports.from && p.range.to + 1 <= ports.to) cuts.add(p.range.to + 1);
      }
      const starts = [...cuts].sort((m, n) => m - n);
      let allowed = 0;
      let open = 0;
      let total = 0;
      const allowedRanges: PortRange[] = [];
      starts.forEach((from, i) => {
        const to = i + 1 < starts.length ? starts[i + 1] - 1 : ports.to;
        const dx = decisionAt(x, from);
        const dy = decisionAt(y, from);
        const size = to - from + 1;
        total += size;
        if (dx === 'deny' || dy === 'deny') return;
        if (dx === 'allow' && dy === 'allow') { allowed += size; allowedRanges.push({ from, to }); } else { open += size; }
      });
      if (allowed === 0 && open === 0) return { coverage: 'none', undecided: false };
      if (allowed < total) {
        result = 'part';
        if (open > 0) undecided = true;
        allowedSample ??= allowedRanges;
      }
    }
  }
  return { coverage: result, undecided, allowedSample };
}

/** `coverage` of one ACL's decisions on Linux's ephemeral ports alone, by decisions (shared, as they are). */
const aloneCoverage = new WeakMap<AclDecisions, ReturnType<typeof coverage>>();

function coverageAlone(decisions: AclDecisions): ReturnType<typeof coverage> {
  let found = aloneCoverage.get(decisions);
  if (!found) aloneCoverage.set(decisions, found = coverage(decisions, undefined, LINUX_EPHEMERAL_PORTS));
  return found;
}

export interface ReplyCheck {
  readonly hops: Hop[];
  readonly explanations: Explanation[];
  /** Set when the verdict rests on the Linux ephemeral range assumption. */
  readonly assumption?: string;
}

/**
 * The replies of the store to the Glue ENI: out of the store subnet's ACL to the Glue subnet, into
 * the Glue subnet's ACL from the store, to the client port the ENI used. That port lies in Linux's
 * ephemeral range (LINUX_EPHEMERAL_PORTS, an assumption): the range admitted by both ACLs, for
 * every pair of addresses, passes; part of it is UNKNOWN (a connection may or may not get a
 * port that is admitted); none of it is blocked. AWS recommends admitting 1024-65535; an ACL that
 * does needs no assumption.
 */
export function checkReplies(storeAcl: NetworkAcl | undefined, eniAcl: NetworkAcl | undefined, eniRange: AddressRange, storeRange: AddressRange): ReplyCheck {
  const linux = LINUX_EPHEMERAL_PORTS;
  const out = storeAcl ? decideAclOnce(storeAcl, true, eniRange, linux) : undefined;
  const into = eniAcl ? decideAclOnce(eniAcl, false, storeRange, linux) : undefined;
  const both = coverage(out, into, linux);
  const wideOut = storeAcl ? decideAclOnce(storeAcl, true, eniRange, EPHEMERAL_PORTS) : undefined;
  const wideInto = eniAcl ? decideAclOnce(eniAcl, false, storeRange, EPHEMERAL_PORTS) : undefined;
  const assumptionNeeded = coverage(wideOut, wideInto, EPHEMERAL_PORTS).coverage !== 'all';
  const hops: Hop[] = [];
  const explanations: Explanation[] = [];
  const range = `${linux.from}-${linux.to}`;
  for (const [decisions, way, purpose, remote] of [
    [out, 'outbound', 'replies from the store to the Glue subnet', eniRange],
    [into, 'inbound', 'replies into the Glue subnet from the store', storeRange],
  ] as const) {
    if (!decisions) continue;
    const alone = coverageAlone(decisions);
    const verdict: Verdict = both.coverage === 'none' && alone.coverage !== 'all' ? 'UNREACHABLE'
      : alone.coverage === 'none' ? 'UNREACHABLE' : alone.coverage === 'part' ? 'UNKNOWN' : 'REACHABLE';
    const acl = decisions.acl;
    // (Nothing is denied where the verdict is REACHABLE: every port of every address is allowed.)
    const denied = verdict === 'REACHABLE' ? [] : decisions.byAddress.flatMap((a) => a.ports.filter((p) => p.decision !== 'allow').map((p) => `${formatRange(a.range)} port ${portText(p.range)} (${p.why})`));
    const detail = verdict === 'REACHABLE'
      ? `${way} ${purpose} (TCP ${range}, Glue's Linux client ports): allowed${assumptionNeeded ? ' [assumption: Glue\'s workers use Linux\'s ephemeral range]' : ''}`
      : `${way} ${purpose} (TCP ${range}, Glue's Linux client ports): ${verdict === 'UNKNOWN' ? 'only partly allowed' : 'denied'} for ${denied.slice(0, 3).join(', ')}${denied.length > 3 ? ', ...' : ''}`;
    const openings = openingsFor(acl.openEnded, way === 'outbound' ? 'egress' : 'ingress');
    const deciding = verdict === 'REACHABLE' ? openings.filter((o) => o.effect === 'change') : openings;
    if (deciding.length) {
      const causes = causesText(deciding);
      hops.push({ kind: 'network-acl', direction: 'return', component: acl.id, source: acl.source, verdict: 'UNKNOWN', detail: `${way} ${purpose} (TCP ${range}): the ACL may have entries the templates do not list (${causes})` });
      explanations.push({ code: 'OPEN_ENDED_ACL', component: acl.id, source: deciding[0].source, message: `Network ACL ${acl.id}: ${way} ${purpose} (TCP ${range}, Glue's Linux client ports) depends on entries the templates do not list: ${causes}.`, fix: 'Manage the entries as template resources (AWS::EC2::NetworkAclEntry) instead, or acknowledge this warning.', unknown: true });
      continue;
    }
    hops.push({ kind: 'network-acl', direction: 'return', component: acl.id, source: acl.source, verdict, detail });
    if (verdict === 'REACHABLE') continue;
    const fix = `Add an allow rule to ${acl.id} (${way}, TCP 1024-65535 as AWS recommends, or at least ${range}, ${formatRange(remote)}) numbered below any deny rule that matches.`;
    if (verdict === 'UNREACHABLE') {
      explanations.push({
        code: 'SUBNET_ACL_RESTRICTION',
        component: acl.id,
        source: acl.source,
        message: `Network ACL ${acl.id} denies ${way} ${purpose}${alone.coverage === 'none' ? '' : ' on every port the other ACL of the path admits'}: ${denied.slice(0, 3).join(', ')}${denied.length > 3 ? ` and ${denied.length - 3} more` : ''}. NACLs are stateless: the reply needs an allow rule too, on the client port of the request; ${LINUX_EPHEMERAL_ASSUMPTION}.`,
        fix,
      });
    } else if (verdict === 'UNKNOWN') {
      explanations.push({
        code: 'UNKNOWN_EPHEMERAL_PORTS',
        component: acl.id,
        source: acl.source,
        message: `Network ACL ${acl.id} admits ${way} ${purpose} on only part of ${range}${alone.undecided ? ' (some rules cannot be resolved)' : ''}: ${denied.slice(0, 3).join(', ')}${denied.length > 3 ? ', ...' : ''} ${alone.undecided ? 'may be' : 'are'} not admitted. ${LINUX_EPHEMERAL_ASSUMPTION}; a run whose connection gets a client port outside what is admitted gets no reply, so whether the store is reachable cannot be promised.`,
        fix,
        unknown: true,
      });
    }
  }
  return { hops, explanations, assumption: both.coverage === 'all' && assumptionNeeded ? LINUX_EPHEMERAL_ASSUMPTION : undefined };
}

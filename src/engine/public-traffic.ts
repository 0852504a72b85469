import { NetworkAcl, NetworkAclEntry, PortRange, RouteTable, SecurityGroup, Vpc } from '../model';
import { LINUX_EPHEMERAL_ASSUMPTION as LINUX_REPLY_PORTS_ASSUMPTION, LINUX_EPHEMERAL_PORTS, portAtoms } from './network-acls';
import { causesText, openingsFor } from './open-ended';
import { RouteChoice, lookupRoutes } from './routing';
import { portText } from './security-groups';
import { Topology } from './topology';
// Values from their modules, not the barrel: its re-exports are getters on every call.
import { AddressRange, atoms, contains, formatRange, intersect, subtract } from '../model/cidr';
import { PROTOCOL_ALL, PROTOCOL_TCP } from '../model/network';

/**
 * Judgements of traffic whose far end is an address the inputs cannot name: Amazon S3 (its
 * addresses are a managed prefix list the model does not hold), an RDS instance's public address,
 * a NAT gateway's Elastic IP. Such an address is somewhere in the public IPv4 space; a setting
 * that admits all of that space admits it, one that admits none of it blocks it, one that admits
 * part of it leaves the verdict UNKNOWN.
 */
export type Outcome = 'pass' | 'blocked' | 'unknown';

/** The special-purpose IPv4 blocks (RFC 6890) no public service address lies in. */
const NOT_PUBLIC: readonly AddressRange[] = [
  [0x00000000, 8], // 0.0.0.0/8
  [0x0a000000, 8], // 10.0.0.0/8
  [0x64400000, 10], // 100.64.0.0/10
  [0x7f000000, 8], // 127.0.0.0/8
  [0xa9fe0000, 16], // 169.254.0.0/16
  [0xac100000, 12], // 172.16.0.0/12
  [0xc0a80000, 16], // 192.168.0.0/16
  [0xe0000000, 3], // 224.0.0.0/3 (multicast and reserved)
].map(([first, prefix]) => ({ first, last: first + 2 ** (32 - prefix) - 1 }));

/** The public IPv4 space, as disjoint ranges. */
export const PUBLIC_RANGES: readonly AddressRange[] = subtract({ first: 0, last: 0xffffffff }, NOT_PUBLIC);

export { LINUX_EPHEMERAL_PORTS };

/** The source ports a NAT gateway translates connections to (Amazon VPC, "NAT gateway basics"). */
export const NAT_GATEWAY_PORTS: PortRange = { from: 1024, to: 65535 };

/** The reply-port assumption (network-acls.ts), as a sentence of its own. */
export const LINUX_EPHEMERAL_ASSUMPTION = `${LINUX_REPLY_PORTS_ASSUMPTION}.`;

/** How the far end of the traffic is known: every address of the ranges, or one address somewhere in them. */
export type AddressSemantics = 'every-address' | 'one-unknown-address';
/** How the ports are known: every port must pass (a service port), or the client picks one of them (replies). */
export type PortSemantics = 'every-port' | 'client-picks';

export interface AclJudgement {
  readonly outcome: Outcome;
  /** The entries (or "implicit deny") that decide a blocked or partly blocked outcome, in words. */
  readonly deciding: string[];
  /** What made it unknown, when it is. */
  readonly why?: string;
}

function entryText(acl: NetworkAcl, entry: NetworkAclEntry | undefined, egress: boolean): string {
  const way = egress ? 'outbound' : 'inbound';
  if (!entry) return `${acl.id} ${way}: no rule matches (implicit deny, rule *)`;
  const ports = entry.ports ? ` ports ${portText(entry.ports)}` : '';
  const cidr = entry.cidr.known ? entry.cidr.value.text : '?';
  return `${acl.id} ${way} rule ${entry.ruleNumber} (${entry.allow ? 'allow' : 'deny'} ${entry.protocol === PROTOCOL_ALL ? 'all traffic' : 'TCP'}${ports} ${entry.allow ? 'to/from' : 'for'} ${cidr})`;
}

/**
 * A network ACL (stateless, rules in number order, first match wins, implicit deny) on TCP to or
 * from `remote` on `ports`, three-valued under the given semantics. Exact over ranges: the
 * decision is constant on each (address atom, port atom).
 */
export function judgeAcl(acl: NetworkAcl, egress: boolean, remote: readonly AddressRange[], ports: PortRange, addresses: AddressSemantics, portsSemantics: PortSemantics): AclJudgement {
  const entries = acl.entries
    .filter((e) => e.egress === egress && (e.protocol === PROTOCOL_ALL || e.protocol === PROTOCOL_TCP))
    .sort((a, b) => a.ruleNumber - b.ruleNumber);
  const unknownEntry = entries.find((e) => !e.cidr.known);
  const openings = openingsFor(acl.openEnded, egress ? 'egress' : 'ingress');
  const boundaries = entries.filter((e) => e.cidr.known).map((e) => (e.cidr as { value: AddressRange }).value);
  const perAddress: Outcome[] = [];
  const deciding = new Set<string>();
  let why: string | undefined;
  for (const range of remote) {
    for (const addr of atoms(range, boundaries)) {
      const perPort: Outcome[] = [];
      for (const port of portAtoms(ports, entries)) {
        let outcome: Outcome | undefined;
        for (const entry of entries) {
          if (!entry.cidr.known) { outcome = 'unknown'; why ??= `rule ${entry.ruleNumber} of ${acl.id} has an unknown CIDR (${entry.cidr.reason})`; break; }
          if (!contains(entry.cidr.value, addr)) continue;
          if (entry.ports && !(entry.ports.from <= port.from && port.to <= entry.ports.to)) continue;
          // An entry that may not exist as shown (unresolved action, protocol, ports, direction,
          // number or condition) decides nothing where it may match.
          if (entry.uncertain) { outcome = 'unknown'; why ??= `rule ${entry.ruleNumber} of ${acl.id} may match (${entry.uncertain})`; break; }
          outcome = entry.allow ? 'pass' : 'blocked';
          if (!entry.allow) deciding.add(entryText(acl, entry, egress));
          break;
        }
        if (!outcome) { outcome = 'blocked'; deciding.add(entryText(acl, undefined, egress)); }
        // Entries the templates do not list may allow what the listed ones deny (or, when they
        // may deny or replace entries, deny what they allow).
        if ((outcome === 'blocked' && openings.length) || (outcome === 'pass' && openings.some((o) => o.effect === 'change'))) {
          outcome = 'unknown';
          why ??= `${acl.id} may have ${egress ? 'outbound' : 'inbound'} entries the templates do not list (${causesText(openings)})`;
        }
        perPort.push(outcome);
      }
      perAddress.push(combine(perPort, portsSemantics === 'every-port' ? 'every' : 'one'));
    }
  }
  const outcome = combine(perAddress, addresses === 'every-address' ? 'every' : 'one');
  if (outcome === 'unknown' && !why) {
    why = unknownEntry
      ? `rule ${unknownEntry.ruleNumber} of ${acl.id} has an unknown CIDR`
      : `${acl.id} admits ${portsSemantics === 'client-picks' ? `only part of ports ${portText(ports)}` : 'only part of the addresses'} (${[...deciding].join('; ')})`;
  }
  return { outcome, deciding: [...deciding], ...(why && outcome === 'unknown' ? { why } : {}) };
}

/**
 * `every`: all must pass (any blocked blocks). `one`: one of them is taken and which is unknown:
 * all pass passes, all blocked blocks, a mix is unknown.
 */
export function combine(outcomes: readonly Outcome[], how: 'every' | 'one'): Outcome {
  if (!outcomes.length) return 'pass';
  if (how === 'every') {
    if (outcomes.includes('blocked')) return 'blocked';
    return outcomes.includes('unknown') ? 'unknown' : 'pass';
  }
  if (outcomes.every((o) => o === 'pass')) return 'pass';
  if (outcomes.every((o) => o === 'blocked')) return 'blocked';
  return 'unknown';
}

export interface GroupsJudgement {
  readonly outcome: Outcome;
  readonly why: string;
}

/**
 * Whether security groups admit TCP `port` to (egress) or from (ingress) one public address
 * nobody can name in advance. Group references never match internet traffic.
 */
export function judgeGroupsPublic(topo: Topology, groupIds: readonly string[], way: 'egress' | 'ingress', port: number, known = true): GroupsJudgement {
  const groups: SecurityGroup[] = [];
  const undecided: string[] = [];
  if (!known) undecided.push('the groups are not known');
  for (const id of groupIds) {
    const g = topo.securityGroup(id);
    if (!g) {undecided.push(`security group ${id} is not described`);} else {
      groups.push(g);
      if (g.incomplete) undecided.push(g.incomplete);
    }
  }
  if (!groupIds.length && way === 'ingress') undecided.push('the store has no known security groups');
  const covered: AddressRange[] = [];
  for (const g of groups) {
    for (const rule of way === 'egress' ? g.egress : g.ingress) {
      if (!(rule.protocol === PROTOCOL_ALL || rule.protocol === PROTOCOL_TCP) || rule.ports.from > port || rule.ports.to < port) continue;
      if (rule.peer.kind === 'cidr') covered.push(rule.peer.cidr);
      else if (rule.peer.kind === 'prefix-list') undecided.push(`prefix list ${rule.peer.prefixListId} (not defined by the templates: its entries are not in the inputs)`);
      else if (rule.peer.kind === 'unknown') undecided.push(rule.peer.reason);
    }
  }
  const publicCovered = PUBLIC_RANGES.flatMap((p) => covered.map((c) => intersect(p, c)).filter((x): x is AddressRange => !!x));
  const gaps = PUBLIC_RANGES.flatMap((p) => subtract(p, publicCovered));
  const list = groupIds.join(', ') || '(none)';
  const dir = way === 'egress' ? 'to' : 'from';
  if (!gaps.length) return { outcome: 'pass', why: `${list} allow TCP ${port} ${dir} any public address` };
  if (!publicCovered.length && !undecided.length) {
    return { outcome: 'blocked', why: `${list} allow TCP ${port} ${dir} no public address (only private ranges or group references, which internet traffic never matches)` };
  }
  return {
    outcome: 'unknown',
    why: undecided.length
      ? `whether ${list} allow TCP ${port} ${dir} a public address depends on ${undecided.join('; ')}`
      : `${list} allow TCP ${port} ${dir} only some public addresses (${publicCovered.slice(0, 3).map(formatRange).join(', ')}${publicCovered.length > 3 ? ', ...' : ''}); whether the address in question is among them is not known`,
  };
}

export interface RouteToPublic {
  readonly outcome: Outcome;
  readonly why: string;
  /** The NAT gateway every public address is routed to, when that is the answer. */
  readonly natGatewayId?: string;
}

/** The routes `table` gives the public address space, each with the range it covers. */
export function publicRouteChoices(table: RouteTable, vpc: Vpc): RouteChoice[] {
  return PUBLIC_RANGES.flatMap((range) => lookupRoutes(table, vpc, range));
}

/** Text of a route choice for messages: the route's own destination, never a probe address. */
export function routeText(choice: RouteChoice): string {
  return choice.destination ? `${choice.destination.text} -> ${choice.target?.description ?? '?'}` : `no route for ${formatRange(choice.range)}`;
}

/**
 * A request to one address of `remote` on `servicePort` and its reply to a client port of
 * `replyPorts`, through one ACL both ways (the subnet's ACL sees the request leave and the
 * reply come in). The address is one nobody can name in advance: judged per address atom, then
 * all pass passes, all blocked blocks, a mix is unknown.
 */
export function judgeAclRoundTrip(acl: NetworkAcl, remote: readonly AddressRange[], servicePort: number, replyPorts: PortRange): AclJudgement {
  const boundaries = acl.entries.filter((e) => e.cidr.known).map((e) => (e.cidr as { value: AddressRange }).value);
  const outcomes: Outcome[] = [];
  const deciding = new Set<string>();
  let why: string | undefined;
  for (const range of remote) {
    for (const addr of atoms(range, boundaries)) {
      const out = judgeAcl(acl, true, [addr], { from: servicePort, to: servicePort }, 'every-address', 'every-port');
      const back = judgeAcl(acl, false, [addr], replyPorts, 'every-address', 'client-picks');
      for (const j of [out, back]) {
        for (const d of j.deciding) deciding.add(d);
        if (j.why) why ??= j.why;
      }
      outcomes.push(combine([out.outcome, back.outcome], 'every'));
    }
  }
  const outcome = combine(outcomes, 'one');
  return { outcome, deciding: [...deciding], ...(outcome === 'unknown' ? { why: why ?? `${acl.id} admits the traffic for only part of the addresses (${[...deciding].join('; ')})` } : {}) };
}

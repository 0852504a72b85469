import { NetworkAcl, NetworkAclEntry, PortRange } from '../model';
import { causesText, openingsFor } from './open-ended';
import { Explanation, Hop, Verdict } from './plan';
import { portText } from './security-groups';
// Values from their modules, not the barrel: its re-exports are getters on every call.
import { AddressRange, atoms, contains, formatRange } from '../model/cidr';
import { PROTOCOL_ALL, PROTOCOL_TCP } from '../model/network';

export interface AclCheck {
  readonly hop: Hop;
  readonly explanation?: Explanation;
}

function portAtoms(ports: PortRange, entries: NetworkAclEntry[]): PortRange[] {
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
  const entries = acl.entries
    .filter((e) => e.egress === egress && (e.protocol === PROTOCOL_ALL || e.protocol === PROTOCOL_TCP))
    .sort((a, b) => a.ruleNumber - b.ruleNumber);
  const denied: string[] = [];
  let unknownReason: string | undefined;
  const knownCidrs = entries.filter((e) => e.cidr.known).map((e) => (e.cidr as { value: AddressRange }).value);
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
        message: `Network ACL ${acl.id} denies ${way} ${purpose}: ${denied.slice(0, 3).join(', ')}${denied.length > 3 ? ` and ${denied.length - 3} more` : ''}. NACLs are stateless: both the request and the reply (to ephemeral ports 1024-65535) need an allow rule, and the lowest-numbered matching rule wins.`,
        fix: `Add an allow rule to ${acl.id} (${way}, TCP ${portText(ports)}, ${formatRange(remote)}) numbered below any deny rule that matches.`,
      },
    };
  }
  if (unknownReason) {
    return { hop, explanation: { code: 'UNKNOWN_ACL_RULES', component, source: acl.source, message: `Network ACL ${acl.id}: ${unknownReason}.`, fix: 'Resolve the rule CIDR.', unknown: true } };
  }
  return { hop };
}

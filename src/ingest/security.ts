import {
  ALL_PORTS, Cidr, Fact, known, NetworkAclEntry, PortRange, Protocol, PROTOCOL_ALL, SecurityGroup, SecurityGroupPeer, SecurityGroupRule,
  SecurityGroupRuleWeight, unknown,
} from '../model';
import { deployTimeReason, isUnresolved } from './intrinsics';
import { prefixListReference } from './prefix-lists';
import { describeValue, ResourceReader } from './reader';
import { associate } from './routing';
import { isObject, safeString } from './template';
import { allowAllEgress } from './vpc';

const PROTOCOL_NAMES: Record<string, number> = { 'tcp': 6, 'udp': 17, 'icmp': 1, 'icmpv6': 58, '-1': -1, 'all': -1 };

/** `tcp`, `6`, `-1`, `all`...; undefined when not a protocol. */
export function parseProtocol(value: unknown): Protocol | undefined {
  const text = safeString(value).trim().toLowerCase();
  // An own name only: `constructor` or `toString` is not a protocol.
  if (Object.prototype.hasOwnProperty.call(PROTOCOL_NAMES, text)) return PROTOCOL_NAMES[text];
  const n = Number(text);
  return Number.isInteger(n) && n >= -1 && n <= 255 && text !== '' ? n : undefined;
}

/**
 * Ports of a TCP/UDP rule; -1 or absent means all ports. Other protocols have no ports. A port
 * that cannot be resolved, or is not a port (text, out of range, from > to), gives all ports with
 * the reason (`problem`): the caller keeps the rule or entry, marked uncertain, never as "all ports".
 */
function ports(protocol: Protocol, from: unknown, to: unknown): { ports?: PortRange; problem?: string } {
  if (protocol !== 6 && protocol !== 17) return {};
  const unresolvedPort = [from, to].find(isUnresolved);
  if (unresolvedPort) return { ports: ALL_PORTS, problem: `port cannot be resolved (${unresolvedPort.reason})` };
  // A port known only at deploy time (a dynamic reference) is unresolved, not "not a port".
  const deployTime = deployTimeReason(from) ?? deployTimeReason(to);
  if (deployTime !== undefined) return { ports: ALL_PORTS, problem: `port cannot be resolved (${deployTime})` };
  const low = from === undefined ? -1 : portNumber(from);
  const high = to === undefined ? -1 : portNumber(to);
  if (low === undefined || high === undefined || (low !== -1 && high !== -1 && low > high)) {
    return { ports: ALL_PORTS, problem: `${describeValue(from)}-${describeValue(to)} is not a port range (0-65535, from <= to)` };
  }
  if (low === -1 || high === -1) return { ports: ALL_PORTS };
  return { ports: { from: low, to: high } };
}

/** A port number (or -1), from a number or numeric text; undefined otherwise. */
function portNumber(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= -1 && n <= 65535 ? n : undefined;
}

/**
 * An IPv6 CIDR in one spelling (RFC 5952: lower case, no leading zeros, the longest run of two or
 * more zero groups as `::`), so that `2001:0DB8:0:0::/64` and `2001:db8::/64` compare equal; the
 * text as given (in lower case) when it is not an IPv6 CIDR.
 */
export function canonicalIpv6Cidr(text: string): string {
  const match = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(text.trim());
  if (!match) return text.toLowerCase();
  const halves = match[1].split('::');
  if (halves.length > 2) return text.toLowerCase();
  const part = (half: string) => (half === '' ? [] : half.split(':'));
  const head = part(halves[0]);
  const tail = halves.length === 2 ? part(halves[1]) : [];
  const groups = halves.length === 2 ? [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail] : head;
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return text.toLowerCase();
  const values = groups.map((g) => parseInt(g, 16).toString(16));
  // The longest run of zero groups (the first of equal runs), if two or more.
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8;) {
    if (values[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && values[j] === '0') j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  const address = best.length >= 2
    ? `${values.slice(0, best.start).join(':')}::${values.slice(best.start + best.length).join(':')}`
    : values.join(':');
  return `${address}/${Number(match[2])}`;
}

type Direction = 'ingress' | 'egress';

/**
 * One security group rule, from an inline rule object or a separate rule resource's properties
 * (already evaluated). IPv6-only rules are not modelled (undefined). A protocol or port that
 * cannot be resolved keeps the rule, widest and uncertain (`SecurityGroupRule.uncertain`).
 * A rule that does not count as one IPv4 rule against the rules-per-group quota (an IPv6 rule,
 * a rule to a prefix list) is also weighed into `weights` (see `SecurityGroup.ruleWeights`).
 */
function ruleFrom(r: ResourceReader, rule: Record<string, unknown>, direction: Direction, property: string, entryless?: SecurityGroupRule[], weights?: SecurityGroupRuleWeight[]): SecurityGroupRule[] {
  const groupKey = direction === 'ingress' ? 'SourceSecurityGroupId' : 'DestinationSecurityGroupId';
  const prefixKey = direction === 'ingress' ? 'SourcePrefixListId' : 'DestinationPrefixListId';
  const weigh = (what: string, family: SecurityGroupRuleWeight['family'], weight: Fact<number>, listId?: string, ipv6?: SecurityGroupRuleWeight['ipv6']) => {
    const extra = { ...(listId !== undefined ? { prefixList: listId } : {}), ...(r.uncertain ? { uncertain: r.uncertain } : {}), ...(ipv6 ? { ipv6 } : {}) };
    weights?.push({ source: r.source, direction, what, family, weight, ...extra });
  };
  if (rule.CidrIpv6 !== undefined && rule.CidrIp === undefined) {
    // Kept for --compare when it is known (a rule added or removed outside CloudFormation is drift).
    const v6Protocol = parseProtocol(rule.IpProtocol);
    const v6Ports = v6Protocol !== undefined ? ports(v6Protocol, rule.FromPort, rule.ToPort) : undefined;
    const ipv6 = v6Protocol !== undefined && v6Ports?.ports && !v6Ports.problem && typeof rule.CidrIpv6 === 'string'
      ? { protocol: v6Protocol, ports: v6Ports.ports, cidr: canonicalIpv6Cidr(rule.CidrIpv6) } : undefined;
    weigh(`an IPv6 rule ${direction === 'ingress' ? 'from' : 'to'} ${describeValue(rule.CidrIpv6)} (${r.describe()})`, 'ipv6', known(1), undefined, ipv6);
    return [];
  }
  const doubts: string[] = r.uncertain ? [r.uncertain] : [];
  let protocol = parseProtocol(rule.IpProtocol);
  if (protocol === undefined) {
    const problem = isUnresolved(rule.IpProtocol) ? `IpProtocol cannot be resolved (${rule.IpProtocol.reason})` : `${describeValue(rule.IpProtocol)} is not an IP protocol`;
    r.issue(`${property}.IpProtocol`, `${problem}: the rule may allow any protocol and port, or nothing`);
    doubts.push(`${r.describe()}: ${property}: ${problem}`);
    protocol = PROTOCOL_ALL;
  }
  const portRange = ports(protocol, rule.FromPort, rule.ToPort);
  if (portRange.problem) {
    r.issue(`${property}.FromPort/ToPort`, `${portRange.problem}: which ports the rule allows is unknown`);
    doubts.push(`${r.describe()}: ${property}: ${portRange.problem}`);
  }
  let peer: SecurityGroupPeer;
  // A prefix list the templates define: one rule per entry (an IPv6 list: none for IPv4).
  let entryPeers: SecurityGroupPeer[] | undefined;
  let entriesOf: string | undefined;
  if (rule.CidrIp !== undefined) {
    const cidr: Fact<Cidr> = r.cidr(`${property}.CidrIp`, rule.CidrIp);
    peer = cidr.known ? { kind: 'cidr', cidr: cidr.value } : { kind: 'unknown', reason: cidr.reason, ipv4: true };
  } else if (rule[groupKey] !== undefined) {
    const group = r.idFact(rule[groupKey], `${property}.${groupKey}`);
    const owner = rule.SourceSecurityGroupOwnerId;
    peer = group.known
      ? { kind: 'security-group', groupId: group.value, ...(typeof owner === 'string' ? { peerOwnerId: owner } : {}) }
      : { kind: 'unknown', reason: group.reason };
  } else if (rule[prefixKey] !== undefined) {
    const prefixList = prefixListReference(r, rule[prefixKey], `${property}.${prefixKey}`);
    peer = prefixList.kind === 'id' ? { kind: 'prefix-list', prefixListId: prefixList.id }
      : prefixList.kind === 'unknown' ? { kind: 'unknown', reason: prefixList.reason }
        : prefixList.contents.kind === 'unknown' ? { kind: 'unknown', reason: `prefix list ${prefixList.id}: ${prefixList.contents.reason}` }
          : { kind: 'prefix-list', prefixListId: prefixList.id };
    // Against the quota the rule counts as the list's maximum entries, on the side of its family.
    if (prefixList.kind === 'defined') {
      const family = prefixList.contents.kind === 'unknown' ? 'unknown' : prefixList.contents.kind;
      weigh(`a rule to prefix list ${prefixList.id} (${r.describe()})`, family, prefixList.weight);
    } else {
      weigh(`a rule to ${prefixList.kind === 'id' ? `prefix list ${prefixList.id}` : 'a prefix list that is not resolved'} (${r.describe()})`, 'unknown',
        unknown(prefixList.kind === 'id' ? 'not defined by the inputs: its maximum entries, or an AWS-managed list\'s weight, are not in them' : prefixList.reason),
        prefixList.kind === 'id' ? prefixList.id : undefined);
    }
    // (Drift names the rule by the list, as EC2 does, whether or not its entries are known.)
    if (prefixList.kind === 'defined') entriesOf = prefixList.id;
    if (prefixList.kind === 'defined' && prefixList.contents.kind !== 'unknown') {
      const contents = prefixList.contents;
      entryPeers = contents.kind === 'ipv6' ? [] : [
        ...contents.cidrs.map((cidr): SecurityGroupPeer => ({ kind: 'cidr', cidr })),
        ...contents.unresolved.map((reason): SecurityGroupPeer => ({ kind: 'unknown', reason: `an entry of prefix list ${prefixList.id}: ${reason}` })),
      ];
    }
  } else {
    const reason = `${r.describe()}: ${property} has no peer (CidrIp, security group or prefix list)`;
    peer = { kind: 'unknown', reason };
  }
  // (A prefix list's unresolved entries were reported where the list is defined.)
  if (peer.kind === 'unknown' && !entryPeers) r.issue(property, peer.reason);
  const ruleTo = (one: SecurityGroupPeer): SecurityGroupRule => ({
    source: r.source,
    protocol,
    ports: portRange.ports ?? ALL_PORTS,
    peer: one,
    ...(typeof rule.Description === 'string' ? { description: rule.Description } : {}),
    ...(doubts.length ? { uncertain: doubts.join('; ') } : {}),
    ...(entriesOf !== undefined ? { prefixList: entriesOf } : {}),
  });
  // A list that stands for no IPv4 rule (IPv6, or no entries): kept apart, for drift only.
  if (entryPeers?.length === 0 && entriesOf !== undefined) entryless?.push(ruleTo({ kind: 'prefix-list', prefixListId: entriesOf }));
  return (entryPeers ?? [peer]).map(ruleTo);
}

/** Sets the group's rules to a prefix list that stand for no IPv4 rule (see SecurityGroup.entrylessPrefixListRules). */
function addEntryless(group: SecurityGroup, direction: Direction, rules: SecurityGroupRule[]): void {
  if (rules.length) (group.entrylessPrefixListRules ??= []).push(...rules.map((rule) => ({ direction, rule })));
}

/** A rule standing for rules the templates do not resolve: it may allow anything, or nothing. */
function unresolvedRule(r: ResourceReader, reason: string): SecurityGroupRule {
  return { source: r.source, protocol: PROTOCOL_ALL, ports: ALL_PORTS, peer: { kind: 'unknown', reason }, uncertain: reason };
}

function inlineRules(r: ResourceReader, property: string, direction: Direction, entryless: SecurityGroupRule[], weights: SecurityGroupRuleWeight[]): SecurityGroupRule[] {
  const value = r.value(property);
  if (value === undefined) return [];
  // Rules the templates do not resolve count an unknown number against the quota (a rule to a prefix list may count up to 1,000).
  const unweighed = (what: string, reason: string) => weights.push({ source: r.source, direction, what, family: 'unknown', weight: unknown(reason) });
  if (!Array.isArray(value)) {
    const reason = isUnresolved(value) ? `${r.describe()}: ${property} cannot be resolved (${value.reason})` : `${r.describe()}: ${property} ${describeValue(value)} is not a list of rules`;
    r.issue(property, reason);
    unweighed(`the rules of ${property} (${r.describe()})`, reason);
    return [unresolvedRule(r, reason)];
  }
  return value.flatMap((rule, index) => {
    if (!isObject(rule) || isUnresolved(rule)) {
      const reason = isUnresolved(rule) ? `${r.describe()}: ${property}[${index}] cannot be resolved (${rule.reason})` : `${r.describe()}: ${property}[${index}] ${describeValue(rule)} is not a rule`;
      r.issue(`${property}[${index}]`, reason);
      unweighed(`rule ${property}[${index}] (${r.describe()})`, reason);
      return [unresolvedRule(r, reason)];
    }
    return ruleFrom(r, rule, direction, `${property}[${index}]`, entryless, weights);
  });
}

/**
 * AWS::EC2::SecurityGroup. EC2 gives a new group an allow-all egress rule; CloudFormation removes
 * it only when the group declares egress rules inline (CloudFormation reference,
 * AWS::EC2::SecurityGroup SecurityGroupEgress).
 */
export function readSecurityGroup(r: ResourceReader): void {
  const entrylessIngress: SecurityGroupRule[] = [];
  const entrylessEgress: SecurityGroupRule[] = [];
  const weights: SecurityGroupRuleWeight[] = [];
  const egress = inlineRules(r, 'SecurityGroupEgress', 'egress', entrylessEgress, weights);
  const inlineEgress = r.value('SecurityGroupEgress');
  // An unresolved list may or may not declare rules: its one uncertain rule stands for both cases.
  const declaresEgress = (Array.isArray(inlineEgress) && inlineEgress.length > 0) || (inlineEgress !== undefined && !Array.isArray(inlineEgress));
  const group: SecurityGroup = {
    id: r.id,
    source: r.source,
    vpcId: r.has('VpcId') ? r.requiredId('VpcId') : r.unknownWithIssue('VpcId', `${r.describe()} has no VpcId: it is created in the Region's default VPC`),
    ingress: inlineRules(r, 'SecurityGroupIngress', 'ingress', entrylessIngress, weights),
    egress: declaresEgress ? egress : [allowAllEgress(r.source)],
    ...(weights.length ? { ruleWeights: weights } : {}),
  };
  addEntryless(group, 'ingress', entrylessIngress);
  addEntryless(group, 'egress', entrylessEgress);
  r.model.securityGroups.set(r.id, group);
}

/**
 * AWS::EC2::SecurityGroupIngress / AWS::EC2::SecurityGroupEgress. A separate egress resource only
 * adds its rule ("Adds the specified outbound (egress) rule to a security group", CloudFormation
 * reference): the group's default allow-all egress rule stays.
 */
export function readSecurityGroupRule(r: ResourceReader, direction: Direction): void {
  const groupId = r.has('GroupId') ? r.requiredId('GroupId')
    : r.unknownWithIssue<string>('GroupId', `${r.describe()} names its group by GroupName: it may be any group of the Region's default VPC`);
  const group = groupId.known ? r.model.securityGroups.get(groupId.value) : undefined;
  if (groupId.known && !group) {
    r.issue('GroupId', `security group ${groupId.value} is not described (add it to the facts file)`);
    return;
  }
  const properties: Record<string, unknown> = {};
  for (const key of ['IpProtocol', 'FromPort', 'ToPort', 'CidrIp', 'CidrIpv6', 'SourceSecurityGroupId', 'DestinationSecurityGroupId',
    'SourcePrefixListId', 'DestinationPrefixListId', 'SourceSecurityGroupOwnerId', 'Description']) {
    if (r.has(key)) properties[key] = r.value(key);
  }
  const entryless: SecurityGroupRule[] = [];
  const weights: SecurityGroupRuleWeight[] = [];
  const rules = ruleFrom(r, properties, direction, direction === 'ingress' ? 'SecurityGroupIngress' : 'SecurityGroupEgress', entryless, weights);
  if (group) addEntryless(group, direction, entryless);
  if (group) {
    group[direction].push(...rules);
    if (weights.length) (group.ruleWeights ??= []).push(...weights);
    return;
  }
  if (!rules.length && !weights.length) return;
  // The group cannot be resolved: the rule may belong to any group (of the default VPC, for a
  // GroupName), so every such group may have it (and count it against its quota).
  const doubt = `${r.describe()} may belong to this group: ${groupId.known ? '' : groupId.reason}`;
  for (const any of r.model.securityGroups.values()) {
    if (!r.has('GroupId') && any.vpcId.known) continue;
    for (const rule of rules) any[direction].push({ ...rule, uncertain: rule.uncertain ? `${doubt}; ${rule.uncertain}` : doubt });
    for (const weight of weights) (any.ruleWeights ??= []).push({ ...weight, uncertain: weight.uncertain ? `${doubt}; ${weight.uncertain}` : doubt });
  }
}

/**
 * AWS::EC2::SecurityGroupVpcAssociation: the group may be used by network interfaces of another
 * VPC of the same account and Region (EC2 AssociateSecurityGroupVpc). An association whose group
 * cannot be resolved may be of any group: every group gets it, marked uncertain, so it never
 * decides a verdict but keeps "another VPC's group" from being an error.
 */
export function readSecurityGroupVpcAssociation(r: ResourceReader): void {
  const groupId = r.requiredId('GroupId');
  const vpcId = r.requiredId('VpcId');
  const group = groupId.known ? r.model.securityGroups.get(groupId.value) : undefined;
  if (groupId.known && !group) {
    r.issue('GroupId', `security group ${groupId.value} is not described (add it to the facts file)`);
    return;
  }
  const association = { source: r.source, vpcId, ...(r.uncertain ? { uncertain: r.uncertain } : {}) };
  if (group) {
    (group.vpcAssociations ??= []).push(association);
    return;
  }
  const uncertain = `${r.describe()} may associate this group with ${vpcId.known ? vpcId.value : 'a VPC'}: its GroupId cannot be resolved (${groupId.known ? '' : groupId.reason})${r.uncertain ? `; ${r.uncertain}` : ''}`;
  for (const any of r.model.securityGroups.values()) (any.vpcAssociations ??= []).push({ ...association, uncertain });
}

/** AWS::EC2::NetworkAcl: a new (non-default) NACL denies everything until entries are added. */
export function readNetworkAcl(r: ResourceReader): void {
  r.model.networkAcls.set(r.id, { id: r.id, source: r.source, vpcId: r.requiredId('VpcId'), isDefault: false, entries: [] });
}

/**
 * AWS::EC2::NetworkAclEntry. IPv6 entries are not modelled. An entry whose protocol, ports,
 * action, direction, number or condition cannot be resolved is kept, uncertain (wherever it may
 * match, the outcome is unknown), first in order when its number is unknown, in both directions
 * when its direction is; one whose ACL cannot be resolved goes, uncertain, into every ACL.
 */
export function readNetworkAclEntry(r: ResourceReader): void {
  if (!r.has('CidrBlock')) return;
  const aclId = r.requiredId('NetworkAclId');
  const acl = aclId.known ? r.model.networkAcls.get(aclId.value) : undefined;
  if (aclId.known && !acl) {
    r.issue('NetworkAclId', `network ACL ${aclId.value} is not described (add it to the facts file)`);
    return;
  }
  const doubts: string[] = r.uncertain ? [r.uncertain] : [];
  const doubt = (property: string, problem: string) => {
    r.issue(property, `${problem}: the entry may allow or deny anything it might match`);
    doubts.push(`${r.describe()}: ${property}: ${problem}`);
  };
  const unresolvedText = (value: unknown) => (isUnresolved(value) ? `cannot be resolved (${value.reason})` : `${describeValue(value)} is not valid`);
  const protocolValue = r.value('Protocol');
  let protocol = parseProtocol(protocolValue);
  if (protocol === undefined) {
    doubt('Protocol', `protocol ${unresolvedText(protocolValue)}`);
    protocol = PROTOCOL_ALL;
  }
  const ruleNumberValue = r.value('RuleNumber');
  const ruleNumber = typeof ruleNumberValue === 'number' || (typeof ruleNumberValue === 'string' && /^\s*\d+\s*$/.test(ruleNumberValue))
    ? Number(ruleNumberValue) : undefined;
  if (ruleNumber === undefined || !Number.isInteger(ruleNumber)) doubt('RuleNumber', `rule number ${unresolvedText(ruleNumberValue)}`);
  const action = r.value('RuleAction');
  const actionText = typeof action === 'string' ? action.toLowerCase() : undefined;
  if (actionText !== 'allow' && actionText !== 'deny') doubt('RuleAction', `action ${unresolvedText(action)}`);
  const egress = r.booleanFact('Egress', false);
  if (!egress.known) doubt('Egress', `direction ${unresolvedText(r.value('Egress'))}`);
  const portRange = r.value('PortRange');
  let entryPorts: PortRange | undefined;
  if (portRange !== undefined) {
    const range = isObject(portRange) && !isUnresolved(portRange) ? ports(protocol, portRange.From, portRange.To)
      : { ports: ALL_PORTS, problem: `port range ${unresolvedText(portRange)}` };
    if (range.problem) doubt('PortRange', range.problem);
    entryPorts = range.ports;
  }
  const base = {
    source: r.source,
    ruleNumber: ruleNumber !== undefined && Number.isInteger(ruleNumber) ? ruleNumber : 0,
    allow: actionText === 'allow',
    protocol,
    cidr: r.cidr('CidrBlock'),
    ...(entryPorts ? { ports: entryPorts } : {}),
  };
  if (!acl) doubts.unshift(`${r.describe()} may belong to this ACL: ${aclId.known ? '' : aclId.reason}`);
  const uncertain = doubts.length ? doubts.join('; ') : undefined;
  const entries: NetworkAclEntry[] = (egress.known ? [egress.value] : [false, true])
    .map((isEgress) => ({ ...base, egress: isEgress, ...(uncertain ? { uncertain } : {}) }));
  for (const target of acl ? [acl] : r.model.networkAcls.values()) target.entries.push(...entries);
}

/** AWS::EC2::SubnetNetworkAclAssociation: the subnet stops using the VPC's default NACL. */
export function readSubnetNetworkAclAssociation(r: ResourceReader): void {
  const aclId = r.requiredId('NetworkAclId');
  const acl = aclId.known ? r.model.networkAcls.get(aclId.value) : undefined;
  associate(r, 'NetworkAclId', aclId, acl?.vpcId, (subnet, id) => ({ ...subnet, networkAclId: id }),
    (subnet, reason) => ({ ...subnet, networkAclUnresolved: reason }));
}

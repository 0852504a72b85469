import {
  ALL_PORTS, Cidr, Fact, NetworkAclEntry, PortRange, Protocol, SecurityGroupPeer, SecurityGroupRule,
} from '../model';
import { describeValue, ResourceReader } from './reader';
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

/** Ports of a TCP/UDP rule; -1 or absent means all ports. Other protocols have no ports. */
function ports(protocol: Protocol, from: unknown, to: unknown): PortRange | undefined {
  if (protocol !== 6 && protocol !== 17) return undefined;
  const low = from === undefined ? -1 : Number(from);
  const high = to === undefined ? -1 : Number(to);
  if (low === -1 || high === -1 || !Number.isFinite(low) || !Number.isFinite(high)) return ALL_PORTS;
  return { from: low, to: high };
}

type Direction = 'ingress' | 'egress';

/**
 * One security group rule, from an inline rule object or a separate rule resource's properties
 * (already evaluated). IPv6-only rules are not modelled (undefined).
 */
function ruleFrom(r: ResourceReader, rule: Record<string, unknown>, direction: Direction, property: string): SecurityGroupRule | undefined {
  const groupKey = direction === 'ingress' ? 'SourceSecurityGroupId' : 'DestinationSecurityGroupId';
  const prefixKey = direction === 'ingress' ? 'SourcePrefixListId' : 'DestinationPrefixListId';
  if (rule.CidrIpv6 !== undefined && rule.CidrIp === undefined) return undefined;
  const protocol = parseProtocol(rule.IpProtocol);
  if (protocol === undefined) {
    r.issue(`${property}.IpProtocol`, `${describeValue(rule.IpProtocol)} is not an IP protocol: rule ignored`);
    return undefined;
  }
  let peer: SecurityGroupPeer;
  if (rule.CidrIp !== undefined) {
    const cidr: Fact<Cidr> = r.cidr(`${property}.CidrIp`, rule.CidrIp);
    peer = cidr.known ? { kind: 'cidr', cidr: cidr.value } : { kind: 'unknown', reason: cidr.reason };
  } else if (rule[groupKey] !== undefined) {
    const group = r.idFact(rule[groupKey], `${property}.${groupKey}`);
    const owner = rule.SourceSecurityGroupOwnerId;
    peer = group.known
      ? { kind: 'security-group', groupId: group.value, ...(typeof owner === 'string' ? { peerOwnerId: owner } : {}) }
      : { kind: 'unknown', reason: group.reason };
  } else if (rule[prefixKey] !== undefined) {
    const prefixList = r.stringFact(`${property}.${prefixKey}`, rule[prefixKey]);
    peer = prefixList.known ? { kind: 'prefix-list', prefixListId: prefixList.value } : { kind: 'unknown', reason: prefixList.reason };
  } else {
    const reason = `${r.describe()}: ${property} has no peer (CidrIp, security group or prefix list)`;
    peer = { kind: 'unknown', reason };
  }
  if (peer.kind === 'unknown') r.issue(property, peer.reason);
  return {
    source: r.source,
    protocol,
    ports: ports(protocol, rule.FromPort, rule.ToPort) ?? ALL_PORTS,
    peer,
    ...(typeof rule.Description === 'string' ? { description: rule.Description } : {}),
  };
}

function inlineRules(r: ResourceReader, property: string, direction: Direction): SecurityGroupRule[] {
  const value = r.value(property);
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    r.issue(property, `${describeValue(value)} is not a list of rules`);
    return [];
  }
  return value.flatMap((rule, index) => {
    if (!isObject(rule)) {
      r.issue(`${property}[${index}]`, `${describeValue(rule)} is not a rule`);
      return [];
    }
    return ruleFrom(r, rule, direction, `${property}[${index}]`) ?? [];
  });
}

/**
 * AWS::EC2::SecurityGroup. EC2 gives a new group an allow-all egress rule; CloudFormation removes
 * it only when the group declares egress rules inline (CloudFormation reference,
 * AWS::EC2::SecurityGroup SecurityGroupEgress).
 */
export function readSecurityGroup(r: ResourceReader): void {
  const egress = inlineRules(r, 'SecurityGroupEgress', 'egress');
  const inlineEgress = r.value('SecurityGroupEgress');
  const declaresEgress = Array.isArray(inlineEgress) && inlineEgress.length > 0;
  r.model.securityGroups.set(r.id, {
    id: r.id,
    source: r.source,
    vpcId: r.has('VpcId') ? r.requiredId('VpcId') : r.unknownWithIssue('VpcId', `${r.describe()} has no VpcId: it is created in the Region's default VPC`),
    ingress: inlineRules(r, 'SecurityGroupIngress', 'ingress'),
    egress: declaresEgress ? egress : [allowAllEgress(r.source)],
  });
}

/**
 * AWS::EC2::SecurityGroupIngress / AWS::EC2::SecurityGroupEgress. A separate egress resource only
 * adds its rule ("Adds the specified outbound (egress) rule to a security group", CloudFormation
 * reference): the group's default allow-all egress rule stays.
 */
export function readSecurityGroupRule(r: ResourceReader, direction: Direction): void {
  const groupId = r.has('GroupId') ? r.requiredId('GroupId')
    : r.unknownWithIssue<string>('GroupId', `${r.describe()} names its group by GroupName (default VPC only): not modelled`);
  if (!groupId.known) return;
  const group = r.model.securityGroups.get(groupId.value);
  if (!group) {
    r.issue('GroupId', `security group ${groupId.value} is not described (add it to the facts file)`);
    return;
  }
  const properties: Record<string, unknown> = {};
  for (const key of ['IpProtocol', 'FromPort', 'ToPort', 'CidrIp', 'CidrIpv6', 'SourceSecurityGroupId', 'DestinationSecurityGroupId',
    'SourcePrefixListId', 'DestinationPrefixListId', 'SourceSecurityGroupOwnerId', 'Description']) {
    if (r.has(key)) properties[key] = r.value(key);
  }
  const rule = ruleFrom(r, properties, direction, direction === 'ingress' ? 'SecurityGroupIngress' : 'SecurityGroupEgress');
  if (rule) group[direction].push(rule);
}

/** AWS::EC2::NetworkAcl: a new (non-default) NACL denies everything until entries are added. */
export function readNetworkAcl(r: ResourceReader): void {
  r.model.networkAcls.set(r.id, { id: r.id, source: r.source, vpcId: r.requiredId('VpcId'), isDefault: false, entries: [] });
}

/** AWS::EC2::NetworkAclEntry. IPv6 entries are not modelled. */
export function readNetworkAclEntry(r: ResourceReader): void {
  if (!r.has('CidrBlock')) return;
  const aclId = r.requiredId('NetworkAclId');
  if (!aclId.known) return;
  const acl = r.model.networkAcls.get(aclId.value);
  if (!acl) {
    r.issue('NetworkAclId', `network ACL ${aclId.value} is not described (add it to the facts file)`);
    return;
  }
  const protocol = parseProtocol(r.value('Protocol'));
  const ruleNumber = r.numberFact('RuleNumber');
  if (protocol === undefined || !ruleNumber.known) {
    r.issue('Protocol', `entry ignored: protocol ${describeValue(r.value('Protocol'))}, rule number ${describeValue(r.value('RuleNumber'))}`);
    return;
  }
  const portRange = r.value('PortRange') as Record<string, unknown> | undefined;
  const entryPorts = isObject(portRange) ? ports(protocol, portRange.From, portRange.To) : undefined;
  const entry: NetworkAclEntry = {
    source: r.source,
    ruleNumber: ruleNumber.value,
    egress: r.boolean('Egress', false),
    allow: safeString(r.value('RuleAction')).toLowerCase() === 'allow',
    protocol,
    cidr: r.cidr('CidrBlock'),
    ...(entryPorts ? { ports: entryPorts } : {}),
  };
  acl.entries.push(entry);
}

/** AWS::EC2::SubnetNetworkAclAssociation: the subnet stops using the VPC's default NACL. */
export function readSubnetNetworkAclAssociation(r: ResourceReader): void {
  const subnetId = r.requiredId('SubnetId');
  const aclId = r.requiredId('NetworkAclId');
  if (!subnetId.known || !aclId.known) return;
  const subnet = r.model.subnets.get(subnetId.value);
  if (!subnet) {
    r.issue('SubnetId', `subnet ${subnetId.value} is not described (add it to the facts file)`);
    return;
  }
  r.model.subnets.set(subnet.id, { ...subnet, networkAclId: aclId.value });
}

import { Cidr, Fact, GlueConnection, OpenEnded, PROTOCOL_ALL, PROTOCOL_TCP, SecurityGroup, SecurityGroupRule, SourceRef, Vpc } from '../model';
import { causesText, openingsFor } from './open-ended';
import { Finding } from './plan';
import { Quotas } from './quotas';
import { RULES } from './rules';
import { Topology } from './topology';
import { contains } from '../model/cidr';

function allTcp(rule: SecurityGroupRule): boolean {
  return (rule.protocol === PROTOCOL_ALL || rule.protocol === PROTOCOL_TCP) && rule.ports.from <= 0 && rule.ports.to >= 65535;
}

function allowsHttpsToAnywhereOrS3(rule: SecurityGroupRule): boolean {
  if (!(rule.protocol === PROTOCOL_ALL || rule.protocol === PROTOCOL_TCP) || rule.ports.from > 443 || rule.ports.to < 443) return false;
  return rule.peer.kind === 'prefix-list' || (rule.peer.kind === 'cidr' && rule.peer.cidr.prefixLength === 0);
}

/** What the rules of a connection's security groups give Glue, judged once per list of groups. */
interface GroupsJudgement {
  /** The first group (findings point at it). */
  readonly source: SourceRef;
  /** A group admits all TCP from itself. */
  readonly selfRef: boolean;
  /** Egress allows everything, all TCP, or all TCP to itself plus HTTPS to S3. */
  readonly egressEnough: boolean;
  /** Egress allows all TCP to the group itself (or to a CIDR covering the whole ENI subnet). */
  readonly selfEgress: boolean;
  /**
   * No self-reference, but an all-TCP inbound rule from a CIDR that covers the whole ENI subnet:
   * it admits every other ENI of the run, as the self-reference does.
   */
  readonly cidrInstead?: { readonly group: SecurityGroup; readonly cidr: string; readonly egress: boolean };
  /** An all-TCP inbound CIDR rule might cover the subnet, but the subnet's CIDR is unknown. */
  readonly selfRefUndecided: boolean;
  /** Rules the templates do not list, by direction (see `OpenEnded`). */
  readonly openIngress: OpenEnded[];
  readonly openEgress: OpenEnded[];
}

/** Judgements by list of group ids (as JSON) and ENI subnet, per topology: many connections share their groups. */
const judgements = new WeakMap<Topology, Map<string, GroupsJudgement | undefined>>();

function judgeGroupsOnce(topo: Topology, ids: readonly string[], subnet: Fact<Cidr> | undefined): GroupsJudgement | undefined {
  let byIds = judgements.get(topo);
  if (!byIds) judgements.set(topo, byIds = new Map());
  const key = `${JSON.stringify(ids)}|${subnet?.known ? subnet.value.text : '?'}`;
  if (!byIds.has(key)) byIds.set(key, judgeGroups(topo, ids, subnet));
  return byIds.get(key);
}

/** An all-TCP rule to or from a CIDR that covers the whole ENI subnet; undefined when undecidable. */
function coversSubnet(rule: SecurityGroupRule, subnet: Fact<Cidr> | undefined): boolean | undefined {
  if (!allTcp(rule) || rule.peer.kind !== 'cidr') return false;
  if (!subnet?.known) return undefined;
  return contains(rule.peer.cidr, subnet.value);
}

/** Undefined unless every group is described and complete: a missing group might hold the rule. */
function judgeGroups(topo: Topology, ids: readonly string[], subnet: Fact<Cidr> | undefined): GroupsJudgement | undefined {
  const described: SecurityGroup[] = [];
  for (const id of ids) {
    const group = topo.securityGroup(id);
    if (!group || group.incomplete) return undefined;
    described.push(group);
  }
  if (!described.length) return undefined;
  // A rule that may not exist as shown (`uncertain`) proves nothing, but may be the one needed:
  // then there is no finding (the reader reported the unresolved value).
  // Its protocol and ports still count (unresolved ones are read as the widest): a rule whose
  // only doubt is its group (an imported GroupId, placed in every group) or its Condition, and
  // that admits TCP 5432 from the Glue group, can never be the all-TCP self-reference.
  const selfRef = described.some((g) => g.ingress.some((r) => allTcp(r)
    && (r.peer.kind === 'unknown' || (r.peer.kind === 'security-group' && r.peer.groupId === g.id))));
  const openIngress = described.flatMap((g) => openingsFor(g.openEnded, 'ingress'));
  const openEgress = described.flatMap((g) => openingsFor(g.openEnded, 'egress'));
  // No self-reference, but an all-TCP rule from a CIDR covering the whole ENI subnet serves as one.
  let cidrInstead: GroupsJudgement['cidrInstead'];
  let selfRefUndecided = false;
  if (!selfRef) {
    for (const group of described) {
      for (const rule of group.ingress) {
        const covers = coversSubnet(rule, subnet);
        // An uncertain rule proves nothing, but one that may cover the subnet may be the one needed.
        if (rule.uncertain) {
          if (covers !== false) selfRefUndecided = true;
          continue;
        }
        if (covers === undefined) selfRefUndecided = true;
        if (covers && !cidrInstead && rule.peer.kind === 'cidr') cidrInstead = { group, cidr: rule.peer.cidr.text, egress: false };
      }
    }
  }
  const all = described.flatMap((g) => g.egress.map((r) => ({ rule: r, group: g.id })));
  const egress = all.filter(({ rule }) => !rule.uncertain);
  const toAnywhere = (rule: SecurityGroupRule) => rule.peer.kind === 'cidr' && rule.peer.cidr.prefixLength === 0;
  const allOpen = egress.some(({ rule }) => rule.protocol === PROTOCOL_ALL && toAnywhere(rule));
  const selfRefEgress = egress.some(({ rule, group }) => allTcp(rule) && rule.peer.kind === 'security-group' && rule.peer.groupId === group);
  const cidrEgress = egress.find(({ rule }) => coversSubnet(rule, subnet) === true);
  const https = egress.some(({ rule }) => allowsHttpsToAnywhereOrS3(rule));
  const allTcpOut = egress.some(({ rule }) => allTcp(rule) && toAnywhere(rule));
  // A rule that may not exist as shown (uncertain), or whose destination is not resolved (a
  // prefix list or CIDR from a parameter without value, an SSM parameter, an import), proves
  // nothing but may be the rule that is missing: no finding when, as it may be, it completes what
  // Glue needs (the reader reported the unresolved value). Its protocol and ports still count
  // (unresolved ones are the widest): a UDP rule, or TCP 5432 to a group, can never be it.
  const unknownPeer = (rule: SecurityGroupRule) => rule.peer.kind === 'unknown';
  const mayBeToAnywhere = (rule: SecurityGroupRule) => unknownPeer(rule) || (rule.uncertain !== undefined && toAnywhere(rule));
  const mayAllOpen = all.some(({ rule }) => rule.protocol === PROTOCOL_ALL && mayBeToAnywhere(rule));
  const mayAllTcpOut = all.some(({ rule }) => allTcp(rule) && mayBeToAnywhere(rule));
  const maySelfEgress = all.some(({ rule, group }) => allTcp(rule) && (unknownPeer(rule) || (rule.peer.kind === 'security-group' && rule.peer.groupId === group) || coversSubnet(rule, subnet) !== false));
  const mayHttps = all.some(({ rule }) => (rule.protocol === PROTOCOL_ALL || rule.protocol === PROTOCOL_TCP) && rule.ports.from <= 443 && rule.ports.to >= 443
    && (unknownPeer(rule) || rule.peer.kind === 'prefix-list' || toAnywhere(rule)));
  const selfEgress = selfRefEgress || !!cidrEgress;
  const egressEnough = allOpen || allTcpOut || (selfEgress && https) || mayAllOpen || mayAllTcpOut || (maySelfEgress && mayHttps);
  if (!cidrInstead && !selfRefEgress && cidrEgress && egressEnough && !allOpen && !allTcpOut) {
    const rule = cidrEgress.rule;
    const group = described.find((g) => g.id === cidrEgress.group)!;
    if (rule.peer.kind === 'cidr') cidrInstead = { group, cidr: rule.peer.cidr.text, egress: true };
  }
  return { source: described[0].source, selfRef, egressEnough, selfEgress, cidrInstead, selfRefUndecided, openIngress, openEgress };
}

/**
 * A connection with a group the inputs do not describe (named by its id, `sg-0abc`, or a
 * parameter's value): that group's rules are unknown, so whether one of the groups admits all TCP
 * from itself cannot be decided (judgeGroups gives no judgement). Said as UNKNOWN with how to
 * describe it, never passed over; not when a described group shows the self-reference.
 */
function undescribedGroupsFinding(topo: Topology, connection: GlueConnection, name: string): Finding | undefined {
  const undescribed = connection.securityGroupIds.filter((id) => !topo.securityGroup(id));
  if (!undescribed.length) return undefined;
  const shown = connection.securityGroupIds.some((id) => {
    const group = topo.securityGroup(id);
    return group && !group.incomplete && group.ingress.some((r) => !r.uncertain && allTcp(r) && r.peer.kind === 'security-group' && r.peer.groupId === group.id);
  });
  if (shown) return undefined;
  const many = undescribed.length > 1;
  return {
    ruleId: RULES.sgRequirementsUnknown.id,
    severity: RULES.sgRequirementsUnknown.severity,
    source: connection.source,
    message: `Whether connection ${name}'s security groups (${connection.securityGroupIds.join(', ')}) have a self-referencing inbound rule for all TCP ports cannot be decided: ${undescribed.join(', ')} ${many ? 'are' : 'is'} not described by the templates or --facts, so ${many ? 'their' : 'its'} rules are unknown${undescribed.length < connection.securityGroupIds.length ? ', and no group that is described has the rule' : ''}. Glue requires one of the connection's groups to admit all TCP from itself (its Spark driver and executors talk to each other through it; without it the job fails with "At least one security group must open all ingress ports"). UNKNOWN until the group${many ? 's are' : ' is'} described.`,
    fix: `Describe ${undescribed.join(', ')} under securityGroups[] in a --facts file (id, vpcId, ingress with its all-TCP rule from itself, egress; --from-aws reads ${many ? 'them' : 'it'} from the account), or give the connection a group the templates define that admits all TCP from itself (connections.allowInternally(ec2.Port.allTcp())).`,
  };
}

/**
 * What Glue requires of a network-bearing connection's security groups and VPC, independent of
 * any data store: a self-referencing all-TCP inbound rule on one group, enough egress, VPC DNS.
 */
export function checkGlueRequirements(topo: Topology, connection: GlueConnection, quotas: Quotas = Quotas.DEFAULT): Finding[] {
  const findings: Finding[] = [];
  const name = connection.name.known ? connection.name.value : connection.id;

  const perEni = quotas.value('securityGroupsPerNetworkInterface');
  if (connection.securityGroupIds.length > perEni) {
    const given = !quotas.isDefault('securityGroupsPerNetworkInterface');
    findings.push({
      ruleId: RULES.quotaSecurityGroups.id,
      severity: RULES.quotaSecurityGroups.severity,
      source: connection.source,
      message: `Connection ${name} lists ${connection.securityGroupIds.length} security groups; an ENI accepts ${given ? `${perEni} (the account's quota, as given)` : quotas.text('securityGroupsPerNetworkInterface').replace(/^the default quota of (\d+)$/, '$1 by default')}, so Glue cannot create its ENIs.`,
      fix: given
        ? `Merge the rules into at most ${perEni} groups, or raise the "Security groups per network interface" quota further (up to 16).`
        : `Merge the rules into at most ${perEni} groups, or raise the "Security groups per network interface" quota. If it is already raised, give it to the check (the guard's and the plugin's \`quotas\`, the CLI's --quota) and this finding goes.`,
    });
  }
  const eniSubnet = connection.subnetId ? topo.subnet(connection.subnetId) : undefined;
  if (connection.subnetId && connection.securityGroupIds.length === 0) {
    // SecurityGroupIdList is optional (0 to 50 items), but no group can be the one that admits
    // all TCP from itself, which Glue requires of at least one ([Glue-errors]).
    findings.push({
      ruleId: RULES.sgNoSelfReference.id,
      severity: RULES.sgNoSelfReference.severity,
      source: connection.source,
      message: `Connection ${name} lists no security groups (PhysicalConnectionRequirements.SecurityGroupIdList, which CloudFormation allows to be empty), so none has a self-referencing inbound rule for all TCP ports. AWS documents that the security groups specified in the connection are applied to each ENI Glue creates and that one of them must allow inbound traffic on all TCP ports, because Spark's driver and executors talk to each other (Glue's error "At least one security group must open all ingress ports"). What Glue does with a connection that lists none is not documented: this check assumes the run fails that requirement, not that the ENIs fall back to another group (such as the VPC's default security group).`,
      fix: 'Give the connection a security group of its subnet\'s VPC with an inbound rule for all TCP (0-65535) from the group itself (connections.allowInternally(ec2.Port.allTcp())), and all outbound traffic.',
    });
  }
  const groups = judgeGroupsOnce(topo, connection.securityGroupIds, eniSubnet?.cidr);
  if (groups) {
    if (groups.cidrInstead) {
      const { group, cidr, egress } = groups.cidrInstead;
      findings.push({
        ruleId: RULES.sgSelfReferenceCidr.id,
        severity: RULES.sgSelfReferenceCidr.severity,
        source: group.source,
        message: `Connection ${name}: security group ${group.id} has no self-referencing ${egress ? 'outbound' : 'inbound'} rule, but allows all TCP ${egress ? 'to' : 'from'} ${cidr}, which covers the whole ENI subnet ${eniSubnet?.id} (${eniSubnet?.cidr.known ? eniSubnet.cidr.value.text : '?'}): Glue's workers reach each other through it as they would through the self-reference. The documented form is a self-referencing rule for all TCP ports (source: the group itself).`,
        fix: `Nothing needs to change. To follow the documented form (and not depend on the subnet's addresses), replace it with an all-TCP rule ${egress ? 'to' : 'from'} ${group.id} itself (connections.allowInternally(ec2.Port.allTcp())).`,
      });
    }
    // A rule the templates do not list may be the one missing (or remove the one listed).
    const undecided = (met: boolean, openings: OpenEnded[]) => (met ? openings.filter((o) => o.effect === 'change') : openings);
    const selfRefMet = groups.selfRef || !!groups.cidrInstead;
    const openSelfRef = undecided(selfRefMet, groups.openIngress);
    const openEgress = undecided(groups.egressEnough, groups.openEgress);
    for (const [openings, what] of [[openSelfRef, 'a self-referencing inbound rule for all TCP ports'], [openEgress, 'the outbound rules Glue needs (all outbound, or all TCP to the group itself and HTTPS to S3)']] as const) {
      if (!openings.length) continue;
      findings.push({
        ruleId: RULES.sgRequirementsUnknown.id,
        severity: RULES.sgRequirementsUnknown.severity,
        source: openings[0].source,
        message: `Whether connection ${name}'s security groups (${connection.securityGroupIds.join(', ')}) have ${what} cannot be decided: the templates ${what.startsWith('a self') ? (selfRefMet ? 'list it' : 'do not list it') : (groups.egressEnough ? 'list them' : 'do not list them')}, and the groups may have rules they do not list: ${causesText(openings)}.`,
        fix: `Add the rule${what.startsWith('a self') ? '' : 's'} in the templates (${what.startsWith('a self') ? `connections.allowInternally(ec2.Port.allTcp()) on ${connection.securityGroupIds[0]}` : `allowAllOutbound on ${connection.securityGroupIds[0]}`}), or acknowledge this warning.`,
      });
    }
    if (!selfRefMet && !groups.selfRefUndecided && !openSelfRef.length) {
      findings.push({
        ruleId: RULES.sgNoSelfReference.id,
        severity: RULES.sgNoSelfReference.severity,
        source: groups.source,
        message: `None of connection ${name}'s security groups (${connection.securityGroupIds.join(', ')}) has a self-referencing inbound rule for all TCP ports. Glue's Spark driver and executors talk to each other through it; without it the job fails with "At least one security group must open all ingress ports".`,
        fix: `Add an inbound rule to ${connection.securityGroupIds[0]}: all TCP (0-65535) from ${connection.securityGroupIds[0]} itself (connections.allowInternally(ec2.Port.allTcp())).`,
      });
    }
    if (!groups.egressEnough && !openEgress.length) {
      findings.push({
        ruleId: RULES.sgEgress.id,
        severity: RULES.sgEgress.severity,
        source: groups.source,
        message: `Connection ${name}'s security groups allow neither all outbound traffic nor the minimum Glue needs (all TCP to the group itself, and HTTPS to S3). ${groups.selfEgress ? 'HTTPS to S3 is missing.' : 'The self-referencing all-TCP outbound rule is missing.'}`,
        fix: `Allow all outbound traffic on ${connection.securityGroupIds[0]}, or add outbound all TCP to itself and TCP 443 to the S3 prefix list.`,
      });
    }
  }
  if (!groups && connection.subnetId) {
    const finding = undescribedGroupsFinding(topo, connection, name);
    if (finding) findings.push(finding);
  }
  const subnet = connection.subnetId ? topo.subnet(connection.subnetId) : undefined;
  const vpc = subnet && subnet.vpcId.known ? topo.vpc(subnet.vpcId.value) : undefined;
  if (vpc) {
    const off = [
      vpc.enableDnsSupport.known && !vpc.enableDnsSupport.value ? 'enableDnsSupport' : undefined,
      vpc.enableDnsHostnames.known && !vpc.enableDnsHostnames.value ? 'enableDnsHostnames' : undefined,
    ].filter((x): x is string => !!x);
    if (off.length) {
      findings.push({
        ruleId: RULES.vpcDns.id,
        severity: RULES.vpcDns.severity,
        source: vpc.source,
        message: `VPC ${vpc.id} of connection ${name} has ${off.join(' and ')} set to false; Glue needs both DNS support and DNS hostnames in the VPC of its ENIs.`,
        fix: `Set ${off.map((o) => `${o}: true`).join(' and ')} on ${vpc.id}.`,
      });
    } else {
      const undecided = undecidedDnsSettings(vpc);
      if (undecided.length) {
        findings.push({
          ruleId: RULES.vpcDnsUnknown.id,
          severity: RULES.vpcDnsUnknown.severity,
          source: vpc.source,
          message: `Whether VPC ${vpc.id} of connection ${name} has DNS support and DNS hostnames enabled is unknown: ${undecidedDnsText(undecided)}. Glue needs both in the VPC of its ENIs; a data store named by DNS is UNKNOWN until they are known.`,
          fix: undecidedDnsFix(vpc, undecided),
        });
      }
    }
  }
  return findings;
}

/** A DNS setting of a VPC that the inputs do not resolve: its template property name, and why. */
export interface UndecidedDnsSetting {
  readonly property: 'EnableDnsSupport' | 'EnableDnsHostnames';
  readonly reason: string;
}

/** The DNS settings of `vpc` the inputs do not resolve (a parameter without value, a condition, SSM, not in --facts). */
export function undecidedDnsSettings(vpc: Vpc): UndecidedDnsSetting[] {
  const undecided: UndecidedDnsSetting[] = [];
  if (!vpc.enableDnsSupport.known) undecided.push({ property: 'EnableDnsSupport', reason: vpc.enableDnsSupport.reason });
  if (!vpc.enableDnsHostnames.known) undecided.push({ property: 'EnableDnsHostnames', reason: vpc.enableDnsHostnames.reason });
  return undecided;
}

export function undecidedDnsText(undecided: readonly UndecidedDnsSetting[]): string {
  return undecided.map((u) => `${u.property} is not resolved (${u.reason})`).join('; ');
}

export function undecidedDnsFix(vpc: Vpc, undecided: readonly UndecidedDnsSetting[]): string {
  const properties = undecided.map((u) => u.property).join(' and ');
  const facts = undecided.map((u) => `vpcs[].${u.property[0].toLowerCase()}${u.property.slice(1)}`).join(' and ');
  return `Give ${properties} of ${vpc.id} a value: a literal true in the template, or a value for the parameter it comes from (glue-netplan --parameters Stack:Key=Value); for a VPC described in a --facts file, set ${facts}.`;
}

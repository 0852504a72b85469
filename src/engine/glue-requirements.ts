import { GlueConnection, OpenEnded, PROTOCOL_ALL, PROTOCOL_TCP, SecurityGroup, SecurityGroupRule, SourceRef } from '../model';
import { causesText, openingsFor } from './open-ended';
import { Finding } from './plan';
import { RULES } from './rules';
import { Topology } from './topology';

const MAX_SECURITY_GROUPS_PER_ENI = 5;

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
  /** Egress allows all TCP to the group itself. */
  readonly selfEgress: boolean;
  /** Rules the templates do not list, by direction (see `OpenEnded`). */
  readonly openIngress: OpenEnded[];
  readonly openEgress: OpenEnded[];
}

/** Judgements by list of group ids (as JSON), per topology: many connections share their groups. */
const judgements = new WeakMap<Topology, Map<string, GroupsJudgement | undefined>>();

function judgeGroupsOnce(topo: Topology, ids: readonly string[]): GroupsJudgement | undefined {
  let byIds = judgements.get(topo);
  if (!byIds) judgements.set(topo, byIds = new Map());
  const key = JSON.stringify(ids);
  if (!byIds.has(key)) byIds.set(key, judgeGroups(topo, ids));
  return byIds.get(key);
}

/** Undefined unless every group is described and complete: a missing group might hold the rule. */
function judgeGroups(topo: Topology, ids: readonly string[]): GroupsJudgement | undefined {
  const described: SecurityGroup[] = [];
  for (const id of ids) {
    const group = topo.securityGroup(id);
    if (!group || group.incomplete) return undefined;
    described.push(group);
  }
  if (!described.length) return undefined;
  // A rule that may not exist as shown (`uncertain`) proves nothing, but may be the one needed:
  // then there is no finding (the reader reported the unresolved value).
  const selfRef = described.some((g) => g.ingress.some((r) => (r.uncertain ? r.peer.kind === 'unknown' || r.peer.kind === 'security-group' : allTcp(r))
    && (r.peer.kind === 'unknown' || (r.peer.kind === 'security-group' && r.peer.groupId === g.id))));
  const openIngress = described.flatMap((g) => openingsFor(g.openEnded, 'ingress'));
  const openEgress = described.flatMap((g) => openingsFor(g.openEnded, 'egress'));
  if (described.some((g) => g.egress.some((r) => r.uncertain))) return { source: described[0].source, selfRef, egressEnough: true, selfEgress: true, openIngress, openEgress };
  const egress = described.flatMap((g) => g.egress.map((r) => ({ rule: r, group: g.id })));
  const allOpen = egress.some(({ rule }) => rule.protocol === PROTOCOL_ALL && rule.peer.kind === 'cidr' && rule.peer.cidr.prefixLength === 0);
  const selfEgress = egress.some(({ rule, group }) => allTcp(rule) && rule.peer.kind === 'security-group' && rule.peer.groupId === group);
  const https = egress.some(({ rule }) => allowsHttpsToAnywhereOrS3(rule));
  const allTcpOut = egress.some(({ rule }) => allTcp(rule) && rule.peer.kind === 'cidr' && rule.peer.cidr.prefixLength === 0);
  return { source: described[0].source, selfRef, egressEnough: allOpen || allTcpOut || (selfEgress && https), selfEgress, openIngress, openEgress };
}

/**
 * What Glue requires of a network-bearing connection's security groups and VPC, independent of
 * any data store: a self-referencing all-TCP inbound rule on one group, enough egress, VPC DNS.
 */
export function checkGlueRequirements(topo: Topology, connection: GlueConnection): Finding[] {
  const findings: Finding[] = [];
  const name = connection.name.known ? connection.name.value : connection.id;

  if (connection.securityGroupIds.length > MAX_SECURITY_GROUPS_PER_ENI) {
    findings.push({
      ruleId: RULES.quotaSecurityGroups.id,
      severity: RULES.quotaSecurityGroups.severity,
      source: connection.source,
      message: `Connection ${name} lists ${connection.securityGroupIds.length} security groups; an ENI accepts ${MAX_SECURITY_GROUPS_PER_ENI} by default, so Glue cannot create its ENIs.`,
      fix: 'Merge the rules into at most 5 groups, or raise the "Security groups per network interface" quota.',
    });
  }
  const groups = judgeGroupsOnce(topo, connection.securityGroupIds);
  if (groups) {
    // A rule the templates do not list may be the one missing (or remove the one listed).
    const undecided = (met: boolean, openings: OpenEnded[]) => (met ? openings.filter((o) => o.effect === 'change') : openings);
    const openSelfRef = undecided(groups.selfRef, groups.openIngress);
    const openEgress = undecided(groups.egressEnough, groups.openEgress);
    for (const [openings, what] of [[openSelfRef, 'a self-referencing inbound rule for all TCP ports'], [openEgress, 'the outbound rules Glue needs (all outbound, or all TCP to the group itself and HTTPS to S3)']] as const) {
      if (!openings.length) continue;
      findings.push({
        ruleId: RULES.sgRequirementsUnknown.id,
        severity: RULES.sgRequirementsUnknown.severity,
        source: openings[0].source,
        message: `Whether connection ${name}'s security groups (${connection.securityGroupIds.join(', ')}) have ${what} cannot be decided: the templates ${what.startsWith('a self') ? (groups.selfRef ? 'list it' : 'do not list it') : (groups.egressEnough ? 'list them' : 'do not list them')}, and the groups may have rules they do not list: ${causesText(openings)}.`,
        fix: `Add the rule${what.startsWith('a self') ? '' : 's'} in the templates (${what.startsWith('a self') ? `connections.allowInternally(ec2.Port.allTcp()) on ${connection.securityGroupIds[0]}` : `allowAllOutbound on ${connection.securityGroupIds[0]}`}), or acknowledge this warning.`,
      });
    }
    if (!groups.selfRef && !openSelfRef.length) {
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
    }
  }
  return findings;
}

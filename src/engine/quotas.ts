/*
 * The account's VPC quotas the checks and auto-peer count against. The templates do not show
 * them: the defaults are assumed unless the caller gives the account's values (a raised quota is
 * a Service Quotas request, not a resource). Sources: Amazon VPC quotas,
 * https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html ("Active VPC peering
 * connections per VPC": 50, up to 125; "Routes per route table" (Service Quotas L-93826ACB): 500
 * since AWS raised the default from 50 in June 2025, up to 1,000; "Security groups per network
 * interface": 5, up to 16; "Inbound or outbound rules per security group": 60, "This quota
 * multiplied by the quota for security groups per network interface cannot exceed 1,000").
 */

import { Fact, known, QuotaValues, RouteTable, SecurityGroup, SecurityGroupRule } from '../model';
import type { Topology } from './topology';

/** The quotas a caller may give (each optional: the default is assumed). */
export type QuotaOptions = QuotaValues;

export type QuotaName = keyof QuotaOptions;

interface QuotaDefinition {
  /** The quota's name in the Amazon VPC quotas page. */
  readonly title: string;
  readonly defaultValue: number;
  /** The most AWS grants. */
  readonly max: number;
}

export const QUOTA_DEFINITIONS: Readonly<Record<QuotaName, QuotaDefinition>> = {
  peeringsPerVpc: { title: 'Active VPC peering connections per VPC', defaultValue: 50, max: 125 },
  routesPerRouteTable: { title: 'Routes per route table', defaultValue: 500, max: 1000 },
  securityGroupsPerNetworkInterface: { title: 'Security groups per network interface', defaultValue: 5, max: 16 },
  rulesPerSecurityGroup: { title: 'Inbound or outbound rules per security group', defaultValue: 60, max: 1000 },
};

/**
 * "Inbound or outbound rules per security group" multiplied by "Security groups per network
 * interface" cannot exceed this (Amazon VPC quotas): raising one lowers the other.
 */
export const RULES_TIMES_GROUPS_MAX = 1000;

/** Each of the two quotas whose product is bounded, and the other. */
const BOUND_PAIR: Partial<Record<QuotaName, QuotaName>> = {
  rulesPerSecurityGroup: 'securityGroupsPerNetworkInterface',
  securityGroupsPerNetworkInterface: 'rulesPerSecurityGroup',
};

/** The quotas in force for one plan: each value, and whether the caller gave it. */
export class Quotas {
  static readonly DEFAULT = new Quotas({});

  /**
   * Checks the values (whole numbers from 1 to the most AWS grants) and fills in the defaults.
   * Throws an Error naming the quota, the value and the allowed range.
   */
  static of(options?: QuotaOptions): Quotas {
    if (!options) return Quotas.DEFAULT;
    for (const name of Object.keys(QUOTA_DEFINITIONS) as QuotaName[]) {
      const value = options[name];
      if (value === undefined) continue;
      const { title, max } = QUOTA_DEFINITIONS[name];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
        throw new Error(`quota ${name} (${title}) must be a whole number from 1 to ${max}, the most AWS grants; got ${JSON.stringify(value)}`);
      }
    }
    const rules = options.rulesPerSecurityGroup;
    const groups = options.securityGroupsPerNetworkInterface;
    if (rules !== undefined && groups !== undefined && rules * groups > RULES_TIMES_GROUPS_MAX) {
      throw new Error(`quotas rulesPerSecurityGroup (${QUOTA_DEFINITIONS.rulesPerSecurityGroup.title}) and securityGroupsPerNetworkInterface (${QUOTA_DEFINITIONS.securityGroupsPerNetworkInterface.title}) multiplied cannot exceed 1,000, so AWS does not grant both; got ${rules} x ${groups} = ${rules * groups}`);
    }
    return new Quotas(options);
  }

  /** The caller's quotas over those a facts document gave the model (the account's), quota by quota; checked. */
  static forPlan(model: QuotaOptions | undefined, options: QuotaOptions | undefined): Quotas {
    return Quotas.of(model || options ? { ...model, ...options } : undefined);
  }

  private constructor(private readonly given: QuotaOptions) {}

  /**
   * The quota given, else the default; for one of the two quotas whose product is bounded, a
   * default the other's given value leaves room for (AWS lowers one as it raises the other).
   */
  value(name: QuotaName): number {
    return this.given[name] ?? Math.min(QUOTA_DEFINITIONS[name].defaultValue, this.boundByOther(name) ?? Infinity);
  }

  /** `the default quota of 50`, or `the account's quota of 200` when given, for messages. */
  text(name: QuotaName): string {
    const value = this.given[name];
    if (value !== undefined) return `the account's quota of ${value}`;
    const bound = this.boundByOther(name);
    const other = BOUND_PAIR[name];
    if (bound !== undefined && other !== undefined && bound < QUOTA_DEFINITIONS[name].defaultValue) {
      return `a quota of at most ${bound} (the account's ${this.given[other]} ${QUOTA_DEFINITIONS[other].title.toLowerCase()} leave no more: the two multiplied cannot exceed 1,000)`;
    }
    return `the default quota of ${QUOTA_DEFINITIONS[name].defaultValue}`;
  }

  /** The most the quota can be given the other quota of its bounded pair, when that one is given. */
  private boundByOther(name: QuotaName): number | undefined {
    const other = BOUND_PAIR[name];
    const otherValue = other !== undefined ? this.given[other] : undefined;
    return otherValue === undefined ? undefined : Math.floor(RULES_TIMES_GROUPS_MAX / otherValue);
  }

  /** Whether the value is the default (assumed, not given). */
  isDefault(name: QuotaName): boolean {
    return this.given[name] === undefined;
  }
}

/**
 * What a route table holds against the "Routes per route table" quota: each route one, except
 * a route to a prefix list, which AWS counts by the list's weight, its maximum entries, however
 * many entries it holds ("When you reference a prefix list in a resource, the maximum number of
 * entries for the prefix lists counts against the quota for the number of entries for the
 * resource", https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html); and
 * each gateway endpoint on the table one: its route is to the service's AWS-managed prefix list
 * (S3's or DynamoDB's), whose documented weight is 1
 * (https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html).
 * Routes that may not be in the table (`uncertain`) count, as they may be. Routes a virtual
 * private gateway propagates (`propagated`) do not: the quota is on non-propagated routes
 * ("Routes per route table (non-propagated routes)",
 * https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html).
 */
export interface RouteQuotaUse {
  /** The count the inputs show (lists whose weight is unknown not included). */
  readonly count: number;
  /** The prefix lists referenced whose weight the inputs do not give, each with why (for messages). */
  readonly unweighed: readonly string[];
}

export function routeQuotaUse(topo: Topology, table: RouteTable): RouteQuotaUse {
  const gatewayEndpoints = topo.gatewayEndpointsOn(table.id).filter((endpoint) => endpoint.type === 'Gateway');
  let count = gatewayEndpoints.length;
  // A facts file may list a gateway endpoint on the table and also its route (to the service's
  // prefix list, through the endpoint): that route is the endpoint's, counted once above.
  const endpointIds = new Set(gatewayEndpoints.map((endpoint) => endpoint.id));
  const endpointLists = new Set<string>();
  for (const route of table.routes) {
    if (route.prefixList !== undefined && route.target.targetId !== undefined && endpointIds.has(route.target.targetId)) endpointLists.add(route.prefixList);
    else if (route.prefixList === undefined && !route.propagated) count++;
  }
  const unweighed: string[] = [];
  for (const reference of table.prefixListWeights ?? []) {
    if (endpointLists.has(reference.prefixList)) continue;
    const weight = weightOf(reference.weight, reference.prefixList, topo.model.prefixListMaxEntries);
    if (weight.known) count += weight.value;
    else unweighed.push(`prefix list ${reference.prefixList} (${weight.reason}${reference.uncertain ? `; ${reference.uncertain}` : ''})`);
  }
  return { count, unweighed };
}

/**
 * What a security group's rules in one direction count against "Inbound or outbound rules per
 * security group", as AWS counts them
 * (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups,
 * and "Security group size" in
 * https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html): the quota is
 * enforced apart for inbound and outbound rules, and apart for IPv4 and IPv6 rules; a rule to a
 * CIDR block counts one, a rule to another security group one "no matter the size of the
 * referenced security group", a rule to a prefix list its maximum entries (an AWS-managed list,
 * its weight). A rule to a security group counts on both sides, IPv4 and IPv6: the quotas page
 * said so ("A rule that references a security group ... counts as one rule for IPv4 and one rule
 * for IPv6") until it was reworded, and the current text does not say otherwise; so does a rule
 * whose peer is not resolved (it may be a group; not one whose CidrIp is not resolved, an IPv4
 * rule). An assumption, stated in RULES.md. Rules that
 * may not be in the group (`uncertain`) count, as they may be.
 */
export interface GroupRuleQuotaUse {
  /** The IPv4 rules the inputs count (weights they do not give not included). */
  readonly ipv4: number;
  /** The IPv6 rules the inputs count: the group references, the IPv6 rules of the templates. */
  readonly ipv6: number;
  /** The rules whose weight the inputs do not give, each with why (for messages). */
  readonly unweighed: readonly string[];
  /**
   * Why the group may have rules the inputs do not list (a placeholder for an unresolved group,
   * rules a custom resource or another stack may add), for messages.
   */
  readonly unseen: readonly string[];
}

/**
 * A reference's weight: as the inputs give it where they resolve it, else, for a list referenced
 * by `pl-...` id, the maximum entries a facts document's `prefixLists` gives for it.
 */
function weightOf(weight: Fact<number>, prefixList: string | undefined, sizes: ReadonlyMap<string, number> | undefined): Fact<number> {
  if (weight.known || prefixList === undefined) return weight;
  const size = sizes?.get(prefixList);
  return size === undefined ? weight : known(size);
}

/**
 * Whether a rule of `ingress`/`egress` counts on the IPv6 side too (besides the IPv4 side): a
 * group reference, by the assumption above; so may a peer not resolved, unless it is a CIDR block
 * (`CidrIp`), an IPv4 rule only. (Rules to prefix lists are counted by their weights.)
 */
export function countedOnBothSides(rule: SecurityGroupRule): boolean {
  if (rule.prefixList !== undefined) return false;
  return rule.peer.kind === 'security-group' || (rule.peer.kind === 'unknown' && !rule.peer.ipv4);
}

/**
 * `sizes`: the model's `prefixListMaxEntries`; `families`: its `prefixListFamilies` (a rule to a
 * list whose family only the facts give counts on that side only: the quota is enforced apart for
 * IPv4 and IPv6 rules, so an AWS-managed IPv4 list's weight is not IPv6 rules).
 */
export function groupRuleQuotaUse(group: SecurityGroup, direction: 'ingress' | 'egress', sizes?: ReadonlyMap<string, number>,
  families?: ReadonlyMap<string, 'ipv4' | 'ipv6'>): GroupRuleQuotaUse {
  let ipv4 = 0;
  let ipv6 = 0;
  for (const rule of group[direction]) {
    // A rule to a prefix list is counted by the list's weight (ruleWeights), not by its entries.
    if (rule.prefixList !== undefined || rule.peer.kind === 'prefix-list') continue;
    ipv4++;
    if (countedOnBothSides(rule)) ipv6++;
  }
  const unweighed: string[] = [];
  for (const weight of group.ruleWeights ?? []) {
    if (weight.direction !== direction) continue;
    const counted = weightOf(weight.weight, weight.prefixList, sizes);
    if (!counted.known) {
      unweighed.push(`${weight.what} (${counted.reason}${weight.uncertain ? `; ${weight.uncertain}` : ''})`);
      continue;
    }
    const family = weight.family === 'unknown' && weight.prefixList !== undefined ? families?.get(weight.prefixList) ?? 'unknown' : weight.family;
    if (family !== 'ipv6') ipv4 += counted.value;
    if (family !== 'ipv4') ipv6 += counted.value;
  }
  const unseen: string[] = [];
  if (group.unresolved) unseen.push(`the group is not resolved (${group.unresolved})`);
  else if (group.incomplete) unseen.push(`its rules are not all described (${group.incomplete})`);
  for (const opening of [...group.openEnded ?? [], ...group.rulesAddedElsewhere ?? []]) {
    if (opening.direction === undefined || opening.direction === direction) unseen.push(`it may have rules the inputs do not list: ${opening.cause}`);
  }
  return { ipv4, ipv6, unweighed, unseen };
}

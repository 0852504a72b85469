/*
 * The account's VPC quotas the checks and auto-peer count against. The templates do not show
 * them: the defaults are assumed unless the caller gives the account's values (a raised quota is
 * a Service Quotas request, not a resource). Sources: Amazon VPC quotas,
 * https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html ("Active VPC peering
 * connections per VPC": 50, up to 125; "Routes per route table" (Service Quotas L-93826ACB): 500
 * since AWS raised the default from 50 in June 2025, up to 1,000; "Security groups per network
 * interface": 5, up to 16).
 */

import { QuotaValues, RouteTable } from '../model';
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
    return new Quotas(options);
  }

  /** The caller's quotas over those a facts document gave the model (the account's), quota by quota; checked. */
  static forPlan(model: QuotaOptions | undefined, options: QuotaOptions | undefined): Quotas {
    return Quotas.of(model || options ? { ...model, ...options } : undefined);
  }

  private constructor(private readonly given: QuotaOptions) {}

  value(name: QuotaName): number {
    return this.given[name] ?? QUOTA_DEFINITIONS[name].defaultValue;
  }

  /** `the default quota of 50`, or `the account's quota of 200` when given, for messages. */
  text(name: QuotaName): string {
    const value = this.given[name];
    return value === undefined ? `the default quota of ${QUOTA_DEFINITIONS[name].defaultValue}` : `the account's quota of ${value}`;
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
  let count = topo.gatewayEndpointsOn(table.id).filter((endpoint) => endpoint.type === 'Gateway').length;
  for (const route of table.routes) if (route.prefixList === undefined && !route.propagated) count++;
  const unweighed: string[] = [];
  for (const reference of table.prefixListWeights ?? []) {
    if (reference.weight.known) count += reference.weight.value;
    else unweighed.push(`prefix list ${reference.prefixList} (${reference.weight.reason}${reference.uncertain ? `; ${reference.uncertain}` : ''})`);
  }
  return { count, unweighed };
}

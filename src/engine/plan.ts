import type { QuotaOptions } from './quotas';
import { GlueUnitKind, SourceRef } from '../model';

export type Severity = 'error' | 'warning' | 'info';
export type Verdict = 'REACHABLE' | 'UNREACHABLE' | 'UNKNOWN';

/** A finding: stable rule id, severity, the element it concerns, and what/why/fix. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  /** Where the problem is (the resource to change). */
  readonly source: SourceRef;
  /** What is wrong and why (with the AWS rule behind it). */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /** The job this finding is about, when it is about one (model key). */
  readonly jobId?: string;
}

/** A connection as plans show it. */
export interface ConnectionSummary {
  readonly id: string;
  readonly source: SourceRef;
  readonly name: string;
  readonly subnet?: string;
  readonly az?: string;
  readonly vpc?: string;
}

export type CandidateStatus = 'selected' | 'skipped' | 'not-considered' | 'unknown';

export interface Reason {
  readonly code: string;
  readonly message: string;
  /** A run failure that may or may not happen (the inputs do not decide it): UNKNOWN, never an error. */
  readonly unknown?: boolean;
}

export interface Candidate {
  readonly connection: ConnectionSummary;
  readonly status: CandidateStatus;
  readonly reasons: Reason[];
}

/** One component a packet passes (or would pass) on its way, with what it decided. */
export interface Hop {
  /** `route-table`, `vpc-peering`, `transit-gateway`, `security-group`, `network-acl`, `dns`, `eni`, `data-store`. */
  readonly kind: string;
  readonly direction: 'forward' | 'return';
  /** The component (model key or literal id) and where it was defined. */
  readonly component: string;
  readonly source?: SourceRef;
  readonly verdict: Verdict;
  /** What this component did with the packet. */
  readonly detail: string;
}

export interface Explanation {
  /** Reachability Analyzer's code where one fits (`DISCONNECTED_VPCS`, ...), ours otherwise. */
  readonly code: string;
  readonly component: string;
  readonly source?: SourceRef;
  readonly message: string;
  readonly fix: string;
  /** Unknown (missing fact) rather than a blocking setting. */
  readonly unknown?: boolean;
}

/** The path from the selected ENI subnet to one subnet of a data store. */
export interface PathTrace {
  readonly sourceSubnet: string;
  readonly destinationSubnet: string;
  readonly verdict: Verdict;
  readonly hops: Hop[];
  readonly explanations: Explanation[];
  /** Assumptions the path's verdict rests on (e.g. the client ports of Glue's workers). */
  readonly assumptions?: string[];
  /**
   * For a publicly accessible store named by DNS from another VPC: what its name resolves to,
   * and so which path this is (`public`: through a NAT gateway and the internet).
   */
  readonly nameResolution?: NameResolution;
}

/**
 * What a publicly accessible store's DNS name resolves to from the Glue subnet's VPC: its public
 * address from any other VPC, unless a peering between the two allows DNS resolution from the
 * remote VPC on the store's side (`AllowDnsResolutionFromRemoteVpc`; CloudFormation cannot set
 * it), or a transit gateway joining them has DNS support enabled (`DnsSupport` on the gateway,
 * and, as the library assumes, `Options.DnsSupport` on both VPC attachments).
 */
export interface NameResolution {
  readonly resolvesTo: 'private' | 'public' | 'unknown';
  readonly eniVpc: string;
  readonly storeVpc: string;
  /** The peering joining the two VPCs, when there is one. */
  readonly peeringId?: string;
  /** The side of that peering whose DNS option decides (the store's VPC's side). */
  readonly optionSide?: 'requester' | 'accepter';
  /**
   * The transit gateway joining the two VPCs whose DNS support decides, when no peering does; or,
   * beside `peeringId`, one whose DNS support disagrees with the peering's option (unknown then).
   */
  readonly transitGatewayId?: string;
  /** Why, in words. */
  readonly why: string;
}

export interface DataStorePlan {
  readonly connection: ConnectionSummary;
  /** How the store's location was found: `rds-instance`, `declared`, `connection-subnet`, ... */
  readonly locatedBy: string;
  /** The store resource, when it is one in the model. */
  readonly storeSource?: SourceRef;
  readonly port?: number;
  readonly verdict: Verdict;
  readonly paths: PathTrace[];
  /** Every explanation of every path, de-duplicated, blocking ones first. */
  readonly explanations: Explanation[];
  /** Assumptions the verdict rests on (e.g. store guarded by its connection's groups). */
  readonly assumptions: string[];
}

export interface FailoverScenario {
  readonly azDown: string;
  readonly selectedConnection: ConnectionSummary | null;
  readonly candidates: Candidate[];
  readonly dataStores: DataStorePlan[];
  /** True when every store is REACHABLE; false when any is UNREACHABLE or nothing is selected; null when unknown. */
  readonly allReachable: boolean | null;
}

export interface JobPlan {
  /** What is planned: a crawler, a dev endpoint or a session; absent for a job. */
  readonly kind?: GlueUnitKind;
  readonly id: string;
  readonly source: SourceRef;
  readonly name: string;
  readonly selectedConnection: ConnectionSummary | null;
  readonly candidates: Candidate[];
  readonly dataStores: DataStorePlan[];
  readonly failover: FailoverScenario[];
  readonly findings: Finding[];
}

/** A VPC the plan's paths or connections touch, as diagrams show it. */
export interface VpcSummary {
  readonly id: string;
  readonly source: SourceRef;
  /** Primary block first, then secondary blocks; empty when unknown. */
  readonly cidrs: string[];
}

/** A subnet the plan's paths or connections touch, as diagrams show it. */
export interface SubnetSummary {
  readonly id: string;
  readonly source: SourceRef;
  readonly vpc?: string;
  readonly cidr?: string;
  readonly az?: string;
}

/** The VPCs and subnets a plan refers to, so reports can draw them without the model. */
export interface PlanNetwork {
  readonly vpcs: VpcSummary[];
  readonly subnets: SubnetSummary[];
}

export interface Plan {
  readonly jobs: JobPlan[];
  /** Findings not about one job (connections, peerings, quotas, input problems). */
  readonly findings: Finding[];
  readonly azDown: string[];
  /** The VPCs and subnets the jobs' connections and paths touch (for diagrams). */
  readonly network?: PlanNetwork;
}

export interface PlanOptions {
  /** AZs to treat as unhealthy for the main selection. */
  readonly azDown?: readonly string[];
  /** Evaluate single-AZ failure what-ifs (default true). */
  readonly failover?: boolean;
  /** The account's VPC quotas, where raised (default: AWS's default quotas, assumed). */
  readonly quotas?: QuotaOptions;
}

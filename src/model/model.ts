import { DataStoreResource, DeclaredDataStore, GlueConnection, GlueJob } from './glue';
import {
  GatewayEndpoint, NatGateway, NetworkAcl, PrivateHostedZone, RouteTable, SecurityGroup, SourceRef, Subnet, TransitGateway,
  TransitGatewayAttachment, TransitGatewayRouteTable, Vpc, VpcPeeringConnection,
} from './network';

/** Something the reader could not turn into model facts, reported as a finding. */
export interface IngestIssue {
  readonly source: SourceRef;
  readonly message: string;
  /**
   * `not-read`: a part of the input the reader skips (a nested stack whose template is missing, a
   * transform it does not expand, a connection made by a custom resource). Default: a value that
   * could not be resolved.
   */
  readonly kind?: 'not-read';
  /** How to fix it, when the kind's usual fix does not fit. */
  readonly fix?: string;
}

/**
 * Everything the engine knows, keyed by model id. Built by `ingest`, read by `engine`.
 * Maps keep insertion order, so iteration (and so every plan) is deterministic.
 */
export interface NetworkModel {
  readonly vpcs: Map<string, Vpc>;
  readonly subnets: Map<string, Subnet>;
  readonly routeTables: Map<string, RouteTable>;
  readonly gatewayEndpoints: Map<string, GatewayEndpoint>;
  readonly natGateways: Map<string, NatGateway>;
  readonly securityGroups: Map<string, SecurityGroup>;
  readonly networkAcls: Map<string, NetworkAcl>;
  readonly peerings: Map<string, VpcPeeringConnection>;
  readonly transitGateways: Map<string, TransitGateway>;
  readonly transitGatewayAttachments: Map<string, TransitGatewayAttachment>;
  readonly transitGatewayRouteTables: Map<string, TransitGatewayRouteTable>;
  readonly connections: Map<string, GlueConnection>;
  readonly jobs: Map<string, GlueJob>;
  readonly dataStores: Map<string, DataStoreResource>;
  /** Declared stores, by connection model key. */
  readonly declaredStores: Map<string, DeclaredDataStore>;
  /** Route 53 private hosted zones of the templates (absent: none read). */
  readonly privateHostedZones?: Map<string, PrivateHostedZone>;
  readonly issues: IngestIssue[];
  /** The account's VPC quotas a facts document gives (read by `--from-aws`, or written); absent: the defaults. */
  quotas?: QuotaValues;
  /**
   * The maximum entries (an AWS-managed list's weight) of prefix lists referenced by `pl-...` id,
   * as a facts document's `prefixLists` gives them: the weight of a route or rule to such a list
   * where the route or rule does not give it.
   */
  prefixListMaxEntries?: Map<string, number>;
  /**
   * The address family a facts document's `prefixLists` gives a list referenced by `pl-...` id,
   * described or only weighed (an AWS-managed IPv4 list, as `--from-aws` writes it): the side of
   * the rules quota a rule to it counts on, where the inputs do not tell it.
   */
  prefixListFamilies?: Map<string, 'ipv4' | 'ipv6'>;
}

/** VPC quotas of an account (each absent: AWS's default). */
export interface QuotaValues {
  /** Active VPC peering connections per VPC. */
  readonly peeringsPerVpc?: number;
  /** Routes per route table. */
  readonly routesPerRouteTable?: number;
  /** Security groups per network interface. */
  readonly securityGroupsPerNetworkInterface?: number;
  /** Inbound or outbound rules per security group. */
  readonly rulesPerSecurityGroup?: number;
}

export function emptyModel(): NetworkModel {
  return {
    vpcs: new Map(),
    subnets: new Map(),
    routeTables: new Map(),
    gatewayEndpoints: new Map(),
    natGateways: new Map(),
    securityGroups: new Map(),
    networkAcls: new Map(),
    peerings: new Map(),
    transitGateways: new Map(),
    transitGatewayAttachments: new Map(),
    transitGatewayRouteTables: new Map(),
    connections: new Map(),
    jobs: new Map(),
    dataStores: new Map(),
    declaredStores: new Map(),
    privateHostedZones: new Map(),
    issues: [],
  };
}

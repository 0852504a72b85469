import { Cidr } from './cidr';
import { Fact } from './fact';

/** Where an element of the model came from, so a finding can point at it. */
export interface SourceRef {
  /** Stack name (artifact id) or `facts` for elements described by a facts file. */
  readonly stack: string;
  /** CloudFormation logical ID, or the facts file's id for the element. */
  readonly logicalId: string;
  /** CDK construct path (`aws:cdk:path` metadata) when known. */
  readonly constructPath?: string;
  /** File the element was read from, when read from a file. */
  readonly file?: string;
}

/** Port range, inclusive. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export const ALL_PORTS: PortRange = { from: 0, to: 65535 };
/** Replies to the Glue ENI's client sockets: the ephemeral range AWS recommends NACLs allow. */
export const EPHEMERAL_PORTS: PortRange = { from: 1024, to: 65535 };

/** IP protocol as EC2 writes it: `-1` (all), or a protocol number (6 = TCP, 17 = UDP, 1 = ICMP). */
export type Protocol = number;
export const PROTOCOL_ALL: Protocol = -1;
export const PROTOCOL_TCP: Protocol = 6;

export interface Vpc {
  /** Model key: unique across the whole model. */
  readonly id: string;
  readonly source: SourceRef;
  /** Primary CIDR block first, then secondary blocks (`AWS::EC2::VPCCidrBlock`). */
  readonly cidrBlocks: Fact<Cidr[]>;
  readonly region: Fact<string>;
  readonly account: Fact<string>;
  readonly enableDnsSupport: Fact<boolean>;
  readonly enableDnsHostnames: Fact<boolean>;
  /**
   * Whether the VPC's instances ask the Amazon-provided DNS server only (its DHCP options set's
   * `DomainNameServers` is `AmazonProvidedDNS`, as in the default set): a VPC of the templates
   * with no `AWS::EC2::VPCDHCPOptionsAssociation` has the default set. Absent: not read (a VPC
   * of --facts). A DNS server of the user's own may resolve names when `enableDnsSupport` is off.
   */
  readonly amazonProvidedDnsOnly?: Fact<boolean>;
  /** Route table used by subnets without an explicit association (model key). */
  readonly mainRouteTableId: string;
  /** Network ACL used by subnets without an explicit association (model key). */
  readonly defaultNetworkAclId: string;
}

/**
 * A zone the templates name only by its place in the list `Fn::GetAZs` returns
 * (`Fn::Select [0, Fn::GetAZs '']`, what `ec2.Vpc` writes for environment-agnostic stacks): which
 * zone that is depends on the account, so its name is known only at deploy time. Two places that
 * take the same index of the same list name the same zone; different indexes name different zones.
 */
/** The `list` of a symbolic zone that is a CDK placeholder (`dummy1a`): the stack's zones not looked up yet. */
export const CDK_PLACEHOLDER_ZONES = 'cdk-placeholder';

export interface SymbolicZone {
  /** `current-region-az1` for the first zone of an environment-agnostic stack, `us-east-1-az1` with a Region. */
  readonly symbol: string;
  /** The list indexed: the Region, or `current-region` (or `CDK_PLACEHOLDER_ZONES`). */
  readonly list: string;
  /** Index in the list, from 0. */
  readonly index: number;
  /**
   * Set on the zone `Fn::GetAtt <Subnet>.AvailabilityZone` gives for a subnet placed by AZ ID:
   * that ID (then `symbol` is it too, `list` is `zone-id`). The zone is that physical zone, but
   * CloudFormation returns its name, which depends on the account.
   */
  readonly zoneId?: string;
}

export interface Subnet {
  readonly id: string;
  readonly source: SourceRef;
  readonly vpcId: Fact<string>;
  readonly cidr: Fact<Cidr>;
  readonly availabilityZone: Fact<string>;
  /** When the zone comes from `Fn::GetAZs` (then `availabilityZone` is unknown): which one it is. */
  readonly symbolicZone?: SymbolicZone;
  /** Explicitly associated route table (model key); the VPC's main table when absent. */
  readonly routeTableId?: string;
  /** Explicitly associated network ACL (model key); the VPC's default NACL when absent. */
  readonly networkAclId?: string;
  /**
   * Set when an association the templates cannot resolve (its table, its subnet or its
   * condition) may apply to this subnet: without a known `routeTableId`, the effective route
   * table is then unknown, for this reason.
   */
  readonly routeTableUnresolved?: string;
  /** Like `routeTableUnresolved`, for the network ACL association. */
  readonly networkAclUnresolved?: string;
  /**
   * Set when the subnet is (or may be) IPv6-only (EC2 `Ipv6Native`): why. Its traffic then
   * follows its route table's IPv6 routes and its network ACL's IPv6 entries, which the model
   * (IPv4) does not hold: its effective route table and network ACL are unknown for this reason,
   * whatever its associations.
   */
  readonly ipv6Only?: string;
  /**
   * Addresses known to be in use by other things: from facts (the account's count), or in a subnet
   * of the templates, by the network interfaces of the templates' elements counted there (see
   * `usedBy`); 0 when nothing is known.
   */
  readonly usedAddresses: number;
  /** What of the templates takes `usedAddresses` in a subnet of the templates, in words. */
  readonly usedBy?: string[];
  /**
   * Set when something of the templates takes more addresses in the subnet than `usedAddresses`
   * counts, by a number AWS does not document or the inputs do not give (a resource endpoint's
   * network interfaces, a service-network endpoint's further /28 blocks): why. `usedAddresses` is
   * then a lower bound.
   */
  readonly usedAddressesUnknown?: string;
}

export type RouteTargetKind =
  | 'local'
  | 'vpc-peering'
  | 'transit-gateway'
  | 'internet-gateway'
  | 'egress-only-internet-gateway'
  | 'nat-gateway'
  | 'vpn-gateway'
  | 'instance'
  | 'network-interface'
  | 'gateway-load-balancer-endpoint'
  | 'carrier-gateway'
  | 'core-network'
  | 'local-gateway'
  | 'unknown';

export interface RouteTarget {
  readonly kind: RouteTargetKind;
  /** Model key of the target (peering, NAT gateway, transit gateway) when it is in the model. */
  readonly targetId?: string;
  /** What the template says the target is (a literal id, or a description), for messages. */
  readonly description: string;
}

/**
 * Why an element may hold more rules or routes than the templates (and facts) list: a custom
 * resource that calls EC2 on it, a VPN that propagates routes into it, a transit gateway route
 * table other stacks can change. The engine never draws a negative verdict from what such an
 * element lacks: that is UNKNOWN, naming the cause.
 */
export interface OpenEnded {
  /** What adds them, in the user's terms, e.g. `custom resource App/Net/AddRoute (AddRoute1A2B) calls EC2 CreateRoute`. */
  readonly cause: string;
  /** The element that causes it (the custom resource, the propagation, the export). */
  readonly source: SourceRef;
  /** `custom-resource`: an EC2 call; `vpn`: routes a virtual private gateway propagates; `outside`: other stacks or accounts. */
  readonly kind: 'custom-resource' | 'vpn' | 'outside';
  /**
   * `add`: only adds (allow rules, routes that never override the local route, propagations);
   * `change`: may also remove or replace listed ones, or add deny entries: then even a verdict the
   * listed rules allow is not certain.
   */
  readonly effect: 'add' | 'change';
  /** Security groups and network ACLs: the direction affected; absent: both. */
  readonly direction?: 'ingress' | 'egress';
  /** Routes: the destinations added, when known; absent: any destination. */
  readonly destinations?: Cidr[];
  /** Where the added routes lead, for messages (`vgw-...`, `a VPN gateway`), when known. */
  readonly via?: string;
}

export interface Route {
  readonly source: SourceRef;
  /**
   * Destination CIDR; unknown when unresolvable, or a prefix list whose entries the inputs do
   * not hold (AWS-managed, created elsewhere).
   */
  readonly destination: Fact<Cidr>;
  readonly target: RouteTarget;
  /**
   * Set on a route to a prefix list: the list's model id when the templates define it (then the
   * route is one route per entry of the list, and a static route to the same CIDR wins over it),
   * else its `pl-...` id, or, when the templates do not resolve the reference, the value in words
   * (then `prefixListUnresolved` is set). Such routes count against the routes quota by the list's
   * weight (see `RouteTable.prefixListWeights`), not one each.
   */
  readonly prefixList?: string;
  /** Set on a route to a prefix list the templates do not resolve (`prefixList` is no id then). */
  readonly prefixListUnresolved?: true;
  /**
   * Set on a route a virtual private gateway propagates into the table (read from the account:
   * `Origin: EnableVgwRoutePropagation`, or `propagated: true` in facts). It routes like any other;
   * only the "Routes per route table" quota, which counts non-propagated routes, leaves it out.
   */
  readonly propagated?: true;
  /**
   * Set when the route may not be in this table at all (its `RouteTableId` or its `Condition`
   * cannot be resolved): it decides nothing, but where it could apply the answer is unknown.
   */
  readonly uncertain?: string;
}

export interface RouteTable {
  readonly id: string;
  readonly source: SourceRef;
  readonly vpcId: Fact<string>;
  /** Routes other than the implicit `local` routes of the VPC's CIDR blocks. */
  readonly routes: Route[];
  /** True for the implicit main table the model creates for a VPC (only local routes). */
  readonly implicitMain: boolean;
  /** Routes may exist that the templates do not list. */
  readonly openEnded?: OpenEnded[];
  /**
   * One per route to a prefix list that is IPv4 or may be (whatever its entries): AWS counts a
   * referenced prefix list against the "Routes per route table" quota by its weight, the list's
   * maximum entries (`MaxEntries`), not by the entries it holds. (That quota is enforced apart for
   * IPv6 routes, which the model does not hold: an IPv6 list is not listed.)
   */
  readonly prefixListWeights?: PrefixListWeight[];
  /**
   * Routes to a prefix list the templates define that stand for no IPv4 route (an IPv6 list, or
   * one without entries): they route nothing here, and are kept only so that drift can compare
   * them with what EC2 describes, a route to the list's `pl-...` id.
   */
  readonly entrylessPrefixListRoutes?: EntrylessPrefixListRoute[];
  /**
   * The gateways (internet or virtual private) this table is associated with as a gateway route
   * table (`AWS::EC2::GatewayRouteTableAssociation`): it routes the traffic entering the VPC
   * through them. An unknown one may be any gateway.
   */
  readonly edgeGateways?: Fact<string>[];
}

/** A route to a prefix list of the templates that stands for no IPv4 route (see `RouteTable.entrylessPrefixListRoutes`). */
export interface EntrylessPrefixListRoute {
  readonly source: SourceRef;
  /** The list's model id. */
  readonly prefixList: string;
  readonly target: RouteTarget;
  readonly uncertain?: string;
}

/** What one reference to a prefix list weighs against a quota. */
export interface PrefixListWeight {
  readonly source: SourceRef;
  /** The list, for messages: its model id, or its `pl-...` id. */
  readonly prefixList: string;
  /** The list's `MaxEntries`; unknown when the inputs do not give it (a `pl-...` list, an unresolved value). */
  readonly weight: Fact<number>;
  /** Set when the reference may not be in this table (see `Route.uncertain`). */
  readonly uncertain?: string;
}

export interface GatewayEndpoint {
  readonly id: string;
  readonly source: SourceRef;
  readonly vpcId: Fact<string>;
  /** `s3`, `dynamodb`, or the service name when it is something else. */
  readonly service: Fact<string>;
  /**
   * `Resource` and `ServiceNetwork`: VPC Lattice resource and service-network endpoints (AWS
   * PrivateLink, "Access VPC resources through AWS PrivateLink", "Access a service network through a
   * service-network endpoint"): network interfaces in `subnetIds` reaching resource configurations,
   * never an AWS service's API (not a path to Secrets Manager or S3).
   */
  readonly type: 'Gateway' | 'Interface' | 'GatewayLoadBalancer' | 'Resource' | 'ServiceNetwork';
  /** Route tables (model keys) the endpoint is associated with. */
  readonly routeTableIds: string[];
  /**
   * For an interface endpoint: whether the service's public DNS name resolves to the endpoint
   * inside the VPC (`PrivateDnsEnabled`). Absent for gateway endpoints.
   */
  readonly privateDnsEnabled?: Fact<boolean>;
  /**
   * For an interface endpoint: the security groups of its network interfaces (EC2 uses the VPC's
   * default group when none is given). Unknown when unresolved or not described.
   */
  readonly securityGroupIds?: Fact<string[]>;
  /**
   * For an interface, resource or service-network endpoint: the subnets of its network interfaces;
   * for a Gateway Load Balancer endpoint, its one subnet. Unknown when unresolved or not described.
   */
  readonly subnetIds?: Fact<string[]>;
  /**
   * Set when the endpoint may not exist (its `Condition` cannot be decided): it is then only
   * possibly on `routeTableIds`.
   */
  readonly uncertain?: string;
  /**
   * Set when some of its route tables cannot be resolved: it may also be on any other route
   * table of its VPC (of any VPC when its VPC is unknown).
   */
  readonly routeTablesUnresolved?: string;
}

/**
 * A Route 53 private hosted zone (`AWS::Route53::HostedZone` with `VPCs`): inside the VPCs it is
 * associated with, names under it resolve as its records say, not publicly.
 */
export interface PrivateHostedZone {
  readonly id: string;
  readonly source: SourceRef;
  /** The zone's domain, lower case, without the final dot. */
  readonly name: Fact<string>;
  /** The VPCs (model keys or literal ids) it is associated with. */
  readonly vpcIds: Fact<string[]>;
  /** Set when the zone may not exist (its `Condition` cannot be decided): why. */
  readonly uncertain?: string;
}

export interface NatGateway {
  readonly id: string;
  readonly source: SourceRef;
  readonly subnetId: Fact<string>;
  /** `unknown` when `ConnectivityType` cannot be resolved. */
  readonly connectivity: 'public' | 'private' | 'unknown';
  /**
   * The private addresses it takes in its subnet (1, plus a private NAT gateway's secondary ones),
   * for a NAT gateway of the templates that certainly exists; absent otherwise.
   */
  readonly privateAddresses?: number;
}

export type SecurityGroupPeer =
  | { readonly kind: 'cidr'; readonly cidr: Cidr }
  | { readonly kind: 'security-group'; readonly groupId: string; readonly peerOwnerId?: string }
  | { readonly kind: 'prefix-list'; readonly prefixListId: string }
  /**
   * A peer the inputs do not resolve. `ipv4`: it is an IPv4 CIDR block (the rule's `CidrIp`),
   * so the rule counts as one IPv4 rule only against the rules-per-group quota, not also as a
   * possible group reference on the IPv6 side.
   */
  | { readonly kind: 'unknown'; readonly reason: string; readonly ipv4?: true };

export interface SecurityGroupRule {
  readonly source: SourceRef;
  readonly protocol: Protocol;
  readonly ports: PortRange;
  readonly peer: SecurityGroupPeer;
  readonly description?: string;
  /**
   * Set when the rule may not exist as shown (its protocol, ports, group or condition cannot be
   * resolved; then protocol and ports are the widest possible): it admits nothing for certain,
   * and what it might admit is unknown.
   */
  readonly uncertain?: string;
  /**
   * Set on the rules a rule to a prefix list the templates define stands for (one per entry, or
   * the one rule of unknown peer when its entries are not resolved):
   * the list's model id (what the deployed rule names by the list's `pl-...` id).
   */
  readonly prefixList?: string;
}

/**
 * A security group associated with another VPC of the same account and Region
 * (`AWS::EC2::SecurityGroupVpcAssociation`, EC2 `AssociateSecurityGroupVpc`): network interfaces
 * in that VPC may then use the group.
 */
export interface SecurityGroupVpcAssociation {
  readonly source: SourceRef;
  /** The VPC the group is associated with; unknown when the templates cannot resolve it. */
  readonly vpcId: Fact<string>;
  /**
   * Set when the association may not exist, or may be of another group (its `Condition` cannot be
   * decided, its `GroupId` cannot be resolved): it then decides nothing.
   */
  readonly uncertain?: string;
}

export interface SecurityGroup {
  readonly id: string;
  readonly source: SourceRef;
  /** The VPC the group was created in. */
  readonly vpcId: Fact<string>;
  /** Other VPCs the group is (or may be) associated with; absent when none. */
  vpcAssociations?: SecurityGroupVpcAssociation[];
  readonly ingress: SecurityGroupRule[];
  /** When the template sets no egress, EC2 adds allow-all egress: ingest models it explicitly. */
  readonly egress: SecurityGroupRule[];
  /** Rules may exist that the templates do not show (e.g. added by a custom resource). */
  readonly incomplete?: string;
  /**
   * Set on a placeholder for a group the templates name by a value they cannot resolve: it may
   * be any group, so a rule referencing another group may reference this one.
   */
  readonly unresolved?: string;
  /** Rules may exist that the templates do not list, and why. */
  readonly openEnded?: OpenEnded[];
  /**
   * Why stacks the inputs do not include may add rules to the group (its id exported by name):
   * rules that count against its rules-per-group quota, so its count is open-ended. (What such
   * rules admit is not taken into the verdicts, which read the listed rules.)
   */
  readonly rulesAddedElsewhere?: OpenEnded[];
  /**
   * Rules to a prefix list the templates define that stand for no IPv4 rule (an IPv6 list, or one
   * without entries): they admit nothing here, and are kept only so that drift can compare them
   * with what EC2 describes, a rule to the list's `pl-...` id. Each rule's peer is the list
   * (`prefix-list`, its model id) and its `prefixList` is set.
   */
  entrylessPrefixListRules?: { readonly direction: 'ingress' | 'egress'; readonly rule: SecurityGroupRule }[];
  /**
   * The group's rules that do not count as one IPv4 rule each against "Inbound or outbound rules
   * per security group" (enforced apart per direction and for IPv4 and IPv6 rules): a rule to a
   * prefix list counts as the list's maximum entries (its weight), whatever its entries in
   * `ingress`/`egress`; an IPv6 rule counts against the IPv6 side, and is not in
   * `ingress`/`egress`; a rule list the inputs do not resolve counts an unknown number. Every
   * other rule of `ingress`/`egress` counts one. See `groupRuleQuotaUse` (engine/quotas.ts).
   */
  ruleWeights?: SecurityGroupRuleWeight[];
}

/** What one rule that is not a plain IPv4 rule weighs against the rules-per-group quota (see `SecurityGroup.ruleWeights`). */
export interface SecurityGroupRuleWeight {
  readonly source: SourceRef;
  readonly direction: 'ingress' | 'egress';
  /** The rule in words, for messages: `prefix list pl-0123`, `IPv6 rule from ::/0`. */
  readonly what: string;
  /** For a rule to a list referenced by `pl-...` id: that id (a facts document's `prefixLists` may give its weight). */
  readonly prefixList?: string;
  /** The side it counts on; `unknown` (a `pl-...` list, whose family the inputs do not give): either. */
  readonly family: 'ipv4' | 'ipv6' | 'unknown';
  /** How many rules it counts as; unknown when the inputs do not give it (a `pl-...` list's maximum entries, an unresolved list of rules). */
  readonly weight: Fact<number>;
  /** Set when the rule may not be in this group (see `SecurityGroupRule.uncertain`). */
  readonly uncertain?: string;
  /**
   * An IPv6 rule whose protocol, ports and CIDR are known: what `--compare` compares (such a rule
   * admits no IPv4 traffic, but one added or removed outside CloudFormation is drift). The CIDR in one spelling (`canonicalIpv6Cidr`).
   */
  readonly ipv6?: { readonly protocol: number; readonly ports: PortRange; readonly cidr: string };
}

export interface NetworkAclEntry {
  readonly source: SourceRef;
  readonly ruleNumber: number;
  readonly egress: boolean;
  readonly allow: boolean;
  readonly protocol: Protocol;
  readonly cidr: Fact<Cidr>;
  /** Absent for protocols without ports (then it matches every port). */
  readonly ports?: PortRange;
  /**
   * Set when the entry may not exist as shown (its protocol, ports, action, direction, number,
   * ACL or condition cannot be resolved): wherever it might match, the outcome is unknown.
   */
  readonly uncertain?: string;
}

export interface NetworkAcl {
  readonly id: string;
  readonly source: SourceRef;
  readonly vpcId: Fact<string>;
  /** The VPC's default NACL allows everything (rule 100 both ways) unless described otherwise. */
  readonly isDefault: boolean;
  readonly entries: NetworkAclEntry[];
  /** Entries may exist that the templates do not list. */
  readonly openEnded?: OpenEnded[];
}

export interface VpcPeeringConnection {
  readonly id: string;
  readonly source: SourceRef;
  readonly requesterVpcId: Fact<string>;
  /** The accepter VPC's model key; unknown when it is outside the model. */
  readonly accepterVpcId: Fact<string>;
  /** `PeerRegion`; absent means the requester's Region. */
  readonly peerRegion?: Fact<string>;
  /** `PeerOwnerId`; absent means the requester's account. */
  readonly peerOwnerId?: Fact<string>;
  readonly peerRoleArn?: Fact<string>;
  /**
   * False when the peering cannot become active (cross-account without a role, overlap...);
   * `unknown` when the templates do not decide it (then `unknownState` says why).
   */
  readonly state: 'active' | 'pending-acceptance' | 'failed' | 'unknown';
  readonly unknownState?: string;
  /** Whether each side resolves the other's public DNS names to private addresses. */
  readonly allowDnsResolutionFromRequester: Fact<boolean>;
  readonly allowDnsResolutionFromAccepter: Fact<boolean>;
}

export interface TransitGatewayAttachment {
  readonly id: string;
  readonly source: SourceRef;
  readonly transitGatewayId: string;
  readonly vpcId: Fact<string>;
  readonly subnetIds: string[];
  /** Set when the attachment may not exist (its `Condition` cannot be decided). */
  readonly uncertain?: string;
  /**
   * The attachment's `DnsSupport` option (`Options.DnsSupport`); absent or unknown when the
   * inputs do not say (the CloudFormation reference and the EC2 API document different defaults).
   */
  readonly dnsSupport?: Fact<boolean>;
  /**
   * The attachment's `Options.SecurityGroupReferencingSupport`, read from templates (unknown when
   * absent: the CloudFormation reference and the EC2 API document different defaults). Absent
   * for attachments of the facts, whose options are folded into their gateway's flag.
   */
  readonly securityGroupReferencingSupport?: Fact<boolean>;
}

export interface TransitGatewayRoute {
  readonly source: SourceRef;
  readonly destination: Fact<Cidr>;
  /** Attachment model key; absent for a blackhole route. */
  readonly attachmentId?: string;
  readonly blackhole: boolean;
}

export interface TransitGatewayRouteTable {
  readonly id: string;
  readonly source: SourceRef;
  readonly transitGatewayId: string;
  readonly routes: TransitGatewayRoute[];
  /** Attachments associated with this table (they look up routes here). */
  readonly associatedAttachmentIds: string[];
  /** Attachments whose VPC CIDRs are propagated into this table. */
  readonly propagatingAttachmentIds: string[];
  /** Routes, associations or propagations may exist that the templates do not list. */
  readonly openEnded?: OpenEnded[];
}

export interface TransitGateway {
  readonly id: string;
  readonly source: SourceRef;
  /**
   * When default association/propagation are enabled, every attachment is associated with and
   * propagates into the default route table (modelled as `defaultRouteTableId`).
   */
  readonly defaultRouteTableId?: string;
  readonly securityGroupReferencingSupport: boolean;
  /**
   * The gateway's `DnsSupport` option: public IPv4 DNS names of an attached VPC resolve to private
   * addresses when queried from another attached VPC. Absent: not described (unknown).
   */
  readonly dnsSupport?: Fact<boolean>;
  /**
   * Set when something the templates do not resolve may change this gateway's attachments,
   * route tables or routes (an unresolved id, destination or option, an undecided `Condition`):
   * paths through it are then unknown, for this reason.
   */
  readonly unresolved?: string;
}

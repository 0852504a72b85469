import type { ConnectionNames } from './connection-names';
import { findDuplicateKey } from './duplicate-keys';
import { InputError } from './errors';
import { canonicalIpv6Cidr, parseProtocol } from './security';
import { checkNesting, InputBudget, isObject, jsonProblem, readTextFile } from './template';
import { Quotas } from '../engine/quotas';
import {
  ALL_PORTS, EntrylessPrefixListRoute, Fact, known, NetworkModel, parseCidr, PortRange, PrefixListWeight, Protocol, QuotaValues, Route, RouteTargetKind, SecurityGroupRule,
  SecurityGroupRuleWeight, SourceRef, unknown,
} from '../model';
import type { PrefixListContents } from './prefix-lists';
import { addVpcDefaults } from './vpc';

/**
 * The `--facts FILE` document: networks defined outside the templates, keyed by their real AWS ids
 * (the same ids templates use literally). Documented in docs/facts.md.
 */
export interface FactsDocument {
  readonly vpcs?: FactsVpc[];
  readonly subnets?: FactsSubnet[];
  readonly routeTables?: FactsRouteTable[];
  readonly securityGroups?: FactsSecurityGroup[];
  readonly networkAcls?: FactsNetworkAcl[];
  readonly gatewayEndpoints?: FactsGatewayEndpoint[];
  readonly natGateways?: FactsNatGateway[];
  readonly peerings?: FactsPeering[];
  /**
   * Prefix lists (`pl-...`) the routes and rules of the inputs reference. A list with its
   * `addressFamily` (and, for IPv4, its `cidrs`) is described: a route or rule to it is one route
   * or rule per entry, as for a list the templates define (`AWS::EC2::PrefixList`); `--from-aws`
   * writes the customer-managed ones (DescribeManagedPrefixLists, GetManagedPrefixListEntries).
   * Every list's `maxEntries` (for an AWS-managed list, its documented weight) is what a route or
   * rule to it counts against the routes and rules-per-group quotas, where the route or rule does
   * not say.
   */
  readonly prefixLists?: FactsPrefixList[];
  /**
   * Route 53 private hosted zones associated with VPCs: inside those VPCs, the names under the zone
   * resolve as its records say (an AWS service's name to an endpoint elsewhere, say). `--from-aws`
   * writes those ListHostedZonesByVPC gives for each VPC, and one undescribed zone (`nameUnknown`)
   * for a VPC whose zones it could not read.
   */
  readonly privateHostedZones?: FactsPrivateHostedZone[];
  /** Transit gateways of the account (read by `--from-aws`), by their `tgw-...` ids. */
  readonly transitGateways?: FactsTransitGateway[];
  /** Their attachments (`tgw-attach-...`). */
  readonly transitGatewayAttachments?: FactsTransitGatewayAttachment[];
  readonly transitGatewayRouteTables?: FactsTransitGatewayRouteTable[];
  readonly connections?: FactsConnection[];
  readonly dataStores?: FactsDataStore[];
  /**
   * Names of the zones templates take from `Fn::GetAZs` (`current-region-az1` is the first zone of
   * an environment-agnostic stack's list, `us-east-1-az2` the second of us-east-1's).
   */
  readonly availabilityZones?: FactsAvailabilityZone[];
  /** Glue jobs defined outside the templates (deployed jobs read from the account). */
  readonly jobs?: FactsJob[];
  /**
   * What a reader of the account could not read (a call denied, throttled, or missing from an
   * emulator): reported with every plan; what it would have described stays unknown.
   */
  readonly unread?: FactsUnread[];
  /**
   * The account's VPC quotas (read by `--from-aws` where the account tells them): each absent is
   * AWS's default. The guard's `quotas` option and the CLI's `--quota` win over these.
   */
  readonly quotas?: QuotaValues;
  /** The file the document was read from (set by `loadFacts`). */
  readonly file?: string;
}

export interface FactsVpc {
  readonly id: string;
  readonly cidrBlocks: string[];
  readonly region?: string;
  readonly account?: string;
  readonly enableDnsSupport?: boolean;
  readonly enableDnsHostnames?: boolean;
  /** A described route table; absent: an implicit main table `${id}#main` with only local routes. */
  readonly mainRouteTableId?: string;
  /** A described NACL; absent: the default NACL `${id}#default-nacl` allowing everything. */
  readonly defaultNetworkAclId?: string;
}

export interface FactsAvailabilityZone {
  /** The symbolic zone, as plans show it: `current-region-az1`, `us-east-1-az2`. */
  readonly symbol: string;
  /** Its name in the account (`us-east-1a`). */
  readonly name: string;
}

export interface FactsSubnet {
  readonly id: string;
  readonly vpcId: string;
  /** Its IPv4 CIDR block; absent for an IPv6-only subnet (then `ipv6CidrBlocks`). */
  readonly cidr?: string;
  /**
   * Its IPv6 CIDR blocks (DescribeSubnets' `Ipv6CidrBlockAssociationSet`), given for an IPv6-only
   * subnet (EC2 `Ipv6Native`): it has no IPv4 CIDR, so the planner, which traces IPv4, leaves
   * what it reaches UNKNOWN rather than the subnet out.
   */
  readonly ipv6CidrBlocks?: string[];
  readonly availabilityZone?: string;
  readonly routeTableId?: string;
  readonly networkAclId?: string;
  readonly usedAddresses?: number;
}

export interface FactsRoute {
  /**
   * A CIDR, or a prefix list id (`pl-...`: the facts file holds no prefix list entries, so the
   * route's destination is unknown).
   */
  readonly destination: string;
  readonly target: { readonly kind: RouteTargetKind; readonly id?: string };
  /**
   * For a route to a prefix list: the list's maximum entries (for an AWS-managed list, its
   * documented weight), what AWS counts against the routes quota for it. Absent: unknown.
   */
  readonly maxEntries?: number;
  /**
   * The route is propagated by a virtual private gateway (DescribeRouteTables' `Origin:
   * EnableVgwRoutePropagation`): it routes like the others but does not count against the
   * "Routes per route table" quota, which counts non-propagated routes. Absent: not propagated.
   */
  readonly propagated?: boolean;
}

export interface FactsRouteTable {
  readonly id: string;
  readonly vpcId: string;
  readonly routes: FactsRoute[];
  /** The internet or virtual private gateways it is associated with as a gateway route table (`igw-...`, `vgw-...`). */
  readonly gatewayIds?: string[];
}

/** A Route 53 private hosted zone (see `FactsDocument.privateHostedZones`). */
export interface FactsPrivateHostedZone {
  readonly id: string;
  /** The VPCs (`vpc-...`) it is associated with. */
  readonly vpcIds: string[];
  /** Its domain (`secretsmanager.us-east-1.amazonaws.com`, `example.internal`). */
  readonly name?: string;
  /**
   * Instead of `name`: why the zone's domain is not known (a zone of unknown domain may answer for
   * any name, an AWS service's included, in its VPCs; a path that resolves one is then UNKNOWN).
   */
  readonly nameUnknown?: string;
}

/** A prefix list (see `FactsDocument.prefixLists`). */
export interface FactsPrefixList {
  /** Its `pl-...` id, as routes' `destination` and rules' `prefixListId` name it. */
  readonly id: string;
  /**
   * `IPv4` or `IPv6` (an IPv6 list routes and admits no IPv4 traffic: the model is IPv4). Absent:
   * the list is not described, only weighed (its entries stay unknown).
   */
  readonly addressFamily?: string;
  /** Its maximum entries (1 to 1,000; an AWS-managed list: its documented weight): what a route or rule to it counts against the quotas. */
  readonly maxEntries: number;
  /** Its entries' CIDRs (an IPv4 list's; not for an IPv6 list or one without `addressFamily`). An empty list: no entries. */
  readonly cidrs?: string[];
}

export interface FactsSecurityGroupRule {
  /** `tcp`, `udp`, `icmp`, `-1`/`all`, or a protocol number. */
  readonly protocol: string | number;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidr?: string;
  /**
   * An IPv6 CIDR (`2001:db8::/64`, DescribeSecurityGroups' `Ipv6Ranges`): such a rule admits no
   * IPv4 traffic (the model is IPv4), but counts against the IPv6 side of the rules-per-group quota.
   */
  readonly cidrIpv6?: string;
  readonly securityGroupId?: string;
  readonly prefixListId?: string;
  /**
   * For a rule to a prefix list: the list's maximum entries (for an AWS-managed list, its
   * documented weight), what AWS counts against the rules-per-group quota for it. Absent: unknown.
   */
  readonly maxEntries?: number;
  readonly description?: string;
}

export interface FactsSecurityGroup {
  readonly id: string;
  readonly vpcId: string;
  readonly ingress: FactsSecurityGroupRule[];
  /** List the allow-all rule explicitly when the group has it (EC2 adds it to new groups). */
  readonly egress: FactsSecurityGroupRule[];
  /** Other VPCs the group is associated with (EC2 AssociateSecurityGroupVpc). */
  readonly associatedVpcIds?: string[];
  /**
   * True when `associatedVpcIds` may not list all of them (the associations were not read):
   * whether the group is associated with a VPC it does not list is then unknown.
   */
  readonly associationsIncomplete?: boolean;
}

export interface FactsNetworkAclEntry {
  readonly ruleNumber: number;
  readonly egress: boolean;
  readonly action: 'allow' | 'deny';
  readonly protocol: string | number;
  readonly cidr: string;
  readonly fromPort?: number;
  readonly toPort?: number;
}

export interface FactsNetworkAcl {
  readonly id: string;
  readonly vpcId: string;
  readonly isDefault?: boolean;
  readonly entries: FactsNetworkAclEntry[];
}

export interface FactsGatewayEndpoint {
  readonly id: string;
  readonly vpcId: string;
  /** `s3`, `dynamodb`, or a service name. */
  readonly service: string;
  /** `Resource`, `ServiceNetwork`: VPC Lattice resource and service-network endpoints (network interfaces in `subnetIds`, no AWS service's API). */
  readonly type?: 'Gateway' | 'Interface' | 'GatewayLoadBalancer' | 'Resource' | 'ServiceNetwork';
  /** Gateway endpoints: the route tables it is associated with. */
  readonly routeTableIds?: string[];
  /** Interface endpoints: whether the service's DNS name resolves to the endpoint in the VPC (default false, as in CloudFormation). */
  readonly privateDnsEnabled?: boolean;
  /** Interface endpoints: true when whether private DNS is enabled is not known (instead of `privateDnsEnabled`). */
  readonly privateDnsUnknown?: boolean;
  /** Interface endpoints: the security groups of its network interfaces (without them, whether they admit HTTPS from Glue is unknown). */
  readonly securityGroupIds?: string[];
  /** Interface endpoints: the subnets of its network interfaces. */
  readonly subnetIds?: string[];
}

export interface FactsNatGateway {
  readonly id: string;
  readonly subnetId: string;
  readonly connectivity?: 'public' | 'private';
}

export interface FactsPeering {
  readonly id: string;
  readonly requesterVpcId: string;
  readonly accepterVpcId: string;
  readonly peerRegion?: string;
  readonly peerOwnerId?: string;
  readonly status?: 'active' | 'pending-acceptance' | 'failed';
  readonly allowDnsResolutionFromRequester?: boolean;
  readonly allowDnsResolutionFromAccepter?: boolean;
}

export interface FactsTransitGatewayRoute {
  readonly destination: string;
  /** The attachment the route sends to; absent with `blackhole: true`. */
  readonly attachmentId?: string;
  readonly blackhole?: boolean;
}

export interface FactsTransitGateway {
  readonly id: string;
  /** The gateway's `SecurityGroupReferencingSupport` option (default false, as in EC2). */
  readonly securityGroupReferencingSupport?: boolean;
  /** The gateway's `DnsSupport` option (unknown when absent). */
  readonly dnsSupport?: boolean;
}

export interface FactsTransitGatewayAttachment {
  readonly id: string;
  readonly transitGatewayId: string;
  /** `vpc` (default), `vpn`, `peering`, `direct-connect-gateway`, `connect`, `network-function`... */
  readonly resourceType?: string;
  /** VPC attachments: the VPC and the subnets the attachment has an interface in. */
  readonly vpcId?: string;
  readonly subnetIds?: string[];
  readonly applianceModeSupport?: boolean;
  /** The attachment's `Options.DnsSupport` (unknown when absent). */
  readonly dnsSupport?: boolean;
  /** The attachment's `SecurityGroupReferencingSupport` option (default false). */
  readonly securityGroupReferencingSupport?: boolean;
}

/**
 * What other stacks or accounts add to a transit gateway route table of the templates (by the
 * model id plans show, `<stack>/<logicalId>`, or `<stack>/<tgwLogicalId>#default-rt`). Once
 * described, the table is taken to hold exactly what the templates and this entry list.
 * With `transitGatewayId`, a route table of the account (`tgw-rtb-...`), described whole.
 */
export interface FactsTransitGatewayRouteTable {
  readonly id: string;
  /** The account's gateway the table belongs to (a table the templates do not define). */
  readonly transitGatewayId?: string;
  /** The routes listed are not all of them (the search returned more than it lists): the table stays open. */
  readonly routesIncomplete?: boolean;
  readonly routes?: FactsTransitGatewayRoute[];
  /** Attachments (model ids) associated with the table. */
  readonly associations?: string[];
  /** Attachments (model ids) propagating their VPC's CIDRs into the table. */
  readonly propagations?: string[];
}

export interface FactsConnection {
  readonly name: string;
  readonly connectionType: string;
  readonly subnetId?: string;
  readonly securityGroupIds?: string[];
  readonly availabilityZone?: string;
  /**
   * The connection has a subnet and no AvailabilityZone, as deployed (`--from-aws` and
   * `--from-describe` write it from GetConnections): GNP-CONNECTION-AZ-MISSING. Left out,
   * `availabilityZone` is only not given (the subnet's zone is taken).
   */
  readonly availabilityZoneUnset?: boolean;
  /** JDBC URL, Kafka bootstrap servers or connection URL. */
  readonly address?: string;
  /** The connection's `SECRET_ID` (Glue reads the secret from the ENIs' subnet at run time). */
  readonly secretId?: string;
  /** A Kafka connection's client authentication: decides the MSK broker port when the address gives none. */
  readonly kafkaAuthentication?: 'plaintext' | 'tls' | 'sasl-scram' | 'iam';
}

export interface FactsDataStore {
  /** A connection of the facts file or of the templates, by name. */
  readonly connectionName: string;
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  readonly port?: number;
  /**
   * Every port the store listens on, when it listens on several (an MSK cluster's listeners, as
   * the account reader declares it): a connection to another port is refused. Not with `port`.
   */
  readonly ports?: number[];
  readonly publiclyAccessible?: boolean;
  /**
   * Why where Glue reaches the store cannot be told, though the store is known: the account
   * reader sets it on a connection to an MSK cluster's multi-VPC private connectivity or IPv6
   * listener (reached by a path it does not trace). The store is then UNKNOWN with this reason,
   * whatever `subnetIds` say.
   */
  readonly locationUnknown?: string;
}

export interface FactsJob {
  readonly name: string;
  /** `Command.Name`: glueetl (default), gluestreaming, pythonshell, glueray. */
  readonly command?: string;
  /** Connection names in the job's order (Glue takes the first suitable network-bearing one). */
  readonly connections?: string[];
  readonly workerType?: string;
  readonly numberOfWorkers?: number;
  readonly maxCapacity?: number;
  readonly maxConcurrentRuns?: number;
  /** `GlueVersion` (pip installs at start are documented for Spark jobs of Glue 2.0 and later). */
  readonly glueVersion?: string;
  /** `Command.PythonVersion` (a Python shell job installs `additionalPythonModules` on `3.9`). */
  readonly pythonVersion?: string;
  /** The job's `--additional-python-modules` argument: modules pip installs when a run starts. */
  readonly additionalPythonModules?: string;
  /** The job's `--python-modules-installer-option` argument (pip's options, such as `--index-url`). */
  readonly pythonModulesInstallerOption?: string;
  /** The job's `--enable-auto-scaling` argument (`true`: `numberOfWorkers` is the most a run scales to). */
  readonly enableAutoScaling?: string;
  /** The name of the job's security configuration (GetJobs' `SecurityConfiguration`). */
  readonly securityConfiguration?: string;
  /**
   * What of that security configuration encrypts with AWS KMS keys (`S3 encryption SSE-KMS`,
   * `CloudWatch Logs encryption SSE-KMS`, `job bookmarks encryption CSE-KMS`); `[]` for nothing.
   * Without it, whether the job needs a path to AWS KMS is unknown (GNP-CONNECTION-SERVICE-PATH-UNKNOWN
   * where it has none). The account reader fills it from GetSecurityConfigurations.
   */
  readonly kmsEncryption?: string[];
  /**
   * Why `kmsEncryption` is not given, named in the UNKNOWN verdict (the account reader sets it when
   * the configuration's settings were not read, or it is not in GetSecurityConfigurations' answer).
   * Not with `kmsEncryption`.
   */
  readonly kmsEncryptionUnknown?: string;
}

export interface FactsUnread {
  /** The API call, `ec2:DescribeRouteTables`, or the saved file that was missing. */
  readonly call: string;
  readonly reason: string;
}

// ---- validation -------------------------------------------------------------------------------

type FieldType = 'number' | 'string' | 'cidr' | 'cidr6' | 'cidrs' | 'cidrs6' | 'port' | 'tcpport' | 'tcpports' | 'count' | 'maxentries' | 'boolean' | 'protocol' | 'strings' | 'destination';
type Field =
  | { readonly type: FieldType; readonly optional?: boolean; readonly oneOf?: readonly string[] }
  | { readonly type: 'list' | 'object'; readonly of: Schema; readonly optional?: boolean };
type Schema = Record<string, Field>;

const req = (type: FieldType, oneOf?: readonly string[]): Field => ({ type, oneOf });
const opt = (type: FieldType, oneOf?: readonly string[]): Field => ({ type, optional: true, oneOf });

const ROUTE_TARGET_KINDS: readonly RouteTargetKind[] = [
  'local', 'vpc-peering', 'transit-gateway', 'internet-gateway', 'egress-only-internet-gateway', 'nat-gateway', 'vpn-gateway',
  'instance', 'network-interface', 'gateway-load-balancer-endpoint', 'carrier-gateway', 'core-network', 'local-gateway', 'unknown',
];

const SG_RULE: Schema = {
  protocol: req('protocol'),
  fromPort: opt('port'),
  toPort: opt('port'),
  cidr: opt('cidr'),
  cidrIpv6: opt('cidr6'),
  securityGroupId: opt('string'),
  prefixListId: opt('string'),
  maxEntries: opt('maxentries'),
  description: opt('string'),
};

const DATA_STORE: Schema = {
  connectionName: req('string'),
  subnetIds: req('strings'),
  securityGroupIds: req('strings'),
  port: opt('tcpport'),
  ports: opt('tcpports'),
  publiclyAccessible: opt('boolean'),
  locationUnknown: opt('string'),
};
const TGW_ROUTE: Schema = { destination: req('cidr'), attachmentId: opt('string'), blackhole: opt('boolean') };

const SUBNET: Schema = {
  id: req('string'),
  vpcId: req('string'),
  cidr: opt('cidr'),
  ipv6CidrBlocks: opt('cidrs6'),
  availabilityZone: opt('string'),
  routeTableId: opt('string'),
  networkAclId: opt('string'),
  usedAddresses: opt('count'),
};

const JOB: Schema = {
  name: req('string'),
  command: opt('string'),
  connections: opt('strings'),
  workerType: opt('string'),
  numberOfWorkers: opt('count'),
  maxCapacity: opt('number'),
  maxConcurrentRuns: opt('count'),
  glueVersion: opt('string'),
  pythonVersion: opt('string'),
  additionalPythonModules: opt('string'),
  pythonModulesInstallerOption: opt('string'),
  enableAutoScaling: opt('string'),
  securityConfiguration: opt('string'),
  kmsEncryption: opt('strings'),
  kmsEncryptionUnknown: opt('string'),
};
const PRIVATE_HOSTED_ZONE: Schema = { id: req('string'), vpcIds: req('strings'), name: opt('string'), nameUnknown: opt('string') };

const PREFIX_LIST: Schema = { id: req('string'), addressFamily: opt('string', ['IPv4', 'IPv6']), maxEntries: req('maxentries'), cidrs: opt('strings') };

const FACTS_SCHEMA: Schema = {
  prefixLists: { type: 'list', optional: true, of: PREFIX_LIST },
  privateHostedZones: { type: 'list', optional: true, of: PRIVATE_HOSTED_ZONE },
  vpcs: {
    type: 'list',
    optional: true,
    of: {
      id: req('string'),
      cidrBlocks: req('cidrs'),
      region: opt('string'),
      account: opt('string'),
      enableDnsSupport: opt('boolean'),
      enableDnsHostnames: opt('boolean'),
      mainRouteTableId: opt('string'),
      defaultNetworkAclId: opt('string'),
    },
  },
  subnets: { type: 'list', optional: true, of: SUBNET },
  routeTables: {
    type: 'list',
    optional: true,
    of: {
      id: req('string'),
      vpcId: req('string'),
      routes: { type: 'list', of: { destination: req('destination'), target: { type: 'object', of: { kind: req('string', ROUTE_TARGET_KINDS), id: opt('string') } }, maxEntries: opt('maxentries'), propagated: opt('boolean') } },
      gatewayIds: opt('strings'),
    },
  },
  securityGroups: {
    type: 'list',
    optional: true,
    of: {
      id: req('string'),
      vpcId: req('string'),
      ingress: { type: 'list', of: SG_RULE },
      egress: { type: 'list', of: SG_RULE },
      associatedVpcIds: opt('strings'),
      associationsIncomplete: opt('boolean'),
    },
  },
  networkAcls: {
    type: 'list',
    optional: true,
    of: {
      id: req('string'),
      vpcId: req('string'),
      isDefault: opt('boolean'),
      entries: {
        type: 'list',
        of: {
          ruleNumber: req('count'),
          egress: req('boolean'),
          action: req('string', ['allow', 'deny']),
          protocol: req('protocol'),
          cidr: req('cidr'),
          fromPort: opt('port'),
          toPort: opt('port'),
        },
      },
    },
  },
  gatewayEndpoints: {
    type: 'list',
    optional: true,
    of: {
      id: req('string'),
      vpcId: req('string'),
      service: req('string'),
      type: opt('string', ['Gateway', 'Interface', 'GatewayLoadBalancer', 'Resource', 'ServiceNetwork']),
      routeTableIds: opt('strings'),
      privateDnsEnabled: opt('boolean'),
      privateDnsUnknown: opt('boolean'),
      securityGroupIds: opt('strings'),
      subnetIds: opt('strings'),
    },
  },
  natGateways: { type: 'list', optional: true, of: { id: req('string'), subnetId: req('string'), connectivity: opt('string', ['public', 'private']) } },
  peerings: {
    type: 'list',
    optional: true,
    of: {
      id: req('string'),
      requesterVpcId: req('string'),
      accepterVpcId: req('string'),
      peerRegion: opt('string'),
      peerOwnerId: opt('string'),
      status: opt('string', ['active', 'pending-acceptance', 'failed']),
      allowDnsResolutionFromRequester: opt('boolean'),
      allowDnsResolutionFromAccepter: opt('boolean'),
    },
  },
  transitGateways: {
    type: 'list',
    optional: true,
    of: { id: req('string'), securityGroupReferencingSupport: opt('boolean'), dnsSupport: opt('boolean') },
  },
  transitGatewayAttachments: {
    type: 'list',
    optional: true,
    of: {
      id: req('string'),
      transitGatewayId: req('string'),
      resourceType: opt('string'),
      vpcId: opt('string'),
      subnetIds: opt('strings'),
      applianceModeSupport: opt('boolean'),
      dnsSupport: opt('boolean'),
      securityGroupReferencingSupport: opt('boolean'),
    },
  },
  transitGatewayRouteTables: {
    type: 'list',
    optional: true,
    of: {
      id: req('string'),
      transitGatewayId: opt('string'),
      routesIncomplete: opt('boolean'),
      routes: { type: 'list', optional: true, of: TGW_ROUTE },
      associations: opt('strings'),
      propagations: opt('strings'),
    },
  },
  connections: {
    type: 'list',
    optional: true,
    of: {
      name: req('string'),
      connectionType: req('string'),
      subnetId: opt('string'),
      securityGroupIds: opt('strings'),
      availabilityZone: opt('string'),
      availabilityZoneUnset: opt('boolean'),
      address: opt('string'),
      secretId: opt('string'),
      kafkaAuthentication: opt('string', ['plaintext', 'tls', 'sasl-scram', 'iam']),
    },
  },
  availabilityZones: {
    type: 'list',
    optional: true,
    of: { symbol: req('string'), name: req('string') },
  },
  quotas: {
    type: 'object',
    optional: true,
    of: { peeringsPerVpc: opt('count'), routesPerRouteTable: opt('count'), securityGroupsPerNetworkInterface: opt('count'), rulesPerSecurityGroup: opt('count') },
  },
  dataStores: {
    type: 'list',
    optional: true,
    of: DATA_STORE,
  },
  jobs: {
    type: 'list',
    optional: true,
    of: JOB,
  },
  unread: { type: 'list', optional: true, of: { call: req('string'), reason: req('string') } },
};

/** An IPv6 CIDR block as EC2 writes one (`2001:db8::/64`): hexadecimal groups and colons, a prefix length up to 128. */
export function isIpv6Cidr(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(value);
  if (!match || Number(match[2]) > 128 || !match[1].includes(':')) return false;
  const halves = match[1].split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  return groups.every((group) => /^[0-9a-fA-F]{1,4}$/.test(group)) && (halves.length === 2 ? groups.length < 8 : groups.length === 8);
}

/** A TCP port a server can listen on: an integer from 1 to 65535 (port 0 is reserved, RFC 6335 section 6). */
const isTcpPort = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535;

/** The problem with a value of a field, or undefined when it is valid. */
function checkScalar(type: FieldType, value: unknown): string | undefined {
  const shown = show(value);
  switch (type) {
    case 'string': return typeof value === 'string' && value !== '' ? undefined : `${shown} is not a non-empty string`;
    case 'cidr': return typeof value === 'string' && parseCidr(value) ? undefined : `${shown} is not an IPv4 CIDR`;
    case 'cidr6': return isIpv6Cidr(value) ? undefined : `${shown} is not an IPv6 CIDR`;
    case 'cidrs': return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string' && parseCidr(item))
      ? undefined : `${shown} is not a non-empty list of IPv4 CIDRs`;
    case 'cidrs6': return Array.isArray(value) && value.length > 0 && value.every(isIpv6Cidr) ? undefined : `${shown} is not a non-empty list of IPv6 CIDRs`;
    case 'destination':
      return typeof value === 'string' && (parseCidr(value) || value.startsWith('pl-')) ? undefined : `${shown} is not an IPv4 CIDR or a prefix list id`;
    case 'port': return Number.isInteger(value) && (value as number) >= -1 && (value as number) <= 65535 ? undefined : `${shown} is not a port (-1..65535)`;
    case 'tcpport': return isTcpPort(value) ? undefined : `${shown} is not a TCP port (an integer from 1 to 65535)`;
    case 'tcpports': return Array.isArray(value) && value.length > 0 && value.every(isTcpPort)
      ? undefined : `${shown} is not a non-empty list of TCP ports (integers from 1 to 65535)`;
    case 'number': return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? undefined : `${shown} is not a non-negative number`;
    case 'count': return Number.isInteger(value) && (value as number) >= 0 ? undefined : `${shown} is not a non-negative integer`;
    // A prefix list holds 1 to 1,000 entries (Amazon VPC quotas, "Maximum number of entries per prefix list").
    case 'maxentries': return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 1000 ? undefined
      : `${shown} is not a prefix list's maximum entries (an integer from 1 to 1,000)`;
    case 'boolean': return typeof value === 'boolean' ? undefined : `${shown} is not true or false`;
    case 'protocol': return (typeof value === 'string' || typeof value === 'number') && parseProtocol(value) !== undefined
      ? undefined : `${shown} is not an IP protocol (tcp, udp, icmp, -1 or a number)`;
    case 'strings': return Array.isArray(value) && value.every((item) => typeof item === 'string' && item !== '')
      ? undefined : `${shown} is not a list of non-empty strings`;
  }
}

function validate(value: unknown, schema: Schema, path: string): string | undefined {
  if (!isObject(value)) return `${path || 'the document'}: ${show(value)} is not an object`;
  const prefix = path ? `${path}.` : '';
  for (const key of Object.keys(value)) {
    // An own property of the schema: `__proto__`, `constructor` or `toString` are unknown too.
    if (!Object.prototype.hasOwnProperty.call(schema, key)) return `${prefix}${key}: unknown property (expected one of ${Object.keys(schema).join(', ')})`;
  }
  for (const [key, field] of Object.entries(schema)) {
    const item = value[key];
    const at = `${prefix}${key}`;
    if (item === undefined) {
      if (field.optional) continue;
      return `${at}: missing`;
    }
    if (field.type === 'list') {
      if (!Array.isArray(item)) return `${at}: ${show(item)} is not a list`;
      for (const [index, element] of item.entries()) {
        const problem = validate(element, field.of, `${at}[${index}]`);
        if (problem) return problem;
      }
    } else if (field.type === 'object') {
      const problem = validate(item, field.of, at);
      if (problem) return problem;
    } else {
      const problem = checkScalar(field.type, item);
      if (problem) return `${at}: ${problem}`;
      if ('oneOf' in field && field.oneOf && !field.oneOf.includes(item as string)) {
        return `${at}: ${show(item)} is not one of ${field.oneOf.join(', ')}`;
      }
    }
  }
  if (schema === TGW_ROUTE && (value.attachmentId === undefined) === (value.blackhole !== true)) {
    return `${path}: needs exactly one of attachmentId, blackhole: true`;
  }
  if (schema === JOB && value.kmsEncryption !== undefined && value.kmsEncryptionUnknown !== undefined) {
    return `${path}: give kmsEncryption or kmsEncryptionUnknown, not both`;
  }
  if (schema === DATA_STORE && value.port !== undefined && value.ports !== undefined) {
    return `${path}: give port or ports, not both`;
  }
  if (schema === PREFIX_LIST) {
    if (!String(value.id).startsWith('pl-')) return `${path}.id: ${show(value.id)} is not a prefix list id (pl-...)`;
    const cidrs = value.cidrs as string[] | undefined;
    if (value.addressFamily === undefined && cidrs !== undefined) return `${path}.cidrs: give the list's addressFamily (IPv4) with its entries`;
    if (value.addressFamily === 'IPv6' && cidrs !== undefined) return `${path}.cidrs: an IPv6 list's entries are not IPv4 CIDRs: leave cidrs out`;
    const bad = (cidrs ?? []).find((cidr) => !parseCidr(cidr));
    if (bad !== undefined) return `${path}.cidrs: ${show(bad)} is not an IPv4 CIDR`;
    if ((cidrs ?? []).length > (value.maxEntries as number)) return `${path}.cidrs: ${cidrs!.length} entries, more than its maxEntries (${value.maxEntries})`;
  }
  if (schema === SUBNET && value.cidr === undefined && value.ipv6CidrBlocks === undefined) {
    return `${path}: needs cidr (its IPv4 CIDR block) or, for an IPv6-only subnet, ipv6CidrBlocks`;
  }
  if (schema === PRIVATE_HOSTED_ZONE && (value.name === undefined) === (value.nameUnknown === undefined)) {
    return `${path}: needs exactly one of name, nameUnknown`;
  }
  if (schema === SG_RULE) {
    const peers = ['cidr', 'cidrIpv6', 'securityGroupId', 'prefixListId'].filter((key) => value[key] !== undefined);
    if (peers.length !== 1) return `${path}: needs exactly one of cidr, cidrIpv6, securityGroupId, prefixListId`;
  }
  return undefined;
}

/** A value as JSON in a message, cut short when long. */
function show(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Validates a parsed facts document; `file` names it in errors. */
export function parseFacts(json: unknown, file: string): FactsDocument {
  checkNesting(json, file);
  const problem = validate(json, FACTS_SCHEMA, '');
  if (problem) throw new InputError(file, problem);
  const document = json as FactsDocument;
  const listIds = new Set<string>();
  (document.prefixLists ?? []).forEach((list, index) => {
    if (listIds.has(list.id)) throw new InputError(file, `prefixLists[${index}].id: prefix list ${list.id} is listed twice`);
    listIds.add(list.id);
  });
  // A route's or rule's maxEntries and the list's in prefixLists are the same number: one of them
  // is wrong otherwise, and which one the count used would decide a quota check silently.
  const listMaxEntries = new Map((document.prefixLists ?? []).map((list) => [list.id, list.maxEntries]));
  const disagrees = (path: string, listId: string, given: number) => {
    const listed = listMaxEntries.get(listId);
    if (listed !== undefined && listed !== given) {
      throw new InputError(file, `${path}.maxEntries: ${given}, but prefixLists gives ${listId} ${listed} maximum entries; give the list's maximum entries once, in prefixLists`);
    }
  };
  (document.routeTables ?? []).forEach((table, t) => table.routes.forEach((route, r) => {
    if (route.maxEntries !== undefined && parseCidr(route.destination)) {
      throw new InputError(file, `routeTables[${t}].routes[${r}].maxEntries: the route is to a CIDR, ${route.destination}, which counts as one route; maxEntries is for a route to a prefix list (pl-...)`);
    }
    if (route.maxEntries !== undefined) disagrees(`routeTables[${t}].routes[${r}]`, route.destination, route.maxEntries);
  }));
  (document.securityGroups ?? []).forEach((group, g) => (['ingress', 'egress'] as const).forEach((direction) => group[direction].forEach((rule, r) => {
    if (rule.maxEntries !== undefined && rule.prefixListId === undefined) {
      throw new InputError(file, `securityGroups[${g}].${direction}[${r}].maxEntries: the rule is not to a prefix list, and counts as one rule; maxEntries is for a rule to a prefix list (prefixListId)`);
    }
    if (rule.maxEntries !== undefined) disagrees(`securityGroups[${g}].${direction}[${r}]`, rule.prefixListId!, rule.maxEntries);
  })));
  try {
    Quotas.of(document.quotas);
  } catch (e) {
    throw new InputError(file, `quotas: ${(e as Error).message}`);
  }
  return { ...document, file };
}

/** Reads and validates a facts file; InputError names the JSON path of the first problem. */
export function loadFacts(file: string, budget?: InputBudget): FactsDocument {
  const text = readTextFile(file, budget);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, `not valid JSON (${jsonProblem(e, text)})`);
  }
  checkNesting(json, file); // (before the duplicate check, which walks the document recursively)
  const duplicate = findDuplicateKey(text, json);
  if (duplicate) {
    throw new InputError(file, `the key ${JSON.stringify(duplicate.key)} appears twice in one object (line ${duplicate.line}): a JSON reader keeps the last and drops the other without a word, so what the file describes would not be what it says; remove or merge one`);
  }
  return parseFacts(json, file);
}

// ---- merging into the model -------------------------------------------------------------------

function sourceOf(facts: FactsDocument, id: string): SourceRef {
  return { stack: 'facts', logicalId: id, ...(facts.file ? { file: facts.file } : {}) };
}

function optionalFact<T>(value: T | undefined, what: string): Fact<T> {
  return value === undefined ? unknown(`${what} is not given in the facts file`) : known(value);
}

function portsOf(protocol: Protocol, from: number | undefined, to: number | undefined): PortRange | undefined {
  if (protocol !== 6 && protocol !== 17) return undefined;
  if (from === undefined || to === undefined || from === -1 || to === -1) return ALL_PORTS;
  return { from, to };
}

/** A prefix list the facts describe, as a rule or route referencing it sees it (what the templates' `AWS::EC2::PrefixList` gives). */
export interface DescribedPrefixList {
  readonly contents: PrefixListContents;
  readonly weight: Fact<number>;
}

/**
 * The prefix lists the facts describe (an IPv6 list, an IPv4 list with its `cidrs`; the others
 * are only weighed: an IPv4 list without `cidrs`, AWS-managed, keeps its family for the quota), by `pl-...` id.
 */
export function factsPrefixLists(facts: FactsDocument): Map<string, DescribedPrefixList> {
  return new Map((facts.prefixLists ?? []).filter((list) => list.addressFamily === 'IPv6' || (list.addressFamily === 'IPv4' && list.cidrs !== undefined))
    .map((list): [string, DescribedPrefixList] => [list.id, {
      contents: list.addressFamily === 'IPv6' ? { kind: 'ipv6' } : { kind: 'ipv4', cidrs: (list.cidrs ?? []).map((cidr) => parseCidr(cidr)!), unresolved: [] },
      weight: known(list.maxEntries),
    }]));
}

/**
 * The model's rules for one facts rule: a rule to a prefix list the facts describe is one rule
 * per entry (none for an IPv6 list or one without entries: that rule goes to `entryless`, for
 * drift), as for a list the templates define; a list they do not describe stays one rule to it.
 */
function rulesOf(rule: FactsSecurityGroupRule, source: SourceRef, lists: ReadonlyMap<string, DescribedPrefixList>, entryless: SecurityGroupRule[]): SecurityGroupRule[] {
  const protocol = parseProtocol(rule.protocol)!;
  const base = {
    source,
    protocol,
    ports: portsOf(protocol, rule.fromPort, rule.toPort) ?? ALL_PORTS,
    ...(rule.description ? { description: rule.description } : {}),
  };
  // An IPv6 rule admits no IPv4 traffic: weighed only (ruleWeightsOf).
  if (rule.cidrIpv6 !== undefined) return [];
  const list = rule.prefixListId !== undefined ? lists.get(rule.prefixListId) : undefined;
  if (list && list.contents.kind !== 'unknown') {
    const prefixList = rule.prefixListId!;
    const cidrs = list.contents.kind === 'ipv4' ? list.contents.cidrs : [];
    if (!cidrs.length) entryless.push({ ...base, peer: { kind: 'prefix-list', prefixListId: prefixList }, prefixList });
    return cidrs.map((cidr) => ({ ...base, peer: { kind: 'cidr', cidr }, prefixList }));
  }
  return [{
    ...base,
    peer: rule.cidr !== undefined ? { kind: 'cidr', cidr: parseCidr(rule.cidr)! }
      : rule.securityGroupId !== undefined ? { kind: 'security-group', groupId: rule.securityGroupId }
        : { kind: 'prefix-list', prefixListId: rule.prefixListId! },
  }];
}

/**
 * A facts group's rules to prefix lists, weighed against the rules-per-group quota by the rule's
 * `maxEntries`, else the list's (`prefixLists`; unknown when neither gives it), on the side of
 * the list's address family when the facts describe it, else on both; and its IPv6 rules
 * (`cidrIpv6`), one each on the IPv6 side. A described list's rules are its entries in `ingress`/`egress`, marked with the list,
 * which the count skips for this weight.
 */
function ruleWeightsOf(group: FactsSecurityGroup, source: SourceRef, lists: ReadonlyMap<string, DescribedPrefixList>): { ruleWeights?: SecurityGroupRuleWeight[] } {
  const weights: SecurityGroupRuleWeight[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    for (const rule of group[direction]) {
      if (rule.cidrIpv6 !== undefined) {
        const protocol = parseProtocol(rule.protocol)!;
        const ipv6 = { protocol, ports: portsOf(protocol, rule.fromPort, rule.toPort) ?? ALL_PORTS, cidr: canonicalIpv6Cidr(rule.cidrIpv6) };
        weights.push({ source, direction, what: `an IPv6 rule ${direction === 'ingress' ? 'from' : 'to'} ${rule.cidrIpv6}`, family: 'ipv6', weight: known(1), ipv6 });
        continue;
      }
      if (rule.prefixListId === undefined || rule.cidr !== undefined || rule.securityGroupId !== undefined) continue;
      const list = lists.get(rule.prefixListId);
      weights.push({
        source,
        direction,
        what: `a rule to prefix list ${rule.prefixListId}`,
        prefixList: rule.prefixListId,
        family: list?.contents.kind === 'ipv4' ? 'ipv4' : list?.contents.kind === 'ipv6' ? 'ipv6' : 'unknown',
        weight: rule.maxEntries !== undefined ? known(rule.maxEntries) : list ? list.weight : unknown("the facts file gives neither the rule's maxEntries nor the list's, in prefixLists"),
      });
    }
  }
  return weights.length ? { ruleWeights: weights } : {};
}

/** Adds the facts' network elements and connections (before the templates are read). */
export function mergeFactsNetwork(model: NetworkModel, facts: FactsDocument): void {
  if (facts.quotas) model.quotas = { ...model.quotas, ...facts.quotas };
  for (const list of facts.prefixLists ?? []) {
    (model.prefixListMaxEntries ??= new Map()).set(list.id, list.maxEntries);
    if (list.addressFamily !== undefined) (model.prefixListFamilies ??= new Map()).set(list.id, list.addressFamily === 'IPv6' ? 'ipv6' : 'ipv4');
  }
  for (const vpc of facts.vpcs ?? []) {
    const source = sourceOf(facts, vpc.id);
    model.vpcs.set(vpc.id, {
      id: vpc.id,
      source,
      cidrBlocks: known(vpc.cidrBlocks.map((text) => parseCidr(text)!)),
      region: optionalFact(vpc.region, `the Region of ${vpc.id}`),
      account: optionalFact(vpc.account, `the account of ${vpc.id}`),
      enableDnsSupport: optionalFact(vpc.enableDnsSupport, `enableDnsSupport of ${vpc.id}`),
      enableDnsHostnames: optionalFact(vpc.enableDnsHostnames, `enableDnsHostnames of ${vpc.id}`),
      mainRouteTableId: vpc.mainRouteTableId ?? `${vpc.id}#main`,
      defaultNetworkAclId: vpc.defaultNetworkAclId ?? `${vpc.id}#default-nacl`,
    });
    addVpcDefaults(model, vpc.id, source, { mainRouteTable: !vpc.mainRouteTableId, defaultNetworkAcl: !vpc.defaultNetworkAclId });
  }
  for (const subnet of facts.subnets ?? []) {
    // An IPv6-only subnet: its traffic is IPv6, which follows its table's and ACL's IPv6 routes and
    // entries, not traced (the model is IPv4). Its CIDR, table and ACL are unknown for the IPv4
    // hops (S3 path, Secrets Manager path, stores): UNKNOWN, never a path blocked by IPv4 routes.
    const ipv6Only = subnet.cidr === undefined
      ? `${subnet.id} is IPv6-only (${(subnet.ipv6CidrBlocks ?? []).join(', ')}): it has no IPv4 CIDR, and the planner traces IPv4 traffic only`
      : undefined;
    model.subnets.set(subnet.id, {
      id: subnet.id,
      source: sourceOf(facts, subnet.id),
      vpcId: known(subnet.vpcId),
      cidr: subnet.cidr !== undefined ? known(parseCidr(subnet.cidr)!) : unknown(ipv6Only!),
      availabilityZone: optionalFact(subnet.availabilityZone, `the Availability Zone of ${subnet.id}`),
      ...(subnet.routeTableId ? { routeTableId: subnet.routeTableId } : {}),
      ...(subnet.networkAclId ? { networkAclId: subnet.networkAclId } : {}),
      usedAddresses: subnet.usedAddresses ?? 0,
      ...(ipv6Only ? { ipv6Only } : {}),
    });
  }
  const lists = factsPrefixLists(facts);
  for (const table of facts.routeTables ?? []) {
    const source = sourceOf(facts, table.id);
    const prefixListWeights: PrefixListWeight[] = [];
    const entryless: EntrylessPrefixListRoute[] = [];
    const routes: Route[] = [];
    for (const route of table.routes) {
      const cidr = parseCidr(route.destination);
      const target = {
        kind: route.target.kind,
        ...(route.target.id && route.target.kind !== 'local' ? { targetId: route.target.id } : {}),
        description: route.target.id ?? route.target.kind,
      };
      const propagated = route.propagated ? { propagated: true as const } : {};
      if (cidr) {
        routes.push({ source, destination: known(cidr), target, ...propagated });
        continue;
      }
      const prefixList = route.destination;
      const list = lists.get(prefixList);
      // A described list is one route per entry, as the templates' lists are; the routes quota is
      // enforced apart for IPv6 routes, so an IPv6 list weighs nothing here (and routes nothing).
      if (list?.contents.kind === 'ipv6') {
        entryless.push({ source, prefixList, target });
        continue;
      }
      if (!route.propagated) {
        prefixListWeights.push({
          source,
          prefixList,
          weight: list ? list.weight : route.maxEntries !== undefined ? known(route.maxEntries) : unknown("the facts file does not give the route's maxEntries"),
        });
      }
      if (list?.contents.kind === 'ipv4') {
        if (!list.contents.cidrs.length) entryless.push({ source, prefixList, target });
        for (const entry of list.contents.cidrs) routes.push({ source, destination: known(entry), target, prefixList, ...propagated });
        continue;
      }
      routes.push({
        source,
        destination: unknown(`${table.id}: destination is prefix list ${prefixList}, whose entries the facts file does not hold (its prefixLists do not describe it; a prefix list the templates define, AWS::EC2::PrefixList, is read)`),
        target,
        prefixList,
        ...propagated,
      });
    }
    model.routeTables.set(table.id, {
      id: table.id,
      source,
      vpcId: known(table.vpcId),
      implicitMain: false,
      ...(table.gatewayIds?.length ? { edgeGateways: table.gatewayIds.map((id) => known(id)) } : {}),
      routes,
      ...(prefixListWeights.length ? { prefixListWeights } : {}),
      ...(entryless.length ? { entrylessPrefixListRoutes: entryless } : {}),
    });
  }
  for (const group of facts.securityGroups ?? []) {
    const source = sourceOf(facts, group.id);
    const entrylessIn: SecurityGroupRule[] = [];
    const entrylessOut: SecurityGroupRule[] = [];
    const ingress = group.ingress.flatMap((rule) => rulesOf(rule, source, lists, entrylessIn));
    const egress = group.egress.flatMap((rule) => rulesOf(rule, source, lists, entrylessOut));
    const entryless = [...entrylessIn.map((rule) => ({ direction: 'ingress' as const, rule })), ...entrylessOut.map((rule) => ({ direction: 'egress' as const, rule }))];
    model.securityGroups.set(group.id, {
      id: group.id,
      source,
      vpcId: known(group.vpcId),
      ingress,
      egress,
      ...(entryless.length ? { entrylessPrefixListRules: entryless } : {}),
      ...ruleWeightsOf(group, source, lists),
      ...(group.associatedVpcIds?.length || group.associationsIncomplete ? {
        vpcAssociations: [
          ...(group.associatedVpcIds ?? []).map((vpcId) => ({ source, vpcId: known(vpcId) })),
          // An association that may exist with any VPC: it decides nothing (UNKNOWN, never "not associated").
          ...(group.associationsIncomplete ? [{ source, vpcId: unknown<string>(`the facts do not list all the VPC associations of security group ${group.id} (associationsIncomplete)`) }] : []),
        ],
      } : {}),
    });
  }
  for (const acl of facts.networkAcls ?? []) {
    const source = sourceOf(facts, acl.id);
    model.networkAcls.set(acl.id, {
      id: acl.id,
      source,
      vpcId: known(acl.vpcId),
      isDefault: acl.isDefault ?? false,
      entries: acl.entries.map((entry) => {
        const protocol = parseProtocol(entry.protocol)!;
        const ports = portsOf(protocol, entry.fromPort, entry.toPort);
        return {
          source,
          ruleNumber: entry.ruleNumber,
          egress: entry.egress,
          allow: entry.action === 'allow',
          protocol,
          cidr: known(parseCidr(entry.cidr)!),
          ...(ports ? { ports } : {}),
        };
      }),
    });
  }
  for (const zone of facts.privateHostedZones ?? []) {
    model.privateHostedZones?.set(zone.id, {
      id: zone.id,
      source: sourceOf(facts, zone.id),
      name: zone.name !== undefined ? known(zone.name.toLowerCase().replace(/\.$/, '')) : unknown(zone.nameUnknown!),
      vpcIds: known([...zone.vpcIds]),
    });
  }
  for (const endpoint of facts.gatewayEndpoints ?? []) {
    model.gatewayEndpoints.set(endpoint.id, {
      id: endpoint.id,
      source: sourceOf(facts, endpoint.id),
      vpcId: known(endpoint.vpcId),
      service: known(endpoint.service),
      type: endpoint.type ?? 'Gateway',
      routeTableIds: [...(endpoint.routeTableIds ?? [])],
      ...(endpoint.type === 'Interface' ? {
        privateDnsEnabled: endpoint.privateDnsUnknown && endpoint.privateDnsEnabled === undefined
          ? unknown<boolean>(`the facts file does not say whether interface endpoint ${endpoint.id} has private DNS enabled (privateDnsUnknown)`)
          : known(endpoint.privateDnsEnabled ?? false),
        securityGroupIds: endpoint.securityGroupIds ? known([...endpoint.securityGroupIds]) : unknown(`the facts file does not give the security groups of interface endpoint ${endpoint.id} (securityGroupIds)`),
        subnetIds: endpoint.subnetIds ? known([...endpoint.subnetIds]) : unknown(`the facts file does not give the subnets of interface endpoint ${endpoint.id} (subnetIds)`),
      } : {}),
      ...(endpoint.type === 'Resource' || endpoint.type === 'ServiceNetwork' ? {
        subnetIds: endpoint.subnetIds ? known([...endpoint.subnetIds]) : unknown(`the facts file does not give the subnets of endpoint ${endpoint.id} (subnetIds)`),
      } : {}),
    });
  }
  for (const nat of facts.natGateways ?? []) {
    model.natGateways.set(nat.id, { id: nat.id, source: sourceOf(facts, nat.id), subnetId: known(nat.subnetId), connectivity: nat.connectivity ?? 'public' });
  }
  for (const peering of facts.peerings ?? []) {
    const dns = (value: boolean | undefined, side: string) => optionalFact(value, `DNS resolution from the ${side} of ${peering.id}`);
    model.peerings.set(peering.id, {
      id: peering.id,
      source: sourceOf(facts, peering.id),
      requesterVpcId: known(peering.requesterVpcId),
      accepterVpcId: known(peering.accepterVpcId),
      ...(peering.peerRegion ? { peerRegion: known(peering.peerRegion) } : {}),
      ...(peering.peerOwnerId ? { peerOwnerId: known(peering.peerOwnerId) } : {}),
      state: peering.status ?? 'active',
      allowDnsResolutionFromRequester: dns(peering.allowDnsResolutionFromRequester, 'requester'),
      allowDnsResolutionFromAccepter: dns(peering.allowDnsResolutionFromAccepter, 'accepter'),
    });
  }
  mergeFactsTransitGateways(model, facts);
  for (const connection of facts.connections ?? []) {
    const id = `facts/${connection.name}`;
    model.connections.set(id, {
      id,
      source: sourceOf(facts, connection.name),
      name: known(connection.name),
      connectionType: connection.connectionType,
      ...(connection.subnetId ? { subnetId: connection.subnetId } : {}),
      securityGroupIds: [...(connection.securityGroupIds ?? [])],
      ...(connection.availabilityZone ? { availabilityZone: known(connection.availabilityZone) } : {}),
      // Only where nothing says the zone: a zone given wins, and without a subnet there is nothing to place.
      ...(connection.availabilityZoneUnset && connection.subnetId && !connection.availabilityZone ? { availabilityZoneUnset: true } : {}),
      ...(connection.address ? { address: known(connection.address) } : {}),
      ...(connection.secretId ? { secretProperty: 'SECRET_ID' } : {}),
      ...(connection.kafkaAuthentication ? { kafkaAuthentication: connection.kafkaAuthentication } : {}),
    });
  }
}

/**
 * The account's transit gateways, attachments and route tables (`--from-aws`): described whole.
 * A gateway's security group referencing works only where the gateway and its VPC attachments
 * enable it, and the model keeps one flag per gateway: it is on only when the gateway and every
 * VPC attachment have it on. A route to an attachment that is not described, or a table whose
 * routes were not all listed, leaves the table open (UNKNOWN beyond it).
 */
function mergeFactsTransitGateways(model: NetworkModel, facts: FactsDocument): void {
  const attachments = facts.transitGatewayAttachments ?? [];
  for (const tgw of facts.transitGateways ?? []) {
    const own = attachments.filter((a) => a.transitGatewayId === tgw.id && (a.resourceType ?? 'vpc') === 'vpc');
    model.transitGateways.set(tgw.id, {
      id: tgw.id,
      source: sourceOf(facts, tgw.id),
      securityGroupReferencingSupport: tgw.securityGroupReferencingSupport === true && own.every((a) => a.securityGroupReferencingSupport === true),
      dnsSupport: tgw.dnsSupport !== undefined ? known(tgw.dnsSupport) : unknown(`the facts do not give the DnsSupport option of ${tgw.id} (transitGateways[].dnsSupport)`),
    });
  }
  for (const attachment of attachments) {
    const vpc = (attachment.resourceType ?? 'vpc') === 'vpc';
    model.transitGatewayAttachments.set(attachment.id, {
      id: attachment.id,
      source: sourceOf(facts, attachment.id),
      transitGatewayId: attachment.transitGatewayId,
      vpcId: vpc && attachment.vpcId ? known(attachment.vpcId)
        : unknown(vpc ? `the VPC of ${attachment.id} is not described` : `${attachment.id} is a ${attachment.resourceType} attachment, not a VPC's`),
      subnetIds: [...(attachment.subnetIds ?? [])],
      dnsSupport: attachment.dnsSupport !== undefined ? known(attachment.dnsSupport)
        : unknown(`the facts do not give the DnsSupport option of ${attachment.id} (transitGatewayAttachments[].dnsSupport)`),
    });
  }
  for (const [index, table] of (facts.transitGatewayRouteTables ?? []).entries()) {
    if (table.transitGatewayId === undefined) continue; // a table of the templates: merged after them
    const source = sourceOf(facts, `transitGatewayRouteTables[${index}]`);
    const named = [...(table.associations ?? []), ...(table.propagations ?? []), ...(table.routes ?? []).flatMap((r) => r.attachmentId ?? [])];
    const undescribed = [...new Set(named.filter((id) => !model.transitGatewayAttachments.has(id)))];
    for (const id of undescribed) {
      model.issues.push({ source, message: `facts transitGatewayRouteTables[${index}]: attachment "${id}" is not described; what it leads to is unknown` });
    }
    const causes = [
      ...(table.routesIncomplete ? [`not all of the routes of ${table.id} were listed`] : []),
      ...(undescribed.length ? [`${table.id} leads to ${undescribed.join(', ')}, which is not described`] : []),
    ];
    model.transitGatewayRouteTables.set(table.id, {
      id: table.id,
      source,
      transitGatewayId: table.transitGatewayId,
      routes: (table.routes ?? []).map((route) => ({
        source,
        destination: known(parseCidr(route.destination)!),
        blackhole: route.blackhole === true,
        ...(route.attachmentId !== undefined ? { attachmentId: route.attachmentId } : {}),
      })),
      associatedAttachmentIds: [...(table.associations ?? [])],
      propagatingAttachmentIds: [...(table.propagations ?? [])],
      ...(causes.length ? { openEnded: causes.map((cause) => ({ cause, source, kind: 'outside' as const, effect: 'change' as const })) } : {}),
    });
  }
}

/**
 * Names the zones the templates take from `Fn::GetAZs` (after the templates): every subnet and
 * connection in that symbolic zone gets the name.
 */
export function mergeFactsZones(model: NetworkModel, facts: FactsDocument): void {
  const names = new Map((facts.availabilityZones ?? []).map((z) => [z.symbol, z.name]));
  if (!names.size) return;
  for (const subnet of model.subnets.values()) {
    const name = subnet.symbolicZone ? names.get(subnet.symbolicZone.symbol) : undefined;
    if (name !== undefined) model.subnets.set(subnet.id, { ...subnet, availabilityZone: known(name), symbolicZone: undefined });
  }
  for (const connection of model.connections.values()) {
    const name = connection.symbolicZone ? names.get(connection.symbolicZone.symbol) : undefined;
    if (name !== undefined) model.connections.set(connection.id, { ...connection, availabilityZone: known(name), symbolicZone: undefined });
  }
}

/** Adds the declared data stores (after the templates, whose connections they may name). */
export function mergeFactsDataStores(model: NetworkModel, facts: FactsDocument, connectionIdsByName: ConnectionNames): void {
  for (const [index, store] of (facts.dataStores ?? []).entries()) {
    const source = sourceOf(facts, `dataStores[${index}]`);
    const connectionId = connectionIdsByName.get(store.connectionName);
    if (!connectionId) {
      model.issues.push({ source, message: `facts dataStores[${index}]: no connection is named "${store.connectionName}"` });
      continue;
    }
    model.declaredStores.set(connectionId, {
      source,
      connectionId,
      subnetIds: [...store.subnetIds],
      securityGroupIds: [...store.securityGroupIds],
      ...(store.port !== undefined ? { port: store.port } : {}),
      ...(store.ports !== undefined ? { ports: [...store.ports] } : {}),
      ...(store.publiclyAccessible !== undefined ? { publiclyAccessible: store.publiclyAccessible } : {}),
      ...(store.locationUnknown !== undefined ? { locationUnknown: store.locationUnknown } : {}),
    });
  }
}

/**
 * Whether a facts job's security configuration encrypts with AWS KMS keys (see `GlueJob.kmsUse`):
 * as `kmsEncryption` says, unknown without it (why: `kmsEncryptionUnknown`, when the account reader
 * could not read the configuration's settings).
 */
function factsKmsUse(job: FactsJob): { kmsUse?: Fact<string> } {
  const name = job.securityConfiguration !== undefined ? `security configuration ${job.securityConfiguration}` : 'its security configuration';
  if (job.securityConfiguration === undefined && job.kmsEncryption === undefined) return {};
  if (job.kmsEncryption === undefined) {
    return {
      kmsUse: unknown(`job ${job.name} uses ${name}, whose encryption settings the facts do not give (${job.kmsEncryptionUnknown ?? 'no kmsEncryption'}), `
        + 'so whether it encrypts with AWS KMS keys is unknown: give the job\'s kmsEncryption in the facts (its AWS KMS settings, [] for none)'),
    };
  }
  return job.kmsEncryption.length ? { kmsUse: known(`${name} (${job.kmsEncryption.join(', ')})`) } : {};
}

/**
 * Adds the facts' Glue jobs (after the templates, whose connections they may name) and reports
 * what the account reader could not read.
 */
export function mergeFactsJobs(model: NetworkModel, facts: FactsDocument, connectionIdsByName: ConnectionNames): void {
  for (const job of facts.jobs ?? []) {
    const id = `facts/job/${job.name}`;
    model.jobs.set(id, {
      id,
      source: sourceOf(facts, job.name),
      name: known(job.name),
      command: known(job.command ?? 'glueetl'),
      connections: (job.connections ?? []).map((name) => {
        const connectionId = connectionIdsByName.get(name);
        return connectionId ? { name: known(name), connectionId } : { name: known(name) };
      }),
      ...(job.workerType !== undefined ? { workerType: known(job.workerType) } : {}),
      ...(job.numberOfWorkers !== undefined ? { numberOfWorkers: known(job.numberOfWorkers) } : {}),
      ...(job.maxCapacity !== undefined ? { maxCapacity: known(job.maxCapacity) } : {}),
      maxConcurrentRuns: known(job.maxConcurrentRuns ?? 1),
      ...(job.glueVersion !== undefined ? { glueVersion: known(job.glueVersion) } : {}),
      ...(job.pythonVersion !== undefined ? { pythonVersion: known(job.pythonVersion) } : {}),
      ...(job.additionalPythonModules !== undefined ? { additionalPythonModules: known(job.additionalPythonModules) } : {}),
      ...(job.pythonModulesInstallerOption !== undefined ? { pythonInstallerOptions: known(job.pythonModulesInstallerOption) } : {}),
      ...(job.enableAutoScaling !== undefined ? { enableAutoScaling: known(job.enableAutoScaling) } : {}),
      ...factsKmsUse(job),
    });
  }
  for (const [index, unread] of (facts.unread ?? []).entries()) {
    model.issues.push({
      source: sourceOf(facts, `unread[${index}]`),
      message: unread.call === 'ec2:DescribeAccountAttributes'
        ? `${unread.call} could not be read (${unread.reason}): the account's "Security groups per network interface" quota is taken to be AWS's default (5)`
        : `${unread.call} could not be read (${unread.reason}): what it describes is unknown`,
    });
  }
}

/**
 * Adds what the facts file says other stacks or accounts put in transit gateway route tables of
 * the templates (after the templates are read, since the tables are theirs). A described table is
 * no longer open-ended: the facts state what the templates could not.
 */
export function mergeFactsTransitGatewayRouteTables(model: NetworkModel, facts: FactsDocument): void {
  for (const [index, described] of (facts.transitGatewayRouteTables ?? []).entries()) {
    if (described.transitGatewayId !== undefined) continue; // a table of the account, merged with the network
    const source = sourceOf(facts, `transitGatewayRouteTables[${index}]`);
    const table = model.transitGatewayRouteTables.get(described.id);
    if (!table) {
      const ids = [...model.transitGatewayRouteTables.keys()];
      model.issues.push({ source, message: `facts transitGatewayRouteTables[${index}]: no transit gateway route table of the templates has the id "${described.id}"${ids.length ? ` (they are: ${ids.slice(0, 10).join(', ')})` : ''}` });
      continue;
    }
    const undescribed = [...(described.associations ?? []), ...(described.propagations ?? []), ...(described.routes ?? []).flatMap((r) => r.attachmentId ?? [])]
      .filter((id) => !model.transitGatewayAttachments.has(id));
    for (const id of new Set(undescribed)) {
      model.issues.push({ source, message: `facts transitGatewayRouteTables[${index}]: attachment "${id}" is not an attachment of the templates; what it leads to is unknown` });
    }
    const stillOpen = (described.propagations ?? []).filter((id) => !model.transitGatewayAttachments.has(id));
    model.transitGatewayRouteTables.set(table.id, {
      id: table.id,
      source: table.source,
      transitGatewayId: table.transitGatewayId,
      routes: [...table.routes, ...(described.routes ?? []).map((route) => ({
        source,
        destination: known(parseCidr(route.destination)!),
        blackhole: route.blackhole === true,
        ...(route.attachmentId !== undefined ? { attachmentId: route.attachmentId } : {}),
      }))],
      associatedAttachmentIds: [...table.associatedAttachmentIds, ...(described.associations ?? [])],
      propagatingAttachmentIds: [...table.propagatingAttachmentIds, ...(described.propagations ?? [])],
      ...(stillOpen.length ? {
        openEnded: [{
          cause: `the facts file propagates ${stillOpen.join(', ')} into it, which is not described`,
          source,
          kind: 'outside' as const,
          effect: 'add' as const,
        }],
      } : {}),
    });
  }
}

import { parseCidr, rangeSize } from '../../model';
import {
  FactsConnection, FactsDocument, FactsGatewayEndpoint, FactsJob, FactsNatGateway, FactsNetworkAcl, FactsNetworkAclEntry, FactsPeering, FactsPrefixList, FactsPrivateHostedZone,
  FactsRoute, FactsRouteTable, FactsSecurityGroup, FactsSecurityGroupRule, FactsSubnet, FactsUnread, FactsVpc, isIpv6Cidr,
} from '../facts';
import { secretAndKafkaOf, SECRET_PROPERTIES, securityConfigurationKmsModes } from '../glue';
import { accountDataStores, AccountStoreParts, StoreConnection } from './stores';
import { AccountTransitParts, transitFacts } from './transit';

/**
 * What was read from an account, as the AWS APIs return it (the `aws ec2 describe-* --output
 * json` shapes, `Vpcs`, `Subnets`...). A list that is absent was NOT read (the call failed or the
 * saved file is missing): what it would describe is unknown, never "none". An empty list is a
 * definite "none".
 */
export interface AccountSnapshot extends AccountStoreParts, AccountTransitParts {
  readonly region?: string;
  readonly vpcs?: any[];
  /** DescribeVpcAttribute outputs (`{VpcId, EnableDnsSupport: {Value}}`, `{VpcId, EnableDnsHostnames: {Value}}`), two per VPC. */
  readonly vpcAttributes?: any[];
  readonly subnets?: any[];
  readonly routeTables?: any[];
  readonly securityGroups?: any[];
  /** DescribeSecurityGroupVpcAssociations: groups associated with VPCs other than their own. */
  readonly securityGroupVpcAssociations?: any[];
  readonly networkAcls?: any[];
  readonly vpcEndpoints?: any[];
  readonly natGateways?: any[];
  readonly peerings?: any[];
  readonly connections?: any[];
  readonly jobs?: any[];
  /**
   * GetSecurityConfigurations (`{Name, EncryptionConfiguration: {S3Encryption: [{S3EncryptionMode}],
   * CloudWatchEncryption, JobBookmarksEncryption}}`; `--from-aws` calls it when a job read names a
   * security configuration). Absent: not read (whether the jobs naming one use AWS KMS keys is unknown).
   */
  readonly securityConfigurations?: any[];
  /** DescribeAccountAttributes (`{AttributeName, AttributeValues: [{AttributeValue}]}`): the account's `vpc-max-security-groups-per-interface`. */
  readonly accountAttributes?: any[];
  /** DescribeManagedPrefixLists: the prefix lists the account sees (`PrefixListId`, `AddressFamily`, `MaxEntries`, `OwnerId`). */
  readonly prefixLists?: any[];
  /** GetManagedPrefixListEntries, once per customer-managed list the routes and rules reference: `{PrefixListId, Entries: [{Cidr}]}`. */
  readonly prefixListEntries?: any[];
  /**
   * ListHostedZonesByVPC, once per VPC: `{VpcId, HostedZoneSummaries: [{HostedZoneId, Name, Owner}]}`
   * (the output with the VPC it was asked for). Absent: the private hosted zones are not read.
   */
  readonly privateHostedZones?: any[];
  /** The calls (or files) that could not be read, and why. */
  readonly unread: FactsUnread[];
}

/** The read-only call behind each part of the snapshot (named in UNKNOWN reasons and docs/live.md). */
export const SNAPSHOT_CALLS = {
  vpcs: 'ec2:DescribeVpcs',
  subnets: 'ec2:DescribeSubnets',
  routeTables: 'ec2:DescribeRouteTables',
  securityGroups: 'ec2:DescribeSecurityGroups',
  securityGroupVpcAssociations: 'ec2:DescribeSecurityGroupVpcAssociations',
  networkAcls: 'ec2:DescribeNetworkAcls',
  vpcEndpoints: 'ec2:DescribeVpcEndpoints',
  natGateways: 'ec2:DescribeNatGateways',
  peerings: 'ec2:DescribeVpcPeeringConnections',
  connections: 'glue:GetConnections',
  jobs: 'glue:GetJobs',
  securityConfigurations: 'glue:GetSecurityConfigurations',
  vpcAttributes: 'ec2:DescribeVpcAttribute',
  accountAttributes: 'ec2:DescribeAccountAttributes',
  prefixLists: 'ec2:DescribeManagedPrefixLists',
  prefixListEntries: 'ec2:GetManagedPrefixListEntries',
  privateHostedZones: 'route53:ListHostedZonesByVPC',
  transitGateways: 'ec2:DescribeTransitGateways',
  transitGatewayAttachments: 'ec2:DescribeTransitGatewayAttachments',
  transitGatewayVpcAttachments: 'ec2:DescribeTransitGatewayVpcAttachments',
  transitGatewayRouteTables: 'ec2:DescribeTransitGatewayRouteTables',
  transitGatewayRoutes: 'ec2:SearchTransitGatewayRoutes',
  transitGatewayPropagations: 'ec2:GetTransitGatewayRouteTablePropagations',
  dbInstances: 'rds:DescribeDBInstances',
  dbClusters: 'rds:DescribeDBClusters',
  dbSubnetGroups: 'rds:DescribeDBSubnetGroups',
  redshiftClusters: 'redshift:DescribeClusters',
  redshiftSubnetGroups: 'redshift:DescribeClusterSubnetGroups',
  mskClusters: 'kafka:ListClustersV2',
  mskBootstrapBrokers: 'kafka:GetBootstrapBrokers',
} as const;

export type SnapshotPart = keyof typeof SNAPSHOT_CALLS;

export interface ToFactsOptions {
  /** Only these jobs (by name); default every job read. */
  readonly jobNames?: readonly string[];
  /** Leave the jobs out (the templates define the jobs to plan). */
  readonly withoutJobs?: boolean;
  /** Connections the templates define: left out, the templates' definition wins. */
  readonly skipConnectionNames?: ReadonlySet<string>;
  /** The templates' connections whose address is known: their stores may be in the account too. */
  readonly templateConnections?: readonly StoreConnection[];
  /** The `pl-...` ids the templates' routes and rules name: AWS-managed ones among them are weighed too. */
  readonly templatePrefixListIds?: readonly string[];
}

const ADDRESS_PROPERTIES = ['JDBC_CONNECTION_URL', 'KAFKA_BOOTSTRAP_SERVERS', 'CONNECTION_URL'];

/** Route target kinds by the id field DescribeRouteTables fills (first match wins). */
const ROUTE_TARGETS: readonly (readonly [string, FactsRoute['target']['kind'], string?])[] = [
  ['VpcPeeringConnectionId', 'vpc-peering'],
  ['TransitGatewayId', 'transit-gateway'],
  ['NatGatewayId', 'nat-gateway'],
  ['EgressOnlyInternetGatewayId', 'egress-only-internet-gateway'],
  ['NetworkInterfaceId', 'network-interface'],
  ['InstanceId', 'instance'],
  ['CarrierGatewayId', 'carrier-gateway'],
  ['LocalGatewayId', 'local-gateway'],
  ['CoreNetworkArn', 'core-network'],
];

const list = (value: unknown): any[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The part that was not read, as an UNKNOWN placeholder id (undescribed, so the engine says unknown). */
const notRead = (part: SnapshotPart, owner: string) => `${owner}#${SNAPSHOT_CALLS[part].replace(':', '-')}-not-read`;

function vpcFacts(s: AccountSnapshot, vpc: any): FactsVpc {
  const id = String(vpc.VpcId);
  const associated = list(vpc.CidrBlockAssociationSet)
    .filter((a) => a?.CidrBlockState?.State === undefined || a.CidrBlockState.State === 'associated')
    .map((a) => str(a.CidrBlock)).filter((c): c is string => !!c && !!parseCidr(c));
  const primary = str(vpc.CidrBlock);
  const cidrBlocks = [...new Set([...(primary ? [primary] : []), ...associated])];
  const main = s.routeTables?.find((t) => t.VpcId === id && list(t.Associations).some((a) => a.Main === true));
  const defaultAcl = s.networkAcls?.find((a) => a.VpcId === id && a.IsDefault === true);
  // Not read: unknown, as in a facts file that leaves them out (never EC2's defaults).
  const attribute = (name: string): boolean | undefined => {
    const value = s.vpcAttributes?.find((a) => a.VpcId === id && a[name] !== undefined)?.[name]?.Value;
    return typeof value === 'boolean' ? value : undefined;
  };
  const dnsSupport = attribute('EnableDnsSupport');
  const dnsHostnames = attribute('EnableDnsHostnames');
  return {
    id,
    cidrBlocks,
    ...(s.region ? { region: s.region } : {}),
    ...(str(vpc.OwnerId) ? { account: vpc.OwnerId } : {}),
    ...(dnsSupport !== undefined ? { enableDnsSupport: dnsSupport } : {}),
    ...(dnsHostnames !== undefined ? { enableDnsHostnames: dnsHostnames } : {}),
    // A main table / default ACL that was not read is named but undescribed: unknown, not the
    // implicit "local routes only" table or the allow-all default ACL.
    mainRouteTableId: s.routeTables === undefined ? notRead('routeTables', id) : str(main?.RouteTableId) ?? `${id}#main-route-table-not-found`,
    defaultNetworkAclId: s.networkAcls === undefined ? notRead('networkAcls', id) : str(defaultAcl?.NetworkAclId) ?? `${id}#default-network-acl-not-found`,
  };
}

function subnetFacts(s: AccountSnapshot, subnet: any): FactsSubnet | undefined {
  const id = String(subnet.SubnetId);
  const cidr = parseCidr(String(subnet.CidrBlock));
  // An IPv6-only subnet (EC2 `Ipv6Native`) has no IPv4 CIDR block: it is read with its IPv6
  // blocks (what it reaches is then UNKNOWN), never left out (a connection or store there would
  // read as in a subnet that does not exist). One with neither block is not a subnet EC2 returns.
  // (The blocks only name the subnet's addresses in messages: any but a block already gone.)
  const ipv6CidrBlocks = cidr ? [] : list(subnet.Ipv6CidrBlockAssociationSet)
    .filter((a) => !['disassociated', 'failed'].includes(a?.Ipv6CidrBlockState?.State))
    .map((a) => a?.Ipv6CidrBlock).filter(isIpv6Cidr);
  if (!cidr && ipv6CidrBlocks.length === 0) return undefined;
  const table = s.routeTables?.find((t) => list(t.Associations).some((a) => a.SubnetId === id));
  const acl = s.networkAcls?.find((a) => list(a.Associations).some((assoc: any) => assoc.SubnetId === id));
  // Every subnet has a NACL association; none read means the association is unknown.
  const networkAclId = s.networkAcls === undefined ? notRead('networkAcls', id) : str(acl?.NetworkAclId) ?? `${id}#network-acl-not-found`;
  const free = subnet.AvailableIpAddressCount;
  return {
    id,
    vpcId: String(subnet.VpcId),
    ...(cidr ? { cidr: String(subnet.CidrBlock) } : { ipv6CidrBlocks }),
    ...(str(subnet.AvailabilityZone) ? { availabilityZone: subnet.AvailabilityZone } : {}),
    ...(str(table?.RouteTableId) ? { routeTableId: table.RouteTableId } : {}),
    networkAclId,
    // AWS reserves 5 addresses per subnet; the rest not available are taken by ENIs.
    // (AvailableIpAddressCount counts IPv4 addresses: none in an IPv6-only subnet.)
    ...(cidr && Number.isInteger(free) ? { usedAddresses: Math.max(0, rangeSize(cidr) - 5 - free) } : {}),
  };
}

function routeFacts(route: any, endpointIds: ReadonlySet<string>): FactsRoute | undefined {
  const facts = routeTargetFacts(route, endpointIds);
  // A route a virtual private gateway propagates: it routes like the others, but the "Routes per
  // route table" quota counts only non-propagated routes.
  return facts && route.Origin === 'EnableVgwRoutePropagation' ? { ...facts, propagated: true } : facts;
}

function routeTargetFacts(route: any, endpointIds: ReadonlySet<string>): FactsRoute | undefined {
  const destination = str(route.DestinationCidrBlock) ?? str(route.DestinationPrefixListId);
  if (!destination) return undefined; // IPv6 routes: the model is IPv4.
  const gateway = str(route.GatewayId);
  if (gateway === 'local') return undefined; // the VPC's own CIDRs: implied
  // A gateway endpoint's route (prefix list -> vpce-) is the endpoint itself, described apart.
  if (gateway && endpointIds.has(gateway)) return undefined;
  // A blackhole route drops the traffic; the facts format has no blackhole route target, and
  // what a packet meets there is not a working gateway: unknown, never the target it had.
  if (route.State === 'blackhole') return { destination, target: { kind: 'unknown', id: `blackhole:${gateway ?? ROUTE_TARGETS.map(([k]) => str(route[k])).find(Boolean) ?? 'route'}` } };
  for (const [field, kind] of ROUTE_TARGETS) {
    const id = str(route[field]);
    if (id) return { destination, target: { kind, id } };
  }
  if (gateway?.startsWith('igw-')) return { destination, target: { kind: 'internet-gateway', id: gateway } };
  if (gateway?.startsWith('vgw-')) return { destination, target: { kind: 'vpn-gateway', id: gateway } };
  return { destination, target: { kind: 'unknown', ...(gateway ? { id: gateway } : {}) } };
}

function routeTableFacts(table: any, endpointIds: ReadonlySet<string>): FactsRouteTable {
  // Its gateway associations: it routes the traffic entering the VPC through those gateways.
  const gatewayIds = list(table.Associations)
    .filter((a) => a?.AssociationState?.State === undefined || a.AssociationState.State === 'associated')
    .map((a) => str(a?.GatewayId)).filter((id): id is string => id !== undefined);
  return {
    id: String(table.RouteTableId),
    vpcId: String(table.VpcId),
    ...(gatewayIds.length ? { gatewayIds } : {}),
    // Propagated routes (Origin EnableVgwRoutePropagation) are listed like the others, marked `propagated`.
    routes: list(table.Routes).map((route) => routeFacts(route, endpointIds)).filter((r): r is FactsRoute => !!r),
  };
}

function ruleFacts(permission: any): FactsSecurityGroupRule[] {
  const protocol = String(permission.IpProtocol ?? '-1');
  const ports = protocol === '-1' ? {} : {
    ...(Number.isInteger(permission.FromPort) ? { fromPort: permission.FromPort } : {}),
    ...(Number.isInteger(permission.ToPort) ? { toPort: permission.ToPort } : {}),
  };
  const base = { protocol, ...ports };
  const described = (d: unknown) => (str(d) ? { description: d as string } : {});
  return [
    ...list(permission.IpRanges).filter((r) => parseCidr(String(r.CidrIp))).map((r) => ({ ...base, cidr: r.CidrIp, ...described(r.Description) })),
    ...list(permission.UserIdGroupPairs).filter((p) => str(p.GroupId)).map((p) => ({ ...base, securityGroupId: p.GroupId, ...described(p.Description) })),
    ...list(permission.PrefixListIds).filter((p) => str(p.PrefixListId)).map((p) => ({ ...base, prefixListId: p.PrefixListId, ...described(p.Description) })),
    // IPv6 rules admit no IPv4 traffic, but count against the IPv6 side of the rules-per-group quota.
    ...list(permission.Ipv6Ranges).filter((r) => isIpv6Cidr(r?.CidrIpv6)).map((r) => ({ ...base, cidrIpv6: r.CidrIpv6, ...described(r.Description) })),
  ];
}

function securityGroupFacts(s: AccountSnapshot, group: any): FactsSecurityGroup {
  const id = String(group.GroupId);
  // Only an association in force lets ENIs of that VPC wear the group: associating,
  // disassociating and the failed states do not count.
  const associated = [...new Set((s.securityGroupVpcAssociations ?? [])
    .filter((a) => a?.GroupId === id && a.State === 'associated' && str(a.VpcId) && a.VpcId !== group.VpcId)
    .map((a) => String(a.VpcId)))];
  return {
    id,
    vpcId: String(group.VpcId),
    ingress: list(group.IpPermissions).flatMap(ruleFacts),
    egress: list(group.IpPermissionsEgress).flatMap(ruleFacts),
    ...(associated.length ? { associatedVpcIds: associated } : {}),
    // Not read: whether it is associated with another VPC is unknown, never "not associated".
    ...(s.securityGroupVpcAssociations === undefined ? { associationsIncomplete: true } : {}),
  };
}

function networkAclFacts(acl: any): FactsNetworkAcl {
  const entries: FactsNetworkAclEntry[] = [];
  for (const entry of list(acl.Entries)) {
    if (!str(entry.CidrBlock) || !parseCidr(entry.CidrBlock)) continue; // IPv6 entries
    if (entry.RuleNumber === 32767) continue; // the implicit final deny
    const ports = entry.PortRange && Number.isInteger(entry.PortRange.From) ? { fromPort: entry.PortRange.From, toPort: entry.PortRange.To } : {};
    entries.push({
      ruleNumber: entry.RuleNumber,
      egress: entry.Egress === true,
      action: entry.RuleAction === 'allow' ? 'allow' : 'deny',
      protocol: String(entry.Protocol ?? '-1'),
      cidr: entry.CidrBlock,
      ...ports,
    });
  }
  return { id: String(acl.NetworkAclId), vpcId: String(acl.VpcId), isDefault: acl.IsDefault === true, entries };
}

/** `com.amazonaws.us-east-1.s3` -> `s3` (and `dynamodb`, `secretsmanager`, `kms`: the names the engine knows, as the template reader gives them); other service names are kept whole. */
function serviceOf(name: string): string {
  const match = /^com\.amazonaws\.[a-z0-9-]+\.(s3|dynamodb|secretsmanager|kms)$/.exec(name);
  return match ? match[1] : name;
}

const GONE = new Set(['deleted', 'deleting', 'failed', 'rejected', 'expired']);

function endpointFacts(endpoint: any): FactsGatewayEndpoint | undefined {
  if (GONE.has(String(endpoint.State).toLowerCase())) return undefined;
  const type = endpoint.VpcEndpointType;
  const id = String(endpoint.VpcEndpointId);
  // An interface endpoint: its private DNS, and the groups and subnets of its network interfaces
  // (DescribeVpcEndpoints' PrivateDnsEnabled, Groups[].GroupId, SubnetIds). A field the answer
  // lacks stays out, so the facts leave it unknown (private DNS: see privateDnsUnknown).
  const groups = Array.isArray(endpoint.Groups) ? list(endpoint.Groups).map((g) => str(g?.GroupId)).filter((g): g is string => !!g) : undefined;
  const subnets = Array.isArray(endpoint.SubnetIds) ? list(endpoint.SubnetIds).filter((s): s is string => !!str(s)) : undefined;
  const dns = endpoint.PrivateDnsEnabled;
  const interfaceFields = type !== 'Interface' ? {} : {
    ...(typeof dns === 'boolean' ? { privateDnsEnabled: dns } : { privateDnsUnknown: true }),
    ...(groups ? { securityGroupIds: groups } : {}),
    ...(subnets ? { subnetIds: subnets } : {}),
  };
  // A VPC Lattice resource or service-network endpoint names no service: what it reaches, in
  // words (as the template reader says), and the subnets of its network interfaces.
  const lattice = type === 'Resource' || type === 'ServiceNetwork';
  const latticeTarget = type === 'Resource' ? 'a VPC Lattice resource configuration' : 'a VPC Lattice service network';
  return {
    id,
    vpcId: String(endpoint.VpcId),
    service: lattice && !str(endpoint.ServiceName) ? latticeTarget : serviceOf(String(endpoint.ServiceName)),
    ...(type === 'Gateway' || type === 'Interface' || type === 'GatewayLoadBalancer' || lattice ? { type } : {}),
    routeTableIds: list(endpoint.RouteTableIds).filter((routeTable) => str(routeTable)),
    ...interfaceFields,
    ...(lattice && subnets ? { subnetIds: subnets } : {}),
  };
}

function natFacts(nat: any): FactsNatGateway | undefined {
  if (GONE.has(String(nat.State))) return undefined;
  return { id: String(nat.NatGatewayId), subnetId: String(nat.SubnetId), connectivity: nat.ConnectivityType === 'private' ? 'private' : 'public' };
}

function peeringFacts(peering: any): FactsPeering {
  const requester = peering.RequesterVpcInfo ?? {};
  const accepter = peering.AccepterVpcInfo ?? {};
  const code = String(peering.Status?.Code ?? '');
  // Anything but active is not a path: pending states may still become active, the others never.
  const status: FactsPeering['status'] = code === 'active' ? 'active'
    : ['pending-acceptance', 'provisioning', 'initiating-request'].includes(code) ? 'pending-acceptance' : 'failed';
  const dns = (info: any): boolean | undefined => (typeof info.PeeringOptions?.AllowDnsResolutionFromRemoteVpc === 'boolean'
    ? info.PeeringOptions.AllowDnsResolutionFromRemoteVpc : undefined);
  const fromRequester = dns(requester);
  const fromAccepter = dns(accepter);
  const peerRegion = str(accepter.Region);
  return {
    id: String(peering.VpcPeeringConnectionId),
    requesterVpcId: String(requester.VpcId),
    accepterVpcId: String(accepter.VpcId),
    ...(peerRegion ? { peerRegion } : {}),
    ...(str(accepter.OwnerId) ? { peerOwnerId: accepter.OwnerId } : {}),
    status,
    ...(fromRequester !== undefined ? { allowDnsResolutionFromRequester: fromRequester } : {}),
    ...(fromAccepter !== undefined ? { allowDnsResolutionFromAccepter: fromAccepter } : {}),
  };
}

function connectionFacts(connection: any): FactsConnection {
  const physical = connection.PhysicalConnectionRequirements ?? {};
  const properties = connection.ConnectionProperties ?? {};
  const key = ADDRESS_PROPERTIES.find((name) => str(properties[name]));
  const groups = list(physical.SecurityGroupIdList).filter((id) => str(id));
  // The secret Glue reads from the ENIs' subnet at run time (the Secrets Manager path).
  const secret = SECRET_PROPERTIES.map((name) => str(properties[name])).find(Boolean) ?? str(connection.AuthenticationConfiguration?.SecretArn);
  // A Kafka connection's client authentication, read as the template reader reads it (it sets the MSK port).
  const { kafkaAuthentication } = secretAndKafkaOf(properties);
  return {
    name: String(connection.Name),
    connectionType: str(connection.ConnectionType) ?? 'UNKNOWN',
    ...(str(physical.SubnetId) ? { subnetId: physical.SubnetId } : {}),
    ...(groups.length ? { securityGroupIds: groups } : {}),
    ...(str(physical.AvailabilityZone) ? { availabilityZone: physical.AvailabilityZone }
      // GetConnections answers with the connection as created: a subnet without a zone stays so (GNP-CONNECTION-AZ-MISSING).
      : str(physical.SubnetId) ? { availabilityZoneUnset: true } : {}),
    ...(key ? { address: properties[key] } : {}),
    ...(secret ? { secretId: secret } : {}),
    ...(kafkaAuthentication ? { kafkaAuthentication } : {}),
  };
}

/**
 * What of the security configuration a job names encrypts with AWS KMS keys, read from
 * GetSecurityConfigurations as the template reader reads an AWS::Glue::SecurityConfiguration
 * (`kmsEncryption`, `[]` for none), or why that is unknown (`kmsEncryptionUnknown`): the call not
 * read, the configuration not in its answer, a mode the check does not know.
 */
function kmsEncryptionFacts(s: AccountSnapshot, name: string): Pick<FactsJob, 'kmsEncryption' | 'kmsEncryptionUnknown'> {
  const call = SNAPSHOT_CALLS.securityConfigurations;
  if (s.securityConfigurations === undefined) {
    const unread = s.unread.find((u) => u.call === call);
    return {
      kmsEncryptionUnknown: unread ? `${call} could not be read (${unread.reason})`
        : `${call} was not read (with --from-describe, save get-security-configurations.json: \`aws glue get-security-configurations --output json\`)`,
    };
  }
  const found = s.securityConfigurations.filter((c) => c?.Name === name);
  if (found.length === 0) return { kmsEncryptionUnknown: `${call} lists no security configuration of that name` };
  const encryption = found[0].EncryptionConfiguration;
  if (found.length > 1 || encryption === null || typeof encryption !== 'object' || Array.isArray(encryption)) {
    return { kmsEncryptionUnknown: found.length > 1 ? `${call} lists it ${found.length} times` : `${call} gives it without its EncryptionConfiguration` };
  }
  const { settings, undecided } = securityConfigurationKmsModes(encryption, 'S3Encryption');
  if (settings.length) return { kmsEncryption: settings };
  if (undecided.length) return { kmsEncryptionUnknown: `${call} gives ${undecided.join(', ')}, a mode the check does not know` };
  // Data quality results encrypted with a KMS key: whether a job's run calls AWS KMS for them (and needs the route) is not documented.
  const dataQuality = encryption.DataQualityEncryption?.DataQualityEncryptionMode;
  if (dataQuality !== undefined && dataQuality !== 'DISABLED') {
    return { kmsEncryptionUnknown: `${call} gives data quality encryption ${JSON.stringify(dataQuality)}, and whether a job run calls AWS KMS for it is not documented` };
  }
  return { kmsEncryption: [] };
}

function jobFacts(s: AccountSnapshot, job: any): FactsJob {
  const count = (value: unknown) => (Number.isInteger(value) && (value as number) >= 0 ? value as number : undefined);
  const workers = count(job.NumberOfWorkers);
  const runs = count(job.ExecutionProperty?.MaxConcurrentRuns);
  const capacity = typeof job.MaxCapacity === 'number' ? job.MaxCapacity : typeof job.AllocatedCapacity === 'number' ? job.AllocatedCapacity : undefined;
  const connections = list(job.Connections?.Connections).filter((name) => str(name));
  // A non-overridable argument wins over a default one (a run cannot replace it).
  const argument = (key: string): string | undefined => [job.NonOverridableArguments?.[key], job.DefaultArguments?.[key]].find((v): v is string => str(v) !== undefined);
  const modules = argument('--additional-python-modules');
  const installerOption = argument('--python-modules-installer-option');
  const autoScaling = argument('--enable-auto-scaling');
  return {
    name: String(job.Name),
    ...(str(job.Command?.Name) ? { command: job.Command.Name } : {}),
    ...(connections.length ? { connections } : {}),
    ...(str(job.WorkerType) ? { workerType: job.WorkerType } : {}),
    // MaxCapacity is derived from the workers when they are set: keep one, as Glue does.
    ...(workers !== undefined ? { numberOfWorkers: workers } : capacity !== undefined ? { maxCapacity: capacity } : {}),
    ...(runs !== undefined ? { maxConcurrentRuns: runs } : {}),
    ...(str(job.GlueVersion) ? { glueVersion: job.GlueVersion } : {}),
    ...(str(job.Command?.PythonVersion) ? { pythonVersion: job.Command.PythonVersion } : {}),
    ...(modules !== undefined ? { additionalPythonModules: modules } : {}),
    ...(installerOption !== undefined ? { pythonModulesInstallerOption: installerOption } : {}),
    ...(autoScaling !== undefined ? { enableAutoScaling: autoScaling } : {}),
    ...(str(job.SecurityConfiguration) ? { securityConfiguration: job.SecurityConfiguration, ...kmsEncryptionFacts(s, job.SecurityConfiguration) } : {}),
  };
}

/**
 * The Route 53 private hosted zones associated with the VPCs read (ListHostedZonesByVPC, once per
 * VPC: a zone another account owns included), each once with every VPC it is associated with. A
 * zone may give an AWS service's name (Secrets Manager's) the addresses of an endpoint elsewhere,
 * as the template reader takes an `AWS::Route53::HostedZone` to. A VPC whose zones were not read
 * (the call denied, the saved output missing) gets one zone of unknown domain, so a path that
 * rests on how such a name resolves there is UNKNOWN, never traced to the public endpoint (a NAT
 * path) or found missing.
 */
function privateHostedZoneFacts(s: AccountSnapshot): FactsPrivateHostedZone[] {
  const read = new Map<string, any[]>();
  // (An output without its HostedZoneSummaries list, not what the call prints, is not read as none.)
  for (const output of s.privateHostedZones ?? []) if (str(output?.VpcId) && Array.isArray(output.HostedZoneSummaries)) read.set(output.VpcId, output.HostedZoneSummaries);
  const zones = new Map<string, { name: string; vpcIds: string[] }>();
  const unread: FactsPrivateHostedZone[] = [];
  for (const vpc of s.vpcs ?? []) {
    const vpcId = String(vpc.VpcId);
    const summaries = read.get(vpcId);
    if (summaries === undefined) {
      unread.push({
        id: `${vpcId}#route53-private-hosted-zones-not-read`,
        vpcIds: [vpcId],
        nameUnknown: `the Route 53 private hosted zones associated with ${vpcId} were not read (${SNAPSHOT_CALLS.privateHostedZones}): in a --write-facts file, replace this privateHostedZones entry by the VPC's zones (none: remove it) and plan with --facts`,
      });
      continue;
    }
    for (const summary of summaries) {
      const id = str(summary?.HostedZoneId);
      const name = str(summary?.Name);
      if (!id || !name) {
        unread.push({ id: `${vpcId}#route53-private-hosted-zone-${id ?? 'unnamed'}`, vpcIds: [vpcId], nameUnknown: `ListHostedZonesByVPC gave a zone of ${vpcId} without its ${id ? 'name' : 'id'}` });
        continue;
      }
      const zone = zones.get(id) ?? { name, vpcIds: [] };
      if (!zone.vpcIds.includes(vpcId)) zone.vpcIds.push(vpcId);
      zones.set(id, zone);
    }
  }
  return [...[...zones.entries()].map(([id, zone]) => ({ id, name: zone.name, vpcIds: zone.vpcIds })), ...unread];
}

const present = <T>(items: (T | undefined)[]): T[] => items.filter((item): item is T => item !== undefined);

/**
 * The prefix list ids the routes and security group rules read name (`pl-...`), but a gateway
 * endpoint's routes (to its service's AWS-managed list, `vpce-...`: the endpoint is read apart).
 */
export function referencedPrefixLists(s: Pick<AccountSnapshot, 'routeTables' | 'securityGroups'>): string[] {
  const ids = new Set<string>();
  for (const table of s.routeTables ?? []) {
    for (const route of list(table.Routes)) if (str(route.DestinationPrefixListId) && !String(route.GatewayId ?? '').startsWith('vpce-')) ids.add(route.DestinationPrefixListId);
  }
  for (const group of s.securityGroups ?? []) {
    for (const permission of [...list(group.IpPermissions), ...list(group.IpPermissionsEgress)]) {
      for (const peer of list(permission.PrefixListIds)) if (str(peer?.PrefixListId)) ids.add(peer.PrefixListId);
    }
  }
  return [...ids].sort();
}

/**
 * A customer-managed prefix list is the account's own (or shared with it); an AWS-managed one
 * (`com.amazonaws.*`, owner `AWS`: S3's, DynamoDB's, CloudFront's) is left as a reference to the
 * list, which is how the planner recognises the S3 path (VPC User Guide, "AWS-managed prefix
 * lists", https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html).
 */
export function isCustomerManaged(prefixList: any): boolean {
  return prefixList?.OwnerId !== 'AWS' && !String(prefixList?.PrefixListName ?? '').startsWith('com.amazonaws.');
}

/**
 * The customer-managed prefix lists whose address family, maximum entries and entries were all
 * read (DescribeManagedPrefixLists, GetManagedPrefixListEntries): a route or rule to one is then
 * read entry by entry. A list any of them is missing for, whose entries were read only in part
 * (a saved page with a NextToken), or that is not in a settled state (a change in progress or
 * failed), stays undescribed (its routes' and rules' destinations
 * unknown, as without the calls).
 */
const SETTLED_PREFIX_LIST_STATES = new Set(['create-complete', 'modify-complete', 'restore-complete']);

/**
 * The weight AWS documents for each AWS-managed prefix list, by name: what a route or rule to it
 * counts against the routes and rules-per-group quotas. DescribeManagedPrefixLists gives such a
 * list no MaxEntries. VPC User Guide, "AWS-managed prefix lists", weights
 * (https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html#aws-managed-prefix-list-weights).
 * A list not named there keeps an unknown weight.
 */
const AWS_MANAGED_WEIGHTS: readonly (readonly [RegExp, number])[] = [
  [/^com\.amazonaws\.global\.(ipv6\.)?cloudfront\.origin-facing$/, 55],
  [/^com\.amazonaws\.[a-z0-9-]+\.dynamodb$/, 1],
  [/^com\.amazonaws\.[a-z0-9-]+\.(ipv6\.)?ec2-instance-connect$/, 2],
  [/^com\.amazonaws\.global\.groundstation$/, 5],
  [/^com\.amazonaws\.[a-z0-9-]+\.(ipv6\.)?route53-healthchecks$/, 25],
  [/^com\.amazonaws\.[a-z0-9-]+\.s3$/, 1],
  [/^com\.amazonaws\.[a-z0-9-]+\.s3express$/, 6],
  [/^com\.amazonaws\.[a-z0-9-]+\.(ipv6\.)?vpc-lattice$/, 10],
];

/** An AWS-managed list's documented weight, or undefined when its name is not in the table. */
export function awsManagedWeight(name: unknown): number | undefined {
  return typeof name === 'string' ? AWS_MANAGED_WEIGHTS.find(([pattern]) => pattern.test(name))?.[1] : undefined;
}

/**
 * The AWS-managed lists `referenced` names, weighed only (`{id, maxEntries}`: not described, so a
 * rule to S3's list stays the reference by which Glue's S3 path is recognised). An IPv6 list
 * (`com.amazonaws.global.ipv6.cloudfront.origin-facing`...; DescribeManagedPrefixLists gives its
 * AddressFamily) is written with its family, as a customer-managed IPv6 list is: it admits no IPv4
 * traffic and counts on the IPv6 side of the quotas only (AWS counts IPv4 and IPv6 rules apart),
 * not on both, which would put CloudFront's two origin-facing lists (55 each) at 110 IPv4 rules.
 * An IPv4 list is written with its family too, without entries (not described): on the IPv4 side only.
 */
function awsManagedListFacts(s: AccountSnapshot, referenced: ReadonlySet<string>): FactsPrefixList[] {
  return present((s.prefixLists ?? []).filter((prefixList) => !isCustomerManaged(prefixList)).map((prefixList): FactsPrefixList | undefined => {
    const id = str(prefixList.PrefixListId);
    const weight = awsManagedWeight(prefixList.PrefixListName);
    if (!id?.startsWith('pl-') || !referenced.has(id) || weight === undefined) return undefined;
    // An IPv4 list is written with its family but no cidrs (weighed, not described): its weight counts on the IPv4 side only.
    return prefixList.AddressFamily === 'IPv6' || prefixList.AddressFamily === 'IPv4' ? { id, addressFamily: prefixList.AddressFamily, maxEntries: weight } : { id, maxEntries: weight };
  }));
}

function prefixListFacts(s: AccountSnapshot, referenced: ReadonlySet<string>): FactsPrefixList[] {
  const entries = new Map((s.prefixListEntries ?? []).map((read) => [String(read.PrefixListId), read]));
  return [...awsManagedListFacts(s, referenced), ...present((s.prefixLists ?? []).filter(isCustomerManaged).map((prefixList): FactsPrefixList | undefined => {
    const id = str(prefixList.PrefixListId);
    const read = id !== undefined ? entries.get(id) : undefined;
    const maxEntries = prefixList.MaxEntries;
    if (!id?.startsWith('pl-') || !read || !Number.isInteger(maxEntries) || maxEntries < 1 || maxEntries > 1000) return undefined;
    // A list being created, modified, restored or deleted, or whose last change failed (a
    // modification fails when a resource referencing it cannot take the new size: EC2 API
    // ModifyManagedPrefixList, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyManagedPrefixList.html):
    // which version its routes and rules hold is not documented, so it is not described.
    if (prefixList.State !== undefined && !SETTLED_PREFIX_LIST_STATES.has(prefixList.State)) return undefined;
    // A saved output that is one page of several (`--max-items`, `--no-paginate`: it ends with a
    // NextToken) holds only some of the entries: the list is not described rather than read short.
    if (str(read.NextToken) !== undefined) return undefined;
    if (prefixList.AddressFamily === 'IPv6') return { id, addressFamily: 'IPv6', maxEntries };
    if (prefixList.AddressFamily !== 'IPv4') return undefined;
    const cidrs = list(read.Entries).map((entry) => String(entry?.Cidr));
    return cidrs.every((cidr) => parseCidr(cidr)) && cidrs.length <= maxEntries ? { id, addressFamily: 'IPv4', maxEntries, cidrs } : undefined;
  // By id: the facts file reads the same whatever order the account's API lists them in.
  }))].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The account's quotas DescribeAccountAttributes tells: `vpc-max-security-groups-per-interface`
 * (the "Security groups per network interface" quota). The other VPC quotas are Service Quotas',
 * not read: their defaults are assumed unless given.
 */
function accountQuotas(s: AccountSnapshot): FactsDocument['quotas'] | undefined {
  const attribute = (s.accountAttributes ?? []).find((a) => a?.AttributeName === 'vpc-max-security-groups-per-interface');
  const value = attribute?.AttributeValues?.[0]?.AttributeValue;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
  return n !== undefined && n >= 1 && n <= 16 ? { securityGroupsPerNetworkInterface: n } : undefined;
}

/**
 * The facts document for what was read: the same document a user could write by hand
 * (docs/facts.md). Parts that were not read are listed in `unread` and leave the elements that
 * depend on them undescribed (unknown).
 */
export function snapshotToFacts(s: AccountSnapshot, options: ToFactsOptions = {}): FactsDocument {
  const endpoints = present((s.vpcEndpoints ?? []).map(endpointFacts));
  // Without DescribeVpcEndpoints, a route to a vpce- stays in the table with an unknown target.
  const gatewayEndpointIds = new Set(endpoints.filter((e) => (e.type ?? 'Gateway') === 'Gateway').map((e) => e.id));
  const jobs = options.withoutJobs ? [] : (s.jobs ?? []).map((job) => jobFacts(s, job)).filter((job) => !options.jobNames?.length || options.jobNames.includes(job.name));
  const read = (s.connections ?? []).map(connectionFacts);
  const connections = read.filter((c) => !options.skipConnectionNames?.has(c.name));
  const storeConnections: StoreConnection[] = [
    ...connections.flatMap((c) => (c.address ? [{ name: c.name, address: c.address }] : [])),
    ...(options.templateConnections ?? []),
  ];
  const transit = transitFacts(s);
  const doc: Record<string, unknown> = {
    prefixLists: prefixListFacts(s, new Set([...referencedPrefixLists(s), ...(options.templatePrefixListIds ?? [])])),
    vpcs: (s.vpcs ?? []).map((vpc) => vpcFacts(s, vpc)).filter((vpc) => vpc.cidrBlocks.length > 0),
    subnets: present((s.subnets ?? []).map((subnet) => subnetFacts(s, subnet))),
    routeTables: (s.routeTables ?? []).map((table) => routeTableFacts(table, gatewayEndpointIds)),
    securityGroups: (s.securityGroups ?? []).map((group) => securityGroupFacts(s, group)),
    networkAcls: (s.networkAcls ?? []).map(networkAclFacts),
    gatewayEndpoints: endpoints,
    natGateways: present((s.natGateways ?? []).map(natFacts)),
    peerings: (s.peerings ?? []).map((p) => peeringFacts(p)),
    privateHostedZones: privateHostedZoneFacts(s),
    transitGateways: transit?.transitGateways ?? [],
    transitGatewayAttachments: transit?.transitGatewayAttachments ?? [],
    transitGatewayRouteTables: transit?.transitGatewayRouteTables ?? [],
    connections,
    dataStores: accountDataStores(s, storeConnections),
    jobs,
    unread: s.unread,
  };
  for (const key of Object.keys(doc)) if ((doc[key] as unknown[]).length === 0) delete doc[key];
  const quotas = accountQuotas(s);
  return (quotas ? { ...doc, quotas } : doc) as FactsDocument;
}

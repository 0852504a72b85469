import { AccountSnapshot } from '../../../src/ingest/aws';

/**
 * Builders for what the EC2 and Glue APIs return (the `aws ec2 describe-* --output json` shapes),
 * so tests read like the account they describe.
 */
export const apiVpc = (id: string, cidr: string, owner = '111111111111') => ({
  VpcId: id,
  CidrBlock: cidr,
  OwnerId: owner,
  State: 'available',
  IsDefault: false,
  CidrBlockAssociationSet: [{ AssociationId: `${id}-cidr`, CidrBlock: cidr, CidrBlockState: { State: 'associated' } }],
});

export const apiSubnet = (id: string, vpcId: string, cidr: string, az: string, free: number) => ({
  SubnetId: id, VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: az, AvailableIpAddressCount: free, State: 'available',
});

export const localRoute = (cidr: string) => ({ DestinationCidrBlock: cidr, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' });
export const routeTo = (cidr: string, target: Record<string, string>, extra: Record<string, string> = {}) =>
  ({ DestinationCidrBlock: cidr, ...target, Origin: 'CreateRoute', State: 'active', ...extra });

export const apiRouteTable = (id: string, vpcId: string, options: { main?: boolean; subnets?: string[]; routes?: object[] }) => ({
  RouteTableId: id,
  VpcId: vpcId,
  Associations: [
    ...(options.main ? [{ Main: true, RouteTableId: id, RouteTableAssociationId: `${id}-main` }] : []),
    ...(options.subnets ?? []).map((subnetId) => ({ Main: false, RouteTableId: id, SubnetId: subnetId, RouteTableAssociationId: `${id}-${subnetId}` })),
  ],
  Routes: options.routes ?? [],
});

export const tcpRule = (port: number, peer: { cidr?: string; group?: string }) => ({
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  IpRanges: peer.cidr ? [{ CidrIp: peer.cidr }] : [],
  UserIdGroupPairs: peer.group ? [{ GroupId: peer.group, UserId: '111111111111' }] : [],
  PrefixListIds: [],
  Ipv6Ranges: [],
});
export const allTraffic = (peer: { cidr?: string; group?: string }) => ({ ...tcpRule(0, peer), IpProtocol: '-1', FromPort: undefined, ToPort: undefined });

export const apiSecurityGroup = (id: string, vpcId: string, ingress: object[], egress: object[] = [allTraffic({ cidr: '0.0.0.0/0' })]) => ({
  GroupId: id, GroupName: id, VpcId: vpcId, OwnerId: '111111111111', IpPermissions: ingress, IpPermissionsEgress: egress,
});

export const naclEntry = (ruleNumber: number, egress: boolean, action: 'allow' | 'deny', cidr = '0.0.0.0/0', protocol = '-1', ports?: [number, number]) => ({
  RuleNumber: ruleNumber,
  Egress: egress,
  RuleAction: action,
  Protocol: protocol,
  CidrBlock: cidr,
  ...(ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}),
});
/** A default NACL: allow all both ways, then the implicit deny (rule 32767) AWS lists. */
export const apiNetworkAcl = (id: string, vpcId: string, subnets: string[], entries?: object[], isDefault = true) => ({
  NetworkAclId: id,
  VpcId: vpcId,
  IsDefault: isDefault,
  Associations: subnets.map((subnetId) => ({ NetworkAclAssociationId: `${id}-${subnetId}`, NetworkAclId: id, SubnetId: subnetId })),
  Entries: entries ?? [naclEntry(100, false, 'allow'), naclEntry(32767, false, 'deny'), naclEntry(100, true, 'allow'), naclEntry(32767, true, 'deny')],
});

export const apiS3Endpoint = (id: string, vpcId: string, routeTableIds: string[]) => ({
  VpcEndpointId: id, VpcEndpointType: 'Gateway', VpcId: vpcId, ServiceName: 'com.amazonaws.us-east-1.s3', State: 'available', RouteTableIds: routeTableIds,
});
/** An interface endpoint as DescribeVpcEndpoints returns it (its network interfaces' groups and subnets). */
export const apiInterfaceEndpoint = (id: string, vpcId: string, service: string, options: { privateDns: boolean; groups: string[]; subnets: string[] }) => ({
  VpcEndpointId: id,
  VpcEndpointType: 'Interface',
  VpcId: vpcId,
  ServiceName: `com.amazonaws.us-east-1.${service}`,
  State: 'available',
  RouteTableIds: [],
  SubnetIds: options.subnets,
  Groups: options.groups.map((GroupId) => ({ GroupId, GroupName: GroupId })),
  PrivateDnsEnabled: options.privateDns,
  RequesterManaged: false,
  NetworkInterfaceIds: options.subnets.map((_, i) => `eni-0${id.slice(5)}${i}`),
});

/** A security group VPC association as DescribeSecurityGroupVpcAssociations returns it. */
export const apiGroupVpcAssociation = (groupId: string, vpcId: string, state = 'associated') => ({
  GroupId: groupId, VpcId: vpcId, VpcOwnerId: '111111111111', State: state, GroupOwnerId: '111111111111',
});

export const s3EndpointRoute = (endpointId: string) => ({ DestinationPrefixListId: 'pl-63a5400a', GatewayId: endpointId, Origin: 'CreateRoute', State: 'active' });

export const apiPeering = (id: string, requester: string, accepter: string, status = 'active', dns?: { requester: boolean; accepter: boolean }) => ({
  VpcPeeringConnectionId: id,
  Status: { Code: status, Message: status },
  RequesterVpcInfo: { VpcId: requester, OwnerId: '111111111111', Region: 'us-east-1', ...(dns ? { PeeringOptions: { AllowDnsResolutionFromRemoteVpc: dns.requester } } : {}) },
  AccepterVpcInfo: { VpcId: accepter, OwnerId: '222222222222', Region: 'us-east-1', ...(dns ? { PeeringOptions: { AllowDnsResolutionFromRemoteVpc: dns.accepter } } : {}) },
});

export const apiConnection = (name: string, subnetId: string, groups: string[], az: string, url?: string) => ({
  Name: name,
  ConnectionType: url ? 'JDBC' : 'NETWORK',
  ConnectionProperties: url ? { JDBC_CONNECTION_URL: url, JDBC_ENFORCE_SSL: 'false' } : {},
  PhysicalConnectionRequirements: { SubnetId: subnetId, SecurityGroupIdList: groups, AvailabilityZone: az },
});

export const apiJob = (name: string, connections: string[], extra: Record<string, unknown> = {}) => ({
  Name: name,
  Role: 'arn:aws:iam::111111111111:role/glue',
  Command: { Name: 'glueetl', ScriptLocation: 's3://scripts/job.py' },
  Connections: { Connections: connections },
  WorkerType: 'G.1X',
  NumberOfWorkers: 2,
  MaxCapacity: 2,
  ExecutionProperty: { MaxConcurrentRuns: 1 },
  ...extra,
});

/** The two DescribeVpcAttribute outputs of a VPC. */
export const apiDnsAttributes = (vpcId: string, support = true, hostnames = true) => [
  { VpcId: vpcId, EnableDnsSupport: { Value: support } },
  { VpcId: vpcId, EnableDnsHostnames: { Value: hostnames } },
];

/** What the RDS, Redshift and MSK APIs return for an account with none of them, and no transit gateway. */
export const noStoresNorTransitGateways = (): Partial<AccountSnapshot> => ({
  dbInstances: [],
  dbClusters: [],
  dbSubnetGroups: [],
  redshiftClusters: [],
  redshiftSubnetGroups: [],
  mskClusters: [],
  mskBootstrapBrokers: [],
  transitGateways: [],
  transitGatewayAttachments: [],
  transitGatewayVpcAttachments: [],
  transitGatewayRouteTables: [],
  transitGatewayRoutes: [],
  transitGatewayPropagations: [],
});

export const apiDbSubnetGroup = (name: string, vpcId: string, subnets: [string, string][]) => ({
  DBSubnetGroupName: name,
  VpcId: vpcId,
  SubnetGroupStatus: 'Complete',
  Subnets: subnets.map(([id, az]) => ({ SubnetIdentifier: id, SubnetAvailabilityZone: { Name: az }, SubnetStatus: 'Active' })),
});

export const apiDbInstance = (
  id: string, engine: string, address: string, port: number, subnetGroup: ReturnType<typeof apiDbSubnetGroup>, groups: string[], publiclyAccessible = false, cluster?: string,
) => ({
  DBInstanceIdentifier: id,
  Engine: engine,
  DBInstanceStatus: 'available',
  Endpoint: { Address: address, Port: port },
  DBSubnetGroup: subnetGroup,
  VpcSecurityGroups: groups.map((g) => ({ VpcSecurityGroupId: g, Status: 'active' })),
  PubliclyAccessible: publiclyAccessible,
  ...(cluster ? { DBClusterIdentifier: cluster } : {}),
});

export const apiDbCluster = (id: string, engine: string, endpoint: string, port: number, subnetGroup: string, groups: string[], members: string[]) => ({
  DBClusterIdentifier: id,
  Engine: engine,
  Status: 'available',
  Endpoint: endpoint,
  ReaderEndpoint: endpoint.replace(`${id}.cluster-`, `${id}.cluster-ro-`),
  Port: port,
  DBSubnetGroup: subnetGroup,
  VpcSecurityGroups: groups.map((g) => ({ VpcSecurityGroupId: g, Status: 'active' })),
  DBClusterMembers: members.map((m, i) => ({ DBInstanceIdentifier: m, IsClusterWriter: i === 0 })),
});

export const apiRedshiftSubnetGroup = (name: string, vpcId: string, subnets: string[]) => ({
  ClusterSubnetGroupName: name, VpcId: vpcId, SubnetGroupStatus: 'Complete', Subnets: subnets.map((id) => ({ SubnetIdentifier: id, SubnetStatus: 'Active' })),
});

export const apiRedshiftCluster = (id: string, address: string, subnetGroup: string, groups: string[], publiclyAccessible = false) => ({
  ClusterIdentifier: id,
  ClusterStatus: 'available',
  Endpoint: { Address: address, Port: 5439 },
  ClusterSubnetGroupName: subnetGroup,
  VpcSecurityGroups: groups.map((g) => ({ VpcSecurityGroupId: g, Status: 'active' })),
  PubliclyAccessible: publiclyAccessible,
});

export const apiMskCluster = (name: string, subnets: string[], groups: string[]) => ({
  ClusterArn: `arn:aws:kafka:us-east-1:111111111111:cluster/${name}/abc-1`,
  ClusterName: name,
  ClusterType: 'PROVISIONED',
  State: 'ACTIVE',
  Provisioned: {
    BrokerNodeGroupInfo: { ClientSubnets: subnets, SecurityGroups: groups, InstanceType: 'kafka.m5.large' },
    ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
    NumberOfBrokerNodes: subnets.length,
  },
});

/** GetBootstrapBrokers for a cluster, gathered with its ARN (how `get-bootstrap-brokers.json` saves it). */
export const apiBootstrapBrokers = (cluster: ReturnType<typeof apiMskCluster>, hosts: string[]) => ({
  ClusterArn: cluster.ClusterArn,
  BootstrapBrokerStringSaslIam: hosts.map((h) => `${h}:9098`).join(','),
});

/**
 * The seed's account: the Glue VPC (10.0.0.0/16, S3 endpoint, a route to the data VPC over the
 * peering) and the data VPC (10.50.0.0/16) whose database group admits the Glue subnet on 5432;
 * job `etl` lists connection `warehouse` (Glue VPC subnet).
 */
export function account(): AccountSnapshot {
  return {
    region: 'us-east-1',
    vpcs: [apiVpc('vpc-0glue', '10.0.0.0/16'), apiVpc('vpc-0data', '10.50.0.0/16')],
    subnets: [
      apiSubnet('subnet-0glue', 'vpc-0glue', '10.0.1.0/24', 'us-east-1a', 240),
      apiSubnet('subnet-0db', 'vpc-0data', '10.50.1.0/24', 'us-east-1a', 250),
    ],
    routeTables: [
      apiRouteTable('rtb-0gluemain', 'vpc-0glue', { main: true }),
      apiRouteTable('rtb-0glue', 'vpc-0glue', {
        subnets: ['subnet-0glue'],
        routes: [localRoute('10.0.0.0/16'), routeTo('10.50.0.0/16', { VpcPeeringConnectionId: 'pcx-0glue' }), s3EndpointRoute('vpce-0s3')],
      }),
      apiRouteTable('rtb-0data', 'vpc-0data', { main: true, routes: [localRoute('10.50.0.0/16'), routeTo('10.0.0.0/16', { VpcPeeringConnectionId: 'pcx-0glue' })] }),
    ],
    securityGroups: [
      apiSecurityGroup('sg-0glue', 'vpc-0glue', [allTraffic({ group: 'sg-0glue' })]),
      apiSecurityGroup('sg-0db', 'vpc-0data', [tcpRule(5432, { cidr: '10.0.1.0/24' }), allTraffic({ group: 'sg-0db' })]),
    ],
    securityGroupVpcAssociations: [],
    networkAcls: [apiNetworkAcl('acl-0glue', 'vpc-0glue', ['subnet-0glue']), apiNetworkAcl('acl-0data', 'vpc-0data', ['subnet-0db'])],
    vpcEndpoints: [apiS3Endpoint('vpce-0s3', 'vpc-0glue', ['rtb-0glue'])],
    natGateways: [],
    peerings: [apiPeering('pcx-0glue', 'vpc-0glue', 'vpc-0data', 'active', { requester: true, accepter: true })],
    connections: [
      apiConnection('glue-net', 'subnet-0glue', ['sg-0glue'], 'us-east-1a'),
      apiConnection('warehouse', 'subnet-0db', ['sg-0db'], 'us-east-1a', 'jdbc:postgresql://10.50.1.10:5432/dw'),
    ],
    jobs: [apiJob('etl', ['glue-net', 'warehouse'])],
    vpcAttributes: [...apiDnsAttributes('vpc-0glue'), ...apiDnsAttributes('vpc-0data')],
    // DescribeAccountAttributes answered without vpc-max-security-groups-per-interface: the default quota.
    accountAttributes: [],
    // No route or rule names a customer-managed prefix list.
    prefixLists: [],
    prefixListEntries: [],
    // ListHostedZonesByVPC: no private hosted zone in either VPC.
    privateHostedZones: [{ VpcId: 'vpc-0glue', HostedZoneSummaries: [] }, { VpcId: 'vpc-0data', HostedZoneSummaries: [] }],
    // GetSecurityConfigurations: none (no job names one).
    securityConfigurations: [],
    ...noStoresNorTransitGateways(),
    unread: [],
  };
}

export const apiTransitGateway = (id: string, securityGroupReferencing = false) => ({
  TransitGatewayId: id,
  State: 'available',
  Options: {
    DefaultRouteTableAssociation: 'enable',
    DefaultRouteTablePropagation: 'enable',
    DnsSupport: 'enable',
    SecurityGroupReferencingSupport: securityGroupReferencing ? 'enable' : 'disable',
  },
});

/** A VPC attachment as DescribeTransitGatewayAttachments lists it (with its association) and as DescribeTransitGatewayVpcAttachments does. */
export const apiVpcAttachment = (id: string, tgw: string, vpcId: string, subnets: string[], table: string, securityGroupReferencing = false) => ({
  attachment: { TransitGatewayAttachmentId: id, TransitGatewayId: tgw, ResourceType: 'vpc', ResourceId: vpcId, State: 'available', Association: { TransitGatewayRouteTableId: table, State: 'associated' } },
  vpcAttachment: {
    TransitGatewayAttachmentId: id,
    TransitGatewayId: tgw,
    VpcId: vpcId,
    SubnetIds: subnets,
    State: 'available',
    Options: { DnsSupport: 'enable', ApplianceModeSupport: 'disable', SecurityGroupReferencingSupport: securityGroupReferencing ? 'enable' : 'disable' },
  },
});

export const apiTgwRouteTable = (id: string, tgw: string) => ({ TransitGatewayRouteTableId: id, TransitGatewayId: tgw, State: 'available', DefaultAssociationRouteTable: true });

/** SearchTransitGatewayRoutes for a table, gathered with its id (how `search-transit-gateway-routes.json` saves it). */
export const apiTgwRoutes = (table: string, routes: { cidr: string; attachment?: string; type?: 'static' | 'propagated'; blackhole?: boolean }[], more = false) => ({
  TransitGatewayRouteTableId: table,
  Routes: routes.map((r) => ({
    DestinationCidrBlock: r.cidr,
    Type: r.type ?? 'propagated',
    State: r.blackhole ? 'blackhole' : 'active',
    ...(r.attachment ? { TransitGatewayAttachments: [{ TransitGatewayAttachmentId: r.attachment, ResourceType: 'vpc' }] } : {}),
  })),
  AdditionalRoutesAvailable: more,
});

/**
 * The seed's account joined by a transit gateway instead of a peering: tgw-0hub, one route
 * table (tgw-rtb-0hub) both VPC attachments are associated with and propagate into.
 */
export interface OverTransitGatewayOptions {
  readonly routes?: Parameters<typeof apiTgwRoutes>[1];
  /** SearchTransitGatewayRoutes says more routes are available. */
  readonly more?: boolean;
  readonly glueSubnets?: string[];
  /** Security group referencing on the gateway, the Glue attachment, the data attachment. */
  readonly referencing?: [boolean, boolean, boolean];
  readonly dbIngress?: object[];
}

export function accountOverTransitGateway(options: OverTransitGatewayOptions = {}): AccountSnapshot {
  const seed = account();
  const [tgwRef, glueRef, dataRef] = options.referencing ?? [false, false, false];
  const glue = apiVpcAttachment('tgw-attach-0glue', 'tgw-0hub', 'vpc-0glue', options.glueSubnets ?? ['subnet-0glue'], 'tgw-rtb-0hub', glueRef);
  const data = apiVpcAttachment('tgw-attach-0data', 'tgw-0hub', 'vpc-0data', ['subnet-0db'], 'tgw-rtb-0hub', dataRef);
  return {
    ...seed,
    routeTables: [
      apiRouteTable('rtb-0gluemain', 'vpc-0glue', { main: true }),
      apiRouteTable('rtb-0glue', 'vpc-0glue', {
        subnets: ['subnet-0glue'],
        routes: [localRoute('10.0.0.0/16'), routeTo('10.50.0.0/16', { TransitGatewayId: 'tgw-0hub' }), s3EndpointRoute('vpce-0s3')],
      }),
      apiRouteTable('rtb-0data', 'vpc-0data', { main: true, routes: [localRoute('10.50.0.0/16'), routeTo('10.0.0.0/16', { TransitGatewayId: 'tgw-0hub' })] }),
    ],
    securityGroups: [
      apiSecurityGroup('sg-0glue', 'vpc-0glue', [allTraffic({ group: 'sg-0glue' })]),
      apiSecurityGroup('sg-0db', 'vpc-0data', options.dbIngress ?? [tcpRule(5432, { cidr: '10.0.1.0/24' }), allTraffic({ group: 'sg-0db' })]),
    ],
    peerings: [],
    transitGateways: [apiTransitGateway('tgw-0hub', tgwRef)],
    transitGatewayAttachments: [glue.attachment, data.attachment],
    transitGatewayVpcAttachments: [glue.vpcAttachment, data.vpcAttachment],
    transitGatewayRouteTables: [apiTgwRouteTable('tgw-rtb-0hub', 'tgw-0hub')],
    transitGatewayRoutes: [apiTgwRoutes('tgw-rtb-0hub', options.routes ?? [
      { cidr: '10.0.0.0/16', attachment: 'tgw-attach-0glue' },
      { cidr: '10.50.0.0/16', attachment: 'tgw-attach-0data' },
    ], options.more)],
    transitGatewayPropagations: [{
      TransitGatewayRouteTableId: 'tgw-rtb-0hub',
      TransitGatewayRouteTablePropagations: [
        { TransitGatewayAttachmentId: 'tgw-attach-0glue', ResourceType: 'vpc', State: 'enabled' },
        { TransitGatewayAttachmentId: 'tgw-attach-0data', ResourceType: 'vpc', State: 'enabled' },
      ],
    }],
  };
}

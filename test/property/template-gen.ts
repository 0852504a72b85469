/**
 * The random topologies of topology-gen.ts written as a CloudFormation template, the way a user
 * writes one by hand (every resource the reader reads, referenced with Ref), so a property test
 * can change any value the reader uses and compare the plans.
 */
import { TopologySpec } from './topology-gen';
import { PROTOCOL_ALL, PROTOCOL_TCP } from '../../src/model';

export const STACK = 'Prop';

/** A logical ID for a spec id (`vpc0-sn1` -> `vpc0sn1`). */
const lid = (id: string) => id.replace(/[^A-Za-z0-9]/g, '');
const ref = (id: string) => ({ Ref: lid(id) });

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown>; Condition?: string }>;

/**
 * The template. Implicit main route tables have no resource to reference: the template names
 * them by their model id (`Prop/vpc0#main`), as a literal `rtb-...` id would be named.
 */
export function templateOf(spec: TopologySpec): any {
  const resources: Resources = {};
  const add = (id: string, Type: string, Properties: Record<string, unknown>, Metadata?: Record<string, unknown>) => {
    resources[lid(id)] = { Type, Properties, ...(Metadata ? { Metadata } : {}) };
  };
  const tableRef = (table: string) => (table.endsWith('#main') ? `${STACK}/${lid(table.slice(0, -'#main'.length))}#main` : ref(table));
  const tableOf = (s: TopologySpec['subnets'][number]) => (s.table === 'main' ? `${s.vpc}#main` : s.table === 'shared' ? `${s.vpc}-shared` : `${s.id}-rt`);
  const inlineRules = spec.seed % 2 === 0;

  for (const v of spec.vpcs) {
    add(v.id, 'AWS::EC2::VPC', { CidrBlock: v.cidrs[0], EnableDnsSupport: true, EnableDnsHostnames: true });
    v.cidrs.slice(1).forEach((cidr, i) => add(`${v.id}-cidr${i}`, 'AWS::EC2::VPCCidrBlock', { VpcId: ref(v.id), CidrBlock: cidr }));
  }
  const tables = new Set<string>();
  for (const s of spec.subnets) {
    add(s.id, 'AWS::EC2::Subnet', { VpcId: ref(s.vpc), CidrBlock: s.cidr, AvailabilityZone: s.az });
    const table = tableOf(s);
    if (s.table === 'main') continue;
    if (!tables.has(table)) add(table, 'AWS::EC2::RouteTable', { VpcId: ref(s.vpc) });
    tables.add(table);
    add(`${s.id}-assoc`, 'AWS::EC2::SubnetRouteTableAssociation', { SubnetId: ref(s.id), RouteTableId: ref(table) });
  }
  for (const v of spec.vpcs) {
    const own = [...new Set(spec.subnets.filter((s) => s.vpc === v.id).map(tableOf))];
    if (own.length) {
      add(`${v.id}-s3`, 'AWS::EC2::VPCEndpoint', { VpcId: ref(v.id), ServiceName: 'com.amazonaws.us-east-1.s3', VpcEndpointType: 'Gateway', RouteTableIds: own.map(tableRef) });
    }
  }
  for (const p of spec.peerings) {
    add(p.id, 'AWS::EC2::VPCPeeringConnection', {
      VpcId: ref(p.requester),
      PeerVpcId: ref(p.accepter),
      ...(p.state === 'pending-acceptance' ? { PeerOwnerId: '222222222222' } : {}),
      ...(p.peerRegion ? { PeerRegion: p.peerRegion } : {}),
    });
  }
  spec.routes.forEach((r, i) => {
    const target: Record<string, unknown> = {
      'vpc-peering': { VpcPeeringConnectionId: spec.peerings.some((p) => p.id === r.target) ? ref(r.target!) : 'pcx-0ghost' },
      'internet-gateway': { GatewayId: 'igw-0example' },
      'local': { GatewayId: 'local' },
      'vpn-gateway': { GatewayId: 'vgw-0example' },
      'instance': { InstanceId: 'i-0example' },
      'nat-gateway': { NatGatewayId: 'nat-0example' },
      'network-interface': { NetworkInterfaceId: 'eni-0example' },
    }[r.kind as string] as Record<string, unknown>;
    add(`route${i}`, 'AWS::EC2::Route', { RouteTableId: tableRef(r.table), DestinationCidrBlock: r.dest, ...target });
  });

  const groupRef = (id: string) => (spec.sgs.some((g) => g.id === id) ? ref(id) : 'sg-0ghost');
  const protocolName = (protocol: number) => (protocol === PROTOCOL_TCP ? 'tcp' : protocol === PROTOCOL_ALL ? '-1' : String(protocol));
  const ruleOf = (rule: TopologySpec['sgs'][number]['ingress'][number], way: 'ingress' | 'egress') => ({
    IpProtocol: protocolName(rule.protocol),
    ...(rule.protocol === PROTOCOL_ALL ? {} : { FromPort: rule.from, ToPort: rule.to }),
    ...(rule.cidr !== undefined ? { CidrIp: rule.cidr } : { [way === 'ingress' ? 'SourceSecurityGroupId' : 'DestinationSecurityGroupId']: groupRef(rule.group!) }),
  });
  // What CDK writes for a group with no outbound rule: one that matches nothing.
  const noEgress = { CidrIp: '255.255.255.255/32', IpProtocol: 'icmp', FromPort: 252, ToPort: 86 };
  for (const g of spec.sgs) {
    add(g.id, 'AWS::EC2::SecurityGroup', {
      GroupDescription: g.id,
      VpcId: ref(g.vpc),
      SecurityGroupEgress: inlineRules && g.egress.length ? g.egress.map((rule) => ruleOf(rule, 'egress')) : [noEgress],
      ...(inlineRules && g.ingress.length ? { SecurityGroupIngress: g.ingress.map((rule) => ruleOf(rule, 'ingress')) } : {}),
    });
    if (inlineRules) continue;
    g.ingress.forEach((rule, i) => add(`${g.id}-in${i}`, 'AWS::EC2::SecurityGroupIngress', { GroupId: ref(g.id), ...ruleOf(rule, 'ingress') }));
    g.egress.forEach((rule, i) => add(`${g.id}-out${i}`, 'AWS::EC2::SecurityGroupEgress', { GroupId: ref(g.id), ...ruleOf(rule, 'egress') }));
  }

  for (const n of spec.nacls) {
    add(n.id, 'AWS::EC2::NetworkAcl', { VpcId: ref(n.vpc) });
    n.entries.forEach((e, i) => add(`${n.id}-e${i}`, 'AWS::EC2::NetworkAclEntry', {
      NetworkAclId: ref(n.id),
      RuleNumber: e.rule,
      Protocol: e.protocol ?? PROTOCOL_TCP,
      RuleAction: e.allow ? 'allow' : 'deny',
      Egress: e.egress,
      CidrBlock: e.cidr,
      ...(e.from !== undefined ? { PortRange: { From: e.from, To: e.to } } : {}),
    }));
    n.subnets.forEach((s) => add(`${n.id}-${s}`, 'AWS::EC2::SubnetNetworkAclAssociation', { SubnetId: ref(s), NetworkAclId: ref(n.id) }));
  }

  add('eniConn', 'AWS::Glue::Connection', {
    CatalogId: '111111111111',
    ConnectionInput: {
      Name: 'eniConn',
      ConnectionType: 'NETWORK',
      PhysicalConnectionRequirements: { SubnetId: ref(spec.eni.subnet), SecurityGroupIdList: spec.eni.groups.map(groupRef), AvailabilityZone: { 'Fn::GetAtt': [lid(spec.eni.subnet), 'AvailabilityZone'] } },
    },
  });
  if (spec.store.via === 'declared') {
    add('storeConn', 'AWS::Glue::Connection', { CatalogId: '111111111111', ConnectionInput: { Name: 'storeConn', ConnectionType: 'JDBC', ConnectionProperties: {} } }, {
      'cdk-glue-netplan:data-store': { SubnetIds: spec.store.subnets.map(ref), SecurityGroupIds: spec.store.groups.map(groupRef), Port: spec.store.port },
    });
  } else {
    add('dbSubnets', 'AWS::RDS::DBSubnetGroup', { DBSubnetGroupDescription: 'db', SubnetIds: spec.store.subnets.map(ref) });
    add('db', 'AWS::RDS::DBInstance', {
      Engine: 'postgres', DBInstanceClass: 'db.t3.micro', Port: spec.store.port, DBSubnetGroupName: ref('dbSubnets'), VPCSecurityGroups: spec.store.groups.map(groupRef),
    });
    add('storeConn', 'AWS::Glue::Connection', {
      CatalogId: '111111111111',
      ConnectionInput: {
        Name: 'storeConn',
        ConnectionType: 'JDBC',
        ConnectionProperties: { JDBC_CONNECTION_URL: { 'Fn::Sub': 'jdbc:postgresql://${db.Endpoint.Address}:${db.Endpoint.Port}/app' } },
      },
    });
  }
  add('job', 'AWS::Glue::Job', {
    Name: 'job',
    Role: 'arn:aws:iam::111111111111:role/glue',
    Command: { Name: 'glueetl', ScriptLocation: 's3://bucket/job.py' },
    Connections: { Connections: [ref('eniConn'), ref('storeConn')] },
    WorkerType: 'G.1X',
    NumberOfWorkers: 2,
  });
  return { Resources: resources };
}

/** A path to a value in the template: resource logical ID, then `Properties` / `Metadata` keys and list indexes. */
export type ValuePath = (string | number)[];

const isIntrinsic = (value: object) => {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
};

/**
 * Every value the reader may use: each property and metadata value, each element and key of
 * them, down to leaves and intrinsic functions (replaced whole, not inside).
 */
export function valuePaths(template: any): ValuePath[] {
  const paths: ValuePath[] = [];
  const walk = (value: unknown, path: ValuePath) => {
    paths.push(path);
    if (typeof value !== 'object' || value === null || isIntrinsic(value)) return;
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...path, i]));
    else for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
  };
  for (const [logicalId, resource] of Object.entries<any>(template.Resources)) {
    for (const [key, value] of Object.entries<any>(resource.Properties ?? {})) walk(value, [logicalId, 'Properties', key]);
    for (const [key, value] of Object.entries<any>(resource.Metadata ?? {})) walk(value, [logicalId, 'Metadata', key]);
  }
  return paths;
}

/** A parameter with no default and no value: a Ref to it is a value the reader cannot resolve. */
export const UNRESOLVABLE = 'Unresolvable';

/** A copy of the template with the value at `path` replaced by a Ref to a parameter with no value. */
export function withUnresolvable(template: any, path: ValuePath): any {
  const copy = JSON.parse(JSON.stringify(template));
  copy.Parameters = { [UNRESOLVABLE]: { Type: 'String' } };
  let node = copy.Resources;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]] = { Ref: UNRESOLVABLE };
  return copy;
}

/** A copy of the template where one resource exists only under a condition that cannot be decided. */
export function withUndecidedCondition(template: any, logicalId: string): any {
  const copy = JSON.parse(JSON.stringify(template));
  copy.Parameters = { [UNRESOLVABLE]: { Type: 'String' } };
  copy.Conditions = { Undecided: { 'Fn::Equals': [{ Ref: UNRESOLVABLE }, 'yes'] } };
  copy.Resources[logicalId].Condition = 'Undecided';
  return copy;
}

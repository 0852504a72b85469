import { buildModel, FactsDocument, TemplateInput } from '../../src/ingest';
import { NetworkModel } from '../../src/model';

/** Small builders for CloudFormation-shaped templates, so tests read like the resources they test. */
export type Resource = { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> };

export const ref = (logicalId: string) => ({ Ref: logicalId });
export const getAtt = (logicalId: string, attribute: string) => ({ 'Fn::GetAtt': [logicalId, attribute] });
export const importValue = (name: unknown) => ({ 'Fn::ImportValue': name });
export const join = (delimiter: string, parts: unknown[]) => ({ 'Fn::Join': [delimiter, parts] });

export function tpl(resources: Record<string, Resource>, extra: Record<string, unknown> = {}): any {
  return { Resources: resources, ...extra };
}

export function stack(stackName: string, template: any, env: Partial<TemplateInput> = {}): TemplateInput {
  return { stackName, template, ...env };
}

/** Builds the model of one stack named `Stack`. */
export function modelOf(resources: Record<string, Resource>, extra: Record<string, unknown> = {}, facts?: FactsDocument): NetworkModel {
  return buildModel([stack('Stack', tpl(resources, extra), { region: 'us-east-1', account: '111111111111' })], facts);
}

const resource = (Type: string, Properties: Record<string, unknown>): Resource => ({ Type, Properties });

export const vpc = (cidr: unknown, props: Record<string, unknown> = {}) => resource('AWS::EC2::VPC', { CidrBlock: cidr, ...props });
export const subnet = (vpcId: unknown, cidr: unknown, az?: unknown) =>
  resource('AWS::EC2::Subnet', { VpcId: vpcId, CidrBlock: cidr, ...(az === undefined ? {} : { AvailabilityZone: az }) });
export const routeTable = (vpcId: unknown) => resource('AWS::EC2::RouteTable', { VpcId: vpcId });
export const route = (tableId: unknown, destination: string, target: Record<string, unknown>) =>
  resource('AWS::EC2::Route', { RouteTableId: tableId, DestinationCidrBlock: destination, ...target });
export const association = (subnetId: unknown, tableId: unknown) =>
  resource('AWS::EC2::SubnetRouteTableAssociation', { SubnetId: subnetId, RouteTableId: tableId });
export const securityGroup = (vpcId: unknown, props: Record<string, unknown> = {}) =>
  resource('AWS::EC2::SecurityGroup', { GroupDescription: 'test', VpcId: vpcId, ...props });
export const tcpFrom = (peer: Record<string, unknown>, from: number, to = from) => ({ IpProtocol: 'tcp', FromPort: from, ToPort: to, ...peer });
export const ingress = (groupId: unknown, rule: Record<string, unknown>) => resource('AWS::EC2::SecurityGroupIngress', { GroupId: groupId, ...rule });
export const egress = (groupId: unknown, rule: Record<string, unknown>) => resource('AWS::EC2::SecurityGroupEgress', { GroupId: groupId, ...rule });

/**
 * The zone a connection's requirements take from their subnet, as CDK's glue.Connection writes it
 * (Glue wants it set: GNP-CONNECTION-AZ-MISSING): `Fn::GetAtt [Subnet, AvailabilityZone]` for a
 * subnet of the template; none for any other (a test about zones sets its own).
 */
export function subnetZone(subnetId: unknown): Record<string, unknown> {
  const logicalId = isObject(subnetId) && typeof subnetId.Ref === 'string' ? subnetId.Ref : undefined;
  return logicalId === undefined ? {} : { AvailabilityZone: getAtt(logicalId, 'AvailabilityZone') };
}

export function glueConnection(name: unknown, subnetId?: unknown, securityGroupIds: unknown[] = [], properties: Record<string, unknown> = {},
  type = 'JDBC'): Resource {
  return resource('AWS::Glue::Connection', {
    CatalogId: '111111111111',
    ConnectionInput: {
      Name: name,
      ConnectionType: type,
      ConnectionProperties: properties,
      ...(subnetId === undefined ? {} : { PhysicalConnectionRequirements: { SubnetId: subnetId, SecurityGroupIdList: securityGroupIds, ...subnetZone(subnetId) } }),
    },
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function glueJob(connections: unknown[], props: Record<string, unknown> = {}): Resource {
  return resource('AWS::Glue::Job', {
    Role: 'arn:aws:iam::111111111111:role/glue',
    Command: { Name: 'glueetl', ScriptLocation: 's3://bucket/job.py' },
    Connections: { Connections: connections },
    ...props,
  });
}

export const anyResource = resource;

/**
 * VPC `<name>` (DNS on) with subnet `Sub<suffix>` on its own route table, which carries an S3
 * gateway endpoint: a Glue-ready network in five resources, keyed `Vpc<suffix>`, `Sub<suffix>`,
 * `Rt<suffix>`, `Assoc<suffix>`, `S3<suffix>`.
 */
export function glueReadyVpc(suffix: string, cidr: string, subnetCidr: string, az: string): Record<string, Resource> {
  const vpcId = ref(`Vpc${suffix}`);
  return {
    [`Vpc${suffix}`]: vpc(cidr, { EnableDnsSupport: true, EnableDnsHostnames: true }),
    [`Sub${suffix}`]: subnet(vpcId, subnetCidr, az),
    [`Rt${suffix}`]: routeTable(vpcId),
    [`Assoc${suffix}`]: association(ref(`Sub${suffix}`), ref(`Rt${suffix}`)),
    [`S3${suffix}`]: resource('AWS::EC2::VPCEndpoint', { VpcId: vpcId, ServiceName: 'com.amazonaws.us-east-1.s3', RouteTableIds: [ref(`Rt${suffix}`)] }),
  };
}

/**
 * VPC `Vpc` (10.0.0.0/16, DNS on) with `SubnetA` (us-east-1a) and `SubnetB` (us-east-1b) on one
 * route table `Rt` that carries an S3 gateway endpoint, and a Glue group `GlueSg` admitting all
 * TCP from itself: the network of the CLI's store and service-path tests.
 */
export function twoSubnetGlueVpc(): Record<string, Resource> {
  const r = (Type: string, Properties: Record<string, unknown>): Resource => ({ Type, Properties });
  return {
    Vpc: r('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true }),
    SubnetA: r('AWS::EC2::Subnet', { VpcId: ref('Vpc'), CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }),
    SubnetB: r('AWS::EC2::Subnet', { VpcId: ref('Vpc'), CidrBlock: '10.0.2.0/24', AvailabilityZone: 'us-east-1b' }),
    Rt: r('AWS::EC2::RouteTable', { VpcId: ref('Vpc') }),
    AssocA: r('AWS::EC2::SubnetRouteTableAssociation', { SubnetId: ref('SubnetA'), RouteTableId: ref('Rt') }),
    AssocB: r('AWS::EC2::SubnetRouteTableAssociation', { SubnetId: ref('SubnetB'), RouteTableId: ref('Rt') }),
    S3: r('AWS::EC2::VPCEndpoint', { VpcId: ref('Vpc'), ServiceName: { 'Fn::Sub': 'com.amazonaws.${AWS::Region}.s3' }, RouteTableIds: [ref('Rt')] }),
    GlueSg: r('AWS::EC2::SecurityGroup', { GroupDescription: 'glue', VpcId: ref('Vpc') }),
    SelfRef: r('AWS::EC2::SecurityGroupIngress', { GroupId: getAtt('GlueSg', 'GroupId'), IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, SourceSecurityGroupId: getAtt('GlueSg', 'GroupId') }),
  };
}

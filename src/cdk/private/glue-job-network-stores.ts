/**
 * What the constructs users already have (RDS instances and clusters, Redshift L1 clusters) say
 * about where they live, read from the resources they synthesize to: the VPC, the subnets of the
 * subnet group, the port, public accessibility, the generated secret.
 */
import {
  Reference, Token, Tokenization,
  aws_ec2 as ec2, aws_rds as rds, aws_redshift as redshift, aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { isCfnResourceOfType } from './cfn-type';

/** What could be read from a store construct; anything unknown is left out. */
export interface ObservedStore {
  readonly vpc?: ec2.IVpc;
  /** IDs (usually tokens) of the subnets of the store's subnet group. */
  readonly subnetIds?: string[];
  readonly port?: number;
  readonly engineType?: string;
  readonly publiclyAccessible?: boolean;
  readonly secret?: secretsmanager.ISecret;
}

/** The construct a token such as `Ref` or `Fn::GetAtt` names, when it is one of the app's. */
export function referencedConstruct(token: unknown): IConstruct | undefined {
  if (typeof token !== 'string' || !Token.isUnresolved(token)) return undefined;
  const reversed = Tokenization.reverse(token);
  return reversed && Reference.isReference(reversed) ? reversed.target : undefined;
}

function literalNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && !Token.isUnresolved(value)) return value;
  if (typeof value === 'string' && !Token.isUnresolved(value) && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function literalBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

function ownVpc(construct: object): ec2.IVpc | undefined {
  const vpc = (construct as { vpc?: unknown }).vpc;
  return vpc !== undefined && typeof vpc === 'object' && vpc !== null && 'vpcId' in vpc ? vpc as ec2.IVpc : undefined;
}

function ownSecret(construct: object): secretsmanager.ISecret | undefined {
  const secret = (construct as { secret?: unknown }).secret;
  return secret !== undefined && typeof secret === 'object' && secret !== null && 'secretArn' in secret ? secret as secretsmanager.ISecret : undefined;
}

function dbSubnetGroupSubnetIds(subnetGroupName: unknown): string[] | undefined {
  const group = referencedConstruct(subnetGroupName);
  return isCfnResourceOfType<rds.CfnDBSubnetGroup>(group, 'AWS::RDS::DBSubnetGroup') && Array.isArray(group.subnetIds) ? group.subnetIds : undefined;
}

/** An RDS instance: defined in the app (`rds.DatabaseInstance`) or imported (little is known). */
export function observeDatabaseInstance(instance: rds.IDatabaseInstance): ObservedStore {
  const cfn = instance.node.defaultChild;
  const resource = isCfnResourceOfType<rds.CfnDBInstance>(cfn, 'AWS::RDS::DBInstance') ? cfn : undefined;
  return {
    vpc: ownVpc(instance),
    subnetIds: dbSubnetGroupSubnetIds(resource?.dbSubnetGroupName),
    port: literalNumber(resource?.port),
    engineType: instance.engine?.engineType,
    publiclyAccessible: literalBoolean(resource?.publiclyAccessible),
    secret: ownSecret(instance),
  };
}

/** An Aurora (or Multi-AZ) cluster: defined in the app (`rds.DatabaseCluster`) or imported. */
export function observeDatabaseCluster(cluster: rds.IDatabaseCluster): ObservedStore {
  const cfn = cluster.node.defaultChild;
  const resource = isCfnResourceOfType<rds.CfnDBCluster>(cfn, 'AWS::RDS::DBCluster') ? cfn : undefined;
  // An Aurora cluster's instances may be public; the cluster endpoint then resolves publicly.
  const instances = cluster.node.findAll().filter((c): c is rds.CfnDBInstance => isCfnResourceOfType(c, 'AWS::RDS::DBInstance'));
  return {
    vpc: ownVpc(cluster),
    subnetIds: dbSubnetGroupSubnetIds(resource?.dbSubnetGroupName),
    port: literalNumber(resource?.port),
    engineType: cluster.engine?.engineType,
    publiclyAccessible: instances.some(i => i.publiclyAccessible === true) || literalBoolean(resource?.publiclyAccessible),
    secret: ownSecret(cluster),
  };
}

/** A Redshift cluster (aws-cdk-lib has only the L1). */
export function observeRedshiftCluster(cluster: redshift.CfnCluster): ObservedStore {
  const group = referencedConstruct(cluster.clusterSubnetGroupName);
  return {
    subnetIds: isCfnResourceOfType<redshift.CfnClusterSubnetGroup>(group, 'AWS::Redshift::ClusterSubnetGroup') && Array.isArray(group.subnetIds) ? group.subnetIds : undefined,
    port: literalNumber(cluster.port),
    publiclyAccessible: literalBoolean(cluster.publiclyAccessible),
  };
}

/**
 * The security groups behind a list of group IDs: the app's own `ec2.SecurityGroup` when an ID
 * is a reference to one, else an immutable-free import by ID (`scope`/`idPrefix` name it).
 */
export function securityGroupsOf(ids: unknown, importGroup: (id: string, index: number) => ec2.ISecurityGroup): ec2.ISecurityGroup[] {
  if (!Array.isArray(ids)) return [];
  return ids.map((id: string, index) => {
    const target = referencedConstruct(id);
    const owner = isCfnResourceOfType(target, 'AWS::EC2::SecurityGroup') ? target.node.scope as (IConstruct & Partial<ec2.ISecurityGroup>) | undefined : undefined;
    // The app's own L2 group (whichever copy of aws-cdk-lib built it): the L1 is its default child.
    return owner && owner.node.defaultChild === target && typeof owner.securityGroupId === 'string' && owner.connections ? owner as ec2.ISecurityGroup : importGroup(id, index);
  });
}

/** The subnets of `vpc` whose IDs are listed, in the VPC's order; undefined unless all are found. */
export function subnetsById(vpc: ec2.IVpc, subnetIds: string[] | undefined): ec2.ISubnet[] | undefined {
  if (subnetIds === undefined || subnetIds.length === 0) return undefined;
  const all = [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets];
  const found = all.filter(s => subnetIds.includes(s.subnetId));
  return found.length === new Set(subnetIds).size ? found : undefined;
}

import { CfnResource, Token, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DATA_STORE_METADATA } from '../ingest/glue';

const GLUE_CONNECTION_TYPE = 'AWS::Glue::Connection';

/**
 * Where the data store of a Glue connection lives: the subnets its endpoints are in, the
 * security groups that guard it and the port it listens on.
 *
 * Give the subnets either as a list (`subnets`) or as a VPC with an optional selection
 * (`vpc`, `vpcSubnets`), not both.
 */
export interface GlueDataStoreProps {
  /**
   * The TCP port the data store listens on (1-65535), such as 5432 for PostgreSQL. It must be
   * a literal: security-group and NACL rules are checked for this port when the app is
   * synthesized, and a value known only at deploy time cannot be checked.
   */
  readonly port: number;

  /**
   * The security groups attached to the data store's network interfaces. The planner checks
   * that they admit the Glue connection's ENIs on `port`.
   *
   * @default - none: the store's inbound rules cannot be checked, so its reachability is
   * reported as unknown (GNP-STORE-UNKNOWN) rather than REACHABLE
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The subnets the data store's endpoints are in (an RDS or Redshift subnet group, the
   * subnets of a self-managed database's instances). Each is traced from the Glue ENIs.
   * Give either `subnets` or `vpc`.
   *
   * @default - the subnets selected from `vpc`
   */
  readonly subnets?: ec2.ISubnet[];

  /**
   * The VPC of the data store; its subnets are chosen with `vpcSubnets`. Give either
   * `subnets` or `vpc`.
   *
   * @default - the subnets given in `subnets`
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Which subnets of `vpc` the data store is in. Only allowed with `vpc`.
   *
   * @default - every private subnet of `vpc` (PRIVATE_WITH_EGRESS and PRIVATE_ISOLATED), or
   * every public subnet when the VPC has no private subnet
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Whether the data store is publicly accessible, so that its DNS name resolves to a public
   * address from outside its VPC. Reached over a VPC peering by that name, such a store needs
   * DNS resolution from the remote VPC enabled on the peering.
   *
   * @default false
   */
  readonly publiclyAccessible?: boolean;
}

/**
 * Declares where the data store behind a Glue connection lives.
 *
 * Use it for the stores the planner cannot find in the templates by itself: a database on
 * EC2 instances, a store named by a DNS name or address that no resource of the app owns, a
 * store in subnets other than the connection's own.
 *
 * The declaration is written as metadata (`cdk-glue-netplan:data-store`) on the connection's
 * `AWS::Glue::Connection` resource, so the synth-time checks and the `glue-netplan` CLI read
 * it from the templates alike. A declaration takes precedence over the store inferred from
 * the connection's URL.
 */
export class GlueDataStore {
  /**
   * Declares the data store of a Glue connection.
   *
   * Subnet and security group IDs may be tokens: within a stack they synthesize to `Ref`s,
   * across stacks to `Fn::ImportValue`s of exports that the CDK creates, which make the
   * connection's stack depend on the store's stack like any other cross-stack reference.
   *
   * A connection has one data store, so declaring a second one on the same connection throws
   * instead of silently replacing the first.
   *
   * @param connection the `glue.Connection`, or its `glue.CfnConnection`
   * @param props where the data store lives
   */
  public static declare(connection: IConstruct, props: GlueDataStoreProps): void {
    const cfnConnection = findCfnConnection(connection);
    const path = connection.node.path;
    if (cfnConnection.getMetadata(DATA_STORE_METADATA) !== undefined) {
      throw new Error(`${path}: a data store is already declared on ${cfnConnection.node.path} (metadata `
        + `${DATA_STORE_METADATA}). A Glue connection reaches one data store: declare it once, with every subnet `
        + 'and security group of the store.');
    }
    assertPort(path, props.port);
    const subnetIds = unique(storeSubnets(path, props).map(subnet => subnet.subnetId));
    const securityGroupIds = unique((props.securityGroups ?? []).map(group => group.securityGroupId));
    cfnConnection.addMetadata(DATA_STORE_METADATA, {
      SubnetIds: subnetIds,
      SecurityGroupIds: securityGroupIds,
      Port: props.port,
      ...(props.publiclyAccessible !== undefined ? { PubliclyAccessible: props.publiclyAccessible } : {}),
    });
  }

  private constructor() {
    // Only the static declare() is public: a declaration is metadata, not a construct.
  }
}

function isCfnConnection(construct: IConstruct | undefined): construct is CfnResource {
  return construct !== undefined && CfnResource.isCfnResource(construct) && construct.cfnResourceType === GLUE_CONNECTION_TYPE;
}

/** The construct itself when it is an AWS::Glue::Connection, else its default child when that is one. */
function findCfnConnection(connection: IConstruct): CfnResource {
  if (isCfnConnection(connection)) {
    return connection;
  }
  const defaultChild = connection.node.defaultChild;
  if (isCfnConnection(defaultChild)) {
    return defaultChild;
  }
  const found = CfnResource.isCfnResource(connection)
    ? `it is an ${connection.cfnResourceType}`
    : defaultChild === undefined
      ? 'it has no default child resource (an imported connection, such as glue.Connection.fromConnectionName(), has no '
        + 'resource in this app: describe its store in a facts file, dataStores[])'
      : CfnResource.isCfnResource(defaultChild)
        ? `its default child is an ${defaultChild.cfnResourceType}`
        : 'its default child is not a CloudFormation resource';
  throw new Error(`${connection.node.path}: GlueDataStore.declare() needs the glue.Connection (or its glue.CfnConnection, `
    + `${GLUE_CONNECTION_TYPE}) whose data store is declared, but ${found}.`);
}

function assertPort(path: string, port: number): void {
  if (Token.isUnresolved(port)) {
    throw new Error(`${path}: the data store port is a token (a value known only at deploy time). Pass the port the store `
      + 'listens on as a number, such as 5432: the rules that must admit it are checked when the app is synthesized.');
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${path}: the data store port ${port} is not a TCP port: pass an integer from 1 to 65535, the port the store listens on.`);
  }
}

function storeSubnets(path: string, props: GlueDataStoreProps): ec2.ISubnet[] {
  if (props.subnets !== undefined && props.vpc !== undefined) {
    throw new Error(`${path}: both subnets and vpc are given for the data store. Pass subnets to list the store's subnets, `
      + 'or vpc (with vpcSubnets to narrow it) to select them, not both.');
  }
  if (props.vpcSubnets !== undefined && props.vpc === undefined) {
    throw new Error(`${path}: vpcSubnets selects subnets of vpc, but no vpc is given for the data store. Pass vpc too, `
      + 'or list the subnets in subnets instead.');
  }
  if (props.subnets !== undefined) {
    if (props.subnets.length === 0) {
      throw new Error(`${path}: subnets is empty. List the subnets the data store's endpoints are in (or pass its vpc).`);
    }
    return props.subnets;
  }
  if (props.vpc === undefined) {
    throw new Error(`${path}: the data store has no subnets. Pass subnets (the subnets its endpoints are in), or vpc `
      + '(with vpcSubnets to narrow the selection).');
  }
  const selected = props.vpcSubnets !== undefined ? props.vpc.selectSubnets(props.vpcSubnets).subnets : defaultSubnets(props.vpc);
  if (selected.length === 0) {
    throw new Error(`${path}: no subnet of the data store's VPC ${props.vpc.node.path} is selected`
      + `${props.vpcSubnets !== undefined ? ' by vpcSubnets' : ''}. Change vpcSubnets, or list the store's subnets in subnets.`);
  }
  return selected;
}

function defaultSubnets(vpc: ec2.IVpc): ec2.ISubnet[] {
  const privateSubnets = [...vpc.privateSubnets, ...vpc.isolatedSubnets];
  return privateSubnets.length > 0 ? privateSubnets : [...vpc.publicSubnets];
}

/** Removes repeats (tokens of the same resource are the same string), keeping the first order. */
function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

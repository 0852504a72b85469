import { createHash } from 'crypto';
import {
  Annotations, CfnOutput, CfnParameter, IResolvable, IResolveContext, Stack, Token, Tokenization,
  aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_rds as rds, aws_redshift as redshift,
  aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { packageIndexNeed } from '../engine/python-modules';
import { securityConfigurationKmsModes } from '../ingest/glue';
import { Fact, GlueJob, known as knownFact, unknown as unknownFact } from '../model';
import { GlueDataStore } from './data-store';
import { isCfnResourceOfType } from './private/cfn-type';
import { AppRoutingIndex } from './private/glue-job-network-s3';
import {
  ObservedStore, observeDatabaseCluster, observeDatabaseInstance, observeRedshiftCluster, securityGroupsOf, subnetsById,
} from './private/glue-job-network-stores';
import { blocksOverlap, parseIpv4Block } from './private/ipv4-block';
import { discoverVpcIpv4Blocks } from './private/vpc-ipv4-blocks';
import { VpcPeering } from './vpc-peering';

/**
 * The kind of data store a {@link GlueJobNetwork} connects to: it decides the Glue connection
 * type, the connection properties (JDBC URL, Kafka bootstrap servers, MongoDB URL) and the
 * default port.
 */
export class DataStoreEngine {
  /** MySQL and MariaDB (RDS, Aurora MySQL or self-managed): `jdbc:mysql://host:port/database`. */
  public static readonly MYSQL = new DataStoreEngine('mysql', 'JDBC', 3306);

  /** PostgreSQL (RDS, Aurora PostgreSQL or self-managed): `jdbc:postgresql://host:port/database`. */
  public static readonly POSTGRESQL = new DataStoreEngine('postgresql', 'JDBC', 5432);

  /** Amazon Redshift: `jdbc:redshift://host:port/database`. */
  public static readonly REDSHIFT = new DataStoreEngine('redshift', 'JDBC', 5439);

  /** Oracle: `jdbc:oracle:thin://@host:port/service`, the service name given as the database name. */
  public static readonly ORACLE = new DataStoreEngine('oracle', 'JDBC', 1521);

  /** Microsoft SQL Server: `jdbc:sqlserver://host:port;databaseName=database`. */
  public static readonly SQL_SERVER = new DataStoreEngine('sqlserver', 'JDBC', 1433);

  /**
   * Apache Kafka or Amazon MSK: a KAFKA connection with `KAFKA_BOOTSTRAP_SERVERS`. TLS is enabled
   * unless the port is 9092 (MSK's plaintext port); a secret turns on SASL/SCRAM-SHA-512.
   */
  public static readonly KAFKA = new DataStoreEngine('kafka', 'KAFKA', 9092);

  /** MongoDB or Amazon DocumentDB: a MONGODB connection with `CONNECTION_URL` `mongodb://host:port/database`. */
  public static readonly MONGODB = new DataStoreEngine('mongodb', 'MONGODB', 27017);

  private constructor(
    /** The engine's name, also the scheme of its address (`mysql`, `postgresql`, `kafka`...). */
    public readonly name: string,
    /** The Glue connection type this engine's connections get (`JDBC`, `KAFKA` or `MONGODB`). */
    public readonly connectionType: string,
    /** The port the engine listens on unless told otherwise. */
    public readonly defaultPort: number,
  ) {}
}

/**
 * How the Glue subnets get the path to Amazon S3 that Glue requires before it selects a
 * connection: an S3 gateway endpoint on the subnet's route table, or a default route to a NAT
 * gateway.
 */
export class GlueS3Access {
  /**
   * For a VPC defined in the app: keep the S3 gateway endpoint or NAT route the app already gives
   * the chosen subnets' route tables, and add an S3 gateway endpoint on the tables that have
   * neither. For an imported VPC, whose endpoints the app cannot see: an error that asks for
   * `EXISTING` or `ADD_GATEWAY_ENDPOINT`. The default.
   */
  public static readonly AUTO = new GlueS3Access('auto');

  /**
   * Create an S3 gateway endpoint on the chosen subnets' route tables (in a VPC defined in the
   * app, only on the tables that have no S3 path yet). For an imported VPC, the deployment fails
   * if one of those tables already has an S3 gateway endpoint.
   */
  public static readonly ADD_GATEWAY_ENDPOINT = new GlueS3Access('add-gateway-endpoint');

  /**
   * The chosen subnets already reach S3 (an S3 gateway endpoint or a NAT gateway route made
   * outside this app): add nothing.
   */
  public static readonly EXISTING = new GlueS3Access('existing');

  private constructor(
    /** The mode's name: `auto`, `add-gateway-endpoint` or `existing`. */
    public readonly name: string,
  ) {}
}

/**
 * Properties of a {@link GlueJobNetwork}.
 */
export interface GlueJobNetworkProps {
  /**
   * The VPC the Glue job's network interfaces (ENIs) are placed in. Data stores in other VPCs
   * are reached over a VPC peering from this VPC.
   */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of `vpc` the Glue ENIs may be placed in; one subnet per Availability Zone is
   * chosen, in the selection's order.
   *
   * @default - the VPC's private subnets with egress, else its isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * How many Availability Zones to spread the job's network connections across. With two or
   * more, a job whose zone fails falls over to a healthy zone (Glue skips connections in a failed
   * zone); with one, an outage of that zone stops the job.
   *
   * @default 2
   */
  readonly availabilityZoneCount?: number;

  /**
   * How the chosen subnets reach Amazon S3, which Glue requires of a subnet before it selects it.
   *
   * @default GlueS3Access.AUTO
   */
  readonly s3Access?: GlueS3Access;
}

/**
 * Options shared by every kind of data store added to a {@link GlueJobNetwork}.
 */
export interface GlueJobNetworkStoreOptions {
  /**
   * The name of the store's Glue connection.
   *
   * @default - a name generated by CloudFormation
   */
  readonly connectionName?: string;

  /**
   * The description of the store's Glue connection.
   *
   * @default - names the store and the construct
   */
  readonly description?: string;

  /**
   * More connection properties, such as `JDBC_ENFORCE_SSL`. Credentials are refused here
   * (`PASSWORD`, `USERNAME`, `USER_NAME`...): pass a Secrets Manager secret instead.
   *
   * @default - none
   */
  readonly properties?: { [key: string]: string };

  /**
   * ARN of a role in the store VPC's account that CloudFormation assumes to accept the VPC
   * peering. Required when the store's VPC belongs to another account; forbidden otherwise.
   *
   * @default - no role (the store's VPC is in this stack's account)
   */
  readonly peerRoleArn?: string;

  /**
   * The account that owns the store's VPC, when the VPC does not say (an imported VPC).
   *
   * @default - the VPC's account when it is known, else this stack's account
   */
  readonly peerOwnerId?: string;
}

/**
 * Options of {@link GlueJobNetwork.addDatabaseInstance} and {@link GlueJobNetwork.addDatabaseCluster}.
 */
export interface GlueJobNetworkDatabaseOptions extends GlueJobNetworkStoreOptions {
  /**
   * The database the job connects to (the Oracle service name for Oracle).
   */
  readonly databaseName: string;

  /**
   * The Secrets Manager secret with the database credentials (JSON keys `username` and
   * `password`), referenced by the connection's `SECRET_ID` property.
   *
   * @default - the secret the instance or cluster generated
   */
  readonly secret?: secretsmanager.ISecret;

  /**
   * The port the database listens on.
   *
   * @default - the port the instance or cluster sets, else its engine's default
   */
  readonly port?: number;

  /**
   * The database's engine, for an imported instance or cluster that does not say.
   *
   * @default - read from the instance or cluster
   */
  readonly engine?: DataStoreEngine;

  /**
   * The database's VPC, for an imported instance or cluster.
   *
   * @default - the instance's or cluster's VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of the database's subnet group, for an imported instance or cluster.
   *
   * @default - the subnets of the instance's or cluster's subnet group
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/**
 * Options of {@link GlueJobNetwork.addRedshiftCluster}.
 */
export interface GlueJobNetworkRedshiftOptions extends GlueJobNetworkStoreOptions {
  /**
   * The VPC of the cluster (the L1 cluster does not name it).
   */
  readonly vpc: ec2.IVpc;

  /**
   * The database the job connects to.
   *
   * @default - the cluster's `dbName`
   */
  readonly databaseName?: string;

  /**
   * The Secrets Manager secret with the credentials (JSON keys `username` and `password`).
   *
   * @default - the secret Redshift manages when the cluster sets `manageMasterPassword`
   */
  readonly secret?: secretsmanager.ISecret;

  /**
   * The subnets of the cluster's subnet group.
   *
   * @default - the subnets of the cluster's `AWS::Redshift::ClusterSubnetGroup`
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/**
 * Options of {@link GlueJobNetwork.addDataStore}: any store with an address, a port and
 * security groups (Amazon MSK, DocumentDB, a database on EC2...).
 */
export interface GlueJobNetworkDataStoreOptions extends GlueJobNetworkStoreOptions {
  /**
   * The store's engine.
   */
  readonly engine: DataStoreEngine;

  /**
   * The store's DNS name or IP address. For Kafka, also a comma-separated list of
   * `host:port` bootstrap servers.
   */
  readonly host: string;

  /**
   * The port the store listens on.
   *
   * @default - the engine's default port
   */
  readonly port?: number;

  /**
   * The database (JDBC and MongoDB engines; required for JDBC).
   *
   * @default - none
   */
  readonly databaseName?: string;

  /**
   * The Secrets Manager secret with the credentials. Required for JDBC engines (`SECRET_ID`);
   * for Kafka it enables SASL/SCRAM-SHA-512 (`KAFKA_SASL_SCRAM_SECRETS_ARN`).
   *
   * @default - no credentials
   */
  readonly secret?: secretsmanager.ISecret;

  /**
   * The store's security groups (a security group, or anything `ec2.IConnectable`): each gets
   * an ingress rule for the store's port from the Glue security group only.
   */
  readonly connections: ec2.IConnectable;

  /**
   * The store's VPC.
   */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets the store's endpoints are in.
   *
   * @default - the VPC's private subnets (with egress, then isolated)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Whether the store's DNS name resolves to a public address from outside its VPC; if so the
   * peering enables DNS resolution from the Glue VPC.
   *
   * @default false
   */
  readonly publiclyAccessible?: boolean;
}

/** A store reduced to what the network needs. */
interface StoreSpec {
  readonly id: string;
  readonly what: string;
  readonly engine: DataStoreEngine;
  readonly host: string;
  readonly port: number;
  readonly databaseName?: string;
  readonly secret?: secretsmanager.ISecret;
  readonly securityGroups: ec2.ISecurityGroup[];
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.ISubnet[];
  readonly publiclyAccessible: boolean;
  readonly options: GlueJobNetworkStoreOptions;
}

/** A route destination, with a token-free key for construct ids. */
interface RoutedBlock {
  readonly cidr: string;
  readonly key: string;
}

const WARNING_PREFIX = 'cdk-glue-netplan';
/** Which network each job was attached to: a job runs in one subnet, so it takes one network. */
const ATTACHED_NETWORKS = new WeakMap<glue.CfnJob, GlueJobNetwork>();
const PLAINTEXT_CREDENTIALS = ['PASSWORD', 'ENCRYPTED_PASSWORD', 'USERNAME', 'USER_NAME', 'KAFKA_SASL_SCRAM_PASSWORD', 'KAFKA_SASL_PLAIN_PASSWORD', 'KAFKA_CLIENT_KEYSTORE_PASSWORD', 'KAFKA_CLIENT_KEY_PASSWORD'];

/**
 * The network of a Glue job, built so that Glue's connection selection lands where every data
 * store is reachable, also after the failure of one Availability Zone.
 *
 * It creates one Glue security group (self-referencing all-TCP ingress, all outbound), one
 * NETWORK connection per chosen subnet, one per Availability Zone, listed first; an S3 gateway
 * endpoint on the chosen subnets' route tables when they have no S3 path; and for every data store
 * added: its Glue connection (credentials through Secrets Manager), a `VpcPeering` to its VPC
 * with routes on both sides when it lives in another VPC, an ingress rule for its port from the
 * Glue group only, and a `GlueDataStore` declaration so the guard knows where it lives.
 *
 * ```ts
 * const network = new GlueJobNetwork(etl, 'Network', { vpc });
 * network.addDatabaseInstance('Mysql', mysql, { databaseName: 'app' });
 * new glue.PySparkEtlJob(etl, 'Job', { ..., connections: network.connections });
 * ```
 *
 * Every resource goes in this construct's stack, except an S3 gateway endpoint added to a VPC
 * defined in the app (it goes in the VPC's stack) and, for a store whose security group is in
 * this stack and in the Glue VPC, the ingress rule that `allowFrom` places on that group. Put the
 * `GlueJobNetwork` in a stack that may depend on the stacks of the VPCs and stores (the job's
 * stack, usually): no dependency cycle can arise.
 *
 * Requests that cannot work throw when they are made, saying what to do: overlapping CIDR
 * blocks, a store in another account without `peerRoleArn`, an imported VPC whose S3 path cannot
 * be known or added, plaintext credentials, a JDBC store without a secret.
 */
export class GlueJobNetwork extends Construct {
  /**
   * The VPC of the Glue ENIs.
   */
  public readonly vpc: ec2.IVpc;

  /**
   * The subnets the NETWORK connections place the Glue ENIs in, one per Availability Zone, in
   * the order Glue tries them.
   */
  public readonly subnets: ec2.ISubnet[];

  /**
   * The security group of the Glue ENIs: all TCP from itself, all outbound.
   */
  public readonly securityGroup: ec2.ISecurityGroup;

  /**
   * The NETWORK connections, one per chosen subnet, in order.
   */
  public readonly networkConnections: glue.Connection[];

  /**
   * The S3 gateway endpoint this construct added, if any.
   */
  public readonly s3Endpoint?: ec2.IGatewayVpcEndpoint;

  /**
   * The Secrets Manager interface endpoint (private DNS on) the Glue ENIs read the stores'
   * secrets through, once a store with a secret is added: created here unless the chosen
   * subnets route to a NAT gateway or the VPC already has one in the app. Undefined until then.
   */
  public get secretsManagerEndpoint(): ec2.IInterfaceVpcEndpoint | undefined {
    return this.secretsEndpoint;
  }

  /**
   * The AWS KMS interface endpoint (private DNS on) the Glue ENIs call AWS KMS through, once a job
   * whose security configuration encrypts with AWS KMS keys is attached (`attachTo`): created here
   * unless the chosen subnets route to a NAT gateway or the VPC already has one in the app, or the
   * VPC is imported (a warning then says what to check). Undefined until then.
   */
  public get kmsEndpoint(): ec2.IInterfaceVpcEndpoint | undefined {
    return this.kmsEndpointAdded;
  }

  private secretsEndpoint?: ec2.IInterfaceVpcEndpoint;
  private secretsPathChecked = false;
  private kmsEndpointAdded?: ec2.IInterfaceVpcEndpoint;
  private kmsPathChecked = false;
  private readonly storeConnections: glue.Connection[] = [];
  private readonly storeSecrets: secretsmanager.ISecret[] = [];
  private readonly grantees: iam.IGrantable[] = [];
  private readonly peeringsByVpc = new Map<ec2.IVpc, VpcPeering>();
  private readonly peeredStoreVpcs: ec2.IVpc[] = [];
  private readonly attachedJobs: glue.CfnJob[] = [];

  /**
   * @param scope the construct scope; its stack receives the resources
   * @param id the construct id
   * @param props the Glue VPC, subnets and zones
   */
  constructor(scope: Construct, id: string, props: GlueJobNetworkProps) {
    super(scope, id);
    this.vpc = props.vpc;
    this.subnets = this.chooseSubnets(props);

    const group = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: this.vpc,
      description: `Glue job ENIs of ${this.node.path}`,
      allowAllOutbound: true,
    });
    // Spark's driver and executors talk to each other on any port: Glue requires the rule
    // (egress needs none: all outbound is open).
    group.addIngressRule(group, ec2.Port.allTcp(), 'Glue workers talk to each other');
    this.securityGroup = group;

    this.s3Endpoint = this.ensureS3Path(props.s3Access ?? GlueS3Access.AUTO);

    this.networkConnections = this.subnets.map((subnet, index) => new glue.Connection(this, `Az${index + 1}`, {
      type: glue.ConnectionType.NETWORK,
      description: `Glue ENI placement ${index + 1} of ${this.subnets.length} (${this.node.path}), one per Availability Zone`,
      network: glue.ConnectionNetwork.subnet(subnet),
      securityGroups: [group],
    }));

    this.node.addValidation({ validate: () => this.lateS3EndpointErrors() });
    this.node.addValidation({ validate: () => this.packageIndexErrors() });
    this.node.addValidation({ validate: () => this.lateKmsErrors() });
    this.node.addValidation({ validate: () => this.laterEndpointErrors() });
  }

  /**
   * The job's connections, in the order to list them: the NETWORK connections (so Glue's
   * selection lands in the chosen subnets, one Availability Zone after the other), then one
   * connection per data store, in the order they were added. Pass it as the `connections` of
   * any `aws-cdk-lib/aws-glue` job class, after every store was added (or use `attachTo`).
   */
  public get connections(): glue.IConnection[] {
    return [...this.networkConnections, ...this.storeConnections];
  }

  /**
   * The names of `connections`, in order (tokens for generated names).
   */
  public get connectionNames(): string[] {
    return this.connections.map(c => c.connectionName);
  }

  /**
   * The connections of the data stores, in the order they were added.
   */
  public get dataStoreConnections(): glue.Connection[] {
    return [...this.storeConnections];
  }

  /**
   * The VPC peerings the data stores use (created here or reused), one per store VPC.
   */
  public get peerings(): VpcPeering[] {
    return [...new Set(this.peeringsByVpc.values())];
  }

  /**
   * Adds an RDS database instance (MySQL, MariaDB, PostgreSQL, Oracle, SQL Server).
   *
   * @param id construct id of the instance's Glue connection
   * @param instance the instance; an imported one needs `vpc`, `vpcSubnets`, `port` and, unless its attributes name it, `engine`
   * @param options database name, credentials, overrides
   * @returns the instance's Glue connection
   */
  public addDatabaseInstance(id: string, instance: rds.IDatabaseInstance, options: GlueJobNetworkDatabaseOptions): glue.Connection {
    return this.addDatabase(id, `RDS instance ${instance.node.path}`, instance, observeDatabaseInstance(instance), instance.dbInstanceEndpointAddress, options);
  }

  /**
   * Adds an Aurora or Multi-AZ RDS cluster; the job connects to the cluster (writer) endpoint.
   *
   * @param id construct id of the cluster's Glue connection
   * @param cluster the cluster; an imported one needs `vpc`, `vpcSubnets`, `port` and, unless its attributes name it, `engine`
   * @param options database name, credentials, overrides
   * @returns the cluster's Glue connection
   */
  public addDatabaseCluster(id: string, cluster: rds.IDatabaseCluster, options: GlueJobNetworkDatabaseOptions): glue.Connection {
    return this.addDatabase(id, `RDS cluster ${cluster.node.path}`, cluster, observeDatabaseCluster(cluster), cluster.clusterEndpoint.hostname, options);
  }

  /**
   * Adds an Amazon Redshift cluster (the `AWS::Redshift::Cluster` L1: aws-cdk-lib has no stable L2).
   * Its subnets, security groups, port and managed secret are read from the cluster and its subnet group.
   *
   * @param id construct id of the cluster's Glue connection
   * @param cluster the cluster
   * @param options its VPC, database name and credentials
   * @returns the cluster's Glue connection
   */
  public addRedshiftCluster(id: string, cluster: redshift.CfnCluster, options: GlueJobNetworkRedshiftOptions): glue.Connection {
    const what = `Redshift cluster ${cluster.node.path}`;
    const observed = observeRedshiftCluster(cluster);
    const securityGroups = securityGroupsOf(cluster.vpcSecurityGroupIds, (groupId, index) => {
      const imports = (this.node.tryFindChild(`${id}StoreGroups`) as Construct | undefined) ?? new Construct(this, `${id}StoreGroups`);
      return ec2.SecurityGroup.fromSecurityGroupId(imports, `Group${index}`, groupId);
    });
    const secret = options.secret ?? (cluster.manageMasterPassword === true
      ? secretsmanager.Secret.fromSecretCompleteArn(this, `${id}ManagedSecret`, cluster.attrMasterPasswordSecretArn)
      : undefined);
    return this.addStore({
      id,
      what,
      engine: DataStoreEngine.REDSHIFT,
      host: cluster.attrEndpointAddress,
      port: observed.port ?? DataStoreEngine.REDSHIFT.defaultPort,
      databaseName: options.databaseName ?? cluster.dbName,
      secret,
      securityGroups,
      vpc: options.vpc,
      subnets: this.storeSubnets(what, options.vpc, options.vpcSubnets, observed),
      publiclyAccessible: observed.publiclyAccessible ?? false,
      options,
    });
  }

  /**
   * Adds any data store reached at an address and port and guarded by security groups: Amazon
   * MSK, DocumentDB, a database on EC2, a store whose construct this library does not know.
   *
   * @param id construct id of the store's Glue connection
   * @param options the store's engine, address, security groups, VPC and credentials
   * @returns the store's Glue connection
   */
  public addDataStore(id: string, options: GlueJobNetworkDataStoreOptions): glue.Connection {
    const what = `data store ${id}`;
    return this.addStore({
      id,
      what,
      engine: options.engine,
      host: options.host,
      port: options.port ?? options.engine.defaultPort,
      databaseName: options.databaseName,
      secret: options.secret,
      securityGroups: options.connections.connections.securityGroups,
      vpc: options.vpc,
      subnets: this.storeSubnets(what, options.vpc, options.vpcSubnets, {}),
      publiclyAccessible: options.publiclyAccessible ?? false,
      options,
    });
  }

  /**
   * Lists this network's connections first on a Glue job, before the connections it already
   * lists, and lets the job's role read the stores' secrets. Stores added later are included.
   *
   * @param job an `aws-cdk-lib/aws-glue` job (any L2 job class) or a `glue.CfnJob`; a `CfnJob`'s
   * role is only an ARN: grant it the secrets with `grantSecretsRead`
   */
  public attachTo(job: IConstruct): void {
    const cfnJob = findCfnJob(job);
    const attached = ATTACHED_NETWORKS.get(cfnJob);
    if (attached === this) return;
    if (attached !== undefined) {
      throw new Error(`${this.node.path}: ${job.node.path} is already attached to ${attached.node.path}. A job runs in one subnet, `
        + 'so one network: add every data store of the job to that GlueJobNetwork.');
    }
    const listed = cfnJob.connections === undefined || Tokenization.isResolvable(cfnJob.connections)
      ? cfnJob.connections
      : (cfnJob.connections as glue.CfnJob.ConnectionsListProperty).connections;
    const network = this;
    const ordered: IResolvable = {
      creationStack: [],
      resolve(context: IResolveContext) {
        // Resolved here, so a list the job got from a token, or names given as tokens, compare as values.
        const ours = context.resolve(network.connectionNames) as unknown[];
        const resolved = context.resolve(listed);
        const theirs: unknown[] = Array.isArray(resolved) ? resolved
          : Array.isArray(resolved?.Connections) ? resolved.Connections
            : Array.isArray(resolved?.connections) ? resolved.connections : [];
        const key = (name: unknown) => JSON.stringify(name);
        return [...ours, ...theirs.filter(name => !ours.some(own => key(own) === key(name)))];
      },
      toString: () => Token.asString(ordered),
    };
    cfnJob.connections = { connections: Token.asList(ordered) };
    ATTACHED_NETWORKS.set(cfnJob, this);
    this.attachedJobs.push(cfnJob);
    if (isGrantable(job)) this.grantSecretsRead(job);
    const kmsUse = isRayJob(cfnJob) ? undefined : kmsUseOf(cfnJob);
    if (kmsUse !== undefined) this.ensureKmsPath(cfnJob, kmsUse);
  }

  /**
   * A job whose security configuration uses AWS KMS keys, which `attachTo` did not see (the job
   * got the configuration, or the configuration those settings, afterwards): the path to AWS KMS
   * is added at `attachTo` (constructs cannot be added while the app synthesizes), so say so rather
   * than leave its runs to a KMS timeout. Not where the subnets reach AWS KMS already (a NAT
   * gateway, the app's own endpoint, whose rules the guard judges), nor in an imported VPC (where
   * `attachTo` adds no endpoint either).
   */
  private lateKmsErrors(): string[] {
    if (this.kmsPathChecked || !isDefinedInApp(this.vpc)) return [];
    const late = this.attachedJobs.flatMap((job) => {
      const use = isRayJob(job) ? undefined : kmsUseOf(job);
      return use === undefined ? [] : [{ job, use }];
    });
    if (late.length === 0 || this.natRoutesEverySubnet() || this.appEndpointsFor(KMS_PATH).length > 0) return [];
    return late.map(({ job, use }) => `${job.node.path} uses ${use}, which ${this.node.path} did not see when attachTo() attached the job `
      + '(the job got its security configuration, or the configuration its AWS KMS settings, afterwards), so it added no path to AWS KMS, '
      + `and the app shows none for the subnets ${this.subnets.map(s => s.node.path).join(', ')} (no NAT gateway route, no AWS KMS interface endpoint with private DNS in ${this.vpc.node.path}). `
      + 'AWS Glue: a job with a security configuration that accesses JDBC data stores must have a route to the AWS KMS endpoint, or its runs may fail '
      + 'with a KMS timeout (rule GNP-CONNECTION-NO-KMS-PATH). Give the job its security configuration, with its encryption settings, before attachTo() '
      + '(the job construct\'s securityConfiguration prop), or give the subnets a path to AWS KMS yourself: an interface endpoint '
      + `(vpc.addInterfaceEndpoint('Kms', { service: ec2.InterfaceVpcEndpointAwsService.KMS })) admitting HTTPS from ${this.securityGroup.node.path}.`);
  }

  /**
   * Lets `grantee` (the job's role) read the secrets of the data stores, those added so far and
   * those added later. Glue reads a connection's `SECRET_ID` with the job's role.
   *
   * @param grantee the principal to grant
   */
  public grantSecretsRead(grantee: iam.IGrantable): void {
    if (this.grantees.includes(grantee)) return;
    this.grantees.push(grantee);
    for (const secret of this.storeSecrets) secret.grantRead(grantee);
  }

  // -------------------------------------------------------------------------------------------
  // Subnets and S3
  // -------------------------------------------------------------------------------------------

  private chooseSubnets(props: GlueJobNetworkProps): ec2.ISubnet[] {
    const count = props.availabilityZoneCount ?? 2;
    if (Token.isUnresolved(count) || !Number.isInteger(count) || count < 1) {
      throw new Error(`${this.node.path}: availabilityZoneCount must be a whole number of at least 1, not ${count}.`);
    }
    const vpc = props.vpc;
    let selection = props.vpcSubnets;
    if (selection === undefined) {
      if (vpc.privateSubnets.length === 0 && vpc.isolatedSubnets.length === 0) {
        throw new Error(`${this.node.path}: the VPC ${vpc.node.path} has no private subnet. Glue ENIs get no public IP address, `
          + 'so they belong in private subnets: add private or isolated subnets, or pass vpcSubnets to choose subnets explicitly.');
      }
      selection = { subnetType: vpc.privateSubnets.length > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED };
    }
    const selected = vpc.selectSubnets(selection).subnets;
    const chosen: ec2.ISubnet[] = [];
    const zones: string[] = [];
    for (const subnet of selected) {
      const zone = zoneOf(subnet, this.node.path);
      if (!zones.includes(zone)) {
        zones.push(zone);
        chosen.push(subnet);
      }
    }
    if (chosen.length < count) {
      throw new Error(`${this.node.path}: availabilityZoneCount is ${count}, but the selected subnets of ${vpc.node.path} span `
        + `${chosen.length} Availability Zone${chosen.length === 1 ? '' : 's'}. Select subnets in more zones (vpcSubnets), or lower `
        + 'availabilityZoneCount (with 1, an outage of that zone stops the job until it recovers).');
    }
    return chosen.slice(0, count);
  }

  private ensureS3Path(access: GlueS3Access): ec2.IGatewayVpcEndpoint | undefined {
    if (access === GlueS3Access.EXISTING) return undefined;
    const owned = isDefinedInApp(this.vpc);
    if (!owned && access === GlueS3Access.AUTO) {
      throw new Error(`${this.node.path}: the VPC ${this.vpc.node.path} is imported, so this app cannot tell whether its subnets `
        + 'reach Amazon S3, which Glue requires before it selects a subnet (an S3 gateway endpoint on the route table, or a NAT '
        + 'gateway route). Set s3Access: GlueS3Access.EXISTING if they already do, or GlueS3Access.ADD_GATEWAY_ENDPOINT to create '
        + 'an S3 gateway endpoint on their route tables (the deployment fails if a table already has one).');
    }
    const missing = owned ? this.subnetsWithoutS3Path() : this.subnets;
    if (missing.length === 0) return undefined;
    const unroutable = missing.filter(s => s.routeTable?.routeTableId === undefined);
    if (unroutable.length > 0) {
      throw new Error(`${this.node.path}: the subnets ${unroutable.map(s => s.node.path).join(', ')} have no known route table, so no `
        + 'S3 gateway endpoint can be associated with them and Glue would never select them. Import the VPC with its route '
        + 'table IDs (Vpc.fromLookup, or *SubnetRouteTableIds in Vpc.fromVpcAttributes), or set s3Access: GlueS3Access.EXISTING '
        + 'if the subnets already reach S3.');
    }
    const options: ec2.GatewayVpcEndpointOptions = {
      service: ec2.GatewayVpcEndpointAwsService.S3,
      subnets: [{ subnets: missing }],
    };
    // In a VPC of the app, the endpoint belongs with the VPC (its stack), like the VPC's own endpoints.
    return owned
      ? this.vpc.addGatewayEndpoint(`GlueS3${shortHash(this.node.path)}`, options)
      : new ec2.GatewayVpcEndpoint(this, 'S3Endpoint', { vpc: this.vpc, ...options });
  }

  /** The chosen subnets whose route table the app gives neither an S3 gateway endpoint nor a NAT route. */
  private subnetsWithoutS3Path(): ec2.ISubnet[] {
    const index = new AppRoutingIndex(this.node.root);
    const covered = new Set<string>();
    const missing: ec2.ISubnet[] = [];
    for (const subnet of this.subnets) {
      const table = subnet.routeTable?.routeTableId;
      if (table !== undefined && covered.has(table)) continue;
      const path = table === undefined ? undefined : index.s3Path(table);
      if (path !== undefined && (path.gatewayEndpoints.length > 0 || path.natRoutes.length > 0)) {
        covered.add(table!);
      } else {
        missing.push(subnet);
        if (table !== undefined) covered.add(table);
      }
    }
    return missing;
  }

  /**
   * A job attached to this network that installs Python modules from the internet when a run
   * starts (`--additional-python-modules` naming a module of the Python Package Index, or a URL
   * outside S3), while a chosen subnet of a VPC of the app has no default route at all: pip runs
   * on Glue's ENIs there and the runs would fail (rule GNP-CONNECTION-NO-PYPI-PATH). The network
   * adds no NAT gateway (it needs a public subnet and costs money): the error says what to choose.
   * A default route to anything else (a transit gateway to an egress VPC), a table a virtual
   * private gateway propagates routes into, an imported VPC, or modules the engine cannot decide
   * are left to the guard, which says UNKNOWN where it cannot tell.
   */
  private packageIndexErrors(): string[] {
    if (!this.attachedJobs.length || !isDefinedInApp(this.vpc)) return [];
    const index = new AppRoutingIndex(this.node.root);
    // A virtual private gateway may propagate a default route into a table (its VPN's routes).
    const propagated = this.node.root.node.findAll().filter((c): c is ec2.CfnVPNGatewayRoutePropagation => isCfnResourceOfType(c, 'AWS::EC2::VPNGatewayRoutePropagation'));
    const without = this.subnets.filter((subnet) => {
      const table = subnet.routeTable?.routeTableId;
      return table !== undefined && index.routesTo(table, '0.0.0.0/0').length === 0
        && !propagated.some((p) => !Array.isArray(p.routeTableIds) || p.routeTableIds.includes(table));
    });
    if (!without.length) return [];
    const errors: string[] = [];
    for (const cfnJob of this.attachedJobs) {
      const need = packageIndexNeed(jobForPackageCheck(cfnJob));
      if (need?.need !== 'yes' || need.s3Urls) continue;
      errors.push(`${cfnJob.node.path} is attached to this network and ${need.why}: pip runs on Glue's ENIs in the subnet Glue selects, `
        + `and ${without.map(s => s.node.path).join(', ')} ${without.length > 1 ? 'have' : 'has'} no default route (no NAT gateway), so its runs would fail installing them (rule GNP-CONNECTION-NO-PYPI-PATH; `
        + 'AWS Glue, "Setting up a VPC to connect to PyPI for AWS Glue"). GlueJobNetwork adds no NAT gateway. Choose subnets whose route table sends 0.0.0.0/0 '
        + 'to a NAT gateway in a public subnet (vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }), or install without the internet: '
        + 'wheels in S3 by their s3:// paths in --additional-python-modules, or a repository the subnets reach (--python-modules-installer-option --index-url, '
        + 'such as AWS CodeArtifact through an interface endpoint).');
    }
    return errors;
  }

  /** An S3 gateway endpoint added to the same route tables after this one would fail the deployment. */
  private lateS3EndpointErrors(): string[] {
    if (this.s3Endpoint === undefined) return [];
    const index = new AppRoutingIndex(this.node.root);
    const errors: string[] = [];
    for (const subnet of this.subnets) {
      const table = subnet.routeTable?.routeTableId;
      if (table === undefined) continue;
      const others = index.s3Path(table, [this.s3Endpoint]).gatewayEndpoints;
      if (others.length > 0) {
        errors.push(`the route table of ${subnet.node.path} gets this network's S3 gateway endpoint and also ${others.map(e => e.node.path).join(', ')}, `
          + 'added after the GlueJobNetwork was created: a route table takes one S3 gateway endpoint. Create the VPC\'s endpoints '
          + 'before the GlueJobNetwork, or set s3Access: GlueS3Access.EXISTING.');
      }
    }
    return errors;
  }

  // -------------------------------------------------------------------------------------------
  // Stores
  // -------------------------------------------------------------------------------------------

  private addDatabase(id: string, what: string, database: ec2.IConnectable, observed: ObservedStore, host: string,
    options: GlueJobNetworkDatabaseOptions): glue.Connection {
    const engine = options.engine ?? engineOf(observed.engineType);
    if (engine === undefined) {
      throw new Error(`${this.node.path}: cannot tell the engine of ${what}${observed.engineType ? ` (${observed.engineType})` : ''}. `
        + 'Pass engine (DataStoreEngine.MYSQL, POSTGRESQL, ORACLE or SQL_SERVER).');
    }
    const vpc = options.vpc ?? observed.vpc;
    if (vpc === undefined) {
      throw new Error(`${this.node.path}: cannot tell the VPC of ${what} (an imported database does not say). Pass vpc and vpcSubnets, `
        + 'the VPC and subnets of its subnet group.');
    }
    return this.addStore({
      id,
      what,
      engine,
      host,
      port: options.port ?? observed.port ?? engine.defaultPort,
      databaseName: options.databaseName,
      secret: options.secret ?? observed.secret,
      securityGroups: database.connections.securityGroups,
      vpc,
      subnets: this.storeSubnets(what, vpc, options.vpcSubnets, options.vpc !== undefined ? {} : observed),
      publiclyAccessible: observed.publiclyAccessible ?? false,
      options,
    });
  }

  private storeSubnets(what: string, vpc: ec2.IVpc, vpcSubnets: ec2.SubnetSelection | undefined, observed: ObservedStore): ec2.ISubnet[] {
    const subnets = vpcSubnets !== undefined
      ? vpc.selectSubnets(vpcSubnets).subnets
      : subnetsById(vpc, observed.subnetIds) ?? defaultSubnets(vpc);
    if (subnets.length === 0) {
      throw new Error(`${this.node.path}: no subnet of ${vpc.node.path} is selected for ${what}. Pass vpcSubnets, the subnets its endpoints are in.`);
    }
    return subnets;
  }

  private addStore(spec: StoreSpec): glue.Connection {
    const where = `${this.node.path}: ${spec.what}`;
    if (Token.isUnresolved(spec.port) || !Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535) {
      throw new Error(`${where}: the port ${spec.port} is not a literal TCP port. Pass port, the number the store listens on: the `
        + 'security-group rules that admit the Glue ENIs are written and checked for it at synth time.');
    }
    const plaintext = Object.keys(spec.options.properties ?? {}).filter(key => PLAINTEXT_CREDENTIALS.includes(key.toUpperCase()));
    if (plaintext.length > 0) {
      throw new Error(`${where}: properties contains ${plaintext.join(', ')}: credentials in connection properties are stored in plain `
        + 'text in the template and the Glue Data Catalog. Pass secret, a Secrets Manager secret with username and password keys.');
    }
    if (spec.engine.connectionType === 'JDBC') {
      if (spec.secret === undefined) {
        throw new Error(`${where}: no credentials. Pass secret, a Secrets Manager secret with username and password keys (the `
          + 'connection references it by SECRET_ID, so the password never appears in the template).');
      }
      if (spec.databaseName === undefined) {
        throw new Error(`${where}: a JDBC connection names a database. Pass databaseName.`);
      }
    }
    if (spec.securityGroups.length === 0) {
      throw new Error(`${where}: the store has no security group, so nothing can admit the Glue ENIs on port ${spec.port}. `
        + 'Pass the store\'s security groups (connections).');
    }

    let peering: VpcPeering | undefined;
    let remote: string | undefined;
    if (!sameVpc(this.vpc, spec.vpc)) {
      this.assertPeerable(spec);
      remote = this.remoteness(spec);
      peering = this.peeringTo(spec, remote);
      this.addPeeringRoutes(peering, spec, remote !== undefined);
    }
    this.allowGlueIn(spec, peering, remote);

    const connection = new glue.Connection(this, spec.id, {
      type: new glue.ConnectionType(spec.engine.connectionType),
      connectionName: spec.options.connectionName,
      description: spec.options.description ?? `${spec.what}, reached from the Glue ENIs of ${this.node.path}`,
      // In the first Glue subnet: listed after the NETWORK connections, it is never selected
      // before them, and a crawler or a connection test that uses it lands in the Glue VPC too.
      network: glue.ConnectionNetwork.subnet(this.subnets[0]),
      securityGroups: [this.securityGroup],
      secret: spec.engine.connectionType === 'KAFKA' ? undefined : spec.secret,
      properties: { ...connectionProperties(spec), ...spec.options.properties },
    });
    GlueDataStore.declare(connection, {
      subnets: spec.subnets,
      securityGroups: spec.securityGroups,
      port: spec.port,
      publiclyAccessible: spec.publiclyAccessible,
    });
    this.storeConnections.push(connection);
    if (spec.secret !== undefined && !this.storeSecrets.includes(spec.secret)) {
      this.storeSecrets.push(spec.secret);
      for (const grantee of this.grantees) spec.secret.grantRead(grantee);
    }
    if (spec.secret !== undefined) this.ensureSecretsPath();
    return connection;
  }

  /**
   * Glue reads a connection's secret from the ENIs' subnet at run time, so the subnets need a
   * path to Secrets Manager: a NAT route, or an interface endpoint with private DNS in the VPC
   * (rule GNP-CONNECTION-NO-SECRETS-PATH).
   */
  private ensureSecretsPath(): void {
    if (this.secretsPathChecked) return;
    this.secretsPathChecked = true;
    this.secretsEndpoint = this.ensureServicePath(SECRETS_MANAGER_PATH);
  }

  /**
   * A job whose security configuration encrypts with AWS KMS keys calls AWS KMS from the subnet
   * Glue selects, so the subnets need a path to it: a NAT route, or an AWS KMS interface endpoint
   * with private DNS in the VPC (AWS Glue, "Encrypting data written by AWS Glue": Creating a route
   * to AWS KMS for VPC jobs and crawlers; rule GNP-CONNECTION-NO-KMS-PATH).
   */
  private ensureKmsPath(job: glue.CfnJob, use: string): void {
    if (this.kmsPathChecked) return;
    this.kmsPathChecked = true;
    if (!isDefinedInApp(this.vpc)) {
      // A job already deployed there reaches AWS KMS (a NAT gateway or an endpoint the app cannot
      // see): a second endpoint with private DNS would fail to deploy, one beside a NAT gateway
      // would be paid for nothing. The guard cannot see these subnets' paths either.
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:glueJobNetworkKmsPath`,
        `${job.node.path} uses ${use}, so Glue calls AWS KMS from the chosen subnets (AWS Glue: a job with a security configuration that accesses `
        + 'JDBC data stores must have a route to the AWS KMS endpoint, or its runs may fail with a KMS timeout), and the VPC '
        + `${this.vpc.node.path} is imported: this app cannot see whether they route to a NAT gateway or the VPC has an AWS KMS interface endpoint `
        + `with private DNS, so ${this.node.path} added no AWS KMS endpoint (a second one with private DNS fails to deploy). If the subnets `
        + `${this.subnets.map(s => s.subnetId).join(', ')} reach neither, add one (new ec2.InterfaceVpcEndpoint(scope, 'Kms', { vpc, service: `
        + `ec2.InterfaceVpcEndpointAwsService.KMS })) admitting HTTPS from ${this.securityGroup.node.path}.`);
      return;
    }
    this.kmsEndpointAdded = this.ensureServicePath(KMS_PATH);
  }

  /**
   * A path from the chosen subnets to an AWS service Glue's ENIs call: none to add where every
   * subnet routes to a NAT gateway; else the app's interface endpoint with private DNS for the
   * service in the VPC (a second one fails to deploy), with HTTPS from the Glue group; else a new
   * endpoint, returned. One endpoint per VPC and service: another GlueJobNetwork on the VPC
   * reuses the one this one made.
   */
  private ensureServicePath(service: InterfaceServicePath): ec2.IInterfaceVpcEndpoint | undefined {
    const owned = isDefinedInApp(this.vpc);
    if (this.natRoutesEverySubnet()) return undefined;
    const [existing] = this.appEndpointsFor(service);
    if (existing) {
      // The endpoint admits HTTPS only from the groups its owner chose: admit this network's Glue
      // group too, or its runs cannot call the service. An endpoint without SecurityGroupIds
      // wears the VPC's default group, which this construct leaves alone (the guard reports it).
      const groups = Array.isArray(existing.securityGroupIds) ? existing.securityGroupIds : [];
      groups.forEach((groupId, index) => this.admitToEndpoint(service, groupId, `${existing.node.path}#${index}`));
      return undefined;
    }
    const options: ec2.InterfaceVpcEndpointOptions = {
      service: service.awsService,
      privateDnsEnabled: true,
      subnets: { subnets: this.subnets },
      // Least privilege: HTTPS from the Glue group only, not from the whole VPC.
      open: false,
    };
    // In a VPC of the app, the endpoint belongs with the VPC (its stack), like the VPC's own endpoints.
    const endpoint = owned
      ? this.vpc.addInterfaceEndpoint(`${service.vpcChildPrefix}${shortHash(this.node.path)}`, options)
      : new ec2.InterfaceVpcEndpoint(this, service.ownChildId, { vpc: this.vpc, ...options });
    for (const group of endpoint.connections.securityGroups) this.admitToEndpoint(service, group.securityGroupId, group.node.path);
    return endpoint;
  }

  /** Whether every chosen subnet of a VPC of the app routes to a NAT gateway of the app. */
  private natRoutesEverySubnet(): boolean {
    if (!isDefinedInApp(this.vpc)) return false;
    const index = new AppRoutingIndex(this.node.root);
    return this.subnets.every(s => s.routeTable?.routeTableId !== undefined && index.s3Path(s.routeTable.routeTableId).natRoutes.length > 0);
  }

  /** The app's interface endpoints with private DNS for the service in this network's VPC. */
  private appEndpointsFor(service: InterfaceServicePath): ec2.CfnVPCEndpoint[] {
    return this.node.root.node.findAll().filter((c): c is ec2.CfnVPCEndpoint => c instanceof ec2.CfnVPCEndpoint
      && c.vpcId === this.vpc.vpcId && c.vpcEndpointType === 'Interface' && c.privateDnsEnabled === true
      && service.serviceName.test(JSON.stringify(Stack.of(c).resolve(c.serviceName))));
  }

  /**
   * An endpoint with private DNS for the same service the app adds to the VPC after this network
   * added its own (it found none then): two fail to deploy, so say so at synth.
   */
  private laterEndpointErrors(): string[] {
    const added: [InterfaceServicePath, ec2.IInterfaceVpcEndpoint | undefined][] = [[SECRETS_MANAGER_PATH, this.secretsEndpoint], [KMS_PATH, this.kmsEndpointAdded]];
    return added.flatMap(([service, endpoint]) => {
      if (endpoint === undefined) return [];
      const others = this.appEndpointsFor(service).filter(c => c !== endpoint.node.defaultChild);
      return others.length === 0 ? [] : [`${this.node.path} added ${endpoint.node.path}, an interface endpoint for ${service.name} with private DNS in `
        + `${this.vpc.node.path}, and the app also adds ${others.map(c => c.node.path).join(', ')}, created after it: a VPC takes one interface endpoint `
        + `with private DNS per service, so the deployment would fail. Create that endpoint ${service.createBefore}: ${this.node.path} then uses it `
        + '(and admits its Glue group to the endpoint\'s security groups) instead of adding its own.'];
    });
  }

  /** HTTPS from the Glue group into a service endpoint's group. */
  private admitToEndpoint(service: InterfaceServicePath, groupId: string, key: string): void {
    // The rule lives here (as the stores' rules do), so the VPC's stack never references this one.
    new ec2.CfnSecurityGroupIngress(this, `${service.ingressPrefix}${shortHash(key)}`, {
      groupId,
      sourceSecurityGroupId: this.securityGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      description: `Glue ENIs of ${this.node.path} ${service.purpose}`,
    });
  }

  /** Peering needs disjoint CIDR blocks, and routes from the Glue subnets must not be ambiguous. */
  private assertPeerable(spec: StoreSpec): void {
    const glueBlocks = knownBlocks(this.vpc);
    const storeBlocks = knownBlocks(spec.vpc);
    const overlap = firstOverlap(glueBlocks, storeBlocks);
    if (overlap) {
      throw new Error(`${this.node.path}: ${spec.what} is in ${spec.vpc.node.path}, whose CIDR block ${overlap[1]} overlaps ${overlap[0]} `
        + `of the Glue VPC ${this.vpc.node.path}. Overlapping VPCs cannot be peered, so the Glue ENIs could never reach it. Place the `
        + `Glue ENIs in ${spec.vpc.node.path} (a GlueJobNetwork with that vpc) if the other stores are reachable from there, or `
        + 're-address one of the VPCs.');
    }
    for (const other of this.peeredStoreVpcs) {
      if (sameVpc(other, spec.vpc)) continue;
      const clash = firstOverlap(knownBlocks(other), storeBlocks);
      if (clash) {
        throw new Error(`${this.node.path}: ${spec.what} is in ${spec.vpc.node.path} (${clash[1]}), which overlaps ${clash[0]} of `
          + `${other.node.path}, the VPC of another store: the Glue subnets' routes to the two VPCs would collide. Use a separate `
          + 'GlueJobNetwork (and job) for each, or re-address one of the VPCs.');
      }
    }
  }

  /** Why the store side is out of this stack's reach (`account 1111...`, `Region eu-west-1`), if it is. */
  private remoteness(spec: StoreSpec): string | undefined {
    const stack = Stack.of(this);
    const account = concrete(spec.options.peerOwnerId) ?? knownEnvironment(spec.vpc, 'account');
    const region = knownEnvironment(spec.vpc, 'region');
    const otherAccount = spec.options.peerOwnerId !== undefined
      ? spec.options.peerOwnerId !== stack.account
      : account !== undefined && concrete(stack.account) !== undefined && account !== stack.account;
    if (otherAccount && spec.options.peerRoleArn === undefined) {
      throw new Error(`${this.node.path}: ${spec.what} is in ${spec.vpc.node.path}, owned by account ${spec.options.peerOwnerId ?? account}, `
        + `not this stack's account ${stack.account}. A cross-account VPC peering stays pending, and its routes go nowhere, until `
        + 'the other account accepts it: pass peerRoleArn, a role in that account that this account may assume and that allows '
        + 'ec2:AcceptVpcPeeringConnection. The store\'s owner must also add the return routes and the ingress rule (this construct '
        + 'says which in a warning).');
    }
    if (otherAccount) return `account ${spec.options.peerOwnerId ?? account}`;
    if (region !== undefined && concrete(stack.region) !== undefined && region !== stack.region) return `Region ${region}`;
    return undefined;
  }

  /** The peering between the Glue VPC and the store's VPC: one already in the app, or a new one. */
  private peeringTo(spec: StoreSpec, remote: string | undefined): VpcPeering {
    const known = [...this.peeringsByVpc.entries()].find(([vpc]) => sameVpc(vpc, spec.vpc));
    if (known) return known[1];
    const existing = this.node.root.node.findAll().find((c): c is VpcPeering => c instanceof VpcPeering && connects(c, this.vpc, spec.vpc));
    const peering = existing ?? new VpcPeering(this, `Peering${spec.vpc.node.id}${shortHash(spec.vpc.node.path)}`, {
      requesterVpc: this.vpc,
      accepterVpc: spec.vpc,
      // Routes are added below, for the subnets that need them only.
      requesterSubnets: { subnets: [] },
      accepterSubnets: { subnets: [] },
      requesterCidrs: this.subnetBlocks(this.vpc, this.subnets).map(b => b.cidr),
      accepterCidrs: this.subnetBlocks(spec.vpc, spec.subnets).map(b => b.cidr),
      peerOwnerId: spec.options.peerOwnerId,
      peerRoleArn: spec.options.peerRoleArn,
      allowDnsResolution: spec.publiclyAccessible,
    });
    if (existing !== undefined && spec.publiclyAccessible && existing.node.tryFindChild('DnsResolution') === undefined) {
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:glueJobNetworkPeeringDns`,
        `${spec.what} is publicly accessible, but the existing peering ${existing.node.path} does not allow DNS resolution from the `
        + 'remote VPC: from the Glue VPC its name resolves to its public address. Set allowDnsResolution on that peering.');
    }
    if (remote !== undefined) {
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:glueJobNetworkRemoteStore`,
        `${spec.what} is in ${remote}, whose route tables and security groups this stack cannot change. There, add to the route `
        + `tables of the store's subnets a route to ${this.subnetBlocks(this.vpc, this.subnets).map(b => describe(b.cidr)).join(', ')} `
        + `via the peering ${peering.node.path}, and allow TCP ${spec.port} into the store's security groups from `
        + `${remote.startsWith('account') ? `the Glue security group ${this.node.path}/SecurityGroup` : 'those CIDR blocks (no group reference across Regions)'}.`);
    }
    this.peeringsByVpc.set(spec.vpc, peering);
    this.peeredStoreVpcs.push(spec.vpc);
    return peering;
  }

  /** Routes through the peering: Glue subnets to the store's subnets, and back, unless they exist. */
  private addPeeringRoutes(peering: VpcPeering, spec: StoreSpec, remote: boolean): void {
    const index = new AppRoutingIndex(this.node.root);
    const add = (fromSubnets: ec2.ISubnet[], to: RoutedBlock[]) => {
      for (const table of distinctRouteTables(fromSubnets, this.node.path)) {
        for (const block of to) {
          const routes = index.routesTo(table.routeTableId, block.cidr);
          if (routes.some(r => r.vpcPeeringConnectionId === peering.peeringConnectionId)) continue;
          if (routes.length > 0) {
            throw new Error(`${this.node.path}: the route table of ${table.subnetPath} already routes ${describe(block.cidr)} elsewhere `
              + `(${routes.map(r => r.node.path).join(', ')}), so ${spec.what} cannot be reached through the peering `
              + `${peering.node.path}. Remove that route, or reach the store the way that route goes.`);
          }
          const id = `Route${shortHash(`${table.key}>${block.key}`)}`;
          if (peering.node.tryFindChild(id) === undefined) peering.addRoute(id, table.routeTableId, block.cidr);
        }
      }
    };
    add(this.subnets, this.subnetBlocks(spec.vpc, spec.subnets));
    if (!remote) add(spec.subnets, this.subnetBlocks(this.vpc, this.subnets));
  }

  /** TCP on the store's port from the Glue group only, on each of the store's groups. */
  private allowGlueIn(spec: StoreSpec, peering: VpcPeering | undefined, remote: string | undefined): void {
    if (remote !== undefined) return; // said in the remote-store warning
    const description = `Glue ENIs of ${this.node.path} to ${spec.what}`;
    const rulesScope = (this.node.tryFindChild('StoreIngress') as Construct | undefined) ?? new Construct(this, 'StoreIngress');
    for (const group of spec.securityGroups) {
      if (peering === undefined && Stack.of(group) === Stack.of(this)) {
        // Same stack, same VPC: the group's own rule (it honours an imported group's mutable: false).
        group.connections.allowFrom(this.securityGroup, ec2.Port.tcp(spec.port), description);
        continue;
      }
      // Another stack: the rule lives here, so the store's stack never references this one (no cycle).
      const id = `Rule${shortHash(`${group.node.path}|${spec.port}`)}`;
      if (rulesScope.node.tryFindChild(id) !== undefined) continue;
      const rule = new ec2.CfnSecurityGroupIngress(rulesScope, id, {
        groupId: group.securityGroupId,
        sourceSecurityGroupId: this.securityGroup.securityGroupId,
        ipProtocol: 'tcp',
        fromPort: spec.port,
        toPort: spec.port,
        description,
      });
      // A group of a peered VPC can be referenced only once the peering is active.
      if (peering !== undefined) rule.node.addDependency(peering.cfnPeering);
    }
  }

  /** The route destinations for a set of subnets: their CIDRs, else (imported without CIDRs) the VPC's blocks. */
  private subnetBlocks(vpc: ec2.IVpc, subnets: ec2.ISubnet[]): RoutedBlock[] {
    const blocks: RoutedBlock[] = [];
    for (const subnet of subnets) {
      const cidr = subnetCidr(subnet);
      if (cidr === undefined) {
        const vpcBlocks = discoverVpcIpv4Blocks(vpc).filter(b => b.cidr !== undefined)
          .map(b => ({ cidr: b.cidr!, key: Token.isUnresolved(b.cidr) ? `${vpc.node.path}/${b.label}` : b.cidr! }));
        if (vpcBlocks.length === 0) {
          throw new Error(`${this.node.path}: cannot tell the CIDR block of ${subnet.node.path} nor of its VPC ${vpc.node.path}, so no `
            + 'route can be written to it. Import the subnets with their CIDR blocks (ipv4CidrBlock) or the VPC with vpcCidrBlock.');
        }
        return vpcBlocks;
      }
      if (!blocks.some(b => b.cidr === cidr)) blocks.push({ cidr, key: Token.isUnresolved(cidr) ? subnet.node.path : cidr });
    }
    return blocks;
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function findCfnJob(job: IConstruct): glue.CfnJob {
  if (isCfnResourceOfType<glue.CfnJob>(job, 'AWS::Glue::Job')) return job;
  const child = job.node.defaultChild;
  if (isCfnResourceOfType<glue.CfnJob>(child, 'AWS::Glue::Job')) return child;
  throw new Error(`GlueJobNetwork.attachTo(): ${job.node.path} is neither a glue.CfnJob nor a Glue job construct whose default child is one.`);
}

function isGrantable(construct: IConstruct): construct is IConstruct & iam.IGrantable {
  return (construct as Partial<iam.IGrantable>).grantPrincipal !== undefined;
}

/** An AWS service the Glue ENIs call over HTTPS from the chosen subnets, and the names of what this construct adds for it. */
interface InterfaceServicePath {
  /** The service in words, and when the app's own endpoint for it must exist for the network to use it. */
  readonly name: string;
  readonly createBefore: string;
  readonly awsService: ec2.InterfaceVpcEndpointAwsService;
  /** Matches the JSON of an endpoint's resolved ServiceName for the service (the engine's service key). */
  readonly serviceName: RegExp;
  /** The id prefix of an endpoint added to a VPC of the app, and the id of one added here (imported VPC). */
  readonly vpcChildPrefix: string;
  readonly ownChildId: string;
  /** The id prefix of the HTTPS rule into an endpoint's group, and what the rule's description says it is for. */
  readonly ingressPrefix: string;
  readonly purpose: string;
}

// The ids are part of what deployed apps hold: never change them (a new id replaces the resource).
const SECRETS_MANAGER_PATH: InterfaceServicePath = {
  name: 'Secrets Manager',
  createBefore: 'before the first data store with a secret is added to the GlueJobNetwork',
  awsService: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  serviceName: /secretsmanager/,
  vpcChildPrefix: 'GlueSecrets',
  ownChildId: 'SecretsManagerEndpoint',
  ingressPrefix: 'SecretsEndpointIngress',
  purpose: "read the data stores' secrets (Secrets Manager endpoint)",
};

const KMS_PATH: InterfaceServicePath = {
  name: 'AWS KMS',
  createBefore: 'before attachTo() attaches a job whose security configuration uses AWS KMS keys',
  awsService: ec2.InterfaceVpcEndpointAwsService.KMS,
  // com.amazonaws.<region>.kms (not kms-fips: private DNS of that one answers for kms-fips.<region>... only).
  serviceName: /\.kms"/,
  vpcChildPrefix: 'GlueKms',
  ownChildId: 'KmsEndpoint',
  ingressPrefix: 'KmsEndpointIngress',
  purpose: "call AWS KMS for their security configuration's keys (AWS KMS endpoint)",
};

/**
 * The AWS KMS settings of the security configuration a job names, where the app defines it
 * (`glue.SecurityConfiguration` or `glue.CfnSecurityConfiguration`), as the template reader reads
 * them (`kmsUseOf` of ingest/glue.ts): the configuration as written to the template (property
 * overrides included, a parameter's default for a `Ref` to it). Undefined when the job has none,
 * none of its settings uses AWS KMS keys, or the app does not show them (a name of a
 * configuration made elsewhere, settings known only at deploy time); the guard reports those as
 * UNKNOWN.
 */
function kmsUseOf(job: glue.CfnJob): string | undefined {
  const named = job.securityConfiguration;
  if (named === undefined) return undefined;
  const configuration = configurationNamed(job, named);
  if (configuration === undefined) return undefined;
  const stack = Stack.of(configuration);
  // (Rendered, not read from the props: an override is in the template, and the guard reads it.)
  let rendered: { Resources?: Record<string, { Properties?: Record<string, any> }> };
  try {
    rendered = stack.resolve((configuration as unknown as { _toCloudFormation(): unknown })._toCloudFormation());
  } catch {
    return undefined; // Props CloudFormation would refuse: the synthesis reports them.
  }
  const encryption = Object.values(rendered.Resources ?? {})[0]?.Properties?.EncryptionConfiguration;
  if (encryption === null || typeof encryption !== 'object') return undefined;
  const parameters = stack.node.findAll().filter((c): c is CfnParameter => c instanceof CfnParameter && Stack.of(c) === stack);
  // A mode written as a Ref to a parameter: its default, as the template reader takes it.
  const withDefaults = (written: unknown): unknown => {
    if (Array.isArray(written)) return written.map(withDefaults);
    if (written === null || typeof written !== 'object') return written;
    const ref = Object.keys(written).length === 1 ? (written as { Ref?: unknown }).Ref : undefined;
    const parameter = ref === undefined ? undefined : parameters.find(p => stack.resolve(p.logicalId) === ref);
    if (parameter !== undefined) return stack.resolve(parameter.default);
    return Object.fromEntries(Object.entries(written).map(([key, value]) => [key, withDefaults(value)]));
  };
  const { settings } = securityConfigurationKmsModes(withDefaults(encryption) as Record<string, unknown>, 'S3Encryptions');
  return settings.length ? `security configuration ${configuration.node.path} (${settings.join(', ')})` : undefined;
}

/**
 * The configuration of the app a job's `SecurityConfiguration` refers to: the name an L2 (aws-cdk-lib
 * or the alpha module) hands its jobs, its `Ref` (in the job's stack or, through CDK's reference
 * or an export, `Stack.exportValue` or `Fn.importValue` of a named output, another stack's).
 */
function configurationNamed(job: glue.CfnJob, named: string): glue.CfnSecurityConfiguration | undefined {
  const jobStack = Stack.of(job);
  const all = job.node.root.node.findAll();
  const configurations = all.filter((c): c is glue.CfnSecurityConfiguration => isCfnResourceOfType<glue.CfnSecurityConfiguration>(c, 'AWS::Glue::SecurityConfiguration'));
  const direct = configurations.find((c) => (c.node.scope as { securityConfigurationName?: unknown } | undefined)?.securityConfigurationName === named || c.ref === named);
  if (direct !== undefined || configurations.length === 0 || !Token.isUnresolved(named)) return direct;
  // (Resolved only here: most jobs name their configuration by the L2's name or the L1's ref.)
  const resolved = jobStack.resolve(named) as { 'Fn::ImportValue'?: unknown } | undefined;
  const imported = resolved?.['Fn::ImportValue'];
  const exported = typeof imported === 'string'
    ? all.find((c): c is CfnOutput => c instanceof CfnOutput && Stack.of(c).resolve(c.exportName) === imported)
    : undefined;
  return configurations.find((c) => {
    const ref = JSON.stringify({ Ref: Stack.of(c).getLogicalId(c) });
    if (Stack.of(c) === jobStack && JSON.stringify(resolved) === ref) return true;
    return exported !== undefined && Stack.of(exported) === Stack.of(c) && JSON.stringify(Stack.of(c).resolve(exported.value)) === ref;
  });
}

/** A Ray job does not run in the job's VPCs: the guard checks no service path for it (engine/service-paths.ts). */
function isRayJob(job: glue.CfnJob): boolean {
  const command = Stack.of(job).resolve(job.command) as { name?: unknown } | undefined;
  return command?.name === 'glueray';
}

function isDefinedInApp(vpc: ec2.IVpc): boolean {
  return isCfnResourceOfType(vpc.node.defaultChild, 'AWS::EC2::VPC');
}

/** Two handles on one VPC: the same construct, or the same VPC ID (a literal, or the same token). */
function sameVpc(a: ec2.IVpc, b: ec2.IVpc): boolean {
  return a === b || a.vpcId === b.vpcId;
}

function connects(peering: VpcPeering, a: ec2.IVpc, b: ec2.IVpc): boolean {
  const ends = [peering.cfnPeering.vpcId, peering.cfnPeering.peerVpcId];
  return ends.includes(a.vpcId) && ends.includes(b.vpcId);
}

function concrete(value: string | undefined): string | undefined {
  return value !== undefined && !Token.isUnresolved(value) ? value : undefined;
}

/**
 * The VPC's account or Region when really known: an imported VPC reports its importing stack's
 * environment unless told otherwise, so its value is trusted only when it differs from that.
 */
function knownEnvironment(vpc: ec2.IVpc, what: 'account' | 'region'): string | undefined {
  const value = concrete(vpc.env[what]);
  if (value === undefined) return undefined;
  return isDefinedInApp(vpc) || value !== Stack.of(vpc)[what] ? value : undefined;
}

function knownBlocks(vpc: ec2.IVpc): string[] {
  return discoverVpcIpv4Blocks(vpc).filter(b => b.known).map(b => b.cidr!);
}

function firstOverlap(left: string[], right: string[]): [string, string] | undefined {
  for (const l of left) {
    for (const r of right) {
      const a = parseIpv4Block(l);
      const b = parseIpv4Block(r);
      if (a && b && blocksOverlap(a, b)) return [l, r];
    }
  }
  return undefined;
}

function zoneOf(subnet: ec2.ISubnet, path: string): string {
  try {
    return subnet.availabilityZone;
  } catch {
    throw new Error(`${path}: cannot tell the Availability Zone of ${subnet.node.path}, so the Glue connections cannot be spread `
      + 'across zones. Import the subnet with its availabilityZone.');
  }
}

function subnetCidr(subnet: ec2.ISubnet): string | undefined {
  try {
    return subnet.ipv4CidrBlock;
  } catch {
    return undefined; // an imported subnet without ipv4CidrBlock
  }
}

function defaultSubnets(vpc: ec2.IVpc): ec2.ISubnet[] {
  if (vpc.privateSubnets.length > 0) return vpc.privateSubnets;
  if (vpc.isolatedSubnets.length > 0) return vpc.isolatedSubnets;
  return vpc.publicSubnets;
}

interface RouteTableOfSubnet {
  readonly routeTableId: string;
  readonly key: string;
  readonly subnetPath: string;
}

function distinctRouteTables(subnets: ec2.ISubnet[], path: string): RouteTableOfSubnet[] {
  const tables: RouteTableOfSubnet[] = [];
  for (const subnet of subnets) {
    const routeTableId = subnet.routeTable?.routeTableId;
    if (routeTableId === undefined) {
      throw new Error(`${path}: subnet ${subnet.node.path} has no known route table, so no route through the peering can be added `
        + 'to it. Import it with its route table ID (Vpc.fromLookup, or *SubnetRouteTableIds in Vpc.fromVpcAttributes).');
    }
    if (tables.some(t => t.routeTableId === routeTableId)) continue;
    tables.push({ routeTableId, key: Token.isUnresolved(routeTableId) ? subnet.node.path : routeTableId, subnetPath: subnet.node.path });
  }
  return tables;
}

function engineOf(engineType: string | undefined): DataStoreEngine | undefined {
  if (engineType === undefined) return undefined;
  if (/^(aurora-mysql|aurora|mysql|mariadb)$/.test(engineType)) return DataStoreEngine.MYSQL;
  if (/^(aurora-postgresql|postgres)$/.test(engineType)) return DataStoreEngine.POSTGRESQL;
  if (engineType.startsWith('oracle')) return DataStoreEngine.ORACLE;
  if (engineType.startsWith('sqlserver')) return DataStoreEngine.SQL_SERVER;
  return undefined;
}

/** The connection properties Glue needs for the engine (Glue's documented URL forms). */
function connectionProperties(spec: StoreSpec): { [key: string]: string } {
  const { engine, host, port, databaseName } = spec;
  switch (engine) {
    case DataStoreEngine.ORACLE:
      return { JDBC_CONNECTION_URL: `jdbc:oracle:thin://@${host}:${port}/${databaseName}` };
    case DataStoreEngine.SQL_SERVER:
      return { JDBC_CONNECTION_URL: `jdbc:sqlserver://${host}:${port};databaseName=${databaseName}` };
    case DataStoreEngine.KAFKA: {
      const servers = !Token.isUnresolved(host) && host.includes(':') ? host : `${host}:${port}`;
      return {
        KAFKA_BOOTSTRAP_SERVERS: servers,
        KAFKA_SSL_ENABLED: port === 9092 ? 'false' : 'true',
        ...(spec.secret ? { KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_SCRAM_SECRETS_ARN: spec.secret.secretArn } : {}),
      };
    }
    case DataStoreEngine.MONGODB:
      return { CONNECTION_URL: `mongodb://${host}:${port}${databaseName ? `/${databaseName}` : ''}` };
    default:
      return { JDBC_CONNECTION_URL: `jdbc:${engine.name}://${host}:${port}/${databaseName}` };
  }
}

function describe(cidr: string): string {
  return Token.isUnresolved(cidr) ? '(a CIDR block known at deploy time)' : cidr;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/**
 * What the engine's module-install check reads of a job, from its `glue.CfnJob`: a value that is
 * not a literal string (a token CloudFormation resolves) is unknown, so it never makes an error.
 */
function jobForPackageCheck(cfnJob: glue.CfnJob): GlueJob {
  const stack = Stack.of(cfnJob);
  const text = (value: unknown, what: string): Fact<string> | undefined => {
    if (value === undefined) return undefined;
    const resolved = stack.resolve(value);
    return typeof resolved === 'string' ? knownFact(resolved) : unknownFact(`${what} is known only at deploy time`);
  };
  const command = stack.resolve(cfnJob.command) as { name?: unknown; pythonVersion?: unknown } | undefined;
  const args = (name: string): Fact<string> | undefined => {
    for (const property of [cfnJob.nonOverridableArguments, cfnJob.defaultArguments]) {
      const map = stack.resolve(property);
      if (map === undefined) continue;
      if (typeof map !== 'object' || map === null) return unknownFact('the job\'s arguments are known only at deploy time');
      if (name in map) return text((map as Record<string, unknown>)[name], name);
    }
    return undefined;
  };
  const modules = args('--additional-python-modules');
  const installer = args('--python-modules-installer-option');
  const glueVersion = text(cfnJob.glueVersion, 'GlueVersion');
  const pythonVersion = text(command?.pythonVersion, 'Command.PythonVersion');
  return {
    id: cfnJob.node.path,
    source: { stack: stack.stackName, logicalId: stack.getLogicalId(cfnJob) },
    name: knownFact(cfnJob.node.path),
    command: text(command?.name, 'Command.Name') ?? unknownFact('Command.Name is not set'),
    connections: [],
    maxConcurrentRuns: knownFact(1),
    ...glueVersion ? { glueVersion } : {},
    ...pythonVersion ? { pythonVersion } : {},
    ...modules ? { additionalPythonModules: modules } : {},
    ...installer ? { pythonInstallerOptions: installer } : {},
  };
}


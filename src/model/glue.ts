import { Fact } from './fact';
import { SourceRef, SymbolicZone } from './network';

export interface GlueConnection {
  /** Model key. */
  readonly id: string;
  readonly source: SourceRef;
  /** The connection's name as jobs refer to it (`ConnectionInput.Name`). */
  readonly name: Fact<string>;
  /** `ConnectionType`: JDBC, NETWORK, KAFKA, MONGODB, ... */
  readonly connectionType: string;
  /**
   * The subnet of `PhysicalConnectionRequirements` (model key); absent when the connection carries
   * no network configuration. A subnet the model cannot describe is still a model key, of a
   * subnet whose facts are unknown.
   */
  readonly subnetId?: string;
  readonly securityGroupIds: string[];
  /** `PhysicalConnectionRequirements.AvailabilityZone`, when set. */
  readonly availabilityZone?: Fact<string>;
  /** When that zone comes from `Fn::GetAZs` (then `availabilityZone` is unknown): which one it is. */
  readonly symbolicZone?: SymbolicZone;
  /**
   * A connection whose `PhysicalConnectionRequirements` names a subnet and has no
   * `AvailabilityZone`: a template's without the key, or a deployed one GetConnections gives
   * without it (facts `availabilityZoneUnset: true`, as --from-aws/--from-describe write it): the
   * connection has no zone (GNP-CONNECTION-AZ-MISSING). A --facts connection that only leaves the
   * zone out does not say it is unset.
   */
  readonly availabilityZoneUnset?: boolean;
  /**
   * The `AvailabilityZone` is `Fn::GetAtt` of the connection's own subnet's `AvailabilityZone`, a
   * subnet that names no zone (EC2 picks it): `availabilityZone` is unknown, but it is the
   * subnet's zone by construction, so it matches the subnet (never GNP-CONNECTION-AZ-MISMATCH or
   * -AZ-UNKNOWN). The zone itself stays unknown where its value matters (zone-failure what-ifs).
   */
  readonly availabilityZoneOfSubnet?: boolean;
  /**
   * The data store address: `JDBC_CONNECTION_URL`, `KAFKA_BOOTSTRAP_SERVERS` or `CONNECTION_URL`,
   * with references to modelled resources kept as `{{ref:<model key>:<attribute>}}` markers.
   */
  readonly address?: Fact<string>;
  /**
   * The connection property that makes Glue read a Secrets Manager secret at run time
   * (`SECRET_ID`, `KAFKA_SASL_SCRAM_SECRETS_ARN`), when the connection has one.
   */
  readonly secretProperty?: string;
  /**
   * Why the templates do not show whether the connection reads a secret, when they do not: its
   * `ConnectionProperties` or `AuthenticationConfiguration` (or the whole `ConnectionInput`)
   * cannot be resolved, so it may name one. Absent when `secretProperty` is set, or when the
   * templates show that it names none.
   */
  readonly secretUnresolved?: string;
  /**
   * How a KAFKA connection authenticates, when its properties say (`KAFKA_SASL_MECHANISM`,
   * `KAFKA_SSL_ENABLED`): MSK listens on a different port for each.
   */
  readonly kafkaAuthentication?: KafkaAuthentication;
}

/** Where a bucket of the templates is: its stack, and that stack's Region when known. */
export interface ModuleBucket {
  readonly stack: string;
  readonly region?: string;
}

/** MSK client authentication, each with its own broker port (9092, 9094, 9096, 9098). */
export type KafkaAuthentication = 'plaintext' | 'tls' | 'sasl-scram' | 'iam';

/**
 * The client listeners of an MSK cluster's brokers, read from its `ClientAuthentication` and
 * `EncryptionInfo.EncryptionInTransit.ClientBroker`: for each client authentication, whether the
 * brokers listen on its port (MSK developer guide, "Port information"); unknown with the reason
 * when a setting is not resolved.
 */
export interface KafkaListeners {
  readonly byAuthentication: Readonly<Record<KafkaAuthentication, Fact<boolean>>>;
  /** `ConnectivityInfo.PublicAccess.Type` is `SERVICE_PROVIDED_EIPS`: the public ports 9194, 9196, 9198 too. */
  readonly publicAccess: Fact<boolean>;
  /**
   * `ConnectivityInfo.VpcConnectivity` turns multi-VPC private connectivity on for some client
   * authentication: clients in other VPCs reach the brokers through managed VPC connections
   * (AWS PrivateLink) on ports from 14001. Absent: off.
   */
  readonly vpcConnectivity?: Fact<boolean>;
  /** The settings that decide them, in words (`ClientBroker TLS (the default), client authentication IAM`). */
  readonly settings: string;
  /**
   * For a listener taken to be on by an assumption (the TLS listener of a cluster without
   * `ClientAuthentication`, unauthenticated access taken as MSK's default), the assumption in words.
   */
  readonly assumedOn?: Readonly<Partial<Record<KafkaAuthentication, string>>>;
}

/** A data store resource modelled from the templates (RDS, Redshift, Redshift Serverless, MSK, DocumentDB). */
export interface DataStoreResource {
  readonly id: string;
  readonly source: SourceRef;
  readonly kind: 'rds-instance' | 'rds-cluster' | 'redshift-cluster' | 'redshift-serverless-workgroup' | 'msk-cluster' | 'docdb-cluster';
  readonly subnetIds: Fact<string[]>;
  readonly securityGroupIds: Fact<string[]>;
  /** The port the store listens on, when the template says. */
  readonly port?: Fact<number>;
  readonly publiclyAccessible: boolean;
  /**
   * Why `PubliclyAccessible` is unknown, when the template sets it to a value the reader cannot
   * resolve (`publiclyAccessible` is then false, and must not be relied on).
   */
  readonly publiclyAccessibleUnknown?: string;
  /**
   * For a cluster whose members are modelled separately (an RDS cluster's instances), the
   * cluster's model key on each member; unused otherwise.
   */
  readonly clusterId?: string;
  /**
   * The zone a single-AZ store is created in and stays in (an RDS instance's or a Redshift
   * cluster's `AvailabilityZone`, when nothing lets it move): it lives in the subnets of its
   * group in that zone only. Absent: any subnet of its group.
   */
  readonly availabilityZone?: Fact<string>;
  /** When that zone comes from `Fn::GetAZs`: which one it is. */
  readonly symbolicZone?: SymbolicZone;
  /**
   * The DNS name the store's endpoint will have, when AWS documents how it is formed and the
   * templates give every part (a Redshift Serverless workgroup: `<workgroup>.<account>.<region>.
   * redshift-serverless.amazonaws.com`), lower case: a connection may write it as a literal.
   */
  readonly endpointHost?: string;
  /** An MSK cluster's client listeners (`kind: msk-cluster`): the ports its brokers answer on. */
  readonly kafkaListeners?: KafkaListeners;
}

/** A data store the user declared for a connection (construct or facts file). */
export interface DeclaredDataStore {
  readonly source: SourceRef;
  /** The connection (model key) whose store this is. */
  readonly connectionId: string;
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  readonly port?: number;
  /** Set when the declaration names a port the templates cannot resolve (then the port is unknown). */
  readonly portUnresolved?: string;
  /**
   * Every port the store listens on, when it listens on several (an MSK cluster read from the
   * account: one per listener). A connection to a port not among them is refused.
   */
  readonly ports?: number[];
  readonly publiclyAccessible?: boolean;
  /** Set when where Glue reaches the store cannot be told (see FactsDataStore.locationUnknown): why. */
  readonly locationUnknown?: string;
}

export interface JobConnectionRef {
  /** The name as listed by the job (literal, or the resolved name of a Ref). */
  readonly name: Fact<string>;
  /** The connection (model key) when the name resolves to one in the model. */
  readonly connectionId?: string;
  /**
   * What creates the connection when the templates do not define it but a custom resource
   * does (`custom resource Etl/Conn (Custom::AWS)`): the reader cannot see what it creates.
   */
  readonly createdBy?: string;
}

/**
 * What Glue runs in the VPC of a connection: a job, a crawler, a development endpoint or an
 * interactive session. Glue places the ENIs of each the same way.
 */
export type GlueUnitKind = 'job' | 'crawler' | 'dev-endpoint' | 'session';

/** The noun for a unit in messages: `job`, `crawler`, `dev endpoint`, `session`. */
export function unitNoun(kind: GlueUnitKind | undefined): string {
  return kind === 'dev-endpoint' ? 'dev endpoint' : kind ?? 'job';
}

/** A job, or another unit Glue runs with connections (`kind`), planned the same way. */
export interface GlueJob {
  /** Absent: a job. */
  readonly kind?: GlueUnitKind;
  readonly id: string;
  readonly source: SourceRef;
  readonly name: Fact<string>;
  /**
   * `Command.Name`: glueetl, gluestreaming, pythonshell, glueray (`crawler` for a crawler).
   * Unknown when the inputs do not resolve it: then whether the job runs in a VPC at all (a Ray
   * job does not) and how many ENIs a run needs (1 for Python shell) are unknown too.
   */
  readonly command: Fact<string>;
  readonly connections: JobConnectionRef[];
  /** `WorkerType`, when set (unknown when set to a value the inputs do not resolve). */
  readonly workerType?: Fact<string>;
  readonly numberOfWorkers?: Fact<number>;
  readonly maxCapacity?: Fact<number>;
  /**
   * `ExecutionProperty.MaxConcurrentRuns` (1 when not set, Glue's default). Unknown when the
   * inputs do not resolve it: never taken as 1, which would judge concurrent-run capacity toward
   * "fits".
   */
  readonly maxConcurrentRuns: Fact<number>;
  /** `GlueVersion`, when set (pip installs at start are documented for Spark jobs of Glue 2.0 and later). */
  readonly glueVersion?: Fact<string>;
  /**
   * `Command.PythonVersion`, when set: for a Python shell job, `3.9` is the one on which AWS
   * documents `--additional-python-modules`.
   */
  readonly pythonVersion?: Fact<string>;
  /**
   * The `--additional-python-modules` argument (`NonOverridableArguments`, else `DefaultArguments`),
   * as written: parts known only at deploy time are kept as markers (`{{ref:...}}`, `{{unknown:...}}`),
   * so an `s3://` path built from a bucket's name still reads as one. Unknown when the arguments
   * themselves cannot be resolved (they may set it); absent when the job does not set it.
   */
  readonly additionalPythonModules?: Fact<string>;
  /**
   * The S3 buckets of the templates (`AWS::S3::Bucket`, by model key) whose names the `s3://` paths
   * of `additionalPythonModules` are built from: the stack each is defined in, and that stack's
   * Region when it has one (a bucket is in the Region of the stack that creates it). An S3 gateway
   * endpoint reaches only buckets of its own Region.
   */
  readonly moduleBuckets?: Readonly<Record<string, ModuleBucket>>;
  /**
   * Whether the job's `SecurityConfiguration` uses AWS KMS keys (S3 encryption SSE-KMS, CloudWatch
   * Logs encryption SSE-KMS, job bookmarks encryption CSE-KMS): known, with those settings in words;
   * unknown with why (a security configuration the templates do not define, a mode not resolved).
   * Absent: no security configuration, or one that uses no KMS key.
   */
  readonly kmsUse?: Fact<string>;
  /** `--python-modules-installer-option` (options pip is run with, such as `--index-url`), as written. */
  readonly pythonInstallerOptions?: Fact<string>;
  /**
   * The `--enable-auto-scaling` argument, as written (`true` makes `NumberOfWorkers` the most a run
   * scales to, on Glue 3.0 and later with G or R workers).
   */
  readonly enableAutoScaling?: Fact<string>;
}

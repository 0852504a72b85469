/**
 * Deterministic generator of realistic multi-stack Glue apps for the benchmark.
 *
 * The app is what a data platform team writes with the aws-cdk-lib L2s: network stacks that each
 * hold several VPCs (isolated subnets in two AZs, an S3 gateway endpoint, a self-referencing
 * security group for Glue ENIs and the stores, one RDS PostgreSQL instance), and ETL stacks with
 * Glue jobs whose JDBC connections sit in the subnets of the stores they reach. Each job's first
 * connection is in its home VPC (Glue places the job's ENIs there); a share of its other
 * connections reach stores in a neighbouring VPC, which needs a peering (AUTO_PEER adds it, FAIL
 * reports it). Stores are addressed three ways, in turn: the RDS instance's endpoint (a token, so
 * a cross-stack reference), an IP literal inside the store subnet, and a DNS name declared with
 * `GlueDataStore.declare`.
 *
 * Same shape, same app: no clock, no Math.random, one seeded PRNG.
 */
import { App, Stack, aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_rds as rds, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { GlueDataStore } from '../src/cdk/data-store';

/** What an app is made of. */
export interface AppShape {
  /** VPCs, spread round-robin over the network stacks; at most 16,384 (10.0.0.0/8 in /22 blocks). */
  readonly vpcs: number;
  /** Glue jobs, spread round-robin over the ETL stacks; job j's home VPC is j mod vpcs. */
  readonly jobs: number;
  /** JDBC connections per job, each to its own data store. */
  readonly connectionsPerJob: number;
  /** Stacks that hold VPCs and stores (apart from the ETL stacks). */
  readonly networkStacks: number;
  /** Stacks that hold Glue connections and jobs. */
  readonly etlStacks: number;
  /**
   * Share (0..1) of each job's connections after the first whose store is in another VPC than the
   * job's home VPC (one of the next three VPCs, so peerings stay few per VPC, as in real estates).
   */
  readonly crossVpcShare: number;
  /** Seed of the PRNG that picks cross-VPC connections and their VPCs. */
  readonly seed?: number;
  /**
   * Give each VPC an RDS PostgreSQL instance (subnet group, secret, instance); when false, the
   * stores addressed by endpoint become IP-literal stores. @default true
   */
  readonly rdsStores?: boolean;
  /**
   * A broken app, as on a first synthesis with the guard: the benchmark runs the guard in
   * WARN_ONLY mode on it (it would stop at the first error otherwise) and measures CDK's handling
   * of the guard's thousands of violations apart. @default false
   */
  readonly broken?: boolean;
}

/** Named sizes. `x1`..`x16` double everything (jobs, VPCs, stacks) at each step: the growth series. */
export const SIZES: Record<string, AppShape> = {
  small: { vpcs: 4, jobs: 10, connectionsPerJob: 2, networkStacks: 2, etlStacks: 1, crossVpcShare: 0.25 },
  medium: { vpcs: 40, jobs: 400, connectionsPerJob: 2, networkStacks: 2, etlStacks: 3, crossVpcShare: 0.25 },
  large: { vpcs: 200, jobs: 2000, connectionsPerJob: 2, networkStacks: 6, etlStacks: 14, crossVpcShare: 0.25 },
  x1: { vpcs: 10, jobs: 100, connectionsPerJob: 2, networkStacks: 1, etlStacks: 1, crossVpcShare: 0.25 },
  x2: { vpcs: 20, jobs: 200, connectionsPerJob: 2, networkStacks: 2, etlStacks: 2, crossVpcShare: 0.25 },
  x4: { vpcs: 40, jobs: 400, connectionsPerJob: 2, networkStacks: 4, etlStacks: 4, crossVpcShare: 0.25 },
  x8: { vpcs: 80, jobs: 800, connectionsPerJob: 2, networkStacks: 8, etlStacks: 8, crossVpcShare: 0.25 },
  x16: { vpcs: 160, jobs: 1600, connectionsPerJob: 2, networkStacks: 16, etlStacks: 16, crossVpcShare: 0.25 },
};

/**
 * The broken variant of a size (issue 18): three connections per job, and every connection after
 * the first reaches a store in a neighbouring VPC that nothing peers, so two stores of three are
 * unreachable (2,000 jobs: 4,000 errors, and a failover warning per job).
 */
function broken(shape: AppShape): AppShape {
  return { ...shape, connectionsPerJob: 3, crossVpcShare: 1, broken: true };
}

for (const size of ['large', 'x1', 'x2', 'x4', 'x8']) SIZES[`${size}-broken`] = broken(SIZES[size]);

/** The doubling series, in order. */
export const GROWTH_SERIES = ['x1', 'x2', 'x4', 'x8', 'x16'];

/** The doubling series of the broken app. */
export const BROKEN_GROWTH_SERIES = ['x1-broken', 'x2-broken', 'x4-broken', 'x8-broken'];

/** What was generated, for the report. */
export interface GeneratedApp {
  readonly stacks: Stack[];
  readonly vpcs: number;
  readonly jobs: number;
  readonly connections: number;
  readonly crossVpcConnections: number;
  readonly rdsInstances: number;
}

/** VPC i's CIDR: a distinct /22 of 10.0.0.0/8 (64 per second octet). */
export function vpcCidr(i: number): string {
  if (i < 0 || i >= 16384) throw new Error(`VPC index ${i} out of range (0..16383)`);
  return `10.${Math.floor(i / 64)}.${(i % 64) * 4}.0/22`;
}

/** The address of the IP-literal store of VPC i in its AZ `az` subnet (the /24s are allocated in order). */
function storeAddress(i: number, az: number): string {
  return `10.${Math.floor(i / 64)}.${(i % 64) * 4 + az}.10`;
}

/** Park-Miller minimal standard generator: small, deterministic, exact in doubles. */
function prng(seed: number): () => number {
  let state = (Math.abs(Math.floor(seed)) % 2147483646) + 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

/** One VPC of a network stack, with what the ETL stacks attach to. */
class DataVpc extends Construct {
  readonly vpc: ec2.Vpc;
  readonly glueGroup: ec2.SecurityGroup;
  readonly database?: rds.DatabaseInstance;

  constructor(scope: Construct, id: string, index: number, withDatabase: boolean) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(vpcCidr(index)),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    this.glueGroup = new ec2.SecurityGroup(this, 'GlueGroup', { vpc: this.vpc, description: 'Glue ENIs and the data stores' });
    this.glueGroup.connections.allowInternally(ec2.Port.allTcp(), 'Glue workers talk to each other and to the stores');
    if (withDatabase) {
      this.database = new rds.DatabaseInstance(this, 'Postgres', {
        engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
        vpc: this.vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        securityGroups: [this.glueGroup],
        instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
        storageEncrypted: true,
      });
    }
  }
}

/** Builds the app of `shape` into `app` (no aspect, no plugin: the caller adds those). */
export function generateApp(app: App, shape: AppShape): GeneratedApp {
  const random = prng(shape.seed ?? 20240605);
  const withDatabases = shape.rdsStores ?? true;
  const networkStacks = Array.from({ length: shape.networkStacks }, (_, s) => new Stack(app, `Network${s}`));
  const etlStacks = Array.from({ length: shape.etlStacks }, (_, s) => new Stack(app, `Etl${s}`));
  const vpcs = Array.from({ length: shape.vpcs }, (_, i) => new DataVpc(networkStacks[i % shape.networkStacks], `Data${i}`, i, withDatabases));
  // One job role and one script bucket per ETL stack, as teams share them.
  const etlCommons = etlStacks.map((stack) => ({
    role: new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
    scripts: new s3.Bucket(stack, 'Scripts', { enforceSSL: true }),
  }));

  let connections = 0;
  let crossVpcConnections = 0;
  for (let j = 0; j < shape.jobs; j++) {
    const etlIndex = j % shape.etlStacks;
    const etl = etlStacks[etlIndex];
    const home = j % shape.vpcs;
    const az = j % 2;
    const jobConnections: glue.IConnection[] = [];
    for (let k = 0; k < shape.connectionsPerJob; k++) {
      const cross = k > 0 && shape.vpcs > 1 && random() < shape.crossVpcShare;
      const storeVpcIndex = cross ? (home + 1 + Math.floor(random() * Math.min(3, shape.vpcs - 1))) % shape.vpcs : home;
      if (cross) crossVpcConnections++;
      const store = vpcs[storeVpcIndex];
      const storeAz = k === 0 ? az : (az + k) % 2;
      const subnet = store.vpc.isolatedSubnets[storeAz];
      const kind = (j + k) % 3;
      let url: string;
      if (kind === 0 && store.database) {
        url = `jdbc:postgresql://${store.database.dbInstanceEndpointAddress}:5432/app`;
      } else if (kind === 2) {
        url = `jdbc:postgresql://warehouse-${j}-${k}.db.internal:5432/app`;
      } else {
        url = `jdbc:postgresql://${storeAddress(storeVpcIndex, storeAz)}:5432/app`;
      }
      const connection = new glue.Connection(etl, `Job${j}Conn${k}`, {
        type: glue.ConnectionType.JDBC,
        connectionName: `job-${j}-conn-${k}`,
        network: glue.ConnectionNetwork.subnet(subnet),
        securityGroups: [store.glueGroup],
        properties: { JDBC_CONNECTION_URL: url },
      });
      if (kind === 2) GlueDataStore.declare(connection, { subnets: [subnet], securityGroups: [store.glueGroup], port: 5432 });
      jobConnections.push(connection);
      connections++;
    }
    const { role, scripts } = etlCommons[etlIndex];
    const common = {
      jobName: `job-${j}`,
      role,
      script: glue.Code.fromBucket(scripts, `jobs/job-${j}.py`),
      connections: jobConnections,
    };
    if (j % 4 === 3) {
      new glue.PythonShellJob(etl, `Job${j}`, common);
    } else {
      new glue.PySparkEtlJob(etl, `Job${j}`, { ...common, workerConfiguration: { workerType: glue.WorkerType.G_1X, numberOfWorkers: 4 } });
    }
  }
  return {
    stacks: [...networkStacks, ...etlStacks],
    vpcs: shape.vpcs,
    jobs: shape.jobs,
    connections,
    crossVpcConnections,
    rdsInstances: withDatabases ? shape.vpcs : 0,
  };
}

/**
 * The seed's case built with `GlueJobNetwork`: one Glue job reads a Redshift cluster (VPC A), a
 * MySQL instance (VPC B) and a PostgreSQL instance (VPC C). The construct places the job's ENIs
 * in VPC A across two Availability Zones, peers A with B and C (routes on both sides, for the
 * subnets that need them), admits the Glue security group on each store's port only, and orders
 * the connections so that Glue's selection (and its fallback when a zone fails) lands in VPC A.
 *
 *   npx cdk synth --app 'npx ts-node --prefer-ts-exts examples/seed-glue-job-network.ts'
 *
 * The guard runs in fail mode: the app synthesizes only if every store is reachable, in the
 * main case and after any single-zone failure. `npx glue-netplan cdk.out` agrees (exit 0).
 */
import { App, AspectPriority, Aspects, Stack, StackProps, aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_rds as rds, aws_redshift as redshift, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { seedVpc } from './seed-network';
import { GlueJobNetwork, GlueNetworkGuard } from '../src';

/** What the network teams own: a VPC with isolated subnets in two zones and an S3 gateway endpoint. */
export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  constructor(scope: Construct, id: string, cidr: string, props?: StackProps) {
    super(scope, id, props);
    this.vpc = seedVpc(this, cidr);
  }
}

export interface SeedGlueJobNetworkApp {
  readonly app: App;
  readonly a: NetworkStack;
  readonly b: NetworkStack;
  readonly c: NetworkStack;
  readonly etl: Stack;
  readonly network: GlueJobNetwork;
  readonly job: glue.PySparkEtlJob;
  /** The guard, unless left out. */
  readonly guard?: GlueNetworkGuard;
}

/** Builds the app (the test calls this too); `guard: false` leaves the guard out. */
export function seedGlueJobNetworkApp(app: App = new App(), options: { guard?: boolean } = {}): SeedGlueJobNetworkApp {
  const a = new NetworkStack(app, 'NetworkA', '10.1.0.0/16');
  const b = new NetworkStack(app, 'NetworkB', '10.2.0.0/16');
  const c = new NetworkStack(app, 'NetworkC', '10.3.0.0/16');
  const isolated = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

  // The data stores, as their owners built them: each with its own security group, no Glue rule.
  const warehouseGroup = new ec2.SecurityGroup(a, 'WarehouseGroup', { vpc: a.vpc, description: 'Redshift', allowAllOutbound: false });
  const warehouse = new redshift.CfnCluster(a, 'Warehouse', {
    clusterType: 'single-node',
    nodeType: 'ra3.large',
    dbName: 'dev',
    masterUsername: 'admin',
    manageMasterPassword: true,
    clusterSubnetGroupName: new redshift.CfnClusterSubnetGroup(a, 'RedshiftSubnets', { description: 'redshift', subnetIds: a.vpc.selectSubnets(isolated).subnetIds }).ref,
    vpcSecurityGroupIds: [warehouseGroup.securityGroupId],
    publiclyAccessible: false,
  });
  const database = (scope: NetworkStack, id: string, engine: rds.IInstanceEngine) => new rds.DatabaseInstance(scope, id, {
    engine,
    vpc: scope.vpc,
    vpcSubnets: isolated,
    // cfn-lint (E3062): PostgreSQL 16.4 is offered from db.t4g.medium up.
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM),
    storageEncrypted: true,
  });
  const mysql = database(b, 'Mysql', rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_39 }));
  const postgres = database(c, 'Postgres', rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }));

  // ---- The Glue job's network, in the ETL stack: the lines a user writes. ----
  const etl = new Stack(app, 'Etl');
  const network = new GlueJobNetwork(etl, 'Network', { vpc: a.vpc });
  network.addRedshiftCluster('Warehouse', warehouse, { vpc: a.vpc });
  network.addDatabaseInstance('Mysql', mysql, { databaseName: 'app' });
  network.addDatabaseInstance('Postgres', postgres, { databaseName: 'app' });
  const job = new glue.PySparkEtlJob(etl, 'LoadWarehouse', {
    jobName: 'load-warehouse',
    role: new iam.Role(etl, 'JobRole', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
    script: glue.Code.fromBucket(new s3.Bucket(etl, 'Scripts'), 'load.py'),
    workerConfiguration: { workerType: glue.WorkerType.G_1X, numberOfWorkers: 4 },
  });
  network.attachTo(job);
  // ---- End of the user's lines. ----

  const guard = options.guard ?? true ? new GlueNetworkGuard() : undefined;
  if (guard) Aspects.of(app).add(guard, { priority: AspectPriority.READONLY });
  return { app, a, b, c, etl, network, job, guard };
}

if (require.main === module) {
  seedGlueJobNetworkApp().app.synth();
}

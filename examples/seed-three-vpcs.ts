/**
 * The seed's case: one Glue job with a Redshift connection (VPC A), a MySQL connection (VPC B)
 * and a PostgreSQL connection (VPC C). Glue places the job's ENIs in the subnet of the first
 * suitable connection only, so MySQL and PostgreSQL are unreachable unless the VPCs are peered.
 *
 *   npx cdk synth --app 'npx ts-node --prefer-ts-exts examples/seed-three-vpcs.ts'
 *
 * Context `variant`:
 * - `fail` (default): the `GlueNetworkGuard` aspect in fail mode: `cdk synth` fails with the
 *   explanation of each unreachable store, on the job's construct;
 * - `auto-peer`: the guard in auto-peer mode adds the peerings, routes and ingress rules, so the
 *   app synthesizes and every store is reachable;
 * - `peered`: the same fix written by hand with `VpcPeering`, checked by the guard in fail mode;
 * - `broken`: no guard at all (for the `glue-netplan` CLI to find the problem in cdk.out).
 */
import { App, AspectPriority, Aspects, Stack, aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_rds as rds, aws_redshift as redshift, aws_s3 as s3 } from 'aws-cdk-lib';
import { NetworkStack } from './seed-network';
import { GlueNetworkGuard, GuardMode, VpcPeering } from '../src';

const app = new App();
const variant: string = app.node.tryGetContext('variant') ?? 'fail';
if (!['fail', 'auto-peer', 'peered', 'broken'].includes(variant)) {
  throw new Error(`unknown variant '${variant}': use fail, auto-peer, peered or broken`);
}

// Three VPCs with isolated subnets and an S3 gateway endpoint, each with a self-referencing Glue
// group (examples/seed-network.ts).
const a = new NetworkStack(app, 'NetworkA', '10.1.0.0/16');
const b = new NetworkStack(app, 'NetworkB', '10.2.0.0/16');
const c = new NetworkStack(app, 'NetworkC', '10.3.0.0/16');

const etl = new Stack(app, 'Etl');
const isolated = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

// Redshift in VPC A (no stable L2 in aws-cdk-lib: the L1).
const redshiftSubnets = new redshift.CfnClusterSubnetGroup(a, 'RedshiftSubnets', { description: 'redshift', subnetIds: a.vpc.selectSubnets(isolated).subnetIds });
const warehouse = new redshift.CfnCluster(a, 'Warehouse', {
  clusterType: 'single-node',
  nodeType: 'ra3.large',
  dbName: 'dev',
  masterUsername: 'admin',
  manageMasterPassword: true,
  clusterSubnetGroupName: redshiftSubnets.ref,
  vpcSecurityGroupIds: [a.glueGroup.securityGroupId],
  publiclyAccessible: false,
});

// MySQL in VPC B, PostgreSQL in VPC C.
const mysql = new rds.DatabaseInstance(b, 'Mysql', {
  engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_39 }),
  vpc: b.vpc,
  vpcSubnets: isolated,
  securityGroups: [b.glueGroup],
  instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
  storageEncrypted: true,
});
const postgres = new rds.DatabaseInstance(c, 'Postgres', {
  engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
  vpc: c.vpc,
  vpcSubnets: isolated,
  securityGroups: [c.glueGroup],
  // cfn-lint (E3062): PostgreSQL 16.4 is offered from db.t4g.medium up.
  instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM),
  storageEncrypted: true,
});

function connection(id: string, net: NetworkStack, url: string): glue.Connection {
  return new glue.Connection(etl, id, {
    type: glue.ConnectionType.JDBC,
    network: glue.ConnectionNetwork.subnet(net.vpc.isolatedSubnets[0]),
    securityGroups: [net.glueGroup],
    properties: { JDBC_CONNECTION_URL: url },
  });
}

const redshiftConnection = connection('RedshiftConnection', a, `jdbc:redshift://${warehouse.attrEndpointAddress}:5439/dev`);
const mysqlConnection = connection('MysqlConnection', b, `jdbc:mysql://${mysql.dbInstanceEndpointAddress}:3306/app`);
const postgresConnection = connection('PostgresConnection', c, `jdbc:postgresql://${postgres.dbInstanceEndpointAddress}:5432/app`);

// A NETWORK connection in A's second AZ: if the first AZ fails, Glue falls over to it.
const standby = new glue.Connection(etl, 'StandbyNetwork', {
  type: glue.ConnectionType.NETWORK,
  network: glue.ConnectionNetwork.subnet(a.vpc.isolatedSubnets[1]),
  securityGroups: [a.glueGroup],
});

const scripts = new s3.Bucket(etl, 'Scripts');
new glue.PySparkEtlJob(etl, 'LoadWarehouse', {
  jobName: 'load-warehouse',
  role: new iam.Role(etl, 'JobRole', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
  script: glue.Code.fromBucket(scripts, 'load.py'),
  connections: [redshiftConnection, mysqlConnection, postgresConnection, standby],
  workerConfiguration: { workerType: glue.WorkerType.G_1X, numberOfWorkers: 4 },
});

if (variant === 'peered') {
  // Peerings live in the ETL stack, which already depends on the three network stacks: no cycle.
  for (const [id, store, port] of [['PeerAB', b, 3306], ['PeerAC', c, 5432]] as const) {
    const peering = new VpcPeering(etl, id, { requesterVpc: a.vpc, accepterVpc: store.vpc });
    peering.allowFromRequester(store.glueGroup, ec2.Port.tcp(port), { source: a.glueGroup });
  }
}

if (variant === 'fail' || variant === 'peered') {
  Aspects.of(app).add(new GlueNetworkGuard(), { priority: AspectPriority.READONLY });
} else if (variant === 'auto-peer') {
  Aspects.of(app).add(new GlueNetworkGuard({ mode: GuardMode.AUTO_PEER }), { priority: AspectPriority.READONLY });
}

app.synth();

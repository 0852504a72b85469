import { App, AppProps, Stack, Stage, aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_rds as rds, aws_redshift as redshift, aws_s3 as s3 } from 'aws-cdk-lib';
import { NetworkStack } from '../../examples/seed-network';

/** The examples' network stack: a VPC with isolated subnets in two AZs, an S3 gateway endpoint and a self-referencing Glue group. */
export { NetworkStack };

export interface SeedApp {
  readonly app: App;
  readonly a: NetworkStack;
  readonly b: NetworkStack;
  readonly c: NetworkStack;
  readonly etl: Stack;
  readonly job: glue.PySparkEtlJob;
  readonly connections: glue.Connection[];
}

export interface SeedOptions {
  readonly appProps?: AppProps;
  /** CIDR of VPC B (to make it overlap A). */
  readonly cidrB?: string;
  /** Put each connection in the VPC's second subnet too (a NETWORK connection per AZ). */
  readonly secondAz?: boolean;
}

/** The seed's case: a job with Redshift (A), MySQL (B) and PostgreSQL (C) connections; the job in stack Etl. */
export function seedApp(options: SeedOptions = {}): SeedApp {
  const app = new App(options.appProps);
  const a = new NetworkStack(app, 'NetworkA', '10.1.0.0/16');
  const b = new NetworkStack(app, 'NetworkB', options.cidrB ?? '10.2.0.0/16');
  const c = new NetworkStack(app, 'NetworkC', '10.3.0.0/16');
  const etl = new Stack(app, 'Etl');
  const isolated = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
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
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
    storageEncrypted: true,
  });
  const connection = (id: string, net: NetworkStack, url: string) => new glue.Connection(etl, id, {
    type: glue.ConnectionType.JDBC,
    network: glue.ConnectionNetwork.subnet(net.vpc.isolatedSubnets[0]),
    securityGroups: [net.glueGroup],
    properties: { JDBC_CONNECTION_URL: url },
  });
  const connections = [
    connection('RedshiftConnection', a, `jdbc:redshift://${warehouse.attrEndpointAddress}:5439/dev`),
    connection('MysqlConnection', b, `jdbc:mysql://${mysql.dbInstanceEndpointAddress}:3306/app`),
    connection('PostgresConnection', c, `jdbc:postgresql://${postgres.dbInstanceEndpointAddress}:5432/app`),
  ];
  if (options.secondAz) {
    connections.push(new glue.Connection(etl, 'NetworkA2', {
      type: glue.ConnectionType.NETWORK,
      network: glue.ConnectionNetwork.subnet(a.vpc.isolatedSubnets[1]),
      securityGroups: [a.glueGroup],
    }));
  }
  const scripts = new s3.Bucket(etl, 'Scripts');
  const job = new glue.PySparkEtlJob(etl, 'LoadWarehouse', {
    jobName: 'load-warehouse',
    role: new iam.Role(etl, 'JobRole', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
    script: glue.Code.fromBucket(scripts, 'load.py'),
    connections,
    workerConfiguration: { workerType: glue.WorkerType.G_1X, numberOfWorkers: 4 },
  });
  return { app, a, b, c, etl, job, connections };
}

/** A job in stack `Etl` of the stage whose two JDBC connections sit in unpeered VPCs NetA and NetB of the stage. */
export function stagedJob(stage: Stage): { a: NetworkStack; b: NetworkStack; etl: Stack } {
  const a = new NetworkStack(stage, 'NetA', '10.1.0.0/16');
  const b = new NetworkStack(stage, 'NetB', '10.2.0.0/16');
  const etl = new Stack(stage, 'Etl');
  const conn = (id: string, net: NetworkStack, ip: string) => new glue.Connection(etl, id, {
    type: glue.ConnectionType.JDBC,
    network: glue.ConnectionNetwork.subnet(net.vpc.isolatedSubnets[0]),
    securityGroups: [net.glueGroup],
    properties: { JDBC_CONNECTION_URL: `jdbc:mysql://${ip}:3306/x` },
  });
  new glue.PythonShellJob(etl, 'Job', {
    role: new iam.Role(etl, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
    script: glue.Code.fromBucket(new s3.Bucket(etl, 'B'), 'a.py'),
    connections: [conn('ConnA', a, '10.1.0.10'), conn('ConnB', b, '10.2.0.10')],
  });
  return { a, b, etl };
}

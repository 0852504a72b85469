/**
 * Jobs with auto scaling (`--enable-auto-scaling` true, Glue 3.0 and later, G or R workers): a run
 * starts with the workers it needs and adds workers up to NumberOfWorkers (AWS Glue, "Using auto
 * scaling for AWS Glue"), so a subnet with fewer free addresses than NumberOfWorkers needs does not
 * make every run fail at ENI creation. Built as a user writes it, checked through the three doors.
 */
import { App, CfnParameter, Stack, aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_rds as rds, aws_s3 as s3 } from 'aws-cdk-lib';
import { allDoors, expectDoorsAgree } from '../doors';

function app(options: { args?: Record<string, string>; glueVersion?: glue.GlueVersion; workerTypeParameter?: boolean; noGlueVersion?: boolean }) {
  return (a: App) => {
    const stack = new Stack(a, 'Etl', { env: { account: '111111111111', region: 'us-east-1' } });
    // /27 subnets: 27 addresses Glue can use; 40 G.1X workers need 42.
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 27 }],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    const group = new ec2.SecurityGroup(stack, 'GlueGroup', { vpc, description: 'Glue ENIs and the database' });
    group.connections.allowInternally(ec2.Port.allTcp(), 'Glue workers talk to each other');
    const db = new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [group],
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
      storageEncrypted: true,
    });
    const connection = new glue.Connection(stack, 'Orders', {
      type: glue.ConnectionType.JDBC,
      network: glue.ConnectionNetwork.subnet(vpc.isolatedSubnets[0]),
      securityGroups: [group],
      properties: { JDBC_CONNECTION_URL: `jdbc:postgresql://${db.dbInstanceEndpointAddress}:5432/orders` },
    });
    const job = new glue.PySparkEtlJob(stack, 'Load', {
      jobName: 'load',
      role: new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
      script: glue.Code.fromBucket(new s3.Bucket(stack, 'Scripts'), 'load.py'),
      connections: [connection],
      workerConfiguration: { workerType: glue.WorkerType.G_1X, numberOfWorkers: 40 },
      ...options.glueVersion ? { glueVersion: options.glueVersion } : {},
      ...options.args ? { defaultArguments: options.args } : {},
    });
    if (options.noGlueVersion) (job.node.defaultChild as glue.CfnJob).addPropertyDeletionOverride('GlueVersion');
    if (options.workerTypeParameter) {
      // The worker type chosen at deploy time (a parameter without a default).
      (job.node.defaultChild as glue.CfnJob).addPropertyOverride('WorkerType', new CfnParameter(stack, 'WorkerType').valueAsString);
    }
  };
}

describe('auto scaling: NumberOfWorkers is the most a run scales to', () => {
  test('without auto scaling, 40 G.1X workers in a /27: GNP-SUBNET-TOO-SMALL, the store UNREACHABLE (as before)', () => {
    const answers = allDoors(app({}));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain('GNP-SUBNET-TOO-SMALL:error');
    expect(answers.cli.stores.length).toBeGreaterThan(0);
    expect(answers.cli.stores.every((s) => s.endsWith('UNREACHABLE'))).toBe(true);
  });

  test('with --enable-auto-scaling true on Glue 4.0: no error; GNP-SUBNET-CAPACITY-UNKNOWN saying why, the store UNKNOWN', () => {
    const answers = allDoors(app({ args: { '--enable-auto-scaling': 'true' } }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).not.toContain('GNP-SUBNET-TOO-SMALL:error');
    expect(answers.cli.findings).toContain('GNP-SUBNET-CAPACITY-UNKNOWN:warning');
    expect(answers.cli.findings.filter((f) => f.endsWith(':error'))).toEqual([]);
    expect(answers.cli.stores.length).toBeGreaterThan(0);
    expect(answers.cli.stores.every((s) => s.endsWith('UNKNOWN'))).toBe(true);
    const message = answers.cli.messages.find((m) => /auto scaling is on/.test(m));
    expect(message).toMatch(/adds workers up to NumberOfWorkers \(40\)/);
    expect(message).toMatch(/not documented/);
  });

  test('with auto scaling and a WorkerType known only at deploy time (a parameter): not GNP-SUBNET-TOO-SMALL (a G worker type starts with fewer workers), GNP-SUBNET-CAPACITY-UNKNOWN naming both', () => {
    const answers = allDoors(app({ args: { '--enable-auto-scaling': 'true' }, workerTypeParameter: true }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).not.toContain('GNP-SUBNET-TOO-SMALL:error');
    expect(answers.cli.findings).toContain('GNP-SUBNET-CAPACITY-UNKNOWN:warning');
    expect(answers.cli.stores.length).toBeGreaterThan(0);
    expect(answers.cli.stores.every((s) => s.endsWith('UNKNOWN'))).toBe(true);
    const message = answers.cli.messages.find((m) => /WorkerType is unknown/.test(m));
    expect(message).toMatch(/if it is not Standard, auto scaling is on/);
    // Without auto scaling, 41 or 42 ENIs in 27 addresses: the error, as before.
    expect(allDoors(app({ workerTypeParameter: true })).cli.findings).toContain('GNP-SUBNET-TOO-SMALL:error');
  });

  test('with auto scaling and no GlueVersion (the API names 0.9, end of life since April 2026, so the version is not documented): GNP-SUBNET-CAPACITY-UNKNOWN, not the error', () => {
    const answers = allDoors(app({ args: { '--enable-auto-scaling': 'true' }, noGlueVersion: true }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).not.toContain('GNP-SUBNET-TOO-SMALL:error');
    expect(answers.cli.findings).toContain('GNP-SUBNET-CAPACITY-UNKNOWN:warning');
    expect(answers.cli.messages.join('\n')).toMatch(/GlueVersion is unknown \(the job gives none/);
  });

  test('auto scaling asked for on Glue 2.0, which does not have it: GNP-SUBNET-TOO-SMALL', () => {
    const answers = allDoors(app({ args: { '--enable-auto-scaling': 'true' }, glueVersion: glue.GlueVersion.V2_0 }));
    expect(answers.cli.findings).toContain('GNP-SUBNET-TOO-SMALL:error');
    expect(answers.plugin.findings).toContain('GNP-SUBNET-TOO-SMALL:error');
  });
});

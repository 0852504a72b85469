import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, CustomResource, Stack, aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_s3 as s3, custom_resources as cr } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { runCli } from '../../src/cli/run';
import { buildPlan, Finding } from '../../src/engine';
import { buildModel, FactsDocument } from '../../src/ingest';

/*
 * What the reader cannot read is said, with a fix the user can follow: a Glue connection created
 * by a custom resource, an input with nothing Glue in it.
 */

/** A Glue connection created through the Glue API by CDK's AwsCustomResource, and a job listing it by name. */
function awsCustomResourceApp(): Stack {
  const app = new App();
  const stack = new Stack(app, 'Etl', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  new cr.AwsCustomResource(stack, 'WarehouseConnection', {
    onCreate: {
      service: 'Glue',
      action: 'createConnection',
      parameters: {
        ConnectionInput: {
          Name: 'warehouse',
          ConnectionType: 'JDBC',
          ConnectionProperties: { JDBC_CONNECTION_URL: 'jdbc:postgresql://10.0.0.10:5432/dw', SECRET_ID: 'warehouse' },
          PhysicalConnectionRequirements: { SubnetId: vpc.isolatedSubnets[0].subnetId },
        },
      },
      physicalResourceId: cr.PhysicalResourceId.of('warehouse'),
    },
    policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
    installLatestAwsSdk: false,
  });
  new glue.PythonShellJob(stack, 'Load', {
    jobName: 'load',
    role: new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
    script: glue.Code.fromBucket(new s3.Bucket(stack, 'Scripts'), 'load.py'),
    connections: [glue.Connection.fromConnectionName(stack, 'Warehouse', 'warehouse')],
  });
  return stack;
}

/** A Custom::GlueConnection backed by a Lambda provider, and a job listing its Ref. */
function providerApp(): Stack {
  const app = new App();
  const stack = new Stack(app, 'Etl', { env: { account: '111111111111', region: 'us-east-1' } });
  const connection = new CustomResource(stack, 'Warehouse', {
    serviceToken: 'arn:aws:lambda:us-east-1:111111111111:function:glue-connection-provider',
    resourceType: 'Custom::GlueConnection',
    properties: { ConnectionName: 'warehouse', SubnetId: 'subnet-0abc', JdbcUrl: 'jdbc:postgresql://10.50.1.10:5432/dw' },
  });
  new glue.CfnJob(stack, 'Load', {
    name: 'load',
    role: 'arn:aws:iam::111111111111:role/glue',
    command: { name: 'glueetl', scriptLocation: 's3://scripts/load.py' },
    connections: { connections: [connection.ref] },
  });
  return stack;
}

function plan(stack: Stack, facts?: FactsDocument) {
  return buildPlan(buildModel([{ stackName: 'Etl', template: Template.fromStack(stack).toJSON(), region: 'us-east-1', account: '111111111111' }], facts));
}

const unresolvedConnections = (findings: Finding[]) => findings.filter((f) => f.ruleId === 'GNP-CONNECTION-UNRESOLVED');

describe('a Glue connection created by a custom resource', () => {
  test('listed by name (AwsCustomResource calling glue:CreateConnection): named as created by the custom resource, with the fix', () => {
    const [job] = plan(awsCustomResourceApp()).jobs;
    expect(unresolvedConnections(job.findings)).toEqual([expect.objectContaining({
      message: expect.stringMatching(/^Job load lists connection warehouse, created by custom resource Etl\/WarehouseConnection\w+ \(Custom::AWS\): glue-netplan cannot see what a custom resource creates/),
      fix: 'Declare the connection as an AWS::Glue::Connection (glue.Connection in CDK), or describe it by its name (warehouse) under connections[] in a --facts file.',
    })]);
  });

  test('listed by Ref (Custom::GlueConnection): named as created by the custom resource, no unresolved-value noise', () => {
    const planned = plan(providerApp());
    expect(unresolvedConnections(planned.jobs[0].findings)).toEqual([expect.objectContaining({
      message: expect.stringContaining('Job load lists connection warehouse, created by custom resource Etl/Warehouse (Custom::GlueConnection)'),
    })]);
    expect(planned.findings.filter((f) => f.ruleId === 'GNP-INPUT-UNRESOLVED')).toEqual([]);
  });

  test('following the fix (the connection described by its name in facts) plans the job', () => {
    const facts: FactsDocument = {
      vpcs: [{ id: 'vpc-0data', cidrBlocks: ['10.50.0.0/16'], region: 'us-east-1', account: '111111111111', enableDnsSupport: true, enableDnsHostnames: true, mainRouteTableId: 'rtb-0main' }],
      subnets: [{ id: 'subnet-0abc', vpcId: 'vpc-0data', cidr: '10.50.1.0/24', availabilityZone: 'us-east-1a' }],
      routeTables: [{ id: 'rtb-0main', vpcId: 'vpc-0data', routes: [] }],
      gatewayEndpoints: [{ id: 'vpce-0s3', vpcId: 'vpc-0data', service: 's3', routeTableIds: ['rtb-0main'] }],
      securityGroups: [{ id: 'sg-0glue', vpcId: 'vpc-0data', ingress: [{ protocol: 'tcp', fromPort: 0, toPort: 65535, securityGroupId: 'sg-0glue' }], egress: [{ protocol: '-1', cidr: '0.0.0.0/0' }] }],
      connections: [{ name: 'warehouse', connectionType: 'JDBC', subnetId: 'subnet-0abc', securityGroupIds: ['sg-0glue'], address: 'jdbc:postgresql://10.50.1.10:5432/dw' }],
    } as FactsDocument;
    for (const stack of [awsCustomResourceApp(), providerApp()]) {
      const [job] = plan(stack, facts).jobs;
      expect(unresolvedConnections(job.findings)).toEqual([]);
      expect(job.dataStores.map((s) => s.verdict)).toEqual(['REACHABLE']);
    }
  });
});

describe('an input with no Glue job, crawler or connection', () => {
  function run(argv: string[], cwd: string) {
    let stdout = '';
    let stderr = '';
    const code = runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd });
    return { code, stdout, stderr };
  }

  test('exits 0 with one line that says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-nothing-'));
    writeFileSync(join(dir, 'web.json'), JSON.stringify({ Resources: { Site: { Type: 'AWS::S3::Bucket' } } }));
    const { code, stdout, stderr } = run(['web.json'], dir);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe('No Glue job, crawler or connection in web.json: nothing to check.\n');
  });

  test('connections without a job: one line that says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-nothing-'));
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify({
      Resources: { Conn: { Type: 'AWS::Glue::Connection', Properties: { ConnectionInput: { Name: 'c', ConnectionType: 'JDBC', ConnectionProperties: { JDBC_CONNECTION_URL: 'jdbc:mysql://h:3306/x' } } } } },
    }));
    const { code, stdout } = run(['catalog.json'], dir);
    expect(code).toBe(0);
    expect(stdout).toBe('No Glue job or crawler in catalog.json (1 connection, used by none): nothing to check.\n');
  });

  test('what was skipped is still reported, not hidden behind the one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-nothing-'));
    writeFileSync(join(dir, 'parent.json'), JSON.stringify({
      Resources: { Etl: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'https://s3.amazonaws.com/b/etl.json' } } },
    }));
    const { code, stdout } = run(['parent.json'], dir);
    expect(code).toBe(0);
    expect(stdout).toContain('GNP-INPUT-NOT-READ');
  });
});

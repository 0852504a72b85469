import { mkdtempSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  App, Aspects, NestedStack, Stack, Validations, aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_rds as rds, aws_s3 as s3,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { seedNetwork } from '../../examples/seed-network';
import { GlueNetworkGuard, GuardReporting } from '../../src/cdk/guard';
import { GlueNetworkValidationPlugin } from '../../src/cdk/validation-plugin';
import { planFromFiles } from '../../src/cli/run';
import { buildPlan } from '../../src/engine';
import { buildModel, loadInputs } from '../../src/ingest';
import { toJson } from '../../src/report';
import { withoutCdkTemplateCheck } from '../cdk/quiet-cdk';

// CDK's own template check warns of the fixtures' literal ids and zones: not what these tests check.
withoutCdkTemplateCheck();

/*
 * One app, built twice the way CDK users write it: the network and the ETL as top-level stacks
 * (references become exports and imports), or as NestedStacks of one parent (references become
 * parameters of one nested stack filled from the parent's Fn::GetAtt of the other's outputs).
 * Deploying either gives the same network, so the plans must be the same.
 */

const ENV = { account: '111111111111', region: 'us-east-1' };

function etlApp(options: { nested: boolean; outdir: string; assetMetadata?: boolean; pathMetadata?: boolean; guard?: GlueNetworkGuard; plugin?: boolean }): App {
  const app = new App({
    outdir: options.outdir,
    context: {
      'aws:cdk:enable-asset-metadata': options.assetMetadata ?? true,
      // As `cdk synth` writes them: the CLI names elements by construct path, as the guard does.
      'aws:cdk:enable-path-metadata': options.pathMetadata ?? true,
      'availability-zones:account=111111111111:region=us-east-1': ['us-east-1a', 'us-east-1b'],
    },
  });
  if (options.plugin) Validations.of(app).addPlugins(new GlueNetworkValidationPlugin({ failover: false }));
  let networkScope: Construct;
  let storeScope: Construct;
  let etlScope: Construct;
  if (options.nested) {
    const parent = new Stack(app, 'Platform', { env: ENV });
    networkScope = new NestedStack(parent, 'NetworkA');
    storeScope = new NestedStack(parent, 'NetworkB');
    etlScope = new NestedStack(parent, 'Etl');
  } else {
    networkScope = new Stack(app, 'NetworkA', { env: ENV });
    storeScope = new Stack(app, 'NetworkB', { env: ENV });
    etlScope = new Stack(app, 'Etl', { env: ENV });
  }
  // VPC A holds the job's first connection; VPC B, not peered with A, holds the MySQL store.
  const a = seedNetwork(new Construct(networkScope, 'Net'), '10.1.0.0/16');
  const b = seedNetwork(new Construct(storeScope, 'Net'), '10.2.0.0/16');
  const mysql = new rds.DatabaseInstance(storeScope, 'Mysql', {
    engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_39 }),
    vpc: b.vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    securityGroups: [b.glueGroup],
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
    storageEncrypted: true,
  });
  const network = new glue.Connection(etlScope, 'NetworkA', {
    type: glue.ConnectionType.NETWORK,
    network: glue.ConnectionNetwork.subnet(a.vpc.isolatedSubnets[0]),
    securityGroups: [a.glueGroup],
  });
  const store = new glue.Connection(etlScope, 'Mysql', {
    type: glue.ConnectionType.JDBC,
    network: glue.ConnectionNetwork.subnet(b.vpc.isolatedSubnets[0]),
    securityGroups: [b.glueGroup],
    properties: { JDBC_CONNECTION_URL: `jdbc:mysql://${mysql.dbInstanceEndpointAddress}:3306/app` },
  });
  new glue.PySparkEtlJob(etlScope, 'Load', {
    jobName: 'load',
    role: new iam.Role(etlScope, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
    script: glue.Code.fromBucket(new s3.Bucket(etlScope, 'Scripts'), 'load.py'),
    connections: [network, store],
  });
  if (options.guard) Aspects.of(app).add(options.guard);
  return app;
}

function synthesized(nested: boolean, assetMetadata = true): string {
  const outdir = mkdtempSync(join(tmpdir(), 'glue-netplan-nested-'));
  etlApp({ nested, outdir, assetMetadata }).synth();
  return outdir;
}

/**
 * The plan as JSON, with each nested stack named like its top-level twin and file names left
 * out: what differs between the two apps by construction, not by what is planned.
 */
function comparable(planJson: unknown): unknown {
  const text = JSON.stringify(planJson, (key, value) => (key === 'file' || key === 'constructPath' ? undefined : value));
  return JSON.parse(text
    .replace(/Platform\/(NetworkA|NetworkB|Etl)NestedStack\1NestedStackResource[0-9A-F]{8}/g, '$1')
    .replace(/"stack":"Platform\/(NetworkA|NetworkB|Etl)"/g, '"stack":"$1"')
    // Construct paths in messages: the nested stack's under its parent.
    .replace(/Platform\/(NetworkA|NetworkB|Etl)\//g, '$1/'));
}

const cliPlan = (dir: string) => toJson(planFromFiles({ paths: [dir], azDown: [], failover: false, format: 'json' }, '/'));

describe('nested stacks: an app split into NestedStacks is planned as the same app split into stacks', () => {
  const flat = comparable(cliPlan(synthesized(false)));

  test('the flat app: the job selects VPC A, and the MySQL store in unpeered VPC B is UNREACHABLE', () => {
    expect(flat).toMatchObject({ jobs: [{ name: 'load', dataStores: [{ verdict: 'UNREACHABLE', store: { stack: 'NetworkB' } }] }] });
  });

  test('the CLI, over cdk.out with asset metadata', () => {
    expect(comparable(cliPlan(synthesized(true)))).toEqual(flat);
  });

  test('the CLI, over cdk.out synthesized with --no-asset-metadata (the asset manifest names the templates)', () => {
    expect(comparable(cliPlan(synthesized(true, false)))).toEqual(flat);
  });

  test.each([GuardReporting.VALIDATION_REPORT, GuardReporting.ANNOTATIONS])('the guard (%s)', (reporting) => {
    const guard = new GlueNetworkGuard({ reporting, failover: false, planFileName: '', reportFileName: '' });
    const app = etlApp({ nested: true, outdir: mkdtempSync(join(tmpdir(), 'glue-netplan-nested-')), guard });
    try {
      app.synth();
    } catch {
      // The UNREACHABLE store fails the validation report; the plan is what is compared.
    }
    expect(comparable(JSON.parse(guard.lastPlanJson!))).toEqual(flat);
  });

  test('the validation plugin reports the store of the nested app as unreachable, on the nested ETL template', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'glue-netplan-nested-'));
    expect(() => etlApp({ nested: true, outdir, plugin: true }).synth()).toThrow(/GNP-STORE-UNREACHABLE/);
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf-8'));
    const violations = report.pluginReports[0].violations;
    const unreachable = violations.find((v: any) => v.ruleName === 'GNP-STORE-UNREACHABLE');
    expect(unreachable.violatingConstructs[0]).toMatchObject({
      constructPath: 'Platform/Etl/Load/Resource',
      cloudFormationResource: { templatePath: expect.stringMatching(/^PlatformEtl\w+\.nested\.template\.json$/) },
    });
    expect(JSON.stringify(violations)).not.toMatch(/subnet Platform\/NetworkA/);
  });
});

describe('nested stacks whose template cannot be found', () => {
  test('an S3 TemplateURL in a hand-written parent is a GNP-INPUT-NOT-READ warning naming the stack, never a subnet', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-nested-'));
    const parent = join(dir, 'parent.yaml');
    writeFileSync(parent, [
      'Resources:',
      '  Network:',
      '    Type: AWS::CloudFormation::Stack',
      '    Properties:',
      '      TemplateURL: https://s3.amazonaws.com/my-bucket/network.yaml',
      '  Conn:',
      '    Type: AWS::Glue::Connection',
      '    Properties:',
      '      CatalogId: !Ref AWS::AccountId',
      '      ConnectionInput:',
      '        Name: conn',
      '        ConnectionType: JDBC',
      '        ConnectionProperties: { JDBC_CONNECTION_URL: "jdbc:mysql://10.0.0.5:3306/x" }',
      '        PhysicalConnectionRequirements:',
      '          SubnetId: !GetAtt Network.Outputs.SubnetId',
      '          SecurityGroupIdList: [!GetAtt Network.Outputs.GroupId]',
      '  Job:',
      '    Type: AWS::Glue::Job',
      '    Properties: { Name: load, Role: r, Command: { Name: glueetl }, Connections: { Connections: [!Ref Conn] } }',
    ].join('\n'));
    const plan = buildPlan(buildModel(loadInputs([parent])));
    const notRead = plan.findings.filter((f) => f.ruleId === 'GNP-INPUT-NOT-READ');
    expect(notRead).toEqual([expect.objectContaining({
      source: expect.objectContaining({ stack: 'parent', logicalId: 'Network' }),
      message: expect.stringContaining('Nested stack parent/Network (AWS::CloudFormation::Stack) was not read: its TemplateURL https://s3.amazonaws.com/my-bucket/network.yaml is a URL'),
      fix: expect.stringContaining('local path'),
    })]);
    expect(plan.jobs[0].dataStores[0].verdict).toBe('UNKNOWN');
    expect(JSON.stringify(toJson(plan))).not.toMatch(/subnet parent\/Network\b/);
  });

  test('a hand-written parent that builds the S3 TemplateURL with !Sub gets the same warning and fix, not cdk.out advice', () => {
    // The shape of public samples that keep the child templates in a bucket given as a parameter.
    const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-nested-'));
    const parent = join(dir, 'parent.yaml');
    writeFileSync(parent, [
      'Parameters:',
      '  Bucket: { Type: String, Default: my-bucket }',
      'Resources:',
      '  Network:',
      '    Type: AWS::CloudFormation::Stack',
      '    Properties:',
      '      TemplateURL: !Sub https://${Bucket}.s3.amazonaws.com/Templates/vpc.yaml',
      '      Parameters: { VpcCIDR: 10.0.0.0/24 }',
    ].join('\n'));
    const notRead = buildPlan(buildModel(loadInputs([parent]))).findings.filter((f) => f.ruleId === 'GNP-INPUT-NOT-READ');
    expect(notRead).toEqual([expect.objectContaining({
      message: expect.stringContaining('its TemplateURL https://my-bucket.s3.amazonaws.com/Templates/vpc.yaml is a URL'),
      fix: expect.stringContaining('local path'),
    })]);
    expect(notRead[0].message).not.toMatch(/cloud assembly/);
  });

  test('a cdk.out synthesized without path nor asset metadata whose nested template is not named: the cloud assembly advice, not a hand-written parent\'s', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'glue-netplan-nested-'));
    etlApp({ nested: true, outdir, assetMetadata: false, pathMetadata: false }).synth();
    // Without its asset manifest nothing names the nested templates (as an assembly copied without it).
    for (const file of readdirSync(outdir).filter((name) => name.endsWith('.assets.json'))) unlinkSync(join(outdir, file));
    const notRead = buildPlan(buildModel(loadInputs([outdir]))).findings.filter((f) => f.ruleId === 'GNP-INPUT-NOT-READ');
    expect(notRead.length).toBeGreaterThan(0);
    for (const finding of notRead) {
      expect(finding.message).toMatch(/no template file in the cloud assembly is named for it/);
      expect(finding.fix).toMatch(/Synthesize with asset metadata/);
      expect(finding.fix).not.toMatch(/local path/);
    }
  });

  test('a local TemplateURL (as `aws cloudformation package` takes it) is read, and its outputs resolve', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-nested-'));
    writeFileSync(join(dir, 'network.json'), JSON.stringify({
      Resources: {
        Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
        Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' } },
      },
      Outputs: { SubnetId: { Value: { Ref: 'Subnet' } } },
    }));
    const parent = join(dir, 'parent.json');
    writeFileSync(parent, JSON.stringify({
      Resources: {
        Network: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: './network.json' } },
        Conn: {
          Type: 'AWS::Glue::Connection',
          Properties: { ConnectionInput: { Name: 'c', ConnectionType: 'NETWORK', PhysicalConnectionRequirements: { SubnetId: { 'Fn::GetAtt': ['Network', 'Outputs.SubnetId'] } } } },
        },
      },
    }));
    const model = buildModel(loadInputs([parent]));
    expect(model.connections.get('parent/Conn')?.subnetId).toBe('parent/Network/Subnet');
    expect(model.issues).toEqual([]);
  });

  test('a Ref to the nested stack itself where a subnet id belongs is unknown, never a subnet named like the stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-nested-'));
    const parent = join(dir, 'parent.json');
    writeFileSync(parent, JSON.stringify({
      Resources: {
        Network: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'https://s3.amazonaws.com/b/network.json' } },
        Conn: { Type: 'AWS::Glue::Connection', Properties: { ConnectionInput: { Name: 'c', ConnectionType: 'NETWORK', PhysicalConnectionRequirements: { SubnetId: { Ref: 'Network' } } } } },
      },
    }));
    const model = buildModel(loadInputs([parent]));
    expect(model.connections.get('parent/Conn')?.subnetId).toBe('parent/Conn#subnet');
    expect(model.issues.map((i) => i.message)).toContainEqual(expect.stringContaining('refers to nested stack parent/Network itself, not to a resource id'));
  });

  test('an output the nested template does not declare is unknown, naming the stack and the output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-nested-'));
    writeFileSync(join(dir, 'network.json'), JSON.stringify({ Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } } } }));
    const parent = join(dir, 'parent.json');
    writeFileSync(parent, JSON.stringify({
      Resources: {
        Network: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'network.json' } },
        Conn: {
          Type: 'AWS::Glue::Connection',
          Properties: { ConnectionInput: { Name: 'c', ConnectionType: 'NETWORK', PhysicalConnectionRequirements: { SubnetId: { 'Fn::GetAtt': ['Network', 'Outputs.SubnetId'] } } } },
        },
      },
    }));
    const model = buildModel(loadInputs([parent]));
    expect(model.issues.map((i) => i.message)).toEqual([expect.stringContaining('nested stack Network has no output SubnetId')]);
  });
});

describe('a CDK nested stack with no resources', () => {
  // CDK writes its template as {} (no Resources), as it does for a top-level stack with none.
  const emptyNestedApp = (assetMetadata: boolean) => {
    const outdir = mkdtempSync(join(tmpdir(), 'glue-netplan-nested-'));
    const app = new App({ outdir, context: assetMetadata ? {} : { 'aws:cdk:disable-asset-metadata': true } });
    const parent = new Stack(app, 'Parent', { env: ENV });
    new NestedStack(parent, 'Empty');
    new s3.Bucket(parent, 'Bucket');
    app.synth();
    return outdir;
  };

  test.each([true, false])('the CLI over cdk.out reads it as a stack with no resources, as the guard and the plugin do (asset metadata: %s; was: exit 2, not a CloudFormation template)', (assetMetadata) => {
    const outdir = emptyNestedApp(assetMetadata);
    const inputs = loadInputs([outdir]);
    expect(inputs.map((input) => [input.stackName.replace(/[0-9A-F]{8}$/, ''), Object.keys(input.template.Resources).length > 0])).toEqual([
      ['Parent', true],
      [expect.stringMatching(/^Parent\/EmptyNestedStackEmptyNestedStackResource/), false],
    ]);
    expect(planFromFiles({ paths: [outdir], azDown: [], failover: false, format: 'json' }, '/').jobs).toEqual([]);
  });

  test('a hand-written parent\'s nested template without Resources is still refused (CloudFormation requires Resources)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-nested-'));
    writeFileSync(join(dir, 'network.json'), '{}');
    writeFileSync(join(dir, 'parent.json'), JSON.stringify({ Resources: { Network: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'network.json' } } } }));
    expect(() => loadInputs([join(dir, 'parent.json')])).toThrow(/network\.json: not a CloudFormation template \(no "Resources" object\)/);
  });
});

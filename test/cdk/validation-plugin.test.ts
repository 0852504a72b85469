import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  App, Aspects, IPolicyValidationContext, NestedStack, PolicyValidationPluginReport, Stack, Validations,
  aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_rds as rds, aws_s3 as s3,
} from 'aws-cdk-lib';
import { withoutCdkTemplateCheck } from './quiet-cdk';
import { NetworkStack } from '../../examples/seed-network';
import { GlueNetworkGuard } from '../../src/cdk/guard';
import { nestedStackTemplates } from '../../src/cdk/private/cdk-templates';
import { readTemplates } from '../../src/cdk/private/validation-report';
import { GlueNetworkValidationPlugin } from '../../src/cdk/validation-plugin';
import { CliOptions, parseArgs, planFromFiles } from '../../src/cli/run';
import { ALL_RULES, RULES } from '../../src/engine';

// CDK's own template check warns of the fixtures' literal ids and zones: not what these tests check.
withoutCdkTemplateCheck();

const ENV = { account: '111111111111', region: 'us-east-1' };
const JOB_CONNECTIONS = 'Properties.Connections.Connections';

interface GlueAppOptions {
  /** The VPC of the job's connection: `A` is the broken case (MySQL is in the unpeered VPC B), `B` the working one. */
  readonly connectionVpc: 'A' | 'B';
  readonly plugin?: GlueNetworkValidationPlugin;
  /** Put the connection and the job in a nested stack of the ETL stack. */
  readonly nested?: boolean;
}

/** Two network stacks (MySQL in VPC B) and an ETL stack with one job whose one JDBC connection is in `connectionVpc`. */
function glueApp(options: GlueAppOptions) {
  const outdir = mkdtempSync(join(tmpdir(), 'glue-netplan-plugin-'));
  const app = new App({ outdir });
  if (options.plugin) Validations.of(app).addPlugins(options.plugin);
  const a = new NetworkStack(app, 'NetworkA', '10.1.0.0/16', { env: ENV });
  const b = new NetworkStack(app, 'NetworkB', '10.2.0.0/16', { env: ENV });
  const mysql = new rds.DatabaseInstance(b, 'Mysql', {
    engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_39 }),
    vpc: b.vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    securityGroups: [b.glueGroup],
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
  });
  const etl = new Stack(app, 'Etl', { env: ENV });
  const jobStack = options.nested ? new NestedStack(etl, 'Jobs') : etl;
  const network = options.connectionVpc === 'A' ? a : b;
  const connection = new glue.Connection(jobStack, 'MysqlConnection', {
    type: glue.ConnectionType.JDBC,
    network: glue.ConnectionNetwork.subnet(network.vpc.isolatedSubnets[0]),
    securityGroups: [network.glueGroup],
    properties: { JDBC_CONNECTION_URL: `jdbc:mysql://${mysql.dbInstanceEndpointAddress}:3306/app` },
  });
  const job = new glue.PySparkEtlJob(jobStack, 'LoadOrders', {
    jobName: 'load-orders',
    role: new iam.Role(jobStack, 'JobRole', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
    script: glue.Code.fromBucket(new s3.Bucket(jobStack, 'Scripts'), 'load.py'),
    connections: [connection],
    workerConfiguration: { workerType: glue.WorkerType.G_1X, numberOfWorkers: 2 },
  });
  const cfnJob = job.node.findAll().find((c): c is glue.CfnJob => c instanceof glue.CfnJob)!;
  return { app, outdir, etl, jobStack, jobLogicalId: Stack.of(cfnJob).getLogicalId(cfnJob), jobPath: cfnJob.node.path };
}

/** What CDK gives a plugin: the synthesized templates of the app's stacks. */
function contextOf(app: App): IPolicyValidationContext {
  const stacks = app.synth().stacks;
  return {
    templatePaths: stacks.map((s) => s.templateFullPath),
    stackTemplates: stacks.map((s) => ({ stackConstructPath: s.hierarchicalId, templatePath: s.templateFullPath, accountId: ENV.account, region: ENV.region })),
    appConstruct: app,
  };
}

function templateOf(context: IPolicyValidationContext, stackName: string): string {
  const path = context.templatePaths.find((p) => p.endsWith(`/${stackName}.template.json`));
  if (!path) throw new Error(`no template for ${stackName} in ${context.templatePaths.join(', ')}`);
  return path;
}

function ruleNames(report: PolicyValidationPluginReport): [string, string | undefined][] {
  return report.violations.map((v) => [v.ruleName, v.severity]);
}

function violationOf(report: PolicyValidationPluginReport, ruleId: string) {
  const found = report.violations.filter((v) => v.ruleName === ruleId);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('the plugin itself', () => {
  test('is named cdk-glue-netplan, carries the package version and announces every rule of the catalogue', () => {
    const plugin = new GlueNetworkValidationPlugin();
    expect(plugin.name).toBe('cdk-glue-netplan');
    expect(plugin.version).toBe(JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf-8')).version);
    expect(plugin.ruleIds).toEqual(ALL_RULES.map((r) => r.id));
    expect(plugin.ruleIds).toContain('GNP-STORE-UNREACHABLE');
  });
});

describe('validate() on synthesized templates', () => {
  test('job connection in VPC A, MySQL in unpeered VPC B: GNP-STORE-UNREACHABLE on the job, in the ETL template', () => {
    const { app, jobLogicalId } = glueApp({ connectionVpc: 'A' });
    const context = contextOf(app);
    const report = new GlueNetworkValidationPlugin().validate(context);

    expect(report.success).toBe(false);
    // The single connection's AZ failing also leaves the job without a connection: a warning.
    expect(ruleNames(report)).toEqual([['GNP-STORE-UNREACHABLE', 'error'], ['GNP-FAILOVER-NO-CONNECTION', 'warning']]);
    const unreachable = violationOf(report, 'GNP-STORE-UNREACHABLE');
    expect(unreachable.violatingResources).toEqual([
      { templatePath: templateOf(context, 'Etl'), resourceLogicalId: jobLogicalId, locations: [JOB_CONNECTIONS] },
    ]);
    expect(unreachable.description.split('\n')[0]).toBe(`${RULES.storeUnreachable.title}.`);
    expect(unreachable.description).toMatch(/^- Job load-orders: the data store of connection MysqlConnection\w+ \(rds-instance, TCP 3306\) is UNREACHABLE .*DISCONNECTED_VPCS/m);
    expect(unreachable.fix).toMatch(/^Peer NetworkA\/Vpc\w+ with NetworkB\/Vpc\w+/);
    expect(unreachable.ruleMetadata).toEqual({ documentation: 'https://github.com/cdk-glue-netplan/cdk-glue-netplan/blob/main/RULES.md#gnp-store-unreachable' });
    expect(report.metadata).toEqual({ jobs: '1', errors: '1', warnings: '1' });
  });

  test('job connection in the MySQL VPC: success; the single-AZ warning is still reported, as a warning', () => {
    const { app, jobLogicalId } = glueApp({ connectionVpc: 'B' });
    const context = contextOf(app);
    const report = new GlueNetworkValidationPlugin().validate(context);

    expect(report.success).toBe(true);
    expect(ruleNames(report)).toEqual([['GNP-FAILOVER-NO-CONNECTION', 'warning']]);
    expect(report.violations[0].violatingResources).toEqual([
      { templatePath: templateOf(context, 'Etl'), resourceLogicalId: jobLogicalId, locations: [JOB_CONNECTIONS] },
    ]);
    expect(report.violations[0].description).toContain('If dummy1a fails, job load-orders has no suitable connection left');
  });

  test('failOnWarnings: the same warning fails the report', () => {
    const { app } = glueApp({ connectionVpc: 'B' });
    const report = new GlueNetworkValidationPlugin({ failOnWarnings: true }).validate(contextOf(app));
    expect(report.success).toBe(false);
    // As an error: CDK fails on errors only once any violation is acknowledged.
    expect(ruleNames(report)).toEqual([['GNP-FAILOVER-NO-CONNECTION', 'error']]);
  });

  test('failover: false skips the single-AZ what-ifs: nothing to report', () => {
    const { app } = glueApp({ connectionVpc: 'B' });
    const report = new GlueNetworkValidationPlugin({ failover: false, failOnWarnings: true }).validate(contextOf(app));
    expect(report).toMatchObject({ success: true, violations: [] });
  });

  test('unhealthyAvailabilityZones: with the connection\'s AZ down no connection is suitable', () => {
    const { app, jobLogicalId } = glueApp({ connectionVpc: 'B' });
    const context = contextOf(app);
    const report = new GlueNetworkValidationPlugin({ unhealthyAvailabilityZones: ['dummy1a'], failover: false }).validate(context);
    expect(report.success).toBe(false);
    // With no connection selected, the store is unreachable too.
    expect(ruleNames(report)).toEqual([['GNP-STORE-UNREACHABLE', 'error'], ['GNP-NO-SUITABLE-CONNECTION', 'error']]);
    const noConnection = violationOf(report, 'GNP-NO-SUITABLE-CONNECTION');
    expect(noConnection.violatingResources).toEqual([
      { templatePath: templateOf(context, 'Etl'), resourceLogicalId: jobLogicalId, locations: [JOB_CONNECTIONS] },
    ]);
    expect(noConnection.description).toMatch(/^- No connection of job load-orders is suitable, .*dummy1a/m);
  });

  test('a job in a nested stack is reported against the nested stack\'s template', () => {
    const { app, jobLogicalId } = glueApp({ connectionVpc: 'A', nested: true });
    const context = contextOf(app);
    const report = new GlueNetworkValidationPlugin().validate(context);

    expect(report.success).toBe(false);
    const [resource] = violationOf(report, 'GNP-STORE-UNREACHABLE').violatingResources;
    expect(context.templatePaths).not.toContain(resource.templatePath);
    expect(resource.templatePath).toMatch(/\/EtlJobs\w+\.nested\.template\.json$/);
    expect(JSON.parse(readFileSync(resource.templatePath!, 'utf-8')).Resources[jobLogicalId].Type).toBe('AWS::Glue::Job');
    expect(resource).toEqual({ templatePath: resource.templatePath, resourceLogicalId: jobLogicalId, locations: [JOB_CONNECTIONS] });
  });
});

describe('validate() on input it cannot read: one failing GNP-INPUT-UNREADABLE violation, no exception', () => {
  function writeTemplate(name: string, text: string): string {
    const path = join(mkdtempSync(join(tmpdir(), 'glue-netplan-bad-')), name);
    writeFileSync(path, text);
    return path;
  }

  test.each([
    ['truncated JSON', '{ "Resources": { "Job": ', /not valid JSON \(/],
    ['a JSON document that is no template (CDK writes no Resources for an empty stack, but always an object)', '[{ "Resources": {} }]', /not a CloudFormation template \(no "Resources" object\)/],
    // Was: read as a stack without resources, so nothing checked and nothing said.
    ['a JSON object that is no template (an asset manifest), though CDK gave it as a stack\'s', '{ "version": "48.0.0", "files": {} }',
      /not a CloudFormation template \(no "Resources" object, and "version", "files" are not template sections\)/],
  ])('%s', (_, text, problem) => {
    const good = writeTemplate('Good.template.json', JSON.stringify({ Resources: {} }));
    const bad = writeTemplate('Bad.template.json', text);
    const stackTemplates = [good, bad].map((templatePath, i) => ({ stackConstructPath: `Stack${i}`, templatePath, accountId: undefined, region: undefined }));
    const report = new GlueNetworkValidationPlugin().validate({ templatePaths: [good, bad], stackTemplates, appConstruct: new App() });

    expect(report.success).toBe(false);
    expect(report.violations).toHaveLength(1);
    const [violation] = report.violations;
    // Reported against the stack whose template it is, as CDK's own plugins report stack-level problems.
    expect(violation).toMatchObject({ ruleName: 'GNP-INPUT-UNREADABLE', severity: 'error', violatingResources: [{ templatePath: bad, constructPath: 'Stack1', locations: [] }] });
    expect(violation.description).toMatch(/^cdk-glue-netplan could not read its input, so no Glue job was checked: /);
    expect(violation.description).toContain(`${bad}: `);
    expect(violation.description).toMatch(problem);
  });

  test('a template that does not exist', () => {
    const missing = join(tmpdir(), 'glue-netplan-no-such-dir', 'Gone.template.json');
    const report = new GlueNetworkValidationPlugin().validate({ templatePaths: [missing], stackTemplates: [], appConstruct: new App() });
    expect(report.success).toBe(false);
    expect(report.violations).toEqual([expect.objectContaining({
      ruleName: 'GNP-INPUT-UNREADABLE',
      severity: 'error',
      description: `cdk-glue-netplan could not read its input, so no Glue job was checked: ${missing}: cannot read file (ENOENT)`,
      violatingResources: [{ templatePath: missing, locations: [] }],
    })]);
  });

  test('a facts file that does not exist', () => {
    const template = writeTemplate('Etl.template.json', JSON.stringify({ Resources: {} }));
    const factsFile = join(tmpdir(), 'glue-netplan-no-such-dir', 'facts.json');
    const report = new GlueNetworkValidationPlugin({ factsFile }).validate({ templatePaths: [template], stackTemplates: [], appConstruct: new App() });
    expect(report.success).toBe(false);
    expect(report.violations).toEqual([expect.objectContaining({
      ruleName: 'GNP-INPUT-UNREADABLE',
      severity: 'error',
      description: expect.stringContaining(`${factsFile}: cannot read file (ENOENT)`),
      // On the stacks checked: CDK prints a violation once per violating resource, so one without
      // any printed nothing and did not fail `cdk synth`.
      violatingResources: [{ templatePath: template, locations: [] }],
    })]);
  });

  test('an unreadable facts file fails a real synthesis, the guard\'s and the plugin\'s (was: a failing violation without resources, which CDK prints nowhere and does not fail on)', () => {
    const factsFile = join(tmpdir(), 'glue-netplan-no-such-dir', 'facts.json');
    for (const add of [
      (app: App) => Aspects.of(app).add(new GlueNetworkGuard({ factsFile })),
      (app: App) => Validations.of(app).addPlugins(new GlueNetworkValidationPlugin({ factsFile })),
    ]) {
      const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'glue-netplan-silent-')) });
      new Stack(app, 'Etl', { env: ENV });
      add(app);
      expect(() => app.synth()).toThrow(/cannot read file \(ENOENT\)[\s\S]*GNP-INPUT-UNREADABLE/);
    }
  });

  test('a stack with no resources (CDK writes no "Resources" for it) is read as empty: the guard, the plugin and the CLI pass the app (was: GNP-INPUT-UNREADABLE, "not a CloudFormation template", failing synthesis)', () => {
    for (const add of [
      (app: App) => Aspects.of(app).add(new GlueNetworkGuard()),
      (app: App) => Validations.of(app).addPlugins(new GlueNetworkValidationPlugin()),
    ]) {
      const outdir = mkdtempSync(join(tmpdir(), 'glue-netplan-empty-stack-'));
      const app = new App({ outdir });
      new Stack(app, 'Placeholder', { env: ENV });
      add(app);
      app.synth();
      expect(JSON.parse(readFileSync(join(outdir, 'Placeholder.template.json'), 'utf8')).Resources).toBeUndefined();
      const plan = planFromFiles(parseArgs([outdir]) as CliOptions, process.cwd());
      expect(plan.findings.filter((f) => f.ruleId === 'GNP-INPUT-UNREADABLE')).toEqual([]);
    }
    // Only template sections make a stack without resources: a manifest pointing at another JSON
    // object is not read as an empty stack (was: read as empty, nothing checked, exit code 0).
    const outdir = mkdtempSync(join(tmpdir(), 'glue-netplan-not-a-stack-'));
    const app = new App({ outdir });
    new Stack(app, 'Placeholder', { env: ENV });
    app.synth();
    writeFileSync(join(outdir, 'Placeholder.template.json'), JSON.stringify({ version: '48.0.0', files: {} }));
    expect(() => planFromFiles(parseArgs([outdir]) as CliOptions, process.cwd())).toThrow('"version", "files" are not template sections');
    // A template given by itself still needs Resources, as CloudFormation requires.
    const alone = writeTemplate('Alone.template.json', JSON.stringify({ Parameters: {} }));
    expect(() => planFromFiles(parseArgs([alone]) as CliOptions, process.cwd())).toThrow('not a CloudFormation template (no "Resources" object)');
  });

  test('an unexpected exception is an internal error to report, not a stack trace', () => {
    const broken = { templatePaths: null, stackTemplates: [], appConstruct: new App() } as unknown as IPolicyValidationContext;
    const report = new GlueNetworkValidationPlugin().validate(broken);
    expect(report.success).toBe(false);
    expect(report.violations).toHaveLength(1);
    expect(report.violations[0]).toMatchObject({ ruleName: 'GNP-INPUT-UNREADABLE', severity: 'error' });
    expect(report.violations[0].description).toMatch(/^cdk-glue-netplan: internal error: .*not iterable.* \(please report it\)$/);
    expect(report.violations[0].fix).toMatch(/bug of cdk-glue-netplan/);
  });
});

describe('findings about elements of the facts file', () => {
  /** A job whose only connection, its subnet (a /28) and its group are described by the facts file. */
  function factsCase() {
    const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-facts-'));
    const factsFile = join(dir, 'facts.json');
    writeFileSync(factsFile, JSON.stringify({
      vpcs: [{ id: 'vpc-0data', cidrBlocks: ['10.50.0.0/16'], region: 'us-east-1', account: '111111111111', enableDnsSupport: true, enableDnsHostnames: true }],
      subnets: [{ id: 'subnet-0small', vpcId: 'vpc-0data', cidr: '10.50.1.0/28', availabilityZone: 'us-east-1a' }],
      // No self-referencing all-TCP rule: GNP-SG-NO-SELF-REFERENCE, a finding about the group alone.
      securityGroups: [{ id: 'sg-0db', vpcId: 'vpc-0data', ingress: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432, cidr: '10.50.0.0/16' }], egress: [{ protocol: '-1', cidr: '0.0.0.0/0' }] }],
      gatewayEndpoints: [{ id: 'vpce-0s3', vpcId: 'vpc-0data', service: 's3', routeTableIds: ['vpc-0data#main'] }],
      connections: [{ name: 'warehouse', connectionType: 'JDBC', subnetId: 'subnet-0small', securityGroupIds: ['sg-0db'], address: 'jdbc:postgresql://10.50.1.5:5432/dw' }],
    }));
    const app = new App({ outdir: dir });
    const etl = new Stack(app, 'Etl', { env: ENV });
    // 20 G.1X workers need 22 addresses; a /28 has 11: GNP-SUBNET-TOO-SMALL, about the facts subnet and this job.
    const job = new glue.CfnJob(etl, 'Job', {
      role: 'arn:aws:iam::111111111111:role/glue',
      command: { name: 'glueetl', scriptLocation: 's3://scripts/job.py' },
      workerType: 'G.1X',
      numberOfWorkers: 20,
      connections: { connections: ['warehouse'] },
    });
    return { app, factsFile, jobLogicalId: etl.getLogicalId(job) };
  }

  test('reported against the job they concern when they have one, else with no resource; the description says where', () => {
    const { app, factsFile, jobLogicalId } = factsCase();
    const context = contextOf(app);
    const report = new GlueNetworkValidationPlugin({ factsFile, failover: false }).validate(context);

    expect(report.success).toBe(false);
    const tooSmall = violationOf(report, 'GNP-SUBNET-TOO-SMALL');
    expect(tooSmall.violatingResources).toEqual([{ templatePath: templateOf(context, 'Etl'), resourceLogicalId: jobLogicalId, locations: [] }]);
    expect(tooSmall.description.split('\n').slice(-1)[0]).toBe(`- Described in the facts file ${factsFile} as subnet-0small.`);

    const selfReference = violationOf(report, 'GNP-SG-NO-SELF-REFERENCE');
    expect(selfReference.violatingResources).toEqual([{ locations: [] }]);
    expect(selfReference.description).toContain("None of connection warehouse's security groups (sg-0db)");
    expect(selfReference.description.split('\n').slice(-1)[0]).toBe(`- Described in the facts file ${factsFile} as sg-0db.`);
  });
});

/*
 * The report locates each finding by what the templates held when they were modelled (each
 * resource's Type, by logical id, per template): the parsed templates themselves are let go
 * before the plan is made, so the report must still name the right resource and property.
 */
describe('findings located on the template resources once the templates are let go', () => {
  test('a connection without an S3 path: on the connection resource of its own stack, at its SubnetId', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'glue-netplan-locate-')) });
    const network = new Stack(app, 'Network', { env: ENV });
    const vpc = new ec2.CfnVPC(network, 'Vpc', { cidrBlock: '10.60.0.0/16' });
    // No S3 gateway endpoint and no NAT: GNP-CONNECTION-NO-S3-PATH, about the connection.
    const subnet = new ec2.CfnSubnet(network, 'Subnet', { vpcId: vpc.ref, cidrBlock: '10.60.1.0/24', availabilityZone: 'us-east-1a' });
    const group = new ec2.CfnSecurityGroup(network, 'Group', { vpcId: vpc.ref, groupDescription: 'glue' });
    const etl = new Stack(app, 'Etl', { env: ENV });
    const connection = new glue.CfnConnection(etl, 'Connection', {
      catalogId: ENV.account,
      connectionInput: {
        name: 'net',
        connectionType: 'NETWORK',
        physicalConnectionRequirements: { subnetId: subnet.attrSubnetId, securityGroupIdList: [group.attrGroupId], availabilityZone: 'us-east-1a' },
      },
    });
    // A resource of the other stack under the connection's logical id, of another type.
    new s3.CfnBucket(network, 'Decoy').overrideLogicalId(etl.getLogicalId(connection));
    new glue.CfnJob(etl, 'Job', {
      role: 'arn:aws:iam::111111111111:role/glue',
      command: { name: 'glueetl', scriptLocation: 's3://scripts/job.py' },
      connections: { connections: [connection.ref] },
    });
    const context = contextOf(app);
    const report = new GlueNetworkValidationPlugin({ failover: false }).validate(context);

    expect(violationOf(report, 'GNP-CONNECTION-NO-S3-PATH').violatingResources).toEqual([{
      templatePath: templateOf(context, 'Etl'),
      resourceLogicalId: etl.getLogicalId(connection),
      locations: ['Properties.ConnectionInput.PhysicalConnectionRequirements.SubnetId'],
    }]);
    // A VPC has no property path for its rule: the resource alone.
    expect(violationOf(report, 'GNP-VPC-DNS').violatingResources).toEqual([{ templatePath: templateOf(context, 'Network'), resourceLogicalId: network.getLogicalId(vpc), locations: [] }]);
  });
});

describe('registered with Validations.of(app).addPlugins()', () => {
  function readValidationReport(outdir: string): any {
    return JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf-8'));
  }

  test('an unreachable store fails app.synth() with the report, naming the job construct', () => {
    const { app, outdir, jobLogicalId, jobPath } = glueApp({ connectionVpc: 'A', plugin: new GlueNetworkValidationPlugin() });

    // Under jest CDK runs "in memory": a failing plugin makes synth throw with the whole report.
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`ERROR ${RULES.storeUnreachable.title}.`);
    expect(message).toContain(`${jobPath} (${jobLogicalId}) aws-cdk-lib.aws_glue.CfnJob`);
    expect(message).toContain("Acknowledge with 'cdk-glue-netplan::GNP-STORE-UNREACHABLE'");

    const [pluginReport] = readValidationReport(outdir).pluginReports;
    expect(pluginReport).toMatchObject({ pluginName: 'cdk-glue-netplan', conclusion: 'failure' });
    const unreachable = pluginReport.violations.find((v: any) => v.ruleName === 'GNP-STORE-UNREACHABLE');
    expect(unreachable.violatingConstructs).toEqual([expect.objectContaining({
      constructPath: 'Etl/LoadOrders/Resource',
      cloudFormationResource: { templatePath: 'Etl.template.json', logicalId: jobLogicalId, propertyPaths: [JOB_CONNECTIONS] },
    })]);
  });

  test('acknowledging the rule on the ETL stack lets synth pass (the violation maps to the construct)', () => {
    const { app, etl, outdir } = glueApp({ connectionVpc: 'A', plugin: new GlueNetworkValidationPlugin() });
    Validations.of(etl).acknowledge({ id: 'cdk-glue-netplan::GNP-STORE-UNREACHABLE', reason: 'peered by the network team' });
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(() => app.synth()).not.toThrow();
    } finally {
      printed.mockRestore();
    }
    const [pluginReport] = readValidationReport(outdir).pluginReports;
    expect(pluginReport.conclusion).toBe('success');
    expect(pluginReport.violations.map((v: any) => v.ruleName)).toEqual(['GNP-FAILOVER-NO-CONNECTION']);
  });

  test('warnings alone: synth passes and prints them', () => {
    const { app, outdir } = glueApp({ connectionVpc: 'B', plugin: new GlueNetworkValidationPlugin() });
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(() => app.synth()).not.toThrow();
      expect(printed.mock.calls.map((c) => String(c[0])).join('\n')).toContain("Acknowledge with 'cdk-glue-netplan::GNP-FAILOVER-NO-CONNECTION'");
    } finally {
      printed.mockRestore();
    }
    expect(readValidationReport(outdir).pluginReports[0].conclusion).toBe('success');
  });

  test('failOnWarnings: acknowledging the errors leaves the warnings failing synth (was: CDK counts only errors once a violation is acknowledged, and passed)', () => {
    const { app, etl, outdir } = glueApp({ connectionVpc: 'A', plugin: new GlueNetworkValidationPlugin({ failOnWarnings: true }) });
    Validations.of(etl).acknowledge({ id: 'cdk-glue-netplan::GNP-STORE-UNREACHABLE', reason: 'peered by the network team' });
    expect(() => app.synth()).toThrow(/A single-AZ failure leaves the job without a suitable connection/);
    expect(readValidationReport(outdir).pluginReports[0].conclusion).toBe('failure');
  });

  test('failOnWarnings: the same warnings fail synth', () => {
    const { app } = glueApp({ connectionVpc: 'B', plugin: new GlueNetworkValidationPlugin({ failOnWarnings: true }) });
    expect(() => app.synth()).toThrow(/ERROR A single-AZ failure leaves the job without a suitable connection/);
  });
});

describe('reading the templates: the construct tree is walked for nested stack templates only when there is one', () => {
  test('no nested stack: the templates are read without walking the tree', () => {
    const { app } = glueApp({ connectionVpc: 'A' });
    const context = contextOf(app);
    const findAll = jest.spyOn(app.node, 'findAll');
    const { templates, problems } = readTemplates(context, undefined, () => nestedStackTemplates(context.appConstruct));
    expect(problems).toEqual([]);
    expect(templates.map((t) => t.input.stackName).sort()).toEqual(['Etl', 'NetworkA', 'NetworkB']);
    expect(findAll).not.toHaveBeenCalled();
  });

  test('a nested stack: the tree is walked once, and its template is found there', () => {
    const { app } = glueApp({ connectionVpc: 'A', nested: true });
    const context = contextOf(app);
    const findAll = jest.spyOn(app.node, 'findAll');
    const { templates } = readTemplates(context, undefined, () => nestedStackTemplates(context.appConstruct));
    expect(templates.find((t) => t.input.stackName.startsWith('Etl/'))?.path).toMatch(/\/EtlJobs\w+\.nested\.template\.json$/);
    expect(findAll).toHaveBeenCalledTimes(1);
  });
});

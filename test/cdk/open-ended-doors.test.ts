import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  App, AspectPriority, Aspects, IPolicyValidationContext, Stack, aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_rds as rds, aws_s3 as s3,
  custom_resources as cr,
} from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { GlueNetworkGuard, GuardReporting } from '../../src/cdk/guard';
import { GlueNetworkValidationPlugin } from '../../src/cdk/validation-plugin';
import { runCli } from '../../src/cli/run';

/*
 * One case through the three doors (guard, validation plugin, CLI over cdk.out): the Glue group's
 * rules come from an AwsCustomResource (an SDK call at deploy time), so the templates do not list
 * them. Each door says the same: the self-reference and the store's inbound rule are unknown,
 * naming the custom resource, and nothing fails.
 */

const ENV = { account: '111111111111', region: 'us-east-1' };

function shopApp(options: { rulesByCustomResource: boolean }) {
  // Path metadata on, as `cdk synth` writes it, so every door can name constructs.
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'glue-netplan-open-')), context: { 'aws:cdk:enable-path-metadata': true } });
  const stack = new Stack(app, 'Shop', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
  });
  const glueGroup = new ec2.SecurityGroup(stack, 'GlueGroup', { vpc, description: 'Glue ENIs and MySQL' });
  if (options.rulesByCustomResource) {
    // The team's rule tooling adds the self-referencing rule with an SDK call.
    new cr.AwsCustomResource(stack, 'GlueGroupRules', {
      onCreate: {
        service: 'EC2',
        action: 'authorizeSecurityGroupIngress',
        parameters: { GroupId: glueGroup.securityGroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, UserIdGroupPairs: [{ GroupId: glueGroup.securityGroupId }] }] },
        physicalResourceId: cr.PhysicalResourceId.of('glue-self-reference'),
      },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
      installLatestAwsSdk: false,
    });
  }
  const mysql = new rds.DatabaseInstance(stack, 'Mysql', {
    engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_39 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    securityGroups: [glueGroup],
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
    storageEncrypted: true,
  });
  const connection = new glue.Connection(stack, 'MysqlConnection', {
    type: glue.ConnectionType.JDBC,
    network: glue.ConnectionNetwork.subnet(vpc.isolatedSubnets[0]),
    securityGroups: [glueGroup],
    properties: { JDBC_CONNECTION_URL: `jdbc:mysql://${mysql.dbInstanceEndpointAddress}:3306/shop` },
  });
  new glue.PySparkEtlJob(stack, 'LoadOrders', {
    jobName: 'load-orders',
    role: new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
    script: glue.Code.fromBucket(new s3.Bucket(stack, 'Scripts'), 'load.py'),
    connections: [connection],
    workerConfiguration: { workerType: glue.WorkerType.G_1X, numberOfWorkers: 2 },
  });
  return { app, stack };
}

const CR_PATH = 'Shop/GlueGroupRules/Resource/Default';

describe('rules added by an AwsCustomResource, through every door', () => {
  test('guard: no error; the self-reference and the store are warnings naming the custom resource', () => {
    const before = shopApp({ rulesByCustomResource: false });
    Aspects.of(before.app).add(new GlueNetworkGuard({ reporting: GuardReporting.ANNOTATIONS, failover: false }), { priority: AspectPriority.READONLY });
    const errorsBefore = Annotations.fromStack(before.stack).findError('*', Match.stringLikeRegexp('GNP-')).map((e) => String(e.entry.data));
    expect(errorsBefore).toEqual(expect.arrayContaining([expect.stringMatching(/GNP-SG-NO-SELF-REFERENCE/), expect.stringMatching(/GNP-STORE-UNREACHABLE/)]));

    const { app, stack } = shopApp({ rulesByCustomResource: true });
    Aspects.of(app).add(new GlueNetworkGuard({ reporting: GuardReporting.ANNOTATIONS, failover: false }), { priority: AspectPriority.READONLY });
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.stringLikeRegexp('GNP-'))).toEqual([]);
    const warnings = annotations.findWarning('*', Match.stringLikeRegexp('GNP-')).map((w) => `${w.id}: ${String(w.entry.data)}`);
    const selfRef = warnings.find((w) => /GNP-SG-REQUIREMENTS-UNKNOWN/.test(w));
    // On the custom resource, naming it by construct path and logical ID.
    expect(selfRef).toMatch(new RegExp(`^/${CR_PATH}: .*custom resource ${CR_PATH} \\(GlueGroupRules\\w+\\) calls EC2 authorizeSecurityGroupIngress`));
    expect(warnings.find((w) => /GNP-STORE-UNKNOWN/.test(w))).toMatch(new RegExp(`UNKNOWN.*custom resource ${CR_PATH} \\(GlueGroupRules\\w+\\)`));
  });

  test('validation plugin: success, the same two warnings', () => {
    const { app } = shopApp({ rulesByCustomResource: true });
    const stacks = app.synth().stacks;
    const context: IPolicyValidationContext = {
      templatePaths: stacks.map((s) => s.templateFullPath),
      stackTemplates: stacks.map((s) => ({ stackConstructPath: s.hierarchicalId, templatePath: s.templateFullPath, accountId: ENV.account, region: ENV.region })),
      appConstruct: app,
    };
    const report = new GlueNetworkValidationPlugin({ failover: false }).validate(context);
    expect(report.success).toBe(true);
    expect(report.violations.map((v) => [v.ruleName, v.severity]).sort()).toEqual([['GNP-SG-REQUIREMENTS-UNKNOWN', 'warning'], ['GNP-STORE-UNKNOWN', 'warning']]);
    const selfRef = report.violations.find((v) => v.ruleName === 'GNP-SG-REQUIREMENTS-UNKNOWN')!;
    expect(selfRef.description).toMatch(new RegExp(`custom resource ${CR_PATH} \\(GlueGroupRules\\w+\\) calls EC2 authorizeSecurityGroupIngress`));
    expect(selfRef.violatingResources[0].resourceLogicalId).toMatch(/^GlueGroupRules\w+$/);
  });

  test('CLI over cdk.out: exit 0, the store UNKNOWN and the same warnings', () => {
    const { app } = shopApp({ rulesByCustomResource: true });
    const outdir = app.synth().directory;
    let stdout = '';
    const code = runCli([outdir, '--format', 'json', '--no-failover'], { stdout: (t) => { stdout += t; }, stderr: () => undefined, cwd: process.cwd() });
    const plan = JSON.parse(stdout);
    expect(code).toBe(0);
    expect(plan.jobs[0].dataStores.map((s: any) => s.verdict)).toEqual(['UNKNOWN']);
    expect(JSON.stringify(plan.jobs[0].dataStores[0].explanations)).toMatch(new RegExp(`custom resource ${CR_PATH} \\(GlueGroupRules\\w+\\) calls EC2 authorizeSecurityGroupIngress`));
    const rules = [...plan.findings, ...plan.jobs[0].findings].map((f: any) => `${f.ruleId}/${f.severity}`).sort();
    expect(rules).toEqual(['GNP-SG-REQUIREMENTS-UNKNOWN/warning', 'GNP-STORE-UNKNOWN/warning']);
  });
});

describe('ec2.Vpc with a VPN gateway (vpnGateway, vpnRoutePropagation)', () => {
  /** Glue in VPC A, MySQL in VPC B, not peered; `vpn`: both VPCs have a VPN gateway propagating into their subnets' tables. */
  function vpnApp(vpn: boolean) {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'glue-netplan-vpn-')), context: { 'aws:cdk:enable-path-metadata': true } });
    const stack = new Stack(app, 'Hybrid', { env: ENV });
    const isolated = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const network = (id: string, cidr: string) => {
      const vpc = new ec2.Vpc(stack, id, {
        ipAddresses: ec2.IpAddresses.cidr(cidr),
        maxAzs: 1,
        natGateways: 0,
        subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
        gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
        ...(vpn ? { vpnGateway: true, vpnRoutePropagation: [isolated] } : {}),
      });
      const group = new ec2.SecurityGroup(stack, `${id}Glue`, { vpc, description: 'Glue' });
      group.connections.allowInternally(ec2.Port.allTcp());
      group.addIngressRule(ec2.Peer.ipv4('10.0.0.0/8'), ec2.Port.tcp(3306));
      return { vpc, group };
    };
    const a = network('VpcA', '10.1.0.0/16');
    const b = network('VpcB', '10.2.0.0/16');
    const mysql = new rds.DatabaseInstance(stack, 'Mysql', {
      engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_39 }),
      vpc: b.vpc,
      vpcSubnets: { ...isolated, onePerAz: true },
      securityGroups: [b.group],
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
      storageEncrypted: true,
    });
    const net = new glue.Connection(stack, 'GlueNetwork', { type: glue.ConnectionType.NETWORK, network: glue.ConnectionNetwork.subnet(a.vpc.isolatedSubnets[0]), securityGroups: [a.group] });
    const store = new glue.Connection(stack, 'MysqlConnection', {
      type: glue.ConnectionType.JDBC,
      network: glue.ConnectionNetwork.subnet(b.vpc.isolatedSubnets[0]),
      securityGroups: [b.group],
      properties: { JDBC_CONNECTION_URL: `jdbc:mysql://${mysql.dbInstanceEndpointAddress}:3306/shop` },
    });
    new glue.PySparkEtlJob(stack, 'Sync', {
      jobName: 'sync',
      role: new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
      script: glue.Code.fromBucket(new s3.Bucket(stack, 'Scripts'), 'sync.py'),
      connections: [net, store],
      workerConfiguration: { workerType: glue.WorkerType.G_1X, numberOfWorkers: 2 },
    });
    return app;
  }

  function storeVerdict(app: App): any {
    let stdout = '';
    runCli([app.synth().directory, '--format', 'json', '--no-failover'], { stdout: (t) => { stdout += t; }, stderr: () => undefined, cwd: process.cwd() });
    return JSON.parse(stdout).jobs[0].dataStores.find((s: any) => /MysqlConnection/.test(s.connection.name));
  }

  test('MySQL possibly behind the VPN: UNKNOWN, naming the propagation; without the VPN: UNREACHABLE', () => {
    expect(storeVerdict(vpnApp(false)).verdict).toBe('UNREACHABLE');
    const store = storeVerdict(vpnApp(true));
    expect(store.verdict).toBe('UNKNOWN');
    expect(JSON.stringify(store.explanations)).toMatch(/VPN gateway Hybrid\/VpcAVpnGateway\w+ propagates the routes of its VPN connections into Hybrid\/VpcAdataSubnet1RouteTable\w+ \(Hybrid\/VpcA\/RoutePropagation \(VpcARoutePropagation\w+\)\)/);
  });
});

/**
 * Issue 12 points 7, 8 and 10 through the three doors: one CDK app as a user writes it, checked
 * by the guard (CDK's validation report), the validation plugin and the CLI over its cdk.out. The
 * three must give the same findings.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  App, AspectPriority, Aspects, IPolicyValidationContext, Stack, aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_s3 as s3,
  aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import { GlueNetworkGuard } from '../../src/cdk/guard';
import { GlueNetworkValidationPlugin } from '../../src/cdk/validation-plugin';
import { runCli } from '../../src/cli/run';

const ENV = { account: '111111111111', region: 'us-east-1' };

/**
 * One stack: an isolated VPC with an S3 gateway endpoint (no NAT, no Secrets Manager endpoint),
 * a Glue group, a NETWORK connection, and a JDBC connection to an RDS endpoint written as a
 * string (nothing in the app locates it) whose credentials are in Secrets Manager.
 */
function userApp(options: { secretsEndpoint?: boolean } = {}) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'glue-netplan-doors-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Etl', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 1,
    natGateways: 0,
    subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
  });
  if (options.secretsEndpoint) vpc.addInterfaceEndpoint('Secrets', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER });
  const group = new ec2.SecurityGroup(stack, 'GlueGroup', { vpc });
  group.connections.allowInternally(ec2.Port.allTcp());
  const subnet = glue.ConnectionNetwork.subnet(vpc.isolatedSubnets[0]);
  const network = new glue.Connection(stack, 'Network', { type: glue.ConnectionType.NETWORK, network: subnet, securityGroups: [group] });
  const credentials = new secretsmanager.Secret(stack, 'Credentials');
  const orders = new glue.Connection(stack, 'Orders', {
    type: glue.ConnectionType.JDBC,
    network: subnet,
    securityGroups: [group],
    properties: { JDBC_CONNECTION_URL: 'jdbc:postgresql://orders.c9akciq32.us-east-1.rds.amazonaws.com:5432/orders', SECRET_ID: credentials.secretName },
  });
  new glue.PySparkEtlJob(stack, 'Load', {
    jobName: 'load-orders',
    role: new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
    script: glue.Code.fromBucket(new s3.Bucket(stack, 'Scripts'), 'load.py'),
    connections: [network, orders],
  });
  return { app, outdir };
}

type Seen = [string, string, string][];

/** The guard in its default FAIL mode: the findings of its plan, and whether synthesis failed. */
function throughGuard(): { seen: Seen; failed: boolean } {
  const { app } = userApp();
  const g = new GlueNetworkGuard();
  Aspects.of(app).add(g, { priority: AspectPriority.READONLY });
  let failed = false;
  try { app.synth(); } catch { failed = true; }
  const plan = JSON.parse(g.lastPlanJson!);
  return { seen: findingsOf(plan), failed };
}

function findingsOf(plan: any): Seen {
  return [...plan.jobs.flatMap((j: any) => j.findings), ...plan.findings].map((f: any) => [f.ruleId, f.severity, f.message] as [string, string, string]).sort();
}

function throughPlugin(): { seen: [string, string][]; success: boolean } {
  const { app } = userApp();
  const stacks = app.synth().stacks;
  const context: IPolicyValidationContext = {
    templatePaths: stacks.map((s) => s.templateFullPath),
    stackTemplates: stacks.map((s) => ({ stackConstructPath: s.hierarchicalId, templatePath: s.templateFullPath, accountId: ENV.account, region: ENV.region })),
    appConstruct: app,
  };
  const report = new GlueNetworkValidationPlugin().validate(context);
  return { seen: report.violations.map((v) => [v.ruleName, v.severity ?? ''] as [string, string]).sort(), success: report.success };
}

function throughCli(options: { secretsEndpoint?: boolean } = {}): { seen: Seen; code: number; plan: any } {
  const { app } = userApp(options);
  const assembly = app.synth();
  let out = '';
  const code = runCli([assembly.directory, '--format', 'json'], { stdout: (t) => { out += t; }, stderr: () => undefined, cwd: '/' });
  const plan = JSON.parse(out);
  return { seen: findingsOf(plan), code, plan };
}

describe('an RDS endpoint written as a string, credentials in Secrets Manager, an isolated VPC: the same answer from every door', () => {
  const cli = throughCli();

  test('the CLI: GNP-CONNECTION-NO-SECRETS-PATH (error, exit 1) and GNP-STORE-UNKNOWN naming the host (never REACHABLE)', () => {
    expect(cli.code).toBe(1);
    expect(cli.seen.map(([id, severity]) => [id, severity])).toEqual(expect.arrayContaining([['GNP-CONNECTION-NO-SECRETS-PATH', 'error'], ['GNP-STORE-UNKNOWN', 'warning']]));
    expect(cli.plan.jobs[0].dataStores.find((d: any) => /Orders/.test(d.connection.name)).verdict).toBe('UNKNOWN');
    expect(cli.seen.find(([id]) => id === 'GNP-STORE-UNKNOWN')![2]).toMatch(/orders\.c9akciq32\.us-east-1\.rds\.amazonaws\.com/);
  });

  test('the guard: the same findings, word for word, and synthesis fails', () => {
    const guard = throughGuard();
    expect(guard.seen).toEqual(cli.seen);
    expect(guard.failed).toBe(true);
  });

  test('the validation plugin: the same rules and severities, and the report fails', () => {
    const plugin = throughPlugin();
    expect(plugin.seen).toEqual([...new Set(cli.seen.map(([id, severity]) => `${id}|${severity}`))].map((k) => k.split('|') as [string, string]).sort());
    expect(plugin.success).toBe(false);
  });

  test('adding the Secrets Manager interface endpoint (private DNS, the CDK default) clears the error', () => {
    const fixed = throughCli({ secretsEndpoint: true });
    expect(fixed.seen.map(([id]) => id)).not.toContain('GNP-CONNECTION-NO-SECRETS-PATH');
    expect(fixed.code).toBe(0);
  });
});

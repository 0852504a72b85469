/**
 * How a connection's store is read, in CDK apps as users write them (L2 `glue.Connection`, L1
 * where no L2 exists), checked by the guard: a port that is not a TCP port, a Redshift Serverless
 * workgroup, and a SaaS connection type reached over the internet.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AspectPriority, Aspects, Stack, aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_redshiftserverless as redshiftserverless, aws_s3 as s3 } from 'aws-cdk-lib';
import { capturingConsoleError, withoutCdkTemplateCheck } from './quiet-cdk';
import { GlueNetworkGuard, GuardMode } from '../../src/cdk/guard';

withoutCdkTemplateCheck();

const ENV = { account: '111111111111', region: 'us-east-1' };

/** An isolated VPC with an S3 gateway endpoint, a Glue group, and a subnet for connections. */
function glueStack() {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'glue-netplan-stores-')) });
  const stack = new Stack(app, 'Etl', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
  });
  const group = new ec2.SecurityGroup(stack, 'GlueGroup', { vpc });
  group.connections.allowInternally(ec2.Port.allTcp());
  return { app, stack, vpc, group, network: glue.ConnectionNetwork.subnet(vpc.isolatedSubnets[0]) };
}

function job(stack: Stack, connections: glue.IConnection[]) {
  new glue.PySparkEtlJob(stack, 'Load', {
    jobName: 'load-orders',
    role: new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
    script: glue.Code.fromBucket(new s3.Bucket(stack, 'Scripts'), 'load.py'),
    connections,
  });
}

/** The guard's plan (WARN_ONLY: synthesis goes on), its store rows and findings. */
function planOf(app: App) {
  const g = new GlueNetworkGuard({ mode: GuardMode.WARN_ONLY });
  Aspects.of(app).add(g, { priority: AspectPriority.READONLY });
  // (CDK prints the validation report of warnings; the plan is what is checked.)
  capturingConsoleError(() => app.synth());
  const plan = JSON.parse(g.lastPlanJson!);
  return { job: plan.jobs[0], findings: [...plan.findings, ...plan.jobs.flatMap((j: any) => j.findings)] };
}

describe('a port that is not a TCP port in an L2 glue.Connection', () => {
  test('JDBC URL with port 99999: UNKNOWN naming the URL and the port, an input warning, no trace on TCP 99999', () => {
    const { app, stack, group, network } = glueStack();
    const url = 'jdbc:postgresql://db.example.com:99999/app';
    const orders = new glue.Connection(stack, 'Orders', { type: glue.ConnectionType.JDBC, network, securityGroups: [group], properties: { JDBC_CONNECTION_URL: url } });
    job(stack, [orders]);
    const { job: planned, findings } = planOf(app);
    expect(planned.dataStores[0]).toMatchObject({ verdict: 'UNKNOWN' });
    const ids = findings.map((f: any) => f.ruleId);
    expect(ids).not.toContain('GNP-STORE-UNREACHABLE');
    expect(findings.find((f: any) => f.ruleId === 'GNP-STORE-UNKNOWN').message).toContain(`${url} of connection`);
    expect(findings.find((f: any) => f.ruleId === 'GNP-INPUT-UNRESOLVED').message).toMatch(/port "99999", which is not a TCP port \(1-65535\)/);
    expect(JSON.stringify(findings)).not.toMatch(/TCP 99999/);
  });
});

describe('a Redshift Serverless workgroup (L1 CfnWorkgroup: aws-cdk-lib has no L2) named by an L2 glue.Connection', () => {
  /** The workgroup in the second subnet, behind its own group admitting the Glue group on 5439. */
  function withWorkgroup(url: (wg: redshiftserverless.CfnWorkgroup) => string) {
    const s = glueStack();
    const wgGroup = new ec2.SecurityGroup(s.stack, 'WarehouseGroup', { vpc: s.vpc });
    wgGroup.addIngressRule(s.group, ec2.Port.tcp(5439));
    const namespace = new redshiftserverless.CfnNamespace(s.stack, 'Namespace', { namespaceName: 'analytics' });
    const wg = new redshiftserverless.CfnWorkgroup(s.stack, 'Workgroup', {
      workgroupName: 'analytics',
      namespaceName: namespace.namespaceName,
      subnetIds: [s.vpc.isolatedSubnets[1].subnetId],
      securityGroupIds: [wgGroup.securityGroupId],
    });
    const warehouse = new glue.Connection(s.stack, 'Warehouse', {
      type: glue.ConnectionType.JDBC, network: s.network, securityGroups: [s.group], properties: { JDBC_CONNECTION_URL: url(wg) },
    });
    job(s.stack, [warehouse]);
    return planOf(s.app);
  }

  test.each([
    ['attrWorkgroupEndpointAddress (GetAtt Workgroup.Endpoint.Address)', (wg: redshiftserverless.CfnWorkgroup) => `jdbc:redshift://${wg.attrWorkgroupEndpointAddress}:5439/dev`],
    ['its DNS name written as a literal', () => 'jdbc:redshift://analytics.111111111111.us-east-1.redshift-serverless.amazonaws.com/dev'],
  ])('%s: located at the workgroup, port 5439, REACHABLE; no GNP-STORE-UNKNOWN', (_, url) => {
    const { job: planned, findings } = withWorkgroup(url);
    expect(planned.dataStores[0]).toMatchObject({ verdict: 'REACHABLE', locatedBy: 'redshift-serverless-workgroup', port: 5439, assumptions: [] });
    expect(findings.map((f: any) => f.ruleId)).not.toContain('GNP-STORE-UNKNOWN');
  });
});

describe('a SaaS connection (L2 glue.Connection of type SALESFORCE) with a subnet', () => {
  /** A VPC whose private subnets reach the internet through a NAT gateway, or an isolated one. */
  function saasApp(natGateways: number) {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'glue-netplan-stores-')) });
    const stack = new Stack(app, 'Etl', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 1,
      natGateways,
      subnetConfiguration: natGateways
        ? [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }, { name: 'data', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 }]
        : [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    const group = new ec2.SecurityGroup(stack, 'GlueGroup', { vpc });
    group.connections.allowInternally(ec2.Port.allTcp());
    const subnet = natGateways ? vpc.privateSubnets[0] : vpc.isolatedSubnets[0];
    const crm = new glue.Connection(stack, 'Crm', {
      type: glue.ConnectionType.SALESFORCE,
      network: glue.ConnectionNetwork.subnet(subnet),
      securityGroups: [group],
      properties: { INSTANCE_URL: 'https://acme.my.salesforce.com' },
    });
    job(stack, [crm]);
    return planOf(app);
  }

  test('through a NAT gateway: REACHABLE on TCP 443 (the https INSTANCE_URL), located on the internet, no GNP-STORE-UNKNOWN', () => {
    const { job: planned, findings } = saasApp(1);
    expect(planned.dataStores[0]).toMatchObject({ verdict: 'REACHABLE', locatedBy: 'internet', port: 443 });
    expect(findings.map((f: any) => f.ruleId)).not.toContain('GNP-STORE-UNKNOWN');
  });

  test('from an isolated subnet: UNREACHABLE, naming the missing NAT gateway route', () => {
    const { job: planned, findings } = saasApp(0);
    expect(planned.dataStores[0]).toMatchObject({ verdict: 'UNREACHABLE', locatedBy: 'internet', port: 443 });
    expect(findings.find((f: any) => f.ruleId === 'GNP-STORE-UNREACHABLE').message).toMatch(/NO_ROUTE_TO_DESTINATION/);
  });
});

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AspectPriority, Aspects, Annotations as CoreAnnotations, Stack, Stage, Validations, aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { NetworkStack, seedApp, stagedJob } from './seed-app';
import { GlueNetworkGuard, GuardMode, GuardReporting } from '../../src/cdk/guard';

const STORE_UNREACHABLE = Match.stringLikeRegexp('GNP-STORE-UNREACHABLE');

/*
 * The guard reporting as annotations on the constructs (GuardReporting.ANNOTATIONS), which reads
 * the construct tree. The default, CDK's validation report, is in guard-validation-report.test.ts.
 */

function guard(app: App, props: ConstructorParameters<typeof GlueNetworkGuard>[0] = {}): GlueNetworkGuard {
  const g = new GlueNetworkGuard({ reporting: GuardReporting.ANNOTATIONS, ...props });
  Aspects.of(app).add(g, { priority: AspectPriority.READONLY });
  return g;
}

function gnpErrors(...stacks: Stack[]) {
  return stacks.flatMap((s) => Annotations.fromStack(s).findError('*', Match.stringLikeRegexp('GNP-')));
}

function gnpWarnings(...stacks: Stack[]) {
  return stacks.flatMap((s) => Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp('GNP-')));
}

describe('GlueNetworkGuard as annotations, fail mode (default)', () => {
  test("the seed's case fails synthesis with an error on the job, naming the blocked hops and the fix", () => {
    const s = seedApp();
    guard(s.app);
    const annotations = Annotations.fromStack(s.etl);
    const errors = annotations.findError('/Etl/LoadWarehouse/Resource', STORE_UNREACHABLE);
    expect(errors).toHaveLength(2);
    const text = errors.map((e) => String(e.entry.data)).join('\n');
    expect(text).toMatch(/MysqlConnection\w+ \(rds-instance, TCP 3306\) is UNREACHABLE/);
    expect(text).toMatch(/PostgresConnection\w+ \(rds-instance, TCP 5432\) is UNREACHABLE/);
    expect(text).toMatch(/DISCONNECTED_VPCS/);
    expect(text).toMatch(/Fix: Peer NetworkA\/Vpc with NetworkB\/Vpc /);
    // Fail mode adds nothing to the app.
    Template.fromStack(s.etl).resourceCountIs('AWS::EC2::VPCPeeringConnection', 0);
  });

  test('warnings (here: a single-AZ failure leaves no connection) are acknowledgeable with Validations.acknowledge', () => {
    const s = seedApp();
    guard(s.app);
    expect(gnpWarnings(s.etl).map((w) => String(w.entry.data))).toEqual(expect.arrayContaining([expect.stringMatching(/GNP-FAILOVER-NO-CONNECTION/)]));

    const acked = seedApp();
    Validations.of(acked.etl).acknowledge({ id: 'GNP-FAILOVER-NO-CONNECTION', reason: 'single-AZ by design' });
    guard(acked.app);
    expect(gnpWarnings(acked.etl).map((w) => String(w.entry.data)).filter((t) => /GNP-FAILOVER-NO-CONNECTION/.test(t))).toEqual([]);
    expect(gnpErrors(acked.etl)).toHaveLength(2);
  });

  test('a job whose connections all live in one VPC: no finding, nothing added', () => {
    const app = new App();
    const net = new NetworkStack(app, 'Net', '10.9.0.0/16');
    const etl = new Stack(app, 'Etl');
    const conns = [0, 1].map((i) => new glue.Connection(etl, `Conn${i}`, {
      type: glue.ConnectionType.NETWORK,
      network: glue.ConnectionNetwork.subnet(net.vpc.isolatedSubnets[i]),
      securityGroups: [net.glueGroup],
    }));
    new glue.PythonShellJob(etl, 'Shell', {
      role: new iam.Role(etl, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
      script: glue.Code.fromBucket(new s3.Bucket(etl, 'B'), 'a.py'),
      connections: conns,
    });
    guard(app, { mode: GuardMode.AUTO_PEER });
    expect([...gnpErrors(net, etl), ...gnpWarnings(net, etl)]).toEqual([]);
    Template.fromStack(etl).resourceCountIs('AWS::EC2::VPCPeeringConnection', 0);
    Template.fromStack(etl).resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('raw CfnJob and CfnConnection across stacks, a streaming job: the same verdicts', () => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const b = new NetworkStack(app, 'NetB', '10.2.0.0/16');
    const etl = new Stack(app, 'Etl');
    const raw = (id: string, net: NetworkStack, url: string) => new glue.CfnConnection(etl, id, {
      catalogId: etl.account,
      connectionInput: {
        name: id.toLowerCase(),
        connectionType: 'JDBC',
        connectionProperties: { JDBC_CONNECTION_URL: url },
        physicalConnectionRequirements: {
          subnetId: net.vpc.isolatedSubnets[0].subnetId,
          securityGroupIdList: [net.glueGroup.securityGroupId],
          availabilityZone: net.vpc.isolatedSubnets[0].availabilityZone,
        },
      },
    });
    raw('First', a, 'jdbc:mysql://10.1.0.10:3306/x');
    raw('Second', b, 'jdbc:mysql://10.2.0.10:3306/x');
    const role = new iam.Role(etl, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') });
    new glue.CfnJob(etl, 'RawJob', {
      name: 'raw-job',
      role: role.roleArn,
      command: { name: 'glueetl', scriptLocation: 's3://b/a.py' },
      connections: { connections: ['first', 'second'] },
      workerType: 'G.1X',
      numberOfWorkers: 2,
    });
    new glue.PySparkStreamingJob(etl, 'Stream', {
      role,
      script: glue.Code.fromBucket(new s3.Bucket(etl, 'B'), 'a.py'),
      connections: [glue.Connection.fromConnectionName(etl, 'Imp1', 'first'), glue.Connection.fromConnectionName(etl, 'Imp2', 'second')],
    });
    guard(app);
    const errors = Annotations.fromStack(etl).findError('*', STORE_UNREACHABLE);
    expect(errors.map((e) => e.id).sort()).toEqual(['/Etl/RawJob', '/Etl/Stream/Resource']);
    expect(String(errors[0].entry.data)).toMatch(/connection second \(ip-address, TCP 3306\) is UNREACHABLE/);
  });

  test('writes the plan (the CLI JSON contract) into the cloud assembly directory', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-plan-'));
    const s = seedApp({ appProps: { outdir } });
    const g = guard(s.app, { planFileName: 'netplan.json' });
    s.app.synth();
    const plan = JSON.parse(fs.readFileSync(path.join(outdir, 'netplan.json'), 'utf8'));
    expect(plan.version).toBe(1);
    expect(plan.jobs.map((j: any) => [j.constructPath, j.dataStores.map((d: any) => d.verdict)])).toEqual([
      ['Etl/LoadWarehouse/Resource', ['REACHABLE', 'UNREACHABLE', 'UNREACHABLE']],
    ]);
    expect(JSON.parse(g.lastPlanJson!)).toEqual(plan);
    expect(() => new GlueNetworkGuard({ planFileName: '../x.json' })).toThrow(/plain file name/);
  });

  test("findings carry no stack trace (it would show the guard's own frames), and the environment is left as it was", () => {
    const s = seedApp();
    guard(s.app);
    const before = process.env.CDK_DISABLE_STACK_TRACE;
    s.app.synth();
    expect(process.env.CDK_DISABLE_STACK_TRACE).toBe(before);
    const entries = s.app.node.findAll().flatMap((c) => c.node.metadata.filter((m) => String(m.data).includes('[GNP-STORE-UNREACHABLE]')));
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((m) => m.trace === undefined)).toBe(true);
    // The app's own annotations keep theirs.
    const own = new Stack(s.app, 'Later');
    CoreAnnotations.of(own).addWarning('an app warning');
    expect(own.node.metadata.find((m) => m.data === 'an app warning')?.trace?.length ?? 0).toBeGreaterThan(0);
  });

  test('writes the Markdown report next to the plan, or not at all when its name is empty', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-report-'));
    const s = seedApp({ appProps: { outdir } });
    guard(s.app);
    s.app.synth();
    const report = fs.readFileSync(path.join(outdir, 'glue-netplan.report.md'), 'utf8');
    expect(report).toMatch(/^## Glue network plan/);
    // The blocked store's diagram and the rule behind the error.
    expect(report).toContain('```mermaid');
    expect(report).toContain('DISCONNECTED_VPCS');
    expect(report).toContain('GNP-STORE-UNREACHABLE');
    expect(fs.existsSync(path.join(outdir, 'glue-netplan.plan.json'))).toBe(true);

    const quiet = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-report-'));
    const t = seedApp({ appProps: { outdir: quiet } });
    guard(t.app, { reportFileName: '', planFileName: '' });
    t.app.synth();
    expect(fs.readdirSync(quiet).filter((f) => f.startsWith('glue-netplan'))).toEqual([]);
    expect(() => new GlueNetworkGuard({ reportFileName: 'a/b.md' })).toThrow(/reportFileName 'a\/b.md' must be a plain file name/);
    expect(() => new GlueNetworkGuard({ reportFileName: 'x', planFileName: 'x' })).toThrow(/different names/);
  });

  test('unhealthy AZs: the what-if moves the selection to the connection in a healthy zone', () => {
    const s = seedApp({ secondAz: true });
    const g = guard(s.app, { unhealthyAvailabilityZones: ['current-region-az1'] });
    s.app.synth();
    const plan = JSON.parse(g.lastPlanJson!);
    expect(plan.azDown).toEqual(['current-region-az1']);
    expect(plan.jobs[0].selectedConnection.constructPath).toBe('Etl/NetworkA2/Resource');
  });
});

describe('GlueNetworkGuard as annotations, across stages', () => {
  test('one analysis covers the stacks of every stage; findings land in the staged stacks; auto-peer places within the stage', () => {
    const app = new App();
    const prod = stagedJob(new Stage(app, 'Prod'));
    const dev = stagedJob(new Stage(app, 'Dev'));
    const g = guard(app);
    // Annotations.fromStack reads the root assembly only: read the stages' assemblies.
    const assembly = app.synth();
    for (const stage of ['Prod', 'Dev']) {
      const messages = assembly.getNestedAssembly(`assembly-${stage}`).getStackByName(`${stage}-Etl`).messages;
      const errors = messages.filter((m) => m.level === 'error' && /GNP-STORE-UNREACHABLE/.test(String(m.entry.data)));
      expect(errors.map((m) => m.id)).toEqual([`/${stage}/Etl/Job/Resource`]);
    }
    void prod;
    void dev;
    // Both stages deploy stacks named Prod-NetA / Dev-NetA...: one plan, two jobs.
    expect(JSON.parse(g.lastPlanJson!).jobs.map((j: any) => j.constructPath).sort()).toEqual(['Dev/Etl/Job/Resource', 'Prod/Etl/Job/Resource']);

    const fixed = new App();
    const staged = stagedJob(new Stage(fixed, 'Prod'));
    guard(fixed, { mode: GuardMode.AUTO_PEER, failover: false });
    const fixedAssembly = fixed.synth().getNestedAssembly('assembly-Prod');
    const etlTemplate = fixedAssembly.getStackByName('Prod-Etl').template;
    expect(Object.values<any>(etlTemplate.Resources).filter((r) => r.Type === 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
    expect(fixedAssembly.stacks.flatMap((st) => st.messages).filter((m) => m.level === 'error')).toEqual([]);
    void staged;
  });
});

describe('GlueNetworkGuard as annotations, warn-only mode', () => {
  test('errors become acknowledgeable warnings; synthesis is not failed', () => {
    const s = seedApp();
    guard(s.app, { mode: GuardMode.WARN_ONLY });
    expect(gnpErrors(s.a, s.b, s.c, s.etl)).toEqual([]);
    expect(Annotations.fromStack(s.etl).findWarning('/Etl/LoadWarehouse/Resource', STORE_UNREACHABLE)).toHaveLength(2);
  });
});

describe('GlueNetworkGuard as annotations, auto-peer mode', () => {
  test("the seed's case: peerings in the ETL stack, routes on both sides for the needed CIDRs, port-only ingress; no error left", () => {
    const s = seedApp({ secondAz: true });
    guard(s.app, { mode: GuardMode.AUTO_PEER });
    const etl = Template.fromStack(s.etl);
    // A-B and A-C: after a failure of the first AZ Glue selects the NETWORK connection in A's
    // second subnet, so that subnet needs routes as well.
    etl.resourceCountIs('AWS::EC2::VPCPeeringConnection', 2);
    const routes = Object.values(etl.findResources('AWS::EC2::Route')).map((r: any) => r.Properties);
    const destinations = routes.map((r) => r.DestinationCidrBlock).sort();
    // The RDS instances may live in either subnet of their subnet group: A's two subnets get
    // routes to B's and C's two subnets, and those four subnets get routes back to A's two.
    expect(destinations).toEqual([
      ...Array(4).fill('10.1.0.0/24'), ...Array(4).fill('10.1.1.0/24'),
      '10.2.0.0/24', '10.2.0.0/24', '10.2.1.0/24', '10.2.1.0/24', '10.3.0.0/24', '10.3.0.0/24', '10.3.1.0/24', '10.3.1.0/24',
    ]);
    for (const r of routes) {
      expect(r.RouteTableId).toEqual({ 'Fn::ImportValue': expect.stringMatching(/^Network[ABC]:/) });
      expect(r.VpcPeeringConnectionId).toEqual({ Ref: expect.stringMatching(/^GlueNetplanAutoPeerPeering/) });
    }
    const ingress = Object.values(etl.findResources('AWS::EC2::SecurityGroupIngress')).map((r: any) => r.Properties);
    expect(ingress.map((r) => [r.IpProtocol, r.FromPort, r.ToPort])).toEqual([['tcp', 3306, 3306], ['tcp', 5432, 5432]]);
    for (const r of ingress) {
      expect(r.CidrIp).toBeUndefined();
      expect(r.SourceSecurityGroupId).toEqual({ 'Fn::ImportValue': expect.stringMatching(/^NetworkA:.*GlueGroup/) });
    }
    expect(gnpErrors(s.a, s.b, s.c, s.etl)).toEqual([]);
  });

  test('no dependency cycle: the network stacks never reference the ETL stack, and the assembly synthesizes', () => {
    const s = seedApp();
    guard(s.app, { mode: GuardMode.AUTO_PEER });
    const assembly = s.app.synth();
    for (const net of ['NetworkA', 'NetworkB', 'NetworkC']) {
      expect(JSON.stringify(assembly.getStackByName(net).template)).not.toMatch(/ImportValue/);
      expect(assembly.getStackByName(net).dependencies.map((d) => d.id)).not.toContain('Etl');
    }
    expect(assembly.getStackByName('Etl').dependencies.map((d) => d.id).filter((id) => !id.endsWith('.assets')).sort()).toEqual(['NetworkA', 'NetworkB', 'NetworkC']);
  });

  test('placement avoids a cycle when a store network stack already depends on the job stack', () => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const b = new NetworkStack(app, 'NetB', '10.2.0.0/16');
    const etl = new Stack(app, 'Etl');
    // Both connections sit in A's subnets; the MySQL store in B is addressed by IP, so Etl does
    // not reference B, and B deploys after Etl: the peering cannot go in Etl (Etl -> B -> Etl),
    // nor in A (B -> Etl -> A -> B); it goes in B.
    b.addStackDependency(etl);
    const conn = (id: string, subnet: ec2.ISubnet, ip: string) => new glue.Connection(etl, id, {
      type: glue.ConnectionType.JDBC,
      network: glue.ConnectionNetwork.subnet(subnet),
      securityGroups: [a.glueGroup],
      properties: { JDBC_CONNECTION_URL: `jdbc:mysql://${ip}:3306/x` },
    });
    new glue.PythonShellJob(etl, 'Job', {
      role: new iam.Role(etl, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
      script: glue.Code.fromBucket(new s3.Bucket(etl, 'B'), 'a.py'),
      connections: [conn('ConnA', a.vpc.isolatedSubnets[0], '10.1.0.10'), conn('ConnB', a.vpc.isolatedSubnets[0], '10.2.0.10')],
    });
    // The store's groups are not known, so peered it would be UNKNOWN, which auto-peer refuses;
    // acknowledged, the peering is still placed, as earlier versions placed it.
    Validations.of(app).acknowledge({ id: 'cdk-glue-netplan::GNP-AUTOPEER-UNFIXABLE', reason: 'the store admits A by hand' });
    const g = guard(app, { mode: GuardMode.AUTO_PEER, failover: false });
    expect(() => app.synth()).not.toThrow();
    Template.fromStack(etl).resourceCountIs('AWS::EC2::VPCPeeringConnection', 0);
    Template.fromStack(a).resourceCountIs('AWS::EC2::VPCPeeringConnection', 0);
    Template.fromStack(b).resourceCountIs('AWS::EC2::VPCPeeringConnection', 1);
    expect(gnpErrors(a, b, etl).map((m) => String(m.entry.data)).filter((e) => !/GNP-AUTOPEER-UNFIXABLE/.test(e))).toEqual([]);
    // The summary says why the peering is there though the path's repair was refused.
    expect(Annotations.fromStack(etl).findInfo('*', Match.stringLikeRegexp('GNP-AUTOPEER-ADDED')).map((m) => String(m.entry.data))).toEqual([
      expect.stringMatching(/kept for a path whose repair auto-peer refused, as GNP-AUTOPEER-UNFIXABLE is acknowledged/),
    ]);
    // Routing is repaired; the store's groups stay unknown (A's group cannot guard a store in B),
    // so its verdict is UNKNOWN, a warning, until the store is declared.
    const stores = JSON.parse(g.lastPlanJson!).jobs[0].dataStores;
    expect(stores.map((d: any) => d.verdict)).toEqual(['REACHABLE', 'UNKNOWN']);
    expect(stores[1].explanations.map((e: any) => e.code)).toEqual(['UNKNOWN_SECURITY_GROUP_RULES']);
  });

  test('a store whose groups are not known would stay UNKNOWN after a peering: auto-peer adds nothing for it and says so (was: peered, the store left UNKNOWN)', () => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const b = new NetworkStack(app, 'NetB', '10.2.0.0/16');
    const etl = new Stack(app, 'Etl');
    const conn = new glue.Connection(etl, 'ConnB', {
      type: glue.ConnectionType.JDBC,
      network: glue.ConnectionNetwork.subnet(a.vpc.isolatedSubnets[0]),
      securityGroups: [a.glueGroup],
      properties: { JDBC_CONNECTION_URL: 'jdbc:mysql://10.2.0.10:3306/x' },
    });
    new glue.PythonShellJob(etl, 'Job', {
      role: new iam.Role(etl, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
      script: glue.Code.fromBucket(new s3.Bucket(etl, 'B'), 'a.py'),
      connections: [conn],
    });
    guard(app, { mode: GuardMode.AUTO_PEER, failover: false });
    app.synth();
    for (const stack of [a, b, etl]) Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCPeeringConnection', 0);
    expect(gnpErrors(a, b, etl).map((m) => String(m.entry.data)).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e))).toEqual([
      expect.stringMatching(/the path would still be UNKNOWN \(.*\), and auto-peer adds only what it can show makes a path REACHABLE, so auto-peer adds nothing for this path/),
    ]);
  });

  test('idempotent: re-synthesizing and reading annotations twice adds nothing twice', () => {
    const s = seedApp();
    guard(s.app, { mode: GuardMode.AUTO_PEER });
    const first = JSON.stringify(Template.fromStack(s.etl).toJSON());
    const warnings = gnpWarnings(s.etl).length;
    s.app.synth({ force: true });
    expect(JSON.stringify(Template.fromStack(s.etl).toJSON())).toEqual(first);
    expect(gnpWarnings(s.etl).length).toBe(warnings);
    expect(gnpErrors(s.etl)).toEqual([]);
  });

  test('a second guard in fail mode after auto-peer finds no error', () => {
    const s = seedApp();
    guard(s.app, { mode: GuardMode.AUTO_PEER });
    const check = new GlueNetworkGuard({ reporting: GuardReporting.ANNOTATIONS });
    Aspects.of(s.app).add(check, { priority: AspectPriority.READONLY + 1 });
    s.app.synth();
    const plan = JSON.parse(check.lastPlanJson!);
    expect(plan.jobs[0].dataStores.map((d: any) => d.verdict)).toEqual(['REACHABLE', 'REACHABLE', 'REACHABLE']);
    expect(gnpErrors(s.a, s.b, s.c, s.etl)).toEqual([]);
  });

  test('unfixable: overlapping CIDRs stay an error that says why; the other VPC is still peered', () => {
    const s = seedApp({ cidrB: '10.1.0.0/16' });
    guard(s.app, { mode: GuardMode.AUTO_PEER, failover: false });
    const etl = Template.fromStack(s.etl);
    etl.resourceCountIs('AWS::EC2::VPCPeeringConnection', 1);
    const errors = gnpErrors(s.a, s.b, s.c, s.etl).map((e) => String(e.entry.data));
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/GNP-AUTOPEER-UNFIXABLE.*overlapping CIDR blocks \(10\.1\.0\.0\/16\)/)]));
    expect(errors.filter((t) => /GNP-STORE-UNREACHABLE/.test(t))).toHaveLength(1);
  });
});

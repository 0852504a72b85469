import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AppProps, AspectPriority, Aspects, Stage, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { capturingConsoleError } from './quiet-cdk';
import { seedApp, SeedOptions, stagedJob } from './seed-app';
import { GlueNetworkGuard, GlueNetworkGuardProps, GuardMode, GuardReporting } from '../../src/cdk/guard';

/*
 * The guard's default reporting: CDK's validation report, from the templates CDK writes.
 * (GuardReporting.ANNOTATIONS, which reads the construct tree, is in guard.test.ts.)
 */

interface Violation {
  readonly ruleName: string;
  readonly severity: string;
  readonly description: string;
  readonly suggestedFix?: string;
  readonly constructPaths: string[];
}

interface Synthesized {
  /** `name: message` of the error app.synth() threw, if it did. */
  readonly thrown?: string;
  /** This library's violations in CDK's validation report (validation-report.json). */
  readonly violations: Violation[];
  /** What CDK printed: the report, when its violations are only warnings. */
  readonly printed: string;
  readonly outdir: string;
}

function outdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'guard-report-'));
}

function guard(scope: IConstruct, props: GlueNetworkGuardProps = {}, priority = AspectPriority.READONLY): GlueNetworkGuard {
  const g = new GlueNetworkGuard(props);
  Aspects.of(scope).add(g, { priority });
  return g;
}

/** Synthesizes as `cdk synth` would in a test (NODE_ENV=test: CDK throws on a failed validation). */
function synth(app: App): Synthesized {
  let thrown: string | undefined;
  const { printed } = capturingConsoleError(() => {
    try {
      app.synth();
    } catch (e) {
      thrown = `${(e as Error).name}: ${(e as Error).message}`;
    }
  });
  const file = path.join(app.outdir, 'validation-report.json');
  const report = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { pluginReports: [] };
  const violations: Violation[] = report.pluginReports
    .filter((r: any) => r.pluginName === 'cdk-glue-netplan')
    .flatMap((r: any) => r.violations)
    .map((v: any) => ({
      ruleName: v.ruleName,
      severity: v.severity,
      description: v.description,
      suggestedFix: v.suggestedFix,
      constructPaths: v.violatingConstructs.map((c: any) => c.constructPath),
    }));
  return { thrown, violations, printed, outdir: app.outdir };
}

function seed(options: SeedOptions & { appProps?: AppProps } = {}) {
  return seedApp({ ...options, appProps: { outdir: outdir(), ...options.appProps } });
}

/** `RULE on path` for each violating construct. */
function located(violations: Violation[]): string[] {
  return violations.flatMap((v) => v.constructPaths.map((p) => `${v.ruleName} ${v.severity} on ${p}`)).sort();
}

describe('GlueNetworkGuard in CDK validation report (default)', () => {
  test("the seed's case fails synthesis: the report has the error on the job, with the blocked hops and the fix", () => {
    const s = seed();
    const g = guard(s.app);
    expect(g.reporting).toBe(GuardReporting.VALIDATION_REPORT);
    const { thrown, violations, outdir: dir } = synth(s.app);
    // In a test, CDK throws with the whole report in the message.
    expect(thrown).toMatch(/^ValidationFailed: /);
    expect(thrown).toMatch(/ERROR A data store is unreachable from the connection Glue selects\.\n- Job load-warehouse: /);
    expect(thrown).toMatch(/Etl\/LoadWarehouse\/Resource \(LoadWarehouse\w+\) aws-cdk-lib\.aws_glue\.CfnJob/);
    expect(thrown).toMatch(/Acknowledge with 'cdk-glue-netplan::GNP-STORE-UNREACHABLE'/);
    expect(located(violations)).toEqual([
      'GNP-FAILOVER-NO-CONNECTION warning on Etl/LoadWarehouse/Resource',
      'GNP-STORE-UNREACHABLE error on Etl/LoadWarehouse/Resource',
    ]);
    const unreachable = violations.find((v) => v.ruleName === 'GNP-STORE-UNREACHABLE')!;
    expect(unreachable.description).toMatch(/MysqlConnection\w+ \(rds-instance, TCP 3306\) is UNREACHABLE/);
    expect(unreachable.description).toMatch(/PostgresConnection\w+ \(rds-instance, TCP 5432\) is UNREACHABLE/);
    expect(unreachable.description).toMatch(/DISCONNECTED_VPCS/);
    // Named by construct path, not by hashed logical ID.
    expect(unreachable.suggestedFix).toMatch(/^Peer NetworkA\/Vpc with NetworkB\/Vpc /m);
    // Fail mode adds nothing to the app.
    expect(fs.readFileSync(path.join(dir, 'Etl.template.json'), 'utf8')).not.toMatch(/VPCPeeringConnection/);
  });

  test('each unreachable store is said short: one line (job, store, selected connection), its blocking hops, the fix; how Glue places ENIs once', () => {
    const s = seed();
    guard(s.app);
    const { thrown, violations } = synth(s.app);
    const unreachable = violations.find((v) => v.ruleName === 'GNP-STORE-UNREACHABLE')!;
    const lines = unreachable.description.split('\n');
    expect(lines[0]).toBe('A data store is unreachable from the connection Glue selects.');
    const stores = lines.filter((l) => l.startsWith('- '));
    expect(stores).toEqual([
      expect.stringMatching(/^- Job load-warehouse: the data store of connection MysqlConnection\w+ \(rds-instance, TCP 3306\) is UNREACHABLE from the connection Glue selects \(RedshiftConnection\w+ in NetworkA\/Vpc\/\w+\/Subnet, NetworkA\/Vpc\) \[DISCONNECTED_VPCS, ENI_SG_RULES_MISMATCH\]\.$/),
      expect.stringMatching(/^- Job load-warehouse: the data store of connection PostgresConnection\w+ \(rds-instance, TCP 5432\) is UNREACHABLE /),
    ]);
    // Under each store, one short line per blocking hop.
    const mysql = lines.slice(lines.indexOf(stores[0]) + 1, lines.indexOf(stores[1]));
    expect(mysql.length).toBeGreaterThanOrEqual(2);
    for (const hop of mysql) expect(hop).toMatch(/^  - (DISCONNECTED_VPCS|ENI_SG_RULES_MISMATCH)( at \S+)?: /);
    expect(mysql.join('\n')).toMatch(/^  - ENI_SG_RULES_MISMATCH: The data store's security groups \(NetworkB\/GlueGroup\w+\) do not allow TCP 3306 from 10\.1\.0\.0\/24\./m);
    // Why a security group blocks is said once, not once per store.
    expect(unreachable.description.match(/Security groups are stateful/g)).toHaveLength(1);
    // How Glue places ENIs: once in the whole report (the thrown error is CDK's whole report).
    expect(thrown!.match(/Glue places ENIs in one connection's subnet only/g)).toHaveLength(1);
    expect(lines).toContain("Glue places ENIs in one connection's subnet only and never checks the others' reachability.");
    // The fix: one step a line, a peering once although the forward and the return path both need it.
    const fix = unreachable.suggestedFix!.split('\n');
    expect(fix.filter((step) => /^Peer NetworkA\/Vpc with NetworkB\/Vpc /.test(step))).toHaveLength(1);
    expect(fix.filter((step) => /^Peer NetworkB\/Vpc with NetworkA\/Vpc /.test(step))).toHaveLength(0);
    expect(fix.filter((step) => /^Peer NetworkA\/Vpc with NetworkC\/Vpc /.test(step))).toHaveLength(1);
    // The routes auto-peer would add: subnet CIDRs, one line per route table, named by construct path.
    expect(fix.filter((step) => step.startsWith('In route table NetworkA/Vpc/dataSubnet1/RouteTable'))).toEqual([
      'In route table NetworkA/Vpc/dataSubnet1/RouteTable, route 10.2.0.0/24 and 10.2.1.0/24 to the new peering of NetworkA/Vpc and NetworkB/Vpc.',
      'In route table NetworkA/Vpc/dataSubnet1/RouteTable, route 10.3.0.0/24 and 10.3.1.0/24 to the new peering of NetworkA/Vpc and NetworkC/Vpc.',
    ]);
    expect(fix).toContain('In route table NetworkB/Vpc/dataSubnet2/RouteTable, route 10.1.0.0/24 to the new peering of NetworkA/Vpc and NetworkB/Vpc.');
    expect(fix.filter((step) => /^Add ingress TCP (3306|5432) /.test(step))).toHaveLength(2);
  });

  test('finds what the annotations reporting finds, on the same constructs', () => {
    const cases: (SeedOptions & { mode?: GuardMode })[] = [{}, { secondAz: true }, { mode: GuardMode.AUTO_PEER, cidrB: '10.1.0.0/16' }];
    for (const { mode, ...options } of cases) {
      const viaReport = seed(options);
      guard(viaReport.app, { mode });
      const fromReport = located(synth(viaReport.app).violations);

      const viaAnnotations = seed(options);
      guard(viaAnnotations.app, { mode, reporting: GuardReporting.ANNOTATIONS });
      const assembly = viaAnnotations.app.synth();
      const fromAnnotations = assembly.stacks.flatMap((stack) => stack.messages)
        .filter((m) => /\[GNP-/.test(String(m.entry.data)))
        .map((m) => `${String(m.entry.data).match(/GNP-[A-Z0-9-]+/)![0]} ${m.level} on ${m.id.slice(1)}`)
        .sort();
      expect({ options, findings: fromReport }).toEqual({ options, findings: [...new Set(fromAnnotations)] });
      expect(fromReport.length).toBeGreaterThan(0);
    }
  });

  test('writes the plan and the Markdown report into the cloud assembly, with construct paths', () => {
    const s = seed();
    const g = guard(s.app);
    const { outdir: dir } = synth(s.app);
    const plan = JSON.parse(fs.readFileSync(path.join(dir, 'glue-netplan.plan.json'), 'utf8'));
    expect(plan.jobs.map((j: any) => [j.constructPath, j.dataStores.map((d: any) => d.verdict)])).toEqual([
      ['Etl/LoadWarehouse/Resource', ['REACHABLE', 'UNREACHABLE', 'UNREACHABLE']],
    ]);
    expect(plan.summary).toEqual({ jobs: 1, errors: 2, warnings: 1, infos: 0 });
    expect(JSON.parse(g.lastPlanJson!)).toEqual(plan);
    expect(fs.readFileSync(path.join(dir, 'glue-netplan.report.md'), 'utf8')).toMatch(/^## Glue network plan/);
  });

  test('a plan left by an earlier synthesis is removed first, so CDK can refuse plugins that change the assembly', () => {
    const dir = outdir();
    fs.writeFileSync(path.join(dir, 'glue-netplan.plan.json'), '{"stale":true}');
    // CDK's check that plugins leave the assembly as it was (aws-cdk-lib newer than the minimum 2.270.0; older ones ignore the property).
    const mutationCheck = { confirmValidationPluginsDoNotMutate: true };
    const s = seed({ appProps: { outdir: dir, ...mutationCheck } });
    guard(s.app, { mode: GuardMode.WARN_ONLY });
    expect(synth(s.app).thrown).toBeUndefined();
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'glue-netplan.plan.json'), 'utf8')).version).toBe(1);
  });

  test('acknowledging a rule by its namespaced ID suppresses it; the errors still fail synthesis', () => {
    const s = seed();
    Validations.of(s.etl).acknowledge({ id: 'cdk-glue-netplan::GNP-FAILOVER-NO-CONNECTION', reason: 'single-AZ by design' });
    guard(s.app);
    const { thrown, violations } = synth(s.app);
    expect(located(violations)).toEqual(['GNP-STORE-UNREACHABLE error on Etl/LoadWarehouse/Resource']);
    expect(thrown).toMatch(/^ValidationFailed: /);
  });

  test('warn-only: every finding is a warning and synthesis goes on, with the report printed', () => {
    const s = seed();
    guard(s.app, { mode: GuardMode.WARN_ONLY });
    const { thrown, violations, printed } = synth(s.app);
    expect(thrown).toBeUndefined();
    expect(printed).toMatch(/WARNING A data store is unreachable from the connection Glue selects\.\n- Job load-warehouse: /);
    expect(located(violations)).toEqual([
      'GNP-FAILOVER-NO-CONNECTION warning on Etl/LoadWarehouse/Resource',
      'GNP-STORE-UNREACHABLE warning on Etl/LoadWarehouse/Resource',
    ]);
  });

  test('auto-peer: the tree is repaired, then the written templates are checked: every store reachable, nothing reported', () => {
    const s = seed({ secondAz: true });
    const g = guard(s.app, { mode: GuardMode.AUTO_PEER });
    const { thrown, violations } = synth(s.app);
    expect(thrown).toBeUndefined();
    // Only what auto-peer says it added, once: an info entry on the job, per stack and why.
    expect(violations.filter((v: any) => v.severity !== 'info')).toEqual([]);
    const added = violations.filter((v: any) => v.ruleName === 'GNP-AUTOPEER-ADDED');
    expect(added).toHaveLength(1);
    expect(added[0].constructPaths).toEqual(['Etl/LoadWarehouse/Resource']);
    expect(added[0].description).toMatch(/in stack Etl: peering Etl\/GlueNetplanAutoPeer\/Peering-\S+ between NetworkA\/Vpc and NetworkB\/Vpc \(job Etl\/LoadWarehouse reaches the data store of MysqlConnection\w+\)/);
    expect(added[0].description).toMatch(/routes in NetworkA\/Vpc\/dataSubnet1\/RouteTable to 10\.2\.0\.0\/24, 10\.2\.1\.0\/24 through it/);
    expect(added[0].description).toMatch(/ingress TCP 3306 on NetworkB\/GlueGroup from NetworkA\/GlueGroup, after Etl\/GlueNetplanAutoPeer\/Peering-\S+ \(job load-warehouse: .*the connection's Glue group/);
    const report = fs.readFileSync(path.join(s.app.outdir, 'glue-netplan.report.md'), 'utf8');
    expect(report).toMatch(/GNP-AUTOPEER-ADDED/);
    Template.fromStack(s.etl).resourceCountIs('AWS::EC2::VPCPeeringConnection', 2);
    const plan = JSON.parse(g.lastPlanJson!);
    expect(plan.jobs[0].dataStores.map((d: any) => d.verdict)).toEqual(['REACHABLE', 'REACHABLE', 'REACHABLE']);
    expect(plan.jobs[0].failover.map((f: any) => f.allReachable)).toEqual([true, true]);
  });

  test('auto-peer, unfixable (overlapping CIDRs): the error that says why is on the peering-less VPC, and synthesis fails', () => {
    const s = seed({ cidrB: '10.1.0.0/16' });
    guard(s.app, { mode: GuardMode.AUTO_PEER, failover: false });
    const { thrown, violations } = synth(s.app);
    expect(thrown).toMatch(/^ValidationFailed: /);
    const unfixable = violations.filter((v) => v.ruleName === 'GNP-AUTOPEER-UNFIXABLE');
    expect(unfixable.map((v) => v.severity)).toEqual(['error']);
    expect(unfixable[0].description).toMatch(/overlapping CIDR blocks \(10\.1\.0\.0\/16\)/);
    expect(unfixable[0].constructPaths.length).toBeGreaterThan(0);
    expect(located(violations.filter((v) => v.ruleName === 'GNP-STORE-UNREACHABLE'))).toEqual(['GNP-STORE-UNREACHABLE error on Etl/LoadWarehouse/Resource']);
  });

  test('stages: one check covers the stacks of every stage; a guard on one stage checks only that stage', () => {
    const app = new App({ outdir: outdir() });
    stagedJob(new Stage(app, 'Prod'));
    stagedJob(new Stage(app, 'Dev'));
    const g = guard(app);
    expect(located(synth(app).violations.filter((v) => v.ruleName === 'GNP-STORE-UNREACHABLE'))).toEqual([
      'GNP-STORE-UNREACHABLE error on Dev/Etl/Job/Resource',
      'GNP-STORE-UNREACHABLE error on Prod/Etl/Job/Resource',
    ]);
    expect(JSON.parse(g.lastPlanJson!).jobs.map((j: any) => j.constructPath).sort()).toEqual(['Dev/Etl/Job/Resource', 'Prod/Etl/Job/Resource']);

    const scoped = new App({ outdir: outdir() });
    const prod = new Stage(scoped, 'Prod');
    stagedJob(prod);
    stagedJob(new Stage(scoped, 'Dev'));
    const onProd = guard(prod);
    expect(located(synth(scoped).violations.filter((v) => v.ruleName === 'GNP-STORE-UNREACHABLE'))).toEqual([
      'GNP-STORE-UNREACHABLE error on Prod/Etl/Job/Resource',
    ]);
    expect(JSON.parse(onProd.lastPlanJson!).jobs.map((j: any) => j.constructPath)).toEqual(['Prod/Etl/Job/Resource']);

    // Auto-peer places within the stage (whose assembly CDK wrote before the App's aspects ran).
    const fixed = new App({ outdir: outdir() });
    stagedJob(new Stage(fixed, 'Prod'));
    const repairing = guard(fixed, { mode: GuardMode.AUTO_PEER, failover: false });
    const repaired = synth(fixed);
    expect(repaired.thrown).toBeUndefined();
    expect(repaired.violations.filter((v: any) => v.severity !== 'info')).toEqual([]);
    const etl = fixed.synth().getNestedAssembly('assembly-Prod').getStackByName('Prod-Etl').template;
    expect(Object.values<any>(etl.Resources).filter((r) => r.Type === 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
    expect(JSON.parse(repairing.lastPlanJson!).jobs[0].dataStores.map((d: any) => d.verdict)).toEqual(['REACHABLE', 'REACHABLE']);
  });

  test('under a root that is not an App (CDK runs no validation plugin there), the guard reports as annotations', () => {
    const root = new Stage(undefined as any, 'Root', { outdir: outdir() });
    stagedJob(root);
    const g = guard(root);
    const messages = root.synth().getStackByName('Root-Etl').messages.filter((m) => /\[GNP-/.test(String(m.entry.data)));
    expect(messages.map((m) => `${m.level} ${m.id}`)).toEqual(['error /Root/Etl/Job/Resource', 'warning /Root/Etl/Job/Resource']);
    expect(JSON.parse(g.lastPlanJson!).summary).toEqual({ jobs: 1, errors: 1, warnings: 1, infos: 0 });
  });

  test('re-synthesizing checks again and registers nothing twice', () => {
    const s = seed();
    guard(s.app, { mode: GuardMode.WARN_ONLY });
    const first = synth(s.app).violations;
    capturingConsoleError(() => s.app.synth({ force: true }));
    const again = synth(s.app).violations;
    expect(again).toEqual(first);
    // The annotations reporting is not used: no GNP- annotation on any construct.
    expect(capturingConsoleError(() => Annotations.fromStack(s.etl).findWarning('*', Match.stringLikeRegexp('GNP-'))).result).toEqual([]);
  });
});

describe('lastPlanJson after a synthesis whose check made no plan', () => {
  test('is undefined, not the plan of the synthesis before (was: the earlier plan, whose files this synthesis had removed)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-stale-plan-'));
    const factsFile = path.join(dir, 'facts.json');
    fs.writeFileSync(factsFile, '{}');
    const reused = new GlueNetworkGuard({ factsFile });
    const first = seed();
    Aspects.of(first.app).add(reused);
    expect(() => first.app.synth()).toThrow(/GNP-STORE-UNREACHABLE/);
    expect(reused.lastPlanJson).toBeDefined();
    // The same guard on the next synthesis, whose facts file cannot be read: nothing checked.
    fs.rmSync(factsFile);
    const second = seed();
    Aspects.of(second.app).add(reused);
    expect(() => second.app.synth()).toThrow(/GNP-INPUT-UNREADABLE/);
    expect(reused.lastPlanJson).toBeUndefined();
  });
});

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { AspectPriority, Aspects, NestedStack, Validations, aws_glue as glue, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { capturingConsoleError, withoutCdkTemplateCheck } from './quiet-cdk';
import { seedApp } from './seed-app';
import { GlueNetworkGuard, GlueNetworkGuardProps, GuardMode } from '../../src/cdk/guard';
import { CheckWorker, settleAll, useWorkerScript, WORKER_DEFAULTS, WorkerScript } from '../../src/cdk/private/check-in-worker';
import { GlueNetworkValidationPlugin } from '../../src/cdk/validation-plugin';

/*
 * The check of the templates in a worker thread (issue 18): the same findings, violations, plan
 * file, Markdown report and lastPlanJson as in CDK's thread; a worker that stops is a failing
 * violation, never a hang or a pass; where no worker can run, CDK's thread checks.
 *
 * Under ts-jest this library is TypeScript, so no worker runs unless a test gives one: these run
 * the worker's TypeScript source with ts-node's register (slow to start: seconds per worker).
 */

jest.setTimeout(240_000);
withoutCdkTemplateCheck();

const TS_WORKER: WorkerScript = {
  file: path.resolve(__dirname, '../../src/cdk/private/check-worker.ts'),
  execArgv: ['-r', 'ts-node/register/transpile-only'],
};

afterEach(() => useWorkerScript(undefined));

interface Outcome {
  readonly thrown?: string;
  /** This library's violations in CDK's validation report, the output directory written OUT. */
  readonly violations: string;
  readonly plan?: string;
  readonly report?: string;
  readonly guard?: GlueNetworkGuard;
  readonly outdir: string;
  /** What each CheckWorker.run gave: 'done', undefined (could not load), or the error it threw. */
  readonly workerRuns: (string | undefined)[];
}

function workerScriptFile(name: string, code: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-worker-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, code);
  return file;
}

/**
 * The seed's broken case (two unreachable stores) with a second job in a nested stack of Etl,
 * synthesized in process (no path metadata: the check asks CDK's thread for construct paths).
 */
function synth(check: { guard?: GlueNetworkGuardProps; plugin?: boolean; workerThread?: boolean; settle?: boolean }): Outcome {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-worker-app-'));
  const s = seedApp({ appProps: { outdir } });
  const nested = new NestedStack(s.etl, 'More');
  new glue.PySparkEtlJob(nested, 'Extra', {
    jobName: 'extra',
    role: new iam.Role(nested, 'ExtraRole', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
    script: glue.Code.fromBucket(new s3.Bucket(nested, 'ExtraScripts'), 'extra.py'),
    connections: [s.connections[0], s.connections[1]],
    workerConfiguration: { workerType: glue.WorkerType.G_1X, numberOfWorkers: 2 },
  });
  let guard: GlueNetworkGuard | undefined;
  if (check.guard) Aspects.of(s.app).add(guard = new GlueNetworkGuard({ ...check.guard, workerThread: check.workerThread }), { priority: AspectPriority.READONLY });
  if (check.plugin) Validations.of(s.app).addPlugins(new GlueNetworkValidationPlugin({ workerThread: check.workerThread }));
  const run = jest.spyOn(CheckWorker.prototype, 'run');
  let thrown: string | undefined;
  let workerRuns: (string | undefined)[] = [];
  try {
    capturingConsoleError(() => {
      try {
        s.app.synth();
      } catch (e) {
        // CDK names the report file by its absolute path or relative to the working directory.
        thrown = `${(e as Error).name}: ${(e as Error).message}`.split(outdir).join('OUT').split(path.relative(process.cwd(), outdir)).join('OUT');
      }
    });
    workerRuns = run.mock.results.map((r) => (r.type === 'return' ? r.value?.kind : `${(r.value as Error)?.name}`));
  } finally {
    run.mockRestore();
  }
  // A worker writes the plan file and the report after it sent its report.
  if (check.settle !== false) settleAll();
  const read = (name: string) => (fs.existsSync(path.join(outdir, name)) ? fs.readFileSync(path.join(outdir, name), 'utf8').split(outdir).join('OUT') : undefined);
  const report = JSON.parse(read('validation-report.json') ?? '{"pluginReports":[]}');
  const ours = report.pluginReports.filter((r: any) => r.pluginName === 'cdk-glue-netplan');
  return {
    thrown,
    // Where each construct was created is this file's line of the call: not the check's.
    violations: JSON.stringify(ours, (key, value) => (key === 'stackTraces' ? undefined : value), 1),
    plan: read('glue-netplan.plan.json'),
    report: read('glue-netplan.report.md'),
    guard,
    outdir,
    workerRuns,
  };
}

describe('the guard\'s check in a worker thread', () => {
  test('same violations, plan file, Markdown report and lastPlanJson as in CDK\'s thread; lastPlanJson read from the plan file, refused once the file changed', () => {
    const inThread = synth({ guard: { mode: GuardMode.WARN_ONLY }, workerThread: false });
    useWorkerScript(TS_WORKER);
    const inWorker = synth({ guard: { mode: GuardMode.WARN_ONLY }, workerThread: true });
    expect(inThread.workerRuns).toEqual([]);
    expect(inWorker.workerRuns).toEqual(['done']);
    expect(inWorker.thrown).toBeUndefined();
    // The nested stack's job, and construct paths the in-process synthesis did not write.
    expect(inWorker.violations).toMatch(/Etl\/More\/Extra\/Resource/);
    expect(inWorker.violations).toMatch(/"constructPath": "Etl\/LoadWarehouse\/Resource"/);
    expect(inWorker.violations).toEqual(inThread.violations);
    expect(inWorker.plan).toBeDefined();
    expect(inWorker.plan).toEqual(inThread.plan);
    expect(inWorker.report).toEqual(inThread.report);
    const json = (o: Outcome) => o.guard!.lastPlanJson!.split(o.outdir).join('OUT');
    expect(json(inWorker)).toEqual(json(inThread));
    expect(json(inWorker)).toEqual(`${JSON.stringify(JSON.parse(inWorker.plan!), null, 2)}`);
    // A plan file changed since the synthesis is not taken for its plan.
    fs.appendFileSync(path.join(inWorker.outdir, 'glue-netplan.plan.json'), ' ');
    expect(() => inWorker.guard!.lastPlanJson).toThrow(/the plan file .*glue-netplan\.plan\.json was changed since the synthesis wrote it/);
  });

  test('FAIL mode without a plan file: the same failure, and lastPlanJson from the plan the worker sent back', () => {
    const props: GlueNetworkGuardProps = { mode: GuardMode.FAIL, planFileName: '' };
    const inThread = synth({ guard: props, workerThread: false });
    useWorkerScript(TS_WORKER);
    const inWorker = synth({ guard: props, workerThread: true });
    expect(inWorker.workerRuns).toEqual(['done']);
    expect(inWorker.thrown).toMatch(/^ValidationFailed: /);
    expect(inWorker.thrown).toEqual(inThread.thrown);
    expect(inWorker.violations).toEqual(inThread.violations);
    expect(inWorker.plan).toBeUndefined();
    expect(inWorker.report).toEqual(inThread.report);
    expect(inWorker.guard!.lastPlanJson!.split(inWorker.outdir).join('OUT')).toEqual(inThread.guard!.lastPlanJson!.split(inThread.outdir).join('OUT'));
  });

  test('a worker that stops before its report (it exits, or runs out of memory) fails the check with a violation saying so: no hang, no pass, even in WARN_ONLY', () => {
    const exits = workerScriptFile('exits.js', 'exports.serve = () => process.exit(7);\n');
    const outOfMemory = workerScriptFile('oom.js', 'exports.serve = () => { const all = []; for (;;) all.push(new Array(100000).fill(all.length)); };\n');
    for (const script of [{ file: exits }, { file: outOfMemory, resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 } }]) {
      useWorkerScript(script);
      const started = Date.now();
      const outcome = synth({ guard: { mode: GuardMode.WARN_ONLY }, workerThread: true });
      expect(outcome.workerRuns).toEqual(['WorkerStopped']);
      expect(outcome.thrown).toMatch(/^ValidationFailed: /);
      expect(outcome.violations).toMatch(/GNP-INPUT-UNREADABLE/);
      // On every stack checked: a violation without a resource would print nothing and not fail synth.
      expect(outcome.thrown).toMatch(/the check's worker thread stopped before it finished/);
      expect(outcome.violations).toMatch(/cdk-glue-netplan: the check's worker thread stopped before it finished \(out of memory, or terminated\), so no Glue job was checked\./);
      expect(outcome.violations).toMatch(/set the guard's workerThread to false/);
      expect(outcome.plan).toBeUndefined();
      expect(Date.now() - started).toBeLessThan(60_000);
    }
  });

  test('a worker that cannot load the check (a module missing, as from a bundle) leaves it to CDK\'s thread: the same violations', () => {
    const inThread = synth({ guard: { mode: GuardMode.WARN_ONLY }, workerThread: false });
    useWorkerScript({ file: path.join(os.tmpdir(), 'no-such-dir', 'check-worker.js') });
    const fallback = synth({ guard: { mode: GuardMode.WARN_ONLY }, workerThread: true });
    expect(fallback.workerRuns).toEqual([undefined]);
    expect(fallback.violations).toEqual(inThread.violations);
    expect(fallback.plan).toEqual(inThread.plan);
  });

  test('by default, no worker (it was not faster in the benchmark, run 12); the size threshold the guard counts still works where one is set', () => {
    useWorkerScript(TS_WORKER);
    const small = synth({ guard: { mode: GuardMode.WARN_ONLY } });
    expect(small.workerRuns).toEqual([]);
    const before = WORKER_DEFAULTS.minConstructs;
    WORKER_DEFAULTS.minConstructs = 50;
    try {
      const large = synth({ guard: { mode: GuardMode.WARN_ONLY } });
      expect(large.workerRuns).toEqual(['done']);
      expect(large.violations).toEqual(small.violations);
    } finally {
      WORKER_DEFAULTS.minConstructs = before;
    }
  });

  test('a request that is not plain data (it cannot be posted) is left to CDK\'s thread', () => {
    useWorkerScript({ file: workerScriptFile('idle.js', 'exports.serve = () => undefined;\n') });
    const worker = CheckWorker.start()!;
    expect(worker).toBeDefined();
    const request = { templatePaths: [], planOptions: {}, extraFindings: [{ notData: () => 1 }], failing: [], warnOnly: false, workaround: '', addConstructPaths: false, keepPlan: false };
    expect(worker.run(request as any, () => undefined)).toBeUndefined();
  });

  test('no worker where the library is TypeScript (ts-node, ts-jest) or the worker script is not beside it', () => {
    expect(CheckWorker.start()).toBeUndefined();
    const outcome = synth({ guard: { mode: GuardMode.WARN_ONLY }, workerThread: true });
    expect(outcome.workerRuns).toEqual([]);
    expect(outcome.violations).toMatch(/GNP-STORE-UNREACHABLE/);
  });
});

/**
 * The real worker (TypeScript, under ts-node's register) whose writing of the plan file and report
 * waits until the file `go` exists (30 s at most), then fails if `fail`, or sleeps `delayMs` first.
 */
function gatedWorker(go: string | undefined, options: { fail?: boolean; delayMs?: number } = {}): WorkerScript {
  const source = path.resolve(__dirname, '../../src/cdk/private');
  const file = workerScriptFile('gated.js', `const fs = require('fs');
const files = require(${JSON.stringify(path.join(source, 'plan-files.ts'))});
const write = files.writePlanFiles;
files.writePlanFiles = (...args) => {
  const sleep = new Int32Array(new SharedArrayBuffer(4));
  const go = ${JSON.stringify(go ?? null)};
  for (const until = Date.now() + 30000; go !== null && !fs.existsSync(go) && Date.now() < until;) Atomics.wait(sleep, 0, 0, 10);
  Atomics.wait(sleep, 0, 0, ${options.delayMs ?? 0});
  if (${!!options.fail}) throw new Error('no space left on device (a test)');
  return write(...args);
};
exports.serve = require(${JSON.stringify(path.join(source, 'check-worker.ts'))}).serve;
`);
  return { file, execArgv: TS_WORKER.execArgv };
}

describe('the worker writes the plan file and the Markdown report after its report (issue 18: beside CDK\'s own checks)', () => {
  const names = (dir: string) => fs.readdirSync(dir).filter((f) => f.startsWith('glue-netplan')).sort();

  test('app.synth() returns before they are written, and no half file is ever under their names; lastPlanJson waits for them; then they are the same as from CDK\'s thread', () => {
    const inThread = synth({ guard: { mode: GuardMode.WARN_ONLY }, workerThread: false });
    const go = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'check-worker-')), 'go');
    useWorkerScript(gatedWorker(go));
    const gated = synth({ guard: { mode: GuardMode.WARN_ONLY }, workerThread: true, settle: false });
    expect(gated.workerRuns).toEqual(['done']);
    expect(gated.violations).toEqual(inThread.violations);
    // Was: the worker wrote them before it sent its report, and CDK's thread waited for that.
    expect(names(gated.outdir)).toEqual([]);
    fs.writeFileSync(go, '');
    expect(gated.guard!.lastPlanJson!.split(gated.outdir).join('OUT')).toEqual(inThread.guard!.lastPlanJson!.split(inThread.outdir).join('OUT'));
    expect(names(gated.outdir)).toEqual(['glue-netplan.plan.json', 'glue-netplan.report.md']);
    const read = (o: Outcome, name: string) => fs.readFileSync(path.join(o.outdir, name), 'utf8').split(o.outdir).join('OUT');
    expect(read(gated, 'glue-netplan.plan.json')).toEqual(inThread.plan);
    expect(read(gated, 'glue-netplan.report.md')).toEqual(inThread.report);
  });

  test('files that cannot be written: lastPlanJson says why; the synthesis itself was already reported', () => {
    useWorkerScript(gatedWorker(undefined, { fail: true }));
    const failed = synth({ guard: { mode: GuardMode.WARN_ONLY }, workerThread: true, settle: false });
    expect(failed.workerRuns).toEqual(['done']);
    expect(failed.violations).toMatch(/GNP-STORE-UNREACHABLE/);
    expect(() => failed.guard!.lastPlanJson).toThrow(/cdk-glue-netplan could not write its plan file or Markdown report: no space left on device \(a test\)/);
    expect(names(failed.outdir)).toEqual([]);
  });

  test('a worker that stops while it writes them (out of memory, terminated) leaves no temporary file in the output directory; lastPlanJson says it stopped', async () => {
    // It stops between writing the plan file under its temporary name and renaming it.
    const source = path.resolve(__dirname, '../../src/cdk/private');
    const file = workerScriptFile('stops-writing.js', `require('fs').renameSync = () => process.exit(9);
exports.serve = require(${JSON.stringify(path.join(source, 'check-worker.ts'))}).serve;
`);
    useWorkerScript({ file, execArgv: TS_WORKER.execArgv });
    const stopped = synth({ guard: { mode: GuardMode.WARN_ONLY }, workerThread: true, settle: false });
    expect(stopped.workerRuns).toEqual(['done']);
    // Read later, once Node.js has seen the worker exit (its threadId is then -1).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(() => stopped.guard!.lastPlanJson).toThrow(/cdk-glue-netplan could not write its plan file or Markdown report: the check's worker thread stopped before it wrote them/);
    // Was: glue-netplan.plan.json.<pid>-<thread>.tmp, left for good.
    expect(names(stopped.outdir)).toEqual([]);
  });

  test('a process that ends right after app.synth() (cdk synth), even by throwing, waits for them; one that could not write them exits 1 saying why', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-worker-'));
    const child = path.join(dir, 'app.ts');
    const run = (options: { fail?: boolean; delayMs?: number; throwAfter: boolean }) => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-worker-app-'));
      fs.writeFileSync(child, `
import { AspectPriority, Aspects } from ${JSON.stringify(path.dirname(require.resolve('aws-cdk-lib/package.json')))};
import { seedApp } from ${JSON.stringify(path.resolve(__dirname, 'seed-app'))};
import { GlueNetworkGuard, GuardMode } from ${JSON.stringify(path.resolve(__dirname, '../../src/cdk/guard'))};
import { useWorkerScript } from ${JSON.stringify(path.resolve(__dirname, '../../src/cdk/private/check-in-worker'))};
useWorkerScript(${JSON.stringify(gatedWorker(undefined, options))});
const s = seedApp({ appProps: { outdir: ${JSON.stringify(outdir)} } });
Aspects.of(s.app).add(new GlueNetworkGuard({ mode: GuardMode.WARN_ONLY, workerThread: true }), { priority: AspectPriority.READONLY });
s.app.synth();
${options.throwAfter ? "throw new Error('the app failed after its synthesis');" : ''}
`);
      const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', child], {
        cwd: path.resolve(__dirname, '../..'), encoding: 'utf8', env: { ...process.env, CDK_VALIDATION: 'false' }, timeout: 180_000,
      });
      return { status: result.status, stderr: result.stderr, outdir, files: names(outdir) };
    };
    // The worker takes its time: the process must not end before the files are whole.
    const thrown = run({ delayMs: 1500, throwAfter: true });
    expect(thrown.stderr).toMatch(/the app failed after its synthesis/);
    expect(thrown.status).toBe(1);
    expect(thrown.files).toEqual(['glue-netplan.plan.json', 'glue-netplan.report.md']);
    expect(JSON.parse(fs.readFileSync(path.join(thrown.outdir, 'glue-netplan.plan.json'), 'utf8')).jobs).toHaveLength(1);
    const failed = run({ fail: true, throwAfter: false });
    expect(failed.stderr).toMatch(/cdk-glue-netplan could not write its plan file or Markdown report: no space left on device \(a test\)/);
    expect(failed.status).toBe(1);
    expect(failed.files).toEqual([]);
  });
});

/**
 * The real worker, whose first writer of the plan file and report (of any worker of the test) waits
 * until a later writer wrote its files, so the first writes land last if nothing orders them. It
 * waits `waitMs` at most; or, with `untilStartedMs`, as long as another worker started within that
 * time (one that cannot start until the first's files are written then costs no more).
 */
function firstWritesLast(waitMs: number, untilStartedMs?: number): WorkerScript {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-worker-order-'));
  const source = path.resolve(__dirname, '../../src/cdk/private');
  const file = workerScriptFile('first-writes-last.js', `const fs = require('fs');
const dir = ${JSON.stringify(dir)};
fs.writeFileSync(dir + '/started-' + require('worker_threads').threadId, '');
const files = require(${JSON.stringify(path.join(source, 'plan-files.ts'))});
const write = files.writePlanFiles;
files.writePlanFiles = (...args) => {
  let isFirst = false;
  try { fs.closeSync(fs.openSync(dir + '/first', 'wx')); isFirst = true; } catch {}
  const sleep = new Int32Array(new SharedArrayBuffer(4));
  const since = Date.now();
  const untilStarted = ${JSON.stringify(untilStartedMs ?? null)};
  const waiting = () => {
    if (!isFirst || fs.existsSync(dir + '/later-wrote')) return false;
    if (untilStarted === null) return Date.now() < since + ${waitMs};
    const others = fs.readdirSync(dir).filter((f) => f.startsWith('started-')).length > 1;
    return Date.now() < since + (others ? ${waitMs} : untilStarted);
  };
  while (waiting()) Atomics.wait(sleep, 0, 0, 10);
  const written = write(...args);
  if (!isFirst) fs.writeFileSync(dir + '/later-wrote', '');
  return written;
};
exports.serve = require(${JSON.stringify(path.join(source, 'check-worker.ts'))}).serve;
`);
  return { file, execArgv: TS_WORKER.execArgv };
}

describe('two checks that write the same files in one output directory write them in the order they ran', () => {
  const jobs = (json: string | undefined) => (json === undefined ? undefined : JSON.parse(json).jobs.length);

  test('one guard on two stacks of an app: the plan file is the last check\'s, as in CDK\'s thread (was: whichever worker finished writing last; lastPlanJson then threw)', () => {
    useWorkerScript(firstWritesLast(4000));
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-worker-app-'));
    const s = seedApp({ appProps: { outdir } });
    const guard = new GlueNetworkGuard({ mode: GuardMode.WARN_ONLY, workerThread: true });
    // NetworkA's check runs first (no job in it), Etl's last (the job).
    Aspects.of(s.a).add(guard, { priority: AspectPriority.READONLY });
    Aspects.of(s.etl).add(guard, { priority: AspectPriority.READONLY });
    capturingConsoleError(() => s.app.synth());
    expect(jobs(guard.lastPlanJson)).toBe(1);
    settleAll();
    expect(jobs(fs.readFileSync(path.join(outdir, 'glue-netplan.plan.json'), 'utf8'))).toBe(1);
  });

  test('two apps synthesized one after the other into one directory: the files are the second app\'s (was: the first app\'s worker wrote over them)', () => {
    // The second app's worker is started before its check (then it loads for seconds under ts-node).
    useWorkerScript(firstWritesLast(60_000, 8_000));
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-worker-app-'));
    const first = seedApp({ appProps: { outdir } });
    Aspects.of(first.app).add(new GlueNetworkGuard({ mode: GuardMode.WARN_ONLY, workerThread: true }), { priority: AspectPriority.READONLY });
    capturingConsoleError(() => first.app.synth());
    const second = seedApp({ appProps: { outdir } });
    const guard = new GlueNetworkGuard({ mode: GuardMode.WARN_ONLY, workerThread: true });
    // Only NetworkA's stack: no job, where the first app's plan has one.
    Aspects.of(second.a).add(guard, { priority: AspectPriority.READONLY });
    capturingConsoleError(() => second.app.synth());
    expect(jobs(guard.lastPlanJson)).toBe(0);
    settleAll();
    expect(jobs(fs.readFileSync(path.join(outdir, 'glue-netplan.plan.json'), 'utf8'))).toBe(0);
  });
});

describe('GlueNetworkValidationPlugin in a worker thread', () => {
  test('the same violations as in CDK\'s thread; a worker that stops fails the check', () => {
    const inThread = synth({ plugin: true, workerThread: false });
    useWorkerScript(TS_WORKER);
    const inWorker = synth({ plugin: true, workerThread: true });
    expect(inWorker.workerRuns).toEqual(['done']);
    expect(inWorker.thrown).toMatch(/^ValidationFailed: /);
    expect(inWorker.thrown).toEqual(inThread.thrown);
    expect(inWorker.violations).toEqual(inThread.violations);
    useWorkerScript({ file: workerScriptFile('exits.js', 'exports.serve = () => process.exit(7);\n') });
    const stopped = synth({ plugin: true, workerThread: true });
    expect(stopped.workerRuns).toEqual(['WorkerStopped']);
    expect(stopped.violations).toMatch(/set the plugin's workerThread to false/);
  });
});

describe('a worker started ahead of a check that never comes', () => {
  test('is ended once its plugin is collected (was: it stayed blocked, with its heap, until the process exited)', async () => {
    // The real worker's wait for its check: blocked until a message comes.
    useWorkerScript({ file: workerScriptFile('waits.js', 'exports.serve = () => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); };\n') });
    const started = (): any => {
      // Only the worker is kept: the plugin (its owner) is not, as when an app is dropped unsynthesized.
      const plugin = new GlueNetworkValidationPlugin({ workerThread: true });
      return (plugin as any).worker;
    };
    const worker = started();
    expect(worker).toBeInstanceOf(CheckWorker);
    const exited = new Promise<boolean>((done) => {
      worker.worker.once('exit', () => done(true));
      setTimeout(() => done(false), 20_000).unref();
    });
    v8.setFlagsFromString('--expose-gc');
    const gc: () => void = vm.runInNewContext('gc');
    for (let i = 0; i < 20; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await exited).toBe(true);
  });
});

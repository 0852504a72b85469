/**
 * The benchmark of issue 5: what the guard costs at synth time, against the same app's plain
 * synth and against cdk-nag, what the CLI costs against bare JSON parsing, and how time and
 * memory grow as the app doubles. BENCHMARKS.md has the results and how to read them.
 *
 *   npm run bench                                    # default sizes (small, medium, x1..x8), 3 rounds
 *   npm run bench -- --sizes small --reps 1          # a quick check (about half a minute)
 *   npm run bench -- --sizes large,x16               # the opt-in large sizes (tens of minutes)
 *   npm run bench -- --sizes none --profile large    # CPU profile of the guard at the large size
 *
 * Each size runs in its own child process. In it, after a warm-up round, the variants alternate
 * (plain, fail, annotations, auto-peer, cdk-nag, plugin, plain, fail, ...), each building a fresh App and
 * synthesizing it into a fresh temporary directory after a forced GC. Ratios are medians of the
 * per-round ratios, so a slow round (GC, a busy neighbour) weighs on both sides of a ratio. The
 * guard's and the plugins' own time is measured directly (a subclass times `visit` / `validate`,
 * and the guard's check of the written templates is timed into its guard),
 * so it is not lost in the noise of a whole synth; the GC pauses inside it (perf_hooks 'gc'
 * entries) are reported apart, since how many major GCs land in it varies from run to run. Peak heap is the largest used V8 heap seen
 * before any GC during the run (v8.GCProfiler) or at its end, above the heap after the forced GC.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as inspector from 'inspector/promises';
import * as os from 'os';
import * as path from 'path';
import { PerformanceEntry, PerformanceObserver } from 'perf_hooks';
import * as v8 from 'v8';
import { App, AspectPriority, Aspects, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { AppShape, BROKEN_GROWTH_SERIES, generateApp, GeneratedApp, GROWTH_SERIES, SIZES } from './generate';
import { formatSummary, Phase, summarizeProfile } from './profile';
import { GlueNetworkGuard, GlueNetworkGuardProps, GuardMode, GuardReporting } from '../src/cdk/guard';
import { settleAll, useWorkerScript, WORKER_DEFAULTS } from '../src/cdk/private/check-in-worker';
import { GuardCheck } from '../src/cdk/private/guard-check';
import { GlueNetworkValidationPlugin } from '../src/cdk/validation-plugin';
import { parseArgs as parseCliArgs, planFromFiles, runCli } from '../src/cli/run';

const REPO = path.resolve(__dirname, '..');
/**
 * `--worker on` (BENCH_WORKER=on in the children): every guard checks in a worker thread, the
 * compiled one `npm run bench` builds, as an installed package runs it (this process runs the
 * TypeScript source, where no worker runs by itself). By default, and with `--worker off`, the
 * check runs in CDK's thread, the library's default (run 12).
 */
const COMPILED_WORKER = path.join(REPO, 'lib/cdk/private/check-worker.js');
if (process.env.BENCH_WORKER === 'on' && fs.existsSync(COMPILED_WORKER)) {
  useWorkerScript({ file: COMPILED_WORKER });
  // Every guard of the run checks in a worker (the library's default is CDK's thread).
  WORKER_DEFAULTS.minConstructs = 0;
}
/** Where results and profiles go (git-ignored). */
const OUT = path.join(__dirname, 'out');
const RESULT_MARKER = '@@bench-result ';
const DEFAULT_SIZES = ['small', 'medium', 'x1', 'x2', 'x4', 'x8'];

/** Context every variant gets, so they differ only by the check under test. */
const APP_CONTEXT = {
  // An in-memory synth throws validation failures (cdk-nag's) with the report instead of printing it.
  '@aws-cdk/core:appMode': 'inmemory',
  // The auto-peered large app passes CloudFormation's 500 resources in some ETL stacks (see BENCHMARKS.md).
  '@aws-cdk/core:stackResourceLimit': 5000,
  // As `cdk synth` does by default (its --path-metadata): each resource's construct path in the template.
  'aws:cdk:enable-path-metadata': true,
};

/**
 * - plain: the app alone;
 * - fail, auto-peer: the app with the GlueNetworkGuard aspect in that mode, reporting (by default)
 *   in CDK's validation report from the templates CDK writes;
 * - annotations: the guard in fail mode reporting as annotations (GuardReporting.ANNOTATIONS),
 *   which renders the construct tree itself (the guard's only way before it used the templates);
 * - cdk-nag: the app with cdk-nag's AwsSolutionsChecks (a validation plugin since cdk-nag 3);
 * - plugin: the app with this library's GlueNetworkValidationPlugin, which reads the templates
 *   CDK wrote instead of rendering the tree (for comparison).
 */
type Variant = 'plain' | 'fail' | 'annotations' | 'auto-peer' | 'cdk-nag' | 'plugin' | 'warn-only' | 'canned';
const VARIANTS: Variant[] = ['plain', 'fail', 'annotations', 'auto-peer', 'cdk-nag', 'plugin'];
/**
 * The broken app's variants (issue 18):
 * - warn-only: the guard in WARN_ONLY mode (FAIL would stop at the first error), its thousands
 *   of findings as warnings in CDK's validation report;
 * - canned: a plugin that returns, at once, a copy of the report the guard's check returned in
 *   the previous warn-only synth: what CDK's own handling of those violations costs (building
 *   the report, looking constructs up, formatting and printing it), without the guard's work.
 */
const BROKEN_VARIANTS: Variant[] = ['plain', 'warn-only', 'canned'];

/** The variants --variants keeps (all by default). */
let selectedVariants: Variant[] | undefined;

function variantsOf(size: string): Variant[] {
  const all = SIZES[size].broken ? BROKEN_VARIANTS : VARIANTS;
  return selectedVariants ? all.filter((v) => selectedVariants!.includes(v)) : all;
}

declare const gc: (() => void) | undefined;

function collect(): void {
  if (typeof gc !== 'function') throw new Error('run with node --expose-gc (npm run bench does)');
  gc();
  gc();
}

// ---------------------------------------------------------------------------------------------
// Timed checks: their own time, without touching src
// ---------------------------------------------------------------------------------------------

/** CPU time of the process so far (user + system, every thread), ms. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Time spent in a check, and the intervals of its longer calls (to find the GC pauses in them). */
class OwnTime {
  public ms = 0;
  /** The process's CPU time (every thread) during the check, ms: steadier than wall time on a busy machine. */
  public cpuMs = 0;
  public readonly intervals: [number, number][] = [];
  public time<T>(work: () => T): T {
    const start = performance.now();
    const startCpu = cpuMs();
    try {
      return work();
    } finally {
      const end = performance.now();
      this.cpuMs += cpuMs() - startCpu;
      this.ms += end - start;
      if (end - start > 1) this.intervals.push([start, end]);
    }
  }
}

/**
 * CDK's validation phase (its built-in CloudFormation checks, then the validation plugins, then
 * the report), timed by wrapping aws-cdk-lib's internal module (the benchmark only): the guard's
 * violations make CDK format a report, which the guard's own time does not include.
 */
// An internal file of aws-cdk-lib, not in its package exports: only a path require reaches it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validationModule = require(path.join(path.dirname(require.resolve('aws-cdk-lib')), 'core/lib/private/synthesis-validation.js'));
const validateTemplates = validationModule.validateTemplates;
let validationMs = 0;
validationModule.validateTemplates = function timedValidateTemplates(...args: unknown[]) {
  const start = performance.now();
  try {
    return validateTemplates(...args);
  } finally {
    validationMs += performance.now() - start;
  }
};

/** Where the guard's check of the written templates adds its time: the guard that registered it. */
let checkOwnTime: OwnTime | undefined;
/** The last report the guard's check returned, for the canned variant (a deep copy: CDK changes it). */
let lastGuardReport: PolicyValidationPluginReport | undefined;
const checkValidate = GuardCheck.prototype.validate;
GuardCheck.prototype.validate = function timedValidate(this: GuardCheck, context: IPolicyValidationContext): PolicyValidationPluginReport {
  const report = checkOwnTime ? checkOwnTime.time(() => checkValidate.call(this, context)) : checkValidate.call(this, context);
  lastGuardReport = structuredClone(report);
  return report;
};

/**
 * A plugin under the guard's name that returns a copy of the guard's last report: CDK's handling
 * of the guard's violations, measured apart from the guard's work (its own time is the copy).
 */
class CannedPlugin implements IPolicyValidationPlugin {
  public readonly name = 'cdk-glue-netplan';
  public readonly own = new OwnTime();
  constructor(private readonly report: PolicyValidationPluginReport) {}
  public validate(): PolicyValidationPluginReport {
    return this.own.time(() => structuredClone(this.report));
  }
}

/**
 * The guard, timing every visit (the analysis, or in auto-peer mode the repair, runs in the
 * visit of the root; the others return at once) and its check of the written templates.
 */
class TimedGuard extends GlueNetworkGuard {
  public readonly own = new OwnTime();
  constructor(props: GlueNetworkGuardProps) {
    super(props);
    checkOwnTime = this.own;
  }
  public visit(node: IConstruct): void {
    this.own.time(() => super.visit(node));
  }
}

/** cdk-nag's AWS Solutions pack, timing its validation (CDK's report formatting is not in it). */
class TimedNag extends AwsSolutionsChecks {
  public readonly own = new OwnTime();
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    return this.own.time(() => super.validate(context));
  }
}

/** This library's validation plugin, timed like cdk-nag. */
class TimedPlugin extends GlueNetworkValidationPlugin {
  public readonly own = new OwnTime();
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    return this.own.time(() => super.validate(context));
  }
}

/** GC pauses of the main thread, as the runtime reports them (after a turn of the event loop). */
const gcPauses: PerformanceEntry[] = [];
let gcObserver: PerformanceObserver | undefined;

/** The GC pause time (ms) inside the intervals, from the pauses reported since the last call. */
async function gcPauseWithin(intervals: [number, number][]): Promise<number> {
  if (!gcObserver) return 0;
  await new Promise((resolve) => setImmediate(resolve));
  gcPauses.push(...gcObserver.takeRecords());
  let total = 0;
  for (const pause of gcPauses) {
    for (const [start, end] of intervals) {
      total += Math.max(0, Math.min(end, pause.startTime + pause.duration) - Math.max(start, pause.startTime));
    }
  }
  gcPauses.length = 0;
  return total;
}

function observeGc(): void {
  gcObserver = new PerformanceObserver((list) => { gcPauses.push(...list.getEntries()); });
  gcObserver.observe({ entryTypes: ['gc'] });
}

// ---------------------------------------------------------------------------------------------
// One measurement
// ---------------------------------------------------------------------------------------------

interface Sample {
  readonly variant: Variant;
  /** App construction (the generator), ms. */
  readonly constructMs: number;
  /** app.synth(), ms (aspects and validation plugins included). */
  readonly synthMs: number;
  /** Construction + synth: what `cdk synth` waits for, ms. */
  readonly totalMs: number;
  /** The same, in the process's CPU time (every thread), ms. */
  readonly totalCpuMs: number;
  /** The check's own time (guard visits, plugin validate), ms. */
  readonly ownMs: number;
  /** The check's own CPU time, ms. */
  readonly ownCpuMs: number;
  /** The GC pauses within the check's own time, ms. */
  readonly ownGcMs: number;
  /** Peak used V8 heap above the heap after the forced GC, MB. */
  readonly peakHeapMb: number;
  /** CDK's validation phase (built-in checks, plugins, report), ms; the check's own time included. */
  readonly validationMs: number;
  /** Characters CDK printed to the console (its validation report, when it only warns). */
  readonly printedChars?: number;
}

/** Runs `work` and returns the peak used heap above the current one (after a forced GC), MB. */
function withPeakHeap<T>(work: () => T): { result: T; peakHeapMb: number } {
  const base = v8.getHeapStatistics().used_heap_size;
  const profiler = new v8.GCProfiler();
  profiler.start();
  const result = work();
  const stats = profiler.stop();
  const peak = Math.max(v8.getHeapStatistics().used_heap_size, ...stats.statistics.map((s: any) => s.beforeGC.heapStatistics.usedHeapSize));
  return { result, peakHeapMb: (peak - base) / 2 ** 20 };
}

interface Synthesized {
  readonly sample: Sample;
  readonly outdir: string;
  readonly generated: GeneratedApp;
  readonly planJson?: string;
  readonly validationError?: string;
  /** The guard's violations in CDK's report, and the violating resources they list. */
  readonly violations?: { violations: number; resources: number };
}

async function synthOnce(sizeName: string, variant: Variant): Promise<Synthesized> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `glue-netplan-bench-${variant}-`));
  collect();
  let guard: TimedGuard | undefined;
  let plugin: TimedNag | TimedPlugin | CannedPlugin | undefined;
  let validationError: string | undefined;
  let generated: GeneratedApp | undefined;
  let times = { start: 0, constructed: 0, end: 0, cpuStart: 0, cpuEnd: 0 };
  let printedChars = 0;
  const { peakHeapMb } = withPeakHeap(() => {
    const start = performance.now();
    const cpuStart = cpuMs();
    const app = new App({ outdir, context: APP_CONTEXT });
    generated = generateApp(app, SIZES[sizeName]);
    checkOwnTime = undefined;
    validationMs = 0;
    if (variant === 'fail') guard = new TimedGuard({ mode: GuardMode.FAIL });
    if (variant === 'annotations') guard = new TimedGuard({ mode: GuardMode.FAIL, reporting: GuardReporting.ANNOTATIONS });
    if (variant === 'auto-peer') guard = new TimedGuard({ mode: GuardMode.AUTO_PEER });
    if (variant === 'warn-only') guard = new TimedGuard({ mode: GuardMode.WARN_ONLY });
    // As the guard's documentation says: last, after the aspects that change the app.
    if (guard) Aspects.of(app).add(guard, { priority: AspectPriority.READONLY });
    if (variant === 'cdk-nag') Validations.of(app).addPlugins(plugin = new TimedNag(app));
    if (variant === 'plugin') Validations.of(app).addPlugins(plugin = new TimedPlugin());
    if (variant === 'canned') {
      if (!lastGuardReport) throw new Error('the canned variant runs after a warn-only synth');
      Validations.of(app).addPlugins(plugin = new CannedPlugin(lastGuardReport));
    }
    const constructed = performance.now();
    // CDK prints a report with warnings only (warn-only) to the console, as `cdk synth` does: it
    // is formatted as usual and counted, not written, so the benchmark's output stays readable.
    const consoleError = console.error;
    console.error = (...args: unknown[]) => { printedChars += args.map(String).join(' ').length; };
    try {
      app.synth();
    } catch (e) {
      // cdk-nag finds violations in any realistic app, the plugin and the guard the cross-VPC
      // stores: CDK throws once the assembly is written and validated. Auto-peer too, where it
      // refuses a repair: at `large`, the exports its references add would pass CloudFormation's
      // 200 outputs in the network stacks (33 VPCs each), so it refuses those paths (counted below).
      const text = `${(e as Error)?.name} ${(e as Error)?.message ?? String(e)}`;
      if (!['cdk-nag', 'plugin', 'fail', 'auto-peer'].includes(variant) || !/ValidationFailed|Validation failed/.test(text)) throw e;
      validationError = (e as Error).message;
    } finally {
      console.error = consoleError;
    }
    // A check in a worker writes the plan file and the report after its report, beside CDK's own
    // checks; `cdk synth`'s process waits for them as it exits, so the synth's time includes any
    // wait for them here.
    settleAll();
    times = { start, constructed, end: performance.now(), cpuStart, cpuEnd: cpuMs() };
  });
  const own = guard?.own ?? plugin?.own;
  const sample: Sample = {
    variant,
    constructMs: times.constructed - times.start,
    synthMs: times.end - times.constructed,
    totalMs: times.end - times.start,
    totalCpuMs: times.cpuEnd - times.cpuStart,
    ownMs: own?.ms ?? 0,
    ownCpuMs: own?.cpuMs ?? 0,
    ownGcMs: await gcPauseWithin(own?.intervals ?? []),
    peakHeapMb,
    validationMs,
    printedChars,
  };
  const report = variant === 'warn-only' || variant === 'fail' ? lastGuardReport : undefined;
  return {
    sample,
    outdir,
    generated: generated!,
    planJson: guard?.lastPlanJson,
    validationError,
    violations: report ? { violations: report.violations.length, resources: report.violations.reduce((n, v) => n + v.violatingResources.length, 0) } : undefined,
  };
}

function templateFiles(outdir: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const files = [path.join(outdir, 'manifest.json')];
  for (const artifact of Object.values<any>(manifest.artifacts)) {
    if (artifact.type === 'aws:cloudformation:stack') files.push(path.join(outdir, artifact.properties.templateFile));
  }
  return files;
}

function countResources(outdir: string): number {
  return templateFiles(outdir).slice(1)
    .reduce((n, file) => n + Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')).Resources ?? {}).length, 0);
}

function errorCount(planJson: string | undefined, severity = 'error'): number {
  if (!planJson) return 0;
  const plan = JSON.parse(planJson);
  const findings = [...plan.findings, ...plan.jobs.flatMap((j: any) => j.findings)];
  return findings.filter((f: any) => f.severity === severity).length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// ---------------------------------------------------------------------------------------------
// One size, in its own process
// ---------------------------------------------------------------------------------------------

interface AppFacts {
  readonly stacks: number;
  readonly vpcs: number;
  readonly jobs: number;
  readonly connections: number;
  readonly crossVpcConnections: number;
  readonly resources: number;
  readonly autoPeerResources: number;
  readonly templateBytes: number;
  readonly templateFiles: number;
}

interface CliSamples {
  /** runCli over cdk.out (text output, as a user runs it), ms. */
  readonly runCliMs: number[];
  /** planFromFiles: load + model + plan, no output, ms. */
  readonly planMs: number[];
  /** Reading and JSON.parse of the same files (manifest and templates), ms. */
  readonly floorMs: number[];
  readonly runCliPeakHeapMb: number[];
}

interface SizeResult {
  readonly size: string;
  readonly shape: AppShape;
  readonly app: AppFacts;
  readonly findings: {
    failErrors: number;
    annotationErrors: number;
    autoPeerErrors: number;
    nagFindings: number;
    /** The broken app: the guard's findings (warn-only), and its violations in CDK's report. */
    brokenErrors?: number;
    brokenWarnings?: number;
    violations?: number;
    violatingResources?: number;
  };
  readonly rounds: Sample[][];
  readonly cli: CliSamples;
}

async function measureSize(sizeName: string, reps: number, cliReps: number, warmups: number): Promise<SizeResult> {
  observeGc();
  // Warm-up rounds on the same app, not counted: module loading, JIT and heap growth would
  // otherwise land on the first variant measured.
  for (let w = 0; w < warmups; w++) {
    for (const variant of variantsOf(sizeName)) {
      const { sample, outdir } = await synthOnce(sizeName, variant);
      process.stderr.write(`  ${sizeName} warm-up ${w + 1}/${warmups} ${variant}: ${(sample.totalMs / 1000).toFixed(2)} s\n`);
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }

  const rounds: Sample[][] = [];
  let cliOutdir: string | undefined;
  let app: AppFacts | undefined;
  const findings: SizeResult['findings'] = { failErrors: 0, annotationErrors: 0, autoPeerErrors: 0, nagFindings: 0 };
  for (let r = 0; r < reps; r++) {
    const round: Sample[] = [];
    // Odd rounds run the variants in reverse order: a synth's speed depends on the one before it
    // in the same process (how far the previous synth grew the heap decides how often the next
    // collects), so a fixed order would charge that to whichever variant always comes second.
    // An even number of rounds cancels it. The canned variant replays the latest warn-only report,
    // from the warm-up or an earlier round when it comes first.
    const order = r % 2 === 0 ? variantsOf(sizeName) : [...variantsOf(sizeName)].reverse();
    for (const variant of order) {
      const result = await synthOnce(sizeName, variant);
      round.push(result.sample);
      process.stderr.write(`  ${sizeName} round ${r + 1}/${reps} ${variant}: ${(result.sample.totalMs / 1000).toFixed(2)} s `
        + `(CPU ${(result.sample.totalCpuMs / 1000).toFixed(2)} s; own ${result.sample.ownMs.toFixed(0)} ms, CPU ${result.sample.ownCpuMs.toFixed(0)} ms, of which GC ${result.sample.ownGcMs.toFixed(0)} ms, peak heap +${result.sample.peakHeapMb.toFixed(0)} MB)\n`);
      if (r === 0) {
        if (variant === 'plain') {
          const files = templateFiles(result.outdir);
          app = {
            stacks: result.generated.stacks.length,
            vpcs: result.generated.vpcs,
            jobs: result.generated.jobs,
            connections: result.generated.connections,
            crossVpcConnections: result.generated.crossVpcConnections,
            resources: countResources(result.outdir),
            autoPeerResources: 0,
            templateBytes: files.reduce((n, f) => n + fs.statSync(f).size, 0),
            templateFiles: files.length,
          };
        }
        if (variant === 'fail') findings.failErrors = errorCount(result.planJson);
        if (variant === 'annotations') findings.annotationErrors = errorCount(result.planJson);
        if (variant === 'auto-peer') {
          findings.autoPeerErrors = errorCount(result.planJson);
          app = { ...app!, autoPeerResources: countResources(result.outdir) - app!.resources };
        }
        if (variant === 'warn-only') {
          findings.brokenErrors = errorCount(result.planJson);
          findings.brokenWarnings = errorCount(result.planJson, 'warning');
          findings.violations = result.violations?.violations;
          findings.violatingResources = result.violations?.resources;
        }
        if (variant === 'cdk-nag') findings.nagFindings = (result.validationError?.match(/Acknowledge with/g) ?? []).length;
      }
      if (variant === 'plain' && !cliOutdir) cliOutdir = result.outdir;
      else fs.rmSync(result.outdir, { recursive: true, force: true });
    }
    rounds.push(round);
  }

  // The CLI over the plain app's cdk.out, against reading and JSON.parse of the same files.
  const files = templateFiles(cliOutdir!);
  const cli: CliSamples = { runCliMs: [], planMs: [], floorMs: [], runCliPeakHeapMb: [] };
  if (cliReps === 0) {
    fs.rmSync(cliOutdir!, { recursive: true, force: true });
    return { size: sizeName, shape: SIZES[sizeName], app: app!, findings, rounds, cli };
  }
  const options = parseCliArgs([cliOutdir!]);
  if (options === 'help') throw new Error('unexpected --help');
  let sink = 0;
  for (let r = 0; r < cliReps + 1; r++) {
    const counted = r > 0; // the first round warms up
    collect();
    let start = performance.now();
    for (const file of files) sink += Object.keys(JSON.parse(fs.readFileSync(file, 'utf8'))).length;
    if (counted) cli.floorMs.push(performance.now() - start);
    collect();
    start = performance.now();
    sink += planFromFiles(options, REPO).jobs.length;
    if (counted) cli.planMs.push(performance.now() - start);
    collect();
    let out = '';
    const io = { stdout: (t: string) => { out += t; }, stderr: (t: string) => { out += t; }, cwd: REPO };
    start = performance.now();
    const { peakHeapMb } = withPeakHeap(() => runCli([cliOutdir!], io));
    if (counted) {
      cli.runCliMs.push(performance.now() - start);
      cli.runCliPeakHeapMb.push(peakHeapMb);
    }
    sink += out.length;
  }
  if (sink < 0) process.stderr.write('\n');
  fs.rmSync(cliOutdir!, { recursive: true, force: true });
  return { size: sizeName, shape: SIZES[sizeName], app: app!, findings, rounds, cli };
}

// ---------------------------------------------------------------------------------------------
// Figures and tables
// ---------------------------------------------------------------------------------------------

interface Figures {
  readonly plainMs: number;
  readonly failRatio: number;
  readonly guardOwnMs: number;
  readonly guardShare: number;
  /** The guard's own time without the GC pauses in it. */
  readonly guardCpuMs: number;
  readonly guardCpuShare: number;
  readonly annOwnMs: number;
  readonly validationExtraFailMs: number;
  readonly validationExtraNagMs: number;
  readonly validationPlainMs: number;
  readonly annShare: number;
  readonly autoRatio: number;
  readonly autoOwnMs: number;
  readonly autoShare: number;
  readonly autoCpuMs: number;
  readonly nagRatio: number;
  readonly nagOwnMs: number;
  readonly nagShare: number;
  /** Guard's own time / cdk-nag's own time (both timed directly). */
  readonly guardVsNagOwn: number;
  /** (fail - plain) / (cdk-nag - plain), from the per-round totals: noisy when cdk-nag's overhead is small. */
  readonly guardVsNagTotals: number;
  readonly pluginRatio: number;
  readonly pluginOwnMs: number;
  readonly pluginShare: number;
  readonly heapPlainMb: number;
  readonly heapFailMb: number;
  readonly heapAutoMb: number;
  readonly floorMs: number;
  readonly planMs: number;
  readonly cliMs: number;
  readonly cliHeapMb: number;
}

/** A variant left out with --variants: every figure from it is NaN. */
function missing(variant: Variant): Sample {
  return { variant, constructMs: NaN, synthMs: NaN, totalMs: NaN, totalCpuMs: NaN, ownMs: NaN, ownCpuMs: NaN, ownGcMs: NaN, peakHeapMb: NaN, validationMs: NaN };
}

function figures(result: SizeResult): Figures {
  const of = (round: Sample[], v: Variant) => round.find((s) => s.variant === v) ?? missing(v);
  const per = (f: (round: Sample[]) => number) => median(result.rounds.map(f));
  const plain = (r: Sample[]) => of(r, 'plain').totalMs;
  return {
    plainMs: per(plain),
    failRatio: per((r) => of(r, 'fail').totalMs / plain(r)),
    guardOwnMs: per((r) => of(r, 'fail').ownMs),
    guardShare: per((r) => of(r, 'fail').ownMs / plain(r)),
    guardCpuMs: per((r) => of(r, 'fail').ownMs - of(r, 'fail').ownGcMs),
    guardCpuShare: per((r) => (of(r, 'fail').ownMs - of(r, 'fail').ownGcMs) / plain(r)),
    annOwnMs: per((r) => of(r, 'annotations').ownMs),
    annShare: per((r) => of(r, 'annotations').ownMs / plain(r)),
    autoRatio: per((r) => of(r, 'auto-peer').totalMs / plain(r)),
    autoOwnMs: per((r) => of(r, 'auto-peer').ownMs),
    autoShare: per((r) => of(r, 'auto-peer').ownMs / plain(r)),
    autoCpuMs: per((r) => of(r, 'auto-peer').ownMs - of(r, 'auto-peer').ownGcMs),
    nagRatio: per((r) => of(r, 'cdk-nag').totalMs / plain(r)),
    nagOwnMs: per((r) => of(r, 'cdk-nag').ownMs),
    nagShare: per((r) => of(r, 'cdk-nag').ownMs / plain(r)),
    guardVsNagOwn: per((r) => of(r, 'fail').ownMs / of(r, 'cdk-nag').ownMs),
    guardVsNagTotals: per((r) => of(r, 'fail').totalMs - plain(r)) / per((r) => of(r, 'cdk-nag').totalMs - plain(r)),
    pluginRatio: per((r) => of(r, 'plugin').totalMs / plain(r)),
    pluginOwnMs: per((r) => of(r, 'plugin').ownMs),
    pluginShare: per((r) => of(r, 'plugin').ownMs / plain(r)),
    validationExtraFailMs: per((r) => of(r, 'fail').validationMs - of(r, 'fail').ownMs - of(r, 'plain').validationMs),
    validationExtraNagMs: per((r) => of(r, 'cdk-nag').validationMs - of(r, 'cdk-nag').ownMs - of(r, 'plain').validationMs),
    validationPlainMs: per((r) => of(r, 'plain').validationMs),
    heapPlainMb: per((r) => of(r, 'plain').peakHeapMb),
    heapFailMb: per((r) => of(r, 'fail').peakHeapMb),
    heapAutoMb: per((r) => of(r, 'auto-peer').peakHeapMb),
    floorMs: median(result.cli.floorMs),
    planMs: median(result.cli.planMs),
    cliMs: median(result.cli.runCliMs),
    cliHeapMb: median(result.cli.runCliPeakHeapMb),
  };
}

function cliFigures(result: SizeResult) {
  return {
    floorMs: median(result.cli.floorMs),
    planMs: median(result.cli.planMs),
    cliMs: median(result.cli.runCliMs),
    cliHeapMb: median(result.cli.runCliPeakHeapMb),
  };
}

/** The broken app's figures (issue 18): medians of per-round values. */
interface BrokenFigures {
  readonly plainMs: number;
  /** warn-only total / plain total. */
  readonly warnRatio: number;
  /** The guard's own time (its check of the templates), ms and of plain. */
  readonly guardOwnMs: number;
  readonly guardShare: number;
  readonly guardCpuShare: number;
  /** CDK's handling of the guard's report within the warn-only synth: its validation phase beyond plain's and the guard's own time. */
  readonly warnCdkMs: number;
  readonly warnCdkShare: number;
  /** The same, measured with the canned plugin (the guard's report, returned at once). */
  readonly cannedCdkMs: number;
  readonly cannedCdkShare: number;
  /** canned total / plain total. */
  readonly cannedRatio: number;
  /** The guard's overhead: its own time plus CDK's handling of its report (canned), of plain. */
  readonly overheadShare: number;
  readonly heapPlainMb: number;
  readonly heapWarnMb: number;
}

function brokenFigures(result: SizeResult): BrokenFigures {
  const of = (round: Sample[], v: Variant) => round.find((s) => s.variant === v) ?? missing(v);
  const per = (f: (round: Sample[]) => number) => median(result.rounds.map(f));
  const plain = (r: Sample[]) => of(r, 'plain').totalMs;
  const warnCdk = (r: Sample[]) => of(r, 'warn-only').validationMs - of(r, 'warn-only').ownMs - of(r, 'plain').validationMs;
  const cannedCdk = (r: Sample[]) => of(r, 'canned').validationMs - of(r, 'plain').validationMs;
  return {
    plainMs: per(plain),
    warnRatio: per((r) => of(r, 'warn-only').totalMs / plain(r)),
    guardOwnMs: per((r) => of(r, 'warn-only').ownMs),
    guardShare: per((r) => of(r, 'warn-only').ownMs / plain(r)),
    guardCpuShare: per((r) => (of(r, 'warn-only').ownMs - of(r, 'warn-only').ownGcMs) / plain(r)),
    warnCdkMs: per(warnCdk),
    warnCdkShare: per((r) => warnCdk(r) / plain(r)),
    cannedCdkMs: per(cannedCdk),
    cannedCdkShare: per((r) => cannedCdk(r) / plain(r)),
    cannedRatio: per((r) => of(r, 'canned').totalMs / plain(r)),
    overheadShare: per((r) => (of(r, 'warn-only').ownMs + cannedCdk(r)) / plain(r)),
    heapPlainMb: per((r) => of(r, 'plain').peakHeapMb),
    heapWarnMb: per((r) => of(r, 'warn-only').peakHeapMb),
  };
}

function brokenTable(results: SizeResult[]): string {
  const rows = [
    '| size | jobs / connections / VPCs / stacks | guard findings (errors / warnings) | violations (resources) | plain synth | warn-only / plain | guard own (of plain) | guard own excl. GC (of plain) | CDK\'s report of them, canned (of plain) | same, in the warn-only synth (of plain) | canned / plain | guard own + CDK\'s report (of plain) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const f = brokenFigures(r);
    rows.push(`| ${r.size} | ${r.app.jobs} / ${r.app.connections} / ${r.app.vpcs} / ${r.app.stacks} | ${r.findings.brokenErrors} / ${r.findings.brokenWarnings} | ${r.findings.violations} (${r.findings.violatingResources}) `
      + `| ${(f.plainMs / 1000).toFixed(2)} s | ${times(f.warnRatio)} | ${ms(f.guardOwnMs)} (${pct(f.guardShare)}) | ${pct(f.guardCpuShare)} `
      + `| ${ms(f.cannedCdkMs)} (${pct(f.cannedCdkShare)}) | ${ms(f.warnCdkMs)} (${pct(f.warnCdkShare)}) | ${times(f.cannedRatio)} | ${pct(f.overheadShare)} |`);
  }
  return rows.join('\n');
}

/**
 * The guard's overhead on each app, in wall time and in the process's CPU time, side by side:
 * fail mode on the clean app, warn-only on the broken one (medians of per-round values).
 */
function overheadTable(results: SizeResult[]): string {
  const rows = [
    '| size | guard | plain synth: wall / CPU | guard own, wall (of plain wall) | guard own, CPU (of plain CPU) | CDK\'s report of its violations, canned, CPU (of plain CPU) | whole synth with the guard / plain: wall | same: CPU |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const variant: Variant = r.shape.broken ? 'warn-only' : 'fail';
    const of = (round: Sample[], v: Variant) => round.find((s) => s.variant === v) ?? missing(v);
    const per = (f: (round: Sample[]) => number) => median(r.rounds.map(f));
    const canned = r.shape.broken ? per((x) => (of(x, 'canned').totalCpuMs - of(x, 'plain').totalCpuMs) / of(x, 'plain').totalCpuMs) : NaN;
    rows.push(`| ${r.size} | ${variant} | ${(per((x) => of(x, 'plain').totalMs) / 1000).toFixed(2)} s / ${(per((x) => of(x, 'plain').totalCpuMs) / 1000).toFixed(2)} s `
      + `| ${ms(per((x) => of(x, variant).ownMs))} (${pct(per((x) => of(x, variant).ownMs / of(x, 'plain').totalMs))}) `
      + `| ${ms(per((x) => of(x, variant).ownCpuMs))} (${pct(per((x) => of(x, variant).ownCpuMs / of(x, 'plain').totalCpuMs))}) `
      + `| ${Number.isNaN(canned) ? '—' : pct(canned)} `
      + `| ${times(per((x) => of(x, variant).totalMs / of(x, 'plain').totalMs))} | ${times(per((x) => of(x, variant).totalCpuMs / of(x, 'plain').totalCpuMs))} |`);
  }
  return rows.join('\n');
}

function brokenGrowthTable(results: SizeResult[]): string | undefined {
  const series = BROKEN_GROWTH_SERIES.filter((s) => results.some((r) => r.size === s));
  if (series.length < 2) return undefined;
  const step = (a: number, b: number) => `${times(b / a)} (${Math.log2(b / a).toFixed(2)})`;
  const rows = [
    '| step | jobs | plain synth (x, exponent) | guard own (x, exponent) | CDK\'s report, canned (x, exponent) | peak heap plain / warn-only |',
    '|---|---|---|---|---|---|',
  ];
  let previous: BrokenFigures | undefined;
  for (const size of series) {
    const r = results.find((x) => x.size === size)!;
    const f = brokenFigures(r);
    const p = previous;
    rows.push(`| ${size} | ${r.app.jobs} | ${(f.plainMs / 1000).toFixed(2)} s${p ? ` ${step(p.plainMs, f.plainMs)}` : ''} `
      + `| ${ms(f.guardOwnMs)}${p ? ` ${step(p.guardOwnMs, f.guardOwnMs)}` : ''} | ${ms(f.cannedCdkMs)}${p && p.cannedCdkMs > 0 && f.cannedCdkMs > 0 ? ` ${step(p.cannedCdkMs, f.cannedCdkMs)}` : ''} `
      + `| ${mb(f.heapPlainMb)} / ${mb(f.heapWarnMb)} |`);
    previous = f;
  }
  return rows.join('\n');
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const times = (x: number) => `${x.toFixed(2)}x`;
const ms = (x: number) => `${x.toFixed(0)} ms`;
const mb = (x: number) => `${x.toFixed(0)} MB`;

function synthTable(results: SizeResult[]): string {
  const rows = [
    '| size | jobs / VPCs / stacks | resources (+ auto-peer) | plain synth | fail / plain | guard own (of plain) | guard own excl. GC (of plain) | as annotations: own (of plain) | auto-peer / plain | auto-peer own (of plain) | cdk-nag / plain | cdk-nag own (of plain) | guard own / cdk-nag own | guard / cdk-nag overhead (totals) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const f = figures(r);
    rows.push(`| ${r.size} | ${r.app.jobs} / ${r.app.vpcs} / ${r.app.stacks} | ${r.app.resources} (+${r.app.autoPeerResources}) | ${(f.plainMs / 1000).toFixed(2)} s `
      + `| ${times(f.failRatio)} | ${ms(f.guardOwnMs)} (${pct(f.guardShare)}) | ${ms(f.guardCpuMs)} (${pct(f.guardCpuShare)}) | ${ms(f.annOwnMs)} (${pct(f.annShare)}) | ${times(f.autoRatio)} | ${ms(f.autoOwnMs)} (${pct(f.autoShare)}) `
      + `| ${times(f.nagRatio)} | ${ms(f.nagOwnMs)} (${pct(f.nagShare)}) | ${times(f.guardVsNagOwn)} | ${f.guardVsNagTotals.toFixed(2)} |`);
  }
  return rows.join('\n');
}

function cliTable(results: SizeResult[]): string {
  const rows = [
    '| size | template files (MB) | JSON.parse floor | planFromFiles (/ floor) | runCli, text (/ floor) | runCli peak heap |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const f = cliFigures(r);
    rows.push(`| ${r.size} | ${r.app.templateFiles} (${(r.app.templateBytes / 1e6).toFixed(1)}) | ${f.floorMs.toFixed(1)} ms | ${ms(f.planMs)} (${times(f.planMs / f.floorMs)}) `
      + `| ${ms(f.cliMs)} (${times(f.cliMs / f.floorMs)}) | ${mb(f.cliHeapMb)} |`);
  }
  return rows.join('\n');
}

function growthTable(results: SizeResult[]): string | undefined {
  const series = GROWTH_SERIES.filter((s) => results.some((r) => r.size === s));
  if (series.length < 2) return undefined;
  const step = (a: number, b: number) => `${times(b / a)} (${Math.log2(b / a).toFixed(2)})`;
  const rows = [
    '| step | jobs | plain synth (x, exponent) | guard own (x, exponent) | guard own excl. GC (x, exponent) | auto-peer own (x, exponent) | CLI (x, exponent) | peak heap plain / fail / auto-peer | guard heap (fail - plain) (x, exponent) |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  let previous: Figures | undefined;
  for (const size of series) {
    const r = results.find((x) => x.size === size)!;
    const f = figures(r);
    const extra = f.heapFailMb - f.heapPlainMb;
    const p = previous;
    rows.push(`| ${size} | ${r.app.jobs} | ${(f.plainMs / 1000).toFixed(2)} s${p ? ` ${step(p.plainMs, f.plainMs)}` : ''} `
      + `| ${ms(f.guardOwnMs)}${p ? ` ${step(p.guardOwnMs, f.guardOwnMs)}` : ''} | ${ms(f.guardCpuMs)}${p ? ` ${step(p.guardCpuMs, f.guardCpuMs)}` : ''} | ${ms(f.autoOwnMs)}${p ? ` ${step(p.autoOwnMs, f.autoOwnMs)}` : ''} `
      + `| ${ms(f.cliMs)}${p ? ` ${step(p.cliMs, f.cliMs)}` : ''} | ${mb(f.heapPlainMb)} / ${mb(f.heapFailMb)} / ${mb(f.heapAutoMb)} `
      + `| ${mb(extra)}${p && extra > 0 && p.heapFailMb - p.heapPlainMb > 0 ? ` ${step(p.heapFailMb - p.heapPlainMb, extra)}` : ''} |`);
    previous = f;
  }
  return rows.join('\n');
}

function details(results: SizeResult[]): string {
  return results.map((r) => {
    const f = figures(r);
    return `- ${r.size}: ${r.rounds.length} rounds; ${r.app.connections} connections (${r.app.crossVpcConnections} to a store in another VPC); `
      + `guard errors ${r.findings.failErrors} (fail; ${r.findings.annotationErrors} as annotations), ${r.findings.autoPeerErrors} after auto-peer; cdk-nag findings ${r.findings.nagFindings}; `
      + `GlueNetworkValidationPlugin instead of the guard: ${times(f.pluginRatio)} plain, own ${ms(f.pluginOwnMs)} (${pct(f.pluginShare)} of plain); `
      + `CDK's validation phase: ${ms(f.validationPlainMs)} in plain synth, plus ${ms(f.validationExtraFailMs)} beyond the guard's own time with the guard (CDK's report of its violations) `
      + `and ${ms(f.validationExtraNagMs)} beyond cdk-nag's own time with cdk-nag`;
  }).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Profile
// ---------------------------------------------------------------------------------------------

/** The guard's steps, to split its time (the innermost on the stack wins). */
const GUARD_PHASES: Phase[] = [
  { name: 'readTree: render the tree to templates (annotations, auto-peer)', functionName: 'readTree', file: 'src/cdk/private/tree-reader.ts' },
  { name: 'readTemplates: read the templates CDK wrote', functionName: 'readTemplates', file: 'src/cdk/private/validation-report.ts' },
  { name: 'addConstructPaths: paths CDK did not write', functionName: 'addConstructPaths', file: 'src/cdk/private/guard-check.ts' },
  { name: 'findingsReport: violations for CDK\'s report', functionName: 'findingsReport', file: 'src/cdk/private/validation-report.ts' },
  { name: 'findingsReport > shortFinding: each finding said short', functionName: 'shortFinding', file: 'src/report/short-findings.ts' },
  { name: 'buildModel: templates to model', functionName: 'buildModel', file: 'src/ingest/resources.ts' },
  { name: 'buildPlan: selection, store location, findings', functionName: 'buildPlan', file: 'src/engine/planner.ts' },
  { name: 'buildPlan > tracePath: hop-by-hop paths', functionName: 'tracePath', file: 'src/engine/path.ts' },
  { name: 'planRemedy: what auto-peer adds', functionName: 'planRemedy', file: 'src/engine/remedy.ts' },
  { name: 'materializeRemedy: adding the constructs', functionName: 'materializeRemedy', file: 'src/cdk/private/auto-peer.ts' },
  { name: 'report: Validations/Annotations per finding', functionName: 'report', file: 'src/cdk/guard.ts' },
  { name: 'writePlan: plan JSON and Markdown into cdk.out', functionName: 'writePlan', file: 'src/cdk/guard.ts' },
  { name: 'writePlan > writeJson: the plan file', functionName: 'writeJson', file: 'src/report/json.ts' },
  { name: 'writePlan > toMarkdown: the Markdown report', functionName: 'toMarkdown', file: 'src/report/markdown.ts' },
];

/** The steps of a whole run. */
const RUN_PHASES: Phase[] = [
  { name: 'generateApp: constructing the app', functionName: 'generateApp', file: 'bench/generate.ts' },
  { name: 'guard (GlueNetworkGuard.analyze)', functionName: 'analyze', file: 'src/cdk/guard.ts' },
  { name: 'guard\'s check of the templates (GuardCheck.validate)', functionName: 'validate', file: 'src/cdk/private/guard-check.ts' },
  { name: 'other aspects (invokeAspects)', functionName: 'invokeAspects', file: 'core/lib/private/synthesis.js' },
  { name: 'CDK prepareApp (references, exports)', functionName: 'prepareApp', file: 'core/lib/private/prepare-app.js' },
  { name: 'CDK validateTree', functionName: 'validateTree', file: 'core/lib/private/synthesis.js' },
  { name: 'CDK synthesizeTree (templates, assets, manifest)', functionName: 'synthesizeTree', file: 'core/lib/private/synthesis.js' },
  { name: 'CDK validateTemplates (built-in CloudFormation validation and plugins)', functionName: 'validateTemplates', file: 'core/lib/private/synthesis-validation.js' },
  { name: 'CDK validateTemplates > the construct tree for the report', functionName: 'ConstructTree', file: 'core/lib/validation/private/construct-tree.js' },
  { name: 'CDK validateTemplates > acknowledgements', functionName: 'collectSuppressions', file: 'core/lib/private/synthesis-validation.js' },
  { name: 'CDK validateTemplates > the report as JSON (constructs, traces)', functionName: 'formatJson', file: 'core/lib/validation/private/report.js' },
  { name: 'CDK validateTemplates > the report as text', functionName: 'formatValidationReports', file: 'core/lib/validation/private/modern-formatter.js' },
];

async function profileChild(size: string, variant: Variant, file: string): Promise<Sample> {
  // The profiler covers the measured synth only, not the warm-up (the same synth once).
  fs.rmSync((await synthOnce(size, variant)).outdir, { recursive: true, force: true });
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const { sample, outdir } = await synthOnce(size, variant);
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.writeFileSync(file, JSON.stringify(profile));
  return sample;
}

function printProfile(size: string, variant: Variant, sample: Sample, file: string): void {
  console.log(`\n#### profile ${size} ${variant}: ${(sample.totalMs / 1000).toFixed(2)} s, guard own ${ms(sample.ownMs)} (profiler on); ${path.relative(REPO, file)}\n`);
  console.log('```');
  console.log(formatSummary('guard (samples under GlueNetworkGuard.analyze and GuardCheck.validate; GC is not attributed to it)',
    summarizeProfile(file, REPO, (frame) => (frame.functionName === 'analyze' && frame.url.endsWith('src/cdk/guard.ts'))
      || (frame.functionName === 'validate' && frame.url.endsWith('src/cdk/private/guard-check.ts')), 15, GUARD_PHASES)));
  console.log(formatSummary('the whole measured run (construction + synth)', summarizeProfile(file, REPO, undefined, 10, RUN_PHASES)));
  console.log('```');
}

// ---------------------------------------------------------------------------------------------
// First synthesis per process (`--first-synth N`)
// ---------------------------------------------------------------------------------------------

/**
 * `cdk synth`'s case: a process that constructs the app and synthesizes it once, cold. For each
 * size, N rounds; each round runs one process per variant (plain first on even rounds, last on
 * odd ones), and with `--worker both` the guard's variants once in CDK's thread and once in the
 * compiled worker. Ratios are per round, to that round's plain process.
 */
function firstSynths(options: Options): void {
  const started = Date.now();
  const variants = (options.variants.length ? options.variants : ['plain', 'warn-only']).filter((v) => v !== 'canned');
  const workers = process.env.BENCH_WORKER === 'both' ? ['off', 'on'] : [process.env.BENCH_WORKER === 'on' ? 'on' : 'off'];
  const runs: { variant: string; worker: string }[] = variants.flatMap((variant) => (variant === 'plain' ? [{ variant, worker: 'off' }] : workers.map((worker) => ({ variant, worker }))));
  console.log(`machine: ${machine()}`);
  console.log(`first synthesis per process: ${options.firstSynth} rounds of ${runs.map((r) => `${r.variant}${r.variant === 'plain' ? '' : ` (${r.worker === 'on' ? 'worker' : 'CDK\'s thread'})`}`).join(', ')}, one process each, order reversed on odd rounds`);
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`);
  for (const size of options.sizes) {
    const samples = new Map<string, Sample[]>();
    for (let round = 0; round < options.firstSynth; round++) {
      for (const run of round % 2 === 0 ? runs : [...runs].reverse()) {
        const sample: Sample = JSON.parse(child(['--first-child', size, run.variant], { ...process.env, BENCH_WORKER: run.worker }));
        const key = `${run.variant}/${run.worker}`;
        samples.set(key, [...samples.get(key) ?? [], sample]);
        process.stderr.write(`${size} round ${round + 1} ${key}: synth ${ms(sample.totalMs)}, own ${ms(sample.ownMs)}\n`);
      }
    }
    const plain = samples.get('plain/off')!;
    console.log(`\n#### ${size}: first synthesis per process, medians of ${options.firstSynth} processes (load average now ${os.loadavg().map((l) => l.toFixed(2)).join(', ')})\n`);
    console.log('| variant | whole synth | its CPU | own wall | own / plain synth | whole synth / plain (per round) |');
    console.log('|---|---|---|---|---|---|');
    for (const run of runs) {
      const list = samples.get(`${run.variant}/${run.worker}`)!;
      const name = run.variant === 'plain' ? 'plain' : `${run.variant}, ${run.worker === 'on' ? 'worker' : 'CDK\'s thread'}`;
      const ownShare = median(list.map((x, i) => x.ownMs / plain[i].totalMs));
      const ratio = median(list.map((x, i) => x.totalMs / plain[i].totalMs));
      console.log(`| ${name} | ${ms(median(list.map((x) => x.totalMs)))} | ${ms(median(list.map((x) => x.totalCpuMs)))} | ${run.variant === 'plain' ? '-' : ms(median(list.map((x) => x.ownMs)))} | ${run.variant === 'plain' ? '-' : `${(ownShare * 100).toFixed(1)}%`} | ${ratio.toFixed(3)}x |`);
    }
  }
  console.log(`\n(${((Date.now() - started) / 60000).toFixed(1)} min)`);
}

// ---------------------------------------------------------------------------------------------
// Processes and arguments
// ---------------------------------------------------------------------------------------------

function child(args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(process.execPath, [
    '--expose-gc', '--max-old-space-size=8192', '-r', 'ts-node/register/transpile-only', __filename, ...args,
  ], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 * 1024 * 1024, env });
  if (result.status !== 0) throw new Error(`child ${args.join(' ')} failed with status ${result.status}`);
  const line = result.stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (!line) throw new Error(`child ${args.join(' ')} printed no result`);
  return line.slice(RESULT_MARKER.length);
}

interface Options {
  sizes: string[];
  reps: number;
  cliReps: number;
  warmups: number;
  profile: string[];
  json: string;
  /** Only these variants (plain always kept: every ratio is to it); empty for all. */
  variants: Variant[];
  /** Processes per variant that each synthesize once (`--first-synth N`): `cdk synth`'s case. */
  firstSynth: number;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { sizes: DEFAULT_SIZES, reps: 3, cliReps: -1, warmups: 1, profile: [], json: path.join(OUT, 'results.json'), variants: [], firstSynth: 0 };
  const list = (v: string) => v.split(',').map((s) => s.trim()).filter((s) => s && s !== 'none')
    .flatMap((s) => (s === 'growth' ? GROWTH_SERIES : s === 'growth-broken' ? BROKEN_GROWTH_SERIES : [s]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--sizes': options.sizes = list(value()); break;
      case '--reps': options.reps = Number(value()); break;
      case '--cli-reps': options.cliReps = Number(value()); break;
      case '--warmups': options.warmups = Number(value()); break;
      case '--profile': options.profile = list(value()); break;
      case '--json': options.json = value(); break;
      case '--worker': process.env.BENCH_WORKER = value(); break;
      case '--first-synth': options.firstSynth = Number(value()); break;
      case '--variants': options.variants = value().split(',').map((v) => v.trim()).filter((v) => v) as Variant[]; break;
      default: throw new Error(`unknown argument ${arg}: --sizes LIST (${Object.keys(SIZES).join(', ')}, growth, none), --reps N, --cli-reps N, --warmups N, --profile LIST, --json FILE, --variants LIST (${[...VARIANTS, ...BROKEN_VARIANTS.slice(1)].join(', ')}), --worker on|off|both, --first-synth N`);
    }
  }
  for (const size of [...options.sizes, ...options.profile]) {
    if (!SIZES[size]) throw new Error(`unknown size ${size}; sizes: ${Object.keys(SIZES).join(', ')}, growth`);
  }
  for (const v of options.variants) if (![...VARIANTS, ...BROKEN_VARIANTS].includes(v)) throw new Error(`unknown variant ${v}`);
  if (options.variants.length && !options.variants.includes('plain')) options.variants.unshift('plain');
  if (options.variants.includes('canned') && !options.variants.includes('warn-only')) throw new Error('--variants: canned needs warn-only (it replays its report)');
  if (!(options.reps >= 1)) throw new Error('--reps must be at least 1');
  if (!(options.firstSynth >= 0) || !Number.isInteger(options.firstSynth)) throw new Error('--first-synth must be a whole number of processes');
  if (['on', 'both'].includes(process.env.BENCH_WORKER ?? '') && !fs.existsSync(COMPILED_WORKER)) {
    throw new Error(`--worker ${process.env.BENCH_WORKER}: no compiled worker at ${path.relative(REPO, COMPILED_WORKER)} (npm run bench compiles it)`);
  }
  if (process.env.BENCH_WORKER === 'both' && options.firstSynth === 0) throw new Error('--worker both needs --first-synth N');
  if (!(options.warmups >= 0)) throw new Error('--warmups must be 0 or more');
  // --cli-reps 0 skips the CLI rounds.
  if (options.cliReps < 0 || Number.isNaN(options.cliReps)) options.cliReps = Math.max(5, options.reps * 3);
  return options;
}

function machine(): string {
  const cpu = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? os.cpus()[0]?.model;
  return `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child') {
    if (argv[5]) selectedVariants = argv[5].split(',') as Variant[];
    console.log(RESULT_MARKER + JSON.stringify(await measureSize(argv[1], Number(argv[2]), Number(argv[3]), Number(argv[4]))));
    return;
  }
  if (argv[0] === '--first-child') {
    console.log(RESULT_MARKER + JSON.stringify((await synthOnce(argv[1], argv[2] as Variant)).sample));
    return;
  }
  if (argv[0] === '--profile-child') {
    console.log(RESULT_MARKER + JSON.stringify(await profileChild(argv[1], argv[2] as Variant, argv[3])));
    return;
  }

  const options = parseOptions(argv);
  const started = Date.now();
  if (options.firstSynth > 0) {
    firstSynths(options);
    return;
  }
  console.log(`machine: ${machine()}`);
  console.log(`sizes: ${options.sizes.join(', ') || '(none)'}; per size ${options.warmups} warm-up + ${options.reps} measured rounds of `
    + `${VARIANTS.join(', ')} (broken sizes: ${BROKEN_VARIANTS.join(', ')})${options.variants.length ? `, only ${options.variants.join(', ')}` : ''} (interleaved, in reverse order on odd rounds), then ${options.cliReps} CLI rounds`);
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`);
  console.log(process.env.BENCH_WORKER === 'on' && fs.existsSync(COMPILED_WORKER)
    ? `the guard's check runs in a worker thread (${path.relative(REPO, COMPILED_WORKER)})`
    : 'the guard\'s and the plugin\'s check run in CDK\'s thread, the default (--worker on: in a worker thread)');
  const results: SizeResult[] = [];
  for (const size of options.sizes) {
    const sizeStarted = Date.now();
    process.stderr.write(`${size}: measuring (one process)\n`);
    results.push(JSON.parse(child(['--child', size, String(options.reps), String(options.cliReps), String(options.warmups), options.variants.join(',')])));
    process.stderr.write(`${size}: done in ${((Date.now() - sizeStarted) / 1000).toFixed(0)} s (load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')})\n`);
  }
  if (results.length) console.log(`\n### The guard's overhead, wall and CPU (medians of per-round values)\n\n${overheadTable(results)}`);
  const clean = results.filter((r) => !r.shape.broken);
  const broken = results.filter((r) => r.shape.broken);
  if (clean.length) {
    console.log(`\n### Synth (medians of per-round ratios; "own" = time inside the check itself)\n\n${synthTable(clean)}`);
    const growth = growthTable(clean);
    if (growth) console.log(`\n### Doubling (x = ratio to the previous step, exponent = log2 of it)\n\n${growth}`);
    console.log(`\n${details(clean)}`);
  }
  if (broken.length) {
    console.log(`\n### The broken app, guard in WARN_ONLY (medians of per-round ratios)\n\n${brokenTable(broken)}`);
    const growth = brokenGrowthTable(broken);
    if (growth) console.log(`\n### Doubling, broken app (x = ratio to the previous step, exponent = log2 of it)\n\n${growth}`);
  }
  const withCli = results.filter((r) => r.cli.planMs.length > 0);
  if (withCli.length) console.log(`\n### CLI over the plain app's cdk.out\n\n${cliTable(withCli)}`);
  const profiles: { size: string; variant: Variant; file: string; sample: Sample }[] = [];
  for (const size of options.profile) {
    for (const variant of (SIZES[size].broken ? ['warn-only'] : ['fail', 'auto-peer']) as Variant[]) {
      fs.mkdirSync(OUT, { recursive: true });
      const file = path.join(OUT, `${size}-${variant}.cpuprofile`);
      process.stderr.write(`${size}: profiling ${variant}\n`);
      const sample: Sample = JSON.parse(child(['--profile-child', size, variant, file]));
      profiles.push({ size, variant, file, sample });
      printProfile(size, variant, sample, file);
    }
  }
  fs.mkdirSync(path.dirname(path.resolve(options.json)), { recursive: true });
  fs.writeFileSync(options.json, `${JSON.stringify({ machine: machine(), options, results, figures: results.map((r) => ({ size: r.size, ...(r.shape.broken ? brokenFigures(r) : figures(r)) })), profiles }, null, 2)}\n`);
  console.log(`\n(${((Date.now() - started) / 60000).toFixed(1)} min; load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}; raw samples in ${path.relative(REPO, path.resolve(options.json))})`);
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});

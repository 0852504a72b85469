/**
 * The CLI's cost against a bare `JSON.parse` of the same templates (issue 18), apart from the
 * synth benchmark (bench/run.ts), so it can be measured and profiled in a process of its own:
 *
 *   node --expose-gc node_modules/.bin/ts-node --transpile-only bench/cli-profile.ts synth large DIR
 *       synthesizes the benchmark's plain app of that size into DIR (a cdk.out), once
 *   node --expose-gc node_modules/.bin/ts-node --transpile-only bench/cli-profile.ts measure DIR [ROUNDS]
 *       interleaved rounds of: read + JSON.parse of the manifest and templates (the floor),
 *       planFromFiles, runCli (text), each after a forced GC; prints the medians, wall and CPU
 *       time (CPU time is less disturbed by a busy machine), and the medians of the per-round ratios
 *   node --cpu-prof ... bench/cli-profile.ts plan DIR [TIMES]
 *       planFromFiles TIMES times, then runCli once per format (for a CPU profile)
 *   ... bench/cli-profile.ts outputs DIR OUTDIR
 *       writes the json, text, markdown and sarif reports, with and without --no-failover, to
 *       OUTDIR (to compare byte for byte before and after a change)
 *   node --expose-gc ... bench/cli-profile.ts guard DIR OUTDIR [ROUNDS]
 *       the guard's template check of DIR (a cdk.out) in WARN_ONLY mode, as CDK's validation
 *       phase runs it, without a synth: ROUNDS rounds after a warm-up, each writing the plan file
 *       (plan.json) and the Markdown report (report.md) to OUTDIR; then the validation report
 *       (report.json: CDK's violations). Prints the medians of the check (CPU and wall), of its
 *       file writing and of making CDK's violations (the findings report, after the plan).
 *       GUARD_ROOT=/other/checkout runs that checkout's code (to compare).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { generateApp, SIZES } from './generate';
import { parseArgs, planFromFiles, runCli } from '../src/cli/run';

const REPO = path.resolve(__dirname, '..');

declare const gc: (() => void) | undefined;

function collect(): void {
  if (typeof gc === 'function') {
    gc();
    gc();
  }
}

function templateFiles(outdir: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const files = [path.join(outdir, 'manifest.json')];
  for (const artifact of Object.values<any>(manifest.artifacts)) {
    if (artifact.type === 'aws:cloudformation:stack') files.push(path.join(outdir, artifact.properties.templateFile));
  }
  return files;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function synth(size: string, outdir: string): void {
  const shape = SIZES[size];
  if (!shape) throw new Error(`unknown size ${size}: ${Object.keys(SIZES).join(', ')}`);
  fs.rmSync(outdir, { recursive: true, force: true });
  const app = new App({
    outdir,
    context: {
      '@aws-cdk/core:stackResourceLimit': 5000,
      'aws:cdk:enable-path-metadata': true,
    },
  });
  generateApp(app, shape);
  app.synth();
}

/** CPU time of this process (every thread: the main one and GC helpers), ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Wall and CPU time of `work`, ms. */
function timed(work: () => void): { wall: number; cpu: number } {
  collect();
  const wall = performance.now();
  const cpu = cpuMs();
  work();
  return { wall: performance.now() - wall, cpu: cpuMs() - cpu };
}

function measure(outdir: string, rounds: number): void {
  const files = templateFiles(outdir);
  const options = parseArgs([outdir]);
  if (options === 'help') throw new Error('unreachable');
  const samples: Record<'floor' | 'plan' | 'cli', { wall: number; cpu: number }[]> = { floor: [], plan: [], cli: [] };
  let sink = 0;
  const io = { stdout: (t: string) => { sink += t.length; }, stderr: (t: string) => { sink += t.length; }, cwd: REPO };
  for (let r = 0; r <= rounds; r++) {
    const f = timed(() => { for (const file of files) sink += Object.keys(JSON.parse(fs.readFileSync(file, 'utf8'))).length; });
    const p = timed(() => { sink += planFromFiles(options, REPO).jobs.length; });
    const c = timed(() => { runCli([outdir], io); });
    if (r === 0) continue; // warm-up
    samples.floor.push(f);
    samples.plan.push(p);
    samples.cli.push(c);
  }
  const ratio = (kind: 'plan' | 'cli', clock: 'wall' | 'cpu') => median(samples[kind].map((x, i) => x[clock] / samples.floor[i][clock])).toFixed(2);
  const ms = (kind: 'floor' | 'plan' | 'cli', clock: 'wall' | 'cpu') => median(samples[kind].map((x) => x[clock])).toFixed(0);
  console.log(`${rounds} rounds: floor ${ms('floor', 'wall')} ms wall / ${ms('floor', 'cpu')} ms CPU; `
    + `planFromFiles ${ms('plan', 'wall')} / ${ms('plan', 'cpu')} ms, ${ratio('plan', 'wall')}x / ${ratio('plan', 'cpu')}x; `
    + `runCli text ${ms('cli', 'wall')} / ${ms('cli', 'cpu')} ms, ${ratio('cli', 'wall')}x / ${ratio('cli', 'cpu')}x (sink ${sink % 7})`);
}

function planOnly(outdir: string, times: number): void {
  const options = parseArgs([outdir]);
  if (options === 'help') throw new Error('unreachable');
  let sink = 0;
  for (let i = 0; i < times; i++) sink += planFromFiles(options, REPO).jobs.length;
  const io = { stdout: (t: string) => { sink += t.length; }, stderr: (t: string) => { sink += t.length; }, cwd: REPO };
  for (const format of ['text', 'json', 'markdown', 'sarif']) runCli([outdir, '--format', format], io);
  console.log(`sink ${sink}`);
}

function outputs(outdir: string, target: string): void {
  fs.mkdirSync(target, { recursive: true });
  for (const failover of [true, false]) {
    for (const format of ['json', 'text', 'markdown', 'sarif']) {
      let out = '';
      let err = '';
      const code = runCli([outdir, '--format', format, ...(failover ? [] : ['--no-failover'])],
        { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, cwd: REPO });
      fs.writeFileSync(path.join(target, `${format}${failover ? '' : '.no-failover'}.out`), `${out}\n--- stderr\n${err}--- exit ${code}\n`);
    }
  }
}

/**
 * The guard's check (src/cdk/private/guard-check.ts) of a cdk.out's stacks, with the context CDK
 * gives it (template paths, stack construct paths), in WARN_ONLY mode, writing the plan file and
 * the Markdown report as the guard's `writePlan` does.
 */
function guard(outdir: string, target: string, rounds: number): void {
  const root = path.resolve(process.env.GUARD_ROOT ?? REPO);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { GuardCheck } = require(path.join(root, 'src/cdk/private/guard-check'));
  const { toMarkdown, writeJson } = require(path.join(root, 'src/report'));
  // The guard's own file writer, where it has one of its own (else the same code, as it was in guard.ts).
  const chunkedFile = path.join(root, 'src/cdk/private/chunked-file.ts');
  const writeChunked: typeof writeFileInChunks = fs.existsSync(chunkedFile) ? require(chunkedFile).writeChunked : writeFileInChunks;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const stackTemplates = Object.entries<any>(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack').map(([id, a]) => ({
    stackConstructPath: a.displayName ?? id,
    templatePath: path.join(outdir, a.properties.templateFile),
    accountId: undefined,
    region: undefined,
  }));
  const context = { templatePaths: stackTemplates.map((s) => s.templatePath), stackTemplates, appConstruct: undefined };
  fs.mkdirSync(target, { recursive: true });
  let writing = { wall: 0, cpu: 0 };
  // The check makes CDK's violations right after it hands over the plan (findingsReport).
  let planned = { wall: 0, cpu: 0 };
  const check = new GuardCheck({
    scope: { node: { path: '' } },
    planOptions: { azDown: [], failover: true },
    warnOnly: true,
    // In this thread (a worker would do the work out of reach of these timers); the guard writes
    // no files itself here: the writing below is timed apart.
    workerThread: false,
    files: () => undefined,
    // Since run 12 the guard's check hands over { plan }; before, the plan itself.
    onPlan: (handed: any) => {
      const plan = handed && handed.jobs === undefined && handed.plan !== undefined ? handed.plan : handed;
      writing = timed(() => {
        writeChunked(path.join(target, 'plan.json'), (write) => { writeJson(plan, write); write('\n'); });
        fs.writeFileSync(path.join(target, 'report.md'), toMarkdown(plan, { maxJobSections: 50 }));
      });
      planned = { wall: performance.now(), cpu: cpuMs() };
    },
  });
  const checks: { wall: number; cpu: number }[] = [];
  const writes: { wall: number; cpu: number }[] = [];
  const reports: { wall: number; cpu: number }[] = [];
  let report: unknown;
  for (let r = 0; r <= rounds; r++) {
    const t = timed(() => { report = check.validate(context); });
    const violations = { wall: performance.now() - planned.wall, cpu: cpuMs() - planned.cpu };
    if (r === 0) continue; // warm-up
    checks.push(t);
    writes.push(writing);
    reports.push(violations);
  }
  fs.writeFileSync(path.join(target, 'report.json'), `${JSON.stringify(report, null, 1)}\n`);
  const ms = (samples: { wall: number; cpu: number }[], clock: 'wall' | 'cpu') => median(samples.map((x) => x[clock])).toFixed(0);
  console.log(`${rounds} rounds (${root}): check ${ms(checks, 'wall')} ms wall / ${ms(checks, 'cpu')} ms CPU, `
    + `of which writing the plan and report files ${ms(writes, 'wall')} / ${ms(writes, 'cpu')} ms, `
    + `CDK's violations ${ms(reports, 'wall')} / ${ms(reports, 'cpu')} ms`);
}

/** How guard.ts wrote its plan file before src/cdk/private/chunked-file.ts: chunks of about 1 MB. */
function writeFileInChunks(file: string, produce: (write: (chunk: string) => void) => void): void {
  const fd = fs.openSync(file, 'w');
  try {
    let pending: string[] = [];
    let size = 0;
    const flush = () => {
      const bytes = Buffer.from(pending.join(''), 'utf8');
      for (let offset = 0; offset < bytes.length;) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
      pending = [];
      size = 0;
    };
    produce((chunk) => {
      pending.push(chunk);
      size += chunk.length;
      if (size >= 1_048_576) flush();
    });
    flush();
  } finally {
    fs.closeSync(fd);
  }
}

const [command, ...args] = process.argv.slice(2);
switch (command) {
  case 'synth': synth(args[0], path.resolve(args[1])); break;
  case 'measure': measure(path.resolve(args[0]), Number(args[1] ?? 7)); break;
  case 'plan': planOnly(path.resolve(args[0]), Number(args[1] ?? 5)); break;
  case 'outputs': outputs(path.resolve(args[0]), path.resolve(args[1])); break;
  case 'guard': guard(path.resolve(args[0]), path.resolve(args[1]), Number(args[2] ?? 3)); break;
  default: throw new Error('usage: cli-profile.ts synth SIZE DIR | measure DIR [ROUNDS] | plan DIR [TIMES] | outputs DIR OUTDIR | guard DIR OUTDIR [ROUNDS]');
}

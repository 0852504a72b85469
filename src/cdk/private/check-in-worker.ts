import * as fs from 'fs';
import * as path from 'path';
import type { MessagePort, ResourceLimits, Worker } from 'worker_threads';
import { CheckQuestion, CheckRequest, MainMessage, SLOT, SLOTS, WorkerMessage } from './check-protocol';
import { PlanFiles, removeTemporaryFiles, WrittenPlanFile } from './plan-files';

/*
 * The check of the templates in a worker thread (issue 18): CDK's thread holds the app's construct
 * tree (146 MB live at 2,000 jobs), and every major GC there marks all of it; the check allocates
 * some 400 MB at that size, so in CDK's heap it triggered, and paid for, such GCs by chance. In a
 * worker it has a heap and a young generation of its own, and the worker loads the engine while
 * CDK synthesizes (it is started when the guard's aspect defers the check).
 *
 * CDK runs validation plugins synchronously, so CDK's thread waits (Atomics.wait) for the worker's
 * report, answering its questions about the construct tree meanwhile. It never waits forever: the
 * worker sets a started flag first thing, and a started worker that is no longer running (it
 * threw, ran out of memory, was terminated) is seen within a tenth of a second (see `alive`).
 */

/** How a worker is started: the compiled worker next to this module unless a test says otherwise. */
export interface WorkerScript {
  /** The module that exports `serve` (check-worker.js). */
  readonly file: string;
  /** The worker's Node options (a test runs the TypeScript source with ts-node's register). */
  readonly execArgv?: string[];
  readonly resourceLimits?: ResourceLimits;
}

let scriptOverride: WorkerScript | undefined;

/**
 * The guard's default: a worker for a scope of this many constructs or more (the guard counts
 * them as its aspect visits them); none by default. Measured (BENCHMARKS.md, run 12): at 21,000
 * constructs (2,000 broken jobs) the worker takes CDK's garbage collection out of the check, but
 * on a quiet machine a first synthesis per process was no faster (the guard's own time 4% lower in
 * the median of three, the whole synth the same), and repeated synthesis in one process (the
 * benchmark's rounds, a test suite) 11% slower, where CDK's thread has the check's code warm and
 * each worker starts cold. `workerThread: true` opts in. Tests may change it.
 */
export const WORKER_DEFAULTS = { minConstructs: Number.POSITIVE_INFINITY };

/** For tests: the worker script to start (undefined: the compiled one next to this module). */
export function useWorkerScript(script: WorkerScript | undefined): void {
  scriptOverride = script;
}

/** The worker script of this installation, when it is compiled JavaScript (not under ts-node, ts-jest or a bundle without it). */
function workerScript(): WorkerScript | undefined {
  if (scriptOverride) return scriptOverride;
  if (!__filename.endsWith('.js')) return undefined;
  const file = path.join(__dirname, 'check-worker.js');
  return fs.existsSync(file) ? { file } : undefined;
}

/** The worker stopped before it sent its report: the check did not run to its end. */
export class WorkerStopped extends Error {
  constructor(why: string) {
    super(why);
    this.name = 'WorkerStopped';
  }
}

/** Ends the workers whose owner was collected before it used them (see `CheckWorker.start`). */
const UNUSED_WORKERS = new FinalizationRegistry<{ dispose(): void }>((worker) => worker.dispose());

/** A worker started too long ago without running is taken as one that cannot start. */
const START_TIMEOUT_MS = 60_000;
/** How often CDK's thread looks whether the worker it waits for still runs. */
const LIVENESS_MS = 100;

/** What the worker sends back when it ran the check, and the files it still writes (`deferFiles`). */
export type CheckDone = Extract<WorkerMessage, { kind: 'done' }> & { readonly pendingFiles?: PendingFiles };

/** A worker that runs one check. */
export class CheckWorker {
  /**
   * Starts a worker, or returns undefined when this environment cannot run one: no compiled
   * worker script next to this module, no worker_threads or SharedArrayBuffer, or a Node.js whose
   * worker does not show whether it still runs. The check then runs in CDK's thread.
   *
   * @param owner what keeps the worker for a later check (a plugin, the guard's check): when it is
   *   collected with the worker unused (its app never validated: a synthesis that failed earlier,
   *   an app dropped), the worker is ended. Until it runs its check a worker waits, blocked, with
   *   a heap of its own (some 20 MB) that nothing else would free before the process exits.
   */
  public static start(owner?: object): CheckWorker | undefined {
    const script = workerScript();
    if (!script || typeof SharedArrayBuffer !== 'function' || typeof Atomics?.wait !== 'function') return undefined;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const threads: typeof import('worker_threads') = require('worker_threads');
      const state = new Int32Array(new SharedArrayBuffer(4 * SLOTS));
      const { port1, port2 } = new threads.MessageChannel();
      const worker = new threads.Worker(BOOTSTRAP, {
        eval: true,
        workerData: { port: port2, state, file: script.file },
        transferList: [port2],
        execArgv: script.execArgv,
        resourceLimits: script.resourceLimits,
      });
      // Its errors are reported through the check (or the check already ran): an 'error' event
      // without a listener would crash the process.
      worker.on('error', () => undefined);
      worker.unref();
      const running = runningProbe(worker);
      if (!running) {
        void worker.terminate();
        return undefined;
      }
      const started = new CheckWorker(worker, port1, state, running, threads.receiveMessageOnPort);
      if (owner) UNUSED_WORKERS.register(owner, started, started);
      return started;
    } catch {
      return undefined;
    }
  }

  private readonly startedAt = Date.now();
  private used = false;
  /** The worker's thread id (the temporary names of the files it writes have it), kept: Node.js says -1 once it exited. */
  public readonly threadId: number;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly state: Int32Array,
    private readonly running: () => boolean,
    private readonly receiveMessageOnPort: typeof import('worker_threads').receiveMessageOnPort,
  ) {
    this.threadId = worker.threadId;
  }

  /**
   * Runs the check in the worker, answering its questions with `answer`, and waits for it.
   * Returns undefined when the worker could not load the check (then run it in CDK's thread);
   * throws WorkerStopped when the worker stopped before it sent its report.
   */
  public run(request: CheckRequest, answer: (question: CheckQuestion) => unknown): CheckDone | undefined {
    if (this.used) throw new Error('a check worker runs one check');
    this.used = true;
    // In use: its owner may be collected now (an app dropped after its synthesis) without ending
    // it, which would cut the files it writes after its report.
    UNUSED_WORKERS.unregister(this);
    let keep = false;
    try {
      try {
        this.post({ kind: 'check', request });
      } catch {
        // A request that is not plain data (DataCloneError): CDK's thread checks it.
        return undefined;
      }
      for (;;) {
        const message = this.next();
        if (message.kind === 'done') {
          if (!message.filesPending) return message;
          // The worker writes the files now, while CDK goes on: it is ended once they are written.
          keep = true;
          return { ...message, pendingFiles: new PendingFiles(this, request.files) };
        }
        if (message.kind === 'unavailable') return undefined;
        if (message.kind !== 'question') continue;
        let reply: MainMessage;
        try {
          reply = { kind: 'answer', answer: answer(message.question) };
        } catch (e) {
          reply = { kind: 'answer', error: (e as Error)?.message ?? String(e) };
        }
        this.post(reply);
      }
    } finally {
      if (!keep) this.dispose();
    }
  }

  /**
   * Waits until the worker has written the files of a `deferFiles` request, or has stopped
   * without; then ends it. (For `PendingFiles`.)
   */
  public awaitFiles(): { readonly planFile?: WrittenPlanFile; readonly error?: string } {
    try {
      for (;;) {
        if (Atomics.load(this.state, SLOT.FILES) === 1) {
          for (let received = this.receiveMessageOnPort(this.port); received; received = this.receiveMessageOnPort(this.port)) {
            const message = received.message as WorkerMessage;
            if (message.kind === 'files') return { planFile: message.planFile, error: message.error };
          }
          return { error: 'the check\'s worker thread said it wrote them but sent no word of them' };
        }
        if (Atomics.wait(this.state, SLOT.FILES, 0, LIVENESS_MS) === 'timed-out' && !this.running() && Atomics.load(this.state, SLOT.FILES) !== 1) {
          return { error: 'the check\'s worker thread stopped before it wrote them (out of memory, or terminated)' };
        }
      }
    } finally {
      this.dispose();
    }
  }

  /** Whether `awaitFiles` would return without waiting. */
  public get filesSettled(): boolean {
    return Atomics.load(this.state, SLOT.FILES) === 1 || !this.running();
  }

  /** Ends the worker (when it was not used, or is no longer needed). */
  public dispose(): void {
    this.used = true;
    UNUSED_WORKERS.unregister(this);
    this.port.close();
    void this.worker.terminate().catch(() => undefined);
  }

  private post(message: MainMessage): void {
    this.port.postMessage(message);
    Atomics.store(this.state, SLOT.WORKER, 1);
    Atomics.notify(this.state, SLOT.WORKER);
  }

  /** The worker's next message: it posts it, then sets CDK's slot. */
  private next(): WorkerMessage {
    for (;;) {
      const received = this.receiveMessageOnPort(this.port);
      if (received) return received.message as WorkerMessage;
      const woken = Atomics.wait(this.state, SLOT.MAIN, 0, LIVENESS_MS);
      Atomics.store(this.state, SLOT.MAIN, 0);
      if (woken !== 'timed-out' || this.alive()) continue;
      // It may have sent its last message just before it ended.
      const last = this.receiveMessageOnPort(this.port);
      if (last) return last.message as WorkerMessage;
      throw new WorkerStopped(Atomics.load(this.state, SLOT.STARTED) === 1
        ? 'the check\'s worker thread stopped before it finished (out of memory, or terminated)'
        : `the check's worker thread did not start within ${START_TIMEOUT_MS / 1000} s`);
    }
  }

  /** Whether the worker may still send its report. */
  private alive(): boolean {
    // Before it starts, the probe cannot tell "not yet" from "gone": give it time.
    if (Atomics.load(this.state, SLOT.STARTED) !== 1) return Date.now() - this.startedAt < START_TIMEOUT_MS;
    return this.running();
  }
}

/**
 * The plan file and the Markdown report a worker writes after it sent its report (issue 18: CDK's
 * thread then goes on with CDK's own template checks, some 13 s at 2,000 jobs, while the other
 * core writes them). Whoever needs them waits: `lastPlanJson`, the guard's next synthesis (before
 * it removes them), and the process itself, which waits for every one of them as it exits (an
 * 'exit' listener: also when a synthesis failed and threw), so `cdk synth` always leaves them
 * whole in `cdk.out`. Each is written under a temporary name and renamed, so no half file is ever
 * seen under its name; a file that could not be written is said on stderr and fails the process.
 */
export class PendingFiles {
  private result?: { readonly planFile?: WrittenPlanFile; readonly error?: string };
  private told = false;

  /** The directory they are written in (resolved), if known. */
  public readonly outdir?: string;

  constructor(private readonly worker: CheckWorker, private readonly files?: PlanFiles) {
    this.outdir = files === undefined ? undefined : path.resolve(files.outdir);
    PENDING.add(this);
    if (!exitListener) {
      exitListener = () => settleAll();
      process.on('exit', exitListener);
    }
    // Those written by now, and not failed, need no one to wait for them.
    for (const pending of PENDING) if (pending !== this && pending.worker.filesSettled) pending.finish();
  }

  /** Waits for the files; returns the plan file written (undefined when none was asked for), or throws why they were not written. */
  public wait(): WrittenPlanFile | undefined {
    const result = this.settle();
    PENDING.delete(this);
    if (result.error !== undefined) {
      this.told = true;
      throw new Error(`${NOT_WRITTEN}${result.error}`);
    }
    return result.planFile;
  }

  /** Waits for the files; what could not be written is said at exit (or by `wait`). */
  public finish(): void {
    if (this.settle().error === undefined) PENDING.delete(this);
  }

  /** Waits for the files (once): what the worker said of them. */
  private settle(): { readonly planFile?: WrittenPlanFile; readonly error?: string } {
    if (this.result) return this.result;
    this.result = this.worker.awaitFiles();
    // A worker that stopped as it wrote them left them under their temporary names.
    if (this.result.error !== undefined && this.files) {
      try {
        removeTemporaryFiles(this.files, this.worker.threadId);
      } catch {
        // The error said is that they were not written.
      }
    }
    return this.result;
  }

  /** At exit: waits, and says on stderr (failing the process) what could not be written and was not said yet. */
  public settleAtExit(): void {
    const error = this.settle().error;
    if (error === undefined || this.told) return;
    this.told = true;
    process.stderr.write(`${NOT_WRITTEN}${error}\n`);
    if (!process.exitCode) process.exitCode = 1;
  }
}

const PENDING = new Set<PendingFiles>();
/** How a file the worker could not write is said (stderr at exit, or `wait`'s error). */
const NOT_WRITTEN = 'cdk-glue-netplan could not write its plan file or Markdown report: ';
let exitListener: (() => void) | undefined;

/**
 * Waits for the files every worker still writes in `outdir` (what could not be written is said at
 * exit, as by `finish`). Whoever writes or removes files there calls it first: another check's
 * worker (a second guard, or one guard on two stacks, in the same synthesis; another app
 * synthesized into the same directory) would otherwise rename its files over theirs, whichever
 * finishes last, where in CDK's thread the check that ran last wrote last; and CDK's snapshot of
 * the directory before its validation plugins (aws-cdk-lib's IllegalPluginOperation check) could
 * list a temporary file as it is renamed.
 */
export function settleFilesIn(outdir: string): void {
  if (PENDING.size === 0) return;
  const dir = path.resolve(outdir);
  for (const pending of [...PENDING]) if (pending.outdir === undefined || pending.outdir === dir) pending.finish();
}

/**
 * Waits for every file still written by a worker, saying on stderr what could not be written (the
 * process is exiting; tests that read the files of an in-process synthesis call it too).
 */
export function settleAll(): void {
  for (const pending of PENDING) pending.settleAtExit();
  PENDING.clear();
}

/**
 * Whether a started worker is still running, from CDK's thread while it waits (its event loop
 * does not turn, so the worker's 'exit' event cannot arrive). Node.js reports a worker's event
 * loop idle time as -1 once the worker has stopped (node_worker.cc, Worker::LoopIdleTime: -1 when
 * the worker is stopped or has no environment); the handle is not public API, so where it is not
 * there, no worker is used.
 */
function runningProbe(worker: Worker): (() => boolean) | undefined {
  const symbol = Object.getOwnPropertySymbols(worker).find((s) => s.description === 'kHandle');
  const handle = symbol ? (worker as any)[symbol] : undefined;
  if (!handle || typeof handle.loopIdleTime !== 'function') return undefined;
  return () => {
    try {
      const idle = handle.loopIdleTime();
      return typeof idle === 'number' && idle >= 0;
    } catch {
      return false;
    }
  };
}

/**
 * The worker's first code: it says it started, then loads the check; a check that cannot load
 * (a module missing from a bundle) is reported so CDK's thread runs it itself.
 */
const BOOTSTRAP = `
const { workerData } = require('worker_threads');
Atomics.store(workerData.state, ${SLOT.STARTED}, 1);
let serve;
try {
  serve = require(workerData.file).serve;
} catch (e) {
  workerData.port.postMessage({ kind: 'unavailable', message: String((e && e.message) || e) });
  Atomics.store(workerData.state, ${SLOT.MAIN}, 1);
  Atomics.notify(workerData.state, ${SLOT.MAIN});
}
if (serve) serve(workerData);
`;

import * as fs from 'fs';
import * as path from 'path';
import { threadId } from 'worker_threads';
import { writeChunked } from './chunked-file';
import type { Plan } from '../../engine';
import { toMarkdown, writeJson } from '../../report';

/*
 * The guard's plan file and Markdown report in the cloud assembly directory, written by the
 * guard's thread or by the check's worker thread (no aws-cdk-lib here).
 */

/**
 * The job sections of the Markdown report file: an app broken in many places would otherwise get
 * a section per job, megabytes no one reads (and no pull request comment holds), written on every
 * synthesis. The summary table lists every job, the plan file has every path.
 */
export const REPORT_JOB_SECTIONS = 50;

/** Where the guard writes its files: names in `outdir`, '' for none. */
export interface PlanFiles {
  readonly outdir: string;
  readonly planFileName: string;
  readonly reportFileName: string;
}

/** The plan file as written: to tell, when it is read back, that it is still that file. */
export interface WrittenPlanFile {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * Writes the plan file and the Markdown report; returns the plan file written, if any. Each is
 * written under a temporary name in the same directory, then renamed: a process that ends while
 * they are written (the check's worker writes them while CDK goes on) leaves no half file under
 * the names the guard reports.
 */
export function writePlanFiles(plan: Plan, files: PlanFiles): WrittenPlanFile | undefined {
  if (files.planFileName === '' && files.reportFileName === '') return undefined;
  fs.mkdirSync(files.outdir, { recursive: true });
  let written: WrittenPlanFile | undefined;
  // Compact and written a job at a time: the file is for machines (the CLI's JSON contract), and
  // a large app's plan is tens of megabytes. `lastPlanJson` and `glue-netplan --format json` indent.
  if (files.planFileName !== '') {
    const file = path.join(files.outdir, files.planFileName);
    writeThenRename(file, (temporary) => writeChunked(temporary, (write) => { writeJson(plan, write); write('\n'); }));
    const stat = fs.statSync(file);
    written = { path: file, size: stat.size, mtimeMs: stat.mtimeMs };
  }
  if (files.reportFileName !== '') {
    const report = toMarkdown(plan, { maxJobSections: REPORT_JOB_SECTIONS });
    writeThenRename(path.join(files.outdir, files.reportFileName), (temporary) => fs.writeFileSync(temporary, report));
  }
  return written;
}

/** The temporary name `file` is written under by the thread `thread` of this process. */
export function temporaryFileName(file: string, thread: number): string {
  return `${file}.${process.pid}-${thread}.tmp`;
}

/**
 * Removes the temporary files a thread of this process may have left, writing `files`, when it
 * stopped before renaming them (a worker out of memory, or terminated).
 */
export function removeTemporaryFiles(files: PlanFiles, thread: number): void {
  for (const name of [files.planFileName, files.reportFileName]) {
    if (name !== '') fs.rmSync(temporaryFileName(path.join(files.outdir, name), thread), { force: true });
  }
}

/** Writes `file` under a temporary name beside it, then renames it; removes the temporary file on failure. */
function writeThenRename(file: string, write: (temporary: string) => void): void {
  const temporary = temporaryFileName(file, threadId);
  try {
    write(temporary);
    fs.renameSync(temporary, file);
  } catch (e) {
    fs.rmSync(temporary, { force: true });
    throw e;
  }
}

/**
 * The plan in the CLI's JSON format, indented, from the compact JSON of the plan file: exactly
 * `JSON.stringify(toJson(plan), null, 2)`, which the compact text is without the indentation
 * (`writeJson`), and JSON.parse keeps every key's order and value.
 */
export function indentedPlanJson(compact: string): string {
  return JSON.stringify(JSON.parse(compact), null, 2);
}

/** The indented plan from the plan file written, or an error saying it changed since. */
export function planJsonFromFile(written: WrittenPlanFile): string {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(written.path);
  } catch {
    stat = undefined;
  }
  if (!stat || stat.size !== written.size || stat.mtimeMs !== written.mtimeMs) {
    throw new Error(`GlueNetworkGuard.lastPlanJson: the plan file ${written.path} was ${stat ? 'changed' : 'removed'} since the synthesis wrote it; synthesize again to read the plan.`);
  }
  return indentedPlanJson(fs.readFileSync(written.path, 'utf8'));
}

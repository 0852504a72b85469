import type { IPolicyValidationContext, PolicyValidationPluginReport } from 'aws-cdk-lib';
import type { PlanFiles, WrittenPlanFile } from './plan-files';
import { applyConstructPaths, checkTemplates, templatesLackingConstructPaths } from './validation-report';
import type { Finding, Plan, PlanOptions, Severity } from '../../engine';
import { FactsDocument, InputError } from '../../ingest';

/*
 * One check of the templates CDK wrote, as data: what the guard and the validation plugin ask of
 * it, run the same way in CDK's thread or in the check's worker thread (check-worker.ts), which
 * gets it as a message. Nothing here loads aws-cdk-lib.
 */

/** A check of the templates, as data (a structured-clone message). */
export interface CheckRequest {
  readonly templatePaths: string[];
  readonly stackTemplates?: IPolicyValidationContext['stackTemplates'];
  /** Only the stacks in the construct at this path, or containing it (the guard's scope); all when undefined. */
  readonly scopePath?: string;
  readonly planOptions: PlanOptions;
  /** The facts, read in CDK's thread (they come from the construct tree's context too). */
  readonly facts?: FactsDocument;
  /** Why the facts could not be read: reported where the check reads them, after the templates. */
  readonly factsError?: { readonly message: string; readonly input: boolean };
  /** Findings made elsewhere (auto-peer's), added to the plan. */
  readonly extraFindings: Finding[];
  /** The severities that fail the report. */
  readonly failing: Severity[];
  /** Report error findings as warnings (the guard's WARN_ONLY). */
  readonly warnOnly: boolean;
  /** What a user can do meanwhile when the check itself fails. */
  readonly workaround: string;
  readonly version?: string;
  /** Give the templates' resources their construct paths where CDK did not write them (the guard). */
  readonly addConstructPaths: boolean;
  /** The guard's plan file and Markdown report, written by the thread that makes the plan. */
  readonly files?: PlanFiles;
  /** Send back the compact plan when no plan file is written (for the guard's `lastPlanJson`). */
  readonly keepPlan: boolean;
  /**
   * Write `files` after the report is sent (the worker only): CDK's thread goes on with CDK's own
   * checks while the worker writes them, and waits for them only where it needs them (see
   * `PendingFiles`).
   */
  readonly deferFiles?: boolean;
}

/** What the check asks of the construct tree, which only CDK's thread has. */
export interface CheckEnvironment {
  /** The facts (see `CheckRequest.facts`); may throw InputError. */
  facts(): FactsDocument | undefined;
  /** Nested stacks' template files (`TemplateCheck.nestedTemplates`). */
  nestedTemplates(): Map<string, string>;
  /** The construct path of each resource of the templates at these resolved paths, by file and logical id. */
  constructPaths(files: string[]): Record<string, Record<string, string>>;
  /** Receives the plan (the guard's files, `lastPlanJson`). */
  onPlan(plan: Plan): void;
}

/** Runs a check. Never throws (see `checkTemplates`). */
export function runCheck(context: IPolicyValidationContext, request: CheckRequest, environment: CheckEnvironment): PolicyValidationPluginReport {
  const scopePath = request.scopePath;
  return checkTemplates(context, {
    version: request.version,
    planOptions: request.planOptions,
    facts: () => environment.facts(),
    include: scopePath === undefined ? undefined : (stackPath) => stackPath === undefined || related(scopePath, stackPath),
    prepare: request.addConstructPaths ? (templates) => {
      const lacking = templatesLackingConstructPaths(templates);
      if (lacking.length > 0) applyConstructPaths(templates, environment.constructPaths(lacking));
    } : undefined,
    nestedTemplates: () => environment.nestedTemplates(),
    extraFindings: request.extraFindings,
    onPlan: (plan) => environment.onPlan(plan),
    failing: new Set<Severity>(request.failing),
    severityOf: severityOf(request),
    workaround: request.workaround,
  });
}

/**
 * A finding's severity in the report: errors as warnings in the guard's WARN_ONLY; warnings as
 * errors where they fail the report (the plugin's failOnWarnings). CDK fails a synthesis on a
 * report that says it failed, but once any of its violations is acknowledged it recomputes that
 * from the severities left, failing on `error` and `fatal` only (aws-cdk-lib 2.270,
 * synthesis-validation collectSuppressions): a failing warning would then pass.
 */
function severityOf(request: CheckRequest): ((finding: Finding) => Severity) | undefined {
  if (request.warnOnly) return (finding) => (finding.severity === 'error' ? 'warning' : finding.severity);
  if (request.failing.includes('warning')) return (finding) => (finding.severity === 'warning' ? 'error' : finding.severity);
  return undefined;
}

/** The facts a request carries, as `CheckEnvironment.facts` gives them: its error thrown again. */
export function requestFacts(request: CheckRequest): FactsDocument | undefined {
  const error = request.factsError;
  if (!error) return request.facts;
  if (!error.input) throw new Error(error.message);
  const input = new InputError('', '');
  input.message = error.message;
  throw input;
}

/** Reads the facts for a request: the document, or why it could not be read. */
export function factsForRequest(read: () => FactsDocument | undefined): Pick<CheckRequest, 'facts' | 'factsError'> {
  try {
    return { facts: read() };
  } catch (e) {
    return { factsError: { message: (e as Error)?.message ?? String(e), input: e instanceof InputError } };
  }
}

/** Whether a stack at `stackPath` is in the scope at `scopePath`, or contains it. */
function related(scopePath: string, stackPath: string): boolean {
  return scopePath === '' || stackPath === scopePath || stackPath.startsWith(`${scopePath}/`) || scopePath.startsWith(`${stackPath}/`);
}

/** What the check's worker asks CDK's thread while it runs. */
export type CheckQuestion = { readonly kind: 'nested-templates' } | { readonly kind: 'construct-paths'; readonly files: string[] };

/** Messages from the worker to CDK's thread. */
export type WorkerMessage =
  | { readonly kind: 'question'; readonly question: CheckQuestion }
  /** The check ran: its report, and the plan file written or (`keepPlan`, no file) the compact plan. */
  | { readonly kind: 'done'; readonly report: PolicyValidationPluginReport; readonly planFile?: WrittenPlanFile; readonly planJson?: string; readonly filesPending?: boolean }
  /** The files of a `deferFiles` request are written (or why they could not be): its last message. */
  | { readonly kind: 'files'; readonly planFile?: WrittenPlanFile; readonly error?: string }
  /** The worker could not load the check: CDK's thread runs it. */
  | { readonly kind: 'unavailable'; readonly message: string };

/** Messages from CDK's thread to the worker. */
export type MainMessage =
  | { readonly kind: 'check'; readonly request: CheckRequest }
  | { readonly kind: 'answer'; readonly answer?: unknown; readonly error?: string };

/**
 * The slots of the Int32Array both threads share: each side waits on its own slot (Atomics.wait)
 * for the other to post a message and set it; the worker sets STARTED first thing, and FILES once
 * the files of a `deferFiles` request are written (or failed), after it posted the 'files' message.
 */
export const SLOT = { MAIN: 0, WORKER: 1, STARTED: 2, FILES: 3 } as const;
/** How many slots the shared Int32Array has. */
export const SLOTS = 4;

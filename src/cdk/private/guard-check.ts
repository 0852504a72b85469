import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { constructPathsOf, nestedStackTemplates } from './cdk-templates';
import { CheckWorker, PendingFiles, settleFilesIn, WorkerStopped } from './check-in-worker';
import { CheckEnvironment, CheckQuestion, CheckRequest, factsForRequest, runCheck } from './check-protocol';
import type { PlanFiles, WrittenPlanFile } from './plan-files';
import { checkedStacks, failureReport } from './validation-report';
import { ALL_RULES, Finding, Plan, PlanOptions } from '../../engine';
import { FactsDocument } from '../../ingest';
import { PACKAGE_NAME, packageInfo } from '../../report/package-info';

/** Where a check's plan went, for the guard's `lastPlanJson`. */
export interface CheckedPlan {
  /** The plan itself, when the check ran in CDK's thread. */
  readonly plan?: Plan;
  /** The plan file the worker wrote. */
  readonly planFile?: WrittenPlanFile;
  /** The compact plan the worker sent back, when it wrote no plan file. */
  readonly planJson?: string;
  /** The plan file and report the worker still writes (it sent its report first): wait for them. */
  readonly pendingFiles?: PendingFiles;
}

/** What the guard's check needs from the guard. */
export interface GuardCheckOptions {
  /** The construct the guard was added to: only the stacks in it, or containing it, are checked. */
  readonly scope: IConstruct;
  readonly planOptions: PlanOptions;
  /** The guard's facts, read when the templates are; may throw InputError. */
  readonly facts?: () => FactsDocument | undefined;
  /** Report every finding as a warning, so the validation never fails (WARN_ONLY). */
  readonly warnOnly: boolean;
  /** Where the plan file and the Markdown report go (none when undefined). */
  readonly files: () => PlanFiles | undefined;
  /** Receives each plan, for the guard's `lastPlanJson`, once its files are written. */
  readonly onPlan: (checked: CheckedPlan) => void;
}

/**
 * The guard's check of the templates CDK writes: a policy-validation plugin that the guard
 * registers on the app at synth time. CDK runs it once every stack's template is written, so it
 * reads the app exactly as it will be deployed (after every aspect and CDK's own preparation,
 * cross-stack references as the exports they become) and does not render the construct tree a
 * second time. Its findings appear in CDK's validation report on the resources they concern,
 * with their construct paths, and an error fails `cdk synth`.
 */
export class GuardCheck implements IPolicyValidationPlugin {
  public readonly name: string = PACKAGE_NAME;
  public readonly version?: string;
  public readonly ruleIds?: string[];

  /** Findings the guard made before synthesis (auto-peer's unfixable paths), added to the plan. */
  public earlierFindings: Finding[] = [];

  /** Run the check in a worker thread where one can run (see check-in-worker.ts); the guard sets it each synthesis. */
  public workerThread = false;

  /** The worker started ahead of the check (see `prepare`). */
  private worker?: CheckWorker;

  constructor(private readonly options: GuardCheckOptions) {
    this.version = packageInfo().version;
    this.ruleIds = ALL_RULES.map((rule) => rule.id);
  }

  /**
   * Starts the check's worker thread now, so that it loads the engine while CDK synthesizes
   * (the guard calls this when its aspect defers the check).
   */
  public prepare(): void {
    if (!this.workerThread && this.worker) {
      this.worker.dispose();
      this.worker = undefined;
    }
    if (this.workerThread && !this.worker) this.worker = CheckWorker.start(this);
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const files = this.options.files();
    // Files an earlier check's worker still writes there are written before this check's.
    if (files) settleFilesIn(files.outdir);
    const worker = this.worker ?? (this.workerThread ? CheckWorker.start() : undefined);
    this.worker = undefined;
    const request = (inWorker: boolean): CheckRequest => ({
      templatePaths: context.templatePaths,
      stackTemplates: context.stackTemplates,
      scopePath: this.options.scope.node.path,
      planOptions: this.options.planOptions,
      // In CDK's thread, the facts are read where the check reads them; the worker gets them read.
      ...inWorker ? factsForRequest(() => this.options.facts?.()) : {},
      extraFindings: this.earlierFindings,
      failing: this.options.warnOnly ? [] : ['error'],
      warnOnly: this.options.warnOnly,
      workaround: "set the guard's reporting to GuardReporting.ANNOTATIONS",
      version: this.version,
      addConstructPaths: true,
      files,
      keepPlan: true,
      // The worker writes them after it sent the report, while CDK goes on with its own checks.
      deferFiles: inWorker,
    });
    if (worker) {
      try {
        const done = worker.run(request(true), (question) => answerFromTree(context, question));
        if (done) {
          this.options.onPlan({ planFile: done.planFile, planJson: done.planJson, pendingFiles: done.pendingFiles });
          return done.report;
        }
      } catch (e) {
        if (!(e instanceof WorkerStopped)) throw e;
        return workerStoppedReport(e, 'the guard', context, this.version);
      }
    }
    return runCheck(context, request(false), {
      ...treeEnvironment(context),
      facts: () => this.options.facts?.(),
      onPlan: (plan) => this.options.onPlan({ plan }),
    });
  }
}

/** What the check asks of the construct tree, answered in CDK's thread. */
export function treeEnvironment(context: IPolicyValidationContext): Pick<CheckEnvironment, 'nestedTemplates' | 'constructPaths'> {
  return {
    nestedTemplates: () => nestedStackTemplates(context.appConstruct),
    constructPaths: (files) => constructPathsOf(context.appConstruct, files),
  };
}

/** The answer to a question of the check's worker (a Map as its entries: a message is plain data). */
export function answerFromTree(context: IPolicyValidationContext, question: CheckQuestion): unknown {
  const tree = treeEnvironment(context);
  if (question.kind === 'nested-templates') return [...tree.nestedTemplates()];
  return tree.constructPaths(question.files);
}

/**
 * The worker stopped before its report (out of memory, terminated): a failing violation, never a
 * silent pass. It is reported against every stack checked: CDK prints a violation once per
 * violating resource, so one without any would fail the report in validation-report.json but
 * print nothing and not fail `cdk synth` (aws-cdk-lib 2.270's formatter).
 */
export function workerStoppedReport(error: Error, what: string, context: IPolicyValidationContext, version: string | undefined): PolicyValidationPluginReport {
  return failureReport(`cdk-glue-netplan: ${error.message}, so no Glue job was checked.`,
    `Synthesize again. If it happens again, run the check in CDK's own thread: set ${what}'s workerThread to false (and report it if the process has memory to spare).`,
    checkedStacks(context), version);
}

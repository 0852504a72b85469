import * as fs from 'fs';
import * as path from 'path';
import { Annotations, App, CfnElement, IAspect, Stack, Stage, Validations } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { buildPlan, Finding, Plan, PlanOptions, RemedyOptions, RULES } from '../engine';
import { buildModel, FactsDocument, InputError, loadFacts, parseFacts } from '../ingest';
import { allFindings, toJson } from '../report';
import { AddedResource, AUTO_PEER_PLACEMENTS_CONTEXT, planAndPlaceRemedy } from './private/auto-peer';
import { templatePathOf } from './private/cdk-templates';
import { builtWithAnotherCdkCopy, TWO_CDK_COPIES_MESSAGE } from './private/cfn-type';
import { settleFilesIn, WORKER_DEFAULTS } from './private/check-in-worker';
import { CheckedPlan, GuardCheck } from './private/guard-check';
import { lookupContextFactsOf } from './private/lookup-context';
import { indentedPlanJson, PlanFiles, planJsonFromFile, writePlanFiles } from './private/plan-files';
import { checkedQuotas } from './private/quotas';
import { readTree, TreeSnapshot } from './private/tree-reader';
import { NetworkQuotas } from './quotas';

/**
 * What the guard does with what it finds.
 */
export class GuardMode {
  /**
   * Report errors as CDK errors, so `cdk synth` fails; warnings stay warnings. The default.
   */
  public static readonly FAIL = new GuardMode('fail');

  /**
   * Report every finding, errors included, as an acknowledgeable warning: synthesis goes on
   * (unless `cdk synth --strict`).
   */
  public static readonly WARN_ONLY = new GuardMode('warn-only');

  /**
   * Add what makes every data store reachable (VPC peering, routes for the needed CIDRs only,
   * security-group rules for the store's port only), then check again and report like FAIL;
   * what cannot be repaired safely is an error that says why (rule GNP-AUTOPEER-UNFIXABLE).
   */
  public static readonly AUTO_PEER = new GuardMode('auto-peer');

  private constructor(
    /** The mode's name: `fail`, `warn-only` or `auto-peer`. */
    public readonly name: string,
  ) {}
}

/**
 * Where the guard reports its findings.
 */
export class GuardReporting {
  /**
   * In CDK's validation report, once CDK has written every template: the guard registers a
   * validation plugin on the app and checks the templates that will be deployed, so it does not
   * render the construct tree itself. Each finding is a violation on the resource it concerns
   * (construct path, logical ID, rule ID, fix); an error fails `cdk synth` (and throws from
   * `app.synth()` in tests); acknowledge one with
   * `Validations.of(scope).acknowledge({ id: 'cdk-glue-netplan::GNP-...', reason })`.
   * The default. Under a root that is not an `App` (CDK runs validation plugins only under an
   * App), the guard reports as ANNOTATIONS instead.
   */
  public static readonly VALIDATION_REPORT = new GuardReporting('validation-report');

  /**
   * As annotations on the constructs, during synthesis: errors with
   * `Validations.of(scope).addError`, warnings with `addWarning` (acknowledged with
   * `Validations.of(scope).acknowledge({ id: 'GNP-...', reason })`), readable with the
   * `Annotations` assertions. The guard then renders the app's Glue and network elements itself,
   * before CDK does, which costs several times more than VALIDATION_REPORT on a large app
   * (see BENCHMARKS.md).
   */
  public static readonly ANNOTATIONS = new GuardReporting('annotations');

  private constructor(
    /** The reporting's name: `validation-report` or `annotations`. */
    public readonly name: string,
  ) {}
}

/**
 * What auto-peer may open to repair the paths of a connection Glue falls over to after a
 * single-AZ failure.
 */
export class FailoverRepair {
  /**
   * Admit only the fallback connection's Glue group (the one with the self-referencing rule), and
   * refuse, with a GNP-AUTOPEER-FAILOVER-NOT-OPENED warning, when that group is also a data store's group:
   * in the common layout where a database wears the Glue group, admitting it on another store
   * would let the databases reach each other. The default.
   */
  public static readonly GLUE_GROUPS_ONLY = new FailoverRepair('glue-groups-only');

  /**
   * Admit the fallback connection's Glue group even when a data store wears it too.
   */
  public static readonly ALLOW_STORE_GROUPS = new FailoverRepair('allow-store-groups');

  private constructor(
    /** The policy's name. */
    public readonly name: string,
  ) {}
}

/**
 * Options of the {@link GlueNetworkGuard}.
 */
export interface GlueNetworkGuardProps {
  /**
   * What to do with findings.
   *
   * @default GuardMode.FAIL
   */
  readonly mode?: GuardMode;

  /**
   * Where findings are reported: CDK's validation report, from the templates CDK writes, or
   * annotations on the constructs, from the construct tree.
   *
   * @default GuardReporting.VALIDATION_REPORT
   */
  readonly reporting?: GuardReporting;

  /**
   * Availability Zones to treat as unhealthy when replaying Glue's connection selection.
   * Environment-agnostic stacks have symbolic zones (`current-region-az1` for the first zone
   * `Fn::GetAZs` returns); stacks with a Region use `<region>-az1`, and literal zone names
   * (`us-east-1a`) when the templates give them.
   *
   * @default - every zone is healthy
   */
  readonly unhealthyAvailabilityZones?: string[];

  /**
   * Also check, for each zone a job's connections use, the connection Glue falls over to when
   * that zone fails, and (in AUTO_PEER mode) repair its paths too.
   *
   * @default true
   */
  readonly failover?: boolean;

  /**
   * Name of the file, in the cloud assembly directory (`cdk.out`), that receives the plan in the
   * CLI's JSON format. Set to an empty string to write nothing.
   *
   * @default 'glue-netplan.plan.json'
   */
  readonly planFileName?: string;

  /**
   * Name of the file, in the cloud assembly directory (`cdk.out`), that receives the plan as a
   * Markdown report (summary table, a Mermaid diagram per job with a problem, the hop-by-hop
   * explanation and fix of each blocked path: what `glue-netplan --format markdown` prints, with
   * a section for the first 50 jobs that have something to say; the table lists every job).
   * Set to an empty string to write nothing.
   *
   * @default 'glue-netplan.report.md'
   */
  readonly reportFileName?: string;

  /**
   * A facts file (JSON, the format of the CLI's `--facts` option) describing networks the app does
   * not define: VPCs, subnets, route tables, peerings, Glue connections of other teams. A relative
   * path is resolved against the working directory of the CDK app. The guard's fix texts ask for
   * it where a verdict is UNKNOWN. What `Vpc.fromLookup` left in the CDK context (the app's context and
   * `cdk.context.json`) is read too; these facts win over it for the same ids.
   *
   * @default - no facts file
   */
  readonly factsFile?: string;

  /**
   * The facts document itself (the parsed JSON of a facts file), for facts built in code. Used
   * with `factsFile`, both are read (the file's entries first).
   *
   * @default - no facts document
   */
  readonly facts?: { [key: string]: any };

  /**
   * What auto-peer may open to repair the paths of a fallback connection (failover on).
   *
   * @default FailoverRepair.GLUE_GROUPS_ONLY
   */
  readonly failoverRepair?: FailoverRepair;

  /**
   * The account's VPC quotas, where raised above AWS's defaults. The templates do not show
   * quotas: without this, the default quotas are assumed by the quota checks (GNP-QUOTA-*) and
   * by auto-peer, which refuses a peering or a route that would exceed one.
   *
   * @default - AWS's default quotas
   */
  readonly quotas?: NetworkQuotas;

  /**
   * Check the templates (GuardReporting.VALIDATION_REPORT) in a worker thread, with a heap of its
   * own, while CDK's thread waits for the report: the check's allocations then never trigger or
   * pay for garbage collections of the app's construct tree, and the worker loads the check while
   * CDK synthesizes. The worker writes the plan file and the Markdown report after it sent its
   * report, while CDK's thread goes on with CDK's own template checks; the process waits for them
   * as it exits (also when the synthesis failed), so `cdk synth` leaves them whole in `cdk.out`.
   * After an in-process `app.synth()` they may still be being written: `lastPlanJson` waits for
   * them (each is written under a temporary name and renamed, so a half file is never seen under
   * its name). A file that cannot be written is said on stderr and makes the process exit 1
   * (`lastPlanJson` throws saying why). Where no worker can run (the library's TypeScript source
   * run by ts-node or ts-jest, a bundle without `check-worker.js`), the check runs in CDK's
   * thread, with the same findings and files. If the worker stops before its report (out of
   * memory), the check reports a failing GNP-INPUT-UNREADABLE violation saying so, never a pass.
   * Measured in BENCHMARKS.md (runs 12 and 13).
   *
   * @default false
   */
  readonly workerThread?: boolean;
}

/**
 * The synth-time guard: an aspect that, on every synthesis, replays Glue's connection selection
 * for every job of the app, traces every data store path hop by hop, and reports each finding
 * on the resource it concerns, with its rule ID.
 *
 * Add it last, after the aspects that change the app:
 *
 * ```ts
 * Aspects.of(app).add(new GlueNetworkGuard(), { priority: AspectPriority.READONLY });
 * ```
 *
 * By default (`GuardReporting.VALIDATION_REPORT`) the check runs on the templates CDK writes,
 * and findings appear in CDK's validation report: an error fails `cdk synth`, and
 * `Validations.of(scope).acknowledge({ id: 'cdk-glue-netplan::GNP-...', reason })` suppresses
 * one. With `GuardReporting.ANNOTATIONS`, errors are `Validations.of(scope).addError` and
 * warnings `addWarning` on the constructs, acknowledged by their bare rule ID. In AUTO_PEER mode
 * the guard adds the missing peering, routes and rules to the construct tree first, then checks
 * the result the same way.
 */
export class GlueNetworkGuard implements IAspect {
  /**
   * The mode this guard runs in.
   */
  public readonly mode: GuardMode;

  /**
   * Where this guard reports its findings.
   */
  public readonly reporting: GuardReporting;

  private readonly options: PlanOptions;
  private readonly planFileName: string;
  private readonly reportFileName: string;
  private readonly analyzed: IConstruct[] = [];
  /** The check registered on the app for each analyzed scope (VALIDATION_REPORT). */
  private readonly checks = new Map<IConstruct, GuardCheck>();
  /** Where the last analysis's plan is: the plan itself, or the plan file or compact text the check's worker made. */
  private lastPlan?: CheckedPlan;
  private readonly workerThread?: boolean;
  /** Constructs visited since the last analysis: the size of the scope, for the worker's default. */
  private visited = 0;
  private readonly failoverRepair: FailoverRepair;
  private readonly factsFile?: string;
  private readonly factsObject?: { [key: string]: any };
  /** The hook child the guard analyzes from, per analyzed scope (see `visit`). */
  private readonly hooks = new Map<IConstruct, IConstruct>();
  /** Stacks told already that two copies of aws-cdk-lib are loaded. */
  private readonly toldTwoCopies = new WeakSet<IConstruct>();

  /**
   * @param props the guard's options
   */
  constructor(props: GlueNetworkGuardProps = {}) {
    this.failoverRepair = props.failoverRepair ?? FailoverRepair.GLUE_GROUPS_ONLY;
    this.workerThread = props.workerThread;
    this.factsFile = props.factsFile;
    this.factsObject = props.facts;
    this.mode = props.mode ?? GuardMode.FAIL;
    this.reporting = props.reporting ?? GuardReporting.VALIDATION_REPORT;
    const quotas = checkedQuotas('GlueNetworkGuard', props.quotas);
    this.options = { azDown: props.unhealthyAvailabilityZones ?? [], failover: props.failover ?? true, ...(quotas ? { quotas } : {}) };
    this.planFileName = plainFileName('planFileName', props.planFileName ?? 'glue-netplan.plan.json');
    this.reportFileName = plainFileName('reportFileName', props.reportFileName ?? 'glue-netplan.report.md');
    if (this.planFileName !== '' && this.planFileName === this.reportFileName) {
      throw new Error(`GlueNetworkGuard: planFileName and reportFileName are both '${this.planFileName}'; give them different names.`);
    }
  }

  /**
   * The plan of the last analysis, in the CLI's JSON format (a string), or undefined before
   * the first synthesis and after one whose check made no plan (it could not read its input). When the check ran in a worker thread (`workerThread`), it waits until
   * the worker has written the plan file, then reads it back (or the compact plan the worker sent,
   * when `planFileName` is empty); it throws if that file could not be written, or was changed or
   * removed since.
   */
  public get lastPlanJson(): string | undefined {
    const last = this.lastPlan;
    if (!last) return undefined;
    if (last.plan) return JSON.stringify(toJson(last.plan), null, 2);
    if (last.pendingFiles) {
      const planFile = last.pendingFiles.wait();
      if (planFile) return planJsonFromFile(planFile);
    }
    if (last.planFile) return planJsonFromFile(last.planFile);
    return last.planJson !== undefined ? indentedPlanJson(last.planJson) : undefined;
  }

  /**
   * Analyzes the whole subtree the aspect was added to once every aspect has visited it, whatever
   * their priorities: on its first node (the scope) the guard adds an empty hook construct as the
   * scope's last child, and analyzes when CDK visits that hook, which it does after every other
   * node of the scope, each with all of its aspects. So auto-peer repairs the connections that
   * mutating aspects leave, not the ones they find. A new synthesis does the same again.
   *
   * @param node the construct visited
   */
  public visit(node: IConstruct): void {
    this.visited++;
    for (const [scope, hook] of this.hooks) {
      if (hook === node) {
        this.analyze(scope);
        this.visited = 0;
        return;
      }
    }
    if (!this.analyzed.includes(node)) {
      if (this.analyzed.some((scope) => isAncestor(scope, node))) return;
      this.analyzed.push(node);
    }
    this.placeHook(node);
  }

  /** Makes the scope's hook its last child, so CDK visits it after the rest of the scope. */
  private placeHook(scope: IConstruct): void {
    let hook = this.hooks.get(scope);
    const children = scope.node.children;
    if (hook && children[children.length - 1] === hook) return;
    if (hook) scope.node.tryRemoveChild(hook.node.id);
    let id = 'GlueNetplanGuard';
    for (let n = 2; scope.node.tryFindChild(id); n++) id = `GlueNetplanGuard${n}`;
    hook = new Construct(scope as Construct, id);
    this.hooks.set(scope, hook);
  }

  private analyze(scope: IConstruct): void {
    const root = scope.node.root;
    this.tellIfTwoCdkCopies(scope);
    if (this.reporting === GuardReporting.VALIDATION_REPORT && App.isApp(root)) this.deferCheck(scope, root);
    else this.analyzeTree(scope);
  }

  /**
   * Leaves the check to CDK's validation phase, on the templates CDK writes (VALIDATION_REPORT);
   * in AUTO_PEER mode, first repairs the construct tree, which only the tree can do.
   */
  private deferCheck(scope: IConstruct, app: App): void {
    // A plan or report left by an earlier synthesis would be taken for this one's if the check
    // failed to run; CDK can also be told to refuse plugins that change existing files. Those a
    // worker still writes are waited for first, and those of any other check writing there (another
    // guard, another app with this output directory), so none lands after this synthesis's.
    this.lastPlan?.pendingFiles?.finish();
    settleFilesIn(app.outdir);
    for (const name of [this.planFileName, this.reportFileName]) if (name !== '') fs.rmSync(path.join(app.outdir, name), { force: true });
    // Nor is the earlier plan this synthesis's when its check makes none (input it cannot read).
    this.lastPlan = undefined;
    let earlierFindings: Finding[] = [];
    if (this.mode === GuardMode.AUTO_PEER) {
      const snapshot = readTree(scope);
      const facts = this.readFacts(scope);
      if (facts.problem) {
        // The check reports the unreadable facts; repairing without them would be guessing.
        earlierFindings = [];
      } else {
        const { remedy, placed } = planAndPlaceRemedy(buildModel(snapshot.inputs, facts.document), this.remedyOptions(), snapshot);
        const summary = addedSummary(snapshot, remedy.peerings[0]?.jobIds[0] ?? remedy.rules[0]?.jobIds[0], placed.resources);
        earlierFindings = [...remedy.unfixable, ...placed.unfixable, ...(summary ? [summary] : [])].map((f) => inTemplateFile(snapshot, f));
        resynthesizeNestedStages(scope, new Set<IConstruct>([...placed.stacks, ...snapshot.problems.map((p) => p.element)]));
      }
      withoutStackTraces(() => this.reportProblems(snapshot));
    }
    let check = this.checks.get(scope);
    if (!check) {
      check = new GuardCheck({
        scope,
        planOptions: this.options,
        facts: () => this.readFacts(scope, true).document,
        warnOnly: this.mode === GuardMode.WARN_ONLY,
        files: () => this.planFiles(scope),
        onPlan: (checked) => {
          this.lastPlan = checked;
          if (checked.plan) this.writePlan(scope);
        },
      });
      this.checks.set(scope, check);
      Validations.of(app).addPlugins(check);
    }
    check.earlierFindings = earlierFindings;
    check.workerThread = this.workerThread ?? this.visited >= WORKER_DEFAULTS.minConstructs;
    // The worker loads the check while CDK synthesizes the templates it will read.
    check.prepare();
  }

  private remedyOptions(): RemedyOptions {
    return { ...this.options, failoverOpensStoreGroups: this.failoverRepair === FailoverRepair.ALLOW_STORE_GROUPS };
  }

  /** Reads the construct tree, repairs it in AUTO_PEER mode, and annotates the constructs (ANNOTATIONS). */
  private analyzeTree(scope: IConstruct): void {
    let snapshot = readTree(scope);
    const extra: Finding[] = [];
    const added: IConstruct[] = [];
    const facts = this.readFacts(scope);
    if (facts.problem) {
      // On a stack (errors on an App are not reported with any stack's).
      const target = scope.node.findAll().find((c) => Stack.isStack(c)) ?? scope;
      withoutStackTraces(() => Validations.of(target).addError(RULES.inputUnreadable.id, `[${RULES.inputUnreadable.id}] cdk-glue-netplan cannot read its facts: ${facts.problem}. Nothing was checked${this.mode === GuardMode.AUTO_PEER ? ' or added' : ''}.`));
      // A stack of a Stage: its assembly was written before the aspects ran; without this the error is in none.
      resynthesizeNestedStages(scope, new Set([target]));
      return;
    }
    if (this.mode === GuardMode.AUTO_PEER) {
      const { remedy, placed } = planAndPlaceRemedy(buildModel(snapshot.inputs, facts.document), this.remedyOptions(), snapshot);
      const summary = addedSummary(snapshot, remedy.peerings[0]?.jobIds[0] ?? remedy.rules[0]?.jobIds[0], placed.resources);
      extra.push(...remedy.unfixable, ...placed.unfixable, ...(summary ? [summary] : []));
      added.push(...placed.stacks);
      if (placed.added > 0) snapshot = readTree(scope);
    }
    const planned = buildPlan(buildModel(snapshot.inputs, facts.document), this.options);
    const plan: Plan = { ...planned, findings: [...planned.findings, ...extra] };
    this.lastPlan = { plan };
    const touched = new Set<IConstruct>(added);
    withoutStackTraces(() => {
      for (const finding of allFindings(plan)) touched.add(this.report(snapshot, scope, finding));
      for (const element of this.reportProblems(snapshot)) touched.add(element);
    });
    resynthesizeNestedStages(scope, touched);
    this.writePlan(scope);
  }

  /**
   * The facts of the synthesis, merged as one document, weakest first: what `Vpc.fromLookup`
   * left in the CDK context (`cdk.context.json` and the app's context), then the props' file,
   * then the props' document, so explicit facts win over the lookups for the same ids. In the
   * check (`throwing`), an unreadable file is an InputError the validation report turns into a
   * failure; in the tree reading, it is returned as a problem.
   */
  private readFacts(scope: IConstruct, throwing = false): { document?: FactsDocument; problem?: string } {
    try {
      const documents: FactsDocument[] = [];
      const lookups = lookupContextFactsOf(scope.node.root);
      if (lookups) documents.push(lookups);
      if (this.factsFile !== undefined) documents.push(loadFacts(path.resolve(this.factsFile)));
      if (this.factsObject !== undefined) documents.push(parseFacts(this.factsObject, '(the guard\'s facts prop)'));
      return { document: mergeFacts(documents) };
    } catch (e) {
      if (throwing || !(e instanceof InputError)) throw e;
      return { problem: e.message };
    }
  }

  /** Says once per stack tree that the app loaded another copy of aws-cdk-lib, and how to fix it. */
  private tellIfTwoCdkCopies(scope: IConstruct): void {
    if (!builtWithAnotherCdkCopy(scope)) return;
    const stack = scope.node.findAll().find((c) => Stack.isStack(c)) ?? scope;
    if (this.toldTwoCopies.has(stack)) return;
    this.toldTwoCopies.add(stack);
    withoutStackTraces(() => Annotations.of(stack).addWarningV2('cdk-glue-netplan:twoCopiesOfAwsCdkLib', TWO_CDK_COPIES_MESSAGE));
  }

  /** Warns on each element the guard could not render to read it; returns them. */
  private reportProblems(snapshot: TreeSnapshot): IConstruct[] {
    for (const problem of snapshot.problems) {
      Validations.of(problem.element).addWarning(RULES.inputUnresolved.id,
        `[${RULES.inputUnresolved.id}] cdk-glue-netplan could not render ${problem.element.node.path} to read it: ${problem.message}. What depends on it is UNKNOWN.`);
    }
    return snapshot.problems.map((p) => p.element);
  }

  private report(snapshot: TreeSnapshot, scope: IConstruct, finding: Finding): IConstruct {
    const target = constructFor(snapshot, scope, finding);
    const text = `[${finding.ruleId}] ${finding.message} Fix: ${finding.fix}`;
    if (finding.severity === 'error' && this.mode !== GuardMode.WARN_ONLY) {
      Validations.of(target).addError(finding.ruleId, text);
    } else if (finding.severity === 'info') {
      Annotations.of(target).addInfo(text);
    } else {
      Validations.of(target).addWarning(finding.ruleId, text);
    }
    return target;
  }

  /** The plan file and the Markdown report of an analysis of `scope`, when it writes any. */
  private planFiles(scope: IConstruct): PlanFiles | undefined {
    if (this.planFileName === '' && this.reportFileName === '') return undefined;
    const root = scope.node.root;
    const outdir = App.isApp(root) || Stage.isStage(root) ? (root as Stage).outdir : undefined;
    return outdir ? { outdir, planFileName: this.planFileName, reportFileName: this.reportFileName } : undefined;
  }

  private writePlan(scope: IConstruct): void {
    const files = this.planFiles(scope);
    if (!files || !this.lastPlan?.plan) return;
    settleFilesIn(files.outdir);
    writePlanFiles(this.lastPlan.plan, files);
  }
}

/** Facts documents as one: the entries of each list, in order. */
function mergeFacts(documents: FactsDocument[]): FactsDocument | undefined {
  if (documents.length <= 1) return documents[0];
  const merged: any = { ...documents[0] };
  for (const doc of documents.slice(1)) {
    for (const [key, value] of Object.entries(doc)) {
      merged[key] = Array.isArray(value) && Array.isArray(merged[key]) ? [...merged[key], ...value] : value;
    }
  }
  return merged as FactsDocument;
}

/**
 * The one finding that says what auto-peer added in this synthesis, per stack and why (an info
 * finding on the first job that needed something): shown in CDK's output and the Markdown report.
 */
function addedSummary(snapshot: TreeSnapshot, jobId: string | undefined, resources: AddedResource[]): Finding | undefined {
  if (!resources.length) return undefined;
  const byStack = new Map<Stack, AddedResource[]>();
  for (const r of resources) byStack.set(r.stack, [...(byStack.get(r.stack) ?? []), r]);
  const parts = [...byStack].map(([stack, items]) => `in stack ${stack.node.path}: ${items.map((i) => (i.why ? `${i.what} (${i.why})` : i.what)).join('; ')}`);
  const job = jobId ? snapshot.elements.get(jobId) : undefined;
  const stackName = jobId ? jobId.slice(0, jobId.lastIndexOf('/')) : snapshot.stackNames.get([...byStack.keys()][0]) ?? '';
  // Every placement, pinned or not, so that the object copied is the whole of it.
  const pins: Record<string, string> = {};
  for (const r of resources) if (r.pin !== undefined) pins[r.pin] = r.stack.node.path;
  return {
    ruleId: RULES.autoPeerAdded.id,
    severity: RULES.autoPeerAdded.severity,
    source: job ? { stack: stackName, logicalId: jobId!.slice(jobId!.lastIndexOf('/') + 1), constructPath: job.node.path } : { stack: stackName, logicalId: '(app)' },
    message: `Auto-peer added ${resources.length} item${resources.length > 1 ? 's' : ''} to this synthesis, ${parts.join('. ')}.`,
    fix: `Nothing to fix: review the additions in the diff. To keep each in the stack it is in when jobs or stacks are added or removed (a peering or rule that moves to another stack is created before the old one is deleted, which EC2 refuses), pin the placements in cdk.json: "context": ${JSON.stringify({ [AUTO_PEER_PLACEMENTS_CONTEXT]: pins })}. To own the additions, copy them into your stacks (VpcPeering, routes, rules) and switch the guard to GuardMode.FAIL.`,
  };
}

/**
 * Runs `report` with CDK's metadata stack traces off. Each annotation otherwise records the stack
 * of the call that made it, which for the guard's findings is the guard's own frames (the
 * construct path says where the problem is); capturing and source-mapping those stacks was a
 * tenth of the guard's time on a large app with many findings. The CDK CLI's `--debug` still
 * gets them for the app's own annotations, made outside this call.
 */
function withoutStackTraces(report: () => void): void {
  const previous = process.env.CDK_DISABLE_STACK_TRACE;
  process.env.CDK_DISABLE_STACK_TRACE = '1';
  try {
    report();
  } finally {
    if (previous === undefined) delete process.env.CDK_DISABLE_STACK_TRACE;
    else process.env.CDK_DISABLE_STACK_TRACE = previous;
  }
}

/** A file name the guard writes in the cloud assembly directory: no directory part ('' = none). */
function plainFileName(prop: string, name: string): string {
  if (name !== '' && (path.basename(name) !== name || name === '.' || name === '..')) {
    throw new Error(`GlueNetworkGuard: ${prop} '${name}' must be a plain file name (it is written in the cloud assembly directory).`);
  }
  return name;
}

/**
 * CDK synthesizes nested stages before it runs the aspects of their parent, so an analysis from
 * above a Stage (the guard added to the App) comes after that stage's assembly was written. Every
 * stage below the analyzed scope whose stacks got a finding or an auto-peer addition is
 * synthesized again, so its assembly carries them (CDK re-synthesizes the same way with
 * `synth({ force: true })`); the guard itself is not applied there, so this does not recurse.
 */
function resynthesizeNestedStages(scope: IConstruct, touched: Set<IConstruct>): void {
  const stages = new Set<Stage>();
  for (const construct of touched) {
    const stage = Stage.of(construct);
    if (stage && stage !== scope && isAncestor(scope, stage)) stages.add(stage);
  }
  for (const stage of stages) stage.synth({ force: true });
}

function isAncestor(ancestor: IConstruct, node: IConstruct): boolean {
  for (let s = node.node.scope; s; s = s.node.scope) if (s === ancestor) return true;
  return false;
}

/**
 * A finding made from the construct tree, pointed at the template file CDK will write its
 * element to, so the check of the templates reports it on that resource.
 */
function inTemplateFile(snapshot: TreeSnapshot, finding: Finding): Finding {
  const stack = elementOf(snapshot, finding.source)?.stack ?? snapshot.stacks.get(finding.source.stack);
  const file = stack ? templatePathOf(stack) : undefined;
  return file === undefined ? finding : { ...finding, source: { ...finding.source, file } };
}

/**
 * The construct a finding concerns: its element, the element an implicit id belongs to
 * (`Vpc#main` is the VPC's), else its stack, else the analyzed scope.
 */
function constructFor(snapshot: TreeSnapshot, scope: IConstruct, finding: Finding): IConstruct {
  const element = elementOf(snapshot, finding.source);
  if (element) return element;
  const stack: Stack | undefined = snapshot.stacks.get(finding.source.stack);
  // A finding about an element of the facts (a looked-up VPC, a --facts subnet) goes on a stack:
  // what is added on the App is not in any stack's report.
  return stack ?? snapshot.stacks.values().next().value ?? scope;
}

/** The element a source names, or the element an implicit id belongs to (`Vpc#main` is the VPC's). */
function elementOf(snapshot: TreeSnapshot, source: Finding['source']): CfnElement | undefined {
  const id = `${source.stack}/${source.logicalId}`;
  return snapshot.elements.get(id) ?? snapshot.elements.get(id.split('#')[0]);
}

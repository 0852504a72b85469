import * as fs from 'fs';
import * as path from 'path';
import { Annotations, App, IAspect, Stack, Stage, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { buildPlan, Finding, Plan, PlanOptions, planRemedy, RULES } from '../engine';
import { buildModel } from '../ingest';
import { allFindings, toJson, toMarkdown, writeJson } from '../report';
import { materializeRemedy } from './private/auto-peer';
import { readTree, TreeSnapshot } from './private/tree-reader';

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
   * explanation and fix of each blocked path: what `glue-netplan --format markdown` prints).
   * Set to an empty string to write nothing.
   *
   * @default 'glue-netplan.report.md'
   */
  readonly reportFileName?: string;
}

/**
 * The synth-time guard: an aspect that reads the whole app once per synthesis, replays Glue's
 * connection selection for every job, traces every data store path hop by hop, and reports each
 * finding on the construct it concerns, with its rule ID.
 *
 * Add it last, after the aspects that change the app:
 *
 * ```ts
 * Aspects.of(app).add(new GlueNetworkGuard(), { priority: AspectPriority.READONLY });
 * ```
 *
 * Errors use `Validations.of(scope).addError` (so `cdk synth` fails), warnings
 * `Validations.of(scope).addWarning` with the rule ID, which
 * `Validations.of(scope).acknowledge({ id: 'GNP-...', reason })` suppresses.
 */
export class GlueNetworkGuard implements IAspect {
  /**
   * The mode this guard runs in.
   */
  public readonly mode: GuardMode;

  private readonly options: PlanOptions;
  private readonly planFileName: string;
  private readonly reportFileName: string;
  private readonly analyzed: IConstruct[] = [];
  private lastPlan?: Plan;

  /**
   * @param props the guard's options
   */
  constructor(props: GlueNetworkGuardProps = {}) {
    this.mode = props.mode ?? GuardMode.FAIL;
    this.options = { azDown: props.unhealthyAvailabilityZones ?? [], failover: props.failover ?? true };
    this.planFileName = plainFileName('planFileName', props.planFileName ?? 'glue-netplan.plan.json');
    this.reportFileName = plainFileName('reportFileName', props.reportFileName ?? 'glue-netplan.report.md');
    if (this.planFileName !== '' && this.planFileName === this.reportFileName) {
      throw new Error(`GlueNetworkGuard: planFileName and reportFileName are both '${this.planFileName}'; give them different names.`);
    }
  }

  /**
   * The plan of the last analysis, in the CLI's JSON format (a string), or undefined before
   * the first synthesis.
   */
  public get lastPlanJson(): string | undefined {
    return this.lastPlan ? JSON.stringify(toJson(this.lastPlan), null, 2) : undefined;
  }

  /**
   * Analyzes the whole subtree the aspect was added to, on its first node; skips the others.
   * A new synthesis visits that first node again and gets a fresh analysis.
   *
   * @param node the construct visited
   */
  public visit(node: IConstruct): void {
    if (!this.analyzed.includes(node)) {
      if (this.analyzed.some((scope) => isAncestor(scope, node))) return;
      this.analyzed.push(node);
    }
    this.analyze(node);
  }

  private analyze(scope: IConstruct): void {
    let snapshot = readTree(scope);
    const extra: Finding[] = [];
    const added: IConstruct[] = [];
    if (this.mode === GuardMode.AUTO_PEER) {
      const remedy = planRemedy(buildModel(snapshot.inputs), this.options);
      const placed = materializeRemedy(remedy, snapshot);
      extra.push(...remedy.unfixable, ...placed.unfixable);
      added.push(...placed.stacks);
      if (placed.added > 0) snapshot = readTree(scope);
    }
    const plan = buildPlan(buildModel(snapshot.inputs), this.options);
    this.lastPlan = { ...plan, findings: [...plan.findings, ...extra] };
    const touched = new Set<IConstruct>(added);
    withoutStackTraces(() => {
      for (const finding of allFindings(this.lastPlan!)) touched.add(this.report(snapshot, scope, finding));
      for (const problem of snapshot.problems) {
        touched.add(problem.element);
        Validations.of(problem.element).addWarning(RULES.inputUnresolved.id,
          `[${RULES.inputUnresolved.id}] cdk-glue-netplan could not render ${problem.element.node.path} to read it: ${problem.message}. What depends on it is UNKNOWN.`);
      }
    });
    resynthesizeNestedStages(scope, touched);
    this.writePlan(scope);
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

  private writePlan(scope: IConstruct): void {
    if ((this.planFileName === '' && this.reportFileName === '') || !this.lastPlan) return;
    const root = scope.node.root;
    const outdir = App.isApp(root) || Stage.isStage(root) ? (root as Stage).outdir : undefined;
    if (!outdir) return;
    fs.mkdirSync(outdir, { recursive: true });
    // Compact and written a job at a time: the file is for machines (the CLI's JSON contract), and
    // a large app's plan is tens of megabytes. `lastPlanJson` and `glue-netplan --format json` indent.
    if (this.planFileName !== '') writeChunked(path.join(outdir, this.planFileName), (write) => { writeJson(this.lastPlan!, write); write('\n'); });
    if (this.reportFileName !== '') fs.writeFileSync(path.join(outdir, this.reportFileName), toMarkdown(this.lastPlan));
  }
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

/** Writes a file from chunks, in writes of about 1 MB. */
function writeChunked(file: string, produce: (write: (chunk: string) => void) => void): void {
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
 * The construct a finding concerns: its element, the element an implicit id belongs to
 * (`Vpc#main` is the VPC's), else its stack, else the analyzed scope.
 */
function constructFor(snapshot: TreeSnapshot, scope: IConstruct, finding: Finding): IConstruct {
  const id = `${finding.source.stack}/${finding.source.logicalId}`;
  const element = snapshot.elements.get(id) ?? snapshot.elements.get(id.split('#')[0]);
  if (element) return element;
  const stack: Stack | undefined = snapshot.stacks.get(finding.source.stack);
  return stack ?? scope;
}

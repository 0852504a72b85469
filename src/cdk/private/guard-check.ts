import { resolve } from 'path';
import {
  CfnElement, IPolicyValidationContext, IPolicyValidationPlugin, IResolveContext, PolicyValidationPluginReport, Stack, Stage, Tokenization,
} from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { findingsReport, inputErrorReport, internalErrorReport, ReadTemplate, readTemplates } from './validation-report';
import { ALL_RULES, buildPlan, Finding, Plan, PlanOptions, Severity } from '../../engine';
import { buildModel, InputError } from '../../ingest';
import { allFindings } from '../../report';
import { PACKAGE_NAME, packageInfo } from '../../report/package-info';

/** What the guard's check needs from the guard. */
export interface GuardCheckOptions {
  /** The construct the guard was added to: only the stacks in it, or containing it, are checked. */
  readonly scope: IConstruct;
  readonly planOptions: PlanOptions;
  /** Report every finding as a warning, so the validation never fails (WARN_ONLY). */
  readonly warnOnly: boolean;
  /** Receives each plan, for the guard's `lastPlanJson` and its plan and report files. */
  readonly onPlan: (plan: Plan) => void;
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

  constructor(private readonly options: GuardCheckOptions) {
    this.version = packageInfo().version;
    this.ruleIds = ALL_RULES.map((rule) => rule.id);
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    try {
      const scopePath = this.options.scope.node.path;
      const { templates, problems } = readTemplates(context, (stackPath) => stackPath === undefined || related(scopePath, stackPath));
      if (problems.length > 0) return inputErrorReport(problems, this.version);
      addConstructPaths(templates, context.appConstruct);
      const planned = buildPlan(buildModel(templates.map((t) => t.input)), this.options.planOptions);
      const plan: Plan = { ...planned, findings: [...planned.findings, ...this.earlierFindings] };
      this.options.onPlan(plan);
      const warnOnly = this.options.warnOnly;
      const failing = new Set<Severity>(warnOnly ? [] : ['error']);
      return findingsReport(plan, allFindings(plan), templates, failing, this.version,
        (finding) => (warnOnly && finding.severity === 'error' ? 'warning' : finding.severity));
    } catch (e) {
      if (e instanceof InputError) return inputErrorReport([{ message: e.message }], this.version);
      return internalErrorReport(e, "set the guard's reporting to GuardReporting.ANNOTATIONS", this.version);
    }
  }
}

/** Whether a stack at `stackPath` is in the scope at `scopePath`, or contains it. */
function related(scopePath: string, stackPath: string): boolean {
  return scopePath === '' || stackPath === scopePath || stackPath.startsWith(`${scopePath}/`) || scopePath.startsWith(`${stackPath}/`);
}

const PATH_METADATA = 'aws:cdk:path';

/**
 * Gives each resource of the templates its construct path, where CDK did not write it (an
 * in-process synth writes no `aws:cdk:path` metadata; the CDK CLI does): the plan names
 * constructs, as it does when the guard reads the construct tree. Only the stacks with a
 * resource lacking it are looked up, once each.
 */
function addConstructPaths(templates: ReadTemplate[], root: IConstruct | undefined): void {
  const lacking = new Map<string, ReadTemplate>();
  for (const t of templates) {
    const resources = Object.values<any>(t.input.template.Resources ?? {});
    if (resources.some((r) => r && typeof r === 'object' && typeof r.Metadata?.[PATH_METADATA] !== 'string')) lacking.set(resolve(t.path), t);
  }
  if (lacking.size === 0 || !root) return;
  const stacks = root.node.findAll().filter((c): c is Stack => Stack.isStack(c));
  for (const stack of stacks) {
    const outdir = Stage.of(stack)?.outdir;
    const template = outdir !== undefined ? lacking.get(resolve(outdir, stack.templateFile)) : undefined;
    if (!template) continue;
    const resources = template.input.template.Resources;
    for (const element of stack.node.findAll()) {
      if (!CfnElement.isCfnElement(element) || element.stack !== stack) continue;
      const resource = resources[logicalIdOf(element)];
      if (!resource || typeof resource !== 'object') continue;
      resource.Metadata = { ...(resource.Metadata ?? {}), [PATH_METADATA]: element.node.path };
    }
  }
}

/**
 * An element's logical ID, without a full token resolution of the stack (a third of the cost):
 * the ID is a lazy token whose producer gives the override, if any, or the stack's allocation.
 */
function logicalIdOf(element: CfnElement): string {
  const token = Tokenization.reverseString(element.logicalId).firstToken;
  if (!token) return element.logicalId;
  const context: IResolveContext = {
    scope: element,
    preparing: false,
    documentPath: [],
    registerPostProcessor: () => undefined,
    resolve: (x: any) => element.stack.resolve(x),
  };
  const id = token.resolve(context);
  return typeof id === 'string' ? id : element.stack.resolve(element.logicalId);
}

import { resolve } from 'path';
import { CfnElement, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { logicalIdOf } from './logical-id';
import { checkTemplates, ReadTemplate, templatePathOf } from './validation-report';
import { ALL_RULES, Finding, Plan, PlanOptions, Severity } from '../../engine';
import { FactsDocument } from '../../ingest';
import { PACKAGE_NAME, packageInfo } from '../../report/package-info';

/** What the guard's check needs from the guard. */
export interface GuardCheckOptions {
  /** The construct the guard was added to: only the stacks in it, or containing it, are checked. */
  readonly scope: IConstruct;
  readonly planOptions: PlanOptions;
  /** The guard's facts, read when the templates are; may throw InputError. */
  readonly facts?: () => FactsDocument | undefined;
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
    const scopePath = this.options.scope.node.path;
    const warnOnly = this.options.warnOnly;
    return checkTemplates(context, {
      version: this.version,
      planOptions: this.options.planOptions,
      facts: this.options.facts,
      include: (stackPath) => stackPath === undefined || related(scopePath, stackPath),
      prepare: (templates) => addConstructPaths(templates, context.appConstruct),
      extraFindings: this.earlierFindings,
      onPlan: this.options.onPlan,
      failing: new Set<Severity>(warnOnly ? [] : ['error']),
      severityOf: (finding) => (warnOnly && finding.severity === 'error' ? 'warning' : finding.severity),
      workaround: "set the guard's reporting to GuardReporting.ANNOTATIONS",
    });
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
    const file = templatePathOf(stack);
    const template = file !== undefined ? lacking.get(resolve(file)) : undefined;
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

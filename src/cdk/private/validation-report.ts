import { dirname, join, resolve } from 'path';
// Types only: this module also runs in the check's worker thread (check-worker.ts), which does not
// load aws-cdk-lib. What reads the construct tree is in cdk-templates.ts.
import type { IPolicyValidationContext, PolicyValidationPluginReport, PolicyViolatingResource, PolicyViolation } from 'aws-cdk-lib';
import { ALL_RULES, buildPlan, Finding, Plan, PlanOptions, RULES, Severity } from '../../engine';
import { buildModel, FactsDocument, InputError, loadTemplateFile, TemplateInput } from '../../ingest';
import { NetworkModel, SourceRef } from '../../model';
import { allFindings } from '../../report';
import { packageInfo } from '../../report/package-info';
import { FixSteps, Narration, shortFinding } from '../../report/short-findings';

/*
 * What the validation plugin and the guard share to report a plan through CDK's validation
 * report: reading the templates CDK wrote (with their nested stacks), and turning findings into
 * violations on the template resources they concern.
 */

const NESTED_STACK_TEMPLATE = /\.nested\.template\.json$/;

/**
 * The property the fix changes, per resource type and rule, as CDK expects `locations`: paths
 * relative to the resource (`Properties.X.Y`, which CDK also matches against property-mutation
 * traces). Rules whose fix may be a separate resource (a missing security-group rule) point at
 * the resource only.
 */
const PROPERTY_PATHS: Record<string, Record<string, string[]>> = (() => {
  const jobConnections = ['Properties.Connections.Connections'];
  const requirements = 'Properties.ConnectionInput.PhysicalConnectionRequirements';
  return {
    'AWS::Glue::Job': Object.fromEntries([
      RULES.storeUnreachable, RULES.storeUnknown, RULES.failoverUnreachable, RULES.failoverNoConnection,
      RULES.noSuitableConnection, RULES.selectionUnknown, RULES.noVpcConnection, RULES.rayJobVpc,
      RULES.connectionUnresolved, RULES.quotaJobConnections,
    ].map((rule) => [rule.id, jobConnections])),
    'AWS::Glue::Connection': {
      [RULES.azMismatch.id]: [`${requirements}.AvailabilityZone`],
      [RULES.azMissing.id]: [requirements],
      [RULES.noS3Path.id]: [`${requirements}.SubnetId`],
      [RULES.unknownSubnet.id]: [`${requirements}.SubnetId`],
      [RULES.networkWithoutSubnet.id]: [requirements],
      [RULES.quotaSecurityGroups.id]: [`${requirements}.SecurityGroupIdList`],
    },
    'AWS::EC2::VPCPeeringConnection': {
      [RULES.peeringNoRole.id]: ['Properties.PeerRoleArn'],
    },
    'AWS::EC2::Subnet': {
      [RULES.subnetTooSmall.id]: ['Properties.CidrBlock'],
      [RULES.subnetIpPressure.id]: ['Properties.CidrBlock'],
      [RULES.subnetIpPressureUnknown.id]: ['Properties.CidrBlock'],
    },
  };
})();

/** A template the plugin read: the path as CDK gave it (or as found, for nested stacks) and its content. */
export interface ReadTemplate {
  readonly path: string;
  readonly input: TemplateInput;
  /** The stack's construct path, when CDK gave it (not for nested stacks). */
  readonly stackConstructPath?: string;
}

/** What the report needs of a template to locate findings in it: its path, stack, and each resource's `Type`. */
interface LocatableTemplate {
  readonly path: string;
  readonly stackConstructPath?: string;
  /** Each resource's `Type` (undefined where it has none), by logical id: the template's own keys only. */
  readonly types: Map<string, unknown>;
}

function locatable(template: ReadTemplate): LocatableTemplate {
  const resources = template.input.template.Resources;
  const types = new Map<string, unknown>();
  for (const logicalId of Object.keys(resources)) types.set(logicalId, resources[logicalId]?.Type);
  return { path: template.path, stackConstructPath: template.stackConstructPath, types };
}

/** How a check of the templates CDK wrote plans them and judges the findings. */
export interface TemplateCheck {
  readonly version: string | undefined;
  readonly planOptions: PlanOptions;
  /** Which top-level stacks to read, by construct path (undefined when CDK does not give it). */
  readonly include?: (stackConstructPath: string | undefined) => boolean;
  /** Read when the templates are (a facts file); may throw InputError. */
  readonly facts?: () => FactsDocument | undefined;
  /** Changes the templates read before they are modelled. */
  readonly prepare?: (templates: ReadTemplate[]) => void;
  /**
   * The template file of each nested stack, by parent template and logical id (`nestedStackKey`),
   * from the construct tree: asked only when a template has a nested stack. None by default (then
   * only the `aws:asset:path` metadata locates them).
   */
  readonly nestedTemplates?: () => Map<string, string>;
  /** Findings made elsewhere, added to the plan. */
  readonly extraFindings?: Finding[];
  /** Receives the plan. */
  readonly onPlan?: (plan: Plan) => void;
  /** The severities that fail the report. */
  readonly failing: Set<Severity>;
  /** A finding's severity in the report (its rule's by default). */
  readonly severityOf?: (finding: Finding) => Severity;
  /** What a user can do meanwhile when the check itself fails (our bug). */
  readonly workaround: string;
}

/**
 * Reads the templates CDK gives, plans them and reports the findings. Never throws: unreadable
 * input and internal errors are reported as failing violations.
 */
export function checkTemplates(context: IPolicyValidationContext, check: TemplateCheck): PolicyValidationPluginReport {
  try {
    const located: LocatableTemplate[] = [];
    // The model straight to the planner, in no variable: a variable would keep it alive (megabytes)
    // while the plan is written and reported.
    const planned = buildPlan(readAndModel(context, check, located), check.planOptions);
    const plan: Plan = check.extraFindings?.length ? { ...planned, findings: [...planned.findings, ...check.extraFindings] } : planned;
    check.onPlan?.(plan);
    return findingsReport(plan, allFindings(plan), located, check.failing, check.version, check.severityOf);
  } catch (e) {
    const stacks = checkedStacks(context, check.include);
    if (e instanceof UnreadableTemplates) return inputErrorReport(e.problems, check.version, stacks);
    if (e instanceof InputError) return inputErrorReport([{ message: e.message }], check.version, stacks);
    return internalErrorReport(e, check.workaround, check.version, stacks);
  }
}

/**
 * Reads and models the templates, keeping of them (in `located`) only what the report locates
 * findings with: the parsed templates (megabytes at thousands of jobs) can then be collected
 * while the plan is made, written and reported, instead of being marked by every major GC of the
 * app's process. Throws UnreadableTemplates when a template cannot be read.
 */
function readAndModel(context: IPolicyValidationContext, check: TemplateCheck, located: LocatableTemplate[]): NetworkModel {
  const { templates, problems } = readTemplates(context, check.include, check.nestedTemplates);
  if (problems.length > 0) throw new UnreadableTemplates(problems);
  const facts = check.facts?.();
  check.prepare?.(templates);
  const model = buildModel(templates.map((t) => t.input), facts);
  for (const template of templates) located.push(locatable(template));
  return model;
}

/** Templates CDK gave that could not be read: reported as input errors, nothing checked. */
class UnreadableTemplates extends Error {
  constructor(readonly problems: InputProblem[]) {
    super('unreadable templates');
  }
}

/**
 * The report of a plan's findings: each finding a violation with its rule's severity, except
 * that `severityOf` may change it (the guard's warn-only mode); the report fails when a
 * violation's severity is in `failing`.
 */
function findingsReport(plan: Plan, findings: Finding[], templates: LocatableTemplate[], failing: Set<Severity>,
  version: string | undefined, severityOf: (finding: Finding) => Severity = (f) => f.severity): PolicyValidationPluginReport {
  const judged = findings.map((f) => (severityOf(f) === f.severity ? f : { ...f, severity: severityOf(f) }));
  return {
    success: !judged.some((f) => failing.has(f.severity)),
    violations: violations(plan, judged, new ResourceLocator(plan, templates)),
    pluginVersion: version,
    metadata: {
      jobs: String(plan.jobs.length),
      errors: String(judged.filter((f) => f.severity === 'error').length),
      warnings: String(judged.filter((f) => f.severity === 'warning').length),
    },
  };
}


/**
 * The findings as violations: per rule, the messages of each resource, in catalogue order.
 * CDK prints every violating resource of a violation as its own block under the violation's
 * description, so a violation only groups resources whose messages are the same (as CDK's own
 * plugins do): a block never shows another resource's messages, and acknowledging one resource
 * leaves the others' text intact.
 *
 * Each finding is said short: one line of what is wrong (for an unreachable store: job, store,
 * selected connection), its blocking hops as a list, and the fix, one step a line. What the
 * report has already explained (how Glue places ENIs, why a security group blocks) is said once.
 */
function violations(plan: Plan, findings: Finding[], locator: ResourceLocator): PolicyViolation[] {
  const catalogue = new Map(ALL_RULES.map((rule, index) => [rule.id, { rule, index }]));
  const byRuleAndResource = new Map<string, { located: LocatedFinding; findings: Finding[] }>();
  for (const finding of findings) {
    const located = locator.locate(finding);
    const key = groupKey(finding.ruleId, located);
    const group = byRuleAndResource.get(key) ?? { located, findings: [] };
    group.findings.push(finding);
    byRuleAndResource.set(key, group);
  }
  // Catalogue order (a rule the catalogue lacks goes last), then the engine's order: the report
  // reads the same every run.
  const order = (ruleId: string) => catalogue.get(ruleId)?.index ?? Infinity;
  const groups = [...byRuleAndResource.values()].sort((a, b) => order(a.findings[0].ruleId) - order(b.findings[0].ruleId));
  const narration = new Narration();
  const byText = new Map<string, PolicyViolation[]>();
  const out: PolicyViolation[] = [];
  for (const { located, findings: ruleFindings } of groups) {
    const first = ruleFindings[0];
    const rule = catalogue.get(first.ruleId)?.rule;
    const said = new Set<string>();
    const lines: string[] = [];
    // Each short finding's fixes are one sentence a step already.
    const fixes = new FixSteps();
    for (const finding of ruleFindings) {
      const short = shortFinding(plan, finding, narration);
      if (said.has(short.summary) || short.summary.length === 0) continue;
      said.add(short.summary);
      lines.push(`- ${short.summary}`, ...short.details.map((d) => `  - ${d}`));
      fixes.addSentences(short.fixes);
    }
    const eniPlacement = narration.takeEniPlacement();
    const description = [`${rule?.title ?? first.ruleId}.`, ...lines, ...eniPlacement ? [eniPlacement] : [], ...located.note ? [located.note] : []].join('\n');
    const steps = fixes.steps;
    const fix = steps.length > 0 ? steps.join('\n') : undefined;
    // By description first: descriptions are long, and a key joining them to the rest would copy
    // each once more before hashing it.
    const sameText = byText.get(description) ?? [];
    const existing = sameText.find((v) => v.ruleName === first.ruleId && v.fix === fix);
    if (existing) {
      existing.violatingResources.push(located.resource);
      continue;
    }
    if (sameText.length === 0) byText.set(description, sameText);
    const violation: PolicyViolation = {
      ruleName: first.ruleId,
      description,
      fix,
      severity: first.severity,
      violatingResources: [located.resource],
      ruleMetadata: { documentation: ruleDocumentation(first.ruleId) },
    };
    sameText.push(violation);
    out.push(violation);
  }
  return out;
}

/** The (rule, resource, note) a finding is grouped by, as one string. */
function groupKey(ruleId: string, located: LocatedFinding): string {
  const r = located.resource;
  return [ruleId, r.templatePath ?? '\u0001', r.resourceLogicalId ?? '\u0001', r.constructPath ?? '\u0001', r.locations.join('\u0002'), located.note ?? '\u0001'].join('\u0000');
}

/** Where a finding points in the report, with a note for the reader when that is not a template resource. */
interface LocatedFinding {
  readonly resource: PolicyViolatingResource;
  readonly note?: string;
}

/**
 * Maps a finding to the template resource it concerns. A finding about an element that is not
 * itself a template resource (an implicit element like a VPC's main route table, an element of
 * the facts file) is reported against its job when it has one, else against its template (as
 * the stack), else by its facts id: never dropped.
 */
class ResourceLocator {
  private readonly templatesByFile = new Map<string, LocatableTemplate>();
  private readonly jobSources = new Map<string, SourceRef>();
  /** The template of each file a finding names, as the finding names it. */
  private readonly templatesBySourceFile = new Map<string, LocatableTemplate | undefined>();

  constructor(plan: Plan, templates: LocatableTemplate[]) {
    for (const template of templates) this.templatesByFile.set(resolve(template.path), template);
    for (const job of plan.jobs) this.jobSources.set(job.id, job.source);
  }

  locate(finding: Finding): LocatedFinding {
    const own = this.templateResource(finding.source, finding.ruleId);
    const job = finding.jobId !== undefined ? this.jobSources.get(finding.jobId) : undefined;
    const resource = own ?? (job ? this.templateResource(job, finding.ruleId) : undefined);
    const note = own ? undefined : describeSource(finding.source);
    if (resource) return { resource, note };
    const template = this.templateOf(finding.source);
    if (template) {
      // The stack itself, as CDK's own plugins report stack-level problems.
      const stack = template.stackConstructPath !== undefined ? { constructPath: template.stackConstructPath } : {};
      return { resource: { templatePath: template.path, ...stack, locations: [] }, note };
    }
    return { resource: { locations: [] }, note };
  }

  private templateOf(source: SourceRef): LocatableTemplate | undefined {
    if (source.file === undefined) return undefined;
    // Thousands of findings name a few files: each is resolved once.
    let template = this.templatesBySourceFile.get(source.file);
    if (template === undefined && !this.templatesBySourceFile.has(source.file)) {
      this.templatesBySourceFile.set(source.file, template = this.templatesByFile.get(resolve(source.file)));
    }
    return template;
  }

  private templateResource(source: SourceRef, ruleId: string): PolicyViolatingResource | undefined {
    const template = this.templateOf(source);
    if (!template) return undefined;
    const types = template.types;
    // Implicit elements carry their parent's id with a `#suffix` (`Vpc#main`): report the parent.
    const logicalId = [source.logicalId, source.logicalId.split('#')[0]].find((id) => types.has(id));
    if (logicalId === undefined) return undefined;
    const type = types.get(logicalId);
    return {
      templatePath: template.path,
      resourceLogicalId: logicalId,
      locations: [...(typeof type === 'string' ? PROPERTY_PATHS[type]?.[ruleId] ?? [] : [])],
    };
  }
}

/** Names an element that is not a template resource, so the report still says where it is. */
function describeSource(source: SourceRef): string | undefined {
  if (!source.logicalId) return undefined;
  if (source.stack === 'facts') return `- Described in the facts file${source.file ? ` ${source.file}` : ''} as ${source.logicalId}.`;
  return `- Concerns ${source.stack ? `${source.stack}/` : ''}${source.logicalId}${source.file ? ` (${source.file})` : ''}.`;
}

/** One unreadable file, with its template when it is one. */
export interface InputProblem {
  readonly message: string;
  readonly templatePath?: string;
  readonly stackConstructPath?: string;
}

/**
 * Reads every template CDK gives, with the nested stacks each embeds (CDK lists only top-level
 * stacks), collecting every unreadable file rather than stopping at the first.
 *
 * @param include which top-level stacks to read, by construct path (undefined when CDK does not
 *   give it); every one by default
 * @param nestedTemplates the nested stacks' template files from the construct tree (see
 *   `TemplateCheck.nestedTemplates`), asked at most once, when a template has a nested stack
 */
export function readTemplates(context: IPolicyValidationContext, include: (stackConstructPath: string | undefined) => boolean = () => true,
  nestedTemplates: () => Map<string, string> = () => new Map()): { templates: ReadTemplate[]; problems: InputProblem[] } {
  // `stackTemplates` is missing from contexts made for the Beta1 interface: then no environments.
  const stacks = new Map((context.stackTemplates ?? []).map((s) => [resolve(s.templatePath), s]));
  const templates: ReadTemplate[] = [];
  const problems: InputProblem[] = [];
  const stackNames = new Set<string>();
  const read = (path: string, describe: (input: TemplateInput) => Partial<TemplateInput>, stackConstructPath?: string): TemplateInput | undefined => {
    try {
      const loaded = loadTemplateFile(path, undefined, { cdkStack: true });
      const input = { ...loaded, ...describe(loaded) };
      templates.push({ path, input, stackConstructPath });
      stackNames.add(input.stackName);
      return input;
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push({ message: e.message, templatePath: path, stackConstructPath });
      return undefined;
    }
  };
  // The construct tree is walked only for an app with a nested stack, once.
  let nestedInTree: Map<string, string> | undefined;
  const readNested = (parent: TemplateInput, parentPath: string): void => {
    const resources = parent.template.Resources;
    for (const logicalId of Object.keys(resources)) {
      const resource = resources[logicalId];
      if (resource?.Type !== 'AWS::CloudFormation::Stack') continue;
      const assetPath = resource.Metadata?.['aws:asset:path'];
      nestedInTree ??= nestedTemplates();
      const path = nestedInTree.get(nestedStackKey(parentPath, logicalId))
        ?? (typeof assetPath === 'string' && NESTED_STACK_TEMPLATE.test(assetPath) ? join(dirname(parentPath), assetPath) : undefined);
      if (path === undefined) continue;
      // Same naming and parameter passing as the CLI's cloud-assembly reader.
      const child = read(path, () => ({
        stackName: `${parent.stackName}/${logicalId}`,
        displayName: parent.displayName ? `${parent.displayName}/${logicalId}` : undefined,
        region: parent.region,
        account: parent.account,
        parameters: typeof resource.Properties?.Parameters === 'object' && resource.Properties.Parameters !== null ? resource.Properties.Parameters : {},
        parametersStackName: parent.stackName,
      }));
      if (child) readNested(child, path);
    }
  };
  for (const path of context.templatePaths) {
    const stack = stacks.get(resolve(path));
    if (!include(stack?.stackConstructPath)) continue;
    const input = read(path, (loaded) => ({
      // Template file names are unique within one assembly, not across the stages of an app.
      stackName: stackNames.has(loaded.stackName) && stack ? stack.stackConstructPath : loaded.stackName,
      displayName: stack?.stackConstructPath,
      region: stack?.region,
      account: stack?.accountId,
    }), stack?.stackConstructPath);
    if (input) readNested(input, path);
  }
  return { templates, problems };
}

/** The key of a nested stack's template file in `TemplateCheck.nestedTemplates`. */
export function nestedStackKey(parentTemplatePath: string, logicalId: string): string {
  return JSON.stringify([resolve(parentTemplatePath), logicalId]);
}

/**
 * The stacks a check covers, as violating resources: where a failing violation concerns no
 * resource (an unreadable facts file, our own bug), it is reported on them. CDK's report prints a
 * violation once per violating resource (aws-cdk-lib 2.270's formatter), so a failing violation
 * without any printed nothing and did not fail `cdk synth`: only validation-report.json said so.
 */
export function checkedStacks(context: IPolicyValidationContext, include?: (stackConstructPath: string | undefined) => boolean): PolicyViolatingResource[] {
  try {
    const stacks = (context.stackTemplates ?? []).filter((s) => !include || include(s.stackConstructPath))
      .map((s) => ({ templatePath: s.templatePath, constructPath: s.stackConstructPath, locations: [] }));
    return stacks.length > 0 ? stacks : context.templatePaths.map((templatePath) => ({ templatePath, locations: [] }));
  } catch {
    // A context CDK did not make (the internal-error path must not throw): one resource with no
    // template, which CDK still prints.
    return [{ locations: [] }];
  }
}

/** `stacks`: where to report problems that name no template (see `checkedStacks`). */
export function inputErrorReport(problems: InputProblem[], version: string | undefined, stacks: PolicyViolatingResource[] = []): PolicyValidationPluginReport {
  const description = `cdk-glue-netplan could not read its input, so no Glue job was checked: ${problems.map((p) => p.message).join('; ')}`;
  // Each unreadable template as its stack, as CDK's own plugins report stack-level problems.
  const resources = problems.filter((p) => p.templatePath !== undefined).map((p) => ({
    templatePath: p.templatePath,
    ...p.stackConstructPath !== undefined ? { constructPath: p.stackConstructPath } : {},
    locations: [],
  }));
  return failureReport(description, 'Make the file readable: a CloudFormation template (JSON or YAML) with a "Resources" object, or a valid facts file.', resources.length > 0 ? resources : stacks, version);
}

/** Our own bug, as one failing violation with one readable line rather than a stack trace, on the stacks checked (`stacks`). */
export function internalErrorReport(error: unknown, workaround: string, version: string | undefined, stacks: PolicyViolatingResource[] = []): PolicyValidationPluginReport {
  return failureReport(`cdk-glue-netplan: internal error: ${(error as Error)?.message ?? String(error)} (please report it)`,
    `None in the app: this is a bug of cdk-glue-netplan. Report it with this message; meanwhile ${workaround} to synthesize.`, stacks, version);
}

export function failureReport(description: string, fix: string, violatingResources: PolicyViolatingResource[], version: string | undefined): PolicyValidationPluginReport {
  return {
    success: false,
    pluginVersion: version,
    violations: [{
      ruleName: RULES.inputUnreadable.id,
      description,
      fix,
      // Nothing was checked: that fails.
      severity: RULES.inputUnreadable.severity,
      violatingResources,
      ruleMetadata: { documentation: ruleDocumentation(RULES.inputUnreadable.id) },
    }],
  };
}

export function ruleDocumentation(ruleId: string): string {
  const repository = packageInfo().repository;
  const anchor = `RULES.md#${ruleId.toLowerCase()}`;
  return repository ? `${repository}/blob/main/${anchor}` : anchor;
}

const PATH_METADATA = 'aws:cdk:path';

/**
 * The templates (resolved file paths) with a resource that lacks its construct path: an
 * in-process synth writes no `aws:cdk:path` metadata (the CDK CLI does).
 */
export function templatesLackingConstructPaths(templates: ReadTemplate[]): string[] {
  const lacking: string[] = [];
  for (const t of templates) {
    const resources = Object.values<any>(t.input.template.Resources ?? {});
    if (resources.some((r) => r && typeof r === 'object' && typeof r.Metadata?.[PATH_METADATA] !== 'string')) lacking.push(resolve(t.path));
  }
  return lacking;
}

/**
 * Gives each resource of the templates the construct path `paths` has for it (by resolved
 * template file, then logical id), as `aws:cdk:path` metadata: the plan names constructs, as it
 * does when the guard reads the construct tree.
 */
export function applyConstructPaths(templates: ReadTemplate[], paths: Record<string, Record<string, string>>): void {
  for (const template of templates) {
    const ofFile = paths[resolve(template.path)];
    if (!ofFile) continue;
    const resources = template.input.template.Resources;
    for (const logicalId of Object.keys(ofFile)) {
      const resource = resources[logicalId];
      if (!resource || typeof resource !== 'object') continue;
      resource.Metadata = { ...(resource.Metadata ?? {}), [PATH_METADATA]: ofFile[logicalId] };
    }
  }
}

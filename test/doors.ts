/**
 * The three doors over one app: the guard (an aspect reading the construct tree), the validation
 * plugin (the synthesized templates) and the CLI (the cloud assembly on disk). Each gives its
 * answer as the rule IDs and severities it reports, and (guard and CLI) the verdict of every data
 * store, so a test can check that the doors agree on a case built as a user writes it.
 */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Aspects, AspectPriority, IPolicyValidationContext, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { GlueNetworkGuard, GuardReporting } from '../src/cdk/guard';
import { GlueNetworkValidationPlugin } from '../src/cdk/validation-plugin';
import { runCli } from '../src/cli/run';

export interface DoorAnswer {
  /** `RULE-ID:severity`, sorted, each once. */
  readonly findings: string[];
  /** `job / connection: VERDICT`, sorted (the plugin's report carries no verdicts: empty). */
  readonly stores: string[];
  /** Every message the door reported, for checking wording. */
  readonly messages: string[];
  /** The assumptions the stores' verdicts rest on (guard and CLI). */
  readonly assumptions: string[];
}

export interface DoorAnswers {
  readonly guard: DoorAnswer;
  readonly plugin: DoorAnswer;
  readonly cli: DoorAnswer;
}

/** Builds the user's app into a fresh App (called once per door). */
export type AppBuilder = (app: App) => void;

/** What the doors are given besides the app: the same facts file for each, the CLI's working directory. */
export interface DoorInputs {
  /** Given to the guard (`factsFile`), the plugin (`factsFile`) and the CLI (`--facts`). */
  readonly factsFile?: string;
  /** The CLI's working directory (where it reads `cdk.context.json`); default the process's. */
  readonly cliCwd?: string;
}

function sorted(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

function storesOf(plan: any): string[] {
  return sorted(plan.jobs.flatMap((j: any) => j.dataStores.map((s: any) => `${j.name} / ${s.connection.name}: ${s.verdict}`)));
}

function assumptionsOf(plan: any): string[] {
  return sorted(plan.jobs.flatMap((j: any) => j.dataStores.flatMap((s: any) => s.assumptions ?? [])));
}

/**
 * An app for one door. CDK's own template check (newer aws-cdk-lib) warns on the console about the
 * fixtures' literal zones: off, through CDK_VALIDATION, which every supported aws-cdk-lib accepts.
 */
function newApp(): App {
  process.env.CDK_VALIDATION = 'false';
  return new App({ outdir: mkdtempSync(join(tmpdir(), 'glue-netplan-doors-')) });
}

/** The guard in fail mode, reporting as annotations: what it annotates, and the plan it wrote. */
export function guardAnswer(build: AppBuilder, inputs: DoorInputs = {}): DoorAnswer {
  const app = newApp();
  build(app);
  const guard = new GlueNetworkGuard({ reporting: GuardReporting.ANNOTATIONS, factsFile: inputs.factsFile });
  Aspects.of(app).add(guard, { priority: AspectPriority.READONLY });
  app.synth();
  const stacks = app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
  const found: [string, string][] = [];
  for (const stack of stacks) {
    const annotations = Annotations.fromStack(stack);
    for (const [severity, list] of [
      ['error', annotations.findError('*', Match.stringLikeRegexp('GNP-'))],
      ['warning', annotations.findWarning('*', Match.stringLikeRegexp('GNP-'))],
      ['info', annotations.findInfo('*', Match.stringLikeRegexp('GNP-'))],
    ] as const) {
      for (const a of list) found.push([severity, String(a.entry.data)]);
    }
  }
  const plan = JSON.parse(guard.lastPlanJson ?? '{"jobs":[]}');
  return {
    findings: sorted(found.map(([severity, text]) => `${/\[(GNP-[A-Z0-9-]+)\]/.exec(text)?.[1] ?? '?'}:${severity}`)),
    stores: storesOf(plan),
    messages: found.map(([, text]) => text),
    assumptions: assumptionsOf(plan),
  };
}

/** The validation plugin on the synthesized templates, as CDK calls it. */
export function pluginAnswer(build: AppBuilder, inputs: DoorInputs = {}): DoorAnswer {
  const app = newApp();
  build(app);
  // Every stack, those of Stages too, as CDK gives them to a plugin.
  const artifacts = app.synth().stacksRecursively;
  const context: IPolicyValidationContext = {
    templatePaths: artifacts.map((s) => s.templateFullPath),
    stackTemplates: artifacts.map((s) => ({
      stackConstructPath: s.hierarchicalId,
      templatePath: s.templateFullPath,
      // As CDK gives them: undefined for an environment-agnostic stack.
      accountId: s.environment.account === 'unknown-account' ? undefined : s.environment.account,
      region: s.environment.region === 'unknown-region' ? undefined : s.environment.region,
    })),
    appConstruct: app,
  } as IPolicyValidationContext;
  const report = new GlueNetworkValidationPlugin({ factsFile: inputs.factsFile }).validate(context);
  return {
    findings: sorted(report.violations.map((v) => `${v.ruleName}:${v.severity}`)),
    stores: [],
    messages: report.violations.map((v) => v.description),
    assumptions: [],
  };
}

/** `glue-netplan <cdk.out> --format json`. */
export function cliAnswer(build: AppBuilder, inputs: DoorInputs = {}): DoorAnswer {
  const app = newApp();
  build(app);
  const outdir = app.synth().directory;
  let stdout = '';
  let stderr = '';
  const facts = inputs.factsFile !== undefined ? ['--facts', inputs.factsFile] : [];
  runCli([outdir, '--format', 'json', ...facts], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd: inputs.cliCwd ?? process.cwd() });
  if (!stdout) throw new Error(`glue-netplan printed nothing: ${stderr}`);
  const plan = JSON.parse(stdout);
  const findings = [...plan.jobs.flatMap((j: any) => j.findings), ...plan.findings];
  return {
    findings: sorted(findings.map((f: any) => `${f.ruleId}:${f.severity}`)),
    stores: storesOf(plan),
    messages: findings.map((f: any) => f.message),
    assumptions: assumptionsOf(plan),
  };
}

/** The three doors' answers for one app. */
export function allDoors(build: AppBuilder, inputs: DoorInputs = {}): DoorAnswers {
  return { guard: guardAnswer(build, inputs), plugin: pluginAnswer(build, inputs), cli: cliAnswer(build, inputs) };
}

/** Expects the three doors to report the same rules with the same severities, and guard and CLI the same verdicts. */
export function expectDoorsAgree(answers: DoorAnswers): void {
  expect(answers.plugin.findings).toEqual(answers.cli.findings);
  expect(answers.guard.findings).toEqual(answers.cli.findings);
  expect(answers.guard.stores).toEqual(answers.cli.stores);
  expect(answers.guard.assumptions).toEqual(answers.cli.assumptions);
}

import { buildPlan, Plan } from '../engine';
import { applyParameters, buildModel, InputError, loadFacts, loadInputs, ParameterSource, parseFacts, parseParameterArgument } from '../ingest';
import { writeReportFile } from './output';
import { compareDeployment, DriftReport } from '../engine/drift';
import { QuotaName, QuotaOptions, Quotas } from '../engine/quotas';
import { AccountSnapshot, combineFacts, planFacts, readDescribeDir, snapshotToFacts, SNAPSHOT_CALLS, templatePrefixListIds } from '../ingest/aws';
import { deployedIds, readSavedStacks, StackRead, StackToList, topLevelStacks } from '../ingest/aws/stacks';
import { DEFAULT_MAX_INPUT_MB, InputBudget } from '../ingest/template';
import { allFindings, SarifStack, toDot, toJson, toMarkdown, toSarif, toText } from '../report';
import { driftToJson, driftToText } from '../report/drift';

export const FORMATS = ['text', 'json', 'markdown', 'sarif', 'dot'] as const;
export type Format = typeof FORMATS[number];

export const USAGE = `Usage: glue-netplan [PATH ...] [--facts FILE] [--parameters KEY=VALUE ... | FILE]
                    [--az-down AZ ...] [--no-failover] [--quota NAME=N ...]
                    [--format text|json|markdown|sarif|dot] [--output FILE] [--max-input-mb N]
                    [--from-aws | --from-describe DIR] [--job NAME ...] [--write-facts FILE] [--compare]

Replays AWS Glue's connection selection for every Glue job, crawler, session and dev endpoint in
the given CloudFormation templates (JSON or YAML) or CDK cloud assemblies (default: ./cdk.out),
traces every data store path hop by hop, and prints the plan.

  PATH            a cdk.out directory (manifest.json) or a template file; several allowed
  --facts FILE    JSON describing networks defined outside the templates (see docs/facts.md)
  --parameters P  values of the templates' parameters, as deployed (repeatable):
                    Key=Value ...        for every stack that declares Key
                    Stack:Key=Value ...  for one stack (its name, or its CDK display name)
                    FILE, Stack:FILE     a JSON file, [{"ParameterKey": "K", "ParameterValue": "V"}]
                                         (as the AWS CLI takes it) or {"Parameters": {"K": "V"}}
                                         (a CodePipeline template configuration)
                  An AWS::SSM::Parameter::Value<...> parameter is unknown unless given here (give
                  the SSM parameter's value). A parameter with no default and no value is reported.
  --az-down AZ    treat AZ as failed for the main selection (repeatable, or several values)
  --no-failover   skip the single-AZ failure what-ifs
  --quota NAME=N  the account's VPC quota where raised above AWS's default (repeatable):
                  peerings-per-vpc (default 50, up to 125), routes-per-route-table (default
                  500, up to 1000), security-groups-per-network-interface (default 5, up to 16),
                  rules-per-security-group (default 60; times the groups per interface at most
                  1000); the GNP-QUOTA-* checks assume the defaults otherwise
  --format F      text (default; coloured on a terminal unless NO_COLOR is set), json (the plan
                  for scripts), markdown (summary, diagrams, blocked paths and fixes), sarif
                  (SARIF 2.1.0 for code scanning, results at the template line of each resource)
                  or dot (the network diagrams as Graphviz DOT)
  --output FILE   write the report to FILE instead of standard output (never over an input;
                  written to a temporary file, then renamed)
  --max-input-mb N  stop reading after N MB of input, all files together (default ${DEFAULT_MAX_INPUT_MB})
  --from-aws      read the account (AWS SDK credentials, AWS_REGION): alone, plan every deployed
                  Glue job; with templates, read what they name but do not define (docs/live.md)
  --from-describe DIR  the same from saved \`aws ec2 describe-*\` / \`aws glue get-*\` outputs
  --job NAME      with --from-aws/--from-describe alone: plan only this job (repeatable)
  --write-facts FILE  write what was read as a facts file for --facts
  --compare       with --from-aws/--from-describe and templates: report, per job, where the
                  deployed plan differs from the templates' (drift); text or json only;
                  exit 0 no drift, 1 drift, 2 error

Exit status: 0 no error-severity finding, 1 at least one, 2 bad usage, unreadable, malformed or
too large input, or an unwritable --output file. With --compare: 0 no drift, 1 drift, 2 error.`;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  /** Colour the text format (the caller decides: a terminal, and NO_COLOR unset). Default: no colour. */
  readonly colour?: boolean;
}

export interface CliOptions {
  readonly paths: string[];
  readonly facts?: string;
  /** `--parameters`: values for the templates' parameters, in the order given (later ones win). */
  readonly parameters?: readonly ParameterSource[];
  readonly azDown: string[];
  readonly failover: boolean;
  readonly format: Format;
  /** Write the report to this file instead of standard output. */
  readonly output?: string;
  /** The most input to read, all files together, in MB (default DEFAULT_MAX_INPUT_MB). */
  readonly maxInputMb?: number;
  /** Read the account (`--from-aws`) or saved describe outputs (`--from-describe DIR`). */
  readonly fromAws?: boolean;
  readonly fromDescribe?: string;
  readonly jobs?: string[];
  readonly writeFacts?: string;
  /** `--compare`: the drift between the templates and the account. */
  readonly compare?: boolean;
  /** `--quota`: the account's VPC quotas where raised. */
  readonly quotas?: QuotaOptions;
}

class UsageError extends Error {}

/** `--quota` names, as the VPC quotas page words them. */
const CLI_QUOTA_NAMES: Readonly<Record<string, QuotaName>> = {
  'peerings-per-vpc': 'peeringsPerVpc',
  'routes-per-route-table': 'routesPerRouteTable',
  'security-groups-per-network-interface': 'securityGroupsPerNetworkInterface',
  'rules-per-security-group': 'rulesPerSecurityGroup',
};

export function parseArgs(argv: readonly string[]): CliOptions | 'help' {
  const paths: string[] = [];
  const azDown: string[] = [];
  const parameters: ParameterSource[] = [];
  let facts: string | undefined;
  let format: Format = 'text';
  let output: string | undefined;
  let maxInputMb: number | undefined;
  let failover = true;
  const quotas: { -readonly [K in keyof QuotaOptions]: QuotaOptions[K] } = {};
  const account: { fromAws?: boolean; fromDescribe?: string; jobs?: string[]; writeFacts?: string; compare?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--facts':
        if (facts !== undefined) throw new UsageError('--facts given twice');
        facts = value();
        break;
      case '--parameters': {
        const parameter = (text: string) => {
          try {
            return parseParameterArgument(text);
          } catch (e) {
            throw new UsageError((e as Error).message);
          }
        };
        parameters.push(parameter(value()));
        // `--parameters A=1 B=2` takes the following bare words that are Key=Value pairs.
        while (inline === undefined && i + 1 < argv.length && !argv[i + 1].startsWith('-') && /^[^=]+=/.test(argv[i + 1])) {
          parameters.push(parameter(argv[++i]));
        }
        break;
      }
      case '--az-down':
        azDown.push(value());
        // `--az-down a b` takes the following bare words that look like AZ names.
        while (inline === undefined && i + 1 < argv.length && /^[a-z]{2}(-[a-z]+)+-\d[a-z]$|^[a-z]{3}\d-az\d$/.test(argv[i + 1])) azDown.push(argv[++i]);
        break;
      case '--format': {
        const f = value();
        if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format must be ${FORMATS.join(', ')}; not ${f}`);
        format = f as Format;
        break;
      }
      case '--output':
        if (output !== undefined) throw new UsageError('--output given twice');
        output = value();
        break;
      case '--from-aws':
        account.fromAws = true;
        break;
      case '--from-describe':
        if (account.fromDescribe !== undefined) throw new UsageError('--from-describe given twice');
        account.fromDescribe = value();
        break;
      case '--compare':
        account.compare = true;
        break;
      case '--job':
        (account.jobs ??= []).push(value());
        break;
      case '--write-facts':
        if (account.writeFacts !== undefined) throw new UsageError('--write-facts given twice');
        account.writeFacts = value();
        break;
      case '--max-input-mb': {
        const v = value();
        const n = Number(v);
        if (!/^\d+(\.\d+)?$/.test(v) || !(n > 0)) throw new UsageError(`--max-input-mb must be a positive number of megabytes; not ${v}`);
        maxInputMb = n;
        break;
      }
      case '--no-failover':
        failover = false;
        break;
      case '--quota': {
        const v = value();
        const match = /^([a-z-]+)=(.*)$/.exec(v);
        const name = match ? CLI_QUOTA_NAMES[match[1]] : undefined;
        if (!match || !name) throw new UsageError(`--quota takes NAME=N, NAME one of ${Object.keys(CLI_QUOTA_NAMES).join(', ')}; not ${v}`);
        if (quotas[name] !== undefined) throw new UsageError(`--quota ${match[1]} given twice`);
        const n = /^\d+$/.test(match[2]) ? Number(match[2]) : NaN;
        try {
          Quotas.of({ [name]: n });
        } catch (e) {
          throw new UsageError(`--quota ${match[1]}: ${(e as Error).message.replace(/; got .*$/, `; not ${match[2]}`)}`);
        }
        quotas[name] = n;
        break;
      }
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        paths.push(arg);
    }
  }
  try {
    Quotas.of(quotas);
  } catch (e) {
    throw new UsageError(`--quota: ${(e as Error).message}`);
  }
  const reading = account.fromAws === true || account.fromDescribe !== undefined;
  if (account.fromAws && account.fromDescribe !== undefined) throw new UsageError('--from-aws and --from-describe exclude each other');
  if (!reading && (account.jobs || account.writeFacts)) throw new UsageError(`${account.jobs ? '--job' : '--write-facts'} needs --from-aws or --from-describe DIR`);
  if (account.jobs && paths.length) throw new UsageError('--job limits the jobs read from the account: it cannot be combined with templates');
  if (account.compare && !reading) throw new UsageError('--compare needs the deployed side: --from-aws or --from-describe DIR');
  if (account.compare && account.jobs) throw new UsageError('--compare compares the templates\' jobs: it cannot be combined with --job');
  if (account.compare && format !== 'text' && format !== 'json') throw new UsageError(`--compare reports as text or json; not ${format}`);
  return {
    paths: paths.length || (reading && !account.compare) ? paths : ['cdk.out'],
    facts,
    azDown,
    failover,
    format,
    ...(parameters.length ? { parameters } : {}),
    ...(output !== undefined ? { output } : {}),
    ...(maxInputMb !== undefined ? { maxInputMb } : {}),
    ...(Object.keys(quotas).length ? { quotas } : {}),
    ...account,
  };
}

const resolveIn = (cwd: string, p: string) => (p.startsWith('/') ? p : `${cwd}/${p}`);

/** The run's input budget: `--max-input-mb`, every file read counted. */
export function inputBudget(options: CliOptions): InputBudget {
  const mb = options.maxInputMb ?? DEFAULT_MAX_INPUT_MB;
  return new InputBudget(mb * 1024 * 1024, `raise it with --max-input-mb (now ${mb})`);
}

/** Reads the inputs and plans; InputError for unreadable input. `account`: what `--from-aws` read. */
export function planFromFiles(options: CliOptions, cwd: string, budget: InputBudget = inputBudget(options), account?: AccountSnapshot): Plan {
  return readAndPlan(options, cwd, budget, account).plan;
}

function readAndPlan(options: CliOptions, cwd: string, budget: InputBudget, account?: AccountSnapshot): { plan: Plan; connections: number; stacks: SarifStack[] } {
  const resolve = (p: string) => resolveIn(cwd, p);
  const inputs = applyParameters(loadInputs(options.paths.map(resolve), budget), options.parameters ?? [], resolve);
  if (options.fromAws && !account) throw new InputError('--from-aws', 'the account was not read (use runCliAsync)');
  // Lookup context, the account (--from-aws / --from-describe), then --facts: see docs/live.md.
  const facts = planFacts({
    inputs,
    userFacts: options.facts !== undefined ? loadFacts(resolve(options.facts), budget) : undefined,
    snapshot: options.fromDescribe !== undefined ? readDescribeDir(resolve(options.fromDescribe)) : account,
    jobNames: options.jobs,
    origin: options.fromDescribe ?? 'the account',
    writeFacts: options.writeFacts !== undefined ? resolve(options.writeFacts) : undefined,
    contextFile: resolve('cdk.context.json'),
  });
  try {
    Quotas.forPlan(facts?.quotas, options.quotas);
  } catch (e) {
    throw new InputError('--quota', `with the facts' quotas: ${(e as Error).message}`);
  }
  const model = buildModel(inputs, facts);
  const stacks = inputs.map((input): SarifStack => ({
    name: input.stackName, path: input.displayName, deployedName: input.deployedStackName, account: input.account, region: input.region,
  }));
  return { plan: buildPlan(model, { azDown: options.azDown, failover: options.failover, ...(options.quotas ? { quotas: options.quotas } : {}) }), connections: model.connections.size, stacks };
}

/**
 * `--compare`: the templates' plan (with what they do not define read from the account, as
 * without --compare) beside the plan of the same jobs as deployed, read from the account alone.
 * Deployed jobs are those named as the templates' jobs, or listing one of their connections.
 */
export function compareFromFiles(options: CliOptions, cwd: string, budget: InputBudget, account?: AccountSnapshot, stacks?: readonly StackRead[]): DriftReport {
  const resolve = (p: string) => resolveIn(cwd, p);
  const inputs = applyParameters(loadInputs(options.paths.map(resolve), budget), options.parameters ?? [], resolve);
  const snapshot = options.fromDescribe !== undefined ? readDescribeDir(resolve(options.fromDescribe)) : account;
  const origin = options.fromDescribe ?? 'the account';
  if (!snapshot) throw new InputError('--from-aws', 'the account was not read (use runCliAsync)');
  if (snapshot.jobs === undefined) {
    const unread = snapshot.unread.find((u) => u.call === SNAPSHOT_CALLS.jobs);
    throw new InputError(origin, `--compare needs the deployed jobs, which could not be read (${unread?.reason ?? 'not read'})`);
  }
  const userFacts = options.facts !== undefined ? loadFacts(resolve(options.facts), budget) : undefined;
  const planOptions = { azDown: options.azDown, failover: false, ...(options.quotas ? { quotas: options.quotas } : {}) };
  const templateFacts = planFacts({ inputs, userFacts, snapshot, origin, writeFacts: options.writeFacts !== undefined ? resolve(options.writeFacts) : undefined, contextFile: resolve('cdk.context.json') });
  const templateModel = buildModel(inputs, templateFacts);
  const templatePlan = buildPlan(templateModel, planOptions);
  // Logical -> physical ids of the templates' stacks (ListStackResources, or its saved outputs).
  const stackNames = topLevelStacks(inputs);
  const reads = options.fromDescribe !== undefined ? readSavedStacks(resolve(options.fromDescribe), stackNames) : stacks;
  const ids = reads ? deployedIds(reads, origin) : undefined;
  const names = new Set(templatePlan.jobs.map((job) => ids?.physicalIds.get(job.id) ?? job.name));
  const connectionNames = new Set<string>();
  for (const c of templateModel.connections.values()) {
    const name = ids?.physicalIds.get(c.id) ?? (c.name.known ? c.name.value : undefined);
    if (name !== undefined) connectionNames.add(name);
  }
  const deployedNames = snapshot.jobs.map((job) => String(job?.Name)).filter((name, index) => names.has(name)
    || (Array.isArray(snapshot.jobs![index]?.Connections?.Connections) && snapshot.jobs![index].Connections.Connections.some((c: unknown) => connectionNames.has(String(c)))));
  const read = snapshotToFacts(snapshot, deployedNames.length ? { jobNames: deployedNames } : { withoutJobs: true });
  const deployedFacts = userFacts ? combineFacts(parseFacts(read, origin), userFacts) : parseFacts(read, origin);
  const deployedModel = buildModel([], deployedFacts);
  return compareDeployment({ model: templateModel, plan: templatePlan }, { model: deployedModel, plan: buildPlan(deployedModel, planOptions) }, ids);
}

/**
 * The text report of an input with nothing to check (no job, no finding): one line saying so,
 * rather than an empty plan.
 */
function nothingToCheck(plan: Plan, connections: number, paths: readonly string[]): string | undefined {
  if (plan.jobs.length > 0 || allFindings(plan).length > 0) return undefined;
  const where = paths.join(', ');
  if (connections === 0) return `No Glue job, crawler or connection in ${where}: nothing to check.\n`;
  return `No Glue job or crawler in ${where} (${connections} connection${connections === 1 ? '' : 's'}, used by none): nothing to check.\n`;
}

/** The whole CLI as a function: argv in, exit code out. Never throws. */
export function runCli(argv: readonly string[], io: CliIo, account?: AccountSnapshot, stacks?: readonly StackRead[]): number {
  let options: CliOptions | 'help';
  try {
    options = parseArgs(argv);
  } catch (e) {
    io.stderr(`glue-netplan: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  let plan: Plan | undefined;
  let report: string;
  let drift: DriftReport | undefined;
  const budget = inputBudget(options);
  try {
    if (options.compare) {
      drift = compareFromFiles(options, io.cwd, budget, account, stacks);
      report = options.format === 'json' ? driftToJson(drift) : driftToText(drift);
    } else {
      const read = readAndPlan(options, io.cwd, budget, account);
      plan = read.plan;
      report = (options.format === 'text' ? nothingToCheck(plan, read.connections, options.paths) : undefined)
        ?? render(plan, options.format, { cwd: io.cwd, colour: options.output === undefined && io.colour === true, stacks: read.stacks });
    }
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`glue-netplan: ${e.message}\n`);
      return 2;
    }
    // Anything else is our bug: still one line, no stack trace, but say so.
    io.stderr(`glue-netplan: internal error: ${(e as Error)?.message ?? String(e)} (please report it)\n`);
    return 2;
  }
  if (options.output === undefined) {
    io.stdout(report);
  } else {
    try {
      const problem = writeReportFile(resolveIn(io.cwd, options.output), report, budget.filesRead);
      if (problem) {
        io.stderr(`glue-netplan: ${options.output}: cannot write the report: the --output file ${problem}\n`);
        return 2;
      }
    } catch (e) {
      io.stderr(`glue-netplan: ${options.output}: cannot write the report (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})\n`);
      return 2;
    }
  }
  if (drift) return drift.drift ? 1 : 0;
  return allFindings(plan!).some((f) => f.severity === 'error') ? 1 : 0;
}

/** `runCli`, first reading the account with the AWS SDK when `--from-aws` is given. */
export async function runCliAsync(argv: readonly string[], io: CliIo): Promise<number> {
  let options: CliOptions | 'help';
  try {
    options = parseArgs(argv);
  } catch {
    return runCli(argv, io);
  }
  if (options === 'help' || !options.fromAws) return runCli(argv, io);
  try {
    // Loaded only here: the SDK is large, and template-only runs do not need it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { readAccount } = require('../ingest/aws/sdk') as typeof import('../ingest/aws/sdk');
    const account = await readAccount({ prefixListIds: templateListIds(options, io.cwd) });
    return runCli(argv, io, account, options.compare ? await readTemplateStacks(options, io.cwd) : undefined);
  } catch (e) {
    io.stderr(`glue-netplan: ${e instanceof InputError ? e.message : `internal error: ${(e as Error)?.message ?? String(e)} (please report it)`}\n`);
    return 2;
  }
}

/**
 * The `pl-...` ids the templates' routes and rules name, for `--from-aws` to read those lists (see
 * `templatePrefixListIds`). Unreadable templates or parameters: none here, runCli reports them.
 */
function templateListIds(options: CliOptions, cwd: string): string[] {
  if (options.paths.length === 0) return [];
  try {
    const resolve = (p: string) => resolveIn(cwd, p);
    return templatePrefixListIds(applyParameters(loadInputs(options.paths.map(resolve), inputBudget(options)), options.parameters ?? [], resolve));
  } catch (e) {
    if (e instanceof InputError) return [];
    throw e;
  }
}

/**
 * `--from-aws --compare`: what CloudFormation deployed from each template stack (its stack name,
 * nested stacks through their parents). Unreadable templates: nothing here, runCli reports them.
 */
async function readTemplateStacks(options: CliOptions, cwd: string): Promise<StackRead[] | undefined> {
  let stackNames: StackToList[];
  try {
    stackNames = topLevelStacks(loadInputs(options.paths.map((p) => resolveIn(cwd, p)), inputBudget(options)));
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readStacks } = require('../ingest/aws/stacks-sdk') as typeof import('../ingest/aws/stacks-sdk');
  return readStacks(stackNames);
}

/** The report in one format. SARIF locations are relative to `cwd` (the repository root in CI). */
export function render(plan: Plan, format: Format, context: { cwd: string; colour?: boolean; stacks?: readonly SarifStack[] }): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(toJson(plan), null, 2)}\n`;
    case 'sarif':
      return toSarif(plan, { baseDir: context.cwd, ...(context.stacks ? { stacks: context.stacks } : {}) });
    case 'markdown':
      return withNewline(toMarkdown(plan));
    case 'dot':
      return withNewline(toDot(plan));
    case 'text':
      return toText(plan, { colour: context.colour });
  }
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

import { buildPlan, Plan } from '../engine';
import { buildModel, InputError, loadFacts, loadInputs } from '../ingest';
import { allFindings, toJson, toText } from '../report';

export const USAGE = `Usage: glue-netplan [PATH ...] [--facts FILE] [--az-down AZ ...] [--no-failover] [--format text|json]

Replays AWS Glue's connection selection for every Glue job in the given CloudFormation templates
(JSON or YAML) or CDK cloud assemblies (default: ./cdk.out), traces every data store path hop by
hop, and prints the plan.

  PATH            a cdk.out directory (manifest.json) or a template file; several allowed
  --facts FILE    JSON describing networks defined outside the templates (see docs/facts.md)
  --az-down AZ    treat AZ as failed for the main selection (repeatable, or several values)
  --no-failover   skip the single-AZ failure what-ifs
  --format F      text (default) or json

Exit status: 0 no error-severity finding, 1 at least one, 2 bad usage or unreadable input.`;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

export interface CliOptions {
  readonly paths: string[];
  readonly facts?: string;
  readonly azDown: string[];
  readonly failover: boolean;
  readonly format: 'text' | 'json';
}

class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): CliOptions | 'help' {
  const paths: string[] = [];
  const azDown: string[] = [];
  let facts: string | undefined;
  let format: 'text' | 'json' = 'text';
  let failover = true;
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
      case '--az-down':
        azDown.push(value());
        // `--az-down a b` takes the following bare words that look like AZ names.
        while (inline === undefined && i + 1 < argv.length && /^[a-z]{2}(-[a-z]+)+-\d[a-z]$|^[a-z]{3}\d-az\d$/.test(argv[i + 1])) azDown.push(argv[++i]);
        break;
      case '--format': {
        const f = value();
        if (f !== 'text' && f !== 'json') throw new UsageError(`--format must be text or json, not ${f}`);
        format = f;
        break;
      }
      case '--no-failover':
        failover = false;
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        paths.push(arg);
    }
  }
  return { paths: paths.length ? paths : ['cdk.out'], facts, azDown, failover, format };
}

/** Reads the inputs and plans; InputError for unreadable input. */
export function planFromFiles(options: CliOptions, cwd: string): Plan {
  const resolve = (p: string) => (p.startsWith('/') ? p : `${cwd}/${p}`);
  const inputs = loadInputs(options.paths.map(resolve));
  const facts = options.facts !== undefined ? loadFacts(resolve(options.facts)) : undefined;
  return buildPlan(buildModel(inputs, facts), { azDown: options.azDown, failover: options.failover });
}

/** The whole CLI as a function: argv in, exit code out. Never throws. */
export function runCli(argv: readonly string[], io: CliIo): number {
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
  let plan: Plan;
  try {
    plan = planFromFiles(options, io.cwd);
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(`glue-netplan: ${e.message}\n`);
      return 2;
    }
    // Anything else is our bug: still one line, no stack trace, but say so.
    io.stderr(`glue-netplan: internal error: ${(e as Error)?.message ?? String(e)} (please report it)\n`);
    return 2;
  }
  io.stdout(options.format === 'json' ? `${JSON.stringify(toJson(plan), null, 2)}\n` : toText(plan));
  return allFindings(plan).some((f) => f.severity === 'error') ? 1 : 0;
}

import { Candidate, ConnectionSummary, DataStorePlan, Finding, JobPlan, Plan } from '../engine';
import { allFindings } from './json';
import { connectionPlace, placeName } from './place-names';
import { FixSteps, Narration, shortFinding } from './short-findings';
import { unitNoun } from '../model';

/** `Job`, `Crawler`, `Dev endpoint`, `Session`. */
export function unitTitle(kind: JobPlan['kind']): string {
  const noun = unitNoun(kind);
  return `${noun[0].toUpperCase()}${noun.slice(1)}`;
}

const MARK: Record<string, string> = { REACHABLE: 'ok ', UNREACHABLE: 'XX ', UNKNOWN: '?? ' };

export interface TextOptions {
  /** ANSI colours (REACHABLE green, UNREACHABLE and errors red, UNKNOWN and warnings yellow). Default: none. */
  readonly colour?: boolean;
}

/** Wraps text in an SGR colour; resets only what it set, so colours nest inside bold. */
type Paint = (text: string) => string;
interface Palette {
  readonly green: Paint;
  readonly red: Paint;
  readonly yellow: Paint;
  readonly bold: Paint;
}

const sgr = (on: number, off: number): Paint => (text) => (text ? `\u001b[${on}m${text}\u001b[${off}m` : text);
const COLOURS: Palette = { green: sgr(32, 39), red: sgr(31, 39), yellow: sgr(33, 39), bold: sgr(1, 22) };
const plain: Paint = (text) => text;
const NO_COLOURS: Palette = { green: plain, red: plain, yellow: plain, bold: plain };

function verdictPaint(p: Palette, verdict: string): Paint {
  return verdict === 'REACHABLE' ? p.green : verdict === 'UNREACHABLE' ? p.red : p.yellow;
}

function severityPaint(p: Palette, severity: string): Paint {
  return severity === 'error' ? p.red : severity === 'warning' ? p.yellow : plain;
}

/**
 * Whether to colour text written to a stream: never when NO_COLOR is set to anything non-empty
 * (https://no-color.org); else when FORCE_COLOR is set (other than `0` or `false`); else only on a
 * terminal that is not `TERM=dumb`.
 */
export function shouldColour(stream: { readonly isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return stream.isTTY === true && env.TERM !== 'dumb';
}

function where(plan: Plan, c: ConnectionSummary | null): string {
  if (!c) return 'none';
  const parts = connectionPlace(plan, c, true);
  return parts.length ? `${c.name} (${parts.join(', ')})` : c.name;
}

function candidateLine(plan: Plan, c: Candidate, index: number, p: Palette): string {
  const status = c.status === 'selected' ? p.green('SELECTED') : c.status === 'skipped' ? 'skipped' : c.status === 'unknown' ? p.yellow('UNKNOWN') : 'not considered';
  const reasons = c.reasons.map((r) => `${r.code}: ${r.message}`).join('; ');
  return `    ${index + 1}. ${where(plan, c.connection)}: ${status}${reasons ? ` - ${reasons}` : ''}`;
}

function storeLines(plan: Plan, s: DataStorePlan, detailed: boolean, p: Palette, narration: Narration): string[] {
  const paint = verdictPaint(p, s.verdict);
  const lines = [`    ${paint(MARK[s.verdict])}${s.connection.name}: ${paint(s.verdict)} (store located by ${s.locatedBy}${s.port ? `, TCP ${s.port}` : ''})`];
  if (!detailed) return lines;
  for (const a of s.assumptions) lines.push(`         assumed: ${a}`);
  for (const path of s.paths) {
    if (s.paths.length > 1 || s.verdict !== 'REACHABLE') lines.push(`         path ${placeName(plan, path.sourceSubnet)} -> ${placeName(plan, path.destinationSubnet)}: ${verdictPaint(p, path.verdict)(path.verdict)}`);
    if (s.verdict === 'REACHABLE') continue;
    for (const hop of path.hops) lines.push(`           ${verdictPaint(p, hop.verdict)(MARK[hop.verdict])}${hop.direction === 'return' ? '<- ' : '-> '}${hop.kind} ${hop.component}: ${hop.detail}`);
  }
  // Each fix once per store: the forward and the return path may ask for the same peering.
  const steps = new FixSteps();
  for (const e of s.explanations) {
    lines.push(`         ${e.unknown ? p.yellow('unknown') : p.red('blocked')} ${e.code} at ${e.component}: ${narration.tell(e.message)}`);
    const added = steps.add(e.fix);
    if (added.length > 0) lines.push(`           fix: ${added.join(' ')}`);
  }
  return lines;
}

/**
 * A finding in one line and its fix. An unreachable store's blocking hops are listed with the
 * store above, so its line says only what is wrong.
 */
function findingLine(plan: Plan, f: Finding, p: Palette, narration: Narration): string[] {
  const at = `${f.source.stack}/${f.source.logicalId}${f.source.constructPath ? ` (${f.source.constructPath})` : ''}`;
  const short = shortFinding(plan, f, narration);
  return [`    ${severityPaint(p, f.severity)(f.severity.toUpperCase())} ${f.ruleId} at ${at}: ${short.summary}`, `      fix: ${short.fixes.join(' ')}`];
}

function jobLines(plan: Plan, job: JobPlan, p: Palette, narration: Narration): string[] {
  const lines = [`${p.bold(`${unitTitle(job.kind)} ${job.name}`)} (${job.source.stack}/${job.source.logicalId})`];
  lines.push('  Connection selection (Glue walks the network-bearing connections in list order, takes the first suitable one):');
  if (!job.candidates.length) lines.push('    (no connections: the job runs outside your VPCs)');
  job.candidates.forEach((c, i) => lines.push(candidateLine(plan, c, i, p)));
  lines.push(`  Data stores, from ${job.selectedConnection ? `the ENIs in ${where(plan, job.selectedConnection)}` : 'no selected connection'}:`);
  if (!job.dataStores.length) lines.push('    (none)');
  for (const s of job.dataStores) lines.push(...storeLines(plan, s, true, p, narration));
  if (job.failover.length) {
    lines.push('  If one Availability Zone fails:');
    for (const f of job.failover) {
      const bad = f.dataStores.filter((s) => s.verdict !== 'REACHABLE').map((s) => `${s.connection.name} ${s.verdict}`);
      const outcome = f.allReachable === true ? p.green('every store reachable') : f.allReachable === null ? p.yellow(`undecided (${bad.join(', ')})`) : p.red(f.selectedConnection ? bad.join(', ') : 'no suitable connection: runs fail');
      lines.push(`    ${f.azDown} down -> ${where(plan, f.selectedConnection)}: ${outcome}`);
    }
  }
  if (job.findings.length) {
    lines.push('  Findings:');
    for (const f of job.findings) lines.push(...findingLine(plan, f, p, narration));
  }
  return lines;
}

/**
 * The plan as a person reads it top-down: per job, candidates, stores with paths, what-ifs, findings.
 * Without `colour` (the default) the text is plain, for pipes, files and tests.
 */
export function toText(plan: Plan, options: TextOptions = {}): string {
  const p = options.colour ? COLOURS : NO_COLOURS;
  const lines: string[] = [];
  const narration = new Narration();
  if (plan.azDown.length) lines.push(`Treating as failed: ${plan.azDown.join(', ')}`, '');
  for (const job of plan.jobs) lines.push(...jobLines(plan, job, p, narration), '');
  if (!plan.jobs.length) lines.push('No Glue jobs found.', '');
  if (plan.findings.length) {
    lines.push('App-wide findings:');
    for (const f of plan.findings) lines.push(...findingLine(plan, f, p, narration));
    lines.push('');
  }
  // Said once, for every store a route between unconnected VPCs blocks.
  const eniPlacement = narration.takeEniPlacement();
  if (eniPlacement) lines.push(`Note: ${eniPlacement}`, '');
  const findings = allFindings(plan);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const errorText = `${errors} error(s)`;
  const warningText = `${warnings} warning(s)`;
  lines.push(`${plan.jobs.length} job(s), ${errors ? p.red(errorText) : errorText}, ${warnings ? p.yellow(warningText) : warningText}`);
  return lines.join('\n') + '\n';
}

import { Candidate, ConnectionSummary, DataStorePlan, Finding, Hop, JobPlan, PathTrace, Plan, Verdict } from '../engine';
import { jobToMermaid } from './diagram';
import { allFindings } from './json';
import { RULES_URL } from './package-info';
import { connectionPlace, placeName } from './place-names';
import { unitTitle } from './text';

export interface MarkdownOptions {
  /**
   * Where RULES.md lives; each rule ID links to its section (`<rulesUrl>#gnp-...`). Absolute by
   * default, because relative links do not resolve in a pull request comment.
   */
  readonly rulesUrl?: string;
  /** At most this many job diagrams (jobs with a blocked or unknown store first); default 10. */
  readonly maxDiagrams?: number;
  /** Draw the single-AZ failure what-ifs in the diagrams (default true). */
  readonly failover?: boolean;
  /**
   * Above this many jobs, only the jobs with a problem (a store not reachable, a what-if that
   * breaks, no selection, a finding) get a section; the others are in the summary table only.
   * Default 25, so a large app's report stays readable (a GitHub comment holds 65,536 characters).
   */
  readonly maxSections?: number;
  /**
   * At most this many job sections in all (the first ones, in the plan's order); the other jobs
   * are in the summary table only, and a line says how many. Default: no limit.
   */
  readonly maxJobSections?: number;
}

export const DEFAULT_RULES_URL = RULES_URL;

const ICON: Record<Verdict, string> = { REACHABLE: '✅', UNREACHABLE: '❌', UNKNOWN: '❔' };
const SEVERITY_ICON: Record<Finding['severity'], string> = { error: '❌', warning: '⚠️', info: 'ℹ️' };

/** Text safe in Markdown prose: no line breaks, no HTML. (Most text has neither: checked first.) */
function cell(text: string): string {
  if (!/[\n<>]/.test(text)) return text;
  return text.replace(/\r?\n/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A table cell: pipes escaped (GitHub unescapes them even inside code spans there). */
function tableCell(text: string): string {
  return text.includes('|') ? text.replace(/\|/g, '\\|') : text;
}

/** An inline code span that survives backticks in the text. */
function code(text: string): string {
  const clean = text.includes('\n') ? text.replace(/\r?\n/g, ' ') : text;
  return clean.includes('`') ? `\`\` ${clean} \`\`` : `\`${clean}\``;
}

function where(plan: Plan, c: ConnectionSummary | null): string {
  if (!c) return 'none';
  const parts = connectionPlace(plan, c, true);
  return parts.length ? `${code(c.name)} (${parts.map((p) => cell(p)).join(', ')})` : code(c.name);
}

function anchorOf(ruleId: string): string {
  return ruleId.toLowerCase();
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function findingCounts(findings: Finding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const parts = [];
  if (errors) parts.push(`${SEVERITY_ICON.error} ${count(errors, 'error')}`);
  if (warnings) parts.push(`${SEVERITY_ICON.warning} ${count(warnings, 'warning')}`);
  return parts.length ? parts.join(', ') : 'none';
}

function summaryTable(plan: Plan): string[] {
  const lines = ['| Job | Stack | Selected connection | Data stores | Findings |', '|---|---|---|---|---|'];
  for (const job of plan.jobs) {
    const stores = job.dataStores.map((s) => `${ICON[s.verdict]} ${cell(s.connection.name)}`).join('<br>') || '(none)';
    const cells = [cell(job.name), cell(job.source.stack), job.selectedConnection ? where(plan, job.selectedConnection) : '**none**', stores, findingCounts(job.findings)];
    lines.push(`| ${cells.map(tableCell).join(' | ')} |`);
  }
  return lines;
}

function candidateLine(plan: Plan, c: Candidate, index: number): string {
  const status = c.status === 'selected' ? '**selected**' : c.status === 'skipped' ? 'skipped' : c.status === 'unknown' ? '**undecided**' : 'not considered';
  const reasons = c.reasons.filter((r) => r.code !== 'FIRST_SUITABLE').map((r) => `${code(r.code)}: ${cell(r.message)}`).join('; ');
  return `${index + 1}. ${where(plan, c.connection)}: ${status}${reasons ? ` (${reasons})` : ''}`;
}

const HOP_MARK: Record<Verdict, string> = { REACHABLE: '✅', UNREACHABLE: '❌', UNKNOWN: '❔' };

function hopTable(path: PathTrace): string[] {
  const lines = ['| # | | Direction | Hop | Component | What it did |', '|---|---|---|---|---|---|'];
  path.hops.forEach((hop: Hop, i) => {
    const cells = [String(i + 1), HOP_MARK[hop.verdict], hop.direction === 'forward' ? 'request' : 'reply', cell(hop.kind), code(hop.component), cell(hop.detail)];
    lines.push(`| ${cells.map(tableCell).join(' | ')} |`);
  });
  return lines;
}

function storeSection(plan: Plan, store: DataStorePlan): string[] {
  const lines = [`#### ${ICON[store.verdict]} ${cell(store.connection.name)}: ${store.verdict}`, ''];
  lines.push(`Store located by ${code(store.locatedBy)}${store.port !== undefined ? `, TCP ${store.port}` : ''}${store.storeSource ? `, resource ${code(`${store.storeSource.stack}/${store.storeSource.logicalId}`)}` : ''}.`, '');
  const blocking = store.explanations.filter((e) => !e.unknown);
  const unknowns = store.explanations.filter((e) => e.unknown);
  if (blocking.length) {
    lines.push(store.verdict === 'UNREACHABLE' ? '**What blocks it** (every setting that must change):' : '**Also worth fixing:**', '');
    for (const e of blocking) lines.push(`- ${code(e.code)} at ${code(e.component)}: ${cell(e.message)}`, `  - **Fix:** ${cell(e.fix)}`);
    lines.push('');
  }
  if (unknowns.length) {
    lines.push('**What is not known:**', '');
    for (const e of unknowns) lines.push(`- ${code(e.code)} at ${code(e.component)}: ${cell(e.message)}`, `  - **Fix:** ${cell(e.fix)}`);
    lines.push('');
  }
  if (store.assumptions.length) {
    lines.push(`Assumed: ${store.assumptions.map(cell).join(' ')}`, '');
  }
  for (const path of store.paths.filter((p) => p.verdict !== 'REACHABLE')) {
    lines.push('<details>', `<summary>Hop by hop: ${cell(placeName(plan, path.sourceSubnet))} → ${cell(placeName(plan, path.destinationSubnet))}: ${path.verdict}</summary>`, '', ...hopTable(path), '', '</details>', '');
  }
  return lines;
}

function failoverLines(plan: Plan, job: JobPlan): string[] {
  if (!job.failover.length) return [];
  const lines = ['**If one Availability Zone fails:**', ''];
  for (const f of job.failover) {
    const bad = f.dataStores.filter((s) => s.verdict !== 'REACHABLE').map((s) => `${ICON[s.verdict]} ${cell(s.connection.name)}`);
    const outcome = f.allReachable === true ? '✅ every store reachable'
      : !f.selectedConnection ? '❌ no suitable connection: runs fail'
        : bad.join(', ');
    lines.push(`- ${code(f.azDown)} down → ${where(plan, f.selectedConnection)}: ${outcome}`);
  }
  lines.push('');
  return lines;
}

function findingLines(f: Finding, rulesUrl: string): string[] {
  const at = `${f.source.stack}/${f.source.logicalId}`;
  return [
    `- ${SEVERITY_ICON[f.severity]} **${f.severity.toUpperCase()}** [${code(f.ruleId)}](${rulesUrl}#${anchorOf(f.ruleId)}) at ${code(at)}${f.source.constructPath ? ` (${code(f.source.constructPath)})` : ''}`,
    `  ${cell(f.message)}`,
    `  - **Fix:** ${cell(f.fix)}`,
  ];
}

function hasProblem(job: JobPlan): boolean {
  return job.dataStores.some((s) => s.verdict !== 'REACHABLE') || job.failover.some((f) => f.allReachable !== true) || !job.selectedConnection;
}

/**
 * The plan as a Markdown report for a pull request comment: a summary table, then per job the
 * selection, a Mermaid diagram, each blocked store's explanations, fixes and hops, the what-ifs
 * and the findings with links to their rules.
 */
export function toMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const rulesUrl = options.rulesUrl ?? DEFAULT_RULES_URL;
  const maxDiagrams = options.maxDiagrams ?? 10;
  const findings = allFindings(plan);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const lines = ['## Glue network plan', ''];
  const verdict = errors ? '❌' : warnings ? '⚠️' : '✅';
  lines.push(`${verdict} **${count(plan.jobs.length, 'job')}, ${count(errors, 'error')}, ${count(warnings, 'warning')}**${plan.azDown.length ? ` (treating ${plan.azDown.map(code).join(', ')} as failed)` : ''}`, '');
  if (!plan.jobs.length) lines.push('No Glue jobs found.', '');
  else lines.push(...summaryTable(plan), '');

  // Diagrams: the jobs with problems first when there are more jobs than diagrams allowed.
  const ranked = [...plan.jobs].sort((a, b) => Number(hasProblem(b)) - Number(hasProblem(a)));
  // Only the drawn jobs are laid out, and only as Mermaid: a large app's report stays cheap.
  const diagrams = new Map(ranked.slice(0, maxDiagrams).map((j) => [j.id, { mermaid: jobToMermaid(plan, j, { failover: options.failover }) }]));

  // Sections: every job in a small app; in a large one, the jobs with something to say.
  const maxSections = options.maxSections ?? 25;
  const worthSaying = plan.jobs.length <= maxSections ? plan.jobs : plan.jobs.filter((j) => hasProblem(j) || j.findings.length > 0);
  if (worthSaying.length < plan.jobs.length) {
    const quiet = plan.jobs.length - worthSaying.length;
    lines.push(`<sub>${count(quiet, 'job')} with every store reachable, in every what-if, and no finding ${quiet === 1 ? 'is' : 'are'} in the table above only (more than ${maxSections} jobs); \`glue-netplan --format json\` has every path.</sub>`, '');
  }
  const maxJobSections = options.maxJobSections ?? Infinity;
  const sectioned = worthSaying.length > maxJobSections ? worthSaying.slice(0, maxJobSections) : worthSaying;
  if (sectioned.length < worthSaying.length) {
    const more = worthSaying.length - sectioned.length;
    lines.push(`<sub>Only the first ${count(sectioned.length, 'job')} ${sectioned.length === 1 ? 'has a section' : 'have a section'}: ${count(more, 'more job')} with a problem or a finding ${more === 1 ? 'is' : 'are'} in the table above only; \`glue-netplan --format markdown\` says every one, the plan file has every path.</sub>`, '');
  }

  for (const job of sectioned) {
    lines.push(`### ${unitTitle(job.kind)} ${code(job.name)} (${code(`${job.source.stack}/${job.source.logicalId}`)})`, '');
    if (job.source.constructPath) lines.push(`Construct: ${code(job.source.constructPath)}`, '');
    lines.push('**Connection selection** (Glue walks the network-bearing connections in list order and takes the first suitable one):', '');
    if (!job.candidates.length) lines.push('- (no connections: the job runs outside your VPCs)');
    job.candidates.forEach((c, i) => lines.push(candidateLine(plan, c, i)));
    lines.push('');
    const diagram = diagrams.get(job.id);
    if (diagram) {
      lines.push('```mermaid', diagram.mermaid.trimEnd(), '```', '');
      lines.push('<sub>Green: the packet gets this far. Red hexagon: a hop that blocks it (edges after it are red). Grey dashed: unknown. Dotted, from a dashed ENI: the selection if one AZ fails.</sub>', '');
    } else {
      lines.push(`<sub>Diagram omitted (more than ${maxDiagrams} jobs; \`glue-netplan --format dot\` draws every job).</sub>`, '');
    }
    const problems = job.dataStores.filter((s) => s.verdict !== 'REACHABLE');
    const fine = job.dataStores.filter((s) => s.verdict === 'REACHABLE');
    for (const store of problems) lines.push(...storeSection(plan, store));
    if (fine.length) lines.push(`Reachable: ${fine.map((s) => `✅ ${cell(s.connection.name)}${s.port !== undefined ? ` (TCP ${s.port})` : ''}`).join(', ')}.`, '');
    lines.push(...failoverLines(plan, job));
    if (job.findings.length) {
      lines.push('**Findings:**', '');
      for (const f of job.findings) lines.push(...findingLines(f, rulesUrl));
      lines.push('');
    }
  }
  if (plan.findings.length) {
    lines.push('### App-wide findings', '');
    for (const f of plan.findings) lines.push(...findingLines(f, rulesUrl));
    lines.push('');
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

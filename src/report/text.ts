import { Candidate, ConnectionSummary, DataStorePlan, Finding, JobPlan, Plan } from '../engine';
import { allFindings } from './json';

const MARK: Record<string, string> = { REACHABLE: 'ok ', UNREACHABLE: 'XX ', UNKNOWN: '?? ' };

function where(c: ConnectionSummary | null): string {
  if (!c) return 'none';
  const parts = [c.subnet, c.az, c.vpc].filter((x) => x);
  return parts.length ? `${c.name} (${parts.join(', ')})` : c.name;
}

function candidateLine(c: Candidate, index: number): string {
  const status = c.status === 'selected' ? 'SELECTED' : c.status === 'skipped' ? 'skipped' : c.status === 'unknown' ? 'UNKNOWN' : 'not considered';
  const reasons = c.reasons.map((r) => `${r.code}: ${r.message}`).join('; ');
  return `    ${index + 1}. ${where(c.connection)}: ${status}${reasons ? ` - ${reasons}` : ''}`;
}

function storeLines(s: DataStorePlan, detailed: boolean): string[] {
  const lines = [`    ${MARK[s.verdict]}${s.connection.name}: ${s.verdict} (store located by ${s.locatedBy}${s.port ? `, TCP ${s.port}` : ''})`];
  if (!detailed) return lines;
  for (const a of s.assumptions) lines.push(`         assumed: ${a}`);
  for (const path of s.paths) {
    if (s.paths.length > 1 || s.verdict !== 'REACHABLE') lines.push(`         path ${path.sourceSubnet} -> ${path.destinationSubnet}: ${path.verdict}`);
    if (s.verdict === 'REACHABLE') continue;
    for (const hop of path.hops) lines.push(`           ${MARK[hop.verdict]}${hop.direction === 'return' ? '<- ' : '-> '}${hop.kind} ${hop.component}: ${hop.detail}`);
  }
  for (const e of s.explanations) {
    lines.push(`         ${e.unknown ? 'unknown' : 'blocked'} ${e.code} at ${e.component}: ${e.message}`);
    lines.push(`           fix: ${e.fix}`);
  }
  return lines;
}

function findingLine(f: Finding): string[] {
  const at = `${f.source.stack}/${f.source.logicalId}${f.source.constructPath ? ` (${f.source.constructPath})` : ''}`;
  return [`    ${f.severity.toUpperCase()} ${f.ruleId} at ${at}: ${f.message}`, `      fix: ${f.fix}`];
}

function jobLines(job: JobPlan): string[] {
  const lines = [`Job ${job.name} (${job.source.stack}/${job.source.logicalId})`];
  lines.push('  Connection selection (Glue walks the network-bearing connections in list order, takes the first suitable one):');
  if (!job.candidates.length) lines.push('    (no connections: the job runs outside your VPCs)');
  job.candidates.forEach((c, i) => lines.push(candidateLine(c, i)));
  lines.push(`  Data stores, from ${job.selectedConnection ? `the ENIs in ${where(job.selectedConnection)}` : 'no selected connection'}:`);
  if (!job.dataStores.length) lines.push('    (none)');
  for (const s of job.dataStores) lines.push(...storeLines(s, true));
  if (job.failover.length) {
    lines.push('  If one Availability Zone fails:');
    for (const f of job.failover) {
      const bad = f.dataStores.filter((s) => s.verdict !== 'REACHABLE').map((s) => `${s.connection.name} ${s.verdict}`);
      const outcome = f.allReachable === true ? 'every store reachable' : f.allReachable === null ? `undecided (${bad.join(', ')})` : f.selectedConnection ? bad.join(', ') : 'no suitable connection: runs fail';
      lines.push(`    ${f.azDown} down -> ${where(f.selectedConnection)}: ${outcome}`);
    }
  }
  if (job.findings.length) {
    lines.push('  Findings:');
    for (const f of job.findings) lines.push(...findingLine(f));
  }
  return lines;
}

/** The plan as a person reads it top-down: per job, candidates, stores with paths, what-ifs, findings. */
export function toText(plan: Plan): string {
  const lines: string[] = [];
  if (plan.azDown.length) lines.push(`Treating as failed: ${plan.azDown.join(', ')}`, '');
  for (const job of plan.jobs) lines.push(...jobLines(job), '');
  if (!plan.jobs.length) lines.push('No Glue jobs found.', '');
  if (plan.findings.length) {
    lines.push('App-wide findings:');
    for (const f of plan.findings) lines.push(...findingLine(f));
    lines.push('');
  }
  const findings = allFindings(plan);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  lines.push(`${plan.jobs.length} job(s), ${errors} error(s), ${warnings} warning(s)`);
  return lines.join('\n') + '\n';
}

import { DriftReport, JobDrift } from '../engine/drift';

/** `--compare --format json`: the drift report as it is (docs/live.md describes the fields). */
export function driftToJson(report: DriftReport): string {
  return `${JSON.stringify({ drift: report.drift, jobs: report.jobs, ...(report.notes ? { notes: report.notes } : {}) }, null, 2)}\n`;
}

const STATUS: Record<JobDrift['status'], string> = {
  'same': 'no drift',
  'drifted': 'DRIFT',
  'not-deployed': 'DRIFT: in the templates, not deployed',
  'not-in-templates': 'DRIFT: deployed, not in the templates',
  'name-unknown': 'not compared',
};

const side = (value: string | null | undefined) => (value === undefined ? '-' : value === null ? 'none' : value);

/** `--compare` as text: one block per job, what differs first. */
export function driftToText(report: DriftReport): string {
  const lines: string[] = [];
  if (report.jobs.length === 0) lines.push('No Glue job in the templates or deployed with their connections: nothing to compare.');
  for (const job of report.jobs) {
    lines.push(`Job ${job.name}${job.deployedName ? ` (deployed ${job.deployedName})` : ''}: ${STATUS[job.status]}${job.note ? ` (${job.note})` : ''}`);
    if (job.status === 'name-unknown') continue;
    const selected = job.selected ?? {};
    if (job.status !== 'same' || selected.templates !== selected.deployed) {
      const mark = selected.templates !== selected.deployed && job.status === 'drifted' ? '  ≠ ' : '    ';
      lines.push(`${mark}selected connection: templates ${side(selected.templates)}, deployed ${side(selected.deployed)}`);
    }
    for (const store of job.stores) {
      if (job.status === 'same') continue;
      const mark = store.templates !== store.deployed && job.status === 'drifted' ? '  ≠ ' : '    ';
      lines.push(`${mark}store of ${store.connection}: templates ${side(store.templates)}, deployed ${side(store.deployed)}`);
    }
    for (const element of job.elements) {
      const where = element.templateId === element.deployedId ? element.templateId : `${element.templateId} (deployed ${element.deployedId})`;
      const resource = element.resource ? ` (${element.resource})` : '';
      lines.push(`  ${element.change === 'removed' ? '-' : '+'} ${element.kind} ${where}: ${element.item}${resource} ${element.change === 'removed' ? 'is in the templates, not deployed' : 'is deployed, not in the templates'}`);
    }
  }
  const drifted = report.jobs.filter((job) => job.status !== 'same' && job.status !== 'name-unknown').length;
  const uncompared = report.jobs.filter((job) => job.status === 'name-unknown').length;
  const summary = report.drift
    ? `${drifted} of ${report.jobs.length} job(s) drifted from the templates${uncompared ? `; ${uncompared} not compared` : ''}.`
    : `No drift: ${report.jobs.length} job(s) deployed as the templates plan them.`;
  lines.push('', summary);
  for (const note of report.notes ?? []) lines.push(`Note: ${note}.`);
  return `${lines.join('\n')}\n`;
}

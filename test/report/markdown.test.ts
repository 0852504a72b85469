import { readFileSync } from 'fs';
import { join } from 'path';
import { multiJobPlan, seedPlan } from './report-fixtures';
import { Plan } from '../../src/engine';
import { DEFAULT_RULES_URL, toMarkdown } from '../../src/report';

const RULE_ANCHORS = new Set([...readFileSync(join(__dirname, '../../RULES.md'), 'utf8').matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]));

/** The rows of the first Markdown table after a header line, split into cells on unescaped pipes. */
function tableRows(md: string, header: string): string[][] {
  const lines = md.split('\n');
  const start = lines.indexOf(header);
  if (start < 0) throw new Error(`no table ${header}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim()));
  }
  return rows;
}

const SUMMARY_HEADER = '| Job | Stack | Selected connection | Data stores | Findings |';

describe('Markdown report, seed case blocked', () => {
  const md = toMarkdown(seedPlan(false));

  test('opens with the verdict and a summary table: job, selection, a verdict per store, finding counts', () => {
    expect(md.startsWith('## Glue network plan\n\n❌ **1 job, 2 errors, 1 warning**')).toBe(true);
    const rows = tableRows(md, SUMMARY_HEADER);
    expect(rows).toHaveLength(3);
    expect(rows[2]).toEqual(['etl', 'Test', '`redshift` (subA, us-east-1a, vpcA)', '✅ redshift<br>❌ mysql<br>❌ postgres', '❌ 2 errors, ⚠️ 1 warning']);
  });

  test('draws the job as a Mermaid block', () => {
    const fences = md.match(/```mermaid\nflowchart LR\n[\s\S]*?\n```/g) ?? [];
    expect(fences).toHaveLength(1);
    expect(fences[0]).toContain('BLOCKED: DISCONNECTED_VPCS');
  });

  test('per blocked store: what blocks it, every fix, and the hops in a collapsible table', () => {
    const section = md.slice(md.indexOf('#### ❌ mysql: UNREACHABLE'), md.indexOf('#### ❌ postgres'));
    expect(section).toContain('**What blocks it** (every setting that must change):');
    expect(section).toContain('- `DISCONNECTED_VPCS` at `subA-rt`: vpcA and vpcB are not connected');
    expect(section).toContain('  - **Fix:** Peer vpcA with vpcB');
    expect(section).toContain('- `ENI_SG_RULES_MISMATCH` at `sgB`');
    expect(section).toContain('<summary>Hop by hop: subA → subB: UNREACHABLE</summary>');
    const hops = tableRows(section, '| # | | Direction | Hop | Component | What it did |');
    expect(hops.slice(2).map((r) => [r[1], r[2], r[3], r[4]])).toEqual([
      ['✅', 'request', 'eni', '`subA`'],
      ['✅', 'request', 'security-group', '`sgA`'],
      ['❌', 'request', 'route-table', '`subA-rt`'],
      ['✅', 'request', 'network-acl', '`vpcA#default-nacl`'],
      ['✅', 'request', 'network-acl', '`vpcB#default-nacl`'],
      ['❌', 'request', 'security-group', '`sgB`'],
      ['✅', 'request', 'data-store', '`subB`'],
      ['❌', 'reply', 'route-table', '`subB-rt`'],
      ['✅', 'reply', 'network-acl', '`vpcB#default-nacl`'],
      ['✅', 'reply', 'network-acl', '`vpcA#default-nacl`'],
    ]);
    // The reachable store gets one line, not a section.
    expect(md).not.toContain('#### ✅');
    expect(md).toContain('Reachable: ✅ redshift (TCP 5439).');
  });

  test('findings carry rule id, severity, stack/logicalId, message, fix and a link to their RULES.md section', () => {
    const lines = md.split('\n');
    const finding = lines.findIndex((l) => l.startsWith('- ❌ **ERROR** [`GNP-STORE-UNREACHABLE`]'));
    expect(lines[finding]).toBe(`- ❌ **ERROR** [\`GNP-STORE-UNREACHABLE\`](${DEFAULT_RULES_URL}#gnp-store-unreachable) at \`Test/etl\``);
    expect(lines[finding + 1]).toMatch(/^ {2}Job etl: the data store of connection mysql .* is UNREACHABLE/);
    expect(lines[finding + 2]).toMatch(/^ {2}- \*\*Fix:\*\* Peer vpcA with vpcB/);
    const anchors = [...md.matchAll(/\]\(https:[^)]*RULES\.md#([^)]+)\)/g)].map((m) => m[1]);
    expect(anchors.length).toBeGreaterThanOrEqual(3);
    for (const anchor of anchors) expect(RULE_ANCHORS).toContain(anchor);
  });

  test('the what-ifs list each failed AZ and its outcome', () => {
    expect(md).toContain('- `us-east-1a` down → `mysql` (subB, us-east-1b, vpcB): ❌ redshift, ❌ postgres');
  });

  test('rulesUrl can point elsewhere (a relative link inside the repository)', () => {
    expect(toMarkdown(seedPlan(false), { rulesUrl: 'RULES.md' })).toContain('(RULES.md#gnp-store-unreachable)');
  });
});

describe('Markdown report, seed case fixed', () => {
  const md = toMarkdown(seedPlan(true));

  test('no error; every store reachable; the remaining what-if warning is still explained', () => {
    expect(md).toMatch(/^## Glue network plan\n\n⚠️ \*\*1 job, 0 errors, 1 warning\*\*/);
    expect(tableRows(md, SUMMARY_HEADER)[2][3]).toBe('✅ redshift<br>✅ mysql<br>✅ postgres');
    expect(md).not.toContain('What blocks it');
    expect(md).toContain('[`GNP-FAILOVER-UNREACHABLE`]');
    expect(md).toContain('Reachable: ✅ redshift (TCP 5439), ✅ mysql (TCP 3306), ✅ postgres (TCP 5432).');
  });
});

describe('Markdown report, multi-job multi-stack app', () => {
  const plan = multiJobPlan();

  test('a row and a diagram per job, with construct paths and stacks', () => {
    const md = toMarkdown(plan);
    const rows = tableRows(md, SUMMARY_HEADER).slice(2);
    expect(rows.map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
      // The selected subnet and VPC by construct path.
      ['etl', 'Etl', '`redshift` (NetworkA/subA, us-east-1a, NetworkA/vpcA)', '✅ redshift<br>❌ mysql<br>❌ postgres'],
      ['report', 'Etl', '`postgres` (NetworkC/subC, us-east-1c, NetworkC/vpcC)', '✅ postgres'],
    ]);
    expect(md.match(/^```mermaid$/gm)).toHaveLength(2);
    expect(md).toContain('### Job `report` (`Etl/report`)');
    expect(md).toContain('Construct: `Etl/report/Resource`');
    expect(md).toContain('at `Etl/etl` (`Etl/etl/Resource`)');
  });

  test('beyond maxSections jobs, only the jobs with something to say get a section; the others stay in the table', () => {
    const fixed = seedPlan(true).jobs[0];
    const quiet = { ...fixed, id: 'quiet', name: 'quiet', failover: [], findings: [] };
    expect(quiet.dataStores.every((s) => s.verdict === 'REACHABLE')).toBe(true);
    const mixed: Plan = { ...plan, jobs: [...plan.jobs, quiet] };

    const compact = toMarkdown(mixed, { maxSections: 2 });
    expect(tableRows(compact, SUMMARY_HEADER).slice(2).map((r) => r[0])).toEqual(['etl', 'report', 'quiet']);
    expect(compact).toContain('### Job `etl`');
    expect(compact).toContain('### Job `report`'); // a what-if breaks and it has a warning
    expect(compact).not.toContain('### Job `quiet`');
    expect(compact).toContain('1 job with every store reachable, in every what-if, and no finding is in the table above only');

    const full = toMarkdown(mixed, { maxSections: 3 });
    expect(full).toContain('### Job `quiet`');
    expect(full).not.toContain('in the table above only');
  });

  test('beyond maxJobSections, the first jobs get a section, the others stay in the table, and a line says how many', () => {
    const capped = toMarkdown(plan, { maxJobSections: 1 });
    expect(tableRows(capped, SUMMARY_HEADER).slice(2).map((r) => r[0])).toEqual(['etl', 'report']);
    expect(capped).toContain('### Job `etl`');
    expect(capped).not.toContain('### Job `report`');
    expect(capped).toContain('Only the first 1 job has a section: 1 more job with a problem or a finding is in the table above only');

    const uncapped = toMarkdown(plan, { maxJobSections: 2 });
    expect(uncapped).toContain('### Job `report`');
    expect(uncapped).not.toContain('Only the first');
  });

  test('beyond maxDiagrams, the jobs with problems keep their diagram and the others say where to get theirs', () => {
    const md = toMarkdown(plan, { maxDiagrams: 1 });
    expect(md.match(/^```mermaid$/gm)).toHaveLength(1);
    const report = md.slice(md.indexOf('### Job `report`'));
    expect(report).not.toContain('```mermaid');
    expect(report).toContain('Diagram omitted');
  });
});

describe('Markdown that survives odd names', () => {
  test('a pipe in a name does not break the table; HTML is not injected', () => {
    const base = seedPlan(false);
    const job = base.jobs[0];
    const plan: Plan = { ...base, jobs: [{ ...job, name: 'a|b <script>', dataStores: job.dataStores.map((s) => ({ ...s, connection: { ...s.connection, name: `${s.connection.name}|x` } })) }] };
    const md = toMarkdown(plan);
    const rows = tableRows(md, SUMMARY_HEADER);
    expect(rows.every((r) => r.length === 5)).toBe(true);
    expect(rows[2][0]).toBe('a\\|b &lt;script&gt;');
    // Raw only inside code spans, where Markdown shows it as text.
    const prose = md.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
    expect(md).toContain('### Job `a|b <script>`');
    expect(prose).not.toContain('<script>');
  });

  test('no jobs: says so', () => {
    expect(toMarkdown({ jobs: [], findings: [], azDown: [] })).toBe('## Glue network plan\n\n✅ **0 jobs, 0 errors, 0 warnings**\n\nNo Glue jobs found.\n');
  });
});

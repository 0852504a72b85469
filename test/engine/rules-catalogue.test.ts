import { readFileSync } from 'fs';
import { join } from 'path';
import * as fc from 'fast-check';
import { seedCase } from './builders';
import { ALL_RULES, buildPlan, Finding, Plan, planRemedy, RULES } from '../../src/engine';
import { propertyRuns, propertySeed } from '../property/seeds';
import { buildTopology, drawTopology } from '../property/topology-gen';

describe('rule catalogue', () => {
  const rulesMd = readFileSync(join(__dirname, '..', '..', 'RULES.md'), 'utf8');

  test.each(ALL_RULES.map((r) => [r.id, r.severity]))('%s is documented in RULES.md with severity %s', (id, severity) => {
    const row = rulesMd.split('\n').find((line) => line.includes(`\`${id}\``));
    expect(row).toBeDefined();
    expect(row).toContain(`| ${severity} |`);
  });

  test('rule ids are unique and well-formed', () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^GNP-[A-Z0-9-]+$/);
  });
});

describe("every finding has its rule's catalogue severity", () => {
  const catalogue = new Map(ALL_RULES.map((r) => [r.id, r.severity]));
  const mismatches = (findings: Finding[]) => findings
    .filter((f) => catalogue.get(f.ruleId) !== f.severity)
    .map((f) => `${f.ruleId} ${f.severity} (catalogue: ${catalogue.get(f.ruleId) ?? 'no such rule'}): ${f.message}`);
  const planFindings = (plan: Plan) => [...plan.findings, ...plan.jobs.flatMap((j) => j.findings)];

  test("the seed's case, its plan and auto-peer's refusals (a failover repair declined: GNP-AUTOPEER-FAILOVER-NOT-OPENED, a warning)", () => {
    const m = seedCase().model;
    const remedy = planRemedy(m);
    expect(remedy.unfixable.map((f) => f.ruleId)).toContain(RULES.autoPeerFailoverNotOpened.id);
    expect(mismatches([...planFindings(buildPlan(m)), ...remedy.unfixable, ...planFindings(remedy.planAfter)])).toEqual([]);
  });

  const runs = propertyRuns('SEVERITIES', 200);
  const seed = propertySeed('SEVERITIES', 20261130);
  test(`random topologies (${runs} runs, seed ${seed}): the plan's findings and auto-peer's refusals`, () => {
    fc.assert(fc.property(fc.gen(), fc.boolean(), (g, failover) => {
      const m = buildTopology(drawTopology(g));
      const remedy = planRemedy(m, { failover });
      const wrong = mismatches([...planFindings(buildPlan(m, { failover })), ...remedy.unfixable]);
      if (wrong.length) throw new Error(wrong.join('\n'));
    }), { numRuns: runs, seed });
  });
});

import { multiJobPlan, seedPlan } from './report-fixtures';
import { Plan } from '../../src/engine';
import { toJson, writeJson } from '../../src/report';

function streamed(plan: Plan): { text: string; chunks: number } {
  const chunks: string[] = [];
  writeJson(plan, (chunk) => chunks.push(chunk));
  return { text: chunks.join(''), chunks: chunks.length };
}

describe('writeJson: the JSON plan a job at a time', () => {
  test.each([
    ['the seed, blocked', seedPlan(false)],
    ['the seed, peered', seedPlan(true)],
    ['several jobs over several stacks', multiJobPlan()],
  ])('%s: exactly JSON.stringify(toJson(plan))', (_, plan) => {
    const { text, chunks } = streamed(plan);
    expect(text).toBe(JSON.stringify(toJson(plan)));
    // One chunk per job between the head and the tail: never the whole plan at once.
    expect(chunks).toBe(plan.jobs.length + 2);
  });

  test('a plan without jobs', () => {
    const plan: Plan = { ...seedPlan(false), jobs: [] };
    expect(streamed(plan).text).toBe(JSON.stringify(toJson(plan)));
    expect(JSON.parse(streamed(plan).text).summary.jobs).toBe(0);
  });
});

import { multiJobPlan, seedPlan } from './report-fixtures';
import { DataStorePlan, JobPlan, Plan } from '../../src/engine';
import { toJson, writeJson } from '../../src/report';

function streamed(plan: Plan): { text: string; chunks: string[] } {
  const chunks: string[] = [];
  writeJson(plan, (chunk) => chunks.push(chunk));
  return { text: chunks.join(''), chunks };
}

/** How many jobs' candidate lists a chunk holds (only a job's object has one). */
function jobHeads(chunk: string): number {
  return chunk.split('"candidates":[').length - 1;
}

describe('writeJson: the JSON plan a job at a time', () => {
  test.each([
    ['the seed, blocked', seedPlan(false)],
    ['the seed, peered', seedPlan(true)],
    ['several jobs over several stacks', multiJobPlan()],
  ])('%s: exactly JSON.stringify(toJson(plan))', (_, plan) => {
    const { text, chunks } = streamed(plan);
    expect(text).toBe(JSON.stringify(toJson(plan)));
    // Never the whole plan at once: no chunk holds more than one job's text.
    expect(chunks.length).toBeGreaterThan(plan.jobs.length);
    expect(Math.max(...chunks.map(jobHeads))).toBe(1);
  });

  test('a path\'s long hops text is its own chunk, and the text around it stays exact', () => {
    const seed = seedPlan(false);
    const [job, ...rest] = seed.jobs;
    const [store, ...others] = job.dataStores;
    // A path of many hops, as a long trace across VPCs has.
    const path = { ...store.paths[0], hops: Array.from({ length: 20 }, () => store.paths[0].hops).flat() };
    const plan: Plan = { ...seed, jobs: [{ ...job, dataStores: [{ ...store, paths: [path, ...store.paths.slice(1)] }, ...others] }, ...rest] };
    const hops = JSON.stringify(path.hops);
    expect(hops.length).toBeGreaterThanOrEqual(1024);
    const { text, chunks } = streamed(plan);
    expect(chunks).toContain(hops);
    expect(text).toBe(JSON.stringify(toJson(plan)));
  });

  test('members JSON.stringify leaves out (undefined values) are left out, commas and all', () => {
    const seed = seedPlan(false);
    const [job, ...rest] = seed.jobs;
    const [store, ...others] = job.dataStores;
    const bare = { ...store, locatedBy: undefined, assumptions: undefined } as unknown as DataStorePlan;
    const failover = [{ azDown: undefined, selectedConnection: null, candidates: [], dataStores: [bare], allReachable: undefined }] as unknown as JobPlan['failover'];
    const plan: Plan = { ...seed, jobs: [{ ...job, dataStores: [bare, ...others], failover }, ...rest] };
    const { text } = streamed(plan);
    expect(text).toBe(JSON.stringify(toJson(plan)));
    expect(text).toContain('"failover":[{"selectedConnection":null,"dataStores":[');
  });

  test('findings and explanations with texts to escape, repeated from distinct objects, and members left out', () => {
    const seed = seedPlan(false);
    const job = seed.jobs.find((j) => j.findings.length > 0 && j.dataStores.some((s) => s.explanations.length > 0))!;
    const store = job.dataStores.find((s) => s.explanations.length > 0)!;
    const e = store.explanations[0];
    // The same texts in other objects (as the engine's repeated explanations and fixes are), with quotes, a line break and a lone surrogate.
    const odd = 'say "no"\n to \\ and \ud800';
    const explanations = [{ ...e, message: odd, fix: odd }, { ...e, message: odd, fix: odd, unknown: true }, { ...e, message: undefined } as unknown as typeof e];
    const f = job.findings[0];
    const findings = [{ ...f, message: odd, fix: odd }, { ...f, fix: odd, source: { stack: 'S', logicalId: 'L' } }, { ...f, source: { stack: 'S', logicalId: 'L', constructPath: 'S/L', file: odd } }, { ...f, fix: undefined } as unknown as typeof f];
    const plan: Plan = { ...seed, jobs: [{ ...job, findings, dataStores: [{ ...store, explanations }, ...job.dataStores] }, ...seed.jobs] };
    const { text } = streamed(plan);
    expect(text).toBe(JSON.stringify(toJson(plan)));
    expect(text).toContain('"constructPath":null,"file":null}');
  });

  test('a plan without jobs', () => {
    const plan: Plan = { ...seedPlan(false), jobs: [] };
    expect(streamed(plan).text).toBe(JSON.stringify(toJson(plan)));
    expect(JSON.parse(streamed(plan).text).summary.jobs).toBe(0);
  });
});

/*
 * writeJson writes each shared object's text once per plan (connections, paths, hops): the text
 * must still be that of every place the object appears, and never one of another plan.
 */
describe('writeJson: objects shared within a plan and between plans', () => {
  const blocked = () => seedPlan(false);

  /** The plan with its first job's stores also listed by two what-ifs, the same objects. */
  function withSharedStores(plan: Plan): Plan {
    const [job, ...rest] = plan.jobs;
    const stores = job.dataStores;
    const failover = ['us-east-1a', 'us-east-1b'].map((azDown) => ({ azDown, selectedConnection: job.selectedConnection, candidates: job.candidates, dataStores: stores, allReachable: false }));
    return { ...plan, jobs: [{ ...job, failover }, ...rest] };
  }

  test('a store object listed by the job and by two what-ifs', () => {
    const plan = withSharedStores(blocked());
    expect(plan.jobs[0].dataStores.length).toBeGreaterThan(0);
    expect(streamed(plan).text).toBe(JSON.stringify(toJson(plan)));
  });

  test('paths sharing one hops array with other verdicts, connections of one id with other names', () => {
    const plan = blocked();
    const job = plan.jobs[0];
    const store = job.dataStores[0];
    const copy: DataStorePlan = { ...store, connection: { ...store.connection, name: 'renamed' }, paths: store.paths.map((p) => ({ ...p, verdict: 'UNKNOWN' as const })) };
    const mixed: Plan = { ...plan, jobs: [{ ...job, dataStores: [store, copy, ...job.dataStores.slice(1)] }, ...plan.jobs.slice(1)] };
    expect(copy.paths[0].hops).toBe(store.paths[0].hops);
    expect(streamed(mixed).text).toBe(JSON.stringify(toJson(mixed)));
  });

  test('hop objects shared by hops arrays of other lengths and orders, and one explanation shared by two stores', () => {
    const plan = blocked();
    const job = plan.jobs.find((j) => j.dataStores.some((s) => s.explanations.length > 0))!;
    const store = job.dataStores.find((s) => s.explanations.length > 0)!;
    const hops = store.paths[0].hops;
    expect(hops.length).toBeGreaterThan(1);
    // The engine shares a hop between the traces that pass the same component the same way.
    const reordered = [...hops].reverse();
    const paths = [{ ...store.paths[0], hops: reordered }, { ...store.paths[0], hops: [hops[0]] }, { ...store.paths[0], hops: [] }];
    const other: DataStorePlan = { ...store, paths, explanations: [store.explanations[0], ...store.explanations] };
    const mixed: Plan = { ...plan, jobs: [{ ...job, dataStores: [store, other, ...job.dataStores] }, ...plan.jobs] };
    expect(streamed(mixed).text).toBe(JSON.stringify(toJson(mixed)));
  });

  test('the same job, store, path and connection objects in two jobs, one of them renamed', () => {
    const plan = blocked();
    const job = plan.jobs[0];
    const renamed: JobPlan = { ...job, id: `${job.id}2`, name: 'other', source: { ...job.source, logicalId: 'Other' } };
    const twice: Plan = { ...plan, jobs: [job, renamed, job] };
    expect(streamed(twice).text).toBe(JSON.stringify(toJson(twice)));
  });

  test('a path with its name resolution, shared by two stores, one of them a path without it over the same hops', () => {
    const plan = blocked();
    const job = plan.jobs[0];
    const store = job.dataStores[0];
    const resolved = { ...store.paths[0], nameResolution: { resolvesTo: 'public' as const, eniVpc: 'vpc-a', storeVpc: 'vpc-b', peeringId: 'pcx-1', optionSide: 'accepter' as const, why: 'the accepter side resolves to public addresses' } };
    const withResolution: DataStorePlan = { ...store, paths: [resolved, ...store.paths] };
    const mixed: Plan = { ...plan, jobs: [{ ...job, dataStores: [withResolution, withResolution, ...job.dataStores] }, ...plan.jobs.slice(1)] };
    const text = streamed(mixed).text;
    expect(text).toBe(JSON.stringify(toJson(mixed)));
    expect(text).toContain('"nameResolution":{"resolvesTo":"public"');
  });

  test('two plans one after the other: the second\'s connection, path and store texts are its own', () => {
    const first = withSharedStores(blocked());
    const firstText = streamed(first).text;
    // The second plan keeps the first's hops but has other connection, path and store objects
    // with other contents (a connection renamed, a path's verdict changed, a store's port).
    const job = first.jobs[0];
    const store = job.dataStores[0];
    const connection = { ...store.connection, name: 'renamed-connection', subnet: 'subnet-other' };
    const paths = store.paths.map((p) => ({ ...p, verdict: 'UNKNOWN' as const }));
    const changed: DataStorePlan = { ...store, connection, paths, port: 1234 };
    const failover = job.failover.map((f) => ({ ...f, dataStores: [changed, ...f.dataStores.slice(1)] }));
    const second: Plan = { ...first, jobs: [{ ...job, dataStores: [changed, ...job.dataStores.slice(1)], failover }, ...first.jobs.slice(1)] };
    const secondText = streamed(second).text;
    expect(secondText).toBe(JSON.stringify(toJson(second)));
    expect(secondText).not.toBe(firstText);
    expect(secondText).toContain('"name":"renamed-connection"');
    // And the first plan again, after the second: its own texts still.
    expect(streamed(first).text).toBe(firstText);
  });
});

/**
 * The auto-peer remedy on the random topologies of the engine-vs-oracle test:
 * - what it adds is least privilege: one TCP port per rule, never 0.0.0.0/0, routes to subnet CIDRs;
 * - a second pass over the repaired model adds nothing (idempotence);
 * - when it reports nothing unfixable, every path of the store is REACHABLE afterwards, and the
 *   independent per-packet oracle agrees on the repaired model;
 * - it never makes a REACHABLE path worse: every path REACHABLE before is REACHABLE after.
 *
 * The default run uses a fixed seed (test/property/seeds.ts); `npm run fuzz` draws random ones.
 */
import * as fc from 'fast-check';
import { logRun } from './log-run';
import { oraclePath } from './oracle';
import { propertyRuns, propertySeed } from './seeds';
import { buildTopology, drawTopology, prng } from './topology-gen';
import { buildPlan, planRemedy } from '../../src/engine';

const NUM_RUNS = propertyRuns('REMEDY', 1000);
const SEED = propertySeed('REMEDY', 20261130);

type Tally = { repaired: number; unfixable: number; untouched: number };

/** The properties, on one random topology. */
function checkRemedy(g: fc.GeneratorValue, tally: Tally): void {
  const spec = drawTopology(g);
  const model = buildTopology(spec);
  const remedy = planRemedy(model, { failover: false });

  for (const rule of remedy.rules) {
    if (rule.peerCidr === '0.0.0.0/0') throw new Error(`rule open to the world: ${JSON.stringify(rule)}`);
    if (!Number.isInteger(rule.port) || rule.port !== spec.store.port) throw new Error(`rule for port ${rule.port}, store listens on ${spec.store.port}`);
  }
  const subnetCidrs = new Set(spec.subnets.map((s) => s.cidr));
  for (const p of remedy.peerings) {
    for (const r of [...p.requesterRoutes, ...p.accepterRoutes]) {
      if (!subnetCidrs.has(r.destination)) throw new Error(`route to ${r.destination}, not a subnet CIDR`);
    }
  }

  const second = planRemedy(remedy.modelAfter, { failover: false });
  if (second.peerings.length || second.rules.length) {
    throw new Error(`second pass adds ${JSON.stringify({ peerings: second.peerings, rules: second.rules })}`);
  }

  const store = remedy.planAfter.jobs[0].dataStores.find((s) => s.connection.id === 'storeConn');
  if (!store) throw new Error('no store plan');
  const storeBefore = buildPlan(model, { failover: false }).jobs[0].dataStores.find((s) => s.connection.id === 'storeConn');
  for (const path of storeBefore?.paths ?? []) {
    const after = store.paths.find((p) => p.destinationSubnet === path.destinationSubnet);
    if (path.verdict === 'REACHABLE' && after?.verdict !== 'REACHABLE') {
      throw new Error(`${path.sourceSubnet} -> ${path.destinationSubnet} was REACHABLE, is ${after?.verdict} after the remedy: ${JSON.stringify(after?.explanations.map((e) => e.message))}`);
    }
  }
  if (remedy.peerings.length === 0 && remedy.rules.length === 0 && remedy.unfixable.length === 0) tally.untouched++;
  if (remedy.unfixable.length) {
    tally.unfixable++;
    return;
  }
  if (remedy.peerings.length || remedy.rules.length) tally.repaired++;
  for (const path of store.paths) {
    if (path.verdict === 'UNREACHABLE') throw new Error(`still UNREACHABLE with nothing reported unfixable: ${path.destinationSubnet} ${JSON.stringify(path.explanations.map((e) => e.code))}`);
    if (path.verdict !== 'REACHABLE') continue;
    const oracle = oraclePath(remedy.modelAfter, { subnetId: spec.eni.subnet, groupIds: spec.eni.groups },
      { subnetId: path.destinationSubnet, groupIds: spec.store.groups, port: spec.store.port }, prng(spec.seed));
    if (oracle.verdict !== 'REACHABLE') throw new Error(`engine says REACHABLE after the remedy, the oracle says ${oracle.verdict}: ${JSON.stringify(oracle.witness)}`);
  }
}

test(`auto-peer remedy: least privilege, idempotent, and it repairs what it claims to, oracle-checked (${NUM_RUNS} runs, seed ${SEED})`, () => {
  const started = Date.now();
  const tally: Tally = { repaired: 0, unfixable: 0, untouched: 0 };
  fc.assert(fc.property(fc.gen(), (g) => checkRemedy(g, tally)), { numRuns: NUM_RUNS, seed: SEED });
  logRun(`remedy property: ${NUM_RUNS} runs in ${Date.now() - started} ms, ${JSON.stringify(tally)}`);
  expect(tally.repaired).toBeGreaterThan(0);
});

/**
 * Seeds that failed before, replayed at the run that failed (fast-check's `path`). Both drew
 * VPCs with overlapping CIDR blocks: a store with a subnet in each of two overlapping VPCs, the
 * Glue subnet's table routing the shared block to one of them through an existing peering. The
 * remedy peered the other VPC and routed its subnet there, inside the wider route: the first
 * VPC's subnet went REACHABLE to UNREACHABLE and a second pass added a route back. The remedy
 * now refuses a route that overlaps one to another target (GNP-AUTOPEER-UNFIXABLE).
 */
describe('regressions', () => {
  test.each([
    { seed: -378612949, path: '703', note: 'failed at the default run count (1,000) in CI' },
    { seed: 7, path: '4279', note: 'failed at 10,000 runs' },
  ])('seed $seed, run $path ($note)', ({ seed, path }) => {
    const tally: Tally = { repaired: 0, unfixable: 0, untouched: 0 };
    fc.assert(fc.property(fc.gen(), (g) => checkRemedy(g, tally)), { seed, path, numRuns: 1, endOnFailure: true });
    expect(tally.repaired + tally.unfixable + tally.untouched).toBe(1);
  });
});

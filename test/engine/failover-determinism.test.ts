/**
 * Spec §2.5 (failover): if an AZ fails, Glue skips connections in it and the next run selects the
 * next suitable connection; every connection selectable under a single-AZ failure should reach
 * every store, and a failure that leaves nothing suitable is reported. Plus determinism: the same
 * model always gives the same plan.
 */
import { model, seedCase } from './builders';
import { buildPlan, Plan } from '../../src/engine';

const allFindings = (plan: Plan) => [...plan.findings, ...plan.jobs.flatMap((j) => j.findings)];

function oneVpc() {
  return model().vpc('v', '10.0.0.0/16')
    .subnet('s1', 'v', '10.0.1.0/24', 'us-east-1a')
    .subnet('s2', 'v', '10.0.2.0/24', 'us-east-1b')
    .sg('sg', 'v')
    .connection('c1', 's1', ['sg'], { type: 'NETWORK' })
    .connection('c2', 's2', ['sg'], { type: 'NETWORK' })
    .connection('db', 's1', ['sg'], { url: 'jdbc:mysql://db.example:3306/app' }).declareStore('db');
}

describe('failover: no suitable connection after an AZ failure', () => {
  test('every connection in us-east-1a: GNP-FAILOVER-NO-CONNECTION (warning) naming the AZ; scenario selects nothing', () => {
    const plan = buildPlan(oneVpc().job('j', ['c1', 'db']).model);
    const job = plan.jobs[0];
    expect(job.selectedConnection?.name).toBe('c1');
    expect(job.failover.map((f) => f.azDown)).toEqual(['us-east-1a']);
    expect(job.failover[0]).toMatchObject({ selectedConnection: null, allReachable: false });
    const f = job.findings.find((x) => x.ruleId === 'GNP-FAILOVER-NO-CONNECTION');
    expect(f).toMatchObject({ severity: 'warning', jobId: 'j' });
    expect(f?.message).toContain('us-east-1a');
    expect(f?.fix).toMatch(/another AZ/);
  });

  test('a second connection in another AZ that reaches the store: no failover finding, allReachable true', () => {
    const plan = buildPlan(oneVpc().job('j', ['c1', 'c2', 'db']).model);
    const job = plan.jobs[0];
    const a = job.failover.find((f) => f.azDown === 'us-east-1a')!;
    expect(a.selectedConnection?.name).toBe('c2');
    expect(a.allReachable).toBe(true);
    expect(job.findings.map((x) => x.ruleId).filter((id) => id.startsWith('GNP-FAILOVER'))).toEqual([]);
  });

  test('failover: false evaluates no what-ifs', () => {
    const plan = buildPlan(oneVpc().job('j', ['c1', 'db']).model, { failover: false });
    expect(plan.jobs[0].failover).toEqual([]);
    expect(allFindings(plan).map((f) => f.ruleId)).not.toContain('GNP-FAILOVER-NO-CONNECTION');
  });
});

describe('determinism', () => {
  test('the same model built twice gives deep-equal plans (and the same JSON, key order included)', () => {
    const a = buildPlan(seedCase({ peered: true }).model);
    const b = buildPlan(seedCase({ peered: true }).model);
    expect(b).toEqual(a);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  test('planning does not mutate the model: the same model object planned twice gives the same plan', () => {
    const m = seedCase().model;
    const before = JSON.stringify([...m.routeTables.values(), ...m.securityGroups.values(), ...m.connections.values()]);
    const a = buildPlan(m, { azDown: ['us-east-1b'] });
    const b = buildPlan(m, { azDown: ['us-east-1b'] });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify([...m.routeTables.values(), ...m.securityGroups.values(), ...m.connections.values()])).toBe(before);
  });
});

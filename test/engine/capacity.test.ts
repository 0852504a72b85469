/**
 * Spec §3 (IP demand): one ENI per worker plus 1 (Standard) or 2 (G.1X and larger); times
 * MaxConcurrentRuns, summed over every job that can select the subnet. Capacity: 2^(32-prefix) - 5.
 * Glue checks only that the subnet has a free address (seed): a subnet with some free addresses
 * but fewer than one run needs is still selected and every run fails there, the next connection
 * unused (GNP-SUBNET-TOO-SMALL, error); only a subnet with none free is skipped. Concurrent-run
 * pressure is a warning (GNP-SUBNET-IP-PRESSURE).
 */
import { model } from './builders';
import { buildPlan, Plan } from '../../src/engine';

const allFindings = (plan: Plan) => [...plan.findings, ...plan.jobs.flatMap((j) => j.findings)];
const ruleIds = (plan: Plan) => allFindings(plan).map((f) => f.ruleId);

function oneSubnet(cidrText: string) {
  return model().vpc('v', '10.0.0.0/16')
    .subnet('s', 'v', cidrText, 'us-east-1a')
    .subnet('big', 'v', '10.0.128.0/20', 'us-east-1b')
    .sg('sg', 'v')
    .connection('small', 's', ['sg'], { type: 'NETWORK' })
    .connection('large', 'big', ['sg'], { type: 'NETWORK' });
}

describe('subnet too small for one run', () => {
  test('a /28 (11 free) with 20 G.1X workers (22 ENIs) listed first: Glue selects it, runs fail there, the next connection is not used', () => {
    const plan = buildPlan(oneSubnet('10.0.1.0/28').job('j', ['small', 'large'], { workers: 20 }).model, { failover: false });
    const [first, second] = plan.jobs[0].candidates;
    expect(first.status).toBe('selected');
    expect(first.reasons.map((r) => r.code)).toContain('IP_CAPACITY');
    expect(first.reasons.find((r) => r.code === 'IP_CAPACITY')?.message).toMatch(/11 free addresses, one run needs 22 ENIs/);
    expect(second.status).toBe('not-considered');
    expect(plan.jobs[0].selectedConnection?.name).toBe('small');
    const f = allFindings(plan).find((x) => x.ruleId === 'GNP-SUBNET-TOO-SMALL');
    expect(f).toMatchObject({ severity: 'error', source: { logicalId: 's' }, jobId: 'j' });
    expect(f?.message).toMatch(/20 G\.1X workers \+ 2 \[observed/);
    expect(f?.message).toMatch(/does not fall back to the next connection/);
    expect(f?.fix).toMatch(/larger subnet \(at least \/27\)/);
  });

  test('the same /28 with 9 G.1X workers (11 ENIs) fits: selected, no finding', () => {
    const plan = buildPlan(oneSubnet('10.0.1.0/28').job('j', ['small', 'large'], { workers: 9 }).model, { failover: false });
    expect(plan.jobs[0].selectedConnection?.name).toBe('small');
    expect(ruleIds(plan)).not.toContain('GNP-SUBNET-TOO-SMALL');
  });

  test('Standard workers need one driver-side ENI, not two: 10 Standard workers (11 ENIs) fit a /28', () => {
    const plan = buildPlan(oneSubnet('10.0.1.0/28').job('j', ['small'], { workers: 10, workerType: 'Standard' }).model, { failover: false });
    expect(plan.jobs[0].selectedConnection?.name).toBe('small');
    expect(ruleIds(plan)).not.toContain('GNP-SUBNET-TOO-SMALL');
  });

  test('addresses known to be used count against the free addresses: 6 free of 11, one run needs 11: selected, runs fail (error)', () => {
    const m = model().vpc('v', '10.0.0.0/16').subnet('s', 'v', '10.0.1.0/28', 'us-east-1a', { usedAddresses: 5 }).sg('sg', 'v')
      .connection('small', 's', ['sg'], { type: 'NETWORK' }).job('j', ['small'], { workers: 9 });
    const plan = buildPlan(m.model, { failover: false });
    expect(plan.jobs[0].selectedConnection?.name).toBe('small');
    const f = allFindings(plan).find((x) => x.ruleId === 'GNP-SUBNET-TOO-SMALL');
    expect(f).toMatchObject({ severity: 'error', source: { logicalId: 's' } });
    expect(f?.message).toMatch(/6 free addresses \(11 usable, 5 known used\)/);
  });

  test('no free address at all: skipped, the next connection is selected, no GNP-SUBNET-TOO-SMALL', () => {
    const m = model().vpc('v', '10.0.0.0/16').subnet('s', 'v', '10.0.1.0/28', 'us-east-1a', { usedAddresses: 11 })
      .subnet('big', 'v', '10.0.128.0/20', 'us-east-1b').sg('sg', 'v')
      .connection('small', 's', ['sg'], { type: 'NETWORK' }).connection('large', 'big', ['sg'], { type: 'NETWORK' })
      .job('j', ['small', 'large'], { workers: 9 });
    const plan = buildPlan(m.model, { failover: false });
    expect(plan.jobs[0].candidates[0]).toMatchObject({ status: 'skipped', reasons: [{ code: 'NO_FREE_ADDRESSES' }] });
    expect(plan.jobs[0].selectedConnection?.name).toBe('large');
    expect(ruleIds(plan)).not.toContain('GNP-SUBNET-TOO-SMALL');
  });

  test("the store's verdict from a subnet where runs fail: UNREACHABLE, RUN_FAILS_AT_ENI_CREATION first", () => {
    const m = oneSubnet('10.0.1.0/28').connection('db', 'big', ['sg'], { url: 'jdbc:mysql://10.0.128.10:3306/app' })
      .job('j', ['small', 'db'], { workers: 20 });
    const store = buildPlan(m.model, { failover: false }).jobs[0].dataStores[0];
    expect(store.verdict).toBe('UNREACHABLE');
    expect(store.paths.map((p) => p.verdict)).toEqual(['REACHABLE']);
    expect(store.explanations[0]).toMatchObject({ code: 'RUN_FAILS_AT_ENI_CREATION', component: 'small' });
  });
});

describe('concurrent-run pressure', () => {
  test('a /24 (251 usable), 50 G.1X workers x 5 concurrent runs = 260 ENIs: GNP-SUBNET-IP-PRESSURE warning, still selected', () => {
    const plan = buildPlan(oneSubnet('10.0.1.0/24').job('j', ['small'], { workers: 50, maxConcurrentRuns: 5 }).model, { failover: false });
    expect(plan.jobs[0].selectedConnection?.name).toBe('small');
    const f = allFindings(plan).find((x) => x.ruleId === 'GNP-SUBNET-IP-PRESSURE');
    expect(f).toMatchObject({ severity: 'warning', source: { logicalId: 's' } });
    expect(f?.message).toMatch(/251 usable addresses/);
    expect(f?.message).toMatch(/260 ENIs/);
    expect(ruleIds(plan)).not.toContain('GNP-SUBNET-TOO-SMALL');
  });

  test('summed over every job that can select the subnet: each alone fits, together they do not', () => {
    const alone = buildPlan(oneSubnet('10.0.1.0/24').job('j1', ['small'], { workers: 50, maxConcurrentRuns: 3 }).model, { failover: false });
    expect(ruleIds(alone)).not.toContain('GNP-SUBNET-IP-PRESSURE');
    const both = buildPlan(oneSubnet('10.0.1.0/24')
      .job('j1', ['small'], { workers: 50, maxConcurrentRuns: 3 })
      .job('j2', ['small'], { workers: 50, maxConcurrentRuns: 3 }).model, { failover: false });
    const f = allFindings(both).filter((x) => x.ruleId === 'GNP-SUBNET-IP-PRESSURE');
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/312 ENIs/);
    expect(f[0].message).toMatch(/j1: 156, j2: 156/);
  });
});

/**
 * Glue's suitability checks, judged once for connections alike (issue 18): the jobs of an app list
 * many connections in one subnet with one zone and the same groups; each gets the verdict judged
 * for the first, as its own candidate. The key is everything a verdict reads: the subnet, the
 * zone, the groups, the ENIs a run needs, whether the subnet's zone is failed.
 */
import { model } from './builders';
import { buildPlan, Candidate, Plan } from '../../src/engine';

/** VPC v: a small subnet small (/28: 11 usable addresses) in us-east-1a, groups sgA, sgB of v and sgW of w. */
function vpc() {
  return model().vpc('v', '10.1.0.0/16').vpc('w', '10.2.0.0/16')
    .subnet('small', 'v', '10.1.1.0/28', 'us-east-1a')
    .subnet('other', 'v', '10.1.2.0/24', 'us-east-1b')
    .sg('sgA', 'v').sg('sgB', 'v').sg('sgW', 'w');
}

const candidate = (plan: Plan, jobId: string): Candidate => plan.jobs.find((j) => j.id === jobId)!.candidates[0];
const codes = (c: Candidate) => c.reasons.map((r) => r.code);

describe('a verdict shared by the connections alike', () => {
  test('two connections in one subnet with one zone and groups: one verdict, each its own candidate', () => {
    const m = vpc().connection('c1', 'small', ['sgA']).connection('c2', 'small', ['sgA']).job('j1', ['c1']).job('j2', ['c2']);
    const plan = buildPlan(m.model, { failover: false });
    const [a, b] = [candidate(plan, 'j1'), candidate(plan, 'j2')];
    expect([a.connection.id, b.connection.id]).toEqual(['c1', 'c2']);
    expect([a.status, b.status]).toEqual(['selected', 'selected']);
    expect(b.reasons).toBe(a.reasons);
  });

  test('other groups: a group of another VPC makes its own verdict (runs fail there)', () => {
    const m = vpc().connection('c1', 'small', ['sgA']).connection('c2', 'small', ['sgW']).connection('c3', 'small', ['sgA', 'sgW'])
      .job('j1', ['c1']).job('j2', ['c2']).job('j3', ['c3']);
    const plan = buildPlan(m.model, { failover: false });
    expect(codes(candidate(plan, 'j1'))).not.toContain('SG_OTHER_VPC');
    expect(codes(candidate(plan, 'j2'))).toContain('SG_OTHER_VPC');
    expect(codes(candidate(plan, 'j3'))).toContain('SG_OTHER_VPC');
  });

  test('another zone given: the mismatching connection is skipped', () => {
    const m = vpc().connection('c1', 'small', ['sgA'], { az: 'us-east-1a' }).connection('c2', 'small', ['sgA'], { az: 'us-east-1b' })
      .connection('c3', 'small', ['sgA']).job('j1', ['c1']).job('j2', ['c2']).job('j3', ['c3']);
    const plan = buildPlan(m.model, { failover: false });
    expect([candidate(plan, 'j1').status, candidate(plan, 'j2').status, candidate(plan, 'j3').status]).toEqual(['selected', 'skipped', 'selected']);
    expect(codes(candidate(plan, 'j2'))).toContain('AZ_MISMATCH');
  });

  test('another subnet: its own verdict', () => {
    const m = vpc().connection('c1', 'small', ['sgA']).connection('c2', 'other', ['sgA']).job('j1', ['c1'], { workers: 20 }).job('j2', ['c2'], { workers: 20 });
    const plan = buildPlan(m.model, { failover: false });
    expect(codes(candidate(plan, 'j1'))).toContain('IP_CAPACITY');
    expect(codes(candidate(plan, 'j2'))).not.toContain('IP_CAPACITY');
  });

  test('another demand of ENIs: its own verdict (a run that does not fit)', () => {
    const m = vpc().connection('c1', 'small', ['sgA']).connection('c2', 'small', ['sgA'])
      .job('j1', ['c1'], { workers: 2 }).job('j2', ['c2'], { workers: 20 });
    const plan = buildPlan(m.model, { failover: false });
    expect(codes(candidate(plan, 'j1'))).not.toContain('IP_CAPACITY');
    expect(codes(candidate(plan, 'j2'))).toContain('IP_CAPACITY');
  });

  test('the zone failed in a what-if: skipped there, selected in the main plan', () => {
    const m = vpc().connection('c1', 'small', ['sgA']).connection('c2', 'small', ['sgA']).connection('c3', 'other', ['sgA'])
      .job('j1', ['c1', 'c3']).job('j2', ['c2', 'c3']);
    const plan = buildPlan(m.model);
    for (const id of ['j1', 'j2']) {
      const job = plan.jobs.find((j) => j.id === id)!;
      expect(job.candidates[0].status).toBe('selected');
      const down = job.failover.find((f) => f.azDown === 'us-east-1a')!;
      expect(down.candidates[0].status).toBe('skipped');
      expect(down.candidates[0].connection.id).toBe(id === 'j1' ? 'c1' : 'c2');
      expect(down.selectedConnection?.id).toBe('c3');
    }
  });
});

describe('the key of a shared verdict: every part it reads', () => {
  /** Subnet s1's zone is the first of `Fn::GetAZs` (its name unknown), as an environment-agnostic stack's. */
  function symbolicSubnet() {
    const b = model().vpc('v', '10.0.0.0/16').subnet('s1', 'v', '10.0.1.0/24', 'x').subnet('s2', 'v', '10.0.2.0/24', 'us-east-1b').sg('sg', 'v');
    const subnet = b.model.subnets.get('s1')!;
    b.model.subnets.set('s1', { ...subnet, availabilityZone: { known: false, reason: 'Fn::GetAZs: known only at deploy time' }, symbolicZone: { symbol: 'current-region-az1', list: 'current-region', index: 0 } });
    return b;
  }

  test('zones from other Fn::GetAZs indexes in one subnet: the same index matches, another is a mismatch', () => {
    const b = symbolicSubnet().connection('c1', 's1', ['sg']).connection('c2', 's1', ['sg']).connection('c3', 's2', ['sg'])
      .job('j1', ['c1', 'c3']).job('j2', ['c2', 'c3']);
    const zone = (index: number) => ({ availabilityZone: { known: false as const, reason: 'Fn::GetAZs' }, symbolicZone: { symbol: `current-region-az${index + 1}`, list: 'current-region', index } });
    b.model.connections.set('c1', { ...b.model.connections.get('c1')!, ...zone(0) });
    b.model.connections.set('c2', { ...b.model.connections.get('c2')!, ...zone(1) });
    const plan = buildPlan(b.model, { failover: false });
    expect(plan.jobs.map((j) => j.selectedConnection?.id)).toEqual(['c1', 'c3']);
    expect(codes(candidate(plan, 'j2'))).toContain('AZ_MISMATCH');
  });

  test('a zone given by name and the same text unknown: each its own verdict', () => {
    const b = vpc().connection('c1', 'small', ['sgA'], { az: 'us-east-1b' }).connection('c2', 'small', ['sgA']).job('j1', ['c1']).job('j2', ['c2']);
    b.model.connections.set('c2', { ...b.model.connections.get('c2')!, availabilityZone: { known: false, reason: 'us-east-1b' } });
    const plan = buildPlan(b.model, { failover: false });
    expect(codes(candidate(plan, 'j1'))).toContain('AZ_MISMATCH');
    expect(codes(candidate(plan, 'j2'))).not.toContain('AZ_MISMATCH');
  });

  test('one group more, after the same groups: its own verdict', () => {
    const m = vpc().connection('c1', 'small', ['sgA']).connection('c2', 'small', ['sgA', 'sgW']).job('j1', ['c1']).job('j2', ['c2']);
    const plan = buildPlan(m.model, { failover: false });
    expect(codes(candidate(plan, 'j1'))).not.toContain('SG_OTHER_VPC');
    expect(codes(candidate(plan, 'j2'))).toContain('SG_OTHER_VPC');
  });
});

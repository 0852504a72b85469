import { seedCase } from './builders';
import { buildPlan } from '../../src/engine';

describe("the seed's case: Redshift (VPC A), MySQL (VPC B), PostgreSQL (VPC C)", () => {
  test('unpeered: selects the first suitable connection, the two other stores are UNREACHABLE with DISCONNECTED_VPCS', () => {
    const plan = buildPlan(seedCase().model);
    const job = plan.jobs[0];
    expect(job.selectedConnection?.name).toBe('redshift');
    expect(job.candidates.map((c) => c.status)).toEqual(['selected', 'not-considered', 'not-considered']);
    expect(job.dataStores.map((s) => [s.connection.name, s.verdict])).toEqual([
      ['redshift', 'REACHABLE'], ['mysql', 'UNREACHABLE'], ['postgres', 'UNREACHABLE'],
    ]);
    const mysql = job.dataStores[1];
    expect(mysql.explanations.map((e) => e.code)).toContain('DISCONNECTED_VPCS');
    expect(job.findings.filter((f) => f.ruleId === 'GNP-STORE-UNREACHABLE')).toHaveLength(2);
  });

  test('peered with routes on both sides and admitting groups: all REACHABLE, no error', () => {
    const plan = buildPlan(seedCase({ peered: true }).model, { failover: false });
    const job = plan.jobs[0];
    expect(job.dataStores.map((s) => s.verdict)).toEqual(['REACHABLE', 'REACHABLE', 'REACHABLE']);
    expect([...job.findings, ...plan.findings].filter((f) => f.severity === 'error')).toEqual([]);
  });

  test('failure of the first AZ moves the selection to the MySQL connection, from where Redshift is unreachable', () => {
    const plan = buildPlan(seedCase({ peered: true }).model);
    const job = plan.jobs[0];
    const a = job.failover.find((f) => f.azDown === 'us-east-1a')!;
    expect(a.selectedConnection?.name).toBe('mysql');
    expect(a.allReachable).toBe(false);
    expect(job.findings.map((f) => f.ruleId)).toContain('GNP-FAILOVER-UNREACHABLE');
    const b = job.failover.find((f) => f.azDown === 'us-east-1b')!;
    expect(b.selectedConnection?.name).toBe('redshift');
    expect(b.allReachable).toBe(true);
  });

  test('--az-down overrides the main selection', () => {
    const plan = buildPlan(seedCase().model, { azDown: ['us-east-1a'] });
    expect(plan.jobs[0].selectedConnection?.name).toBe('mysql');
    expect(plan.jobs[0].candidates[0]).toMatchObject({ status: 'skipped', reasons: [{ code: 'AZ_UNHEALTHY' }] });
  });
});

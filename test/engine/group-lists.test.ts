/**
 * What a security-group check reads of a list of groups (names, which are described, openings),
 * worked out once per list of ids (issue 18): stores declared apart with the same groups share it;
 * a list with one more group, or other groups, is read on its own.
 */
import { model, sgRule } from './builders';
import { buildPlan, DataStorePlan, Plan } from '../../src/engine';

const storeOf = (plan: Plan, jobId: string): DataStorePlan => plan.jobs.find((j) => j.id === jobId)!.dataStores[0];
const ingressHop = (s: DataStorePlan) => s.paths[0].hops.filter((h) => h.kind === 'security-group')[1];

/** One VPC: Glue subnet g, store subnet db; sgGlue on the Glue side, sgClosed admits nothing, sgOpen admits the Glue subnet. */
function oneVpc() {
  return model().vpc('v', '10.1.0.0/16')
    .subnet('g', 'v', '10.1.1.0/24', 'us-east-1a')
    .subnet('db', 'v', '10.1.9.0/24', 'us-east-1b')
    .sg('sgGlue', 'v')
    .sg('sgClosed', 'v')
    .sg('sgOpen', 'v', { ingress: [sgRule({ cidr: '10.1.1.0/24', from: 5432 })] });
}

function storeJob(m: ReturnType<typeof oneVpc>, id: string, groups: string[]) {
  return m.connection(id, 'g', ['sgGlue'], { url: `jdbc:postgresql://${id}.example:5432/app` })
    .declareStore(id, { subnets: ['db'], groups: [...groups], port: 5432 })
    .job(`job-${id}`, [id]);
}

describe('a list of groups, read once per list of ids', () => {
  test('the same groups declared apart: one reading, the same answer', () => {
    const m = oneVpc();
    storeJob(m, 'a', ['sgClosed', 'sgOpen']);
    storeJob(m, 'b', ['sgClosed', 'sgOpen']);
    const plan = buildPlan(m.model, { failover: false });
    expect([storeOf(plan, 'job-a').verdict, storeOf(plan, 'job-b').verdict]).toEqual(['REACHABLE', 'REACHABLE']);
    expect(ingressHop(storeOf(plan, 'job-b')).component).toBe('sgClosed, sgOpen');
  });

  test('a list that is the start of another, and the longer one: each read on its own', () => {
    const m = oneVpc();
    storeJob(m, 'long', ['sgClosed', 'sgOpen']);
    storeJob(m, 'short', ['sgClosed']);
    storeJob(m, 'long2', ['sgClosed', 'sgOpen']);
    storeJob(m, 'other', ['sgOpen']);
    const plan = buildPlan(m.model, { failover: false });
    expect(['job-long', 'job-short', 'job-long2', 'job-other'].map((j) => storeOf(plan, j).verdict)).toEqual(['REACHABLE', 'UNREACHABLE', 'REACHABLE', 'REACHABLE']);
    expect(ingressHop(storeOf(plan, 'job-short')).component).toBe('sgClosed');
    expect(ingressHop(storeOf(plan, 'job-other')).component).toBe('sgOpen');
  });

  test('a model planned again after a group was described: the new plan reads it', () => {
    const m = oneVpc();
    storeJob(m, 'a', ['sgClosed', 'sgLater']);
    const before = storeOf(buildPlan(m.model, { failover: false }), 'job-a');
    expect(before.verdict).not.toBe('REACHABLE');
    m.sg('sgLater', 'v', { ingress: [sgRule({ cidr: '10.1.1.0/24', from: 5432 })] });
    expect(storeOf(buildPlan(m.model, { failover: false }), 'job-a').verdict).toBe('REACHABLE');
  });
});

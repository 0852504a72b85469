/**
 * A route table's routes, read once per plan for every trace leaving its subnets (issue 18): the
 * memo is the plan's own, so a model planned again after a route was added gets the new route,
 * and the routes of one table are never another's.
 */
import { model, sgRule } from './builders';
import { buildPlan, DataStorePlan, Plan } from '../../src/engine';

const store = (plan: Plan, job: string): DataStorePlan => plan.jobs.find((j) => j.id === job)!.dataStores.find((s) => s.connection.name === 'mysql')!;
const forwardRoute = (s: DataStorePlan) => s.paths[0].hops.find((h) => h.kind === 'route-table' && h.direction === 'forward');

/** Glue in VPC A (subA), MySQL in VPC B (subB) admitting the Glue subnet, peered; the return route only. */
function pair() {
  return model()
    .vpc('vpcA', '10.1.0.0/16').vpc('vpcB', '10.2.0.0/16')
    .subnet('subA', 'vpcA', '10.1.1.0/24', 'us-east-1a')
    .subnet('subB', 'vpcB', '10.2.1.0/24', 'us-east-1b')
    .sg('sgA', 'vpcA')
    .sg('sgB', 'vpcB', { ingress: [sgRule({ cidr: '10.1.1.0/24', from: 3306 })] })
    .connection('glue', 'subA', ['sgA'], { type: 'NETWORK' })
    .connection('mysql', 'subB', ['sgB'], { url: 'jdbc:mysql://mysql.example:3306/app' }).declareStore('mysql')
    .job('etl', ['glue', 'mysql'])
    .peering('pcx', 'vpcA', 'vpcB').route('subB-rt', '10.1.0.0/16', 'vpc-peering', 'pcx');
}

describe("a table's routes, read once per plan", () => {
  test('the same model planned again after a route is added to the table: the new plan routes through it', () => {
    const m = pair();
    const before = store(buildPlan(m.model, { failover: false }), 'etl');
    expect(before.verdict).toBe('UNREACHABLE');
    expect(forwardRoute(before)?.verdict).toBe('UNREACHABLE');
    m.route('subA-rt', '10.2.0.0/16', 'vpc-peering', 'pcx');
    const after = store(buildPlan(m.model, { failover: false }), 'etl');
    expect(forwardRoute(after)?.verdict).toBe('REACHABLE');
    expect(after.verdict).toBe('REACHABLE');
  });

  test('two Glue subnets with their own tables in one plan: each path routed by its own table', () => {
    const m = pair().subnet('subA2', 'vpcA', '10.1.2.0/24', 'us-east-1a')
      .connection('glue2', 'subA2', ['sgA'], { type: 'NETWORK' }).job('etl2', ['glue2', 'mysql'])
      .route('subA-rt', '10.2.0.0/16', 'vpc-peering', 'pcx');
    const plan = buildPlan(m.model, { failover: false });
    expect(forwardRoute(store(plan, 'etl'))?.verdict).toBe('REACHABLE');
    expect(forwardRoute(store(plan, 'etl2'))?.verdict).toBe('UNREACHABLE');
  });
});

/**
 * RouteRepair reuses what it planned for a subnet pair once that cannot change (issue 18): the
 * traces are shared by many jobs and failover what-ifs. Reused or not, auto-peer must plan what it
 * would plan path by path: each job and store registered on its peering, the quota counted over
 * every planned peering, and a refusal beside a route it did not add decided again.
 */
import { model } from './builders';
import { buildPlan } from '../../src/engine';
import { DataStorePlan, PathTrace } from '../../src/engine/plan';
import { PEERINGS_PER_VPC_QUOTA, RouteOutcome, routeFixText, RouteRepair } from '../../src/engine/route-repair';
import { Topology } from '../../src/engine/topology';
import { NetworkModel, SourceRef } from '../../src/model';

/** A path from `from` to `to` that routing blocks. */
function blocked(from: string, to: string): PathTrace {
  return {
    sourceSubnet: from,
    destinationSubnet: to,
    verdict: 'UNREACHABLE',
    hops: [{ kind: 'route-table', direction: 'forward', component: `${from}-rt`, verdict: 'UNREACHABLE', detail: 'no route' }],
    explanations: [],
  };
}

const jobSource = (id: string): SourceRef => ({ stack: 'Stack', logicalId: id });

function repairOf(m: NetworkModel): RouteRepair {
  return new RouteRepair(new Topology(m));
}

/** Glue in vpcA, stores in vpcB and vpcC (none peered). */
function threeVpcs() {
  return model()
    .vpc('vpcA', '10.1.0.0/16').vpc('vpcB', '10.2.0.0/16').vpc('vpcC', '10.3.0.0/16')
    .subnet('subA', 'vpcA', '10.1.1.0/24', 'us-east-1a')
    .subnet('subB', 'vpcB', '10.2.1.0/24', 'us-east-1b')
    .subnet('subC', 'vpcC', '10.3.1.0/24', 'us-east-1c');
}

describe('a path repaired again (another job, another what-if) gives the same peering and routes', () => {
  test('a second job over the same trace is registered on the peering, with its store', () => {
    const repair = repairOf(threeVpcs().model);
    const path = blocked('subA', 'subB');
    const first = repair.repair('job1', jobSource('Job1'), 'mysql', path);
    const second = repair.repair('job2', jobSource('Job2'), 'mysql-2', path);
    expect(second).toEqual(first);
    const peering = repair.peerings.get('vpcA|vpcB')!;
    expect([...peering.jobIds]).toEqual(['job1', 'job2']);
    expect([...peering.stores]).toEqual(['mysql', 'mysql-2']);
    expect([...peering.requesterRoutes.keys(), ...peering.accepterRoutes.keys()]).toEqual(['subA-rt>10.2.1.0/24', 'subB-rt>10.1.1.0/24']);
  });

  test('another trace between the same subnets is registered too', () => {
    const repair = repairOf(threeVpcs().model);
    repair.repair('job1', jobSource('Job1'), 'mysql', blocked('subA', 'subB'));
    const again = repair.repair('job2', jobSource('Job2'), 'mysql', blocked('subA', 'subB'));
    expect(again?.kind).toBe('routes');
    expect([...repair.peerings.get('vpcA|vpcB')!.jobIds]).toEqual(['job1', 'job2']);
  });

  test('a path routing does not block gets nothing, even between subnets repaired already', () => {
    const repair = repairOf(threeVpcs().model);
    repair.repair('job1', jobSource('Job1'), 'mysql', blocked('subA', 'subB'));
    const open: PathTrace = { ...blocked('subA', 'subB'), hops: [{ kind: 'security-group', direction: 'forward', component: 'sg', verdict: 'UNREACHABLE', detail: 'no rule' }] };
    expect(repair.repair('job2', jobSource('Job2'), 'mysql', open)).toBeUndefined();
    expect([...repair.peerings.get('vpcA|vpcB')!.jobIds]).toEqual(['job1']);
  });
});

describe('the peering quota counts every peering planned so far', () => {
  /** vpcA with `n` active peerings to other VPCs. */
  function withPeerings(n: number) {
    const b = threeVpcs();
    for (let i = 0; i < n; i++) b.vpc(`x${i}`, `172.16.${i}.0/24`).peering(`p${i}`, 'vpcA', `x${i}`);
    return b;
  }

  test('a new peering that fills the quota stops the next new one of that VPC', () => {
    const repair = repairOf(withPeerings(PEERINGS_PER_VPC_QUOTA - 1).model);
    expect(repair.repair('job1', jobSource('Job1'), 'mysql', blocked('subA', 'subB'))?.kind).toBe('routes');
    const next = repair.repair('job1', jobSource('Job1'), 'postgres', blocked('subA', 'subC'));
    expect(next).toEqual({ kind: 'quota', vpc: expect.objectContaining({ id: 'vpcA' }), limit: '50 active VPC peerings, the default quota per VPC' });
  });

  test('routes through a peering the model has do not count as a new peering', () => {
    const b = withPeerings(PEERINGS_PER_VPC_QUOTA - 2).peering('pcxAB', 'vpcA', 'vpcB');
    const repair = repairOf(b.model);
    const first = repair.repair('job1', jobSource('Job1'), 'mysql', blocked('subA', 'subB'));
    expect(first?.kind === 'routes' && first.peering.existingPeeringId).toBe('pcxAB');
    expect(repair.repair('job1', jobSource('Job1'), 'postgres', blocked('subA', 'subC'))?.kind).toBe('routes');
  });

  test("a path refused for the store VPC's quota names the Glue VPC once that one is full too (the Glue VPC is checked first)", () => {
    const b = withPeerings(PEERINGS_PER_VPC_QUOTA - 1);
    for (let i = 0; i < PEERINGS_PER_VPC_QUOTA; i++) b.vpc(`y${i}`, `172.17.${i}.0/24`).peering(`q${i}`, 'vpcC', `y${i}`);
    const repair = repairOf(b.model);
    expect(repair.repair('job1', jobSource('Job1'), 'postgres', blocked('subA', 'subC'))).toEqual({ kind: 'quota', vpc: expect.objectContaining({ id: 'vpcC' }), limit: '50 active VPC peerings, the default quota per VPC' });
    expect(repair.repair('job1', jobSource('Job1'), 'mysql', blocked('subA', 'subB'))?.kind).toBe('routes');
    expect(repair.repair('job2', jobSource('Job2'), 'postgres', blocked('subA', 'subC'))).toEqual({ kind: 'quota', vpc: expect.objectContaining({ id: 'vpcA' }), limit: '50 active VPC peerings, the default quota per VPC' });
  });
});

describe('a refusal beside a route auto-peer did not add is decided again', () => {
  test('the Glue side, free at first, is refused once another peering routes an overlapping CIDR in its table', () => {
    // The store side of A-B is refused (a VPN route to vpcA's range), so subA-rt gets nothing for
    // B; then vpcD (overlapping vpcB) is peered and routed in subA-rt, which the A-B route would overlap.
    const b = threeVpcs()
      .route('subB-rt', '10.1.0.0/16', 'vpn-gateway', 'vgw-1')
      .vpc('vpcD', '10.2.1.0/25').subnet('subD', 'vpcD', '10.2.1.0/25', 'us-east-1a');
    const repair = repairOf(b.model);
    const first = repair.repair('job1', jobSource('Job1'), 'mysql', blocked('subA', 'subB'));
    expect(first?.kind === 'refused' && first.refusals.map((r) => r.why)).toEqual([expect.stringMatching(/subB-rt routes 10\.1\.0\.0\/16 to vgw-1/)]);
    expect(repair.repair('job1', jobSource('Job1'), 'other', blocked('subA', 'subD'))?.kind).toBe('routes');
    const again = repair.repair('job2', jobSource('Job2'), 'mysql', blocked('subA', 'subB'));
    expect(again?.kind === 'refused' && again.refusals.map((r) => r.why)).toEqual([
      expect.stringMatching(/auto-peer already routes 10\.2\.1\.0\/25 in route table subA-rt through the peering of vpcA and vpcD/),
      expect.stringMatching(/subB-rt routes 10\.1\.0\.0\/16 to vgw-1/),
    ]);
  });

  test('a refusal for a planned overlap stays what it was', () => {
    const b = threeVpcs().vpc('vpcD', '10.2.1.0/25').subnet('subD', 'vpcD', '10.2.1.0/25', 'us-east-1a');
    const repair = repairOf(b.model);
    expect(repair.repair('job1', jobSource('Job1'), 'other', blocked('subA', 'subD'))?.kind).toBe('routes');
    const first = repair.repair('job1', jobSource('Job1'), 'mysql', blocked('subA', 'subB'));
    const again = repair.repair('job2', jobSource('Job2'), 'mysql', blocked('subA', 'subB'));
    expect(first?.kind).toBe('refused');
    expect(again).toEqual(first);
    expect(repair.peerings.has('vpcA|vpcB')).toBe(false);
  });
});

describe('the route fix text of the same outcomes', () => {
  test('is the one of its topology: the same outcome under a model naming the VPC otherwise says the other name', () => {
    const m = threeVpcs().model;
    const outcome = repairOf(m).repair('job1', jobSource('Job1'), 'mysql', blocked('subA', 'subB'))!;
    const vpcB = m.vpcs.get('vpcB')!;
    const renamed: NetworkModel = { ...m, vpcs: new Map(m.vpcs).set('vpcB', { ...vpcB, source: { ...vpcB.source, constructPath: 'App/Data/Vpc' } }) };
    expect(routeFixText(new Topology(m), [outcome])).toMatch(/^Peer vpcA with vpcB /);
    expect(routeFixText(new Topology(renamed), [outcome])).toMatch(/^Peer vpcA with App\/Data\/Vpc /);
  });

  test('follows the order and the number of the outcomes', () => {
    const topo = new Topology(threeVpcs().model);
    const repair = new RouteRepair(topo);
    const toB = repair.repair('job1', jobSource('Job1'), 'mysql', blocked('subA', 'subB'))!;
    const toC = repair.repair('job1', jobSource('Job1'), 'postgres', blocked('subA', 'subC'))!;
    const one = (o: RouteOutcome) => routeFixText(topo, [o]);
    expect(routeFixText(topo, [toB, toC])).toBe(`${one(toB)} ${one(toC)}`);
    expect(routeFixText(topo, [toC, toB])).toBe(`${one(toC)} ${one(toB)}`);
    expect(routeFixText(topo, [toB, undefined, toB])).toBe(one(toB));
    expect(routeFixText(topo, [undefined])).toBe('');
  });
});

describe("a what-if that keeps the job's selection leaves the job's own stores as they are", () => {
  test("its route fix, decided again after a later route, is the what-if's: the job's store still says the first", () => {
    // c1's store in vpcB: the store side is refused (a VPN route to vpcA's range) beside a Glue
    // side route auto-peer does not add; c2's store in vpcD (inside vpcB's range) is peered and
    // routed in subA-rt. With us-east-1b down Glue still selects c1, and the Glue side of A-B is
    // now refused too (it would overlap the A-D route).
    const m = threeVpcs()
      .subnet('subA2', 'vpcA', '10.1.2.0/24', 'us-east-1b')
      .route('subB-rt', '10.1.0.0/16', 'vpn-gateway', 'vgw-1')
      .vpc('vpcD', '10.2.1.0/25').subnet('subD', 'vpcD', '10.2.1.0/25', 'us-east-1a')
      .sg('sgA', 'vpcA').sg('sgB', 'vpcB').sg('sgD', 'vpcD')
      .connection('c1', 'subA', ['sgA'], { url: 'jdbc:mysql://db1.example:3306/app' }).declareStore('c1', { subnets: ['subB'], groups: ['sgB'], port: 3306 })
      .connection('c2', 'subA', ['sgA'], { url: 'jdbc:mysql://db2.example:3306/app' }).declareStore('c2', { subnets: ['subD'], groups: ['sgD'], port: 3306 })
      .connection('c3', 'subA2', ['sgA'], { type: 'NETWORK' })
      .job('etl', ['c1', 'c2', 'c3']);
    const plan = buildPlan(m.model);
    const job = plan.jobs[0];
    const kept = job.failover.find((f) => f.azDown === 'us-east-1b')!;
    expect(kept.selectedConnection?.id).toBe('c1');
    const fixes = (stores: DataStorePlan[]) => stores[0].explanations.map((e) => e.fix).join(' ');
    expect(fixes(kept.dataStores)).toMatch(/auto-peer already routes 10\.2\.1\.0\/25 in route table subA-rt/);
    expect(fixes(job.dataStores)).toMatch(/subB-rt routes 10\.1\.0\.0\/16 to vgw-1/);
    expect(fixes(job.dataStores)).not.toMatch(/auto-peer already routes/);
  });
});

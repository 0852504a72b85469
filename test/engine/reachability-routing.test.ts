/**
 * Spec §4 hops 1-3 (route out, peering, route back) and §4's "every blocking hop": a path is
 * reachable only if every hop admits it both ways; UNREACHABLE lists every blocking hop; a hop whose
 * far side is not described makes the verdict UNKNOWN with the missing fact named.
 */
import { model, seedCase, sgRule } from './builders';
import { buildPlan, DataStorePlan, Plan } from '../../src/engine';

const allFindings = (plan: Plan) => [...plan.findings, ...plan.jobs.flatMap((j) => j.findings)];
const store = (plan: Plan, name: string): DataStorePlan => plan.jobs[0].dataStores.find((s) => s.connection.name === name)!;
const hop = (s: DataStorePlan, kind: string, direction: 'forward' | 'return', component: string) =>
  s.paths[0].hops.find((h) => h.kind === kind && h.direction === direction && h.component === component);

/**
 * Glue in VPC A (10.1.0.0/16, subA 10.1.1.0/24), MySQL in VPC B (10.2.0.0/16, subB 10.2.1.0/24)
 * guarded by sgB, which admits TCP 3306 from the whole Glue subnet. No peering, no routes.
 */
function pair(opts: { cidrB?: string | string[] } = {}) {
  return model()
    .vpc('vpcA', '10.1.0.0/16').vpc('vpcB', opts.cidrB ?? '10.2.0.0/16')
    .subnet('subA', 'vpcA', '10.1.1.0/24', 'us-east-1a')
    .subnet('subB', 'vpcB', Array.isArray(opts.cidrB) ? '10.2.1.0/24' : opts.cidrB ? opts.cidrB.replace(/\.0\.0\/16$/, '.2.0/24') : '10.2.1.0/24', 'us-east-1b')
    .sg('sgA', 'vpcA')
    .sg('sgB', 'vpcB', { ingress: [sgRule({ cidr: '10.1.1.0/24', from: 3306 })] })
    .connection('glue', 'subA', ['sgA'], { type: 'NETWORK' })
    .connection('mysql', 'subB', ['sgB'], { url: 'jdbc:mysql://mysql.example:3306/app' }).declareStore('mysql')
    .job('etl', ['glue', 'mysql']);
}

describe('baseline: peering with routes on both sides', () => {
  test('REACHABLE, forward and return route-table and peering hops all admit', () => {
    const m = pair().peering('pcx', 'vpcA', 'vpcB')
      .peerRoutes('pcx', { table: 'subA-rt', cidr: '10.1.0.0/16' }, { table: 'subB-rt', cidr: '10.2.0.0/16' });
    const s = store(buildPlan(m.model, { failover: false }), 'mysql');
    expect(s.verdict).toBe('REACHABLE');
    expect(hop(s, 'route-table', 'forward', 'subA-rt')?.verdict).toBe('REACHABLE');
    expect(hop(s, 'vpc-peering', 'forward', 'pcx')?.verdict).toBe('REACHABLE');
    expect(hop(s, 'route-table', 'return', 'subB-rt')?.verdict).toBe('REACHABLE');
    expect(s.explanations).toEqual([]);
  });
});

describe('hop 3: route back (one-sided routes)', () => {
  test('forward route present, return route missing: UNREACHABLE, the return route-table hop of the store subnet blocks', () => {
    const m = pair().peering('pcx', 'vpcA', 'vpcB').route('subA-rt', '10.2.0.0/16', 'vpc-peering', 'pcx');
    const s = store(buildPlan(m.model, { failover: false }), 'mysql');
    expect(s.verdict).toBe('UNREACHABLE');
    expect(hop(s, 'route-table', 'forward', 'subA-rt')?.verdict).toBe('REACHABLE');
    expect(hop(s, 'route-table', 'return', 'subB-rt')?.verdict).toBe('UNREACHABLE');
    const e = s.explanations.find((x) => x.component === 'subB-rt')!;
    expect(e.code).toBe('NO_ROUTE_TO_DESTINATION');
    expect(e.message).toContain('10.1.1.0/24');
    // The route auto-peer would add: the Glue subnet's CIDR, in the store subnet's table, to the peering.
    expect(e.fix).toBe('In route table subB-rt, route 10.1.1.0/24 to peering pcx.');
  });

  test('return route present, forward route missing: UNREACHABLE, the forward route-table hop of the Glue subnet blocks', () => {
    const m = pair().peering('pcx', 'vpcA', 'vpcB').route('subB-rt', '10.1.0.0/16', 'vpc-peering', 'pcx');
    const s = store(buildPlan(m.model, { failover: false }), 'mysql');
    expect(s.verdict).toBe('UNREACHABLE');
    expect(hop(s, 'route-table', 'forward', 'subA-rt')?.verdict).toBe('UNREACHABLE');
    expect(hop(s, 'route-table', 'return', 'subB-rt')?.verdict).toBe('REACHABLE');
    expect(s.explanations.map((e) => [e.code, e.component])).toEqual([['NO_ROUTE_TO_DESTINATION', 'subA-rt']]);
  });
});

describe('hop 2: peering is not transitive', () => {
  test('A-B and B-C peered, A routes C via pcx A-B: PCX_REQUIRES_ADDRESS_IN_VPC_CIDR, UNREACHABLE', () => {
    const m = model()
      .vpc('vpcA', '10.1.0.0/16').vpc('vpcB', '10.2.0.0/16').vpc('vpcC', '10.3.0.0/16')
      .subnet('subA', 'vpcA', '10.1.1.0/24', 'us-east-1a')
      .subnet('subC', 'vpcC', '10.3.1.0/24', 'us-east-1c')
      .sg('sgA', 'vpcA').sg('sgC', 'vpcC', { ingress: [sgRule({ cidr: '10.1.1.0/24', from: 5432 })] })
      .peering('pcxAB', 'vpcA', 'vpcB').peering('pcxBC', 'vpcB', 'vpcC')
      .route('subA-rt', '10.3.0.0/16', 'vpc-peering', 'pcxAB')
      .route('subC-rt', '10.1.0.0/16', 'vpc-peering', 'pcxBC')
      .connection('glue', 'subA', ['sgA'], { type: 'NETWORK' })
      .connection('pg', 'subC', ['sgC'], { url: 'jdbc:postgresql://pg.example:5432/app' }).declareStore('pg')
      .job('etl', ['glue', 'pg']);
    const s = store(buildPlan(m.model, { failover: false }), 'pg');
    expect(s.verdict).toBe('UNREACHABLE');
    expect(hop(s, 'vpc-peering', 'forward', 'pcxAB')?.verdict).toBe('UNREACHABLE');
    expect(hop(s, 'vpc-peering', 'return', 'pcxBC')?.verdict).toBe('UNREACHABLE');
    const e = s.explanations.find((x) => x.component === 'pcxAB')!;
    expect(e.code).toBe('PCX_REQUIRES_ADDRESS_IN_VPC_CIDR');
    expect(e.message).toMatch(/not transitive/);
    // A direct peering's route would take the traffic of the wider route through pcxAB: auto-peer
    // refuses, and the fix says what to change first.
    expect(e.fix).toMatch(/route table subA-rt routes 10\.3\.0\.0\/16 to pcxAB: a route to 10\.3\.1\.0\/24 through a peering would take that part of its traffic/);
    expect(e.fix).toMatch(/remove or narrow that route/);
    expect(s.explanations.map((x) => x.code)).toEqual(['PCX_REQUIRES_ADDRESS_IN_VPC_CIDR', 'PCX_REQUIRES_ADDRESS_IN_VPC_CIDR']);
  });
});

describe('hop 2: overlapping CIDR blocks cannot be peered', () => {
  test('overlap via a secondary block: GNP-PEERING-CIDR-OVERLAP, path UNREACHABLE', () => {
    const m = pair({ cidrB: ['10.2.0.0/16', '10.1.128.0/17'] }).peering('pcx', 'vpcA', 'vpcB')
      .peerRoutes('pcx', { table: 'subA-rt', cidr: '10.1.0.0/16' }, { table: 'subB-rt', cidr: '10.2.0.0/16' });
    const plan = buildPlan(m.model, { failover: false });
    const s = store(plan, 'mysql');
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.explanations.map((e) => e.code)).toContain('OVERLAPPING_VPC_CIDRS');
    const f = allFindings(plan).find((x) => x.ruleId === 'GNP-PEERING-CIDR-OVERLAP');
    expect(f).toMatchObject({ severity: 'error', source: { logicalId: 'pcx' } });
    expect(f?.message).toContain('10.1.128.0/17');
  });

  test('overlap of primary blocks: the store address is routed locally and never leaves the Glue VPC', () => {
    const m = pair({ cidrB: '10.1.0.0/16' }).peering('pcx', 'vpcA', 'vpcB');
    expect(m.model.subnets.get('subB')?.cidr).toMatchObject({ value: { text: '10.1.2.0/24' } });
    const plan = buildPlan(m.model, { failover: false });
    const s = store(plan, 'mysql');
    expect(s.verdict).toBe('UNREACHABLE');
    expect(hop(s, 'route-table', 'forward', 'subA-rt')?.verdict).toBe('UNREACHABLE');
    expect(s.explanations.find((e) => e.component === 'subA-rt')?.code).toBe('OVERLAPPING_VPC_CIDRS');
    expect(allFindings(plan).map((f) => f.ruleId)).toContain('GNP-PEERING-CIDR-OVERLAP');
  });
});

describe('every blocking hop is listed, not just the first', () => {
  test('seed case, unpeered, store group admits nothing from A: both the routing (both ways) and the security-group explanations', () => {
    const plan = buildPlan(seedCase().model, { failover: false });
    const s = store(plan, 'mysql');
    expect(s.verdict).toBe('UNREACHABLE');
    expect(hop(s, 'route-table', 'forward', 'subA-rt')?.verdict).toBe('UNREACHABLE');
    expect(hop(s, 'route-table', 'return', 'subB-rt')?.verdict).toBe('UNREACHABLE');
    expect(s.paths[0].hops.find((h) => h.kind === 'security-group' && h.component === 'sgB')?.verdict).toBe('UNREACHABLE');
    const codes = s.explanations.map((e) => e.code);
    expect(codes).toContain('DISCONNECTED_VPCS');
    expect(codes).toContain('ENI_SG_RULES_MISMATCH');
    expect(s.explanations.filter((e) => e.code === 'DISCONNECTED_VPCS').map((e) => e.component).sort()).toEqual(['subA-rt', 'subB-rt']);
    const f = plan.jobs[0].findings.find((x) => x.ruleId === 'GNP-STORE-UNREACHABLE' && x.message.includes('mysql'))!;
    expect(f.message).toMatch(/DISCONNECTED_VPCS/);
    expect(f.message).toMatch(/ENI_SG_RULES_MISMATCH/);
    expect(f.fix).toMatch(/Peer vpcA with vpcB/);
    expect(f.fix).toMatch(/ingress TCP 3306 on sgB/);
  });
});

describe('route targets whose far side is not described: UNKNOWN, never UNREACHABLE', () => {
  test.each([
    ['vpn-gateway', 'vgw-0123'],
    ['instance', 'i-0123'],
    ['network-interface', 'eni-0123'],
    ['vpc-peering', 'pcx-not-in-model'],
  ] as const)('%s %s on both sides', (kind, id) => {
    const m = pair().route('subA-rt', '10.2.0.0/16', kind, id).route('subB-rt', '10.1.0.0/16', kind, id);
    const plan = buildPlan(m.model, { failover: false });
    const s = store(plan, 'mysql');
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.explanations.length).toBeGreaterThan(0);
    expect(s.explanations.every((e) => e.unknown)).toBe(true);
    expect(s.explanations.map((e) => e.code)).toContain('UNKNOWN_NEXT_HOP');
    expect(s.explanations.some((e) => e.message.includes(id))).toBe(true);
    expect(hop(s, 'route-table', 'forward', 'subA-rt')?.verdict).toBe('UNKNOWN');
    const ids = plan.jobs[0].findings.map((f) => f.ruleId);
    expect(ids).toContain('GNP-STORE-UNKNOWN');
    expect(ids).not.toContain('GNP-STORE-UNREACHABLE');
  });

  test('an undescribed target does not hide a real block elsewhere: missing return route is still UNREACHABLE', () => {
    const m = pair().route('subA-rt', '10.2.0.0/16', 'vpn-gateway', 'vgw-0123');
    const s = store(buildPlan(m.model, { failover: false }), 'mysql');
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.explanations.map((e) => [e.code, !!e.unknown])).toEqual(expect.arrayContaining([['UNKNOWN_NEXT_HOP', true]]));
    // Blocking explanations come before unknown ones.
    expect(s.explanations[0].unknown).toBeFalsy();
  });
});

describe('cross-account peering without an accepter role', () => {
  test('pending acceptance: routes to it are blackholes (BAD_STATE_ROUTE) and GNP-PEERING-NO-ACCEPTER-ROLE', () => {
    const m = pair().crossAccountPeering('pcx', 'vpcA', 'vpcB')
      .peerRoutes('pcx', { table: 'subA-rt', cidr: '10.1.0.0/16' }, { table: 'subB-rt', cidr: '10.2.0.0/16' });
    const plan = buildPlan(m.model, { failover: false });
    const s = store(plan, 'mysql');
    expect(s.verdict).toBe('UNREACHABLE');
    expect(hop(s, 'vpc-peering', 'forward', 'pcx')?.verdict).toBe('UNREACHABLE');
    expect(s.explanations.find((e) => e.component === 'pcx')?.code).toBe('BAD_STATE_ROUTE');
    const f = allFindings(plan).find((x) => x.ruleId === 'GNP-PEERING-NO-ACCEPTER-ROLE');
    expect(f).toMatchObject({ severity: 'error', source: { logicalId: 'pcx' } });
    expect(f?.fix).toMatch(/PeerRoleArn/);
  });

  test('with an accepter role: active, REACHABLE, no finding', () => {
    const m = pair().crossAccountPeering('pcx', 'vpcA', 'vpcB', { peerRoleArn: 'arn:aws:iam::222222222222:role/accept' })
      .peerRoutes('pcx', { table: 'subA-rt', cidr: '10.1.0.0/16' }, { table: 'subB-rt', cidr: '10.2.0.0/16' });
    const plan = buildPlan(m.model, { failover: false });
    expect(store(plan, 'mysql').verdict).toBe('REACHABLE');
    expect(allFindings(plan).map((f) => f.ruleId)).not.toContain('GNP-PEERING-NO-ACCEPTER-ROLE');
  });
});

describe('§4 store location: a DB subnet group must be reachable in every subnet', () => {
  function subnetGroup() {
    return model()
      .vpc('vpcA', '10.1.0.0/16').vpc('vpcB', '10.2.0.0/16')
      .subnet('subA', 'vpcA', '10.1.1.0/24', 'us-east-1a')
      .subnet('db1', 'vpcB', '10.2.1.0/24', 'us-east-1a')
      .subnet('db2', 'vpcB', '10.2.2.0/24', 'us-east-1b')
      .sg('sgA', 'vpcA').sg('sgDb', 'vpcB', { selfRef: false, ingress: [sgRule({ cidr: '10.1.1.0/24', from: 3306 })] })
      .store('rds', 'rds-instance', ['db1', 'db2'], ['sgDb'], 3306)
      .peering('pcx', 'vpcA', 'vpcB')
      .route('subA-rt', '10.2.0.0/16', 'vpc-peering', 'pcx')
      .route('db1-rt', '10.1.0.0/16', 'vpc-peering', 'pcx')
      .connection('glue', 'subA', ['sgA'], { type: 'NETWORK' })
      .connection('mysql', undefined, [], { url: 'jdbc:mysql://{{ref:rds:Endpoint.Address}}:3306/db' })
      .job('etl', ['glue', 'mysql']);
  }

  test('one subnet lacks the return route: store UNREACHABLE, one path REACHABLE, the other UNREACHABLE at db2-rt', () => {
    const plan = buildPlan(subnetGroup().model, { failover: false });
    const s = store(plan, 'mysql');
    expect(s.locatedBy).toBe('rds-instance');
    expect(s.storeSource?.logicalId).toBe('rds');
    expect(s.port).toBe(3306);
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.paths.map((p) => [p.destinationSubnet, p.verdict])).toEqual([['db1', 'REACHABLE'], ['db2', 'UNREACHABLE']]);
    const blocked = s.paths[1];
    expect(blocked.hops.find((h) => h.kind === 'route-table' && h.direction === 'return')).toMatchObject({ component: 'db2-rt', verdict: 'UNREACHABLE' });
    expect(s.explanations.map((e) => [e.code, e.component])).toEqual([['NO_ROUTE_TO_DESTINATION', 'db2-rt']]);
  });

  test('with the return route on both subnets: REACHABLE', () => {
    const m = subnetGroup().route('db2-rt', '10.1.0.0/16', 'vpc-peering', 'pcx');
    expect(store(buildPlan(m.model, { failover: false }), 'mysql').verdict).toBe('REACHABLE');
  });
});

describe('hop 6: DNS of a publicly accessible RDS instance over a peering', () => {
  function publicRds(dns?: boolean, opts: { public?: boolean } = {}) {
    return model()
      .vpc('vpcA', '10.1.0.0/16').vpc('vpcB', '10.2.0.0/16')
      .subnet('subA', 'vpcA', '10.1.1.0/24', 'us-east-1a')
      .subnet('subB', 'vpcB', '10.2.1.0/24', 'us-east-1b')
      .sg('sgA', 'vpcA').sg('sgDb', 'vpcB', { ingress: [sgRule({ cidr: '10.1.1.0/24', from: 3306 })] })
      .store('rds', 'rds-instance', ['subB'], ['sgDb'], 3306, { public: opts.public ?? true })
      .peering('pcx', 'vpcA', 'vpcB', { dns })
      .peerRoutes('pcx', { table: 'subA-rt', cidr: '10.1.0.0/16' }, { table: 'subB-rt', cidr: '10.2.0.0/16' })
      .connection('glue', 'subA', ['sgA'], { type: 'NETWORK' })
      .connection('mysql', undefined, [], { url: 'jdbc:mysql://{{ref:rds:Endpoint.Address}}:3306/db' })
      .job('etl', ['glue', 'mysql']);
  }

  test('by name, peering without DNS resolution: the name resolves to the public address, so the public path is traced (no NAT here: UNREACHABLE), and GNP-PEERING-DNS says how to keep it private', () => {
    const plan = buildPlan(publicRds(false).model, { failover: false });
    const s = store(plan, 'mysql');
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.paths[0].nameResolution).toMatchObject({ resolvesTo: 'public', peeringId: 'pcx', optionSide: 'accepter' });
    expect(s.explanations.map((e) => e.code)).toContain('PEERING_DNS');
    const f = plan.jobs[0].findings.find((x) => x.ruleId === 'GNP-PEERING-DNS');
    expect(f).toMatchObject({ severity: 'warning', source: { logicalId: 'pcx' } });
    expect(f?.message).toMatch(/public IP/);
    expect(f?.fix).toMatch(/AllowDnsResolutionFromRemoteVpc/);
  });

  test('option unknown (CloudFormation cannot set it): still warned; private path REACHABLE, public path UNREACHABLE, so UNKNOWN', () => {
    const plan = buildPlan(publicRds(undefined).model, { failover: false });
    expect(plan.jobs[0].findings.map((f) => f.ruleId)).toContain('GNP-PEERING-DNS');
    expect(store(plan, 'mysql').verdict).toBe('UNKNOWN');
    expect(store(plan, 'mysql').explanations.map((e) => e.code)).toContain('UNKNOWN_NAME_RESOLUTION');
  });

  test('with dns: true: no warning', () => {
    const plan = buildPlan(publicRds(true).model, { failover: false });
    expect(plan.jobs[0].findings.map((f) => f.ruleId)).not.toContain('GNP-PEERING-DNS');
    expect(store(plan, 'mysql').verdict).toBe('REACHABLE');
  });

  test("the store's side is what matters: the store is in the accepter VPC, so the accepter option decides", () => {
    const accepterOn = buildPlan(publicRds().peeringDns('pcx', false, true).model, { failover: false });
    expect(accepterOn.jobs[0].findings.map((f) => f.ruleId)).not.toContain('GNP-PEERING-DNS');
    const requesterOn = buildPlan(publicRds().peeringDns('pcx', true, false).model, { failover: false });
    expect(requesterOn.jobs[0].findings.map((f) => f.ruleId)).toContain('GNP-PEERING-DNS');
  });

  test('a store that is not publicly accessible: no warning', () => {
    const plan = buildPlan(publicRds(false, { public: false }).model, { failover: false });
    expect(plan.jobs[0].findings.map((f) => f.ruleId)).not.toContain('GNP-PEERING-DNS');
  });
});

/**
 * Spec §4 hop 4 (security groups, stateful): one of the ENI's groups allows egress to the store on
 * its port; one of the store's groups allows ingress from the ENI: a CIDR covering the WHOLE Glue
 * subnet, or a reference to one of the ENI's groups (within a VPC or across a same-Region peering,
 * never across Regions). Undescribed groups make the verdict UNKNOWN, not UNREACHABLE.
 */
import { model, sgRule } from './builders';
import { buildPlan, DataStorePlan, Plan } from '../../src/engine';
import { SecurityGroupRule, unknown } from '../../src/model';

const store = (plan: Plan): DataStorePlan => plan.jobs[0].dataStores[0];
const sgHop = (s: DataStorePlan, component: string) => s.paths[0].hops.find((h) => h.kind === 'security-group' && h.component === component);

/** One VPC: Glue in sGlue (10.0.1.0/24, sgGlue), an RDS instance in sDb (10.0.2.0/24) behind `dbGroups`. */
function sameVpc(dbIngress: SecurityGroupRule[], opts: { glueEgress?: SecurityGroupRule[]; dbGroups?: string[] } = {}) {
  return model().vpc('v', '10.0.0.0/16')
    .subnet('sGlue', 'v', '10.0.1.0/24', 'us-east-1a')
    .subnet('sDb', 'v', '10.0.2.0/24', 'us-east-1b')
    .sg('sgGlue', 'v', { egress: opts.glueEgress })
    .sg('sgOther', 'v')
    .sg('sgDb', 'v', { selfRef: false, ingress: dbIngress })
    .store('rds', 'rds-instance', ['sDb'], opts.dbGroups ?? ['sgDb'], 3306)
    .connection('glue', 'sGlue', ['sgGlue'], { type: 'NETWORK' })
    .connection('mysql', undefined, [], { url: 'jdbc:mysql://{{ref:rds:Endpoint.Address}}:3306/db' })
    .job('etl', ['glue', 'mysql']);
}

/** VPC A (Glue, sgA) peered with VPC B (store in subB behind sgB), routes on both sides. */
function peered(sgBIngress: SecurityGroupRule[], opts: { regionB?: string; peerRegion?: string } = {}) {
  return model()
    .vpc('vpcA', '10.1.0.0/16').vpc('vpcB', '10.2.0.0/16', { region: opts.regionB })
    .subnet('subA', 'vpcA', '10.1.1.0/24', 'us-east-1a')
    .subnet('subB', 'vpcB', '10.2.1.0/24', opts.regionB ? `${opts.regionB}a` : 'us-east-1b')
    .sg('sgA', 'vpcA').sg('sgB', 'vpcB', { selfRef: false, ingress: sgBIngress })
    .peering('pcx', 'vpcA', 'vpcB', { peerRegion: opts.peerRegion })
    .peerRoutes('pcx', { table: 'subA-rt', cidr: '10.1.0.0/16' }, { table: 'subB-rt', cidr: '10.2.0.0/16' })
    .connection('glue', 'subA', ['sgA'], { type: 'NETWORK' })
    .connection('mysql', 'subB', ['sgB'], { url: 'jdbc:mysql://mysql.example:3306/app' }).declareStore('mysql')
    .job('etl', ['glue', 'mysql']);
}

describe('store ingress by CIDR must cover the whole Glue subnet', () => {
  test('a CIDR rule covering only half the Glue subnet: UNREACHABLE, ENI_SG_RULES_MISMATCH naming the uncovered half', () => {
    const s = store(buildPlan(peered([sgRule({ cidr: '10.1.1.0/25', from: 3306 })]).model, { failover: false }));
    expect(s.verdict).toBe('UNREACHABLE');
    expect(sgHop(s, 'sgB')?.verdict).toBe('UNREACHABLE');
    expect(s.explanations).toHaveLength(1);
    const e = s.explanations[0];
    expect(e.code).toBe('ENI_SG_RULES_MISMATCH');
    expect(e.message).toContain('10.1.1.128/25');
    expect(e.message).toMatch(/whole Glue subnet/);
    expect(e.fix).toMatch(/ingress TCP 3306 on sgB/);
  });

  test('two CIDR rules that together cover the subnet: REACHABLE', () => {
    const s = store(buildPlan(peered([sgRule({ cidr: '10.1.1.0/25', from: 3306 }), sgRule({ cidr: '10.1.1.128/25', from: 3306 })]).model, { failover: false }));
    expect(s.verdict).toBe('REACHABLE');
    expect(sgHop(s, 'sgB')?.verdict).toBe('REACHABLE');
  });

  test('a rule for the whole subnet but another port: UNREACHABLE', () => {
    const s = store(buildPlan(peered([sgRule({ cidr: '10.1.1.0/24', from: 5432 })]).model, { failover: false }));
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.explanations.map((e) => e.code)).toEqual(['ENI_SG_RULES_MISMATCH']);
  });
});

describe('store ingress by group reference', () => {
  test('same VPC, store group admits the Glue group: REACHABLE', () => {
    const s = store(buildPlan(sameVpc([sgRule({ group: 'sgGlue', from: 3306 })]).model, { failover: false }));
    expect(s.verdict).toBe('REACHABLE');
    expect(sgHop(s, 'sgDb')?.verdict).toBe('REACHABLE');
  });

  test('same VPC, store group admits a different group: UNREACHABLE with ENI_SG_RULES_MISMATCH', () => {
    const s = store(buildPlan(sameVpc([sgRule({ group: 'sgOther', from: 3306 })]).model, { failover: false }));
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.explanations.map((e) => [e.code, e.component])).toEqual([['ENI_SG_RULES_MISMATCH', 'sgDb']]);
  });

  test('across a same-Region peering: REACHABLE', () => {
    const s = store(buildPlan(peered([sgRule({ group: 'sgA', from: 3306 })]).model, { failover: false }));
    expect(s.verdict).toBe('REACHABLE');
  });

  test.each([
    ['peering with PeerRegion', { regionB: 'us-west-2', peerRegion: 'us-west-2' }],
    ['VPCs in different Regions (PeerRegion not modelled)', { regionB: 'us-west-2' }],
  ])('across Regions (%s): UNREACHABLE, blocking (not unknown), fix asks for the Glue subnet CIDR', (_, opts) => {
    const s = store(buildPlan(peered([sgRule({ group: 'sgA', from: 3306 })], opts).model, { failover: false }));
    expect(s.verdict).toBe('UNREACHABLE');
    expect(sgHop(s, 'sgB')?.verdict).toBe('UNREACHABLE');
    const e = s.explanations.find((x) => x.component === 'sgB')!;
    expect(e.unknown).toBeFalsy();
    expect(['UNKNOWN_PEERED_SGS', 'ENI_SG_RULES_MISMATCH']).toContain(e.code);
    expect(e.message).toMatch(/inter-Region/);
    expect(e.fix).toContain('10.1.1.0/24');
    expect(e.fix).toMatch(/CIDR/);
  });

  test('across a peering whose PeerRegion is not resolved: UNKNOWN, not UNREACHABLE (was an error although the message said the Region was unknown)', () => {
    const m = peered([sgRule({ group: 'sgA', from: 3306 })]);
    const pcx = m.model.peerings.get('pcx')!;
    m.model.peerings.set('pcx', { ...pcx, peerRegion: unknown('PeerRegion is a parameter with no value') });
    const s = store(buildPlan(m.model, { failover: false }));
    expect(s.verdict).toBe('UNKNOWN');
    expect(sgHop(s, 'sgB')?.verdict).toBe('UNKNOWN');
    expect(s.explanations.find((x) => x.component === 'sgB')).toMatchObject({ unknown: true });
  });

  test('across Regions a CIDR rule still works: REACHABLE', () => {
    const s = store(buildPlan(peered([sgRule({ cidr: '10.1.1.0/24', from: 3306 })], { regionB: 'us-west-2', peerRegion: 'us-west-2' }).model, { failover: false }));
    expect(s.verdict).toBe('REACHABLE');
  });
});

describe('ENI egress', () => {
  test("Glue group's egress only to an unrelated CIDR: ENI_SG_RULES_MISMATCH on the ENI's group", () => {
    const s = store(buildPlan(sameVpc([sgRule({ group: 'sgGlue', from: 3306 })], { glueEgress: [sgRule({ cidr: '10.9.0.0/16' })] }).model, { failover: false }));
    expect(s.verdict).toBe('UNREACHABLE');
    expect(sgHop(s, 'sgGlue')?.verdict).toBe('UNREACHABLE');
    expect(sgHop(s, 'sgDb')?.verdict).toBe('REACHABLE');
    const e = s.explanations.find((x) => x.component === 'sgGlue')!;
    expect(e.code).toBe('ENI_SG_RULES_MISMATCH');
    expect(e.message).toContain('10.0.2.0/24');
    expect(e.fix).toMatch(/egress TCP 3306/);
  });

  test("Glue group's egress to the store group by reference: REACHABLE", () => {
    const s = store(buildPlan(sameVpc([sgRule({ group: 'sgGlue', from: 3306 })], { glueEgress: [sgRule({ group: 'sgDb', from: 3306 })] }).model, { failover: false }));
    expect(s.verdict).toBe('REACHABLE');
  });
});

describe('store group with no inbound rules', () => {
  test('SG_HAS_NO_RULES, UNREACHABLE', () => {
    const s = store(buildPlan(sameVpc([]).model, { failover: false }));
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.explanations.map((e) => [e.code, e.component])).toEqual([['SG_HAS_NO_RULES', 'sgDb']]);
    expect(s.explanations[0].message).toMatch(/no inbound rules/);
  });
});

describe('undescribed security group', () => {
  test('store guarded by a group the model does not describe: UNKNOWN naming it, never UNREACHABLE', () => {
    const plan = buildPlan(sameVpc([], { dbGroups: ['sg-0external'] }).model, { failover: false });
    const s = store(plan);
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.explanations.every((e) => e.unknown)).toBe(true);
    expect(s.explanations.map((e) => e.code)).toContain('UNKNOWN_SECURITY_GROUP_RULES');
    expect(s.explanations.some((e) => e.message.includes('sg-0external'))).toBe(true);
    const ids = plan.jobs[0].findings.map((f) => f.ruleId);
    expect(ids).toContain('GNP-STORE-UNKNOWN');
    expect(ids).not.toContain('GNP-STORE-UNREACHABLE');
  });

  test('a known group that admits the ENI decides it even when another store group is undescribed: REACHABLE', () => {
    const s = store(buildPlan(sameVpc([sgRule({ group: 'sgGlue', from: 3306 })], { dbGroups: ['sgDb', 'sg-0external'] }).model, { failover: false }));
    expect(s.verdict).toBe('REACHABLE');
  });
});

describe("store groups not known: assumed to be the connection's own, and said so", () => {
  test('store in its connection subnet: the assumption is recorded on the verdict', () => {
    const m = peered([sgRule({ cidr: '10.1.1.0/24', from: 3306 })]);
    m.model.declaredStores.delete('mysql'); // nothing locates mysql.example: location and groups assumed
    const s = store(buildPlan(m.model, { failover: false }));
    expect(s.connection.name).toBe('mysql');
    expect(s.locatedBy).toBe('connection-subnet');
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.assumptions.join(' ')).toMatch(/assumed to be the connection's own \(sgB\)/);
  });
});

import { model, seedCase, sgRule } from './builders';
import { buildPlan, planRemedy } from '../../src/engine';

function errors(plan: ReturnType<typeof buildPlan>) {
  return [...plan.findings, ...plan.jobs.flatMap((j) => j.findings)].filter((f) => f.severity === 'error');
}

describe('planRemedy (auto-peer)', () => {
  test("the seed's case: one peering per store VPC, routes on both sides for the subnets only, ingress for the port only", () => {
    const m = seedCase().model;
    expect(errors(buildPlan(m)).map((f) => f.ruleId)).toContain('GNP-STORE-UNREACHABLE');
    const remedy = planRemedy(m, { failover: false });
    expect(remedy.unfixable).toEqual([]);
    expect(remedy.peerings.map((p) => [p.requesterVpcId, p.accepterVpcId])).toEqual([['vpcA', 'vpcB'], ['vpcA', 'vpcC']]);
    const ab = remedy.peerings[0];
    expect(ab.requesterRoutes).toEqual([{ routeTableId: 'subA-rt', subnetId: 'subA', destination: '10.2.1.0/24' }]);
    expect(ab.accepterRoutes).toEqual([{ routeTableId: 'subB-rt', subnetId: 'subB', destination: '10.1.1.0/24' }]);
    expect(ab.existingPeeringId).toBeUndefined();
    // Same Region: the store's group admits the Glue connection's group, on its port only.
    expect(remedy.rules.map((r) => [r.direction, r.groupId, r.port, r.peerGroupId, r.peerCidr])).toEqual([
      ['ingress', 'sgB', 3306, 'sgA', undefined],
      ['ingress', 'sgC', 5432, 'sgA', undefined],
    ]);
    expect(errors(remedy.planAfter)).toEqual([]);
    expect(remedy.planAfter.jobs[0].dataStores.map((s) => s.verdict)).toEqual(['REACHABLE', 'REACHABLE', 'REACHABLE']);
  });

  test('nothing to do on a working network: no peering, no rule', () => {
    const remedy = planRemedy(seedCase({ peered: true }).model, { failover: false });
    expect(remedy.peerings).toEqual([]);
    expect(remedy.rules).toEqual([]);
    expect(remedy.unfixable).toEqual([]);
  });

  test('idempotent: a second pass over the repaired model adds nothing', () => {
    const first = planRemedy(seedCase().model);
    expect(first.peerings.length).toBeGreaterThan(0);
    const second = planRemedy(first.modelAfter);
    expect([second.peerings, second.rules]).toEqual([[], []]);
    // With the seed's stores declared, the fallback connection's Glue group is also a store's group:
    // both passes refuse that failover repair (FailoverRepair.GLUE_GROUPS_ONLY), and nothing else.
    expect(second.unfixable).toEqual(first.unfixable);
    expect(second.unfixable.every((f) => f.severity === 'warning')).toBe(true);
  });

  test('a job whose stores are all in its VPC gets no peering; a missing ingress rule is added by group reference', () => {
    const m = model().vpc('vpcA', '10.1.0.0/16')
      .subnet('glue', 'vpcA', '10.1.1.0/24', 'us-east-1a').subnet('db', 'vpcA', '10.1.2.0/24', 'us-east-1a')
      .sg('sgGlue', 'vpcA').sg('sgDb', 'vpcA', { selfRef: false })
      .connection('net', 'glue', ['sgGlue'], { type: 'NETWORK' })
      .connection('mysql', 'glue', ['sgGlue'], { url: 'jdbc:mysql://{{ref:db:Endpoint.Address}}:3306/x' })
      .store('db', 'rds-instance', ['db'], ['sgDb'], 3306)
      .job('etl', ['net', 'mysql']).model;
    const remedy = planRemedy(m);
    expect(remedy.peerings).toEqual([]);
    expect(remedy.rules).toEqual([expect.objectContaining({ direction: 'ingress', groupId: 'sgDb', port: 3306, peerGroupId: 'sgGlue' })]);
    expect(errors(remedy.planAfter)).toEqual([]);
  });

  test('egress: a Glue group that only allows HTTPS out gets an egress rule to the store group on its port', () => {
    const m = seedCase().model;
    const sgA = m.securityGroups.get('sgA')!;
    m.securityGroups.set('sgA', { ...sgA, egress: [sgRule({ cidr: '0.0.0.0/0', from: 443 }), sgRule({ group: 'sgA', from: 0, to: 65535 })] });
    const remedy = planRemedy(m, { failover: false });
    expect(remedy.rules).toEqual(expect.arrayContaining([
      expect.objectContaining({ direction: 'egress', groupId: 'sgA', port: 3306, peerGroupId: 'sgB' }),
      expect.objectContaining({ direction: 'egress', groupId: 'sgA', port: 5432, peerGroupId: 'sgC' }),
    ]));
    expect(remedy.rules.some((r) => r.peerCidr === '0.0.0.0/0')).toBe(false);
  });

  test('an existing active peering is reused: only the missing routes are added', () => {
    const m = seedCase().peering('pcxAB', 'vpcA', 'vpcB').route('subA-rt', '10.2.0.0/16', 'vpc-peering', 'pcxAB').model;
    const remedy = planRemedy(m, { failover: false });
    const ab = remedy.peerings.find((p) => p.key === 'vpcA|vpcB')!;
    expect(ab.existingPeeringId).toBe('pcxAB');
    expect(ab.requesterRoutes).toEqual([]);
    expect(ab.accepterRoutes).toEqual([{ routeTableId: 'subB-rt', subnetId: 'subB', destination: '10.1.1.0/24' }]);
  });

  test('failover: the connection selected after an AZ failure is repaired too, unless failover is off', () => {
    const m = seedCase().model;
    // In the seed, mysql's Glue group sgB is also the MySQL store's group: opening the other
    // stores to it needs the user's consent (failoverOpensStoreGroups), else it is refused.
    const withFailover = planRemedy(m, { failoverOpensStoreGroups: true });
    // After us-east-1a fails Glue selects mysql (VPC B): B must reach A and C as well.
    expect(withFailover.peerings.map((p) => p.key).sort()).toEqual(['vpcA|vpcB', 'vpcA|vpcC', 'vpcB|vpcC']);
    expect(errors(withFailover.planAfter)).toEqual([]);
    expect(withFailover.planAfter.jobs[0].failover.every((f) => f.allReachable === true)).toBe(true);
    expect(withFailover.unfixable).toEqual([]);
    const safe = planRemedy(m);
    expect(safe.unfixable.map((f) => [f.ruleId, f.severity])).toEqual([['GNP-AUTOPEER-FAILOVER-NOT-OPENED', 'warning'], ['GNP-AUTOPEER-FAILOVER-NOT-OPENED', 'warning']]);
    expect(safe.planAfter.jobs[0].failover.some((f) => f.allReachable !== true)).toBe(true);
    expect(planRemedy(m, { failover: false }).peerings).toHaveLength(2);
  });

  test('unfixable: overlapping CIDRs', () => {
    const m = seedCase().model;
    const b = m.vpcs.get('vpcB')!;
    m.vpcs.set('vpcB', { ...b, cidrBlocks: m.vpcs.get('vpcA')!.cidrBlocks });
    const remedy = planRemedy(m, { failover: false });
    expect(remedy.peerings.map((p) => p.key)).toEqual(['vpcA|vpcC']);
    expect(remedy.unfixable).toEqual([expect.objectContaining({ ruleId: 'GNP-AUTOPEER-UNFIXABLE', severity: 'error' })]);
    expect(remedy.unfixable[0].message).toMatch(/overlapping CIDR blocks \(10\.1\.0\.0\/16\)/);
  });

  test('unfixable: another Region, another account, a network ACL denial, the implicit main route table', () => {
    const region = seedCase().vpc('vpcB', '10.2.0.0/16', { region: 'eu-west-1' }).model;
    expect(planRemedy(region, { failover: false }).unfixable[0].message).toMatch(/us-east-1 and vpcB in eu-west-1/);

    const account = seedCase().model;
    account.vpcs.set('vpcC', { ...account.vpcs.get('vpcC')!, account: { known: true, value: '222222222222' } });
    expect(planRemedy(account, { failover: false }).unfixable[0].fix).toMatch(/peerRoleArn/);

    const nacl = seedCase().nacl('deny', 'vpcB', ['subB'], [{ rule: 100, egress: false, allow: false, cidr: '0.0.0.0/0', protocol: -1 }]).model;
    const naclRemedy = planRemedy(nacl, { failover: false });
    expect(naclRemedy.unfixable.map((f) => f.message).join('\n')).toMatch(/network ACL deny blocks it/);
    expect(errors(naclRemedy.planAfter).map((f) => f.ruleId)).toContain('GNP-STORE-UNREACHABLE');

    const main = model().vpc('vpcA', '10.1.0.0/16').vpc('vpcB', '10.2.0.0/16')
      .subnet('subA', 'vpcA', '10.1.1.0/24', 'us-east-1a').subnet('subB', 'vpcB', '10.2.1.0/24', 'us-east-1a', { mainTable: true })
      .sg('sgA', 'vpcA').sg('sgB', 'vpcB')
      .connection('a', 'subA', ['sgA'], { url: 'jdbc:mysql://a.example:3306/x' })
      .connection('b', 'subB', ['sgB'], { url: 'jdbc:mysql://b.example:3306/x' })
      .job('etl', ['a', 'b']).model;
    expect(planRemedy(main, { failover: false }).unfixable[0].message).toMatch(/implicit main route table of vpcB/);
  });

  test('unfixable: a conflicting route to the same destination is never replaced', () => {
    const m = seedCase().route('subA-rt', '10.2.1.0/24', 'nat-gateway', 'nat-x').model;
    const remedy = planRemedy(m, { failover: false });
    expect(remedy.unfixable.map((f) => f.message).join('\n')).toMatch(/already routes 10\.2\.1\.0\/24 to nat-x/);
  });

  describe('the route quota: auto-peer never adds a route that cannot be created', () => {
    /** The seed's case with `n` more routes (to other networks, through a NAT gateway) in the Glue subnet's table. */
    const withRoutes = (n: number) => {
      const b = seedCase();
      for (let i = 0; i < n; i++) b.route('subA-rt', `172.${16 + Math.floor(i / 256)}.${i % 256}.0/24`, 'nat-gateway', 'nat-x');
      return b.model;
    };
    /** An account whose quota is the old default of 50 routes per table. */
    const fifty = { failover: false, quotas: { routesPerRouteTable: 50 } };
    const routesIn = (remedy: ReturnType<typeof planRemedy>, table: string) => remedy.peerings.flatMap((p) => [...p.requesterRoutes, ...p.accepterRoutes]).filter((r) => r.routeTableId === table);
    /** What the seed's table counts against the quota: its routes, and the S3 gateway endpoint's route (S3's prefix list weighs 1). */
    const seedCount = () => withRoutes(0).routeTables.get('subA-rt')!.routes.length + 1;

    test('a table with room for its routes: they are added', () => {
      const count = seedCount();
      const remedy = planRemedy(withRoutes(48 - count), fifty);
      expect(remedy.unfixable).toEqual([]);
      expect(routesIn(remedy, 'subA-rt').map((r) => r.destination)).toEqual(['10.2.1.0/24', '10.3.1.0/24']);
    });

    test('a table at the quota after the first route: the second is refused, naming the table, its routes and the quota', () => {
      const count = seedCount();
      const remedy = planRemedy(withRoutes(49 - count), fifty);
      expect(routesIn(remedy, 'subA-rt').map((r) => r.destination)).toEqual(['10.2.1.0/24']);
      const message = remedy.unfixable.map((f) => `${f.message} ${f.fix}`).join('\n');
      expect(message).toMatch(/route table subA-rt has 49 routes and auto-peer already adds 1: a route to 10\.3\.1\.0\/24 would exceed the account's quota of 50 routes per route table/);
      expect(message).toMatch(/request a quota increase/);
      expect(errors(remedy.planAfter).map((f) => f.ruleId)).toContain('GNP-STORE-UNREACHABLE');
    });

    test('a table already at the quota: nothing added through it', () => {
      const count = seedCount();
      const remedy = planRemedy(withRoutes(50 - count), fifty);
      expect(routesIn(remedy, 'subA-rt')).toEqual([]);
      expect(remedy.unfixable.map((f) => f.message).join('\n')).toMatch(/route table subA-rt has 50 routes: a route to 10\.2\.1\.0\/24 would exceed/);
    });

    test('the default quota is 500 (AWS raised it from 50 in June 2025): 50 routes leave room, 500 do not', () => {
      const count = seedCount();
      const roomy = planRemedy(withRoutes(50 - count), { failover: false });
      expect(roomy.unfixable).toEqual([]);
      expect(routesIn(roomy, 'subA-rt').map((r) => r.destination)).toEqual(['10.2.1.0/24', '10.3.1.0/24']);
      const full = planRemedy(withRoutes(500 - count), { failover: false });
      expect(routesIn(full, 'subA-rt')).toEqual([]);
      expect(full.unfixable.map((f) => f.message).join('\n')).toMatch(/has 500 routes: a route to 10\.2\.1\.0\/24 would exceed the default quota of 500 routes per route table/);
    });

    test('routes a virtual private gateway propagates do not count (the quota is on non-propagated routes): 48 static routes and 200 propagated leave room for both', () => {
      const count = seedCount();
      const b = seedCase();
      for (let i = 0; i < 48 - count; i++) b.route('subA-rt', `172.16.${i}.0/24`, 'nat-gateway', 'nat-x');
      const remedy = planRemedy(b.propagatedRoutes('subA-rt', 200, 'vgw-x').model, fifty);
      expect(remedy.unfixable).toEqual([]);
      expect(routesIn(remedy, 'subA-rt').map((r) => r.destination)).toEqual(['10.2.1.0/24', '10.3.1.0/24']);
      // They still route: the VPN's networks stay on the gateway after the repair.
      expect(remedy.modelAfter.routeTables.get('subA-rt')!.routes.filter((r) => r.propagated).map((r) => r.target.targetId)).toEqual(Array(200).fill('vgw-x'));
    });
  });

  describe('a route to a prefix list counts as its maximum entries (its weight), not its entries', () => {
    const fifty = { failover: false, quotas: { routesPerRouteTable: 50 } };
    const routesIn = (remedy: ReturnType<typeof planRemedy>, table: string) => remedy.peerings.flatMap((p) => [...p.requesterRoutes, ...p.accepterRoutes]).filter((r) => r.routeTableId === table);
    /** The Glue subnet's table: the seed's routes, the S3 endpoint's, `n` more, and a route to an on-premises prefix list of two entries. */
    const withPrefixList = (n: number, maxEntries: number | undefined) => {
      const b = seedCase();
      for (let i = 0; i < n; i++) b.route('subA-rt', `172.${16 + Math.floor(i / 256)}.${i % 256}.0/24`, 'nat-gateway', 'nat-x');
      return b.prefixListRoute('subA-rt', 'OnPremises', ['192.168.0.0/24', '192.168.1.0/24'], maxEntries, 'transit-gateway', 'tgw-x').model;
    };
    const seedCount = seedCase().model.routeTables.get('subA-rt')!.routes.length + 1;

    test('a list of 2 entries and 10 maximum entries takes 10 routes of the quota: the route that would exceed it is refused', () => {
      // 38 routes and the list's 10: 48, room for the two routes auto-peer adds (with its 2 entries it would look like 40).
      const roomy = planRemedy(withPrefixList(38 - seedCount, 10), fifty);
      expect(roomy.unfixable).toEqual([]);
      expect(routesIn(roomy, 'subA-rt').map((r) => r.destination)).toEqual(['10.2.1.0/24', '10.3.1.0/24']);
      // 40 routes and the list's 10: 50, the quota; counted by its entries it would be 42, with room for both.
      const full = planRemedy(withPrefixList(40 - seedCount, 10), fifty);
      expect(routesIn(full, 'subA-rt')).toEqual([]);
      expect(full.unfixable.map((f) => f.message).join('\n')).toMatch(/route table subA-rt has 50 routes \(a route to a prefix list counts as its maximum entries\): a route to 10\.2\.1\.0\/24 would exceed the account's quota of 50 routes per route table/);
    });

    test("a list whose maximum entries the inputs do not give: the table's count cannot be bounded, so no route is added there", () => {
      const remedy = planRemedy(withPrefixList(0, undefined), { failover: false });
      expect(routesIn(remedy, 'subA-rt')).toEqual([]);
      const message = remedy.unfixable.map((f) => `${f.message} ${f.fix}`).join('\n');
      expect(message).toMatch(/route table subA-rt routes to prefix list OnPremises \(.*\): AWS counts a referenced prefix list against the routes quota by its maximum entries, so whether a route to 10\.2\.1\.0\/24 fits within the default quota of 500 routes per route table cannot be told/);
      expect(message).toMatch(/Give the prefix list's MaxEntries a literal value/);
    });
  });

  test('the peering quota stops auto-peer with a clear error', () => {
    const b = seedCase();
    for (let i = 0; i < 50; i++) b.vpc(`x${i}`, `172.16.${i}.0/24`).peering(`p${i}`, 'vpcB', `x${i}`);
    const remedy = planRemedy(b.model, { failover: false });
    expect(remedy.unfixable.map((f) => f.message).join('\n')).toMatch(/more than 50 active VPC peerings/);
    expect(remedy.peerings.map((p) => p.key)).toEqual(['vpcA|vpcC']);
    // The account's raised quota, given: the peering is added.
    const raised = planRemedy(b.model, { failover: false, quotas: { peeringsPerVpc: 51 } });
    expect(raised.unfixable).toEqual([]);
    expect(raised.peerings.map((p) => p.key).sort()).toEqual(['vpcA|vpcB', 'vpcA|vpcC']);
    const given = planRemedy(b.model, { failover: false, quotas: { peeringsPerVpc: 50 } });
    expect(given.unfixable.map((f) => f.message).join('\n')).toMatch(/more than 50 active VPC peerings, the account's quota per VPC/);
  });

  test('a store that listens on another port than the one Glue connects to: no peering, route or rule for it (they could not make it answer)', () => {
    const m = seedCase({ declared: false }).declareStore('redshift').declareStore('mysql', { port: 3307 }).declareStore('postgres').model;
    const remedy = planRemedy(m, { failover: false });
    expect(remedy.peerings.map((p) => p.key)).toEqual(['vpcA|vpcC']);
    expect(remedy.rules.map((r) => r.groupId)).not.toContain('sgB');
    const mysql = remedy.planAfter.jobs[0].dataStores.find((s) => s.connection.name === 'mysql')!;
    expect(mysql.verdict).toBe('UNREACHABLE');
    expect(mysql.explanations.map((e) => e.code)).toContain('STORE_PORT_MISMATCH');
    // Its finding still says both what the network lacks and the port to fix.
    expect(mysql.explanations.map((e) => e.fix).join(' ')).toMatch(/Put port 3307 in connection mysql's address/);
    // The plan's route fixes plan no peering for it either (auto-peer adds none).
    const planned = buildPlan(m, { failover: false }).jobs[0].dataStores.find((s) => s.connection.name === 'mysql')!;
    expect(planned.explanations.map((e) => e.fix).join(' ')).not.toMatch(/to the new peering/);
  });

  test('a quota outside what AWS grants is refused with the range', () => {
    expect(() => planRemedy(seedCase().model, { quotas: { peeringsPerVpc: 126 } })).toThrow(/peeringsPerVpc \(Active VPC peering connections per VPC\) must be a whole number from 1 to 125/);
    expect(() => planRemedy(seedCase().model, { quotas: { routesPerRouteTable: 0 } })).toThrow(/from 1 to 1000/);
  });

  test('across a cross-Region peering the ingress rule uses the Glue subnet CIDR, not a group', () => {
    const m = seedCase().vpc('vpcB', '10.2.0.0/16', { region: 'eu-west-1' })
      .peering('pcxAB', 'vpcA', 'vpcB', { peerRegion: 'eu-west-1' })
      .peerRoutes('pcxAB', { table: 'subA-rt', cidr: '10.1.0.0/16' }, { table: 'subB-rt', cidr: '10.2.0.0/16' }).model;
    const remedy = planRemedy(m, { failover: false });
    expect(remedy.rules.find((r) => r.groupId === 'sgB')).toEqual(expect.objectContaining({ port: 3306, peerCidr: '10.1.1.0/24' }));
  });
});

describe('planRemedy never changes where existing traffic goes (route overlap)', () => {
  const refusals = (m: ReturnType<typeof seedCase>['model']) => planRemedy(m, { failover: false }).unfixable.map((f) => f.message).join('\n');

  test('a wider route to another target (a transit gateway for 10.0.0.0/8) in the Glue table: refused, nothing routed there', () => {
    const m = seedCase().route('subA-rt', '10.0.0.0/8', 'transit-gateway', 'tgw-1').model;
    const remedy = planRemedy(m, { failover: false });
    expect(refusals(m)).toMatch(/route table subA-rt routes 10\.0\.0\.0\/8 to tgw-1: a route to 10\.2\.1\.0\/24 through a peering would take that part of its traffic/);
    expect(remedy.peerings.flatMap((p) => p.requesterRoutes)).toEqual([]);
  });

  test('the same on the store side', () => {
    const m = seedCase().route('subB-rt', '10.1.0.0/16', 'vpn-gateway', 'vgw-1').model;
    expect(refusals(m)).toMatch(/route table subB-rt routes 10\.1\.0\.0\/16 to vgw-1: a route to 10\.1\.1\.0\/24/);
  });

  test('a narrower route to another target inside the store subnet: refused (the route would not carry the whole subnet)', () => {
    const m = seedCase().route('subA-rt', '10.2.1.128/25', 'instance', 'i-1').model;
    expect(refusals(m)).toMatch(/routes 10\.2\.1\.128\/25 to i-1, which is part of 10\.2\.1\.0\/24/);
  });

  test('the default route to an internet or public NAT gateway does not count; to a transit gateway it does', () => {
    const nat = seedCase().nat('nat-1', 'subA').route('subA-rt', '0.0.0.0/0', 'nat-gateway', 'nat-1').model;
    expect(planRemedy(nat, { failover: false }).unfixable).toEqual([]);
    const igw = seedCase().route('subA-rt', '0.0.0.0/0', 'internet-gateway', 'igw-1').model;
    expect(planRemedy(igw, { failover: false }).unfixable).toEqual([]);
    const tgw = seedCase().route('subA-rt', '0.0.0.0/0', 'transit-gateway', 'tgw-1').model;
    expect(refusals(tgw)).toMatch(/routes 0\.0\.0\.0\/0 to tgw-1/);
  });
});

describe('planRemedy: the source group and failover', () => {
  test('the store admits the connection\'s Glue group (self-referencing), not the first listed; the rule says why', () => {
    const m = seedCase().sg('sgAudit', 'vpcA', { selfRef: false }).model;
    const redshift = m.connections.get('redshift')!;
    m.connections.set('redshift', { ...redshift, securityGroupIds: ['sgAudit', 'sgA'] });
    const remedy = planRemedy(m, { failover: false });
    expect(remedy.rules.map((r) => [r.groupId, r.peerGroupId])).toEqual([['sgB', 'sgA'], ['sgC', 'sgA']]);
    expect(remedy.rules[0].reason).toMatch(/admits TCP 3306 from sgA, the connection's Glue group \(the one with the self-referencing all-TCP rule\)/);
    expect(remedy.rules[0].peeringKey).toBe('vpcA|vpcB');
  });
});

describe('auto-peer adds only what it can show makes a path REACHABLE', () => {
  /** The seed's case with the postgres store's group open to rules a Fn::ForEach loop of its stack may add. */
  const loopOnStoreGroup = () => {
    const m = seedCase().model;
    const sgC = m.securityGroups.get('sgC')!;
    m.securityGroups.set('sgC', {
      ...sgC,
      openEnded: [{ cause: 'Fn::ForEach::Rules in stack NetC is not expanded, and may add rules the templates do not list', source: sgC.source, kind: 'outside', effect: 'add', direction: 'ingress' }],
    });
    return m;
  };

  test('a store whose group a loop may add rules to: its path would stay UNKNOWN after a peering, so no peering or route is added for it, and the refusal says what was not added and why (was: peered vpcA and vpcC for nothing provable, silently)', () => {
    const remedy = planRemedy(loopOnStoreGroup(), { failover: false });
    expect(remedy.peerings.map((p) => p.key)).toEqual(['vpcA|vpcB']);
    expect(remedy.rules.map((r) => r.groupId)).toEqual(['sgB']);
    expect(remedy.unfixable).toEqual([expect.objectContaining({
      ruleId: 'GNP-AUTOPEER-UNFIXABLE',
      severity: 'error',
      message: expect.stringMatching(/postgres .*the path would still be UNKNOWN \(.*Fn::ForEach::Rules in stack NetC is not expanded.*\), and auto-peer adds only what it can show makes a path REACHABLE, so auto-peer adds nothing for this path: no peering, route or rule/),
    })]);
    // The other stores are repaired as before.
    expect(remedy.planAfter.jobs[0].dataStores.map((s) => [s.connection.name, s.verdict])).toEqual([['redshift', 'REACHABLE'], ['mysql', 'REACHABLE'], ['postgres', 'UNREACHABLE']]);
  });

  test("the refusal's fix says how to go on: settle the unknown with the guard's facts (auto-peer runs in the guard, not the CLI), or acknowledge the refusal to keep what earlier versions peered, or declare the peering (was: --facts only, and no word of the app an earlier version peered, which now fails its synthesis)", () => {
    const [refusal] = planRemedy(loopOnStoreGroup(), { failover: false }).unfixable;
    expect(refusal.fix).toMatch(/the guard's facts or factsFile/);
    expect(refusal.fix).not.toMatch(/--facts/);
    expect(refusal.fix).toMatch(/acknowledge GNP-AUTOPEER-UNFIXABLE .*auto-peer then still adds what it planned for this path, as versions before this check did/);
    expect(refusal.fix).toMatch(/declare the peering and its routes yourself \(VpcPeering\)/);
  });

  test('with routing of refused paths kept (GNP-AUTOPEER-UNFIXABLE acknowledged), what earlier versions added stays, and the refusal says so', () => {
    const remedy = planRemedy(loopOnStoreGroup(), { failover: false, keepRoutingOfRefusedRules: true });
    expect(remedy.peerings.map((p) => p.key)).toEqual(['vpcA|vpcB', 'vpcA|vpcC']);
    expect(remedy.unfixable).toEqual([expect.objectContaining({ message: expect.stringMatching(/would still be UNKNOWN .*; GNP-AUTOPEER-UNFIXABLE is acknowledged in this app, so auto-peer still adds what it planned for this path/) })]);
  });
});

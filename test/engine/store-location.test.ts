/**
 * Spec §4 "where a data store lives": a resolved resource (subnet group), an IP literal (the subnet
 * whose CIDR contains it), else the connection's own subnet with its groups assumed; the port from
 * the URL, else the engine's default for the scheme.
 */
import { model, seedCase, sgRule } from './builders';
import { buildPlan, DataStorePlan, Plan } from '../../src/engine';
import { Fact, known, unknown } from '../../src/model';

const store = (plan: Plan, name: string): DataStorePlan => plan.jobs[0].dataStores.find((s) => s.connection.name === name)!;

/** Glue in VPC A, peered with VPC B (routes both ways); sgB admits MySQL from the Glue subnet. */
function peered(opts: { glueEgress?: ReturnType<typeof sgRule>[] } = {}) {
  return model()
    .vpc('vpcA', '10.1.0.0/16').vpc('vpcB', '10.2.0.0/16')
    .subnet('subA', 'vpcA', '10.1.1.0/24', 'us-east-1a')
    .subnet('subB', 'vpcB', '10.2.1.0/24', 'us-east-1b')
    .subnet('subB2', 'vpcB', '10.2.2.0/24', 'us-east-1c')
    .sg('sgA', 'vpcA', { egress: opts.glueEgress })
    .sg('sgB', 'vpcB', { ingress: [sgRule({ cidr: '10.1.1.0/24', from: 3306 }), sgRule({ cidr: '10.1.1.0/24', from: 5432 })] })
    .peering('pcx', 'vpcA', 'vpcB')
    .peerRoutes('pcx', { table: 'subA-rt', cidr: '10.1.0.0/16' }, { table: 'subB-rt', cidr: '10.2.0.0/16' })
    .connection('glue', 'subA', ['sgA'], { type: 'NETWORK' });
}

describe('IP literal: the store lies in the subnet whose CIDR contains the address', () => {
  test("a connection in subB2 whose URL names 10.2.1.50 is traced to subB, not to the connection's subnet", () => {
    const m = peered().connection('db', 'subB2', ['sgB'], { url: 'jdbc:mysql://10.2.1.50:3306/app' }).job('etl', ['glue', 'db']);
    const s = store(buildPlan(m.model, { failover: false }), 'db');
    expect(s.locatedBy).toBe('ip-address');
    expect(s.paths.map((p) => p.destinationSubnet)).toEqual(['subB']);
    expect(s.verdict).toBe('REACHABLE');
  });

  // REGRESSION (an engine bug this test found, now fixed): for an IP-literal store the destination address
  // is known exactly (10.2.1.50), and spec §4 hop 4 asks that an ENI group "allows egress to the
  // destination address and port". The engine checks egress (and routes/NACLs) against the whole
  // store subnet 10.2.1.0/24, so an egress rule to 10.2.1.50/32 is reported as ENI_SG_RULES_MISMATCH
  // ("does not allow TCP 3306 to 10.2.1.0-10.2.1.49, 10.2.1.51-10.2.1.255"). Suspect
  // src/engine/path.ts tracePath (`to.range = store.subnet.cidr.value`): StoreSide carries no
  // address, and store-location.ts drops the parsed IP for locatedBy 'ip-address'.
  test('egress allowed to exactly the store address (a /32) is enough: REACHABLE', () => {
    const m = peered({ glueEgress: [sgRule({ cidr: '10.2.1.50/32', from: 3306 }), sgRule({ cidr: '0.0.0.0/0', from: 443 })] })
      .connection('db', 'subB', ['sgB'], { url: 'jdbc:mysql://10.2.1.50:3306/app' }).job('etl', ['glue', 'db']);
    const s = store(buildPlan(m.model, { failover: false }), 'db');
    expect(s.locatedBy).toBe('ip-address');
    expect(s.explanations).toEqual([]);
    expect(s.verdict).toBe('REACHABLE');
  });

  test('egress to a /32 that is NOT the store address: UNREACHABLE (so the test above can fail for the right reason)', () => {
    const m = peered({ glueEgress: [sgRule({ cidr: '10.2.1.51/32', from: 3306 })] })
      .connection('db', 'subB', ['sgB'], { url: 'jdbc:mysql://10.2.1.50:3306/app' }).job('etl', ['glue', 'db']);
    const s = store(buildPlan(m.model, { failover: false }), 'db');
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.explanations.map((e) => [e.code, e.component])).toEqual([['ENI_SG_RULES_MISMATCH', 'sgA']]);
  });
});

describe('IP literal in subnets of several VPCs (overlapping CIDRs)', () => {
  test('a connection without a subnet names 10.1.1.50, in the Glue subnet and in a subnet of another VPC with the same CIDR: UNKNOWN, naming both (was UNREACHABLE through whichever was described first)', () => {
    const m = model()
      .vpc('vpcC', '10.1.0.0/16').vpc('vpcA', '10.1.0.0/16')
      .subnet('subC', 'vpcC', '10.1.1.0/24', 'us-east-1a')
      .subnet('subA', 'vpcA', '10.1.1.0/24', 'us-east-1a')
      .sg('sgA', 'vpcA')
      .connection('glue', 'subA', ['sgA'], { type: 'NETWORK' })
      .connection('db', undefined, [], { url: 'jdbc:postgresql://10.1.1.50:5432/app' })
      .job('etl', ['glue', 'db']);
    const s = store(buildPlan(m.model, { failover: false }), 'db');
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.explanations.map((e) => e.message).join(' ')).toMatch(/several VPCs whose CIDRs overlap \(subC, subA\)/);
  });

  test("the connection's own subnet is in one of them: that VPC's subnet, as before", () => {
    const m = model()
      .vpc('vpcC', '10.1.0.0/16').vpc('vpcA', '10.1.0.0/16')
      .subnet('subC', 'vpcC', '10.1.1.0/24', 'us-east-1a')
      .subnet('subA', 'vpcA', '10.1.1.0/24', 'us-east-1a')
      .sg('sgA', 'vpcA')
      .connection('db', 'subA', ['sgA'], { url: 'jdbc:postgresql://10.1.1.50:5432/app' })
      .job('etl', ['db']);
    const s = store(buildPlan(m.model, { failover: false }), 'db');
    expect(s.paths.map((p) => p.destinationSubnet)).toEqual(['subA']);
    expect(s.verdict).toBe('REACHABLE');
  });
});

describe('IP literal in another VPC than the connection\'s groups', () => {
  test("the connection's groups cannot be the store's: its groups are unknown and the verdict UNKNOWN, not REACHABLE", () => {
    // Found by the auto-peer property test: assuming sgA guards a store in VPC B let auto-peer
    // write a group reference between unpeered VPCs.
    const m = peered().connection('db', 'subA', ['sgA'], { url: 'jdbc:mysql://10.2.1.50:3306/app' }).job('etl', ['glue', 'db']);
    const s = store(buildPlan(m.model, { failover: false }), 'db');
    expect(s.locatedBy).toBe('ip-address');
    expect(s.paths.map((p) => p.destinationSubnet)).toEqual(['subB']);
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.explanations.map((e) => e.code)).toEqual(['UNKNOWN_SECURITY_GROUP_RULES']);
  });
});

describe("default: the connection's own subnet, guarded by its own groups (assumed, and said so)", () => {
  test('hostname not resolvable to a resource: located by connection-subnet, both assumptions recorded', () => {
    const m = peered().connection('db', 'subB', ['sgB'], { url: 'jdbc:mysql://mysql.example/app' }).job('etl', ['glue', 'db']);
    const s = store(buildPlan(m.model, { failover: false }), 'db');
    expect(s.locatedBy).toBe('connection-subnet');
    expect(s.paths.map((p) => p.destinationSubnet)).toEqual(['subB']);
    expect(s.assumptions).toHaveLength(2);
    expect(s.assumptions[0]).toMatch(/locates host mysql.example .*assumed to live in its connection's subnet subB/);
    expect(s.assumptions[1]).toMatch(/\(sgB\)/);
  });
});

describe('port: from the URL, else the default for the scheme', () => {
  test.each([
    ['jdbc:mysql://h.example/app', 3306],
    ['jdbc:postgresql://h.example/app', 5432],
    ['jdbc:redshift://h.example/dev', 5439],
    ['jdbc:sqlserver://h.example;databaseName=x', 1433],
    ['jdbc:postgresql://h.example:6543/app', 6543],
  ])('%s -> TCP %d', (url, port) => {
    const m = peered().connection('db', 'subB', ['sgB'], { url }).job('etl', ['glue', 'db']);
    expect(store(buildPlan(m.model, { failover: false }), 'db').port).toBe(port);
  });

  test('the port decides the group check: PostgreSQL on 5432 admitted, on 6543 not', () => {
    const ok = peered().connection('db', 'subB', ['sgB'], { url: 'jdbc:postgresql://h.example/app' }).declareStore('db').job('etl', ['glue', 'db']);
    expect(store(buildPlan(ok.model, { failover: false }), 'db').verdict).toBe('REACHABLE');
    const other = peered().connection('db', 'subB', ['sgB'], { url: 'jdbc:postgresql://h.example:6543/app' }).declareStore('db').job('etl', ['glue', 'db']);
    const s = store(buildPlan(other.model, { failover: false }), 'db');
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.explanations[0].message).toContain('TCP 6543');
  });
});

describe('a host nothing locates: its location is assumed, and an assumption never makes a store REACHABLE', () => {
  test('the assumed subnet is reachable: UNKNOWN (GNP-STORE-UNKNOWN naming the host and how to declare it), not REACHABLE', () => {
    const m = peered().connection('db', 'subB', ['sgB'], { url: 'jdbc:mysql://orders.cluster-abc.us-east-1.rds.amazonaws.com:3306/app' }).job('etl', ['glue', 'db']);
    const plan = buildPlan(m.model, { failover: false });
    const s = store(plan, 'db');
    expect(s.locatedBy).toBe('connection-subnet');
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.paths.map((p) => p.verdict)).toEqual(['UNKNOWN']);
    expect(s.explanations.map((e) => e.code)).toEqual(['UNKNOWN_STORE_LOCATION']);
    const f = plan.jobs[0].findings.find((x) => x.ruleId === 'GNP-STORE-UNKNOWN')!;
    expect(f.message).toMatch(/host orders\.cluster-abc\.us-east-1\.rds\.amazonaws\.com/);
    expect(f.fix).toMatch(/GlueDataStore\.declare/);
    expect(f.fix).toMatch(/dataStores\[\]/);
  });

  test("the assumed subnet is not reachable (the seed's unpeered VPCs): UNREACHABLE, an error that says the location was assumed", () => {
    const m = seedCase({ declared: false });
    const plan = buildPlan(m.model, { failover: false });
    const mysql = store(plan, 'mysql');
    expect(mysql.verdict).toBe('UNREACHABLE');
    const f = plan.jobs[0].findings.find((x) => x.ruleId === 'GNP-STORE-UNREACHABLE' && /mysql/.test(x.message))!;
    expect(f.severity).toBe('error');
    expect(f.message).toMatch(/DISCONNECTED_VPCS/);
    expect(f.message).toMatch(/assumed to live in its connection's subnet subB/);
  });

  test("the seed's case peered: every store UNKNOWN (hosts not located), none REACHABLE; declared: REACHABLE", () => {
    const assumed = buildPlan(seedCase({ peered: true, declared: false }).model, { failover: false });
    expect(assumed.jobs[0].dataStores.map((d) => d.verdict)).toEqual(['UNKNOWN', 'UNKNOWN', 'UNKNOWN']);
    const declared = buildPlan(seedCase({ peered: true }).model, { failover: false });
    expect(declared.jobs[0].dataStores.map((d) => d.verdict)).toEqual(['REACHABLE', 'REACHABLE', 'REACHABLE']);
  });
});

describe('loopback addresses name the Glue worker itself', () => {
  test.each(['jdbc:postgresql://localhost:5432/app', 'jdbc:mysql://127.0.0.1:3306/app', 'jdbc:mysql://127.10.0.3/app'])('%s: UNREACHABLE, an error', (url) => {
    const m = peered().connection('db', 'subB', ['sgB'], { url }).job('etl', ['glue', 'db']);
    const plan = buildPlan(m.model, { failover: false });
    const s = store(plan, 'db');
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.explanations.map((e) => e.code)).toEqual(['LOOPBACK_ADDRESS']);
    expect(plan.jobs[0].findings.find((f) => f.ruleId === 'GNP-STORE-UNREACHABLE')?.severity).toBe('error');
  });
});

describe('Kafka: every broker of the bootstrap list is located and traced', () => {
  test('two brokers by IP in two subnets: the second one is blocked, so the store is UNREACHABLE (was: only the first traced)', () => {
    const m = peered().connection('kafka', 'subB', ['sgB'], { type: 'KAFKA', url: '10.2.1.10:3306,10.2.2.10:3306' }).job('etl', ['glue', 'kafka']);
    // subB2's table has no route back to the Glue VPC.
    const s = store(buildPlan(m.model, { failover: false }), 'kafka');
    expect(s.paths.map((p) => [p.destinationSubnet, p.verdict])).toEqual([['subB', 'REACHABLE'], ['subB2', 'UNREACHABLE']]);
    expect(s.verdict).toBe('UNREACHABLE');
  });

  test('a broker by IP and one nothing locates: the located one traced, the other assumed (UNKNOWN at best)', () => {
    const m = peered().connection('kafka', 'subB', ['sgB'], { type: 'KAFKA', url: '10.2.1.10:3306,b-2.kafka.example:3306' }).job('etl', ['glue', 'kafka']);
    const s = store(buildPlan(m.model, { failover: false }), 'kafka');
    expect(s.locatedBy).toBe('ip-address, connection-subnet');
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.explanations.find((e) => e.code === 'UNKNOWN_STORE_LOCATION')?.message).toMatch(/host b-2\.kafka\.example/);
  });
});

describe('Kafka ports follow the MSK client authentication where the connection says it', () => {
  const port = (opts: { url: string; auth?: 'plaintext' | 'tls' | 'sasl-scram' | 'iam' }) => {
    const m = peered().connection('kafka', 'subB', ['sgB'], { type: 'KAFKA', url: opts.url }).declareStore('kafka');
    if (opts.auth) m.model.connections.set('kafka', { ...m.model.connections.get('kafka')!, kafkaAuthentication: opts.auth });
    return store(buildPlan(m.job('etl', ['glue', 'kafka']).model, { failover: false }), 'kafka').port;
  };
  test.each([['plaintext', 9092], ['tls', 9094], ['sasl-scram', 9096], ['iam', 9098]] as const)('authentication %s: TCP %d', (auth, expected) => {
    expect(port({ url: 'b-1.kafka.example,b-2.kafka.example', auth })).toBe(expected);
  });
  test('brokers without a port and a connection that does not say its authentication: the port is UNKNOWN, not plaintext 9092', () => {
    const m = peered().connection('kafka', 'subB', ['sgB'], { type: 'KAFKA', url: 'b-1.kafka.example,b-2.kafka.example' }).declareStore('kafka');
    const s = store(buildPlan(m.job('etl', ['glue', 'kafka']).model, { failover: false }), 'kafka');
    expect(s.port).toBeUndefined();
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.explanations.map((e) => e.message).join(' ')).toMatch(/KAFKA_SSL_ENABLED or KAFKA_SASL_MECHANISM/);
  });
  test('a port in the bootstrap list wins', () => {
    expect(port({ url: 'b-1.kafka.example:9094', auth: 'iam' })).toBe(9094);
  });
  test.each([['BootstrapBrokers', 9092], ['BootstrapBrokersTls', 9094], ['BootstrapBrokersSaslScram', 9096], ['BootstrapBrokersSaslIam', 9098]] as const)(
    'an MSK cluster named by its %s attribute: TCP %d', (attribute, expected) => {
      const m = peered();
      m.model.dataStores.set('msk', { id: 'msk', source: { stack: 'Test', logicalId: 'msk' }, kind: 'msk-cluster', subnetIds: known(['subB']), securityGroupIds: known(['sgB']), publiclyAccessible: false });
      m.connection('kafka', undefined, [], { type: 'KAFKA', url: `{{ref:msk:${attribute}}}` }).job('etl', ['glue', 'kafka']);
      const s = store(buildPlan(m.model, { failover: false }), 'kafka');
      expect([s.locatedBy, s.port]).toEqual(['msk-cluster', expected]);
    });
});

describe('a job listing a connection nobody defines', () => {
  test('gets a data-store row with verdict UNKNOWN for it, besides GNP-CONNECTION-UNRESOLVED', () => {
    const m = peered().connection('db', 'subB', ['sgB'], { url: 'jdbc:mysql://10.2.1.50:3306/app' }).job('etl', ['glue', 'db', 'orders-legacy']);
    const plan = buildPlan(m.model, { failover: false });
    const row = store(plan, 'orders-legacy');
    expect(row).toMatchObject({ verdict: 'UNKNOWN', locatedBy: 'unknown', paths: [] });
    expect(row.explanations.map((e) => e.code)).toEqual(['UNKNOWN_CONNECTION']);
    expect(plan.jobs[0].findings.map((f) => f.ruleId)).toContain('GNP-CONNECTION-UNRESOLVED');
    // One warning says it, not two.
    expect(plan.jobs[0].findings.map((f) => f.ruleId)).not.toContain('GNP-STORE-UNKNOWN');
  });
});

describe('the port Glue connects to is the port the store listens on (STORE_PORT_MISMATCH)', () => {
  /** A PostgreSQL instance in subB whose group admits all TCP from the Glue subnet, listening on `listens`. */
  const withDb = (url: string, listens: Fact<number>) => {
    const m = peered();
    m.model.securityGroups.get('sgB')!.ingress.push(sgRule({ cidr: '10.1.1.0/24' }));
    m.model.dataStores.set('db', { id: 'db', source: { stack: 'Test', logicalId: 'db' }, kind: 'rds-instance', subnetIds: known(['subB']), securityGroupIds: known(['sgB']), port: listens, publiclyAccessible: false });
    m.connection('pg', undefined, [], { url }).job('etl', ['glue', 'pg']);
    return store(buildPlan(m.model, { failover: false }), 'pg');
  };

  test('the URL names 5432, the instance listens on 5433 (its groups admit every port): UNREACHABLE, was REACHABLE', () => {
    const s = withDb('jdbc:postgresql://{{ref:db:Endpoint.Address}}:5432/app', known(5433));
    expect(s.paths.map((p) => p.verdict)).toEqual(['REACHABLE']);
    expect(s.verdict).toBe('UNREACHABLE');
    const e = s.explanations.find((x) => x.code === 'STORE_PORT_MISMATCH')!;
    expect(e.message).toMatch(/connects to TCP 5432 .* listens on TCP 5433/);
    expect(e.fix).toMatch(/Put port 5433 in connection pg's address/);
  });

  test("a URL without a port connects to its driver's default (5432), not to the instance's 5433: UNREACHABLE", () => {
    expect(withDb('jdbc:postgresql://{{ref:db:Endpoint.Address}}/app', known(5433)).verdict).toBe('UNREACHABLE');
  });

  test('the URL names the endpoint port attribute, or the ports agree: REACHABLE', () => {
    expect(withDb('jdbc:postgresql://{{ref:db:Endpoint.Address}}:{{ref:db:Endpoint.Port}}/app', known(5433))).toMatchObject({ verdict: 'REACHABLE', port: 5433 });
    expect(withDb('jdbc:postgresql://{{ref:db:Endpoint.Address}}:5433/app', known(5433)).verdict).toBe('REACHABLE');
    expect(withDb('jdbc:postgresql://{{ref:db:Endpoint.Address}}/app', known(5432)).verdict).toBe('REACHABLE');
  });

  test('the instance port is not resolved: UNKNOWN (UNKNOWN_STORE_PORT), never REACHABLE', () => {
    const s = withDb('jdbc:postgresql://{{ref:db:Endpoint.Address}}:5432/app', unknown('Port is a parameter with no value'));
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.explanations.map((e) => e.code)).toContain('UNKNOWN_STORE_PORT');
  });

  test("the URL's port is not resolved: the port is unknown (UNKNOWN), not taken from the instance", () => {
    const s = withDb('jdbc:postgresql://{{ref:db:Endpoint.Address}}:{{unknown:parameter DbPort has no value}}/app', known(5432));
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.port).toBeUndefined();
  });

  test("a declared store listening on 6432 behind a URL naming 5432, or naming no port (the driver's 5432): UNREACHABLE; the URL naming 6432: REACHABLE", () => {
    const declared = (url: string) => {
      const m = peered();
      m.model.securityGroups.get('sgB')!.ingress.push(sgRule({ cidr: '10.1.1.0/24' }));
      m.connection('pg', 'subB', ['sgB'], { url }).declareStore('pg', { port: 6432 }).job('etl', ['glue', 'pg']);
      return store(buildPlan(m.model, { failover: false }), 'pg');
    };
    const s = declared('jdbc:postgresql://pg.example:5432/app');
    expect(s).toMatchObject({ verdict: 'UNREACHABLE', port: 5432 });
    expect(s.explanations.map((e) => e.code)).toContain('STORE_PORT_MISMATCH');
    // Without a port in the URL the driver connects to its default, 5432 (was: traced on the declared 6432, a false pass).
    const noPort = declared('jdbc:postgresql://pg.example/app');
    expect(noPort).toMatchObject({ verdict: 'UNREACHABLE', port: 5432 });
    expect(noPort.explanations.map((e) => e.code)).toContain('STORE_PORT_MISMATCH');
    expect(declared('jdbc:postgresql://pg.example:6432/app')).toMatchObject({ verdict: 'REACHABLE', port: 6432 });
  });

  test('an RDS instance whose engine is not resolved (no Port): the port it listens on is unknown, so UNKNOWN (UNKNOWN_STORE_PORT), never REACHABLE', () => {
    const s = withDb('jdbc:postgresql://{{ref:db:Endpoint.Address}}:5432/app', unknown('db gives no Port, and its Engine is not resolved'));
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.explanations.map((e) => e.code)).toContain('UNKNOWN_STORE_PORT');
  });
});

describe('a connection that gives no store address at all (a CUSTOM or MARKETPLACE connector)', () => {
  test('UNKNOWN, saying that the connection gives no address (not that its address has no port)', () => {
    const m = model().vpc('v', '10.0.0.0/16').subnet('s1', 'v', '10.0.1.0/24', 'us-east-1a').sg('sg', 'v')
      .connection('connector', 's1', ['sg'], { type: 'MARKETPLACE' }).job('etl', ['connector']);
    const verdict = store(buildPlan(m.model, { failover: false }), 'connector');
    expect(verdict.verdict).toBe('UNKNOWN');
    const text = JSON.stringify(verdict);
    expect(text).toMatch(/connection connector \(MARKETPLACE\) gives no store address \(JDBC_CONNECTION_URL, CONNECTION_URL, KAFKA_BOOTSTRAP_SERVERS, INSTANCE_URL or HOST\)/);
    expect(text).not.toMatch(/no port in the address/);
  });
});

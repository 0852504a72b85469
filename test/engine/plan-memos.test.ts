/**
 * What planning computes once and shares (issue 18): the reply routing of a store subnet, the
 * store's ingress check, the ACL judgements, the hops every path of a subnet starts or ends with,
 * the ENIs a job's run needs, the S3 round trip through an ACL. Each is keyed on everything its
 * answer depends on: two questions that differ in one part of the key get two answers, and a
 * model planned after another (same ids, other settings) gets its own.
 */
import { model, NaclEntrySpec, sgRule } from './builders';
import { buildPlan, DataStorePlan, Explanation, PathTrace, Plan } from '../../src/engine';
import { dedupeExplanations, explanationTexts } from '../../src/engine/planner';
import { RULES } from '../../src/engine/rules';
import { PROTOCOL_ALL } from '../../src/model';

const storesOf = (plan: Plan, jobId: string): DataStorePlan[] => plan.jobs.find((j) => j.id === jobId)!.dataStores;
const verdictOf = (plan: Plan, jobId: string) => storesOf(plan, jobId)[0].verdict;
const allowAll = (egress: boolean, rule = 100): NaclEntrySpec => ({ rule, egress, allow: true, cidr: '0.0.0.0/0', protocol: PROTOCOL_ALL });

/** One VPC: Glue subnets gA and gB, a store subnet db (its own ACL when `dbAcl`), groups sgGood, sgBad, sgDb. */
function oneVpc(opts: { dbAcl?: NaclEntrySpec[]; dbIngress?: ReturnType<typeof sgRule>[] } = {}) {
  const m = model().vpc('v', '10.1.0.0/16')
    .subnet('gA', 'v', '10.1.1.0/24', 'us-east-1a')
    .subnet('gB', 'v', '10.1.2.0/24', 'us-east-1a')
    .subnet('db', 'v', '10.1.9.0/24', 'us-east-1b')
    .sg('sgGood', 'v').sg('sgBad', 'v')
    .sg('sgDb', 'v', { ingress: opts.dbIngress ?? [sgRule({ group: 'sgGood', from: 5432 })] });
  if (opts.dbAcl) m.nacl('naclDb', 'v', ['db'], opts.dbAcl);
  return m;
}

/** A JDBC connection in `subnet` wearing `groups`, its store declared in db behind sgDb on `port`, and a job listing it alone. */
function storeJob(m: ReturnType<typeof oneVpc>, id: string, subnet: string, groups: string[], port = 5432) {
  return m.connection(id, subnet, groups, { url: `jdbc:postgresql://${id}.example:${port}/app` })
    .declareStore(id, { subnets: ['db'], groups: ['sgDb'], port })
    .job(`job-${id}`, [id]);
}

describe("the store's ingress check, shared by paths that ask the same question", () => {
  test('two jobs from one subnet that differ only in their groups: each gets its own answer', () => {
    const m = oneVpc();
    storeJob(m, 'good', 'gA', ['sgGood']);
    storeJob(m, 'bad', 'gA', ['sgBad']);
    storeJob(m, 'good2', 'gA', ['sgGood']);
    const plan = buildPlan(m.model, { failover: false });
    expect(verdictOf(plan, 'job-good')).toBe('REACHABLE');
    expect(verdictOf(plan, 'job-bad')).toBe('UNREACHABLE');
    expect(storesOf(plan, 'job-bad')[0].explanations.map((e) => e.code)).toContain('ENI_SG_RULES_MISMATCH');
    expect(verdictOf(plan, 'job-good2')).toBe('REACHABLE');
  });

  test('two jobs whose groups differ by one more group (one list the start of the other): each gets its own answer', () => {
    const m = oneVpc({ dbIngress: [sgRule({ group: 'sgBad', from: 5432 })] });
    storeJob(m, 'both', 'gA', ['sgGood', 'sgBad']);
    storeJob(m, 'first', 'gA', ['sgGood']);
    storeJob(m, 'both2', 'gA', ['sgGood', 'sgBad']);
    const plan = buildPlan(m.model, { failover: false });
    expect(verdictOf(plan, 'job-both')).toBe('REACHABLE');
    expect(verdictOf(plan, 'job-first')).toBe('UNREACHABLE');
    expect(verdictOf(plan, 'job-both2')).toBe('REACHABLE');
  });

  test('two stores that differ only in their port: each gets its own answer', () => {
    const m = oneVpc();
    storeJob(m, 'pg', 'gA', ['sgGood'], 5432);
    storeJob(m, 'mysql', 'gA', ['sgGood'], 3306);
    const plan = buildPlan(m.model, { failover: false });
    expect(verdictOf(plan, 'job-pg')).toBe('REACHABLE');
    expect(verdictOf(plan, 'job-mysql')).toBe('UNREACHABLE');
  });

  test('two Glue subnets, one admitted by a CIDR rule: each gets its own answer', () => {
    const m = oneVpc({ dbIngress: [sgRule({ cidr: '10.1.1.0/24', from: 5432 })] });
    storeJob(m, 'a', 'gA', ['sgGood']);
    storeJob(m, 'b', 'gB', ['sgGood']);
    const plan = buildPlan(m.model, { failover: false });
    expect(verdictOf(plan, 'job-a')).toBe('REACHABLE');
    expect(verdictOf(plan, 'job-b')).toBe('UNREACHABLE');
  });
});

describe("the store's ingress check: what else its answer depends on", () => {
  /**
   * Glue subnet gA in vpcA (group sgGlue); store subnets dbA in vpcA, dbB and dbC in vpcB, dbD in
   * vpcD (not peered), gA routing only dbB through a peering (unless not `peered`).
   */
  function twoVpcs(peered = true) {
    const m = model().vpc('vpcA', '10.1.0.0/16').vpc('vpcB', '10.2.0.0/16').vpc('vpcD', '10.4.0.0/16')
      .subnet('gA', 'vpcA', '10.1.1.0/24', 'us-east-1a')
      .subnet('dbA', 'vpcA', '10.1.9.0/24', 'us-east-1b')
      .subnet('dbB', 'vpcB', '10.2.8.0/24', 'us-east-1b')
      .subnet('dbC', 'vpcB', '10.2.9.0/24', 'us-east-1b')
      .subnet('dbD', 'vpcD', '10.4.9.0/24', 'us-east-1b')
      .sg('sgGlue', 'vpcA')
      // Admits the Glue group by reference; honoured within a VPC and over a peering in one Region.
      .sg('sgDb', 'vpcB', { ingress: [sgRule({ group: 'sgGlue', from: 5432 })] })
      .sg('sgNone', 'vpcB', { ingress: [] })
      .sg('sgDbD', 'vpcD', { ingress: [sgRule({ group: 'sgGlue', from: 5432 })] })
      .peering('pcx', 'vpcA', 'vpcB');
    return peered ? m.route('gA-rt', '10.2.8.0/24', 'vpc-peering', 'pcx').route('dbB-rt', '10.1.1.0/24', 'vpc-peering', 'pcx') : m;
  }
  const job = (m: ReturnType<typeof twoVpcs>, id: string, subnet: string, groups: string[]) =>
    m.connection(id, 'gA', ['sgGlue'], { url: `jdbc:postgresql://${id}.example:5432/app` })
      .declareStore(id, { subnets: [subnet], groups, port: 5432 })
      .job(`job-${id}`, [id]);
  const ingressHop = (plan: Plan, jobId: string) => storesOf(plan, jobId)[0].paths[0].hops.find((h) => h.kind === 'security-group' && h.component !== 'sgGlue')!;

  test('two stores of one subnet that differ only in their groups: each judged on its own groups', () => {
    const m = twoVpcs();
    job(m, 'good', 'dbB', ['sgDb']);
    job(m, 'none', 'dbB', ['sgNone']);
    const plan = buildPlan(m.model, { failover: false });
    expect(ingressHop(plan, 'job-good').verdict).toBe('REACHABLE');
    expect(ingressHop(plan, 'job-none').verdict).toBe('UNREACHABLE');
  });

  test('a store subnet of a peered VPC reached through the peering, one of an unpeered VPC: the reference is honoured for the first only', () => {
    const m = twoVpcs();
    job(m, 'peered', 'dbB', ['sgDb']);
    job(m, 'unpeered', 'dbD', ['sgDbD']);
    const plan = buildPlan(m.model, { failover: false });
    expect(ingressHop(plan, 'job-peered').verdict).toBe('REACHABLE');
    expect(ingressHop(plan, 'job-unpeered').verdict).toBe('UNREACHABLE');
    expect(storesOf(plan, 'job-unpeered')[0].explanations.find((e) => e.component === 'sgDbD')!.message).toContain('not peered');
  });

  test('a store subnet of the peered VPC that gA does not route: the reference is judged over the peering a route would take (honoured), so the missing route is the one blocker', () => {
    const m = twoVpcs();
    job(m, 'unrouted', 'dbC', ['sgDb']);
    const plan = buildPlan(m.model, { failover: false });
    expect(ingressHop(plan, 'job-unrouted').verdict).toBe('REACHABLE');
    expect(storesOf(plan, 'job-unrouted')[0].verdict).toBe('UNREACHABLE');
    expect(new Set(storesOf(plan, 'job-unrouted')[0].explanations.filter((e) => !e.unknown).map((e) => e.code))).toEqual(new Set(['NO_ROUTE_TO_DESTINATION']));
  });

  test('a store subnet of a VPC joined by a peering that is not active, which gA does not route: the reference is not judged honoured over it', () => {
    for (const [state, verdict] of [['failed', 'UNREACHABLE'], ['pending-acceptance', 'UNREACHABLE'], ['unknown', 'UNKNOWN']] as const) {
      const m = twoVpcs(false);
      m.model.peerings.set('pcx', { ...m.model.peerings.get('pcx')!, state });
      job(m, 'unrouted', 'dbC', ['sgDb']);
      const plan = buildPlan(m.model, { failover: false });
      expect(ingressHop(plan, 'job-unrouted').verdict).toBe(verdict);
      expect(storesOf(plan, 'job-unrouted')[0].explanations.find((e) => e.component === 'sgDb')!.message).toContain('pcx');
    }
  });

  test('two store subnets of one VPC, one routed to a next hop the templates do not describe and one not routed: undecided for the first only', () => {
    const m = twoVpcs(false).route('gA-rt', '10.2.9.0/24', 'instance', 'i-123');
    job(m, 'beyond', 'dbC', ['sgDb']);
    job(m, 'unrouted', 'dbB', ['sgDb']);
    const plan = buildPlan(m.model, { failover: false });
    expect(ingressHop(plan, 'job-beyond').verdict).toBe('UNKNOWN');
    const message = storesOf(plan, 'job-beyond')[0].explanations.find((e) => e.code === 'UNKNOWN_SECURITY_GROUP_RULES')!.message;
    expect(message).toContain('allow TCP 5432 from 10.1.1.0/24 cannot be told from the inputs: whether a group reference between vpcA and vpcB is honoured depends on a next hop the templates do not describe.');
    expect(message).not.toMatch(/depends on whether .* depends on/);
    // (Not routed: judged over the VPCs' peering.)
    expect(ingressHop(plan, 'job-unrouted').verdict).toBe('REACHABLE');
  });

  test("two stores with the same groups, one in the Glue subnet's VPC and one in an unpeered VPC: the reference is honoured for the first only", () => {
    const m = twoVpcs();
    job(m, 'local', 'dbA', ['sgDbD']);
    job(m, 'far', 'dbD', ['sgDbD']);
    const plan = buildPlan(m.model, { failover: false });
    expect(ingressHop(plan, 'job-local').verdict).toBe('REACHABLE');
    expect(ingressHop(plan, 'job-far').verdict).toBe('UNREACHABLE');
  });
});

describe('the routing of replies, shared by the paths of a store subnet', () => {
  /** Glue subnets gA, gB in vpcA (each routes vpcB through the peering); db in vpcB routes back to gA only. */
  function peered() {
    const m = model().vpc('vpcA', '10.1.0.0/16').vpc('vpcB', '10.2.0.0/16')
      .subnet('gA', 'vpcA', '10.1.1.0/24', 'us-east-1a')
      .subnet('gB', 'vpcA', '10.1.2.0/24', 'us-east-1a')
      .subnet('db', 'vpcB', '10.2.9.0/24', 'us-east-1b')
      .sg('sgGlue', 'vpcA').sg('sgDb', 'vpcB', { ingress: [sgRule({ cidr: '10.1.0.0/16', from: 5432 })] })
      .peering('pcx', 'vpcA', 'vpcB')
      .route('gA-rt', '10.2.0.0/16', 'vpc-peering', 'pcx')
      .route('gB-rt', '10.2.0.0/16', 'vpc-peering', 'pcx')
      .route('db-rt', '10.1.1.0/24', 'vpc-peering', 'pcx');
    for (const [id, subnet] of [['fromB', 'gB'], ['fromA', 'gA'], ['fromB2', 'gB']]) {
      m.connection(id, subnet, ['sgGlue'], { url: `jdbc:postgresql://${id}.example:5432/app` })
        .declareStore(id, { subnets: ['db'], groups: ['sgDb'], port: 5432 })
        .job(`job-${id}`, [id]);
    }
    return m;
  }

  test('replies to two Glue subnets of one store subnet: each follows its own route back', () => {
    const plan = buildPlan(peered().model, { failover: false });
    expect(verdictOf(plan, 'job-fromA')).toBe('REACHABLE');
    for (const job of ['job-fromB', 'job-fromB2']) {
      expect(verdictOf(plan, job)).toBe('UNREACHABLE');
      const back = storesOf(plan, job)[0].paths[0].hops.filter((h) => h.kind === 'route-table' && h.direction === 'return');
      expect(back.map((h) => h.verdict)).toEqual(['UNREACHABLE']);
    }
  });
});

describe('network ACL judgements, shared by ACL and question', () => {
  // The store subnet's ACL denies the replies to gB only.
  const repliesDeniedToB: NaclEntrySpec[] = [
    { rule: 50, egress: true, allow: false, cidr: '10.1.2.0/24', protocol: PROTOCOL_ALL },
    allowAll(true), allowAll(false),
  ];

  test('replies from one ACL to two Glue subnets: each judged on its own range', () => {
    const m = oneVpc({ dbAcl: repliesDeniedToB, dbIngress: [sgRule({ cidr: '10.1.0.0/16', from: 5432 })] });
    storeJob(m, 'a', 'gA', ['sgGood']);
    storeJob(m, 'b', 'gB', ['sgGood']);
    storeJob(m, 'a2', 'gA', ['sgGood']);
    const plan = buildPlan(m.model, { failover: false });
    expect(verdictOf(plan, 'job-a')).toBe('REACHABLE');
    expect(verdictOf(plan, 'job-a2')).toBe('REACHABLE');
    expect(verdictOf(plan, 'job-b')).toBe('UNREACHABLE');
    expect(storesOf(plan, 'job-b')[0].explanations.map((e) => [e.code, e.component])).toContainEqual(['SUBNET_ACL_RESTRICTION', 'naclDb']);
  });

  test('two models with the same ids planned one after the other: each judged on its own entries', () => {
    const build = (entries: NaclEntrySpec[]) => {
      const m = oneVpc({ dbAcl: entries, dbIngress: [sgRule({ cidr: '10.1.0.0/16', from: 5432 })] });
      return storeJob(m, 'b', 'gB', ['sgGood']).model;
    };
    const open = build([allowAll(true), allowAll(false)]);
    const denied = build(repliesDeniedToB);
    expect(verdictOf(buildPlan(open, { failover: false }), 'job-b')).toBe('REACHABLE');
    expect(verdictOf(buildPlan(denied, { failover: false }), 'job-b')).toBe('UNREACHABLE');
    expect(verdictOf(buildPlan(open, { failover: false }), 'job-b')).toBe('REACHABLE');
  });

  test('one ACL on both sides of a path, allowing everything: each forward hop names its own direction', () => {
    // gA and db share the VPC's default ACL (allow all), asked outbound and inbound on one port.
    const m = oneVpc({ dbIngress: [sgRule({ cidr: '10.1.0.0/16', from: 5432 })] });
    storeJob(m, 'a', 'gA', ['sgGood']);
    const plan = buildPlan(m.model, { failover: false });
    const forwardAcl = storesOf(plan, 'job-a')[0].paths[0].hops.filter((h) => h.kind === 'network-acl' && h.direction === 'forward');
    expect(forwardAcl.map((h) => [h.component, h.detail])).toEqual([
      ['v#default-nacl', 'outbound from the Glue subnet to the store on TCP 5432: allowed'],
      ['v#default-nacl', 'inbound into the store subnet from the Glue subnet on TCP 5432: allowed'],
    ]);
  });

  test('one ACL allowing one Glue subnet whole and half of another: the other is denied for the rest', () => {
    const m = oneVpc({
      dbAcl: [
        { rule: 100, egress: false, allow: true, cidr: '10.1.1.0/24', protocol: PROTOCOL_ALL },
        { rule: 110, egress: false, allow: true, cidr: '10.1.2.0/25', protocol: PROTOCOL_ALL },
        allowAll(true),
      ],
      dbIngress: [sgRule({ cidr: '10.1.0.0/16', from: 5432 })],
    });
    storeJob(m, 'a', 'gA', ['sgGood']);
    storeJob(m, 'b', 'gB', ['sgGood']);
    const plan = buildPlan(m.model, { failover: false });
    const intoDb = (job: string) => storesOf(plan, job)[0].paths[0].hops.find((h) => h.kind === 'network-acl' && h.component === 'naclDb' && h.direction === 'forward')!;
    expect(verdictOf(plan, 'job-a')).toBe('REACHABLE');
    expect(intoDb('job-a').detail).toMatch(/: allowed$/);
    expect(verdictOf(plan, 'job-b')).toBe('UNREACHABLE');
    expect(intoDb('job-b').detail).toContain('denied for 10.1.2.128/25 port 5432 (no rule matches: implicit deny)');
  });

  test('one ACL on both sides of the replies, allowing everything: each reply hop names its own direction', () => {
    const m = oneVpc({ dbIngress: [sgRule({ cidr: '10.1.0.0/16', from: 5432 })] });
    storeJob(m, 'a', 'gA', ['sgGood']);
    const plan = buildPlan(m.model, { failover: false });
    const replies = storesOf(plan, 'job-a')[0].paths[0].hops.filter((h) => h.kind === 'network-acl' && h.direction === 'return');
    expect(replies.map((h) => [h.component, h.detail])).toEqual([
      ['v#default-nacl', "outbound replies from the store to the Glue subnet (TCP 32768-60999, Glue's Linux client ports): allowed"],
      ['v#default-nacl', "inbound replies into the Glue subnet from the store (TCP 32768-60999, Glue's Linux client ports): allowed"],
    ]);
  });

  test('the replies of two Glue subnets, each behind its own ACL allowing everything: each names its own ACL', () => {
    const m = oneVpc({ dbIngress: [sgRule({ cidr: '10.1.0.0/16', from: 5432 })] })
      .nacl('naclA', 'v', ['gA'], [allowAll(true), allowAll(false)])
      .nacl('naclB', 'v', ['gB'], [allowAll(true), allowAll(false)]);
    storeJob(m, 'a', 'gA', ['sgGood']);
    storeJob(m, 'b', 'gB', ['sgGood']);
    const plan = buildPlan(m.model, { failover: false });
    const replies = (job: string) => storesOf(plan, job)[0].paths[0].hops.filter((h) => h.kind === 'network-acl' && h.direction === 'return').map((h) => h.component);
    expect(replies('job-a')).toEqual(['v#default-nacl', 'naclA']);
    expect(replies('job-b')).toEqual(['v#default-nacl', 'naclB']);
  });

  test('replies from one ACL to two Glue subnets, one admitted on every ephemeral port, the other on Linux\'s only: only the other rests on the assumption', () => {
    const m = oneVpc({
      dbAcl: [
        { rule: 100, egress: true, allow: true, cidr: '10.1.1.0/24', from: 1024, to: 65535 },
        { rule: 110, egress: true, allow: true, cidr: '0.0.0.0/0', from: 32768, to: 60999 },
        allowAll(false),
      ],
      dbIngress: [sgRule({ cidr: '10.1.0.0/16', from: 5432 })],
    });
    storeJob(m, 'a', 'gA', ['sgGood']);
    storeJob(m, 'b', 'gB', ['sgGood']);
    const plan = buildPlan(m.model, { failover: false });
    const path = (job: string) => storesOf(plan, job)[0].paths[0];
    expect(path('job-a').verdict).toBe('REACHABLE');
    expect(path('job-a').assumptions).toBeUndefined();
    expect(path('job-b').verdict).toBe('REACHABLE');
    expect(path('job-b').assumptions).toEqual([expect.stringContaining('ephemeral range 32768-60999')]);
  });

  test('the forward ACL hops of two ports of one store subnet name their own port', () => {
    const m = oneVpc({ dbAcl: [allowAll(true), allowAll(false)], dbIngress: [sgRule({ cidr: '10.1.0.0/16' })] });
    storeJob(m, 'pg', 'gA', ['sgGood'], 5432);
    storeJob(m, 'mysql', 'gA', ['sgGood'], 3306);
    const plan = buildPlan(m.model, { failover: false });
    const forwardAcl = (job: string) => storesOf(plan, job)[0].paths[0].hops.filter((h) => h.kind === 'network-acl' && h.direction === 'forward').map((h) => h.detail);
    expect(forwardAcl('job-pg').every((d) => d.includes('TCP 5432'))).toBe(true);
    expect(forwardAcl('job-mysql').every((d) => d.includes('TCP 3306'))).toBe(true);
    expect(forwardAcl('job-mysql')).toHaveLength(2);
  });
});

describe('the first and last hops of paths, shared by subnet', () => {
  test('two stores of one subnet addressed by IP: the store hop names each address and port', () => {
    const m = oneVpc({ dbIngress: [sgRule({ cidr: '10.1.0.0/16' })] });
    m.connection('ten', 'gA', ['sgGood'], { url: 'jdbc:postgresql://10.1.9.10:5432/app' }).job('job-ten', ['ten'])
      .connection('twenty', 'gA', ['sgGood'], { url: 'jdbc:mysql://10.1.9.20:3306/app' }).job('job-twenty', ['twenty'])
      .connection('whole', 'gB', ['sgGood'], { url: 'jdbc:postgresql://whole.example:5432/app' }).declareStore('whole', { subnets: ['db'], groups: ['sgDb'], port: 5432 }).job('job-whole', ['whole']);
    const plan = buildPlan(m.model, { failover: false });
    const hop = (job: string, kind: string) => storesOf(plan, job)[0].paths[0].hops.find((h) => h.kind === kind)!.detail;
    expect(hop('job-ten', 'data-store')).toContain('10.1.9.10');
    expect(hop('job-ten', 'data-store')).toContain('TCP 5432');
    expect(hop('job-twenty', 'data-store')).toContain('10.1.9.20');
    expect(hop('job-twenty', 'data-store')).toContain('TCP 3306');
    expect(hop('job-whole', 'data-store')).toContain('10.1.9.0/24');
    expect(hop('job-ten', 'eni')).toContain('gA');
    expect(hop('job-whole', 'eni')).toContain('gB');
  });
});

describe("a job's ENIs per run, counted once per job", () => {
  /** A /28 subnet (11 usable addresses) and a job of `workers` G.1X workers (workers + 2 ENIs). */
  const small = (workers: number, other?: number) => {
    const m = model().vpc('v', '10.1.0.0/16').subnet('tiny', 'v', '10.1.1.0/28', 'us-east-1a').sg('sg', 'v')
      .connection('net', 'tiny', ['sg'], { type: 'NETWORK' })
      .job('etl', ['net'], { workers });
    if (other !== undefined) m.job('etl2', ['net'], { workers: other });
    return m.model;
  };
  const tooSmall = (plan: Plan) => plan.jobs.flatMap((j) => j.findings).filter((f) => f.ruleId === RULES.subnetTooSmall.id).map((f) => f.jobId);

  test('two models with the same job id, planned one after the other: each counted on its own workers', () => {
    expect(tooSmall(buildPlan(small(2), { failover: false }))).toEqual([]);
    expect(tooSmall(buildPlan(small(20), { failover: false }))).toEqual(['etl']);
    expect(tooSmall(buildPlan(small(2), { failover: false }))).toEqual([]);
  });

  test('two jobs that differ only in their workers: each counted on its own', () => {
    expect(tooSmall(buildPlan(small(2, 20), { failover: false }))).toEqual(['etl2']);
  });

  test('four jobs of one connection, two demands taking turns: each judged on its own demand', () => {
    const m = model().vpc('v', '10.1.0.0/16').subnet('tiny', 'v', '10.1.1.0/28', 'us-east-1a').sg('sg', 'v')
      .connection('net', 'tiny', ['sg'], { type: 'NETWORK' })
      .job('etl1', ['net'], { workers: 2 }).job('etl2', ['net'], { workers: 20 })
      .job('etl3', ['net'], { workers: 2 }).job('etl4', ['net'], { workers: 20 });
    expect(tooSmall(buildPlan(m.model, { failover: false }))).toEqual(['etl2', 'etl4']);
  });
});

describe('a connection listed after the selected one, shared by the selections that pass it over', () => {
  test('listed after two different connections by three jobs: each candidate names the connection its job selects', () => {
    const m = model().vpc('v', '10.1.0.0/16').subnet('g', 'v', '10.1.1.0/24', 'us-east-1a').sg('sg', 'v')
      .connection('c1', 'g', ['sg'], { type: 'NETWORK' }).connection('c2', 'g', ['sg'], { type: 'NETWORK' })
      .connection('late', 'g', ['sg'], { type: 'NETWORK' })
      .job('a', ['c1', 'late']).job('b', ['c2', 'late']).job('c', ['c1', 'late']);
    const plan = buildPlan(m.model, { failover: false });
    const passed = (id: string) => plan.jobs.find((j) => j.id === id)!.candidates[1].reasons[0].message;
    expect(passed('a')).toMatch(/\(c1\)/);
    expect(passed('b')).toMatch(/\(c2\)/);
    expect(passed('c')).toMatch(/\(c1\)/);
  });
});

describe("a store finding's texts, from its explanations in one pass", () => {
  const e = (code: string, message: string, fix: string, unknown?: boolean): Explanation => ({ code, component: code, message, fix, ...unknown ? { unknown } : {} });
  const explanations = [
    e('A', 'a1', 'fix A'), e('U', 'u1', 'fix U', true), e('B', 'b1', 'fix B'), e('A', 'a1', 'fix A'),
    e('U', 'u1', 'fix U2', true), e('C', '', 'fix B'), e('V', 'v1', 'fix U', true),
  ];
  test('the blocking ones: codes once, every message, fixes once, in order', () => {
    expect(explanationTexts(explanations, false)).toEqual({ codes: 'A, B, C', messages: 'a1 b1 a1 ', fixes: 'fix A fix B' });
  });
  test('the unknown ones: codes once, messages once, fixes once, in order', () => {
    expect(explanationTexts(explanations, true)).toEqual({ codes: 'U, V', messages: 'u1 v1', fixes: 'fix U fix U2' });
  });
  test('none: empty texts', () => {
    expect(explanationTexts([e('U', 'u', 'f', true)], false)).toEqual({ codes: '', messages: '', fixes: '' });
  });
});

describe("a connection's suitability, shared by jobs whose ENIs per run are counted alike", () => {
  test('two jobs with the same range of ENIs from different unresolved parameters: each candidate names its own parameter', () => {
    const m = model().vpc('v', '10.1.0.0/16').subnet('tiny', 'v', '10.1.1.0/28', 'us-east-1a').sg('sg', 'v')
      .connection('net', 'tiny', ['sg'], { type: 'NETWORK' })
      .job('a', ['net']).job('b', ['net']);
    for (const [id, parameter] of [['a', 'WorkersA'], ['b', 'WorkersB']]) {
      m.model.jobs.set(id, { ...m.model.jobs.get(id)!, numberOfWorkers: { known: false, reason: `parameter ${parameter} has no value` } });
    }
    const plan = buildPlan(m.model, { failover: false });
    const reasons = (id: string) => plan.jobs.find((j) => j.id === id)!.candidates.flatMap((c) => c.reasons.map((r) => r.message)).join(' ');
    expect(reasons('a')).toMatch(/WorkersA/);
    expect(reasons('b')).toMatch(/WorkersB/);
    expect(reasons('b')).not.toMatch(/WorkersA/);
  });
});

describe('the S3 round trip through a Glue subnet ACL, judged once per ACL', () => {
  test('two subnets with their own ACLs, one blocking HTTPS out: only its connection is reported', () => {
    const m = model().vpc('v', '10.1.0.0/16')
      .subnet('open', 'v', '10.1.1.0/24', 'us-east-1a')
      .subnet('closed', 'v', '10.1.2.0/24', 'us-east-1a')
      .nacl('naclOpen', 'v', ['open'], [allowAll(true), allowAll(false)])
      .nacl('naclClosed', 'v', ['closed'], [{ rule: 90, egress: true, allow: false, cidr: '0.0.0.0/0', from: 443 }, allowAll(true), allowAll(false)])
      .sg('sg', 'v')
      .connection('cOpen', 'open', ['sg'], { type: 'NETWORK' }).job('jOpen', ['cOpen'])
      .connection('cClosed', 'closed', ['sg'], { type: 'NETWORK' }).job('jClosed', ['cClosed']);
    const s3 = (plan: Plan) => plan.findings.filter((f) => f.ruleId === RULES.s3PathAcl.id).map((f) => f.source.logicalId);
    expect(s3(buildPlan(m.model, { failover: false }))).toEqual(['cClosed']);
  });
});

describe('what a check reads of a list of groups, once per model and list', () => {
  test("one connection in two models whose group differs (egress rules): each judged on its own model's group", () => {
    const m = oneVpc({ dbIngress: [sgRule({ cidr: '10.1.0.0/16', from: 5432 })] });
    storeJob(m, 'a', 'gA', ['sgGood']);
    const open = m.model;
    // The same connection objects (and lists of group ids), another group behind the id.
    const closed = { ...open, securityGroups: new Map(open.securityGroups) };
    closed.securityGroups.set('sgGood', { ...open.securityGroups.get('sgGood')!, egress: [] });
    expect(verdictOf(buildPlan(open, { failover: false }), 'job-a')).toBe('REACHABLE');
    expect(verdictOf(buildPlan(closed, { failover: false }), 'job-a')).toBe('UNREACHABLE');
    expect(verdictOf(buildPlan(open, { failover: false }), 'job-a')).toBe('REACHABLE');
  });

  test('one connection in two models, its group described in one only: UNKNOWN in the other, naming it', () => {
    const m = oneVpc({ dbIngress: [sgRule({ cidr: '10.1.0.0/16', from: 5432 })] });
    storeJob(m, 'a', 'gA', ['sgGood']);
    const described = m.model;
    const missing = { ...described, securityGroups: new Map(described.securityGroups) };
    missing.securityGroups.delete('sgGood');
    expect(verdictOf(buildPlan(described, { failover: false }), 'job-a')).toBe('REACHABLE');
    const plan = buildPlan(missing, { failover: false });
    expect(verdictOf(plan, 'job-a')).toBe('UNKNOWN');
    expect(storesOf(plan, 'job-a')[0].explanations.map((e) => e.message).join(' ')).toContain('security group sgGood is not described');
  });
});

describe("a store's explanations, each once by code and component, blocking ones first", () => {
  const e = (code: string, component: string, unknown?: boolean): Explanation => ({ code, component, message: `${code} ${component}`, fix: 'f', ...unknown ? { unknown } : {} });
  const path = (explanations: Explanation[]): PathTrace => ({ sourceSubnet: 'a', destinationSubnet: 'b', verdict: 'UNREACHABLE', hops: [], explanations });
  /** What sorting the explanations of the paths by `unknown` after dropping repeats gave. */
  const expected = (paths: PathTrace[]) => {
    const seen = new Set<string>();
    const once = paths.flatMap((p) => p.explanations).filter((x) => !seen.has(`${x.code}|${x.component}`) && seen.add(`${x.code}|${x.component}`));
    return [...once.filter((x) => !x.unknown), ...once.filter((x) => x.unknown)];
  };
  test('a few (compared with the ones kept): repeats across paths and lists dropped, first kept', () => {
    const a = e('X', '1');
    const paths = [path([e('U', '1', true), a, e('X', '2')]), path([e('X', '1'), e('U', '1'), e('Y', '1', true), e('X', '2', true)])];
    expect(dedupeExplanations(paths)).toEqual(expected(paths));
    expect(dedupeExplanations(paths)[0]).toBe(a);
    expect(dedupeExplanations(paths).map((x) => `${x.code}${x.component}`)).toEqual(['X1', 'X2', 'U1', 'Y1']);
  });
  test('many (indexed): the same', () => {
    const paths = [0, 1, 2].map((i) => path(Array.from({ length: 12 }, (_, j) => e(`C${j % 5}`, `${(i + j) % 4}`, j % 3 === 0))));
    expect(dedupeExplanations(paths)).toEqual(expected(paths));
    expect(dedupeExplanations(paths).length).toBeLessThan(36);
  });
});

describe("the store's ingress fix when the connection lists no security group", () => {
  test('names no empty group: it says the connection lists none and must list one with the self-referencing rule', () => {
    const m = model().vpc('vpcA', '10.1.0.0/16')
      .subnet('gA', 'vpcA', '10.1.1.0/24', 'us-east-1a')
      .subnet('dbA', 'vpcA', '10.1.9.0/24', 'us-east-1b')
      .sg('sgDb', 'vpcA', { ingress: [] })
      .connection('none', 'gA', [], { url: 'jdbc:postgresql://none.example:5432/app' })
      .declareStore('none', { subnets: ['dbA'], groups: ['sgDb'], port: 5432 })
      .job('job-none', ['none']);
    const plan = buildPlan(m.model, { failover: false });
    const fix = storesOf(plan, 'job-none')[0].explanations.find((e) => e.component === 'sgDb')!.fix;
    expect(fix).not.toMatch(/security group +\(/);
    expect(fix).toContain('Add ingress TCP 5432 on sgDb from 10.1.1.0/24');
    expect(fix).toContain('the Glue connection lists no security group, and it must list one with the self-referencing rule');
  });
});

/**
 * Spec §1 (which connections count) and §3 (requirements on the selected subnet and its groups):
 * literal connection names, NETWORK connections without a subnet, jobs without a network-bearing
 * connection, Ray jobs, the self-referencing rule, egress, VPC DNS and the groups-per-ENI quota.
 */
import { model, sgRule } from './builders';
import { buildPlan, Plan } from '../../src/engine';
import { PROTOCOL_ALL, PROTOCOL_TCP, SecurityGroupRule } from '../../src/model';
import { anyResource, glueJob, glueReadyVpc, modelOf, ref } from '../ingest/builders';

const allFindings = (plan: Plan) => [...plan.findings, ...plan.jobs.flatMap((j) => j.findings)];
const ruleIds = (plan: Plan) => allFindings(plan).map((f) => f.ruleId);

/** VPC A (Glue subnet subA) and an unpeered VPC B holding a MySQL store. */
function base() {
  return model()
    .vpc('vpcA', '10.1.0.0/16').vpc('vpcB', '10.2.0.0/16')
    .subnet('subA', 'vpcA', '10.1.1.0/24', 'us-east-1a')
    .subnet('subB', 'vpcB', '10.2.1.0/24', 'us-east-1b')
    .sg('sgA', 'vpcA').sg('sgB', 'vpcB')
    .connection('glueA', 'subA', ['sgA'], { type: 'NETWORK' })
    .connection('mysqlB', 'subB', ['sgB'], { url: 'jdbc:mysql://mysql.example:3306/app' });
}

describe('§1 literal connection names', () => {
  test('a name no template or facts file defines, listed first: candidate `unknown`, GNP-CONNECTION-UNRESOLVED and GNP-SELECTION-UNKNOWN, no store UNREACHABLE', () => {
    const plan = buildPlan(base().job('etl', ['shared-conn', 'glueA', 'mysqlB']).model, { failover: false });
    const job = plan.jobs[0];
    expect(job.candidates[0]).toMatchObject({ status: 'unknown', connection: { name: 'shared-conn' }, reasons: [{ code: 'CONNECTION_NOT_DESCRIBED' }] });
    const ids = job.findings.map((f) => f.ruleId);
    expect(ids).toContain('GNP-CONNECTION-UNRESOLVED');
    expect(ids).toContain('GNP-SELECTION-UNKNOWN');
    expect(job.findings.find((f) => f.ruleId === 'GNP-CONNECTION-UNRESOLVED')?.message).toContain('shared-conn');
    // From glueA, mysqlB (unpeered) would be UNREACHABLE; but shared-conn might be selected instead.
    expect(job.dataStores.map((s) => s.verdict)).not.toContain('UNREACHABLE');
    expect(job.dataStores.find((s) => s.connection.name === 'mysqlB')?.verdict).toBe('UNKNOWN');
    expect(ids).not.toContain('GNP-STORE-UNREACHABLE');
    expect(ids).not.toContain('GNP-NO-VPC-CONNECTION');
  });

  test('the only connection is an undefined name: no GNP-NO-VPC-CONNECTION and no GNP-NO-SUITABLE-CONNECTION', () => {
    const plan = buildPlan(base().job('etl', ['shared-conn']).model, { failover: false });
    const ids = plan.jobs[0].findings.map((f) => f.ruleId);
    expect(ids).toEqual(expect.arrayContaining(['GNP-CONNECTION-UNRESOLVED', 'GNP-SELECTION-UNKNOWN']));
    expect(ids).not.toContain('GNP-NO-VPC-CONNECTION');
    expect(ids).not.toContain('GNP-NO-SUITABLE-CONNECTION');
    expect(plan.jobs[0].selectedConnection).toBeNull();
  });

  test('the same literal name with a defining connection (e.g. from --facts): resolved, verdicts decided', () => {
    const m = base().connection('shared-conn', 'subA', ['sgA'], { type: 'NETWORK' }).job('etl', ['shared-conn', 'glueA', 'mysqlB']);
    const plan = buildPlan(m.model, { failover: false });
    const job = plan.jobs[0];
    expect(job.candidates[0].status).toBe('selected');
    const ids = job.findings.map((f) => f.ruleId);
    expect(ids).not.toContain('GNP-CONNECTION-UNRESOLVED');
    expect(ids).not.toContain('GNP-SELECTION-UNKNOWN');
    expect(job.dataStores.find((s) => s.connection.name === 'mysqlB')?.verdict).toBe('UNREACHABLE');
  });

  test('an undefined name after the selected connection is never considered: selection decided, still reported unresolved', () => {
    const plan = buildPlan(base().job('etl', ['glueA', 'shared-conn']).model, { failover: false });
    const job = plan.jobs[0];
    expect(job.candidates.map((c) => c.status)).toEqual(['selected', 'not-considered']);
    const ids = job.findings.map((f) => f.ruleId);
    expect(ids).toContain('GNP-CONNECTION-UNRESOLVED');
    expect(ids).not.toContain('GNP-SELECTION-UNKNOWN');
  });
});

describe('§1 NETWORK connection without a subnet', () => {
  test('GNP-NETWORK-CONNECTION-NO-SUBNET (error) on the connection', () => {
    const plan = buildPlan(base().connection('net', undefined, [], { type: 'NETWORK' }).model);
    const f = allFindings(plan).find((x) => x.ruleId === 'GNP-NETWORK-CONNECTION-NO-SUBNET');
    expect(f).toMatchObject({ severity: 'error', source: { logicalId: 'net' } });
    expect(f?.fix).toMatch(/SubnetId/);
  });

  test('a JDBC connection without a subnet is not a configuration error', () => {
    const plan = buildPlan(base().connection('jdbc', undefined, [], { url: 'jdbc:mysql://x.example:3306/db' }).model);
    expect(ruleIds(plan)).not.toContain('GNP-NETWORK-CONNECTION-NO-SUBNET');
  });
});

describe('§1 job with no network-bearing connection', () => {
  test('runs outside the VPC: GNP-NO-VPC-CONNECTION, nothing selected, the private store UNREACHABLE with GLUE_NOT_IN_VPC', () => {
    const m = base()
      .store('rds', 'rds-instance', ['subB'], ['sgB'], 3306)
      .connection('mysql', undefined, [], { url: 'jdbc:mysql://{{ref:rds:Endpoint.Address}}:3306/db' })
      .job('etl', ['mysql']);
    const plan = buildPlan(m.model);
    const job = plan.jobs[0];
    expect(job.selectedConnection).toBeNull();
    expect(job.candidates[0]).toMatchObject({ status: 'not-considered', reasons: [{ code: 'NO_NETWORK_CONFIGURATION' }] });
    expect(job.findings.map((f) => f.ruleId)).toContain('GNP-NO-VPC-CONNECTION');
    expect(job.findings.map((f) => f.ruleId)).not.toContain('GNP-NO-SUITABLE-CONNECTION');
    expect(job.dataStores[0]).toMatchObject({ verdict: 'UNREACHABLE', explanations: [{ code: 'GLUE_NOT_IN_VPC' }] });
  });
});

describe('§1 Ray jobs cannot use a VPC', () => {
  test('Ray job with a VPC connection: GNP-RAY-VPC (error)', () => {
    const m = base().connection('local', 'subA', ['sgA'], { url: 'jdbc:mysql://db.example:3306/app' }).job('ray', ['local'], { command: 'glueray' });
    const plan = buildPlan(m.model, { failover: false });
    const f = plan.jobs[0].findings.find((x) => x.ruleId === 'GNP-RAY-VPC');
    expect(f).toMatchObject({ severity: 'error', jobId: 'ray' });
  });

  // REGRESSION (an engine bug this test found, now fixed): spec §1 says Ray jobs cannot use a VPC, and a
  // job that runs outside the VPC cannot reach private data stores. The engine still selects the
  // connection for a Ray job and traces paths as if its ENIs were in the subnet, so the store in the
  // connection's own subnet comes out REACHABLE while GNP-RAY-VPC says "its runs cannot reach them".
  // Suspect src/engine/planner.ts planJob: selectConnection/planStores ignore job.command === 'glueray'.
  test('the Ray job\'s private store is not REACHABLE (the plan must not contradict GNP-RAY-VPC)', () => {
    const m = base().connection('local', 'subA', ['sgA'], { url: 'jdbc:mysql://db.example:3306/app' }).job('ray', ['local'], { command: 'glueray' });
    const plan = buildPlan(m.model, { failover: false });
    expect(plan.jobs[0].dataStores[0].verdict).toBe('UNREACHABLE');
  });

  test('a Spark job with the same connection: no GNP-RAY-VPC', () => {
    const m = base().connection('local', 'subA', ['sgA'], { url: 'jdbc:mysql://db.example:3306/app' }).declareStore('local').job('spark', ['local']);
    const plan = buildPlan(m.model, { failover: false });
    expect(ruleIds(plan)).not.toContain('GNP-RAY-VPC');
    expect(plan.jobs[0].dataStores[0].verdict).toBe('REACHABLE');
  });
});

describe('§3 self-referencing all-TCP inbound rule (per group, not on the union)', () => {
  test('no self-referencing rule: GNP-SG-NO-SELF-REFERENCE with the Glue error text and the fix', () => {
    const m = model().vpc('v', '10.0.0.0/16').subnet('s', 'v', '10.0.1.0/24', 'us-east-1a')
      .sg('sg1', 'v', { selfRef: false, ingress: [sgRule({ cidr: '10.0.2.0/24' })] })
      .connection('c', 's', ['sg1'], { type: 'NETWORK' }).job('j', ['c']);
    const plan = buildPlan(m.model);
    const f = allFindings(plan).find((x) => x.ruleId === 'GNP-SG-NO-SELF-REFERENCE');
    expect(f).toMatchObject({ severity: 'error', source: { logicalId: 'sg1' } });
    expect(f?.message).toMatch(/At least one security group must open all ingress ports/);
    expect(f?.fix).toMatch(/all TCP \(0-65535\) from sg1/);
  });

  test.each([
    ['an empty SecurityGroupIdList', { SecurityGroupIdList: [] }],
    ['no SecurityGroupIdList', {}],
  ])('a connection in a subnet with %s (the property is optional): GNP-SG-NO-SELF-REFERENCE on the connection, none of its groups can be the one Glue requires', (_, groups) => {
    const m = modelOf({
      ...glueReadyVpc('A', '10.0.0.0/16', '10.0.1.0/24', 'us-east-1a'),
      Conn: anyResource('AWS::Glue::Connection', { CatalogId: '111111111111', ConnectionInput: { Name: 'net', ConnectionType: 'NETWORK', PhysicalConnectionRequirements: { SubnetId: ref('SubA'), ...groups } } }),
      Job: glueJob(['net']),
    });
    const f = allFindings(buildPlan(m, { failover: false })).find((x) => x.ruleId === 'GNP-SG-NO-SELF-REFERENCE');
    expect(f).toMatchObject({ severity: 'error', source: { logicalId: 'Conn' } });
    expect(f?.message).toMatch(/lists no security groups .*At least one security group must open all ingress ports/);
    // What Glue does with an empty list is not documented: the message says what AWS documents and what is assumed.
    expect(f?.message).toMatch(/AWS documents that the security groups specified in the connection are applied to each ENI/);
    expect(f?.message).toMatch(/What Glue does with a connection that lists none is not documented: this check assumes the run fails that requirement/);
  });

  test('two groups that only reference each other: still GNP-SG-NO-SELF-REFERENCE', () => {
    const m = model().vpc('v', '10.0.0.0/16').subnet('s', 'v', '10.0.1.0/24', 'us-east-1a')
      .sg('sg1', 'v', { selfRef: false, ingress: [sgRule({ group: 'sg2' })] })
      .sg('sg2', 'v', { selfRef: false, ingress: [sgRule({ group: 'sg1' })] })
      .connection('c', 's', ['sg1', 'sg2'], { type: 'NETWORK' }).job('j', ['c']);
    expect(ruleIds(buildPlan(m.model))).toContain('GNP-SG-NO-SELF-REFERENCE');
  });

  test('a self-reference on a port range short of all TCP does not count', () => {
    const m = model().vpc('v', '10.0.0.0/16').subnet('s', 'v', '10.0.1.0/24', 'us-east-1a')
      .sg('sg1', 'v', { selfRef: false, ingress: [sgRule({ group: 'sg1', from: 1024, to: 65535 })] })
      .connection('c', 's', ['sg1'], { type: 'NETWORK' }).job('j', ['c']);
    expect(ruleIds(buildPlan(m.model))).toContain('GNP-SG-NO-SELF-REFERENCE');
  });

  test('one of two groups self-references: no finding', () => {
    const m = model().vpc('v', '10.0.0.0/16').subnet('s', 'v', '10.0.1.0/24', 'us-east-1a')
      .sg('sg1', 'v', { selfRef: false }).sg('sg2', 'v')
      .connection('c', 's', ['sg1', 'sg2'], { type: 'NETWORK' }).job('j', ['c']);
    expect(ruleIds(buildPlan(m.model))).not.toContain('GNP-SG-NO-SELF-REFERENCE');
  });
});

/*
 * Glue's check is that one group "open all ingress ports", the source optionally restricted to the
 * group itself (Glue troubleshooting, "Inbound rule in security group required"). An all-TCP rule
 * from a CIDR that covers the whole ENI subnet admits every worker of the run as the
 * self-reference does: accepted, with an info finding naming the documented form.
 */
describe('§3 an all-TCP CIDR rule covering the ENI subnet serves as the self-reference', () => {
  const withIngress = (cidr: string) => model().vpc('v', '10.0.0.0/16').subnet('s', 'v', '10.0.1.0/24', 'us-east-1a')
    .sg('sg1', 'v', { selfRef: false, ingress: [sgRule({ cidr, from: 0, to: 65535 })] })
    .connection('c', 's', ['sg1'], { type: 'NETWORK' }).job('j', ['c']);

  test('all TCP from the VPC CIDR (covers the subnet): no error, an info finding GNP-SG-SELF-REFERENCE-CIDR naming the documented form', () => {
    const plan = buildPlan(withIngress('10.0.0.0/16').model);
    expect(ruleIds(plan)).not.toContain('GNP-SG-NO-SELF-REFERENCE');
    const f = allFindings(plan).find((x) => x.ruleId === 'GNP-SG-SELF-REFERENCE-CIDR');
    expect(f).toMatchObject({ severity: 'info', source: { logicalId: 'sg1' } });
    expect(f?.message).toMatch(/10\.0\.0\.0\/16, which covers the whole ENI subnet s \(10\.0\.1\.0\/24\)/);
    expect(f?.message).toMatch(/documented form is a self-referencing rule for all TCP ports/);
  });

  test('all TCP from exactly the subnet CIDR: accepted the same way', () => {
    expect(ruleIds(buildPlan(withIngress('10.0.1.0/24').model, { failover: false }))).toEqual(['GNP-SG-SELF-REFERENCE-CIDR']);
  });

  test('all TCP from a CIDR covering only half the subnet: still GNP-SG-NO-SELF-REFERENCE (ENIs may be anywhere in it)', () => {
    const ids = ruleIds(buildPlan(withIngress('10.0.1.0/25').model));
    expect(ids).toContain('GNP-SG-NO-SELF-REFERENCE');
    expect(ids).not.toContain('GNP-SG-SELF-REFERENCE-CIDR');
  });

  test('all TCP egress to the subnet CIDR plus HTTPS to S3 serves as the self-referencing outbound rule', () => {
    const https: SecurityGroupRule = { source: { stack: 'Test', logicalId: 'https' }, protocol: PROTOCOL_TCP, ports: { from: 443, to: 443 }, peer: { kind: 'prefix-list', prefixListId: 'pl-63a5400a' } };
    const m = model().vpc('v', '10.0.0.0/16').subnet('s', 'v', '10.0.1.0/24', 'us-east-1a')
      .sg('sg1', 'v', { egress: [sgRule({ cidr: '10.0.1.0/24', from: 0, to: 65535 }), https] })
      .connection('c', 's', ['sg1'], { type: 'NETWORK' }).job('j', ['c']);
    const ids = ruleIds(buildPlan(m.model));
    expect(ids).not.toContain('GNP-SG-EGRESS');
    expect(ids).toContain('GNP-SG-SELF-REFERENCE-CIDR');
  });
});

/*
 * EC2 associates a security group only with resources of the VPC it was created for, so it refuses
 * an ENI whose group belongs to another VPC than the subnet's. Glue's documented checks at run
 * submission do not look at groups: modelled as selected, then every run fails (unverified).
 */
describe('§3 security groups of another VPC (GNP-CONNECTION-SG-OTHER-VPC)', () => {
  const foreign = () => base()
    .subnet('subA2', 'vpcA', '10.1.2.0/24', 'us-east-1b')
    .connection('glueForeign', 'subA', ['sgB'], { type: 'NETWORK' })
    .connection('glueA2', 'subA2', ['sgA'], { type: 'NETWORK' });

  test('a connection whose group is of another VPC: selected, runs fail there (error on the connection), the next connection not used', () => {
    const plan = buildPlan(foreign().job('etl', ['glueForeign', 'glueA2']).model, { failover: false });
    const job = plan.jobs[0];
    expect(job.selectedConnection?.name).toBe('glueForeign');
    expect(job.candidates.map((c) => c.status)).toEqual(['selected', 'not-considered']);
    expect(job.candidates[0].reasons.map((r) => r.code)).toContain('SG_OTHER_VPC');
    const f = job.findings.find((x) => x.ruleId === 'GNP-CONNECTION-SG-OTHER-VPC');
    expect(f).toMatchObject({ severity: 'error', source: { logicalId: 'glueForeign' }, jobId: 'etl' });
    expect(f?.message).toMatch(/sgB belongs to vpcB, not to vpcA/);
    expect(f?.message).toMatch(/unverified/);
  });

  test("the job's stores from that connection: UNREACHABLE, RUN_FAILS_AT_ENI_CREATION first", () => {
    const m = foreign().connection('db', 'subA2', ['sgA'], { url: 'jdbc:mysql://10.1.2.10:3306/app' }).job('etl', ['glueForeign', 'db']);
    const store = buildPlan(m.model, { failover: false }).jobs[0].dataStores[0];
    expect(store.verdict).toBe('UNREACHABLE');
    expect(store.explanations[0]).toMatchObject({ code: 'RUN_FAILS_AT_ENI_CREATION', component: 'glueForeign' });
  });

  test('groups of the subnet\'s own VPC: no finding', () => {
    expect(ruleIds(buildPlan(foreign().job('etl', ['glueA2']).model, { failover: false }))).not.toContain('GNP-CONNECTION-SG-OTHER-VPC');
  });
});

/*
 * EC2 AssociateSecurityGroupVpc (AWS::EC2::SecurityGroupVpcAssociation) lets interfaces of another
 * VPC of the same account and Region use a group. That Glue passes such a group through, and that
 * rules of that VPC referencing it admit its wearers, AWS does not document: stated as assumed.
 */
describe('§3 a security group associated with the subnet\'s VPC (AWS::EC2::SecurityGroupVpcAssociation)', () => {
  /** Glue wears sgB (of vpcB) in subA (vpcA); the store in vpcA admits sgB by reference. */
  const foreign = () => {
    const m = base()
      .connection('glueForeign', 'subA', ['sgB'], { type: 'NETWORK' })
      .subnet('subA2', 'vpcA', '10.1.2.0/24', 'us-east-1b')
      .connection('db', 'subA2', ['sgA'], { url: 'jdbc:mysql://10.1.2.10:3306/app' });
    m.model.securityGroups.get('sgA')!.ingress.push(sgRule({ group: 'sgB', from: 3306, to: 3306 }));
    return m;
  };
  const storeOf = (m: ReturnType<typeof foreign>) => buildPlan(m.job('etl', ['glueForeign', 'db']).model, { failover: false }).jobs[0];

  test('associated with the subnet\'s VPC: no GNP-CONNECTION-SG-OTHER-VPC, the run proceeds, the assumption is stated', () => {
    const job = storeOf(foreign().associateGroup('sgB', 'vpcA'));
    expect(job.findings.map((f) => f.ruleId)).not.toContain('GNP-CONNECTION-SG-OTHER-VPC');
    expect(job.candidates[0].reasons.map((r) => r.code)).toContain('SG_ASSOCIATED_VPC');
    expect(job.dataStores[0].verdict).toBe('REACHABLE');
    expect(job.dataStores[0].assumptions.join(' ')).toMatch(/sgB of another VPC is associated with vpcA.*assumed \(AWS does not document it\): Glue passes it to EC2/);
  });

  test('associated with a third VPC only: still GNP-CONNECTION-SG-OTHER-VPC, store UNREACHABLE', () => {
    const job = storeOf(foreign().vpc('vpcC', '10.3.0.0/16').associateGroup('sgB', 'vpcC'));
    expect(job.findings.find((f) => f.ruleId === 'GNP-CONNECTION-SG-OTHER-VPC')?.message).toMatch(/is not associated with it/);
    expect(job.dataStores[0].verdict).toBe('UNREACHABLE');
  });

  test.each([
    ['an unresolved VpcId', (m: ReturnType<typeof foreign>) => m.associateGroup('sgB', undefined), /names a VPC the inputs cannot resolve/],
    ['an undecided Condition', (m: ReturnType<typeof foreign>) => m.associateGroup('sgB', 'vpcA', { uncertain: 'exists only if condition Shared holds' }), /condition Shared/],
  ])('an association with %s: UNKNOWN (GNP-CONNECTION-SG-VPC-UNKNOWN warning), neither the error nor a pass', (_, associate, why) => {
    const job = storeOf(associate(foreign()));
    const ids = job.findings.map((f) => f.ruleId);
    expect(ids).not.toContain('GNP-CONNECTION-SG-OTHER-VPC');
    expect(job.findings.find((f) => f.ruleId === 'GNP-CONNECTION-SG-VPC-UNKNOWN')).toMatchObject({ severity: 'warning', message: expect.stringMatching(why) });
    expect(job.dataStores[0].verdict).toBe('UNKNOWN');
    expect(job.dataStores[0].explanations[0]).toMatchObject({ code: 'UNKNOWN_SECURITY_GROUP_VPC', unknown: true });
  });
});

describe('§3 outbound rules', () => {
  const setup = (egress: SecurityGroupRule[]) => model().vpc('v', '10.0.0.0/16').subnet('s', 'v', '10.0.1.0/24', 'us-east-1a')
    .sg('sg1', 'v', { egress }).connection('c', 's', ['sg1'], { type: 'NETWORK' }).job('j', ['c']);

  test('egress only to one CIDR: GNP-SG-EGRESS', () => {
    const plan = buildPlan(setup([sgRule({ cidr: '10.2.0.0/16' })]).model);
    const f = allFindings(plan).find((x) => x.ruleId === 'GNP-SG-EGRESS');
    expect(f).toMatchObject({ severity: 'error', source: { logicalId: 'sg1' } });
    expect(f?.fix).toMatch(/outbound/);
  });

  test('self-referencing all-TCP egress plus HTTPS to the S3 prefix list: no finding', () => {
    const https: SecurityGroupRule = { source: { stack: 'Test', logicalId: 'https' }, protocol: PROTOCOL_TCP, ports: { from: 443, to: 443 }, peer: { kind: 'prefix-list', prefixListId: 'pl-63a5400a' } };
    expect(ruleIds(buildPlan(setup([sgRule({ group: 'sg1' }), https]).model))).not.toContain('GNP-SG-EGRESS');
  });

  test('self-referencing all-TCP egress without HTTPS to S3: GNP-SG-EGRESS saying HTTPS is missing', () => {
    const plan = buildPlan(setup([sgRule({ group: 'sg1' })]).model);
    expect(allFindings(plan).find((x) => x.ruleId === 'GNP-SG-EGRESS')?.message).toMatch(/HTTPS to S3 is missing/);
  });

  /** A rule whose destination the reader could not resolve (a parameter without value, an SSM parameter, an import). */
  const toUnresolved = (protocol: number, from: number, to: number): SecurityGroupRule => ({
    source: { stack: 'Test', logicalId: 'unresolved' }, protocol, ports: { from, to }, peer: { kind: 'unknown', reason: 'Parameter S3PrefixList has no value' },
  });

  test.each([
    ['HTTPS to an unresolved prefix list, beside the self-referencing all-TCP egress', [sgRule({ group: 'sg1' }), toUnresolved(PROTOCOL_TCP, 443, 443)]],
    ['all traffic to an unresolved CIDR', [toUnresolved(PROTOCOL_ALL, 0, 65535)]],
  ])('%s: no GNP-SG-EGRESS (the rule may be the one needed; the reader reports the value)', (_, egress) => {
    expect(ruleIds(buildPlan(setup(egress).model))).not.toContain('GNP-SG-EGRESS');
  });

  test.each([
    ['HTTPS to an unresolved prefix list, without the self-referencing egress', [toUnresolved(PROTOCOL_TCP, 443, 443)], /self-referencing all-TCP outbound rule is missing/],
    ['UDP to an unresolved CIDR, beside the self-referencing egress', [sgRule({ group: 'sg1' }), toUnresolved(17, 0, 65535)], /HTTPS to S3 is missing/],
  ])('%s: still GNP-SG-EGRESS (whatever its destination, the rule cannot complete it)', (_, egress, why) => {
    expect(allFindings(buildPlan(setup(egress).model)).find((x) => x.ruleId === 'GNP-SG-EGRESS')?.message).toMatch(why);
  });

  test('all traffic open (the EC2 default): no finding', () => {
    const m = model().vpc('v', '10.0.0.0/16').subnet('s', 'v', '10.0.1.0/24', 'us-east-1a')
      .sg('sg1', 'v').connection('c', 's', ['sg1'], { type: 'NETWORK' }).job('j', ['c']);
    expect(ruleIds(buildPlan(m.model))).not.toContain('GNP-SG-EGRESS');
  });
});

describe('§3 VPC DNS', () => {
  test.each([
    ['enableDnsHostnames', { dnsHostnames: false }],
    ['enableDnsSupport', { dnsSupport: false }],
  ])('%s off: GNP-VPC-DNS naming the attribute', (attribute, opts) => {
    const m = model().vpc('v', '10.0.0.0/16', opts).subnet('s', 'v', '10.0.1.0/24', 'us-east-1a')
      .sg('sg1', 'v').connection('c', 's', ['sg1'], { type: 'NETWORK' }).job('j', ['c']);
    const f = allFindings(buildPlan(m.model)).find((x) => x.ruleId === 'GNP-VPC-DNS');
    expect(f).toMatchObject({ severity: 'error', source: { logicalId: 'v' } });
    expect(f?.message).toContain(attribute);
    expect(f?.fix).toContain(`${attribute}: true`);
  });

  test('both on: no finding', () => {
    const m = model().vpc('v', '10.0.0.0/16').subnet('s', 'v', '10.0.1.0/24', 'us-east-1a')
      .sg('sg1', 'v').connection('c', 's', ['sg1'], { type: 'NETWORK' }).job('j', ['c']);
    expect(ruleIds(buildPlan(m.model))).not.toContain('GNP-VPC-DNS');
  });
});

describe('§5 security groups per ENI', () => {
  const withGroups = (n: number) => {
    const m = model().vpc('v', '10.0.0.0/16').subnet('s', 'v', '10.0.1.0/24', 'us-east-1a');
    const ids = Array.from({ length: n }, (_, i) => `sg${i + 1}`);
    for (const id of ids) m.sg(id, 'v');
    return m.connection('c', 's', ids, { type: 'NETWORK' }).job('j', ['c']);
  };

  test('6 groups: GNP-QUOTA-SECURITY-GROUPS (error)', () => {
    const f = allFindings(buildPlan(withGroups(6).model)).find((x) => x.ruleId === 'GNP-QUOTA-SECURITY-GROUPS');
    expect(f).toMatchObject({ severity: 'error', source: { logicalId: 'c' } });
    expect(f?.message).toMatch(/6 security groups/);
  });

  test('5 groups: no finding', () => {
    expect(ruleIds(buildPlan(withGroups(5).model))).not.toContain('GNP-QUOTA-SECURITY-GROUPS');
  });

  test("the default fix says how to give the account's raised quota", () => {
    const f = allFindings(buildPlan(withGroups(6).model)).find((x) => x.ruleId === 'GNP-QUOTA-SECURITY-GROUPS');
    expect(f?.fix).toMatch(/If it is already raised, give it to the check/);
  });

  test("6 groups with the account's quota given as 8: no finding; 9 groups: the error names the given quota", () => {
    expect(ruleIds(buildPlan(withGroups(6).model, { quotas: { securityGroupsPerNetworkInterface: 8 } }))).not.toContain('GNP-QUOTA-SECURITY-GROUPS');
    const f = allFindings(buildPlan(withGroups(9).model, { quotas: { securityGroupsPerNetworkInterface: 8 } })).find((x) => x.ruleId === 'GNP-QUOTA-SECURITY-GROUPS');
    expect(f?.message).toMatch(/lists 9 security groups; an ENI accepts 8 \(the account's quota, as given\)/);
    expect(f?.fix).toMatch(/at most 8 groups/);
  });
});

describe('§5 route and peering quotas (GNP-QUOTA-ROUTES, GNP-QUOTA-PEERINGS)', () => {
  /** The subnet's table `s-rt` with `n` routes. */
  const tableWith = (n: number) => {
    const m = model().vpc('v', '10.0.0.0/16').subnet('s', 'v', '10.0.1.0/24', 'us-east-1a')
      .sg('sg1', 'v').connection('c', 's', ['sg1'], { type: 'NETWORK' }).job('j', ['c']);
    for (let i = 0; i < n; i++) m.route('s-rt', `172.${16 + Math.floor(i / 256)}.${i % 256}.0/24`, 'nat-gateway', 'nat-x');
    return m;
  };
  const withRoutes = (n: number) => tableWith(n).model;
  const withPeerings = (n: number) => {
    const m = model().vpc('v', '10.0.0.0/16').subnet('s', 'v', '10.0.1.0/24', 'us-east-1a')
      .sg('sg1', 'v').connection('c', 's', ['sg1'], { type: 'NETWORK' }).job('j', ['c']);
    for (let i = 0; i < n; i++) m.vpc(`x${i}`, `172.16.${i}.0/24`).peering(`p${i}`, 'v', `x${i}`);
    return m.model;
  };
  /** Its routes, and the S3 gateway endpoint's route (S3's prefix list weighs 1). */
  const routeCount = (m: ReturnType<typeof withRoutes>) => m.routeTables.get('s-rt')!.routes.length + 1;

  test('a table over the default quota (500 since June 2025): a warning whose fix says how to give the account\'s quota', () => {
    expect(ruleIds(buildPlan(withRoutes(80)))).not.toContain('GNP-QUOTA-ROUTES');
    const m = withRoutes(501);
    const f = allFindings(buildPlan(m)).find((x) => x.ruleId === 'GNP-QUOTA-ROUTES');
    expect(f?.message).toMatch(new RegExp(`has ${routeCount(m)} routes; the default quota is 500 per route table`));
    expect(f?.fix).toMatch(/already raised, give it to the check/);
  });

  test("the account's quota given: no warning under it, the given quota named over it", () => {
    const m = withRoutes(52);
    expect(ruleIds(buildPlan(m, { quotas: { routesPerRouteTable: 200 } }))).not.toContain('GNP-QUOTA-ROUTES');
    const f = allFindings(buildPlan(m, { quotas: { routesPerRouteTable: 51 } })).find((x) => x.ruleId === 'GNP-QUOTA-ROUTES');
    expect(f?.message).toMatch(/the account's quota is 51 per route table \(as given\)/);
  });

  test('a route to a prefix list counts as its maximum entries: 10 routes and a list of 2 entries but 45 maximum entries pass 50', () => {
    expect(routeCount(withRoutes(9))).toBe(10);
    const m = tableWith(9).prefixListRoute('s-rt', 'OnPremises', ['192.168.0.0/24', '192.168.1.0/24'], 45, 'transit-gateway', 'tgw-x').model;
    const f = allFindings(buildPlan(m, { quotas: { routesPerRouteTable: 50 } })).find((x) => x.ruleId === 'GNP-QUOTA-ROUTES');
    expect(f?.message).toMatch(/s-rt has 55 routes \(a route to a prefix list counts as its maximum entries, as AWS counts it\); the account's quota is 50/);
  });

  test('routes a virtual private gateway propagates do not count (the quota is on non-propagated routes): 10 static and 100 propagated pass 50', () => {
    const m = tableWith(9).propagatedRoutes('s-rt', 100, 'vgw-x').model;
    expect(ruleIds(buildPlan(m, { quotas: { routesPerRouteTable: 50 } }))).not.toContain('GNP-QUOTA-ROUTES');
    // Over the quota, the count names the non-propagated routes only.
    const f = allFindings(buildPlan(m, { quotas: { routesPerRouteTable: 9 } })).find((x) => x.ruleId === 'GNP-QUOTA-ROUTES');
    expect(f?.message).toMatch(/s-rt has 10 routes; the account's quota is 9/);
  });

  test('a route to a prefix list whose maximum entries the inputs do not give (a pl-... list): GNP-QUOTA-ROUTES-UNKNOWN, naming the list and how to give it', () => {
    const m = tableWith(3).prefixListRoute('s-rt', 'pl-0123456789abcdef0', [], undefined, 'transit-gateway', 'tgw-x').model;
    const f = allFindings(buildPlan(m)).find((x) => x.ruleId === 'GNP-QUOTA-ROUTES-UNKNOWN');
    expect(f?.severity).toBe('warning');
    expect(f?.message).toMatch(/Whether s-rt stays within the default quota of 500 routes per route table is UNKNOWN: besides 4 routes.*, it routes to prefix list pl-0123456789abcdef0 \(not defined by the templates/);
    expect(f?.fix).toMatch(/maxEntries/);
    expect(ruleIds(buildPlan(withRoutes(3)))).not.toContain('GNP-QUOTA-ROUTES-UNKNOWN');
  });

  test("peerings over the default quota warn; under the account's given quota they do not", () => {
    const m = withPeerings(51);
    expect(allFindings(buildPlan(m)).find((x) => x.ruleId === 'GNP-QUOTA-PEERINGS')?.message).toMatch(/51 active peerings; the default quota is 50/);
    expect(ruleIds(buildPlan(m, { quotas: { peeringsPerVpc: 60 } }))).not.toContain('GNP-QUOTA-PEERINGS');
  });
});

/**
 * Spec §2 (connection selection) and §1 (which connections count): Glue walks the network-bearing
 * connections in list order and selects the first suitable one. Suitable = valid subnet, an S3
 * path (gateway endpoint on the subnet's effective route table, or a default route to a NAT
 * gateway of the same VPC), enough free addresses, healthy AZ, matching AvailabilityZone.
 */
import { model } from './builders';
import { buildPlan, Plan } from '../../src/engine';
import { getAtt, glueJob, glueReadyVpc, ingress, modelOf, ref, securityGroup, tcpFrom } from '../ingest/builders';

const ruleIds = (plan: Plan) => [...plan.findings, ...plan.jobs.flatMap((j) => j.findings)].map((f) => f.ruleId);
const allFindings = (plan: Plan) => [...plan.findings, ...plan.jobs.flatMap((j) => j.findings)];

/** One VPC; `first` is judged first, `fallback` is a subnet with its own table and an S3 endpoint. */
function twoCandidates() {
  return model().vpc('v', '10.0.0.0/16')
    .subnet('fallback', 'v', '10.0.9.0/24', 'us-east-1b')
    .sg('sg', 'v');
}

function finish(m: ReturnType<typeof model>) {
  return m.connection('first', 'first-subnet', ['sg'], { type: 'NETWORK' })
    .connection('second', 'fallback', ['sg'], { type: 'NETWORK' })
    .job('j', ['first', 'second']);
}

describe('rule §4.1 / §2.3: implicit main route table', () => {
  test('a subnet without an explicit association uses the main table (local routes only): no S3 path, skipped, next connection selected', () => {
    const m = finish(twoCandidates().subnet('first-subnet', 'v', '10.0.1.0/24', 'us-east-1a', { mainTable: true, s3: false }));
    const plan = buildPlan(m.model, { failover: false });
    const [first, second] = plan.jobs[0].candidates;
    expect(first.status).toBe('skipped');
    expect(first.reasons.map((r) => r.code)).toEqual(['NO_S3_PATH']);
    expect(first.reasons[0].message).toContain('main route table of v');
    expect(second.status).toBe('selected');
    expect(plan.jobs[0].selectedConnection?.name).toBe('second');
    const noS3 = allFindings(plan).find((f) => f.ruleId === 'GNP-CONNECTION-NO-S3-PATH');
    expect(noS3?.source.logicalId).toBe('first');
    expect(noS3?.fix).toMatch(/S3 gateway endpoint/);
  });

  test('the same subnet is suitable when the S3 gateway endpoint is associated with the main table', () => {
    const m = finish(twoCandidates().subnet('first-subnet', 'v', '10.0.1.0/24', 'us-east-1a', { mainTable: true, s3: false }).s3Endpoint('v#main', 'v'));
    const plan = buildPlan(m.model, { failover: false });
    expect(plan.jobs[0].candidates.map((c) => c.status)).toEqual(['selected', 'not-considered']);
    expect(ruleIds(plan)).not.toContain('GNP-CONNECTION-NO-S3-PATH');
  });
});

describe('rule §2.3: S3 gateway endpoint on the wrong route table', () => {
  test('endpoint associated with another table only: skipped with NO_S3_PATH, next connection selected', () => {
    const m = finish(twoCandidates().subnet('first-subnet', 'v', '10.0.1.0/24', 'us-east-1a', { s3: false }));
    // The endpoint exists (v-s3) but only on fallback-rt, not on first-subnet-rt.
    expect(m.model.gatewayEndpoints.get('v-s3')?.routeTableIds).toEqual(['fallback-rt']);
    const plan = buildPlan(m.model, { failover: false });
    expect(plan.jobs[0].candidates[0]).toMatchObject({ status: 'skipped', reasons: [{ code: 'NO_S3_PATH' }] });
    expect(plan.jobs[0].candidates[0].reasons[0].message).toContain('first-subnet-rt');
    expect(plan.jobs[0].selectedConnection?.name).toBe('second');
  });

  test('an explicit association wins over the main table: endpoint on the main table does not help a subnet with its own table', () => {
    const m = finish(twoCandidates().subnet('first-subnet', 'v', '10.0.1.0/24', 'us-east-1a', { s3: false }).s3Endpoint('v#main', 'v'));
    const plan = buildPlan(m.model, { failover: false });
    expect(plan.jobs[0].candidates[0]).toMatchObject({ status: 'skipped', reasons: [{ code: 'NO_S3_PATH' }] });
  });

  test('an S3 *interface* endpoint is not a gateway endpoint: still no S3 path', () => {
    const m = finish(twoCandidates().subnet('first-subnet', 'v', '10.0.1.0/24', 'us-east-1a', { s3: false }));
    m.model.gatewayEndpoints.set('s3-if', { id: 's3-if', source: { stack: 'Test', logicalId: 's3-if' }, vpcId: { known: true, value: 'v' }, service: { known: true, value: 's3' }, type: 'Interface', routeTableIds: ['first-subnet-rt'] });
    const plan = buildPlan(m.model, { failover: false });
    expect(plan.jobs[0].candidates[0]).toMatchObject({ status: 'skipped', reasons: [{ code: 'NO_S3_PATH' }] });
  });
});

describe('rule §2.3: default route to an internet gateway vs a NAT gateway', () => {
  test('public subnet with only an IGW default route: not an S3 path (Glue ENIs get no public IP), skipped', () => {
    const m = finish(twoCandidates().subnet('first-subnet', 'v', '10.0.1.0/24', 'us-east-1a', { s3: false }).route('first-subnet-rt', '0.0.0.0/0', 'internet-gateway', 'igw-1'));
    const plan = buildPlan(m.model, { failover: false });
    const first = plan.jobs[0].candidates[0];
    expect(first).toMatchObject({ status: 'skipped', reasons: [{ code: 'NO_S3_PATH' }] });
    expect(first.reasons[0].message).toMatch(/internet gateway/);
    expect(first.reasons[0].message).toMatch(/no public IP/);
    expect(plan.jobs[0].selectedConnection?.name).toBe('second');
  });

  test('default route to a NAT gateway of the same VPC: suitable, selected', () => {
    const m = finish(twoCandidates()
      .subnet('public', 'v', '10.0.0.0/24', 'us-east-1a', { s3: false }).route('public-rt', '0.0.0.0/0', 'internet-gateway', 'igw-1')
      .nat('nat-1', 'public')
      .subnet('first-subnet', 'v', '10.0.1.0/24', 'us-east-1a', { s3: false }).route('first-subnet-rt', '0.0.0.0/0', 'nat-gateway', 'nat-1'));
    const plan = buildPlan(m.model, { failover: false });
    const first = plan.jobs[0].candidates[0];
    expect(first.status).toBe('selected');
    expect(first.reasons.find((r) => r.code === 'S3_PATH')?.message).toMatch(/NAT gateway/);
  });

  test('default route to a NAT gateway of another VPC: not an S3 path (NGW_REQUIRES_SOURCE_IN_VPC), skipped', () => {
    const m = finish(twoCandidates()
      .vpc('w', '10.50.0.0/16').subnet('w-public', 'w', '10.50.0.0/24', 'us-east-1a', { s3: false }).nat('nat-w', 'w-public')
      .subnet('first-subnet', 'v', '10.0.1.0/24', 'us-east-1a', { s3: false }).route('first-subnet-rt', '0.0.0.0/0', 'nat-gateway', 'nat-w'));
    const plan = buildPlan(m.model, { failover: false });
    const first = plan.jobs[0].candidates[0];
    expect(first).toMatchObject({ status: 'skipped', reasons: [{ code: 'NO_S3_PATH' }] });
    expect(first.reasons[0].message).toContain('NGW_REQUIRES_SOURCE_IN_VPC');
    expect(plan.jobs[0].selectedConnection?.name).toBe('second');
  });
});

describe('rule §1: AvailabilityZone must equal the subnet AZ', () => {
  test('mismatch: GNP-CONNECTION-AZ-MISMATCH and the connection is skipped with AZ_MISMATCH', () => {
    const m = twoCandidates().subnet('first-subnet', 'v', '10.0.1.0/24', 'us-east-1a')
      .connection('first', 'first-subnet', ['sg'], { type: 'NETWORK', az: 'us-east-1c' })
      .connection('second', 'fallback', ['sg'], { type: 'NETWORK' })
      .job('j', ['first', 'second']);
    const plan = buildPlan(m.model, { failover: false });
    expect(plan.jobs[0].candidates[0].status).toBe('skipped');
    expect(plan.jobs[0].candidates[0].reasons.map((r) => r.code)).toContain('AZ_MISMATCH');
    expect(plan.jobs[0].selectedConnection?.name).toBe('second');
    const f = allFindings(plan).find((x) => x.ruleId === 'GNP-CONNECTION-AZ-MISMATCH');
    expect(f).toMatchObject({ severity: 'error', source: { logicalId: 'first' } });
    expect(f?.message).toContain('us-east-1c');
    expect(f?.fix).toContain('us-east-1a');
  });

  test('matching AZ: no finding, selected', () => {
    const m = twoCandidates().subnet('first-subnet', 'v', '10.0.1.0/24', 'us-east-1a')
      .connection('first', 'first-subnet', ['sg'], { type: 'NETWORK', az: 'us-east-1a' })
      .job('j', ['first']);
    const plan = buildPlan(m.model, { failover: false });
    expect(plan.jobs[0].selectedConnection?.name).toBe('first');
    expect(ruleIds(plan)).not.toContain('GNP-CONNECTION-AZ-MISMATCH');
  });
});

/**
 * A subnet placed by AZ ID (`AvailabilityZoneId: use1-az1`): the ID is the same physical zone in
 * every account, a zone name (`us-east-1a`) is mapped per account (AWS Regions and Availability
 * Zones, "AZ IDs"), so the templates cannot tell whether the two are one zone.
 */
describe('rule §1: a subnet placed by AZ ID', () => {
  function byZoneId(connectionZone: unknown) {
    const net = glueReadyVpc('A', '10.0.0.0/16', '10.0.1.0/24', 'us-east-1a');
    const { AvailabilityZone: _, ...placed } = net.SubA.Properties!;
    return modelOf({
      ...net,
      SubA: { Type: 'AWS::EC2::Subnet', Properties: { ...placed, AvailabilityZoneId: 'use1-az1' } },
      Sg: securityGroup(ref('VpcA')),
      SelfRef: ingress(getAtt('Sg', 'GroupId'), tcpFrom({ SourceSecurityGroupId: getAtt('Sg', 'GroupId') }, 0, 65535)),
      Conn: { Type: 'AWS::Glue::Connection', Properties: { CatalogId: '111111111111', ConnectionInput: { Name: 'net', ConnectionType: 'NETWORK', PhysicalConnectionRequirements: { SubnetId: ref('SubA'), SecurityGroupIdList: [getAtt('Sg', 'GroupId')], AvailabilityZone: connectionZone } } } },
      Job: glueJob(['net']),
    });
  }

  test('a connection naming a zone (us-east-1a): whether it is the subnet\'s zone is UNKNOWN (GNP-CONNECTION-AZ-UNKNOWN), never AZ-MISMATCH', () => {
    const plan = buildPlan(byZoneId('us-east-1a'), { failover: false });
    expect(plan.jobs[0].candidates[0]).toMatchObject({ status: 'unknown', reasons: [expect.objectContaining({ code: 'AZ_MATCH_UNKNOWN' })] });
    expect(ruleIds(plan)).not.toContain('GNP-CONNECTION-AZ-MISMATCH');
    expect(allFindings(plan).find((f) => f.ruleId === 'GNP-CONNECTION-AZ-UNKNOWN')?.message).toMatch(/AZ ID names the same zone in every account/);
    // Nothing is unresolved and no stack environment helps: the fix derives the zone from the subnet.
    const fix = allFindings(plan).find((f) => f.ruleId === 'GNP-CONNECTION-AZ-UNKNOWN')?.fix;
    expect(fix).toMatch(/^Derive the connection's AvailabilityZone from the subnet \(Fn::GetAtt SubA\.AvailabilityZone/);
    expect(fix).not.toMatch(/--parameters|env: \{ account, region \}/);
  });

  test('a connection whose zone is the subnet\'s own (Fn::GetAtt Subnet.AvailabilityZone): the same zone, selected', () => {
    const plan = buildPlan(byZoneId(getAtt('SubA', 'AvailabilityZone')), { failover: false });
    expect(plan.jobs[0].selectedConnection?.name).toBe('net');
    expect(ruleIds(plan)).not.toContain('GNP-CONNECTION-AZ-UNKNOWN');
  });

  test('two AZ IDs, or two zone names, still compare as they are', () => {
    expect(ruleIds(buildPlan(byZoneId('use1-az2'), { failover: false }))).toContain('GNP-CONNECTION-AZ-MISMATCH');
    // The fix does not ask for the AZ ID in the connection's AvailabilityZone: it derives the zone name from the subnet.
    const fix = allFindings(buildPlan(byZoneId('use1-az2'), { failover: false })).find((f) => f.ruleId === 'GNP-CONNECTION-AZ-MISMATCH')?.fix;
    expect(fix).not.toMatch(/Set AvailabilityZone to use1-az1/);
    expect(fix).toMatch(/^Derive AvailabilityZone from the subnet \(Fn::GetAtt SubA\.AvailabilityZone, subnet\.availabilityZone in CDK\), which gives the name your account has for zone use1-az1/);
    expect(buildPlan(byZoneId('use1-az1'), { failover: false }).jobs[0].selectedConnection?.name).toBe('net');
  });
});

/**
 * `Fn::GetAtt Subnet.AvailabilityZone` of a subnet placed by AZ ID: CloudFormation returns the
 * zone's name (AWS::EC2::Subnet, return values), which depends on the account. The value is that
 * zone, known by its ID, never the ID read as a name.
 */
describe('rule §1: the zone Fn::GetAtt gives for a subnet placed by AZ ID', () => {
  function withSecondSubnet(connectionZone: unknown) {
    const net = glueReadyVpc('A', '10.0.0.0/16', '10.0.1.0/24', 'us-east-1a');
    const { AvailabilityZone: _, ...placed } = net.SubA.Properties!;
    return modelOf({
      ...net,
      SubA: { Type: 'AWS::EC2::Subnet', Properties: { ...placed, AvailabilityZoneId: 'use1-az1' } },
      SubB: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref('VpcA'), CidrBlock: '10.0.2.0/24', AvailabilityZoneId: 'use1-az2' } },
      SubC: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref('VpcA'), CidrBlock: '10.0.3.0/24', AvailabilityZone: 'us-east-1a' } },
      Sg: securityGroup(ref('VpcA')),
      SelfRef: ingress(getAtt('Sg', 'GroupId'), tcpFrom({ SourceSecurityGroupId: getAtt('Sg', 'GroupId') }, 0, 65535)),
      Conn: { Type: 'AWS::Glue::Connection', Properties: { CatalogId: '111111111111', ConnectionInput: { Name: 'net', ConnectionType: 'NETWORK', PhysicalConnectionRequirements: { SubnetId: ref('SubA'), SecurityGroupIdList: [getAtt('Sg', 'GroupId')], AvailabilityZone: connectionZone } } } },
      Job: glueJob(['net']),
    });
  }
  const connectionOf = (m: ReturnType<typeof modelOf>) => [...m.connections.values()][0];

  test('the connection\'s AvailabilityZone is not the AZ ID as a name (was known: use1-az2): unknown, saying CloudFormation returns the name', () => {
    const zone = connectionOf(withSecondSubnet(getAtt('SubB', 'AvailabilityZone'))).availabilityZone;
    expect(zone?.known).toBe(false);
    expect(zone?.known === false && zone.reason).toMatch(/CloudFormation returns the zone's name, which depends on the account/);
  });

  test('another subnet\'s zone by ID: still a mismatch, but the text names the zone of that AZ ID (was "says AvailabilityZone use1-az2", a value CloudFormation never gives)', () => {
    const plan = buildPlan(withSecondSubnet(getAtt('SubB', 'AvailabilityZone')), { failover: false });
    const message = allFindings(plan).find((f) => f.ruleId === 'GNP-CONNECTION-AZ-MISMATCH')?.message;
    expect(message).toMatch(/says AvailabilityZone the zone of AZ ID use1-az2 \(/);
    expect(message).not.toMatch(/says AvailabilityZone use1-az2/);
  });

  test('its own subnet\'s zone: the same zone, selected; a subnet named by zone name against it: UNKNOWN, not the Fn::GetAZs text', () => {
    const own = buildPlan(withSecondSubnet(getAtt('SubA', 'AvailabilityZone')), { failover: false });
    expect(own.jobs[0].selectedConnection?.name).toBe('net');
    expect(ruleIds(own)).not.toContain('GNP-CONNECTION-AZ-UNKNOWN');
    const m = withSecondSubnet(getAtt('SubA', 'AvailabilityZone'));
    const named = m.subnets.get([...m.subnets.keys()].find((id) => id.endsWith('SubC'))!)!;
    const conn = connectionOf(m);
    m.connections.set(conn.id, { ...conn, subnetId: named.id });
    const unknownZone = allFindings(buildPlan(m, { failover: false })).find((f) => f.ruleId === 'GNP-CONNECTION-AZ-UNKNOWN')?.message;
    expect(unknownZone).toMatch(/AZ ID names the same zone in every account/);
    expect(unknownZone).not.toMatch(/Fn::GetAZs gives at an index/);
  });

  test('--az-down of the AZ ID takes the connection\'s zone down with the subnet', () => {
    const plan = buildPlan(withSecondSubnet(getAtt('SubA', 'AvailabilityZone')), { failover: false, azDown: ['use1-az1'] });
    expect(plan.jobs[0].selectedConnection).toBeNull();
  });
});

describe('rule §2.6: no suitable connection', () => {
  test('every candidate skipped: GNP-NO-SUITABLE-CONNECTION naming each reason, stores UNREACHABLE with NO_SUITABLE_CONNECTION', () => {
    const m = model().vpc('v', '10.0.0.0/16')
      .subnet('s', 'v', '10.0.1.0/24', 'us-east-1a', { s3: false }).sg('sg', 'v')
      .connection('db', 's', ['sg'], { url: 'jdbc:mysql://db.example:3306/app' })
      .job('j', ['db']);
    const plan = buildPlan(m.model, { failover: false });
    expect(plan.jobs[0].selectedConnection).toBeNull();
    const f = plan.jobs[0].findings.find((x) => x.ruleId === 'GNP-NO-SUITABLE-CONNECTION');
    expect(f?.message).toContain('db:');
    expect(plan.jobs[0].dataStores[0]).toMatchObject({ verdict: 'UNREACHABLE', explanations: [{ code: 'NO_SUITABLE_CONNECTION' }] });
  });

  test('--az-down of the only AZ: the candidate is skipped with AZ_UNHEALTHY', () => {
    const m = model().vpc('v', '10.0.0.0/16').subnet('s', 'v', '10.0.1.0/24', 'us-east-1a').sg('sg', 'v')
      .connection('n', 's', ['sg'], { type: 'NETWORK' }).job('j', ['n']);
    const plan = buildPlan(m.model, { azDown: ['us-east-1a'], failover: false });
    expect(plan.jobs[0].candidates[0]).toMatchObject({ status: 'skipped', reasons: [{ code: 'AZ_UNHEALTHY' }] });
    expect(ruleIds(plan)).toContain('GNP-NO-SUITABLE-CONNECTION');
  });
});

/*
 * Zones from Fn::GetAZs (environment-agnostic stacks): which zone an index names depends on the
 * account, so the name is unknown. Same index of one list = same zone, different index = different
 * zones; a zone name against such a zone is undecided, never a mismatch.
 */
describe('§1/§2 symbolic zones (Fn::GetAZs)', () => {
  /** Makes a subnet's zone the `index`-th of `Fn::GetAZs` (name unknown). */
  function symbolic(b: ReturnType<typeof model>, subnetId: string, index: number) {
    const subnet = b.model.subnets.get(subnetId)!;
    b.model.subnets.set(subnetId, {
      ...subnet,
      availabilityZone: { known: false, reason: 'Fn::GetAZs: known only at deploy time' },
      symbolicZone: { symbol: `current-region-az${index + 1}`, list: 'current-region', index },
    });
    return b;
  }

  const twoZones = () => {
    const b = model().vpc('v', '10.0.0.0/16')
      .subnet('s1', 'v', '10.0.1.0/24', 'x').subnet('s2', 'v', '10.0.2.0/24', 'x').sg('sg', 'v')
      .connection('c1', 's1', ['sg'], { type: 'NETWORK' }).connection('c2', 's2', ['sg'], { type: 'NETWORK' })
      .job('j', ['c1', 'c2']);
    return symbolic(symbolic(b, 's1', 0), 's2', 1);
  };

  test('a literal AvailabilityZone against a symbolic subnet zone: candidate UNKNOWN (AZ_MATCH_UNKNOWN), GNP-CONNECTION-AZ-UNKNOWN warning, never AZ-MISMATCH', () => {
    const b = twoZones();
    b.model.connections.set('c1', { ...b.model.connections.get('c1')!, availabilityZone: { known: true, value: 'us-east-1a' } });
    const plan = buildPlan(b.model, { failover: false });
    expect(plan.jobs[0].candidates[0]).toMatchObject({ status: 'unknown', reasons: [expect.objectContaining({ code: 'AZ_MATCH_UNKNOWN' })] });
    const ids = ruleIds(plan);
    expect(ids).toContain('GNP-CONNECTION-AZ-UNKNOWN');
    expect(ids).not.toContain('GNP-CONNECTION-AZ-MISMATCH');
    expect(allFindings(plan).find((f) => f.ruleId === 'GNP-CONNECTION-AZ-UNKNOWN')?.fix).toMatch(/availabilityZones.*current-region-az1/);
  });

  test('the connection\'s zone from the same Fn::GetAZs index as the subnet\'s: a match, selected', () => {
    const b = twoZones();
    b.model.connections.set('c1', { ...b.model.connections.get('c1')!, availabilityZone: { known: false, reason: 'Fn::GetAZs' }, symbolicZone: b.model.subnets.get('s1')!.symbolicZone });
    expect(buildPlan(b.model, { failover: false }).jobs[0].selectedConnection?.id).toBe('c1');
  });

  test('from another index of the same list: a definite mismatch', () => {
    const b = twoZones();
    b.model.connections.set('c1', { ...b.model.connections.get('c1')!, availabilityZone: { known: false, reason: 'Fn::GetAZs' }, symbolicZone: b.model.subnets.get('s2')!.symbolicZone });
    const plan = buildPlan(b.model, { failover: false });
    expect(ruleIds(plan)).toContain('GNP-CONNECTION-AZ-MISMATCH');
    expect(plan.jobs[0].selectedConnection?.id).toBe('c2');
  });

  test('AZ what-ifs by symbol: az1 down skips c1 and selects c2 (different index, definitely healthy)', () => {
    const plan = buildPlan(twoZones().model);
    expect(plan.jobs[0].failover.map((f) => [f.azDown, f.selectedConnection?.id])).toEqual([['current-region-az1', 'c2'], ['current-region-az2', 'c1']]);
  });

  test('undecided in the main plan and in a what-if: each reason names its own failed zones (not the first one judged)', () => {
    const b = model().vpc('v', '10.0.0.0/16')
      .subnet('s1', 'v', '10.0.1.0/24', 'x').subnet('s2', 'v', '10.0.2.0/24', 'us-east-1b').sg('sg', 'v')
      .connection('c1', 's1', ['sg'], { type: 'NETWORK' }).connection('c2', 's2', ['sg'], { type: 'NETWORK' })
      .job('j', ['c1', 'c2']);
    const plan = buildPlan(symbolic(b, 's1', 0).model, { azDown: ['us-east-1a'] });
    const failedZones = (candidates: Plan['jobs'][number]['candidates']) => candidates[0].reasons.find((r) => r.code === 'AZ_HEALTH_UNKNOWN')?.message.match(/failed zones \(([^)]*)\)/)?.[1];
    const job = plan.jobs[0];
    expect(failedZones(job.candidates)).toBe('us-east-1a');
    const whatIf = job.failover.find((f) => f.azDown === 'us-east-1b')!;
    expect(failedZones(whatIf.candidates)).toBe('us-east-1a, us-east-1b');
  });

  test('a literal zone down against symbolic subnets: whether they are in it is undecided, the selection UNKNOWN (not pretended healthy)', () => {
    const plan = buildPlan(twoZones().model, { azDown: ['us-east-1a'], failover: false });
    expect(plan.jobs[0].selectedConnection).toBeNull();
    expect(plan.jobs[0].candidates.map((c) => [c.status, c.reasons.map((r) => r.code)])).toEqual([
      ['unknown', ['AZ_HEALTH_UNKNOWN']], ['unknown', ['AZ_HEALTH_UNKNOWN']],
    ]);
    expect(ruleIds(plan)).toContain('GNP-SELECTION-UNKNOWN');
  });
});

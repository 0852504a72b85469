/**
 * Spec §2.3 and §3 "services reached from inside the VPC": Glue's checks at submission only ask
 * that an S3 endpoint or NAT exists, so a connection whose subnet's network ACL blocks the S3
 * traffic, or whose subnet cannot reach Secrets Manager when the job reads a secret, is still
 * selected, and its runs fail there. Checked for every connection some job can select.
 */
import { model, NaclEntrySpec, sgRule } from './builders';
import { buildPlan, Plan } from '../../src/engine';
import { GlueJob, known, PrivateHostedZone, PROTOCOL_ALL } from '../../src/model';

const findings = (plan: Plan, ruleId: string) => [...plan.findings, ...plan.jobs.flatMap((j) => j.findings)].filter((f) => f.ruleId === ruleId);

/** One VPC, two Glue subnets (AZ a and b), a store declared in the first; `secret` puts SECRET_ID on the store's connection. */
function oneVpc(opts: { secret?: boolean; nat?: boolean } = {}) {
  const m = model().vpc('v', '10.0.0.0/16')
    .subnet('s1', 'v', '10.0.1.0/24', 'us-east-1a')
    .subnet('s2', 'v', '10.0.2.0/24', 'us-east-1b')
    .sg('sg', 'v', { ingress: [sgRule({ cidr: '10.0.0.0/16', from: 5432 })] })
    .connection('net1', 's1', ['sg'], { type: 'NETWORK' })
    .connection('net2', 's2', ['sg'], { type: 'NETWORK' })
    .connection('db', 's1', ['sg'], { url: 'jdbc:postgresql://10.0.1.20:5432/app' });
  if (opts.secret) m.model.connections.set('db', { ...m.model.connections.get('db')!, secretProperty: 'SECRET_ID' });
  if (opts.nat) publicNat(m).route('s1-rt', '0.0.0.0/0', 'nat-gateway', 'nat1');
  return m;
}

/** NAT gateway nat1 in a public subnet `pub` (10.0.9.0/24) whose table routes 0.0.0.0/0 to an internet gateway, unless `internet` says otherwise. */
function publicNat(m: ReturnType<typeof model>, internet: 'internet-gateway' | 'transit-gateway' | 'none' = 'internet-gateway') {
  m.subnet('pub', 'v', '10.0.9.0/24', 'us-east-1a', { s3: false }).nat('nat1', 'pub');
  if (internet !== 'none') m.route('pub-rt', '0.0.0.0/0', internet, internet === 'internet-gateway' ? 'igw1' : 'tgw1');
  return m;
}

/**
 * A Secrets Manager interface endpoint in `subnets` (s2 by default) wearing `groups` (its own
 * group `sm-sg`, admitting HTTPS from the VPC, by default).
 */
function interfaceEndpoint(m: ReturnType<typeof model>, privateDns: boolean | undefined, opts: { groups?: string[] | null; subnets?: string[] | null } = {}) {
  if (!m.model.securityGroups.has('sm-sg')) m.sg('sm-sg', 'v', { selfRef: false, ingress: [sgRule({ cidr: '10.0.0.0/16', from: 443 })] });
  const list = (value: string[] | null | undefined, fallback: string[], what: string) =>
    (value === null ? { known: false as const, reason: `the ${what} are not described` } : known(value ?? fallback));
  m.model.gatewayEndpoints.set('sm', {
    id: 'sm',
    source: { stack: 'Test', logicalId: 'sm' },
    vpcId: known('v'),
    service: known('secretsmanager'),
    type: 'Interface',
    routeTableIds: [],
    privateDnsEnabled: privateDns === undefined ? { known: false, reason: 'PrivateDnsEnabled is a deploy-time value' } : known(privateDns),
    securityGroupIds: list(opts.groups, ['sm-sg'], 'security groups'),
    subnetIds: list(opts.subnets, ['s2'], 'subnets'),
  });
  return m;
}

describe('GNP-CONNECTION-NO-SECRETS-PATH: a job that reads a secret needs Secrets Manager from the ENI subnet', () => {
  test('no interface endpoint, no NAT: an error on the selected connection naming the secret-bearing connection', () => {
    const plan = buildPlan(oneVpc({ secret: true }).job('etl', ['net1', 'db']).model, { failover: false });
    const [f] = findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH');
    expect(f).toMatchObject({ severity: 'error', source: { logicalId: 'net1' } });
    expect(f.message).toMatch(/db \(SECRET_ID\)/);
    // AWS does not say from where Glue reads the secret: the message says the ENIs' subnet is assumed.
    expect(f.message).toMatch(/that Glue reads the secret from its ENIs in this subnet is assumed \(AWS does not say from where\)/);
    expect(f.fix).toMatch(/InterfaceVpcEndpointAwsService\.SECRETS_MANAGER/);
    // The connection is still the one Glue selects.
    expect(plan.jobs[0].selectedConnection?.id).toBe('net1');
  });

  test('a Route 53 private hosted zone for the service name in the VPC (a shared endpoint in another VPC): UNKNOWN, not the error', () => {
    for (const name of ['secretsmanager.us-east-1.amazonaws.com', 'amazonaws.com']) {
      const m = oneVpc({ secret: true }).job('etl', ['net1', 'db']);
      m.model.privateHostedZones!.set('phz', { id: 'phz', source: { stack: 'Test', logicalId: 'phz' }, name: known(name), vpcIds: known(['v']) });
      const plan = buildPlan(m.model, { failover: false });
      expect(findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH')).toEqual([]);
      const [f] = findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN');
      expect(f.message).toMatch(/Route 53 private hosted zone phz .* may resolve Secrets Manager's name to an endpoint elsewhere/);
    }
  });

  test('a private hosted zone that may exist (its Condition cannot be decided): UNKNOWN saying so, not the error', () => {
    const m = oneVpc({ secret: true }).job('etl', ['net1', 'db']);
    m.model.privateHostedZones!.set('phz', {
      id: 'phz', source: { stack: 'Test', logicalId: 'phz' }, name: known('secretsmanager.us-east-1.amazonaws.com'), vpcIds: known(['v']), uncertain: 'phz exists only if condition Shared holds',
    });
    const plan = buildPlan(m.model, { failover: false });
    expect(findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH')).toEqual([]);
    expect(findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN')[0].message).toMatch(/Route 53 private hosted zone phz .*may exist \(phz exists only if condition Shared holds\)/);
  });

  test('a default route to a NAT gateway and a private hosted zone for the service name in the VPC: UNKNOWN, not a pass (the zone answers for the name, not the public endpoint)', () => {
    const m = oneVpc({ secret: true, nat: true }).job('etl', ['net1', 'db']);
    m.model.privateHostedZones!.set('phz', { id: 'phz', source: { stack: 'Test', logicalId: 'phz' }, name: known('secretsmanager.us-east-1.amazonaws.com'), vpcIds: known(['v']) });
    const plan = buildPlan(m.model, { failover: false });
    expect(findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH')).toEqual([]);
    const [f] = findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN');
    expect(f.message).toMatch(/default route to a NAT gateway on s1-rt, but Route 53 private hosted zone phz \(secretsmanager\.us-east-1\.amazonaws\.com\) is associated with v and resolves Secrets Manager's name inside it/);
    // Without the zone: no finding (the NAT path).
    expect(findings(buildPlan(oneVpc({ secret: true, nat: true }).job('etl', ['net1', 'db']).model, { failover: false }), 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN')).toEqual([]);
  });

  test('a private hosted zone of another name, or of another VPC: still the error', () => {
    for (const [name, vpcs] of [['example.internal', ['v']], ['secretsmanager.us-east-1.amazonaws.com', ['other-vpc']]] as const) {
      const m = oneVpc({ secret: true }).job('etl', ['net1', 'db']);
      m.model.privateHostedZones!.set('phz', { id: 'phz', source: { stack: 'Test', logicalId: 'phz' }, name: known(name), vpcIds: known([...vpcs]) });
      expect(findings(buildPlan(m.model, { failover: false }), 'GNP-CONNECTION-NO-SECRETS-PATH')).toHaveLength(1);
    }
  });

  test('every connection Glue can select is checked: after an AZ failure net2 is selected, and is reported too', () => {
    const plan = buildPlan(oneVpc({ secret: true }).job('etl', ['net1', 'net2', 'db']).model);
    expect(findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH').map((f) => f.source.logicalId)).toEqual(['net1', 'net2']);
  });

  test('a connection whose properties the templates do not resolve may read a secret: no path to Secrets Manager is UNKNOWN saying what is not shown, never a pass', () => {
    const m = oneVpc().job('etl', ['net1', 'db']);
    m.model.connections.set('db', { ...m.model.connections.get('db')!, secretUnresolved: 'Test/db: its ConnectionInput.ConnectionProperties cannot be resolved (Fn::If on condition UseSecret)' });
    const plan = buildPlan(m.model, { failover: false });
    expect(findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH')).toEqual([]);
    const [f] = findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN');
    expect(f).toMatchObject({ severity: 'warning', source: { logicalId: 'net1' } });
    expect(f.message).toMatch(/may keep credentials in AWS Secrets Manager \(etl may read db \(Test\/db: its ConnectionInput\.ConnectionProperties cannot be resolved/);
    expect(f.message).toMatch(/its subnet s1 has no path to Secrets Manager/);
    expect(f.message).toMatch(/whether one does is UNKNOWN/);
    expect(f.fix).toMatch(/Make the connection's ConnectionProperties and AuthenticationConfiguration resolvable/);
    expect(f.fix).toMatch(/InterfaceVpcEndpointAwsService\.SECRETS_MANAGER/);
    // With a path (an interface endpoint with private DNS): nothing to say.
    const reached = interfaceEndpoint(oneVpc(), true).job('etl', ['net1', 'db']);
    reached.model.connections.set('db', { ...reached.model.connections.get('db')!, secretUnresolved: 'not shown' });
    expect(findings(buildPlan(reached.model, { failover: false }), 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN')).toEqual([]);
  });

  test('a job that reads no secret: no finding', () => {
    const plan = buildPlan(oneVpc().job('etl', ['net1', 'db']).model);
    expect(findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH')).toEqual([]);
  });

  test('an interface endpoint for secretsmanager with private DNS in the VPC: no finding', () => {
    const plan = buildPlan(interfaceEndpoint(oneVpc({ secret: true }), true).job('etl', ['net1', 'net2', 'db']).model);
    expect(findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH')).toEqual([]);
    expect(findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN')).toEqual([]);
  });

  test('the endpoint with private DNS off does not count (the name still resolves to the public endpoint)', () => {
    const plan = buildPlan(interfaceEndpoint(oneVpc({ secret: true }), false).job('etl', ['net1', 'db']).model, { failover: false });
    expect(findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH')[0].message).toMatch(/private DNS off/);
  });

  test('private DNS not known: a warning, not an error and not a pass', () => {
    const plan = buildPlan(interfaceEndpoint(oneVpc({ secret: true }), undefined).job('etl', ['net1', 'db']).model, { failover: false });
    expect(findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH')).toEqual([]);
    expect(findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN')[0]).toMatchObject({ severity: 'warning', source: { logicalId: 'net1' } });
  });

  test('a default route to a NAT gateway of the VPC: no finding for that subnet', () => {
    const plan = buildPlan(oneVpc({ secret: true, nat: true }).job('etl', ['net1', 'net2', 'db']).model);
    expect(findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH').map((f) => f.source.logicalId)).toEqual(['net2']);
  });
});

describe('Secrets Manager through its interface endpoint: the endpoint\'s security groups and the ACLs on the way', () => {
  const job = (m: ReturnType<typeof model>) => buildPlan(m.job('etl', ['net1', 'db']).model, { failover: false });

  test('the endpoint\'s group admits HTTPS only from another subnet: GNP-CONNECTION-NO-SECRETS-PATH naming the group, with the fix', () => {
    const m = oneVpc({ secret: true }).sg('narrow', 'v', { selfRef: false, ingress: [sgRule({ cidr: '10.0.2.0/24', from: 443 })] });
    const [f] = findings(job(interfaceEndpoint(m, true, { groups: ['narrow'] })), 'GNP-CONNECTION-NO-SECRETS-PATH');
    expect(f.message).toMatch(/interface endpoint sm .*security groups \(narrow\) do not admit TCP 443 from 10\.0\.1\.0\/24 or the connection's groups \(sg\)/);
    expect(f.fix).toBe("Add ingress TCP 443 on narrow from the Glue connection's security group sg (or from 10.0.1.0/24); CDK's InterfaceVpcEndpoint admits its VPC's CIDR on 443 unless `open: false`.");
  });

  test('the endpoint\'s group admits the Glue group by reference: no finding', () => {
    const m = oneVpc({ secret: true }).sg('byRef', 'v', { selfRef: false, ingress: [sgRule({ group: 'sg', from: 443 })] });
    const plan = job(interfaceEndpoint(m, true, { groups: ['byRef'] }));
    expect(findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH')).toEqual([]);
    expect(findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN')).toEqual([]);
  });

  test('the Glue group lets out only its own traffic: the error names the missing egress toward the endpoint', () => {
    const m = oneVpc({ secret: true });
    m.model.securityGroups.set('sg', { ...m.model.securityGroups.get('sg')!, egress: [sgRule({ group: 'sg', from: 0, to: 65535 })] });
    const [f] = findings(job(interfaceEndpoint(m, true)), 'GNP-CONNECTION-NO-SECRETS-PATH');
    expect(f.message).toMatch(/the connection's groups \(sg\) do not allow TCP 443 out to its interfaces in s2 \(10\.0\.2\.0\/24\)/);
    expect(f.fix).toBe('Allow egress TCP 443 to 10.0.2.0/24 (or to sm-sg) on sg.');
  });

  test('the Glue group lets HTTPS out only to an S3 prefix list (Glue\'s minimal egress): UNKNOWN (prefix lists are not modelled), not a pass', () => {
    const m = oneVpc({ secret: true });
    const prefixList = { ...sgRule({ cidr: '0.0.0.0/0', from: 443 }), peer: { kind: 'prefix-list' as const, prefixListId: 'pl-s3' } };
    m.model.securityGroups.set('sg', { ...m.model.securityGroups.get('sg')!, egress: [sgRule({ group: 'sg', from: 0, to: 65535 }), prefixList] });
    const plan = job(interfaceEndpoint(m, true));
    expect(findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH')).toEqual([]);
    expect(findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN')[0].message).toMatch(/prefix list pl-s3/);
  });

  test('the endpoint subnet\'s ACL denies HTTPS from the Glue subnet: the error names the ACL entry', () => {
    const m = oneVpc({ secret: true }).nacl('smAcl', 'v', ['s2'], [
      { rule: 100, egress: false, allow: false, cidr: '10.0.1.0/24', from: 443 },
      { rule: 200, egress: false, allow: true, cidr: '0.0.0.0/0', protocol: PROTOCOL_ALL },
      { rule: 200, egress: true, allow: true, cidr: '0.0.0.0/0', protocol: PROTOCOL_ALL },
    ]);
    const [f] = findings(job(interfaceEndpoint(m, true)), 'GNP-CONNECTION-NO-SECRETS-PATH');
    expect(f.message).toMatch(/inbound TCP 443 into s2 from 10\.0\.1\.0\/24 is denied \(smAcl inbound rule 100/);
    expect(f.fix).toMatch(/in smAcl/);
  });

  test.each([
    ['its security groups', { groups: null }],
    ['its subnets', { subnets: null }],
  ])('%s not described: a warning (GNP-CONNECTION-SERVICE-PATH-UNKNOWN), never the error nor a pass', (what, opts) => {
    const plan = job(interfaceEndpoint(oneVpc({ secret: true }), true, opts));
    expect(findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH')).toEqual([]);
    const [f] = findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN');
    expect(f.message).toContain(`${what} are unknown`);
    expect(f.fix).toMatch(/securityGroupIds, subnetIds/);
  });
});

describe('the NAT gateway\'s subnet on the way to Secrets Manager and S3', () => {
  /** Glue in s1, its default route to NAT gateway nat1 in subnet pub (10.0.9.0/24) with ACL natAcl. */
  const viaNat = (entries: NaclEntrySpec[], opts: { secret?: boolean; s3?: boolean; internet?: 'internet-gateway' | 'transit-gateway' | 'none' } = {}) => {
    const m = oneVpc({ secret: opts.secret ?? true });
    publicNat(m, opts.internet).route('s1-rt', '0.0.0.0/0', 'nat-gateway', 'nat1');
    if (opts.s3 === false) m.model.gatewayEndpoints.delete('v-s3');
    return m.nacl('natAcl', 'v', ['pub'], entries).job('etl', ['net1', 'db']);
  };
  const open = (egress: boolean): NaclEntrySpec => ({ rule: 200, egress, allow: true, cidr: '0.0.0.0/0', protocol: PROTOCOL_ALL });

  test('the NAT subnet\'s ACL admits everything: no finding', () => {
    const plan = buildPlan(viaNat([open(true), open(false)]).model, { failover: false });
    expect(findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH')).toEqual([]);
    expect(findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN')).toEqual([]);
  });

  test('outbound HTTPS denied from the NAT subnet: GNP-CONNECTION-NO-SECRETS-PATH naming the NAT\'s ACL entry, with the fix', () => {
    const plan = buildPlan(viaNat([{ rule: 100, egress: true, allow: false, cidr: '0.0.0.0/0', from: 443 }, open(true), open(false)]).model, { failover: false });
    const [f] = findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH');
    expect(f.message).toMatch(/network ACL natAcl of NAT gateway nat1's subnet pub denies outbound TCP 443 to the service's public address \(natAcl outbound rule 100/);
    expect(f.message).toMatch(/assumption/);
    expect(f.fix).toMatch(/^In natAcl, numbered below the entries that deny them: allow inbound TCP 443 from 10\.0\.1\.0\/24/);
  });

  test('the Glue subnet -> NAT subnet leg: inbound from the Glue subnet denied: the error', () => {
    const plan = buildPlan(viaNat([{ rule: 100, egress: false, allow: false, cidr: '10.0.1.0/24', protocol: PROTOCOL_ALL }, open(true), open(false)]).model, { failover: false });
    expect(findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH')[0].message).toMatch(/denies inbound TCP 443 from the Glue subnet 10\.0\.1\.0\/24/);
  });

  test('replies to the Glue subnet on part of the Linux range only: a warning, not an error', () => {
    const plan = buildPlan(viaNat([open(false), { rule: 100, egress: true, allow: true, cidr: '10.0.1.0/24', from: 49152, to: 65535 }, { rule: 200, egress: true, allow: true, cidr: '0.0.0.0/0', from: 443 }]).model, { failover: false });
    expect(findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH')).toEqual([]);
    expect(findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN')[0].message).toMatch(/outbound replies to the Glue subnet/);
  });

  test('S3 through the NAT (no gateway endpoint) and the NAT subnet denies it: GNP-CONNECTION-S3-ACL on the connection', () => {
    const plan = buildPlan(viaNat([{ rule: 100, egress: true, allow: false, cidr: '0.0.0.0/0', from: 443 }, open(true), open(false)], { secret: false, s3: false }).model, { failover: false });
    const [f] = findings(plan, 'GNP-CONNECTION-S3-ACL');
    expect(f.message).toMatch(/S3 traffic leaves through a NAT gateway, and the network ACL of the NAT gateway's subnet blocks it/);
  });

  test('S3 through a NAT gateway whose subnet has no route to an internet gateway: GNP-CONNECTION-NAT-NO-INTERNET on the connection, and no Secrets Manager path either', () => {
    const plan = buildPlan(viaNat([open(true), open(false)], { s3: false, internet: 'none' }).model);
    const [f] = findings(plan, 'GNP-CONNECTION-NAT-NO-INTERNET');
    expect(f).toMatchObject({ severity: 'error', source: { logicalId: 'net1' } });
    expect(f.message).toMatch(/NAT gateway nat1's subnet pub has no internet path: pub-rt has no route to an internet gateway for public addresses/);
    expect(f.fix).toMatch(/^Route 0\.0\.0\.0\/0 from pub's route table to v's internet gateway/);
    expect(findings(plan, 'GNP-CONNECTION-S3-ACL')).toEqual([]);
    expect(findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH')[0].message).toMatch(/NAT gateway nat1's subnet pub has no internet path/);
  });

  test('a NAT gateway whose subnet sends public addresses to a transit gateway (central egress): a warning, never the error nor a pass', () => {
    const plan = buildPlan(viaNat([open(true), open(false)], { s3: false, internet: 'transit-gateway' }).model);
    expect(findings(plan, 'GNP-CONNECTION-NAT-NO-INTERNET')).toEqual([]);
    const warnings = findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN').map((f) => f.message).join(' | ');
    expect(warnings).toMatch(/whether NAT gateway nat1's subnet pub reaches the internet is unknown/);
  });

  test('S3 through the NAT judged once per subnet: the connections of s1 (no gateway endpoint) reported, not net2 in s2 (endpoint) of the same VPC', () => {
    const m = viaNat([{ rule: 100, egress: true, allow: false, cidr: '0.0.0.0/0', from: 443 }, open(true), open(false)], { secret: false })
      .route('s2-rt', '0.0.0.0/0', 'nat-gateway', 'nat1').job('b', ['net2']).job('c', ['db']);
    const endpoint = m.model.gatewayEndpoints.get('v-s3')!;
    m.model.gatewayEndpoints.set('v-s3', { ...endpoint, routeTableIds: endpoint.routeTableIds.filter((t) => t !== 's1-rt') });
    const plan = buildPlan(m.model, { failover: false });
    expect(findings(plan, 'GNP-CONNECTION-S3-ACL').map((f) => f.source.logicalId)).toEqual(['net1', 'db']);
  });

  test('S3 through a gateway endpoint: the NAT subnet\'s ACL does not matter for S3', () => {
    const plan = buildPlan(viaNat([{ rule: 100, egress: true, allow: false, cidr: '0.0.0.0/0', from: 443 }, open(true), open(false)], { secret: false }).model, { failover: false });
    expect(findings(plan, 'GNP-CONNECTION-S3-ACL')).toEqual([]);
  });

  test('a NAT gateway the inputs do not describe: a warning naming it, not a pass', () => {
    const m = oneVpc({ secret: true }).route('s1-rt', '0.0.0.0/0', 'nat-gateway', 'nat-0elsewhere').job('etl', ['net1', 'db']);
    const plan = buildPlan(m.model, { failover: false });
    expect(findings(plan, 'GNP-CONNECTION-NO-SECRETS-PATH')).toEqual([]);
    expect(findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN')[0].message).toMatch(/NAT gateway nat-0elsewhere is not described/);
  });
});

describe('GNP-CONNECTION-S3-ACL: the network ACL on the S3 path (Glue still selects the connection)', () => {
  const acl = (entries: NaclEntrySpec[]) => oneVpc().nacl('acl', 'v', ['s1'], entries).job('etl', ['net1', 'db']);
  const allowAll = (egress: boolean): NaclEntrySpec => ({ rule: 200, egress, allow: true, cidr: '0.0.0.0/0', protocol: PROTOCOL_ALL });

  test('outbound HTTPS denied to everything: an error on the connection naming the ACL entry; the connection is still selected', () => {
    const plan = buildPlan(acl([{ rule: 100, egress: true, allow: false, cidr: '0.0.0.0/0', from: 443 }, allowAll(true), allowAll(false)]).model, { failover: false });
    const [f] = findings(plan, 'GNP-CONNECTION-S3-ACL');
    expect(f).toMatchObject({ severity: 'error', source: { logicalId: 'net1' } });
    expect(f.message).toMatch(/acl outbound rule 100 \(deny TCP ports 443 for 0\.0\.0\.0\/0\)/);
    expect(plan.jobs[0].selectedConnection?.id).toBe('net1');
  });

  test('outbound allowed only inside the VPC (the implicit deny for every public address): an error naming the implicit deny', () => {
    const plan = buildPlan(acl([{ rule: 100, egress: true, allow: true, cidr: '10.0.0.0/16', protocol: PROTOCOL_ALL }, allowAll(false)]).model, { failover: false });
    expect(findings(plan, 'GNP-CONNECTION-S3-ACL')[0].message).toMatch(/implicit deny/);
  });

  test('replies denied: inbound allows only ports 1024-32767 (none of the Linux range 32768-60999): an error that states the assumption', () => {
    const plan = buildPlan(acl([allowAll(true), { rule: 100, egress: false, allow: true, cidr: '0.0.0.0/0', from: 1024, to: 32767 }]).model, { failover: false });
    const [f] = findings(plan, 'GNP-CONNECTION-S3-ACL');
    expect(f.message).toMatch(/32768-60999/);
    expect(f.message).toMatch(/assumption/);
  });

  test('replies admitted on 32768-65535 only (AWS examples): passes', () => {
    const plan = buildPlan(acl([allowAll(true), { rule: 100, egress: false, allow: true, cidr: '0.0.0.0/0', from: 32768, to: 65535 }]).model, { failover: false });
    expect(findings(plan, 'GNP-CONNECTION-S3-ACL')).toEqual([]);
    expect(findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN')).toEqual([]);
  });

  test('HTTPS allowed to only some public addresses (S3 prefix list not modelled): a warning, not an error', () => {
    const plan = buildPlan(acl([{ rule: 100, egress: true, allow: true, cidr: '52.216.0.0/15', from: 443 }, allowAll(false)]).model, { failover: false });
    expect(findings(plan, 'GNP-CONNECTION-S3-ACL')).toEqual([]);
    expect(findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN')[0].severity).toBe('warning');
  });

  test('a connection no job can select is not checked', () => {
    const m = oneVpc().nacl('acl', 'v', ['s2'], [allowAll(false)]).job('etl', ['net1', 'db']);
    expect(findings(buildPlan(m.model, { failover: false }), 'GNP-CONNECTION-S3-ACL')).toEqual([]);
  });
});

describe('no probe address in the S3-path message', () => {
  test('an internet gateway default route is named by its destination, never by an internal probe address', () => {
    const m = model().vpc('v', '10.0.0.0/16').subnet('s1', 'v', '10.0.1.0/24', 'us-east-1a', { s3: false })
      .route('s1-rt', '0.0.0.0/0', 'internet-gateway', 'igw-1').sg('sg', 'v')
      .connection('net1', 's1', ['sg'], { type: 'NETWORK' }).job('etl', ['net1']);
    const text = JSON.stringify(buildPlan(m.model, { failover: false }));
    expect(text).toMatch(/internet gateway route for 0\.0\.0\.0\/0/);
    expect(text).not.toMatch(/8\.8\.8\.8/);
  });
});

describe('GNP-CONNECTION-NO-KMS-PATH: a job whose security configuration uses AWS KMS keys needs AWS KMS from the ENI subnet', () => {
  const withKms = (kmsUse: GlueJob['kmsUse'], opts: { nat?: boolean; kmsEndpoint?: boolean } = {}) => {
    const m = oneVpc({ nat: opts.nat }).job('etl', ['db']);
    m.model.jobs.set('etl', { ...m.model.jobs.get('etl')!, kmsUse });
    if (opts.kmsEndpoint) {
      interfaceEndpoint(m, true);
      m.model.gatewayEndpoints.set('sm', { ...m.model.gatewayEndpoints.get('sm')!, service: known('kms') });
    }
    return buildPlan(m.model, { failover: false });
  };

  test('SSE-KMS on a job with a JDBC connection, no interface endpoint for kms, no NAT: an error citing the AWS Glue page', () => {
    const [f] = findings(withKms(known('security configuration Test/sc (S3 encryption SSE-KMS)')), 'GNP-CONNECTION-NO-KMS-PATH');
    expect(f).toMatchObject({ severity: 'error', source: { logicalId: 'db' } });
    expect(f.message).toMatch(/security configuration Test\/sc \(S3 encryption SSE-KMS\)/);
    expect(f.message).toMatch(/has no path to AWS KMS: v has no interface endpoint for AWS KMS with private DNS/);
    expect(f.message).toMatch(/Creating a route to AWS KMS for VPC jobs and crawlers/);
    expect(f.fix).toMatch(/InterfaceVpcEndpointAwsService\.KMS/);
  });

  test('an interface endpoint for kms with private DNS, or a NAT route: no finding', () => {
    const use = known('security configuration Test/sc (CloudWatch Logs encryption SSE-KMS)');
    for (const plan of [withKms(use, { kmsEndpoint: true }), withKms(use, { nat: true })]) {
      expect(findings(plan, 'GNP-CONNECTION-NO-KMS-PATH')).toEqual([]);
      expect(findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN').filter((f) => /KMS/.test(f.message))).toEqual([]);
    }
  });

  test('a security configuration the templates do not define: UNKNOWN saying so, not the error and not a pass', () => {
    const plan = withKms({ known: false, reason: 'Test/etl uses security configuration shared-sc, which the templates do not define, so whether it encrypts with AWS KMS keys is unknown' });
    expect(findings(plan, 'GNP-CONNECTION-NO-KMS-PATH')).toEqual([]);
    const [f] = findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN').filter((x) => /KMS/.test(x.message));
    expect(f.message).toMatch(/may call AWS KMS \(etl: may, Test\/etl uses security configuration shared-sc, which the templates do not define/);
  });

  test("a Route 53 private hosted zone for AWS KMS's name (or of unknown domain, as --from-aws writes one when ListHostedZonesByVPC fails) in the VPC: UNKNOWN, not the error, and not a pass through a NAT; Secrets Manager's zone changes nothing", () => {
    const sse = known('security configuration Test/sc (S3 encryption SSE-KMS)');
    const zoned = (name: PrivateHostedZone['name'], nat: boolean) => {
      const m = oneVpc({ nat }).job('etl', ['db']);
      m.model.jobs.set('etl', { ...m.model.jobs.get('etl')!, kmsUse: sse });
      m.model.privateHostedZones!.set('phz', { id: 'phz', source: { stack: 'Test', logicalId: 'phz' }, name, vpcIds: known(['v']) });
      return buildPlan(m.model, { failover: false });
    };
    const unread = { known: false as const, reason: 'the Route 53 private hosted zones associated with v were not read (route53:ListHostedZonesByVPC)' };
    for (const name of [known('kms.us-east-1.amazonaws.com'), known('amazonaws.com'), unread]) {
      for (const nat of [false, true]) {
        const plan = zoned(name, nat);
        expect(findings(plan, 'GNP-CONNECTION-NO-KMS-PATH')).toEqual([]);
        const [f] = findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN').filter((x) => /KMS/.test(x.message));
        expect(f.message).toMatch(/Route 53 private hosted zone phz .*(may )?resolves? AWS KMS's name/);
      }
    }
    expect(findings(zoned(known('secretsmanager.us-east-1.amazonaws.com'), false), 'GNP-CONNECTION-NO-KMS-PATH')).toHaveLength(1);
    expect(findings(zoned(known('secretsmanager.us-east-1.amazonaws.com'), true), 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN')).toEqual([]);
  });

  test('a private hosted zone for kms.<region>.amazonaws.com associated with the VPC (a shared endpoint in another VPC): UNKNOWN, not the error', () => {
    const m = oneVpc().job('etl', ['db']);
    m.model.jobs.set('etl', { ...m.model.jobs.get('etl')!, kmsUse: known('security configuration Test/sc (S3 encryption SSE-KMS)') });
    m.model.privateHostedZones!.set('phz', { id: 'phz', source: { stack: 'Test', logicalId: 'phz' }, name: known('kms.us-east-1.amazonaws.com'), vpcIds: known(['v']) });
    const plan = buildPlan(m.model, { failover: false });
    expect(findings(plan, 'GNP-CONNECTION-NO-KMS-PATH')).toEqual([]);
    expect(findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN').map((f) => f.message).join('\n')).toMatch(/Route 53 private hosted zone phz .*may resolve AWS KMS's name to an endpoint elsewhere/);
  });

  test('no security configuration: no finding', () => {
    const plan = withKms(undefined);
    expect(findings(plan, 'GNP-CONNECTION-NO-KMS-PATH')).toEqual([]);
    expect(findings(plan, 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN')).toEqual([]);
  });
});


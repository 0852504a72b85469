import { seedCase, sgRule } from './builders';
import { buildPlan, Finding, planRemedy } from '../../src/engine';
import { groupRuleQuotaUse, Quotas } from '../../src/engine/quotas';
import { known, NetworkModel, SecurityGroupRuleWeight, unknown } from '../../src/model';

/*
 * "Inbound or outbound rules per security group" (Amazon VPC quotas: 60 by default, enforced apart
 * per direction and for IPv4 and IPv6 rules; multiplied by security groups per network interface
 * it cannot exceed 1,000). Auto-peer adds ingress and egress rules: one over the quota fails to
 * create and CloudFormation rolls the whole deployment back.
 */

const src = { stack: 'Test', logicalId: 'rules' };

/** The seed's case; store group sgB (which has its self-referencing rule) gets `n` more inbound CIDR rules. */
function withInboundRules(n: number): NetworkModel {
  const m = seedCase().model;
  const sgB = m.securityGroups.get('sgB')!;
  for (let i = 0; i < n; i++) sgB.ingress.push(sgRule({ cidr: `172.16.${i}.0/24`, from: 443 }));
  return m;
}

function weigh(m: NetworkModel, groupId: string, weight: Omit<SecurityGroupRuleWeight, 'source'>): NetworkModel {
  const group = m.securityGroups.get(groupId)!;
  (group.ruleWeights ??= []).push({ source: src, ...weight });
  return m;
}

const text = (findings: readonly Finding[]) => findings.map((f) => `${f.ruleId}: ${f.message} ${f.fix}`).join('\n');
const allFindings = (plan: ReturnType<typeof buildPlan>) => [...plan.findings, ...plan.jobs.flatMap((j) => j.findings)];
const sgBRules = (remedy: ReturnType<typeof planRemedy>) => remedy.rules.filter((r) => r.groupId === 'sgB').map((r) => `${r.direction} ${r.port} ${r.peerGroupId ?? r.peerCidr}`);

describe('groupRuleQuotaUse: rules counted as AWS counts them', () => {
  test('a CIDR rule counts one IPv4 rule; a rule to a security group one on each side; directions apart', () => {
    const sgB = withInboundRules(3).securityGroups.get('sgB')!;
    expect(groupRuleQuotaUse(sgB, 'ingress')).toEqual({ ipv4: 4, ipv6: 1, unweighed: [], unseen: [] });
    expect(groupRuleQuotaUse(sgB, 'egress')).toEqual({ ipv4: 1, ipv6: 0, unweighed: [], unseen: [] });
  });

  test('a rule to a prefix list counts as its maximum entries, not its entries; an IPv6 rule on the IPv6 side only', () => {
    const m = withInboundRules(0);
    const sgB = m.securityGroups.get('sgB')!;
    // The list's two entries, as ingest expands a list the templates define: counted by the weight instead.
    sgB.ingress.push({ ...sgRule({ cidr: '192.168.1.0/24', from: 443 }), prefixList: 'Test/Onprem' }, { ...sgRule({ cidr: '192.168.2.0/24', from: 443 }), prefixList: 'Test/Onprem' });
    weigh(m, 'sgB', { direction: 'ingress', what: 'a rule to prefix list Test/Onprem', family: 'ipv4', weight: known(20) });
    weigh(m, 'sgB', { direction: 'ingress', what: 'an IPv6 rule from ::/0', family: 'ipv6', weight: known(1) });
    expect(groupRuleQuotaUse(sgB, 'ingress')).toEqual({ ipv4: 21, ipv6: 2, unweighed: [], unseen: [] });
  });

  test('what the inputs do not let count is named, never taken as nothing', () => {
    const m = weigh(withInboundRules(0), 'sgB', { direction: 'ingress', what: 'a rule to prefix list pl-0123', family: 'unknown', weight: unknown('its maximum entries are not in the inputs') });
    const sgB = m.securityGroups.get('sgB')!;
    (sgB as { openEnded?: unknown[] }).openEnded = [{ cause: 'custom resource Test/AddRules calls EC2 AuthorizeSecurityGroupIngress on sgB', source: src, kind: 'custom-resource', effect: 'add', direction: 'ingress' }];
    const use = groupRuleQuotaUse(sgB, 'ingress');
    expect(use.unweighed).toEqual(['a rule to prefix list pl-0123 (its maximum entries are not in the inputs)']);
    expect(use.unseen).toEqual(['it may have rules the inputs do not list: custom resource Test/AddRules calls EC2 AuthorizeSecurityGroupIngress on sgB']);
    expect(groupRuleQuotaUse(sgB, 'egress').unseen).toEqual([]);
  });
});

describe('auto-peer never adds a rule past the rules-per-group quota', () => {
  const noFailover = { failover: false };

  test('room for one more: the store ingress is added (59 inbound rules, the default quota of 60)', () => {
    const remedy = planRemedy(withInboundRules(58), noFailover);
    expect(sgBRules(remedy)).toEqual(['ingress 3306 sgA']);
    expect(remedy.unfixable).toEqual([]);
  });

  test('a group at the quota: no rule, and the refusal names the group, its count, the rule and the quota', () => {
    const remedy = planRemedy(withInboundRules(59), noFailover);
    expect(sgBRules(remedy)).toEqual([]);
    const said = text(remedy.unfixable);
    expect(said).toMatch(/GNP-AUTOPEER-UNFIXABLE: Auto-peer cannot make the data store of connection mysql reachable/);
    expect(said).toMatch(/security group sgB has 60 inbound IPv4 rules: one more \(ingress TCP 3306 from security group sgA\) would exceed the default quota of 60 inbound rules per security group, and a rule over the quota fails to create, rolling the deployment back/);
    expect(said).toMatch(/request a quota increase .* add the rule yourself \(ingress TCP 3306 from security group sgA on sgB\)/);
    // The other store's group has room: its rule is added.
    expect(remedy.rules.map((r) => r.groupId)).toEqual(['sgC']);
    expect(allFindings(remedy.planAfter).map((f) => f.ruleId)).toContain('GNP-STORE-UNREACHABLE');
  });

  test('the rules auto-peer already adds to the group count: 59 rules leave room for one of two', () => {
    const m = withInboundRules(58);
    // A second job, whose connection sits in vpcC, also reaches the MySQL store behind sgB.
    m.jobs.set('etl2', { ...m.jobs.get('etl')!, id: 'etl2', name: known('etl2'), connections: [{ name: known('postgres'), connectionId: 'postgres' }, { name: known('mysql'), connectionId: 'mysql' }] });
    const remedy = planRemedy(m, noFailover);
    expect(sgBRules(remedy)).toEqual(['ingress 3306 sgA']);
    expect(text(remedy.unfixable)).toMatch(/security group sgB has 59 inbound IPv4 rules and auto-peer already adds 1: one more \(ingress TCP 3306 from security group sgC\) would exceed the default quota of 60/);
  });

  test("the account's quota when given: 60 rules leave room under 100", () => {
    const remedy = planRemedy(withInboundRules(59), { ...noFailover, quotas: { rulesPerSecurityGroup: 100 } });
    expect(sgBRules(remedy)).toEqual(['ingress 3306 sgA']);
    expect(remedy.unfixable).toEqual([]);
  });

  test('a rule to a security group counts on the IPv6 side too: 60 IPv6 rules leave no room for it', () => {
    const m = weigh(withInboundRules(0), 'sgB', { direction: 'ingress', what: 'IPv6 rules from 2001:db8::/32', family: 'ipv6', weight: known(59) });
    const remedy = planRemedy(m, noFailover);
    expect(sgBRules(remedy)).toEqual([]);
    expect(text(remedy.unfixable)).toMatch(/security group sgB has 60 inbound IPv6 rules \(a rule to a security group counts on the IPv6 side too, an assumption\): one more \(ingress TCP 3306 from security group sgA\) would exceed/);
  });

  test('a rule to a prefix list of unknown maximum entries: room cannot be counted, so nothing is added, and the refusal says what to give', () => {
    const m = weigh(withInboundRules(0), 'sgB', { direction: 'ingress', what: 'a rule to prefix list pl-0123', family: 'unknown', weight: unknown('its maximum entries are not in the inputs') });
    const remedy = planRemedy(m, noFailover);
    expect(sgBRules(remedy)).toEqual([]);
    expect(text(remedy.unfixable)).toMatch(/security group sgB has a rule to prefix list pl-0123 \(its maximum entries are not in the inputs\) \(AWS counts a rule to a prefix list as the list's maximum entries\): whether one more inbound rule \(ingress TCP 3306 from security group sgA\) fits within the default quota of 60 inbound rules per security group cannot be told/);
    expect(text(remedy.unfixable)).toMatch(/for a pl-... list, the facts' prefixLists: \[\{ id, maxEntries \}\]/);
  });

  test('a group the inputs do not describe (imported by id, no facts): nothing is assumed either way; peered, the store would be UNKNOWN, so auto-peer adds no rule to it, nor the peering, and says what is missing (was: the peering was added, the store left UNKNOWN)', () => {
    const m = seedCase().model;
    m.declaredStores.set('mysql', { ...m.declaredStores.get('mysql')!, securityGroupIds: ['sg-0imported'] });
    const remedy = planRemedy(m, noFailover);
    expect(remedy.rules.filter((r) => r.groupId === 'sg-0imported')).toEqual([]);
    expect(remedy.peerings.map((p) => p.key)).not.toContain('vpcA|vpcB');
    const mysql = remedy.planAfter.jobs[0].dataStores.find((d) => d.connection.name === 'mysql')!;
    expect(mysql.verdict).toBe('UNREACHABLE');
    expect(remedy.unfixable.map((f) => f.message)).toContainEqual(expect.stringMatching(/mysql .*would still be UNKNOWN \(.*security group sg-0imported is not described.*so auto-peer adds nothing for this path/));
  });

  test('the egress and ingress a path needs are added both or neither: a full store group leaves the Glue group without its egress rule', () => {
    const m = withInboundRules(59);
    // The Glue group allows HTTPS out only: the path needs an egress rule too.
    m.securityGroups.get('sgA')!.egress.splice(0, 1, sgRule({ cidr: '0.0.0.0/0', from: 443 }));
    const remedy = planRemedy(m, noFailover);
    const egress = remedy.rules.filter((r) => r.direction === 'egress').map((r) => `${r.groupId} ${r.port}`);
    expect(egress).toContain('sgA 5432');
    expect(egress).not.toContain('sgA 3306');
    expect(sgBRules(remedy)).toEqual([]);
    // Without the full group, both are added.
    const roomy = planRemedy((() => { const r = withInboundRules(0); r.securityGroups.get('sgA')!.egress.splice(0, 1, sgRule({ cidr: '0.0.0.0/0', from: 443 })); return r; })(), noFailover);
    expect(roomy.rules.filter((r) => r.direction === 'egress').map((r) => `${r.groupId} ${r.port}`)).toContain('sgA 3306');
  });

  describe('while GNP-AUTOPEER-UNFIXABLE is acknowledged (keepRulesOfUncountedGroups, as auto-peer sets it): a rule refused only because its group cannot be counted is still added, one whose group is known to be full is not', () => {
    const keep = { ...noFailover, keepRoutingOfRefusedRules: true, keepRulesOfUncountedGroups: true };
    const uncountable = () => weigh(withInboundRules(0), 'sgB', { direction: 'ingress', what: 'a rule to prefix list pl-0123', family: 'unknown', weight: unknown('its maximum entries are not in the inputs') });

    test('the store group cannot be counted: the rule is added, and the refusal (acknowledged) and its reason say it is kept unchecked (was: refused, so a rule an earlier version added was removed)', () => {
      const remedy = planRemedy(uncountable(), keep);
      expect(sgBRules(remedy)).toEqual(['ingress 3306 sgA']);
      expect(remedy.rules.find((r) => r.groupId === 'sgB')!.reason).toMatch(/; kept while acknowledged: the group's rules cannot be counted, so the quota is not checked for it/);
      expect(remedy.unfixable).toEqual([expect.objectContaining({
        ruleId: 'GNP-AUTOPEER-UNFIXABLE',
        message: expect.stringMatching(/^Auto-peer cannot check the rules quota of a rule it adds for the data store of connection mysql .*cannot be told.*so auto-peer still adds the rule, kept while acknowledged: the group's rules cannot be counted, so the quota is not checked for it/),
        fix: expect.stringMatching(/^Nothing to add by hand: auto-peer adds the rule .*To have the quota checked for it, give the prefix list's maximum entries/),
      })]);
      expect(remedy.planAfter.jobs[0].dataStores.find((d) => d.connection.name === 'mysql')!.verdict).toBe('REACHABLE');
    });

    test('without the option (not acknowledged): refused, as before', () => {
      expect(sgBRules(planRemedy(uncountable(), { ...noFailover, keepRoutingOfRefusedRules: false }))).toEqual([]);
    });

    test('the store group known to be full, the Glue group uncountable: neither rule of the path is added (the known overflow is refused; the rules of a path are both or neither)', () => {
      const m = weigh(withInboundRules(59), 'sgA', { direction: 'egress', what: 'a rule to prefix list pl-0456', family: 'unknown', weight: unknown('its maximum entries are not in the inputs') });
      m.securityGroups.get('sgA')!.egress.splice(0, 1, sgRule({ cidr: '0.0.0.0/0', from: 443 }));
      const remedy = planRemedy(m, keep);
      expect(sgBRules(remedy)).toEqual([]);
      expect(remedy.rules.filter((r) => r.groupId === 'sgA' && r.port === 3306)).toEqual([]);
      expect(text(remedy.unfixable)).toMatch(/security group sgB has 60 inbound IPv4 rules: one more .* would exceed/);
    });
  });
});

describe('GNP-QUOTA-SG-RULES and GNP-QUOTA-SG-RULES-UNKNOWN', () => {
  const quotaFindings = (m: NetworkModel, quotas?: { rulesPerSecurityGroup?: number; securityGroupsPerNetworkInterface?: number }) =>
    buildPlan(m, { failover: false, ...(quotas ? { quotas } : {}) }).findings.filter((f) => f.ruleId.startsWith('GNP-QUOTA-SG-RULES'));

  test('60 inbound rules are within the default quota; 61 are over it (a warning naming the group, the count and the quota)', () => {
    expect(quotaFindings(withInboundRules(59))).toEqual([]);
    const [over] = quotaFindings(withInboundRules(60));
    expect(over).toMatchObject({ ruleId: 'GNP-QUOTA-SG-RULES', severity: 'warning', source: { logicalId: 'sgB' } });
    expect(over.message).toBe('sgB has 61 inbound IPv4 rules, over the default quota of 60 inbound rules per security group (IPv4 and IPv6 rules count apart): EC2 refuses the rules past the quota, and CloudFormation rolls the deployment back.');
    expect(over.fix).toMatch(/request a quota increase .* cannot exceed 1,000\)\. If the account's quota is already raised, give it/);
  });

  test("the account's quota when given", () => {
    expect(quotaFindings(withInboundRules(60), { rulesPerSecurityGroup: 100 })).toEqual([]);
    expect(quotaFindings(withInboundRules(60), { rulesPerSecurityGroup: 50 }).map((f) => f.message)).toEqual([
      "sgB has 61 inbound IPv4 rules, over the account's quota of 50 inbound rules per security group (IPv4 and IPv6 rules count apart): EC2 refuses the rules past the quota, and CloudFormation rolls the deployment back.",
    ]);
  });

  test('a rule to a prefix list counts as its maximum entries', () => {
    const m = weigh(withInboundRules(10), 'sgB', { direction: 'ingress', what: 'a rule to prefix list Test/Onprem', family: 'ipv4', weight: known(50) });
    expect(quotaFindings(m).map((f) => f.message)).toEqual([
      'sgB has 61 inbound IPv4 rules (a rule to a prefix list counts as its maximum entries, as AWS counts it), over the default quota of 60 inbound rules per security group (IPv4 and IPv6 rules count apart): EC2 refuses the rules past the quota, and CloudFormation rolls the deployment back.',
    ]);
  });

  test('the IPv6 side: its rules and the group references, the assumption said', () => {
    const m = weigh(withInboundRules(0), 'sgB', { direction: 'ingress', what: 'IPv6 rules from 2001:db8::/32', family: 'ipv6', weight: known(60) });
    expect(quotaFindings(m).map((f) => f.message)).toEqual([
      'sgB has 61 inbound IPv6 rules (a rule to a security group counted on both sides, an assumption: see RULES.md), over the default quota of 60 inbound rules per security group (IPv4 and IPv6 rules count apart): EC2 refuses the rules past the quota, and CloudFormation rolls the deployment back.',
    ]);
  });

  test('the IPv6 side of a group without group references: its IPv6 rules only, no assumption said (was: the assumption named as if group references made the count)', () => {
    const m = weigh(withInboundRules(0), 'sgB', { direction: 'ingress', what: 'IPv6 rules from 2001:db8::/32', family: 'ipv6', weight: known(61) });
    const sgB = m.securityGroups.get('sgB')!;
    sgB.ingress.splice(0, sgB.ingress.length, ...sgB.ingress.filter((rule) => rule.peer.kind === 'cidr'));
    expect(quotaFindings(m).map((f) => f.message)).toEqual([
      'sgB has 61 inbound IPv6 rules, over the default quota of 60 inbound rules per security group (IPv4 and IPv6 rules count apart): EC2 refuses the rules past the quota, and CloudFormation rolls the deployment back.',
    ]);
  });

  test('a prefix list of unknown maximum entries: UNKNOWN, naming the list, never a pass', () => {
    const m = weigh(withInboundRules(0), 'sgB', { direction: 'egress', what: 'a rule to prefix list pl-0123', family: 'unknown', weight: unknown('its maximum entries are not in the inputs') });
    const [finding] = quotaFindings(m);
    expect(finding).toMatchObject({ ruleId: 'GNP-QUOTA-SG-RULES-UNKNOWN', severity: 'warning' });
    expect(finding.message).toMatch(/^Whether sgB stays within the default quota of 60 outbound rules per security group is UNKNOWN: besides 1 IPv4 rules, it has a rule to prefix list pl-0123 \(its maximum entries are not in the inputs\)/);
  });
});

describe('the rules quota and the security groups per interface quota: multiplied, at most 1,000', () => {
  test('both given past 1,000: refused with the reason', () => {
    expect(() => Quotas.of({ rulesPerSecurityGroup: 100, securityGroupsPerNetworkInterface: 16 })).toThrow(/multiplied cannot exceed 1,000.*100 x 16 = 1600/);
    expect(Quotas.of({ rulesPerSecurityGroup: 100, securityGroupsPerNetworkInterface: 10 }).value('rulesPerSecurityGroup')).toBe(100);
  });

  test('a raised rules quota bounds the groups per interface AWS leaves (one given, the other not)', () => {
    const quotas = Quotas.of({ rulesPerSecurityGroup: 250 });
    expect(quotas.value('securityGroupsPerNetworkInterface')).toBe(4);
    expect(quotas.text('securityGroupsPerNetworkInterface')).toMatch(/^a quota of at most 4 \(the account's 250 inbound or outbound rules per security group leave no more/);
    expect(Quotas.of({ rulesPerSecurityGroup: 100 }).value('securityGroupsPerNetworkInterface')).toBe(5);
    expect(Quotas.DEFAULT.value('rulesPerSecurityGroup')).toBe(60);
  });
});

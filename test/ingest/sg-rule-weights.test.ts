import { egress, getAtt, ingress, modelOf, ref, securityGroup, tcpFrom, vpc } from './builders';
import { buildPlan } from '../../src/engine';
import { groupRuleQuotaUse } from '../../src/engine/quotas';
import { buildModel, parseFacts } from '../../src/ingest';

/*
 * What a security group's rules count against "Inbound or outbound rules per security group", read
 * from every place rules come from: inline rules, AWS::EC2::SecurityGroupIngress/Egress, facts.
 */

const prefixList = (family: 'IPv4' | 'IPv6', maxEntries: unknown, cidrs: string[]) => ({
  Type: 'AWS::EC2::PrefixList',
  Properties: { AddressFamily: family, MaxEntries: maxEntries, PrefixListName: 'list', Entries: cidrs.map((Cidr) => ({ Cidr })) },
});

describe('templates: inline and standalone rules', () => {
  const model = () => modelOf({
    Vpc: vpc('10.0.0.0/16'),
    Onprem: prefixList('IPv4', 20, ['192.168.0.0/24', '192.168.1.0/24']),
    Onprem6: prefixList('IPv6', 5, ['2001:db8::/64']),
    Other: securityGroup(ref('Vpc')),
    Sg: securityGroup(ref('Vpc'), {
      SecurityGroupIngress: [
        tcpFrom({ CidrIp: '10.1.0.0/16' }, 443),
        tcpFrom({ CidrIpv6: '::/0' }, 443),
        tcpFrom({ SourcePrefixListId: ref('Onprem') }, 443),
        tcpFrom({ SourcePrefixListId: ref('Onprem6') }, 443),
      ],
    }),
    FromOther: ingress(getAtt('Sg', 'GroupId'), tcpFrom({ SourceSecurityGroupId: getAtt('Other', 'GroupId') }, 5432)),
    SixSsh: ingress(getAtt('Sg', 'GroupId'), tcpFrom({ CidrIpv6: '2001:db8::/32' }, 22)),
    ToS3: egress(getAtt('Sg', 'GroupId'), tcpFrom({ DestinationPrefixListId: 'pl-63a5400a' }, 443)),
  });

  test('a CIDR rule 1, a group reference 1 on each side, a prefix list its MaxEntries on the side of its family (not its 2 entries), an IPv6 rule 1 on the IPv6 side', () => {
    const sg = model().securityGroups.get('Stack/Sg')!;
    expect(groupRuleQuotaUse(sg, 'ingress')).toEqual({ ipv4: 1 + 20 + 1, ipv6: 1 + 5 + 1 + 1, unweighed: [], unseen: [] });
  });

  test('a rule to a pl-... list: its maximum entries are not in the inputs, so the count is not taken as known (and the default allow-all egress rule stays, counted)', () => {
    const use = groupRuleQuotaUse(model().securityGroups.get('Stack/Sg')!, 'egress');
    expect(use.ipv4).toBe(1);
    expect(use.unweighed).toEqual([expect.stringMatching(/^a rule to prefix list pl-63a5400a \(Stack\/ToS3\) \(not defined by the inputs/)]);
  });

  test('the plan says so: GNP-QUOTA-SG-RULES-UNKNOWN on the egress side, nothing on the ingress side', () => {
    const findings = buildPlan(model(), { failover: false }).findings.filter((f) => f.ruleId.startsWith('GNP-QUOTA-SG-RULES'));
    expect(findings.map((f) => `${f.ruleId} ${f.source.logicalId}`)).toEqual(['GNP-QUOTA-SG-RULES-UNKNOWN Sg']);
    expect(findings[0].message).toMatch(/outbound rules per security group is UNKNOWN/);
  });

  test('61 inline CIDR rules: GNP-QUOTA-SG-RULES (was: not checked at all)', () => {
    const rules = Array.from({ length: 61 }, (_, i) => tcpFrom({ CidrIp: `172.16.${i}.0/24` }, 443));
    const m = modelOf({ Vpc: vpc('10.0.0.0/16'), Sg: securityGroup(ref('Vpc'), { SecurityGroupIngress: rules }) });
    expect(buildPlan(m, { failover: false }).findings.filter((f) => f.ruleId === 'GNP-QUOTA-SG-RULES').map((f) => f.message)).toEqual([
      expect.stringMatching(/^Stack\/Sg has 61 inbound IPv4 rules, over the default quota of 60/),
    ]);
  });

  test('a rule whose CidrIp is not resolved is an IPv4 rule: it counts on the IPv4 side only (was: on the IPv6 side too, as if it might reference a group: 40 IPv6 rules and 30 such rules made 70 IPv6 rules, a false GNP-QUOTA-SG-RULES)', () => {
    const rules = [
      ...Array.from({ length: 40 }, (_, i) => tcpFrom({ CidrIpv6: `2001:db8:${i}::/48` }, 443)),
      ...Array.from({ length: 30 }, () => tcpFrom({ CidrIp: ref('Partner') }, 443)),
    ];
    const m = modelOf({ Vpc: vpc('10.0.0.0/16'), Sg: securityGroup(ref('Vpc'), { SecurityGroupIngress: rules }) }, { Parameters: { Partner: { Type: 'String' } } });
    expect(groupRuleQuotaUse(m.securityGroups.get('Stack/Sg')!, 'ingress')).toEqual({ ipv4: 30, ipv6: 40, unweighed: [], unseen: [] });
    expect(buildPlan(m, { failover: false }).findings.filter((f) => f.ruleId.startsWith('GNP-QUOTA-SG-RULES'))).toEqual([]);
  });

  test('an inline rule list the templates do not resolve counts an unknown number', () => {
    const m = modelOf({ Vpc: vpc('10.0.0.0/16'), Sg: securityGroup(ref('Vpc'), { SecurityGroupIngress: ref('Rules') }) }, { Parameters: { Rules: { Type: 'String' } } });
    expect(groupRuleQuotaUse(m.securityGroups.get('Stack/Sg')!, 'ingress').unweighed).toEqual([expect.stringMatching(/^the rules of SecurityGroupIngress \(Stack\/Sg\)/)]);
  });
});

describe('facts: a rule to a prefix list counts its maxEntries', () => {
  const group = (rule: Record<string, unknown>) => parseFacts({
    vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.0.0.0/16'] }],
    securityGroups: [{ id: 'sg-1', vpcId: 'vpc-1', ingress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, ...rule }], egress: [] }],
  }, 'facts.json');

  test('maxEntries given: counted; absent: unknown, naming what to give', () => {
    const counted = buildModel([], group({ prefixListId: 'pl-0abc', maxEntries: 30 })).securityGroups.get('sg-1')!;
    expect(groupRuleQuotaUse(counted, 'ingress')).toMatchObject({ ipv4: 30, unweighed: [] });
    const unknownWeight = buildModel([], group({ prefixListId: 'pl-0abc' })).securityGroups.get('sg-1')!;
    expect(groupRuleQuotaUse(unknownWeight, 'ingress').unweighed).toEqual(["a rule to prefix list pl-0abc (the facts file gives neither the rule's maxEntries nor the list's, in prefixLists)"]);
  });

  test('a rule to a list the facts describe: one rule per entry for the traces, weighed once by the list\'s maxEntries on its family\'s side (not per entry, not twice)', () => {
    const facts = (lists: unknown[]) => parseFacts({
      vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.0.0.0/16'] }],
      prefixLists: lists,
      securityGroups: [{ id: 'sg-1', vpcId: 'vpc-1', ingress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, prefixListId: 'pl-0abc' }], egress: [] }],
    }, 'facts.json');
    const described = buildModel([], facts([{ id: 'pl-0abc', addressFamily: 'IPv4', maxEntries: 25, cidrs: ['192.168.0.0/24', '192.168.1.0/24'] }])).securityGroups.get('sg-1')!;
    expect(described.ingress.map((r) => r.peer)).toEqual([
      { kind: 'cidr', cidr: expect.objectContaining({ text: '192.168.0.0/24' }) },
      { kind: 'cidr', cidr: expect.objectContaining({ text: '192.168.1.0/24' }) },
    ]);
    expect(groupRuleQuotaUse(described, 'ingress')).toEqual({ ipv4: 25, ipv6: 0, unweighed: [], unseen: [] });
    // Only weighed (no addressFamily): the destination stays unknown, the weight counts on both sides.
    const weighedModel = buildModel([], facts([{ id: 'pl-0abc', maxEntries: 25 }]));
    const weighed = weighedModel.securityGroups.get('sg-1')!;
    expect(weighed.ingress.map((r) => r.peer.kind)).toEqual(['prefix-list']);
    expect(groupRuleQuotaUse(weighed, 'ingress', weighedModel.prefixListMaxEntries)).toEqual({ ipv4: 25, ipv6: 25, unweighed: [], unseen: [] });
    expect(() => facts([{ id: 'pl-0abc', maxEntries: 25, cidrs: ['192.168.0.0/24'] }])).toThrow("prefixLists[0].cidrs: give the list's addressFamily (IPv4) with its entries");
  });

  test('maxEntries on a rule that is not to a prefix list is a facts error naming the rule', () => {
    expect(() => group({ cidr: '10.9.0.0/16', maxEntries: 20 })).toThrow('facts.json: securityGroups[0].ingress[0].maxEntries: the rule is not to a prefix list, and counts as one rule; maxEntries is for a rule to a prefix list (prefixListId)');
  });

  test('quotas.rulesPerSecurityGroup is read, and checked against the groups per interface (their product at most 1,000)', () => {
    expect(parseFacts({ quotas: { rulesPerSecurityGroup: 100 } }, 'facts.json').quotas).toEqual({ rulesPerSecurityGroup: 100 });
    expect(() => parseFacts({ quotas: { rulesPerSecurityGroup: 100, securityGroupsPerNetworkInterface: 16 } }, 'facts.json')).toThrow(/^facts\.json: quotas: .*multiplied cannot exceed 1,000/);
  });
});

describe('facts prefixLists: the maximum entries of a list the inputs reference by pl-... id', () => {
  const withS3Egress = (facts?: Record<string, unknown>) => buildModel([{
    stackName: 'Stack',
    region: 'us-east-1',
    account: '111111111111',
    template: {
      Resources: {
        Vpc: vpc('10.0.0.0/16'),
        Sg: securityGroup(ref('Vpc'), { SecurityGroupEgress: [tcpFrom({ DestinationPrefixListId: 'pl-63a5400a' }, 443)] }),
        Rt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('Vpc') } },
        ToOnPrem: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref('Rt'), DestinationPrefixListId: 'pl-0onprem', TransitGatewayId: 'tgw-1' } },
      },
    },
  }], facts ? parseFacts(facts, 'facts.json') : undefined);

  test("a template rule to S3's AWS-managed list: unknown without facts; its weight (1) from the facts' prefixLists", () => {
    expect(groupRuleQuotaUse(withS3Egress().securityGroups.get('Stack/Sg')!, 'egress').unweighed).toHaveLength(1);
    const m = withS3Egress({ prefixLists: [{ id: 'pl-63a5400a', maxEntries: 1 }] });
    expect(groupRuleQuotaUse(m.securityGroups.get('Stack/Sg')!, 'egress', m.prefixListMaxEntries)).toEqual({ ipv4: 1, ipv6: 1, unweighed: [], unseen: [] });
    expect(buildPlan(m, { failover: false }).findings.filter((f) => f.ruleId === 'GNP-QUOTA-SG-RULES-UNKNOWN')).toEqual([]);
  });

  test('an AWS-managed IPv4 list weighed with its addressFamily (no cidrs, as --from-aws writes it): its weight on the IPv4 side only, the rule still to the list (was: counted on the IPv6 side too; the quota is enforced apart for IPv4 and IPv6 rules)', () => {
    const m = withS3Egress({ prefixLists: [{ id: 'pl-63a5400a', addressFamily: 'IPv4', maxEntries: 1 }] });
    const group = m.securityGroups.get('Stack/Sg')!;
    // Not described: the rule stays one to S3's list (how Glue's S3 path is recognised).
    expect(group.egress.map((rule) => rule.peer)).toEqual([{ kind: 'prefix-list', prefixListId: 'pl-63a5400a' }]);
    expect(groupRuleQuotaUse(group, 'egress', m.prefixListMaxEntries, m.prefixListFamilies)).toEqual({ ipv4: 1, ipv6: 0, unweighed: [], unseen: [] });
  });

  test("CloudFront's IPv4 origin-facing list (weight 55) and 10 IPv6 rules in one group: no GNP-QUOTA-SG-RULES (was: 65 IPv6 rules over 60)", () => {
    const facts = parseFacts({
      prefixLists: [{ id: 'pl-3b927c52', addressFamily: 'IPv4', maxEntries: 55 }],
      vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.0.0.0/16'] }],
      securityGroups: [{
        id: 'sg-1',
        vpcId: 'vpc-1',
        ingress: [
          { protocol: 'tcp', fromPort: 443, toPort: 443, prefixListId: 'pl-3b927c52' },
          ...Array.from({ length: 10 }, (_, i) => ({ protocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv6: `2001:db8:${i}::/48` })),
        ],
        egress: [],
      }],
    }, 'facts.json');
    const m = buildModel([], facts);
    expect(groupRuleQuotaUse(m.securityGroups.get('sg-1')!, 'ingress', m.prefixListMaxEntries, m.prefixListFamilies)).toEqual({ ipv4: 55, ipv6: 10, unweighed: [], unseen: [] });
    expect(buildPlan(m, { failover: false }).findings.filter((f) => f.ruleId.startsWith('GNP-QUOTA-SG-RULES'))).toEqual([]);
  });

  test("a template route to a pl-... list counts the facts' maximum entries against the routes quota", () => {
    const findings = (facts?: Record<string, unknown>) => buildPlan(withS3Egress(facts), { failover: false, quotas: { routesPerRouteTable: 50 } })
      .findings.filter((f) => f.ruleId.startsWith('GNP-QUOTA-ROUTES')).map((f) => f.ruleId);
    expect(findings()).toEqual(['GNP-QUOTA-ROUTES-UNKNOWN']);
    expect(findings({ prefixLists: [{ id: 'pl-0onprem', maxEntries: 20 }] })).toEqual([]);
    expect(findings({ prefixLists: [{ id: 'pl-0onprem', maxEntries: 51 }] })).toEqual(['GNP-QUOTA-ROUTES']);
  });

  test("a rule's or route's maxEntries that differs from the list's in prefixLists is a facts error (was: a rule to a described list counted the rule's 5, a route the list's 50: a group under-counted by 45 without a word)", () => {
    const document = (ruleMax: number, routeMax: number) => ({
      prefixLists: [{ id: 'pl-1', addressFamily: 'IPv4', maxEntries: 50, cidrs: ['192.168.0.0/24'] }],
      vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.0.0.0/16'] }],
      routeTables: [{ id: 'rtb-1', vpcId: 'vpc-1', routes: [{ destination: 'pl-1', target: { kind: 'transit-gateway', id: 'tgw-1' }, maxEntries: routeMax }] }],
      securityGroups: [{ id: 'sg-1', vpcId: 'vpc-1', ingress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, prefixListId: 'pl-1', maxEntries: ruleMax }], egress: [] }],
    });
    expect(() => parseFacts(document(5, 50), 'facts.json')).toThrow("facts.json: securityGroups[0].ingress[0].maxEntries: 5, but prefixLists gives pl-1 50 maximum entries; give the list's maximum entries once, in prefixLists");
    expect(() => parseFacts(document(50, 5), 'facts.json')).toThrow(/^facts\.json: routeTables\[0\]\.routes\[0\]\.maxEntries: 5, but prefixLists gives pl-1 50/);
    const m = buildModel([], parseFacts(document(50, 50), 'facts.json'));
    expect(groupRuleQuotaUse(m.securityGroups.get('sg-1')!, 'ingress', m.prefixListMaxEntries)).toEqual({ ipv4: 50, ipv6: 0, unweighed: [], unseen: [] });
  });

  test('maxEntries outside 1..1,000 is a facts error naming the entry', () => {
    expect(() => parseFacts({ prefixLists: [{ id: 'pl-1', maxEntries: 0 }] }, 'facts.json')).toThrow(/^facts\.json: prefixLists\[0\]\.maxEntries: 0 is not a prefix list.s maximum entries/);
  });
});


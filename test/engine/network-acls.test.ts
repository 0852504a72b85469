/**
 * Spec §4 hop 5 (network ACLs, stateless): first matching rule by number wins; the source subnet's
 * NACL must allow egress to dst:port and ingress of the replies (ephemeral 1024-65535); the store
 * subnet's NACL the ingress and the reply egress. Traffic inside one subnet is not subject to NACLs.
 */
import { model, NaclEntrySpec, sgRule } from './builders';
import { buildPlan, DataStorePlan, Plan } from '../../src/engine';
import { allowsAll } from '../../src/engine/network-acls';
import { NetworkAclEntry, PROTOCOL_ALL } from '../../src/model';

const store = (plan: Plan): DataStorePlan => plan.jobs[0].dataStores[0];
const aclHops = (s: DataStorePlan) => s.paths[0].hops.filter((h) => h.kind === 'network-acl');

/** Glue in sGlue 10.0.1.0/24 (1a); a MySQL store in `dbSubnet` behind sgDb admitting the Glue subnet. */
function setup(dbSubnet: 'sDb' | 'sGlue' = 'sDb') {
  return model().vpc('v', '10.0.0.0/16')
    .subnet('sGlue', 'v', '10.0.1.0/24', 'us-east-1a')
    .subnet('sDb', 'v', '10.0.2.0/24', 'us-east-1b')
    .sg('sgGlue', 'v')
    .sg('sgDb', 'v', { ingress: [sgRule({ cidr: '10.0.1.0/24', from: 3306 })] })
    .connection('glue', 'sGlue', ['sgGlue'], { type: 'NETWORK' })
    .connection('db', dbSubnet, [dbSubnet === 'sGlue' ? 'sgGlue' : 'sgDb'], { url: 'jdbc:mysql://db.example:3306/app' }).declareStore('db')
    .job('etl', ['glue', 'db']);
}

const allowAll = (egress: boolean, rule = 100): NaclEntrySpec => ({ rule, egress, allow: true, cidr: '0.0.0.0/0', protocol: PROTOCOL_ALL });

describe('custom NACL on the Glue subnet without ephemeral reply rules', () => {
  const requestOnly: NaclEntrySpec[] = [
    { rule: 100, egress: true, allow: true, cidr: '10.0.0.0/16', from: 3306 },
    { rule: 100, egress: false, allow: true, cidr: '10.0.0.0/16', from: 3306 },
  ];

  test('SUBNET_ACL_RESTRICTION on the return hop (replies into the Glue subnet), forward allowed', () => {
    const s = store(buildPlan(setup().nacl('naclGlue', 'v', ['sGlue'], requestOnly).model, { failover: false }));
    expect(s.verdict).toBe('UNREACHABLE');
    const glueHops = aclHops(s).filter((h) => h.component === 'naclGlue');
    expect(glueHops.map((h) => [h.direction, h.verdict])).toEqual([['forward', 'REACHABLE'], ['return', 'UNREACHABLE']]);
    expect(s.explanations.map((e) => [e.code, e.component])).toEqual([['SUBNET_ACL_RESTRICTION', 'naclGlue']]);
    expect(s.explanations[0].message).toMatch(/inbound/);
    expect(s.explanations[0].message).toMatch(/ephemeral/);
    expect(s.explanations[0].fix).toContain('1024-65535');
  });

  test('adding inbound TCP 1024-65535 from the store subnet: REACHABLE', () => {
    const entries = [...requestOnly, { rule: 110, egress: false, allow: true, cidr: '10.0.2.0/24', from: 1024, to: 65535 }];
    const s = store(buildPlan(setup().nacl('naclGlue', 'v', ['sGlue'], entries).model, { failover: false }));
    expect(s.verdict).toBe('REACHABLE');
  });

  test('store-side NACL without reply egress: blocks on the return hop of the store subnet', () => {
    const entries: NaclEntrySpec[] = [{ rule: 100, egress: false, allow: true, cidr: '10.0.1.0/24', from: 3306 }, { rule: 100, egress: true, allow: true, cidr: '10.0.1.0/24', from: 3306 }];
    const s = store(buildPlan(setup().nacl('naclDb', 'v', ['sDb'], entries).model, { failover: false }));
    expect(s.verdict).toBe('UNREACHABLE');
    expect(aclHops(s).filter((h) => h.verdict === 'UNREACHABLE').map((h) => [h.component, h.direction])).toEqual([['naclDb', 'return']]);
  });
});

describe('first matching rule by number wins', () => {
  test('deny numbered before an allow: denied, the message names the deny rule', () => {
    const entries: NaclEntrySpec[] = [
      { rule: 90, egress: false, allow: false, cidr: '10.0.1.0/24', from: 3306 },
      allowAll(false, 100),
      allowAll(true, 100),
    ];
    const s = store(buildPlan(setup().nacl('naclDb', 'v', ['sDb'], entries).model, { failover: false }));
    expect(s.verdict).toBe('UNREACHABLE');
    expect(aclHops(s).find((h) => h.component === 'naclDb' && h.direction === 'forward')?.verdict).toBe('UNREACHABLE');
    expect(s.explanations[0]).toMatchObject({ code: 'SUBNET_ACL_RESTRICTION', component: 'naclDb' });
    expect(s.explanations[0].message).toMatch(/rule 90 denies/);
  });

  test('the same deny numbered after the allow: allowed (entry order in the list does not matter)', () => {
    const entries: NaclEntrySpec[] = [
      { rule: 200, egress: false, allow: false, cidr: '10.0.1.0/24', from: 3306 },
      allowAll(false, 100),
      allowAll(true, 100),
    ];
    const s = store(buildPlan(setup().nacl('naclDb', 'v', ['sDb'], entries).model, { failover: false }));
    expect(s.verdict).toBe('REACHABLE');
  });

  test('a deny covering only part of the Glue subnet still blocks (Glue may use any address)', () => {
    const entries: NaclEntrySpec[] = [
      { rule: 90, egress: false, allow: false, cidr: '10.0.1.192/26', from: 3306 },
      allowAll(false, 100),
      allowAll(true, 100),
    ];
    const s = store(buildPlan(setup().nacl('naclDb', 'v', ['sDb'], entries).model, { failover: false }));
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.explanations[0].message).toContain('10.0.1.192/26');
  });
});

describe('traffic inside one subnet is not subject to NACLs', () => {
  test('store in the Glue subnet behind a deny-everything NACL: REACHABLE, no network-acl hop', () => {
    const denyAll: NaclEntrySpec[] = [
      { rule: 100, egress: true, allow: false, cidr: '0.0.0.0/0', protocol: PROTOCOL_ALL },
      { rule: 100, egress: false, allow: false, cidr: '0.0.0.0/0', protocol: PROTOCOL_ALL },
    ];
    const s = store(buildPlan(setup('sGlue').nacl('naclGlue', 'v', ['sGlue'], denyAll).model, { failover: false }));
    expect(s.paths[0].sourceSubnet).toBe('sGlue');
    expect(s.paths[0].destinationSubnet).toBe('sGlue');
    expect(s.verdict).toBe('REACHABLE');
    expect(aclHops(s)).toEqual([]);
  });

  test('the same NACL between two subnets: UNREACHABLE', () => {
    const denyAll: NaclEntrySpec[] = [
      { rule: 100, egress: true, allow: false, cidr: '0.0.0.0/0', protocol: PROTOCOL_ALL },
      { rule: 100, egress: false, allow: false, cidr: '0.0.0.0/0', protocol: PROTOCOL_ALL },
    ];
    const s = store(buildPlan(setup().nacl('naclGlue', 'v', ['sGlue'], denyAll).model, { failover: false }));
    expect(s.verdict).toBe('UNREACHABLE');
    expect(aclHops(s).filter((h) => h.verdict === 'UNREACHABLE').map((h) => h.direction)).toEqual(['forward', 'return']);
  });
});

/*
 * Replies go to the client port of the Glue ENI. Glue's workers run Linux, whose ephemeral range
 * is 32768-60999 [assumption, stated in the verdict]: that range admitted passes, part of it is
 * UNKNOWN, none of it is blocked.
 */
describe('reply ports: the Linux ephemeral range 32768-60999', () => {
  /** As `setup()`, with the MySQL store declared in sDb behind sgDb (so no assumption about where it is). */
  const declared = () => {
    const b = setup();
    b.model.declaredStores.set('db', { source: { stack: 'Test', logicalId: 'db' }, connectionId: 'db', subnetIds: ['sDb'], securityGroupIds: ['sgDb'], port: 3306 });
    return b;
  };
  /** The Glue subnet's NACL: the request out, replies in on `replies` only. */
  const hardened = (replies: { from: number; to: number } | undefined, extra: NaclEntrySpec[] = []): NaclEntrySpec[] => [
    { rule: 100, egress: true, allow: true, cidr: '10.0.2.0/24', from: 3306 },
    ...(replies ? [{ rule: 100, egress: false, allow: true, cidr: '10.0.2.0/24', ...replies }] : []),
    ...extra,
  ];

  test("AWS's hardened example (replies on 32768-65535 only): REACHABLE, the assumption stated in the verdict", () => {
    const s = store(buildPlan(declared().nacl('naclGlue', 'v', ['sGlue'], hardened({ from: 32768, to: 65535 })).model, { failover: false }));
    expect(s.verdict).toBe('REACHABLE');
    expect(s.assumptions).toEqual([expect.stringMatching(/Linux.*32768-60999.*\[assumption/)]);
    expect(aclHops(s).find((h) => h.direction === 'return' && h.component === 'naclGlue')?.detail).toMatch(/assumption/);
  });

  test('1024-65535 admitted: REACHABLE with no assumption needed', () => {
    const s = store(buildPlan(declared().nacl('naclGlue', 'v', ['sGlue'], hardened({ from: 1024, to: 65535 })).model, { failover: false }));
    expect(s.verdict).toBe('REACHABLE');
    expect(s.assumptions).toEqual([]);
  });

  test('only part of the Linux range (49152-65535, the IANA range): UNKNOWN, a warning that names the ports', () => {
    const plan = buildPlan(declared().nacl('naclGlue', 'v', ['sGlue'], hardened({ from: 49152, to: 65535 })).model, { failover: false });
    const s = store(plan);
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.explanations.map((e) => [e.code, e.component, e.unknown])).toEqual([['UNKNOWN_EPHEMERAL_PORTS', 'naclGlue', true]]);
    expect(s.explanations[0].message).toMatch(/32768-49151/);
    expect(s.explanations[0].message).toMatch(/\[assumption/);
    expect(plan.jobs[0].findings.map((f) => [f.ruleId, f.severity])).toEqual([['GNP-STORE-UNKNOWN', 'warning']]);
  });

  test('none of it (replies admitted on 1024-32767 only): UNREACHABLE', () => {
    const s = store(buildPlan(declared().nacl('naclGlue', 'v', ['sGlue'], hardened({ from: 1024, to: 32767 })).model, { failover: false }));
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.explanations.map((e) => [e.code, e.component])).toEqual([['SUBNET_ACL_RESTRICTION', 'naclGlue']]);
  });

  test('each side admits a different half: no port gets through both, UNREACHABLE', () => {
    const b = declared()
      .nacl('naclGlue', 'v', ['sGlue'], hardened({ from: 32768, to: 45000 }))
      .nacl('naclDb', 'v', ['sDb'], [
        { rule: 100, egress: false, allow: true, cidr: '10.0.1.0/24', from: 3306 },
        { rule: 100, egress: true, allow: true, cidr: '10.0.1.0/24', from: 45001, to: 65535 },
      ]);
    const s = store(buildPlan(b.model, { failover: false }));
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.explanations.map((e) => e.code)).toEqual(['SUBNET_ACL_RESTRICTION', 'SUBNET_ACL_RESTRICTION']);
  });
});

describe('one entry deciding a whole range (what lets paths of different subnets share a check)', () => {
  const glue = { first: 0x0a000100, last: 0x0a0001ff }; // 10.0.1.0/24
  const aclOf = (specs: NaclEntrySpec[], patch: (e: NetworkAclEntry, i: number) => NetworkAclEntry = (e) => e) => {
    const acl = model().vpc('v', '10.0.0.0/16').nacl('n', 'v', [], specs).model.networkAcls.get('n')!;
    return { ...acl, entries: acl.entries.map(patch) };
  };

  test('the first entry that matches allows all of the range on the port: allowed whole', () => {
    expect(allowsAll(aclOf([allowAll(false)]), false, glue, 3306, 3306)).toBe(true);
  });

  test('entries before it for other addresses or other ports are passed over', () => {
    const acl = aclOf([
      { rule: 10, egress: false, allow: false, cidr: '10.0.2.0/24' },
      { rule: 20, egress: false, allow: false, cidr: '0.0.0.0/0', from: 22 },
      allowAll(false),
    ]);
    expect(allowsAll(acl, false, glue, 3306, 3306)).toBe(true);
    expect(allowsAll(acl, false, glue, 22, 22)).toBe(false);
  });

  test('an allow covering part of the range or part of the ports does not decide it whole', () => {
    expect(allowsAll(aclOf([{ rule: 10, egress: false, allow: true, cidr: '10.0.1.0/25' }, allowAll(false, 20)]), false, glue, 3306, 3306)).toBe(false);
    expect(allowsAll(aclOf([{ rule: 10, egress: false, allow: true, cidr: '0.0.0.0/0', from: 1024, to: 2000 }, allowAll(false, 20)]), false, glue, 1024, 65535)).toBe(false);
  });

  test('the other direction, an entry of unknown CIDR, or one that may not exist: not decided whole', () => {
    expect(allowsAll(aclOf([allowAll(false)]), true, glue, 3306, 3306)).toBe(false);
    expect(allowsAll(aclOf([{ rule: 10, egress: false, allow: false, cidr: '10.0.2.0/24' }, allowAll(false, 20)],
      (e, i) => (i === 0 ? { ...e, cidr: { known: false, reason: 'a parameter' } } : e)), false, glue, 3306, 3306)).toBe(false);
    expect(allowsAll(aclOf([allowAll(false)], (e) => ({ ...e, uncertain: 'a condition' })), false, glue, 3306, 3306)).toBe(false);
  });
});

/**
 * Spec §4 hop 6: a publicly accessible RDS instance's name resolves to its public address from
 * any other VPC, unless a peering allows DNS resolution from the remote VPC on the store's side,
 * or a transit gateway joining the two has DNS support enabled (on the gateway and, as assumed,
 * on both VPC attachments). Then the path is the public one (the Glue subnet's NAT gateway,
 * its internet gateway, the store subnet's internet gateway route, the store's groups admitting
 * the NAT's address), and that is what is traced.
 */
import { model, sgRule } from './builders';
import { buildPlan, DataStorePlan, Plan } from '../../src/engine';

const store = (plan: Plan): DataStorePlan => plan.jobs[0].dataStores.find((s) => s.connection.name === 'mysql')!;

/**
 * Glue in VPC A (subA, with a public subnet pubA holding a NAT gateway when `nat`), a publicly
 * accessible RDS instance in VPC B (subB, routed to an internet gateway when `storeIgw`), whose
 * group admits 3306 from the Glue subnet and, when `openToInternet`, from anywhere.
 */
/** `tgwDns` / `attachmentDns`: the transit gateway's DnsSupport, and its two attachments' (undefined: not described). */
interface PublicRdsOptions { link: 'peering' | 'tgw'; dns?: boolean; nat?: boolean; storeIgw?: boolean; openToInternet?: boolean; publicUnknown?: string; tgwDns?: boolean; attachmentDns?: boolean }

function publicRds(opts: PublicRdsOptions) {
  const m = model()
    .vpc('vpcA', '10.1.0.0/16').vpc('vpcB', '10.2.0.0/16')
    .subnet('subA', 'vpcA', '10.1.1.0/24', 'us-east-1a')
    .subnet('pubA', 'vpcA', '10.1.0.0/24', 'us-east-1a')
    .subnet('subB', 'vpcB', '10.2.1.0/24', 'us-east-1a')
    .route('pubA-rt', '0.0.0.0/0', 'internet-gateway', 'igwA')
    .sg('sgA', 'vpcA')
    .sg('sgDb', 'vpcB', { ingress: [sgRule({ cidr: '10.1.1.0/24', from: 3306 }), ...(opts.openToInternet ? [sgRule({ cidr: '0.0.0.0/0', from: 3306 })] : [])] })
    .store('rds', 'rds-instance', ['subB'], ['sgDb'], 3306, opts.publicUnknown ? { publicUnknown: opts.publicUnknown } : { public: true })
    .connection('glue', 'subA', ['sgA'], { type: 'NETWORK' })
    .connection('mysql', undefined, [], { url: 'jdbc:mysql://{{ref:rds:Endpoint.Address}}:3306/db' })
    .job('etl', ['glue', 'mysql']);
  if (opts.nat) m.nat('natA', 'pubA').route('subA-rt', '0.0.0.0/0', 'nat-gateway', 'natA');
  if (opts.storeIgw) m.route('subB-rt', '0.0.0.0/0', 'internet-gateway', 'igwB');
  if (opts.link === 'peering') {
    m.peering('pcx', 'vpcA', 'vpcB', { dns: opts.dns }).peerRoutes('pcx', { table: 'subA-rt', cidr: '10.1.0.0/16' }, { table: 'subB-rt', cidr: '10.2.0.0/16' });
  } else {
    m.tgw('tgw', { defaultRouteTable: 'tgw-rt', dns: opts.tgwDns })
      .tgwAttachment('attA', 'tgw', 'vpcA', ['subA'], { dns: opts.attachmentDns }).tgwAttachment('attB', 'tgw', 'vpcB', ['subB'], { dns: opts.attachmentDns })
      .tgwRouteTable('tgw-rt', 'tgw', { associate: ['attA', 'attB'], propagate: ['attA', 'attB'] })
      .route('subA-rt', '10.2.0.0/16', 'transit-gateway', 'tgw').route('subB-rt', '10.1.0.0/16', 'transit-gateway', 'tgw');
  }
  return m;
}

describe('over a transit gateway with DNS support disabled the name resolves to the public address', () => {
  test('the private path is open but no NAT route: UNREACHABLE on the public path (was REACHABLE over the transit gateway)', () => {
    const s = store(buildPlan(publicRds({ link: 'tgw', tgwDns: false }).model, { failover: false }));
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.paths[0].nameResolution).toMatchObject({ resolvesTo: 'public', transitGatewayId: 'tgw' });
    expect(s.explanations.map((e) => e.code)).toEqual(expect.arrayContaining(['NO_ROUTE_TO_DESTINATION', 'TGW_DNS']));
    expect(s.explanations.find((e) => e.code === 'TGW_DNS')!.fix).toMatch(/Enable DnsSupport on tgw/);
  });

  test("NAT gateway and internet gateways in place, but the store's group admits only private ranges: UNREACHABLE, the NAT's address is not admitted", () => {
    const s = store(buildPlan(publicRds({ link: 'tgw', tgwDns: false, nat: true, storeIgw: true }).model, { failover: false }));
    expect(s.verdict).toBe('UNREACHABLE');
    const sg = s.explanations.find((e) => e.code === 'ENI_SG_RULES_MISMATCH')!;
    expect(sg.component).toBe('sgDb');
    expect(sg.message).toMatch(/NAT gateway's public \(Elastic IP\) address/);
  });

  test('the whole public path open (NAT, internet gateways, the group admits any address): REACHABLE', () => {
    const s = store(buildPlan(publicRds({ link: 'tgw', tgwDns: false, nat: true, storeIgw: true, openToInternet: true }).model, { failover: false }));
    expect(s.paths[0].hops.filter((h) => h.verdict !== 'REACHABLE')).toEqual([]);
    expect(s.verdict).toBe('REACHABLE');
  });

  test("the store subnet has no internet gateway route: UNREACHABLE (replies to the NAT's address go nowhere)", () => {
    const s = store(buildPlan(publicRds({ link: 'tgw', tgwDns: false, nat: true, openToInternet: true }).model, { failover: false }));
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.explanations.some((e) => /replies to the NAT gateway's public address go nowhere/.test(e.message))).toBe(true);
  });
});

describe('over a transit gateway with DNS support enabled the name resolves to the private address', () => {
  test('enabled on the gateway and both attachments, the public path closed (no NAT): the private path over the transit gateway, REACHABLE', () => {
    const s = store(buildPlan(publicRds({ link: 'tgw', tgwDns: true, attachmentDns: true }).model, { failover: false }));
    expect(s.verdict).toBe('REACHABLE');
    expect(s.paths[0].nameResolution).toMatchObject({ resolvesTo: 'private', transitGatewayId: 'tgw' });
    expect(s.paths[0].hops.map((h) => h.kind)).toContain('transit-gateway');
    expect(s.paths[0].hops.map((h) => h.kind)).not.toContain('dns');
  });

  test('enabled, the public path open but the store subnet routes no reply back over the transit gateway: UNREACHABLE (the public path is not taken)', () => {
    const m = publicRds({ link: 'tgw', tgwDns: true, attachmentDns: true, nat: true, storeIgw: true, openToInternet: true }).model;
    const rt = m.routeTables.get('subB-rt')!;
    m.routeTables.set('subB-rt', { ...rt, routes: rt.routes.filter((r) => !(r.destination.known && r.destination.value.prefixLength === 16)) });
    const s = store(buildPlan(m, { failover: false }));
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.paths[0].nameResolution).toMatchObject({ resolvesTo: 'private' });
  });
});

describe('over a transit gateway whose DNS support is not known, both paths are traced', () => {
  test('the gateway option not described, the private path open and the public one closed: UNKNOWN, naming DnsSupport and how to set it', () => {
    const s = store(buildPlan(publicRds({ link: 'tgw' }).model, { failover: false }));
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.paths[0].nameResolution).toMatchObject({ resolvesTo: 'unknown', transitGatewayId: 'tgw' });
    const why = s.explanations.find((e) => e.code === 'UNKNOWN_NAME_RESOLUTION')!;
    expect(why.component).toBe('tgw');
    expect(why.message).toMatch(/over the transit gateway: REACHABLE.*internet: UNREACHABLE/);
    expect(why.message).toMatch(/AWS documents .* the library assumes/);
    expect(why.fix).toMatch(/DnsSupport on the AWS::EC2::TransitGateway .*Options\.DnsSupport .*--facts/);
  });

  test('the gateway enables it but the attachments do not say: UNKNOWN', () => {
    const s = store(buildPlan(publicRds({ link: 'tgw', tgwDns: true }).model, { failover: false }));
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.explanations.find((e) => e.code === 'UNKNOWN_NAME_RESOLUTION')!.message).toMatch(/attachment attA: the DnsSupport option of attA is not described/);
  });

  test('the gateway enables it and the attachments disable it: UNKNOWN (AWS does not document how the two combine)', () => {
    const s = store(buildPlan(publicRds({ link: 'tgw', tgwDns: true, attachmentDns: false }).model, { failover: false }));
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.explanations.find((e) => e.code === 'UNKNOWN_NAME_RESOLUTION')!.message).toMatch(/attachment attB disables DNS support/);
  });

  test('not known, and both paths open: the common verdict, REACHABLE', () => {
    const s = store(buildPlan(publicRds({ link: 'tgw', nat: true, storeIgw: true, openToInternet: true }).model, { failover: false }));
    expect(s.verdict).toBe('REACHABLE');
  });
});

describe('over a peering the DNS option on the store side decides', () => {
  test('option on: the private path, REACHABLE, no public hops', () => {
    const s = store(buildPlan(publicRds({ link: 'peering', dns: true }).model, { failover: false }));
    expect(s.verdict).toBe('REACHABLE');
    expect(s.paths[0].nameResolution).toMatchObject({ resolvesTo: 'private' });
  });

  test('option off: the public path; closed (no NAT): UNREACHABLE, with GNP-PEERING-DNS naming the option to turn on', () => {
    const plan = buildPlan(publicRds({ link: 'peering', dns: false }).model, { failover: false });
    expect(store(plan).verdict).toBe('UNREACHABLE');
    expect(store(plan).paths[0].nameResolution).toMatchObject({ resolvesTo: 'public', peeringId: 'pcx', optionSide: 'accepter' });
    expect(plan.jobs[0].findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['GNP-STORE-UNREACHABLE', 'GNP-PEERING-DNS']));
  });

  test('option unknown and the two paths disagree: UNKNOWN naming the option', () => {
    const s = store(buildPlan(publicRds({ link: 'peering' }).model, { failover: false }));
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.explanations.find((e) => e.code === 'UNKNOWN_NAME_RESOLUTION')?.fix).toMatch(/allowDnsResolution/);
  });

  test('option unknown and both paths open: REACHABLE', () => {
    const s = store(buildPlan(publicRds({ link: 'peering', nat: true, storeIgw: true, openToInternet: true }).model, { failover: false }));
    expect(s.verdict).toBe('REACHABLE');
  });
});

describe('a peering and a transit gateway both join the VPCs: AWS does not say which DNS option decides', () => {
  /** The transit gateway of `publicRds`, plus peering pcx (DNS option `peeringDns`) carrying the subnets' /24s (the longest prefix, so the private path is the peering's). */
  const both = (peeringDns: boolean | undefined, tgwDns: boolean) => {
    const m = publicRds({ link: 'tgw', tgwDns, attachmentDns: tgwDns });
    return m.peering('pcx', 'vpcA', 'vpcB', { dns: peeringDns }).peerRoutes('pcx', { table: 'subA-rt', cidr: '10.1.1.0/24' }, { table: 'subB-rt', cidr: '10.2.1.0/24' });
  };

  test('the peering does not allow DNS resolution, the transit gateway has DNS support: UNKNOWN (was the public path alone, UNREACHABLE), naming both options', () => {
    const plan = buildPlan(both(false, true).model, { failover: false });
    const s = store(plan);
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.paths[0].nameResolution).toMatchObject({ resolvesTo: 'unknown', peeringId: 'pcx', transitGatewayId: 'tgw' });
    const undecided = s.explanations.find((e) => e.code === 'UNKNOWN_NAME_RESOLUTION')!;
    expect(undecided.message).toMatch(/pcx and transit gateway tgw both join vpcA and vpcB, and their DNS options do not agree .*AWS does not document which one decides/);
    expect(undecided.message).toMatch(/private address \(REACHABLE\) or to the public one \(through a NAT gateway and the internet: UNREACHABLE\)/);
    expect(undecided.fix).toMatch(/allowDnsResolution.*DnsSupport on tgw/);
    // Not the peering-alone warning, which would say the name resolves publicly.
    expect(plan.jobs[0].findings.map((f) => f.ruleId)).not.toContain('GNP-PEERING-DNS');
  });

  test('the peering allows it, the transit gateway disables it: UNKNOWN', () => {
    const s = store(buildPlan(both(true, false).model, { failover: false }));
    expect([s.verdict, s.paths[0].nameResolution?.resolvesTo]).toEqual(['UNKNOWN', 'unknown']);
  });

  test('both resolve privately: the private path, REACHABLE', () => {
    const s = store(buildPlan(both(true, true).model, { failover: false }));
    expect([s.verdict, s.paths[0].nameResolution?.resolvesTo]).toEqual(['REACHABLE', 'private']);
  });

  test('both resolve publicly: the public path, UNREACHABLE without a NAT gateway', () => {
    const s = store(buildPlan(both(false, false).model, { failover: false }));
    expect([s.verdict, s.paths[0].nameResolution?.resolvesTo]).toEqual(['UNREACHABLE', 'public']);
  });
});

describe('PubliclyAccessible that the templates do not resolve (issue 13 point 0)', () => {
  const reason = 'Ref to parameter DbPublic, which has no default and no value';

  test('the private path is open, the public one closed: UNKNOWN, never the private REACHABLE', () => {
    const s = store(buildPlan(publicRds({ link: 'tgw', tgwDns: false, publicUnknown: reason }).model, { failover: false }));
    expect(s.verdict).toBe('UNKNOWN');
    const why = s.explanations.find((e) => e.code === 'UNKNOWN_PUBLIC_ACCESS')!;
    expect(why.message).toContain(reason);
    expect(why.message).toMatch(/private address \(REACHABLE\).*public address \(UNREACHABLE\)/);
  });

  test('both paths open: the verdict stands (REACHABLE)', () => {
    const s = store(buildPlan(publicRds({ link: 'tgw', tgwDns: false, nat: true, storeIgw: true, openToInternet: true, publicUnknown: reason }).model, { failover: false }));
    expect(s.verdict).toBe('REACHABLE');
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { buildPlan } from '../../src/engine';
import { buildModel, InputError, loadFacts, parseFacts } from '../../src/ingest';

describe('facts file validation', () => {
  test.each([
    [{ subnets: [{ id: 'subnet-1', vpcId: 'vpc-1', cidr: '10.0.0.0/24' }, {}, { id: 's', vpcId: 'v', cidr: '10.0.0.0/33' }] }, 'subnets[1].id: missing'],
    [{ subnets: [{ id: 'a', vpcId: 'v', cidr: '10.0.0.0/24' }, { id: 'b', vpcId: 'v', cidr: '10.0.0.0/24' }, { id: 's', vpcId: 'v', cidr: '10.0.0.0/33' }] },
      'facts.json: subnets[2].cidr: "10.0.0.0/33" is not an IPv4 CIDR'],
    [{ vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.0.0.0/16'], colour: 'red' }] }, 'vpcs[0].colour: unknown property'],
    [{ subnets: [{ id: 'subnet-1', vpcId: 'vpc-1' }] }, 'subnets[0]: needs cidr (its IPv4 CIDR block) or, for an IPv6-only subnet, ipv6CidrBlocks'],
    [{ subnets: [{ id: 'subnet-1', vpcId: 'vpc-1', ipv6CidrBlocks: ['10.0.0.0/24'] }] }, 'subnets[0].ipv6CidrBlocks: ["10.0.0.0/24"] is not a non-empty list of IPv6 CIDRs'],
    [{ securityGroups: [{ id: 'sg', vpcId: 'v', ingress: [{ protocol: 'tcp', cidr: '10.0.0.0/8', securityGroupId: 'sg-2' }], egress: [] }] },
      'securityGroups[0].ingress[0]: needs exactly one of cidr, cidrIpv6, securityGroupId, prefixListId'],
    [{ securityGroups: [{ id: 'sg', vpcId: 'v', ingress: [{ protocol: 'tcp', cidrIpv6: '10.0.0.0/8' }], egress: [] }] },
      'securityGroups[0].ingress[0].cidrIpv6: "10.0.0.0/8" is not an IPv6 CIDR'],
    [{ securityGroups: [{ id: 'sg', vpcId: 'v', ingress: [{ protocol: 'tcp', cidrIpv6: '2001:db8::1::/64' }], egress: [] }] },
      'securityGroups[0].ingress[0].cidrIpv6: "2001:db8::1::/64" is not an IPv6 CIDR'],
    [{ routeTables: [{ id: 'rtb', vpcId: 'v', routes: [{ destination: '0.0.0.0/0', target: { kind: 'teleport' } }] }] },
      'routeTables[0].routes[0].target.kind: "teleport" is not one of'],
    [{ vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.0.0.1/16'] }] }, 'vpcs[0].cidrBlocks: ["10.0.0.1/16"] is not a non-empty list of IPv4 CIDRs'],
    [[], 'the document: [] is not an object'],
    [{ quotas: { routesPerRouteTable: 1001 } }, 'facts.json: quotas: quota routesPerRouteTable (Routes per route table) must be a whole number from 1 to 1000'],
    [{ quotas: { securityGroupsPerNetworkInterface: 0 } }, 'quotas: quota securityGroupsPerNetworkInterface (Security groups per network interface) must be a whole number from 1 to 16'],
    [{ quotas: { rulesPerGroup: 60 } }, 'quotas.rulesPerGroup: unknown property'],
    [{ dataStores: [{ connectionName: 'c', subnetIds: [], securityGroupIds: [], ports: [9094, 0] }] },
      'dataStores[0].ports: [9094,0] is not a non-empty list of TCP ports (integers from 1 to 65535)'],
    [{ dataStores: [{ connectionName: 'c', subnetIds: [], securityGroupIds: [], port: 9094, ports: [9094] }] }, 'dataStores[0]: give port or ports, not both'],
  ])('%j -> %s', (document, expected) => {
    expect(() => parseFacts(document, 'facts.json')).toThrow(InputError);
    expect(() => parseFacts(document, 'facts.json')).toThrow(expected);
  });

  test.each([0, -1, 5432.5, 65536, '5432'])('dataStores[].port %j is not a TCP port: a facts error naming the entry and the range (was accepted)', (port) => {
    const document = { dataStores: [{ connectionName: 'orders', subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'], port }] };
    expect(() => parseFacts(document, 'facts.json')).toThrow(InputError);
    expect(() => parseFacts(document, 'facts.json')).toThrow(`facts.json: dataStores[0].port: ${JSON.stringify(port)} is not a TCP port (an integer from 1 to 65535)`);
  });

  test('a valid document loads from a file; a file that is not JSON is an InputError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'facts-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.0.0.0/16'] }] }));
    expect(loadFacts(good)).toMatchObject({ vpcs: [{ id: 'vpc-1' }], file: good });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, 'vpcs: []');
    expect(() => loadFacts(bad)).toThrow(/bad\.json: not valid JSON/);
  });
});

describe('docs/facts.md', () => {
  test('the full example is a valid facts document', () => {
    const text = readFileSync(join(__dirname, '../../docs/facts.md'), 'utf-8');
    const example = JSON.parse(text.split('```json')[1].split('```')[0]);
    expect(parseFacts(example, 'docs/facts.md').connections?.[0].name).toBe('warehouse');
  });

  test('the transit gateway route table example is a valid facts document', () => {
    const text = readFileSync(join(__dirname, '../../docs/facts.md'), 'utf-8');
    const example = JSON.parse(text.split('```json')[2].split('```')[0]);
    expect(parseFacts(example, 'docs/facts.md').transitGatewayRouteTables?.[0].propagations).toEqual(['Etl/GlueVpcAttachment', 'Data/WarehouseVpcAttachment']);
  });
});

describe('transitGatewayRouteTables', () => {
  test.each([
    [{ id: 'S/Rt', routes: [{ destination: '10.0.0.0/16' }] }, /transitGatewayRouteTables\[0\]\.routes\[0\]: needs exactly one of attachmentId, blackhole: true/],
    [{ id: 'S/Rt', routes: [{ destination: '10.0.0.0/16', attachmentId: 'S/Att', blackhole: true }] }, /needs exactly one of attachmentId, blackhole: true/],
    [{ id: 'S/Rt', routes: [{ destination: '10.0.0.0/33', attachmentId: 'S/Att' }] }, /routes\[0\]\.destination: "10\.0\.0\.0\/33" is not an IPv4 CIDR/],
    [{ id: 'S/Rt', propagations: 'S/Att' }, /transitGatewayRouteTables\[0\]\.propagations: "S\/Att" is not a list of non-empty strings/],
    [{ routes: [] }, /transitGatewayRouteTables\[0\]\.id: missing/],
  ])('%j is refused with the JSON path of the problem', (table, problem) => {
    expect(() => parseFacts({ transitGatewayRouteTables: [table] }, 'facts.json')).toThrow(problem);
  });
});

describe('routeTables: a route to a prefix list (pl-...) counts against the routes quota by its maxEntries', () => {
  /** A table with one route to a prefix list, `maxEntries` as given (absent: not given). */
  const table = (route: Record<string, unknown>) => {
    const model = buildModel([], parseFacts({
      vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.0.0.0/16'] }],
      routeTables: [{ id: 'rtb-1', vpcId: 'vpc-1', routes: [{ destination: 'pl-0abc', target: { kind: 'transit-gateway', id: 'tgw-1' }, ...route }] }],
    }, 'facts.json'));
    return buildPlan(model, { quotas: { routesPerRouteTable: 50 } }).findings.filter((f) => f.ruleId.startsWith('GNP-QUOTA-ROUTES')).map((f) => `${f.ruleId}: ${f.message}`);
  };

  test('maxEntries 60 is over a quota of 50; 50 is not', () => {
    expect(table({ maxEntries: 60 })).toEqual([expect.stringMatching(/^GNP-QUOTA-ROUTES: rtb-1 has 60 routes/)]);
    expect(table({ maxEntries: 50 })).toEqual([]);
  });

  test.each([0, -1, 1001, 2.5, '10'])('maxEntries %j is not a prefix list size: a facts error naming the route and the range (0 was accepted and counted the list as no route)', (maxEntries) => {
    expect(() => table({ maxEntries })).toThrow(`facts.json: routeTables[0].routes[0].maxEntries: ${JSON.stringify(maxEntries)} is not a prefix list's maximum entries (an integer from 1 to 1,000)`);
  });

  test('maxEntries on a route to a CIDR is a facts error (was ignored without a word)', () => {
    expect(() => parseFacts({
      vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.0.0.0/16'] }],
      routeTables: [{ id: 'rtb-1', vpcId: 'vpc-1', routes: [{ destination: '10.9.0.0/16', target: { kind: 'transit-gateway', id: 'tgw-1' }, maxEntries: 20 }] }],
    }, 'facts.json')).toThrow('facts.json: routeTables[0].routes[0].maxEntries: the route is to a CIDR, 10.9.0.0/16, which counts as one route; maxEntries is for a route to a prefix list (pl-...)');
  });

  test('without maxEntries the weight is unknown: GNP-QUOTA-ROUTES-UNKNOWN says how to give it', () => {
    expect(table({})).toEqual([expect.stringMatching(/^GNP-QUOTA-ROUTES-UNKNOWN: .*prefix list pl-0abc \(the facts file does not give the route's maxEntries\)/)]);
  });

  test("the route's destination is unknown, saying what is read (a prefix list of the templates) and what is not", () => {
    const model = buildModel([], parseFacts({
      vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.0.0.0/16'] }],
      routeTables: [{ id: 'rtb-1', vpcId: 'vpc-1', routes: [{ destination: 'pl-0abc', target: { kind: 'transit-gateway', id: 'tgw-1' } }] }],
    }, 'facts.json'));
    const destination = model.routeTables.get('rtb-1')!.routes[0].destination;
    expect(destination.known ? destination.value.text : destination.reason)
      .toBe('rtb-1: destination is prefix list pl-0abc, whose entries the facts file does not hold (its prefixLists do not describe it; a prefix list the templates define, AWS::EC2::PrefixList, is read)');
  });

  test('propagated must be a boolean: a facts error naming the route', () => {
    expect(() => parseFacts({
      vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.0.0.0/16'] }],
      routeTables: [{ id: 'rtb-1', vpcId: 'vpc-1', routes: [{ destination: '192.168.0.0/24', target: { kind: 'vpn-gateway', id: 'vgw-1' }, propagated: 'yes' }] }],
    }, 'facts.json')).toThrow(/^facts\.json: routeTables\[0\]\.routes\[0\]\.propagated: /);
  });

  test("a gateway endpoint listed on the table and also its route (pl-... through the vpce-...) counts once, as the endpoint (was: twice, and without maxEntries GNP-QUOTA-ROUTES-UNKNOWN for the endpoint's own route)", () => {
    const findings = (route: Record<string, unknown>) => {
      const model = buildModel([], parseFacts({
        vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.0.0.0/16'] }],
        routeTables: [{ id: 'rtb-1', vpcId: 'vpc-1', routes: [{ destination: 'pl-63a5400a', target: { kind: 'unknown', id: 'vpce-0s3' }, ...route }] }],
        gatewayEndpoints: [{ id: 'vpce-0s3', vpcId: 'vpc-1', service: 's3', routeTableIds: ['rtb-1'] }],
      }, 'facts.json'));
      return buildPlan(model, { quotas: { routesPerRouteTable: 1 } }).findings.filter((f) => f.ruleId.startsWith('GNP-QUOTA-ROUTES')).map((f) => `${f.ruleId}: ${f.message}`);
    };
    expect(findings({ maxEntries: 1 })).toEqual([]);
    expect(findings({})).toEqual([]);
  });

  test('maxEntries must be a whole number', () => {
    expect(() => table({ maxEntries: 'big' })).toThrow(/routeTables\[0\]\.routes\[0\]\.maxEntries: "big" is not a prefix list.s maximum entries \(an integer from 1 to 1,000\)/);
  });
});

describe('prefixLists: a customer-managed list the facts describe is read entry by entry, as a list of the templates', () => {
  const facts = (lists: unknown[], ingress: Record<string, unknown> = { protocol: 'tcp', fromPort: 5432, toPort: 5432, prefixListId: 'pl-0glue' }) => parseFacts({
    prefixLists: lists,
    vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.0.0.0/16'] }],
    routeTables: [{ id: 'rtb-1', vpcId: 'vpc-1', routes: [{ destination: 'pl-0data', target: { kind: 'vpc-peering', id: 'pcx-1' } }] }],
    securityGroups: [{ id: 'sg-1', vpcId: 'vpc-1', ingress: [ingress], egress: [] }],
  }, 'facts.json');
  const ipv4 = (id: string, cidrs: string[], maxEntries = 10) => ({ id, addressFamily: 'IPv4', maxEntries, cidrs });

  test('a route to a described list: one route per entry, weighed by maxEntries (was one route of unknown destination, weight unknown)', () => {
    const model = buildModel([], facts([ipv4('pl-0data', ['10.50.1.0/24', '10.50.2.0/24'], 60)]));
    const table = model.routeTables.get('rtb-1')!;
    expect(table.routes.map((r) => [r.destination.known && r.destination.value.text, r.prefixList])).toEqual([['10.50.1.0/24', 'pl-0data'], ['10.50.2.0/24', 'pl-0data']]);
    expect(buildPlan(model, { quotas: { routesPerRouteTable: 50 } }).findings.filter((f) => f.ruleId.startsWith('GNP-QUOTA-ROUTES')).map((f) => f.ruleId)).toEqual(['GNP-QUOTA-ROUTES']);
  });

  test('a rule to a described list: one rule per entry (was a rule to an unknown peer); a list not described stays a rule to the list', () => {
    const rules = (lists: unknown[]) => buildModel([], facts(lists)).securityGroups.get('sg-1')!.ingress.map((r) => ({ peer: r.peer, prefixList: r.prefixList }));
    expect(rules([ipv4('pl-0glue', ['10.0.1.0/24'])])).toEqual([{ peer: { kind: 'cidr', cidr: expect.objectContaining({ text: '10.0.1.0/24' }) }, prefixList: 'pl-0glue' }]);
    expect(rules([])).toEqual([{ peer: { kind: 'prefix-list', prefixListId: 'pl-0glue' }, prefixList: undefined }]);
  });

  test('an IPv6 list or one without entries routes and admits nothing for IPv4: kept apart for drift; the IPv6 list weighs nothing', () => {
    const model = buildModel([], facts([{ id: 'pl-0data', addressFamily: 'IPv6', maxEntries: 900 }, ipv4('pl-0glue', [])]));
    const table = model.routeTables.get('rtb-1')!;
    expect(table.routes).toEqual([]);
    expect(table.prefixListWeights ?? []).toEqual([]);
    expect(table.entrylessPrefixListRoutes?.map((r) => r.prefixList)).toEqual(['pl-0data']);
    const group = model.securityGroups.get('sg-1')!;
    expect(group.ingress).toEqual([]);
    expect(group.entrylessPrefixListRules?.map((e) => [e.direction, e.rule.prefixList])).toEqual([['ingress', 'pl-0glue']]);
  });

  test.each([
    [[{ id: 'sg-1', addressFamily: 'IPv4', maxEntries: 5, cidrs: [] }], 'prefixLists[0].id: "sg-1" is not a prefix list id (pl-...)'],
    [[{ id: 'pl-1', addressFamily: 'IPv6', maxEntries: 5, cidrs: ['10.0.0.0/8'] }], "prefixLists[0].cidrs: an IPv6 list's entries are not IPv4 CIDRs: leave cidrs out"],
    [[{ id: 'pl-1', addressFamily: 'IPv4', maxEntries: 5, cidrs: ['10.0.0.1/8'] }], 'prefixLists[0].cidrs: "10.0.0.1/8" is not an IPv4 CIDR'],
    [[{ id: 'pl-1', addressFamily: 'IPv4', maxEntries: 1, cidrs: ['10.0.0.0/8', '10.1.0.0/16'] }], 'prefixLists[0].cidrs: 2 entries, more than its maxEntries (1)'],
    [[{ id: 'pl-1', addressFamily: 'IPv5', maxEntries: 1, cidrs: [] }], 'prefixLists[0].addressFamily: "IPv5" is not one of IPv4, IPv6'],
    [[ipv4('pl-1', []), ipv4('pl-1', [])], 'prefixLists[1].id: prefix list pl-1 is listed twice'],
  ])('%j is refused with the JSON path of the problem', (lists, problem) => {
    expect(() => facts(lists)).toThrow(`facts.json: ${problem}`);
  });
});

describe('a key twice in one object of a facts file: an input error naming the file, the key and its line', () => {
  const load = (text: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'facts-')), 'facts.json');
    writeFileSync(file, text);
    return () => loadFacts(file);
  };

  test('two "cidr" in one subnet (JSON.parse would keep the second silently)', () => {
    const text = [
      '{ "subnets": [',
      '  { "id": "subnet-1", "vpcId": "vpc-1", "cidr": "10.0.1.0/24",',
      '    "cidr": "10.0.2.0/24" } ] }',
    ].join('\n');
    expect(load(text)).toThrow(InputError);
    expect(load(text)).toThrow(/facts\.json: the key "cidr" appears twice in one object \(line 3\)/);
  });

  test('two "routeTables" sections, written apart', () => {
    const text = '{\n "routeTables": [],\n "vpcs": [],\n "routeTables" : [{ "id": "rtb-1", "vpcId": "vpc-1", "routes": [] }]\n}';
    expect(load(text)).toThrow(/the key "routeTables" appears twice in one object \(line 4\)/);
  });

  test('the same key in different objects, and a value holding a quote and a colon, are fine', () => {
    const text = JSON.stringify({
      vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.0.0.0/16'] }, { id: 'vpc-2', cidrBlocks: ['10.1.0.0/16'] }],
      unread: [{ call: 'ec2:DescribeRouteTables', reason: 'said "denied": no access' }],
    }, null, 1);
    expect(load(text)()).toMatchObject({ vpcs: [{ id: 'vpc-1' }, { id: 'vpc-2' }] });
  });
});

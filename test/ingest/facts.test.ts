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
    [{ securityGroups: [{ id: 'sg', vpcId: 'v', ingress: [{ protocol: 'tcp', cidr: '10.0.0.0/8', securityGroupId: 'sg-2' }], egress: [] }] },
      'securityGroups[0].ingress[0]: needs exactly one of cidr, securityGroupId, prefixListId'],
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
      .toBe('rtb-1: destination is prefix list pl-0abc, whose entries the facts file does not hold (only a prefix list the templates define, AWS::EC2::PrefixList, is read)');
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

import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { InputError, loadFacts, parseFacts } from '../../src/ingest';

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

import { readFileSync } from 'fs';
import { join } from 'path';
import { ALL_RULES, buildPlan, Finding, Plan } from '../../src/engine';
import { buildModel, loadInputs } from '../../src/ingest';
import { REPOSITORY_URL, SarifLog, toSarif, toSarifLog } from '../../src/report';
import { factsElementPositions, resourceKeyPositions } from '../../src/report/source-lines';
import { SARIF_SCHEMA as schema, sarifSchemaErrors, validateSarif } from '../fixtures/sarif-schema';
import { lineOf, seedTemplate, tempDir, writeFile, writeMultiStackAssembly } from '../fixtures/seed-templates';

const root = join(__dirname, '..', '..');

function expectValidSarif(text: string): SarifLog {
  const log = JSON.parse(text);
  expect(sarifSchemaErrors(log)).toEqual([]);
  return log;
}

function planOf(paths: string[]): Plan {
  return buildPlan(buildModel(loadInputs(paths)), {});
}

function finding(source: Finding['source'], ruleId = 'GNP-STORE-UNREACHABLE', severity: Finding['severity'] = 'error'): Finding {
  return { ruleId, severity, source, message: `Something is wrong with ${source.logicalId}.`, fix: 'Change it.' };
}

const planWith = (findings: Finding[]): Plan => ({ jobs: [], findings, azDown: [] });

describe('the schema fixture', () => {
  test('is the OASIS SARIF 2.1.0 schema (draft-07) and rejects what is not SARIF', () => {
    expect(schema.$id).toBe('https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json');
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(validateSarif({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false); // driver.name is required
    expect(validateSarif({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] })).toBe(false);
  });
});

describe("SARIF for the seed's three-VPC case", () => {
  test('blocked: schema-valid, one error per unreachable store, located at the job key of the template', () => {
    const dir = tempDir();
    const text = JSON.stringify(seedTemplate(false), null, 2);
    const file = writeFile(dir, 'seed.template.json', text);
    const log = expectValidSarif(toSarif(planOf([file]), { baseDir: dir }));
    const run = log.runs[0];
    const unreachable = run.results.filter((r) => r.ruleId === 'GNP-STORE-UNREACHABLE');
    expect(unreachable).toHaveLength(2);
    expect(unreachable.map((r) => r.level)).toEqual(['error', 'error']);
    expect(unreachable[0].message.text).toMatch(/mysql/i);
    expect(unreachable[0].message.text).toMatch(/ Fix: \S/);
    expect(unreachable[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'seed.template.json', uriBaseId: 'SRCROOT' },
      region: { startLine: lineOf(text, '"Job": {'), startColumn: 5 },
    });
    expect(unreachable[0].locations[0].logicalLocations).toEqual([{ name: 'Job', fullyQualifiedName: 'seed/Job', kind: 'resource' }]);
    expect(run.originalUriBaseIds.SRCROOT.uri).toMatch(/^file:\/\/\/.*\/$/);
  });

  test('fixed: schema-valid and no error-level result', () => {
    const dir = tempDir();
    const file = writeFile(dir, 'seed.template.json', seedTemplate(true));
    const log = expectValidSarif(toSarif(planOf([file]), { baseDir: dir }));
    expect(log.runs[0].results.filter((r) => r.level === 'error')).toEqual([]);
    // Rules are listed whether or not anything was found, so code scanning knows them all.
    expect(log.runs[0].tool.driver.rules).toHaveLength(ALL_RULES.length);
  });

  test('multi-stack cdk.out with two jobs: schema-valid, results in the ETL template at each job, with construct paths', () => {
    const dir = writeMultiStackAssembly();
    const log = expectValidSarif(toSarif(planOf([dir]), { baseDir: dir }));
    const etl = readFileSync(join(dir, 'Etl.template.json'), 'utf-8');
    const unreachable = log.runs[0].results.filter((r) => r.ruleId === 'GNP-STORE-UNREACHABLE');
    expect(unreachable).toHaveLength(2);
    for (const r of unreachable) {
      expect(r.locations[0].physicalLocation).toEqual({
        artifactLocation: { uri: 'Etl.template.json', uriBaseId: 'SRCROOT' },
        region: { startLine: lineOf(etl, '"LoadJob": {'), startColumn: 3 },
      });
      expect(r.locations[0].logicalLocations[0]).toEqual({ name: 'LoadJob', fullyQualifiedName: 'Etl/LoadJob', kind: 'resource' });
      expect(r.properties).toMatchObject({ stack: 'Etl', logicalId: 'LoadJob', constructPath: 'Etl/LoadJob' });
    }
    // The redshift-only job reaches its store: nothing is reported against it.
    expect(log.runs[0].results.filter((r) => r.properties.logicalId === 'RedshiftOnlyJob' && r.level === 'error')).toEqual([]);
  });
});

describe('rules', () => {
  const log = toSarifLog(planWith([]), { baseDir: root });
  const rules = log.runs[0].tool.driver.rules;

  test('one reportingDescriptor per rule ID of the catalogue, in catalogue order, with level and title', () => {
    expect(rules.map((r) => r.id)).toEqual(ALL_RULES.map((r) => r.id));
    const unreachable = rules.find((r) => r.id === 'GNP-STORE-UNREACHABLE')!;
    expect(unreachable).toMatchObject({
      name: 'StoreUnreachable',
      shortDescription: { text: 'A data store is unreachable from the connection Glue selects' },
      defaultConfiguration: { level: 'error' },
      helpUri: `${REPOSITORY_URL}/blob/main/RULES.md#gnp-store-unreachable`,
    });
    expect(unreachable.help.text).toContain(unreachable.helpUri);
  });

  test("every rule's helpUri points at an anchor RULES.md has", () => {
    const anchors = new Set([...readFileSync(join(root, 'RULES.md'), 'utf-8').matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]));
    for (const rule of rules) expect(anchors).toContain(rule.helpUri.split('#')[1]);
  });

  test('the tool is named, versioned from package.json and points at the repository', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf-8'));
    expect(log.runs[0].tool.driver).toMatchObject({ name: 'cdk-glue-netplan', version: pkg.version, informationUri: REPOSITORY_URL });
    expect(pkg.repository.url).toContain(REPOSITORY_URL.replace('https://', ''));
  });

  test('each result carries its rule index, severity as SARIF level, and a fingerprint that ignores the line', () => {
    const source = { stack: 'Etl', logicalId: 'Job', file: '/nowhere/Etl.template.json' };
    const results = toSarifLog(planWith([finding(source), finding(source, 'GNP-SUBNET-IP-PRESSURE', 'warning'), finding(source, 'GNP-STORE-UNKNOWN', 'info')]), { baseDir: '/nowhere' }).runs[0].results;
    expect(results.map((r) => [r.ruleId, r.ruleIndex, r.level])).toEqual([
      ['GNP-STORE-UNREACHABLE', ALL_RULES.findIndex((r) => r.id === 'GNP-STORE-UNREACHABLE'), 'error'],
      ['GNP-SUBNET-IP-PRESSURE', ALL_RULES.findIndex((r) => r.id === 'GNP-SUBNET-IP-PRESSURE'), 'warning'],
      ['GNP-STORE-UNKNOWN', ALL_RULES.findIndex((r) => r.id === 'GNP-STORE-UNKNOWN'), 'note'],
    ]);
    const again = toSarifLog(planWith([finding(source)]), { baseDir: '/nowhere', readFile: () => '{"Resources": {"Job": {}}}' }).runs[0].results[0];
    expect(again.partialFingerprints).toEqual(results[0].partialFingerprints);
  });
});

describe('locations', () => {
  test('a finding without a file (synth time) has a logical location only, and stays schema-valid', () => {
    const log = toSarif(planWith([finding({ stack: 'Etl', logicalId: 'Job', constructPath: 'Etl/Job/Resource' })]));
    const result = expectValidSarif(log).runs[0].results[0];
    expect(result.locations).toEqual([{ logicalLocations: [{ name: 'Job', fullyQualifiedName: 'Etl/Job/Resource', kind: 'resource' }] }]);
  });

  test('URIs are relative to the base directory and percent-encoded; files outside it get an absolute file URI', () => {
    const results = toSarifLog(planWith([
      finding({ stack: 's', logicalId: 'A', file: '/repo/cdk out/My Stack#1.template.json' }),
      finding({ stack: 's', logicalId: 'B', file: '/elsewhere/t.json' }),
      finding({ stack: 's', logicalId: 'C', file: 'relative/t.json' }),
    ]), { baseDir: '/repo', readFile: () => undefined }).runs[0].results;
    expect(results.map((r) => r.locations[0].physicalLocation!.artifactLocation)).toEqual([
      { uri: 'cdk%20out/My%20Stack%231.template.json', uriBaseId: 'SRCROOT' },
      { uri: 'file:///elsewhere/t.json' },
      { uri: 'relative/t.json', uriBaseId: 'SRCROOT' },
    ]);
    // Unreadable files: the artifact is named, without a region.
    expect(results[0].locations[0].physicalLocation!.region).toBeUndefined();
  });

  test('each file is read once however many findings point into it', () => {
    const reads: string[] = [];
    const readFile = (file: string) => {
      reads.push(file);
      return '{"Resources": {"A": {}, "B": {}}}';
    };
    const results = toSarifLog(planWith([
      finding({ stack: 's', logicalId: 'A', file: '/repo/t.json' }),
      finding({ stack: 's', logicalId: 'B', file: '/repo/t.json' }),
      finding({ stack: 's', logicalId: 'A', file: '/repo/u.json' }),
    ]), { baseDir: '/repo', readFile }).runs[0].results;
    expect(reads).toEqual(['/repo/t.json', '/repo/u.json']);
    expect(results.map((r) => r.locations[0].physicalLocation!.region)).toEqual([
      { startLine: 1, startColumn: 16 }, { startLine: 1, startColumn: 25 }, { startLine: 1, startColumn: 16 },
    ]);
  });

  test('a facts-file element is located at its id', () => {
    const dir = tempDir();
    const text = [
      '{',
      '  "vpcs": [ { "id": "vpc-0data", "cidrBlocks": ["10.50.0.0/16"] } ],',
      '  "subnets": [',
      '    { "id": "subnet-0abc", "vpcId": "vpc-0data", "cidr": "10.50.1.0/24" }',
      '  ],',
      '  "connections": [ { "name": "orders", "connectionType": "NETWORK" } ],',
      '  "dataStores": [',
      '    { "connectionName": "orders", "subnetIds": ["subnet-0abc"], "securityGroupIds": [] }',
      '  ]',
      '}',
    ].join('\n');
    const file = writeFile(dir, 'facts.json', text);
    const results = toSarifLog(planWith([
      finding({ stack: 'facts', logicalId: 'subnet-0abc', file }),
      finding({ stack: 'facts', logicalId: 'orders', file }),
      finding({ stack: 'facts', logicalId: 'dataStores[0]', file }),
    ]), { baseDir: dir }).runs[0].results;
    expect(results.map((r) => r.locations[0].physicalLocation!.region)).toEqual([
      { startLine: 4, startColumn: 7 }, { startLine: 6, startColumn: 22 }, { startLine: 8, startColumn: 5 },
    ]);
  });
});

describe('line of a resource key', () => {
  const JSON_TEMPLATE = [
    '{',
    '  "Description": "The Job resource: \\"Job\\": here is not a key",',
    '  "Parameters": { "Job": { "Type": "String" } },',
    '  "Resources": {',
    '    "Vpc": { "Type": "AWS::EC2::VPC", "Properties": { "Tags": [ { "Key": "Job", "Value": "x" } ] } },',
    '',
    '    "Jo\\u0062": {',
    '      "Type": "AWS::Glue::Job"',
    '    },',
    '\t\t"Sub\\/Net": { "Type": "AWS::EC2::Subnet" }, "Rt": {}',
    '  },',
    '  "Outputs": { "Job": { "Value": 1 } }',
    '}',
  ].join('\r\n');

  test('JSON: the key in Resources, not a value, a parameter, a tag or an output of the same name; escapes decoded; CRLF lines', () => {
    const positions = resourceKeyPositions(JSON_TEMPLATE);
    expect(positions.get('Job')).toEqual({ line: 7, column: 5 });
    expect(positions.get('Vpc')).toEqual({ line: 5, column: 5 });
    expect(positions.get('Sub/Net')).toEqual({ line: 10, column: 3 });
    expect(positions.get('Rt')).toEqual({ line: 10, column: 47 });
    expect([...positions.keys()]).toEqual(['Vpc', 'Job', 'Sub/Net', 'Rt']);
  });

  test('JSON: minified, with a BOM, and a later duplicate "Resources" replacing the earlier one as JSON.parse does', () => {
    expect(resourceKeyPositions('\uFEFF{"Resources":{"A":{"Type":"T"},"B":[1,2.5e3,true,null,"s"]}}')).toEqual(new Map([
      ['A', { line: 1, column: 16 }], ['B', { line: 1, column: 33 }],
    ]));
    expect([...resourceKeyPositions('{"Resources": {"Old": {}}, "Resources": {"New": {}}}').keys()]).toEqual(['New']);
  });

  const YAML_TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Description: >-
  Job: not a key, a folded string
Parameters:
  Job:
    Type: String
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16, Tags: [{Key: Job, Value: x}]}
  # Job: a comment
  "Job":
    Type: AWS::Glue::Job
    Properties:
      Role: !GetAtt Role.Arn
      Connections: {Connections: [!Ref Conn]}
  Conn: {Type: AWS::Glue::Connection, Properties: {ConnectionInput: {Name: !Sub "\${AWS::StackName}-c"}}}
`;

  test('YAML (short-form intrinsics, quoted keys, flow mappings): the line and column of the key under Resources', () => {
    const positions = resourceKeyPositions(YAML_TEMPLATE);
    expect(positions.get('Vpc')).toEqual({ line: 8, column: 3 });
    expect(positions.get('Job')).toEqual({ line: 12, column: 3 });
    expect(positions.get('Conn')).toEqual({ line: 17, column: 3 });
    expect(positions.size).toBe(3);
  });

  test('YAML written as a flow mapping that starts like JSON is still read', () => {
    expect(resourceKeyPositions('{Resources: {\n  A: {Type: T}}}')).toEqual(new Map([['A', { line: 2, column: 3 }]]));
  });

  test('malformed text gives no positions rather than an error', () => {
    expect(resourceKeyPositions('{"Resources": {"A": {')).toEqual(new Map());
    expect(resourceKeyPositions(': : :\n\t- [')).toEqual(new Map());
    expect(factsElementPositions('{"vpcs": [')).toEqual(new Map());
  });

  test('end to end: a YAML template file gives SARIF results at the resource line', () => {
    const dir = tempDir();
    const yaml = `Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16, EnableDnsSupport: true, EnableDnsHostnames: true}}
  Subnet: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-east-1a}}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: g, VpcId: !Ref Vpc}
  Conn:
    Type: AWS::Glue::Connection
    Properties:
      CatalogId: !Ref AWS::AccountId
      ConnectionInput:
        Name: net
        ConnectionType: NETWORK
        PhysicalConnectionRequirements: {SubnetId: !Ref Subnet, SecurityGroupIdList: [!GetAtt Sg.GroupId]}

  Job:
    Type: AWS::Glue::Job
    Properties: {Name: j, Role: r, Command: {Name: glueetl}, Connections: {Connections: [!Ref Conn]}}
`;
    const file = writeFile(dir, 'glue.yaml', yaml);
    const log = expectValidSarif(toSarif(planOf([file]), { baseDir: dir }));
    const noSuitable = log.runs[0].results.find((r) => r.ruleId === 'GNP-NO-SUITABLE-CONNECTION')!;
    expect(noSuitable.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'glue.yaml', uriBaseId: 'SRCROOT' }, region: { startLine: 16, startColumn: 3 } });
    const noS3 = log.runs[0].results.find((r) => r.ruleId === 'GNP-CONNECTION-NO-S3-PATH')!;
    expect(noS3.locations[0].physicalLocation!.region).toEqual({ startLine: 7, startColumn: 3 });
  });
});

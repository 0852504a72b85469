import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { runCli } from '../../src/cli/run';
import { seedTemplate, tempDir, writeMultiStackAssembly } from '../fixtures/seed-templates';
import { getAtt, ref } from '../ingest/builders';

/**
 * The malformed-input generator (issue 15): several hundred broken and hostile inputs, built from
 * the seed's templates, facts files and cloud assemblies by seeded mutation. Whatever the input,
 * the CLI answers in bounded time with either a plan (exit 0 or 1, nothing on standard error) or
 * one line on standard error naming the problem (exit 2): never "internal error", never a stack
 * trace.
 */

/** Park and Miller's minimal standard generator, seeded: every run builds the same cases. */
function generator(seed: number): () => number {
  let state = seed % 2147483647 || 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

// Fixed seed; set GLUE_NETPLAN_HOSTILE_SEED to explore other cases locally.
const random = generator(Number(process.env.GLUE_NETPLAN_HOSTILE_SEED ?? 15));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
/** JSON text put as is into a document (a value too deep to build and walk as an object). */
class Raw {
  constructor(readonly text: string) {}
}
/** `levels` nested openings around `leaf`, as JSON text: `[[["x"]]]`. */
const deep = (levels: number, open: string, leaf: string, close: string) => new Raw(`${open.repeat(levels)}${leaf}${close.repeat(levels)}`);

/** The seed template with more resource types, so mutations reach more readers. */
function richTemplate(): any {
  const t: any = seedTemplate(true);
  const r = t.Resources;
  r.AclA = { Type: 'AWS::EC2::NetworkAcl', Properties: { VpcId: ref('VpcA') } };
  r.AclEntryA = { Type: 'AWS::EC2::NetworkAclEntry', Properties: { NetworkAclId: ref('AclA'), RuleNumber: 100, Protocol: 6, RuleAction: 'allow', Egress: false, CidrBlock: '10.0.0.0/8', PortRange: { From: 0, To: 65535 } } };
  r.AclAssocA = { Type: 'AWS::EC2::SubnetNetworkAclAssociation', Properties: { SubnetId: ref('SubnetA'), NetworkAclId: ref('AclA') } };
  r.Cidr2 = { Type: 'AWS::EC2::VPCCidrBlock', Properties: { VpcId: ref('VpcA'), CidrBlock: '100.64.0.0/16' } };
  r.Nat = { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: ref('SubnetA'), ConnectivityType: 'private' } };
  r.Tgw = { Type: 'AWS::EC2::TransitGateway', Properties: { DefaultRouteTableAssociation: 'enable' } };
  r.TgwAttach = { Type: 'AWS::EC2::TransitGatewayAttachment', Properties: { TransitGatewayId: ref('Tgw'), VpcId: ref('VpcA'), SubnetIds: [ref('SubnetA')] } };
  r.DbSubnets = { Type: 'AWS::RDS::DBSubnetGroup', Properties: { DBSubnetGroupDescription: 'd', SubnetIds: [ref('SubnetB')] } };
  r.Db = { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'mysql', DBSubnetGroupName: ref('DbSubnets'), VPCSecurityGroups: [getAtt('SgB', 'GroupId')] } };
  r.SubnetD = { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref('VpcA'), CidrBlock: { 'Fn::Select': [3, { 'Fn::Cidr': [getAtt('VpcA', 'CidrBlock'), 4, 8] }] }, AvailabilityZone: { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] } } };
  t.Parameters = { Env: { Type: 'String', Default: 'prod' } };
  t.Mappings = { Ports: { prod: { Mysql: 3306 } } };
  t.Conditions = { IsProd: { 'Fn::Equals': [ref('Env'), 'prod'] } };
  t.Outputs = { SubnetA: { Value: ref('SubnetA'), Export: { Name: 'SubnetA' } } };
  return t;
}

/** Values a hostile or careless template puts where a reader expects something else. */
const HOSTILE_VALUES: readonly (() => unknown)[] = [
  () => null, () => true, () => 0, () => -1, () => 1e308, () => 1.5, () => '', () => ' ', () => 'x'.repeat(100_000),
  () => [], () => {}, () => [null], () => [[]], () => ({ '': '' }), () => '\u0000\uffff\ud800', () => '${', () => '{{resolve:ssm:x}}',
  () => '{{ref:Stack/Nope:}}', () => '{{unknown:x}}', () => 'subnet-0abc', () => '10.0.0.0/33', () => '999.1.1.1/8', () => '0.0.0.0/0',
  () => ({ Ref: 'AWS::NoValue' }), () => ({ Ref: 'Nope' }), () => ({ Ref: 'Job' }), () => ({ Ref: ['a'] }), () => ({ Ref: null }),
  () => ({ Ref: 'AWS::Region' }), () => ({ Ref: 'Env' }),
  () => ({ 'Fn::GetAtt': 'VpcA' }), () => ({ 'Fn::GetAtt': ['VpcA'] }), () => ({ 'Fn::GetAtt': ['VpcA', 'Nope'] }), () => ({ 'Fn::GetAtt': [null, 1] }),
  () => ({ 'Fn::GetAtt': 'VpcA.CidrBlock' }), () => ({ 'Fn::GetAtt': ['Job', 'Arn'] }),
  () => ({ 'Fn::Cidr': ['10.0.0.0/8', 1e9, 8] }), () => ({ 'Fn::Cidr': ['0.0.0.0/0', 4294967296, 0] }), () => ({ 'Fn::Cidr': ['10.0.0.0/16', 300, 8] }),
  () => ({ 'Fn::Cidr': ['10.0.0.0/16', -3, 8] }), () => ({ 'Fn::Cidr': ['10.0.0.0/16', 2, 40] }), () => ({ 'Fn::Cidr': 'x' }),
  () => ({ 'Fn::Select': [1e9, ['a']] }), () => ({ 'Fn::Select': [-1, ['a']] }), () => ({ 'Fn::Select': ['x', 'y'] }), () => ({ 'Fn::Select': [] }),
  () => ({ 'Fn::Join': [',', 'notalist'] }), () => ({ 'Fn::Join': [null, [1, 2]] }), () => ({ 'Fn::Join': ['', [{ Ref: 'Nope' }, 'x']] }),
  () => ({ 'Fn::Sub': '${Nope}' }), () => ({ 'Fn::Sub': '${VpcA.CidrBlock}-${AWS::Region}' }), () => ({ 'Fn::Sub': ['${X}', { X: { Ref: 'X' } }] }),
  () => ({ 'Fn::Sub': '${!Literal}${' }), () => ({ 'Fn::Sub': 5 }),
  () => ({ 'Fn::Split': [',', { Ref: 'Nope' }] }), () => ({ 'Fn::Split': [] }), () => ({ 'Fn::Base64': { Ref: 'VpcA' } }),
  () => ({ 'Fn::ImportValue': 'Nope' }), () => ({ 'Fn::ImportValue': 'SubnetA' }), () => ({ 'Fn::ImportValue': { 'Fn::ImportValue': 'x' } }),
  () => ({ 'Fn::GetAZs': 5 }), () => ({ 'Fn::FindInMap': ['Ports', 'prod', 'Mysql'] }), () => ({ 'Fn::FindInMap': ['Nope'] }),
  () => ({ 'Fn::If': ['IsProd', 'a', 'b'] }), () => ({ 'Fn::If': ['Nope', 'a', 'b'] }), () => ({ 'Fn::If': 'x' }),
  () => ({ 'Fn::Equals': [1] }), () => ({ 'Fn::Not': [{ Condition: 'IsProd' }] }), () => ({ 'Fn::Bogus': [] }), () => ({ 'Fn::Transform': {} }),
  () => ({ 'Fn::NetplanStackRef': ['Nope', 'X', 'Ref'] }), () => ({ 'Fn::NetplanStackRef': 1 }), () => ({ Condition: 'IsProd' }),
  () => ({ 'Ref': 'A', 'Fn::Join': [] }), () => ({ __proto__: { polluted: true } }), () => JSON.parse('{"__proto__": {"x": 1}}'),
  () => ({ constructor: 'x', toString: 1 }),
  () => deep(300, '[', '"x"', ']'), () => deep(10_000, '{"a":', '"x"', '}'), () => deep(250, '[', '"x"', ']'),
  () => deep(10_000, '{"Fn::Join": ["", [', '"x"', ']]}'), () => deep(60, '{"Fn::Select": [0, [', '"x"', ']]}'),
  () => deep(100, '{"Fn::Select": [0, [', '{"Ref": "VpcA"}', ']]}'), () => deep(200, '{"Fn::Join": ["", [', '"x"', ']]}'),
];

/** Every path to a value in a JSON document. */
function pathsOf(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(path);
  if (value instanceof Raw) return out;
  if (Array.isArray(value)) value.forEach((item, index) => pathsOf(item, [...path, index], out));
  else if (typeof value === 'object' && value !== null) for (const key of Object.keys(value)) pathsOf((value as any)[key], [...path, key], out);
  return out;
}

/** Sets (or, when `value` is undefined, deletes) the value at `path`. */
function setAt(document: any, path: (string | number)[], value: unknown): any {
  if (path.length === 0) return value;
  let parent = document;
  for (const key of path.slice(0, -1)) parent = parent[key];
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    parent[last] = value;
  }
  return document;
}

function mutate(document: unknown, mutations: number): unknown {
  let result: any = clone(document);
  for (let i = 0; i < mutations; i++) {
    const path = pick(pathsOf(result));
    result = setAt(result, path, random() < 0.15 ? undefined : pick(HOSTILE_VALUES)());
  }
  return result;
}

function clone(value: unknown): unknown {
  if (value instanceof Raw || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(clone);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, clone(item)]));
}

/** JSON text, with Raw values put in as they are. */
function toJsonText(value: unknown): string {
  const parts: string[] = [];
  const stack: unknown[] = [value];
  const CLOSE = { close: ']' };
  const CLOSE_OBJECT = { close: '}' };
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === CLOSE || item === CLOSE_OBJECT) {
      parts.push((item as any).close);
    } else if (item instanceof Raw) {
      parts.push(item.text);
    } else if (Array.isArray(item)) {
      parts.push('[');
      stack.push(CLOSE);
      for (let i = item.length - 1; i >= 0; i--) {
        stack.push(item[i]);
        if (i > 0) stack.push(new Raw(','));
      }
    } else if (typeof item === 'object' && item !== null) {
      parts.push('{');
      stack.push(CLOSE_OBJECT);
      const keys = Object.keys(item);
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push((item as any)[keys[i]]);
        stack.push(new Raw(`${JSON.stringify(keys[i])}:`));
        if (i > 0) stack.push(new Raw(','));
      }
    } else {
      parts.push(JSON.stringify(item) ?? 'null');
    }
  }
  return parts.join('');
}

interface Case {
  readonly label: string;
  /** Writes the inputs into `dir`; returns the CLI arguments (before `--format json`). */
  readonly build: (dir: string) => string[];
}

const cases: Case[] = [];
const write = (dir: string, name: string, text: string) => {
  const file = join(dir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
};

// 1. Templates with hostile values anywhere (JSON).
for (let i = 0; i < 200; i++) {
  const mutations = 1 + Math.floor(random() * 4);
  const text = toJsonText(mutate(richTemplate(), mutations));
  cases.push({ label: `template mutation ${i} (${mutations} changes)`, build: (dir) => [write(dir, 't.json', text)] });
}

// 2. Template text cut short or corrupted (JSON and YAML).
const seedText = JSON.stringify(richTemplate(), null, 1);
for (let i = 0; i < 30; i++) {
  const cut = Math.floor(random() * seedText.length);
  const at = Math.floor(random() * seedText.length);
  const junk = pick(['\u0000', '}', ']]]', '"', '&a', '*a', '!Ref', '\n  - ', ':', '\t', '\ufeff', '<<: *x', '%YAML 1.1\n---\n']);
  const name = pick(['t.json', 't.yaml', 't.template']);
  const text = random() < 0.5 ? seedText.slice(0, cut) : seedText.slice(0, at) + junk + seedText.slice(at);
  cases.push({ label: `corrupted text ${i} (${name})`, build: (dir) => [write(dir, name, text)] });
}

// 3. YAML: aliases, anchors, tags, bombs.
const YAML_CASES: [string, string][] = [
  ['alias with no anchor', 'Resources:\n  X: *nope\n'],
  ['recursive alias', 'Resources:\n  S:\n    Type: AWS::EC2::Subnet\n    Properties: &p\n      VpcId: [*p]\n'],
  ['alias to its own map', 'Resources: &r\n  Loop: *r\n'],
  ['alias bomb, 9 levels', ['Resources: {}', ...Array.from({ length: 9 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(i === 0 ? '"lol"' : `*a${i}`).join(',')}]`)].join('\n')],
  ['merge key', 'Base: &b {Type: AWS::EC2::VPC}\nResources:\n  V:\n    <<: *b\n    Properties: {CidrBlock: 10.0.0.0/16}\n'],
  ['unknown tag', 'Resources:\n  V: !Bogus {Type: AWS::EC2::VPC}\n'],
  ['!GetAtt on a map', 'Resources:\n  S: {Type: AWS::EC2::Subnet, Properties: {VpcId: !GetAtt {a: b}, CidrBlock: 10.0.0.0/24}}\n'],
  ['!Ref of a list', 'Resources:\n  S: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref [a, b], CidrBlock: 10.0.0.0/24}}\n'],
  ['!Cidr with a huge count', 'Resources:\n  V: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}\n  S: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref V, CidrBlock: !Select [0, !Cidr [10.0.0.0/16, 99999999, 8]]}}\n'],
  ['two documents', 'Resources: {}\n---\nResources: {}\n'],
  ['a scalar', 'just text'],
  ['a list', '- Resources\n'],
  ['empty', ''],
  ['tabs', 'Resources:\n\tX: 1\n'],
  ['duplicate keys', 'Resources:\n  V: {Type: AWS::EC2::VPC}\n  V: {Type: AWS::EC2::Subnet}\n'],
  ['10,000 nested flow lists', `Resources: {X: ${'['.repeat(10_000)}${']'.repeat(10_000)}}\n`],
  ['10,000 nested block maps', `Resources:\n${Array.from({ length: 2_000 }, (_, i) => `${' '.repeat(i + 2)}k${i}:`).join('\n')} x\n`],
  ['binary tag', 'Resources: !!binary aGVsbG8=\n'],
  ['a timestamp key', 'Resources:\n  2001-12-14: {Type: AWS::EC2::VPC}\n'],
];
for (const [label, text] of YAML_CASES) cases.push({ label: `YAML: ${label}`, build: (dir) => [write(dir, 't.yaml', text)] });

// 4. Facts files.
const FACTS = {
  vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.9.0.0/16'], region: 'us-east-1' }],
  subnets: [{ id: 'subnet-1', vpcId: 'vpc-1', cidr: '10.9.1.0/24', availabilityZone: 'us-east-1a' }],
  securityGroups: [{ id: 'sg-1', vpcId: 'vpc-1', ingress: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432, cidr: '10.1.0.0/16' }], egress: [{ protocol: -1, cidr: '0.0.0.0/0' }] }],
  routeTables: [{ id: 'rtb-1', vpcId: 'vpc-1', routes: [{ destination: '10.1.0.0/16', target: { kind: 'vpc-peering', id: 'pcx-1' } }] }],
  connections: [{ name: 'warehouse', connectionType: 'JDBC', subnetId: 'subnet-1', securityGroupIds: ['sg-1'] }],
  dataStores: [{ connectionName: 'redshift', subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'], port: 5439 }],
};
for (let i = 0; i < 50; i++) {
  const text = toJsonText(mutate(FACTS, 1 + Math.floor(random() * 3)));
  cases.push({ label: `facts mutation ${i}`, build: (dir) => [write(dir, 't.json', JSON.stringify(seedTemplate(false))), '--facts', write(dir, 'facts.json', text)] });
}
const FACTS_TEXTS: [string, string][] = [
  ['__proto__ key', '{"__proto__": {"vpcs": []}}'],
  ['constructor key', '{"constructor": []}'],
  ['toString key', '{"vpcs": [{"id": "v", "cidrBlocks": ["10.0.0.0/16"], "toString": "x"}]}'],
  ['hasOwnProperty key', '{"subnets": [{"id": "s", "vpcId": "v", "cidr": "10.0.0.0/24", "hasOwnProperty": 1}]}'],
  ['trailing comma', '{"vpcs": [],}'],
  ['YAML', 'vpcs: []\n'],
  ['10,000 levels', `{"vpcs": [{"id": "v", "cidrBlocks": ["10.0.0.0/16"], "region": ${'['.repeat(10_000)}${']'.repeat(10_000)}}]}`],
  ['a huge string', `{"vpcs": [{"id": "${'v'.repeat(1_000_000)}", "cidrBlocks": 5}]}`],
];
for (const [label, text] of FACTS_TEXTS) {
  cases.push({ label: `facts: ${label}`, build: (dir) => [write(dir, 't.json', JSON.stringify(seedTemplate(false))), '--facts', write(dir, 'facts.json', text)] });
}

// 5. Cloud assemblies: manifests and nested stacks.
const manifestOf = (artifacts: unknown) => JSON.stringify({ version: '36.0.0', artifacts });
const stackArtifact = (templateFile: unknown, extra: Record<string, unknown> = {}) => ({ type: 'aws:cloudformation:stack', properties: { templateFile, ...extra } });
const nestedParent = (assetPath: string) => JSON.stringify({ Resources: { Child: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': assetPath }, Properties: { TemplateURL: 'x' } } } });
const ASSEMBLY_CASES: [string, (dir: string) => void][] = [
  ['templateFile ../../etc/passwd', (dir) => write(dir, 'manifest.json', manifestOf({ S: stackArtifact('../../etc/passwd') }))],
  ['templateFile /etc/passwd', (dir) => write(dir, 'manifest.json', manifestOf({ S: stackArtifact('/etc/passwd') }))],
  ['templateFile a number', (dir) => write(dir, 'manifest.json', manifestOf({ S: stackArtifact(5) }))],
  ['templateFile missing', (dir) => write(dir, 'manifest.json', manifestOf({ S: stackArtifact('nope.json') }))],
  ['templateFile a directory', (dir) => { mkdirSync(join(dir, 'sub')); write(dir, 'manifest.json', manifestOf({ S: stackArtifact('sub') })); }],
  ['directoryName .', (dir) => write(dir, 'manifest.json', manifestOf({ N: { type: 'cdk:cloud-assembly', properties: { directoryName: '.' } } }))],
  ['directoryName ..', (dir) => write(dir, 'manifest.json', manifestOf({ N: { type: 'cdk:cloud-assembly', properties: { directoryName: '..' } } }))],
  ['nested assemblies in a cycle', (dir) => {
    write(dir, 'manifest.json', manifestOf({ N: { type: 'cdk:cloud-assembly', properties: { directoryName: 'inner' } } }));
    write(dir, 'inner/manifest.json', manifestOf({ N: { type: 'cdk:cloud-assembly', properties: { directoryName: '..' } } }));
  }],
  ['nested stack is its own parent', (dir) => {
    write(dir, 'manifest.json', manifestOf({ S: stackArtifact('S.template.json') }));
    write(dir, 'S.template.json', nestedParent('S.nested.template.json'));
    write(dir, 'S.nested.template.json', nestedParent('S.nested.template.json'));
  }],
  ['nested stacks in a cycle of two', (dir) => {
    write(dir, 'manifest.json', manifestOf({ S: stackArtifact('S.template.json') }));
    write(dir, 'S.template.json', nestedParent('A.nested.template.json'));
    write(dir, 'A.nested.template.json', nestedParent('B.nested.template.json'));
    write(dir, 'B.nested.template.json', nestedParent('A.nested.template.json'));
  }],
  ['nested stack asset path ../../etc/passwd', (dir) => {
    write(dir, 'manifest.json', manifestOf({ S: stackArtifact('S.template.json') }));
    write(dir, 'S.template.json', nestedParent('../../etc/x.nested.template.json'));
  }],
  ['two stacks of one name', (dir) => {
    write(dir, 'manifest.json', manifestOf({ A: stackArtifact('A.template.json', { stackName: 'Same' }), B: stackArtifact('B.template.json', { stackName: 'Same' }) }));
    write(dir, 'A.template.json', JSON.stringify(seedTemplate(false)));
    write(dir, 'B.template.json', JSON.stringify(seedTemplate(true)));
  }],
  ['manifest not JSON', (dir) => write(dir, 'manifest.json', '{"artifacts": ')],
  ['manifest 10,000 levels deep', (dir) => write(dir, 'manifest.json', `{"artifacts": {"x": ${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}}`)],
  ['artifacts a list', (dir) => write(dir, 'manifest.json', '{"artifacts": [1, 2]}')],
  ['artifact null', (dir) => write(dir, 'manifest.json', '{"artifacts": {"S": null, "T": {"type": "aws:cloudformation:stack"}}}')],
  ['manifest a directory', (dir) => mkdirSync(join(dir, 'manifest.json'))],
];
for (const [label, build] of ASSEMBLY_CASES) cases.push({ label: `assembly: ${label}`, build: (dir) => { const out = join(dir, 'cdk.out'); mkdirSync(out); build(out); return [out]; } });
for (let i = 0; i < 20; i++) {
  const mutations = 1 + Math.floor(random() * 3);
  cases.push({
    label: `assembly manifest mutation ${i}`,
    build: (dir) => {
      const out = join(dir, 'cdk.out');
      mkdirSync(out);
      writeMultiStackAssembly(out);
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf-8'));
      write(out, 'manifest.json', toJsonText(mutate(manifest, mutations)));
      return [out];
    },
  });
}

// 6. Paths that are not files.
cases.push({ label: 'a character device', build: () => ['/dev/zero'] });
cases.push({ label: 'facts from a character device', build: (dir) => [write(dir, 't.json', JSON.stringify(seedTemplate(false))), '--facts', '/dev/zero'] });
cases.push({ label: 'a directory without manifest', build: (dir) => [dir] });
cases.push({ label: 'two templates read as one stack name', build: (dir) => [write(dir, 'a/t.json', JSON.stringify(seedTemplate(false))), write(dir, 'b/t.json', JSON.stringify(seedTemplate(true)))] });

describe('malformed and hostile input: a plan or one line naming the problem (exit 2), never an internal error', () => {
  test('the generator makes several hundred cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
  });

  test.each(cases.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    const dir = tempDir('glue-netplan-hostile-');
    const argv = [...c.build(dir), '--format', 'json', '--no-failover'];
    let stdout = '';
    let stderr = '';
    const started = Date.now();
    const code = runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd: dir });
    const elapsed = Date.now() - started;

    expect(elapsed).toBeLessThan(5000);
    expect(stderr).not.toMatch(/internal error/);
    expect(stderr).not.toMatch(/\n\s+at /);
    if (code === 2) {
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^glue-netplan: \S.*\n$/);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    } else {
      expect([0, 1]).toContain(code);
      expect(stderr).toBe('');
      expect(JSON.parse(stdout)).toHaveProperty('jobs');
    }
  });
});

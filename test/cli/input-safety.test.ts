import { spawn, spawnSync } from 'child_process';
import { chmodSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parseArgs, runCli } from '../../src/cli/run';
import { seedTemplate, tempDir, writeMultiStackAssembly } from '../fixtures/seed-templates';
import { glueConnection, glueJob, ref } from '../ingest/builders';

const root = join(__dirname, '..', '..');

function run(argv: string[], cwd = root) {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd });
  return { code, stdout, stderr };
}

function write(dir: string, name: string, content: unknown): string {
  const file = join(dir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** Exit 2 and one line on standard error that names `file`, says `problem`, and is not our bug. */
function expectInputError(result: { code: number; stdout: string; stderr: string }, file: string, problem: RegExp) {
  expect(result.stdout).toBe('');
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/internal error/);
  expect(result.stderr.startsWith(`glue-netplan: ${file}`)).toBe(true);
  expect(result.stderr).toMatch(problem);
  expect(result.code).toBe(2);
}

/** The CLI as its own process (main.ts through ts-node), for what only a process shows. */
function cliProcess(args: string[]) {
  return {
    command: process.execPath,
    args: ['-r', require.resolve('ts-node/register/transpile-only'), join(root, 'src', 'cli', 'main.ts'), ...args],
    options: { cwd: root, env: { ...process.env, TS_NODE_PROJECT: join(root, 'tsconfig.json'), NO_COLOR: '1' } },
  };
}

const cidrSubnet = (cidr: unknown) => ({
  Resources: {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref('Vpc'), CidrBlock: cidr } },
  },
});

describe('what used to be internal errors is one line naming the file and the place', () => {
  test('a YAML alias with no anchor: the alias and its line', () => {
    const file = write(tempDir(), 't.yaml', 'Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: *props\n');
    expectInputError(run([file]), file, /alias \*props has no anchor &props before it at line 4, column 17/);
  });

  test('a recursive YAML alias: the place that contains itself', () => {
    const file = write(tempDir(), 't.yaml', 'Resources:\n  Subnet:\n    Type: AWS::EC2::Subnet\n    Properties: &p\n      VpcId: [*p]\n');
    expectInputError(run([file]), file, /Resources\.Subnet\.Properties\.VpcId\[0\]: contains itself \(a recursive YAML alias\)/);
  });

  test('Fn::Cidr with a count above CloudFormation\'s 256: the resource and the function', () => {
    const file = write(tempDir(), 't.json', cidrSubnet({ 'Fn::Select': [0, { 'Fn::Cidr': ['10.0.0.0/8', 1_000_000_000, 8] }] }));
    expectInputError(run([file]), file, /Resources\.Subnet .*Fn::Cidr .*count 1000000000 is outside 1\.\.256/);
  });

  test('Fn::Cidr with a huge count in an exported output: the file and where it was met', () => {
    const file = write(tempDir(), 't.json', { ...cidrSubnet('10.0.1.0/24'), Outputs: { Blocks: { Value: { 'Fn::Select': [0, { 'Fn::Cidr': ['10.0.0.0/8', 5000, 8] }] }, Export: { Name: 'blocks' } } } });
    expectInputError(run([file]), file, /reading exports and custom resources: Fn::Cidr .*count 5000 is outside 1\.\.256/);
  });

  // Found by the malformed-input generator (GLUE_NETPLAN_HOSTILE_SEED=202, template mutation 7):
  // Number() throws on an object whose toString is not a function.
  test.each([
    ['Fn::Cidr bits', { 'Fn::Select': [0, { 'Fn::Cidr': ['10.0.0.0/16', 4, { constructor: 'x', toString: 1 }] }] }],
    ['Fn::Cidr count', { 'Fn::Select': [0, { 'Fn::Cidr': ['10.0.0.0/16', { toString: 1 }, 8] }] }],
    ['Fn::Select index', { 'Fn::Select': [{ toString: 1 }, ['10.0.1.0/24']] }],
  ])('%s that is an object with a toString that is not a function: the subnet CIDR is unknown, not an internal error', (_label, cidr) => {
    const result = run([write(tempDir(), 't.json', cidrSubnet(cidr)), '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).findings.map((f: any) => f.message)).toContainEqual(expect.stringMatching(/Subnet .*CidrBlock.*cannot be evaluated/));
  });

  test('an SSM parameter whose Default is an object with a toString that is not a function: not an internal error', () => {
    const template = { Parameters: { Az: { Type: 'AWS::SSM::Parameter::Value<String>', Default: { toString: 1 } } }, ...cidrSubnet('10.0.1.0/24') };
    template.Resources.Subnet.Properties = { ...template.Resources.Subnet.Properties, AvailabilityZone: ref('Az') } as any;
    const result = run([write(tempDir(), 't.json', template), '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  test('Fn::Cidr with 256 blocks is still evaluated', () => {
    const file = write(tempDir(), 't.json', cidrSubnet({ 'Fn::Select': [255, { 'Fn::Cidr': ['10.0.0.0/16', 256, 8] }] }));
    expect(run([file, '--format', 'json']).code).toBe(0);
  });

  test('10,000 levels of nesting in a property the reader evaluates: the path, cut short', () => {
    const file = write(tempDir(), 't.json', JSON.stringify(cidrSubnet('PLACEHOLDER')).replace('"PLACEHOLDER"', `${'['.repeat(10_000)}"x"${']'.repeat(10_000)}`));
    expectInputError(run([file]), file, /Resources\.Subnet\.Properties\.CidrBlock\[0\]\[0\] \.\.\.\(\d+ more\)\.\.\. \[0\]: nested more than 256 levels deep/);
  });

  test('10,000 levels of nesting in a facts file', () => {
    const dir = tempDir();
    const facts = write(dir, 'facts.json', `{"vpcs": [{"id": "vpc-1", "cidrBlocks": ["10.0.0.0/16"], "region": ${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}]}`);
    expectInputError(run([write(dir, 't.json', seedTemplate(true)), '--facts', facts]), facts, /vpcs\[0\]\.region\.a\.a.*: nested more than 256 levels deep/);
  });

  test('a nested assembly whose directoryName is "." (itself): a cycle, in its manifest', () => {
    const dir = tempDir();
    const manifest = write(dir, 'manifest.json', { artifacts: { Stage: { type: 'cdk:cloud-assembly', properties: { directoryName: '.' } } } });
    expectInputError(run([dir]), manifest, /artifact "Stage": directoryName "\." is an assembly already being read .*a cycle/);
  });

  test('a nested stack whose template is its own parent: a cycle, at the nested stack resource', () => {
    const dir = tempDir();
    write(dir, 'manifest.json', { artifacts: { Parent: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Parent.template.json' } } } });
    const nested = (assetPath: string) => ({ Resources: { Child: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': assetPath } } } });
    const parent = write(dir, 'Parent.template.json', nested('Parent.template.json'.replace('template', 'nested.template')));
    write(dir, 'Parent.nested.template.json', nested('Parent.template.json'.replace('template', 'nested.template')));
    const result = run([dir]);
    expect(parent).toBeDefined();
    expectInputError(result, join(dir, 'Parent.nested.template.json'), /Resources\.Child: Metadata aws:asset:path "Parent\.nested\.template\.json" is the template of this stack or of a stack that contains it/);
  });
});

describe('resource limits', () => {
  const bomb = (levels: number) => ['Resources: {}', 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...Array.from({ length: levels }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(',')}]`)].join('\n');

  test.each([8, 9])('a YAML alias bomb of %i levels is refused by the yaml library\'s alias limit, at once', (levels) => {
    const file = write(tempDir(), 'bomb.yaml', bomb(levels));
    const started = Date.now();
    expectInputError(run([file]), file, /too many YAML alias expansions/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('a few aliases, as hand-written templates use them, still work', () => {
    const yaml = 'Tags: &tags [{Key: team, Value: data}]\nResources:\n  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16, Tags: *tags}}\n  Vpc2: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.1.0.0/16, Tags: *tags}}\n';
    expect(run([write(tempDir(), 't.yaml', yaml)]).code).toBe(0);
  });

  test.each([['/dev/zero', 'a character device'], ['/dev/null', 'a character device']])('%s is refused as %s, without reading it', (path, kind) => {
    expectInputError(run([path]), path, new RegExp(`not a regular file \\(${kind}\\)`));
    const template = write(tempDir(), 't.json', seedTemplate(true));
    expectInputError(run([template, '--facts', path]), path, /not a regular file/);
  });

  test('a FIFO is refused at once, not waited on (a process, so a regression cannot hang the suite)', () => {
    const fifo = join(tempDir(), 'template.json');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const cli = cliProcess([fifo]);
    const result = spawnSync(cli.command, cli.args, { ...cli.options, encoding: 'utf-8', timeout: 60_000 });
    expect(result.signal).toBeNull();
    expect(result.stderr).toBe(`glue-netplan: ${fifo}: not a regular file (a FIFO)\n`);
    expect(result.status).toBe(2);
  });

  test('a FIFO named cdk.context.json in the working directory is refused at once, not waited on (a process)', () => {
    const cwd = tempDir();
    expect(spawnSync('mkfifo', [join(cwd, 'cdk.context.json')]).status).toBe(0);
    const template = write(cwd, 'template.json', seedTemplate(true));
    const cli = cliProcess([template]);
    const result = spawnSync(cli.command, cli.args, { ...cli.options, cwd, encoding: 'utf-8', timeout: 20_000 });
    expect(result.signal).toBeNull();
    expect(result.stderr).toBe(`glue-netplan: ${join(cwd, 'cdk.context.json')}: not a regular file (a FIFO)\n`);
    expect(result.status).toBe(2);
  });

  test('a FIFO among the saved describe outputs (--from-describe DIR) is refused at once, not waited on (a process)', () => {
    const dir = tempDir();
    expect(spawnSync('mkfifo', [join(dir, 'describe-vpcs.json')]).status).toBe(0);
    const cli = cliProcess(['--from-describe', dir]);
    const result = spawnSync(cli.command, cli.args, { ...cli.options, encoding: 'utf-8', timeout: 20_000 });
    expect(result.signal).toBeNull();
    expect(result.stderr).toBe(`glue-netplan: ${join(dir, 'describe-vpcs.json')}: not a regular file (a FIFO)\n`);
    expect(result.status).toBe(2);
  });

  test('input beyond --max-input-mb, all files together, is refused with the way to raise it', () => {
    const dir = tempDir();
    const padding = 'x'.repeat(700 * 1024);
    const a = write(dir, 'a.json', { ...seedTemplate(false), Metadata: { padding } });
    const b = write(dir, 'b.json', { ...seedTemplate(true), Metadata: { padding } });
    expect(run([a, '--max-input-mb', '1']).code).toBe(1);
    expectInputError(run([a, b, '--max-input-mb', '1']), b, /input too large: .* over the limit of 1 MB; raise it with --max-input-mb \(now 1\)/);
    expect(run([a, b, '--max-input-mb', '2']).code).toBe(1);
  });

  test('--max-input-mb takes a positive number; the default is 512 MB', () => {
    expect(parseArgs(['--max-input-mb', '1024'])).toMatchObject({ maxInputMb: 1024 });
    expect(parseArgs(['t.json'])).not.toHaveProperty('maxInputMb');
    for (const bad of ['0', '-1', 'lots', '']) {
      const { code, stderr } = run(['t.json', `--max-input-mb=${bad}`]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/--max-input-mb (must be a positive number|needs a value)/);
    }
    expect(run(['--help']).stdout).toMatch(/--max-input-mb N .*default 512/);
  });

  test('a YAML template above CloudFormation\'s 1 MB template limit is refused before it is parsed; a JSON one is read', () => {
    const dir = tempDir();
    const yaml = write(dir, 'big.yaml', `Resources: {}\nMetadata:\n  Padding: "${'x'.repeat(1024 * 1024)}"\n`);
    expectInputError(run([yaml]), yaml, /a YAML template of \d+ bytes, over CloudFormation's template size limit of 1 MB/);
    const json = write(dir, 'big.json', { ...seedTemplate(true), Metadata: { Padding: 'x'.repeat(1024 * 1024) } });
    expect(run([json]).code).toBe(0);
  });
});

describe('--output never destroys an input, never follows a dangling link, and is written atomically', () => {
  test('--output onto the template itself (or through a link to it) is refused and the template is intact', () => {
    const dir = tempDir();
    const template = write(dir, 't.json', seedTemplate(true));
    const before = readFileSync(template, 'utf-8');
    symlinkSync(template, join(dir, 'link.json'));
    linkSync(template, join(dir, 'hard.json'));
    for (const output of [template, 't.json', './t.json', 'link.json', 'hard.json']) {
      const { code, stderr } = run([template, '--output', output], dir);
      expect(stderr).toBe(`glue-netplan: ${output}: cannot write the report: the --output file is one of the inputs (${template}): refusing to write the report over it\n`);
      expect(code).toBe(2);
    }
    expect(readFileSync(template, 'utf-8')).toBe(before);
  });

  test('--output onto the facts file or a template of the cloud assembly is refused', () => {
    const dir = tempDir();
    const facts = write(dir, 'facts.json', { vpcs: [] });
    expect(run([write(dir, 't.json', seedTemplate(true)), '--facts', facts, '--output', facts]).stderr).toMatch(/is one of the inputs/);
    const out = join(dir, 'cdk.out');
    write(out, 'manifest.json', { artifacts: { S: { type: 'aws:cloudformation:stack', properties: { templateFile: 'S.template.json' } } } });
    write(out, 'S.template.json', seedTemplate(true));
    expect(run([out, '--output', join(out, 'S.template.json')]).stderr).toMatch(/is one of the inputs/);
    expect(run([out, '--output', join(out, 'manifest.json')]).stderr).toMatch(/is one of the inputs/);
  });

  test('a symbolic link to a missing file is refused and nothing is created where it points', () => {
    const dir = tempDir();
    const template = write(dir, 't.json', seedTemplate(true));
    symlinkSync(join(dir, 'elsewhere', 'x.txt'), join(dir, 'dangling.txt'));
    mkdirSync(join(dir, 'elsewhere'));
    const { code, stderr } = run([template, '--output', 'dangling.txt'], dir);
    expect(stderr).toMatch(/dangling\.txt: cannot write the report: the --output file is a symbolic link to a file that does not exist/);
    expect(code).toBe(2);
    expect(existsSync(join(dir, 'elsewhere', 'x.txt'))).toBe(false);
  });

  test('the report replaces the old file through a rename: no temporary file left, its mode kept, a link to it kept', () => {
    const dir = tempDir();
    const template = write(dir, 't.json', seedTemplate(true));
    const report = write(dir, 'report.md', 'old report');
    chmodSync(report, 0o640);
    symlinkSync(report, join(dir, 'latest.md'));
    const inodeBefore = statSync(report).ino;
    expect(run([template, '--format', 'markdown', '--output', 'latest.md'], dir).code).toBe(0);
    expect(readFileSync(report, 'utf-8')).toMatch(/^## Glue network plan/);
    expect(statSync(report).ino).not.toBe(inodeBefore); // a new file renamed into place, not the old one rewritten
    expect(statSync(report).mode % 0o1000).toBe(0o640);
    expect(readdirSync(dir).sort()).toEqual(['latest.md', 'report.md', 't.json']);
  });

  test('a device is written in place (--output /dev/null)', () => {
    const template = write(tempDir(), 't.json', seedTemplate(true));
    expect(run([template, '--output', '/dev/null'])).toMatchObject({ code: 0, stderr: '' });
  });

  test('a directory is refused', () => {
    const dir = tempDir();
    const { code, stderr } = run([write(dir, 't.json', seedTemplate(true)), '--output', dir]);
    expect(stderr).toMatch(/the --output file is a directory/);
    expect(code).toBe(2);
  });
});

describe('a closed pipe (glue-netplan ... | head)', () => {
  test('exits with the plan\'s code, quietly', async () => {
    const template = seedTemplate(true) as any;
    for (let i = 0; i < 300; i++) template.Resources[`Job${i}`] = { ...template.Resources.Job, Properties: { ...template.Resources.Job.Properties, Name: `job-${i}` } };
    const file = write(tempDir(), 'big.json', template);
    const cli = cliProcess([file, '--format', 'json']);
    const child = spawn(cli.command, cli.args, { ...cli.options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let received = 0;
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.stdout.on('data', (chunk: Buffer) => {
      received += chunk.length;
      child.stdout.destroy(); // like `head -c`: read a little, then close the pipe
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
    expect(received).toBeGreaterThan(0);
    expect(stderr).toBe('');
    expect(code).toBe(0); // the plan has no error finding
  }, 120_000);
});

describe('paths named by a cloud assembly stay inside it', () => {
  test.each([['../../etc/passwd'], ['/etc/passwd'], ['../outside.template.json']])('a manifest templateFile %s is refused', (templateFile) => {
    const dir = tempDir();
    write(dir, 'outside.template.json', seedTemplate(true));
    const out = join(dir, 'cdk.out');
    const manifest = write(out, 'manifest.json', { artifacts: { S: { type: 'aws:cloudformation:stack', properties: { templateFile } } } });
    if (templateFile.startsWith('/')) {
      // join() keeps an absolute templateFile inside the directory: it is simply missing there.
      expectInputError(run([out]), join(out, templateFile), /cannot read file \(ENOENT\)/);
    } else {
      expectInputError(run([out]), manifest, new RegExp(`artifact "S": templateFile "${templateFile.replace(/\./g, '\\.')}" leads outside the cloud assembly directory`));
    }
  });

  test('a nested stack asset path ../../etc/passwd is refused, at the nested stack resource', () => {
    const out = tempDir();
    write(out, 'manifest.json', { artifacts: { S: { type: 'aws:cloudformation:stack', properties: { templateFile: 'S.template.json' } } } });
    const parent = write(out, 'S.template.json', { Resources: { Child: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': '../../etc/passwd.nested.template.json' } } } });
    expectInputError(run([out]), parent, /Resources\.Child: Metadata aws:asset:path "\.\.\/\.\.\/etc\/passwd\.nested\.template\.json" leads outside the cloud assembly directory/);
  });

  test('a symbolic link inside the assembly that points outside it is refused', () => {
    const dir = tempDir();
    write(dir, 'secret.json', seedTemplate(true));
    const out = join(dir, 'cdk.out');
    const manifest = write(out, 'manifest.json', { artifacts: { S: { type: 'aws:cloudformation:stack', properties: { templateFile: 'S.template.json' } } } });
    symlinkSync(join(dir, 'secret.json'), join(out, 'S.template.json'));
    expectInputError(run([out]), manifest, /leads outside the cloud assembly directory/);
  });

  test('a cloud assembly reached through a symbolic link is read', () => {
    const dir = tempDir();
    const out = join(dir, 'real.out');
    write(out, 'manifest.json', { artifacts: { S: { type: 'aws:cloudformation:stack', properties: { templateFile: 'S.template.json' } } } });
    write(out, 'S.template.json', seedTemplate(true));
    symlinkSync(out, join(dir, 'cdk.out'));
    expect(run([join(dir, 'cdk.out')]).code).toBe(0);
  });
});

describe('cloud assembly artifacts of a type glue-netplan does not know', () => {
  function withArtifact(change: (manifest: any) => void): string {
    const dir = writeMultiStackAssembly();
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf-8'));
    change(manifest);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    return dir;
  }

  test('one that names a template (a newer schema\'s stack?) is refused, naming it, not skipped with its stack unchecked', () => {
    const dir = withArtifact((m) => { m.version = '99.0.0'; m.artifacts.Etl.type = 'aws:cloudformation:stack-v2'; });
    expectInputError(run([dir, '--format', 'json']), join(dir, 'manifest.json'),
      /artifact "Etl" is of type "aws:cloudformation:stack-v2" \(manifest version 99\.0\.0\), which glue-netplan does not read, and names a template: .*upgrade cdk-glue-netplan/);
  });

  test('one that names neither a template nor an assembly is skipped, as CDK skips it: the stacks are read', () => {
    const dir = withArtifact((m) => { m.artifacts.Report = { type: 'cdk:some-future-report', properties: { file: 'report.json' } }; });
    const result = run([dir, '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).jobs).toHaveLength(2);
  });
});

describe('facts schema and JSON errors', () => {
  test.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('the key %s is an unknown property, at the top and inside an element', (key) => {
    const dir = tempDir();
    const template = write(dir, 't.json', seedTemplate(true));
    const top = write(dir, 'top.json', `{"${key}": {}}`);
    expectInputError(run([template, '--facts', top]), top, new RegExp(`${key}: unknown property`));
    const inner = write(dir, 'inner.json', `{"vpcs": [{"id": "vpc-1", "cidrBlocks": ["10.0.0.0/16"], "${key}": 1}]}`);
    expectInputError(run([template, '--facts', inner]), inner, new RegExp(`vpcs\\[0\\]\\.${key}: unknown property`));
  });

  test('a facts file that is not JSON: the JSON parser\'s message, line and column', () => {
    const dir = tempDir();
    const facts = write(dir, 'facts.json', '{\n  "vpcs": [],\n}');
    expectInputError(run([write(dir, 't.json', seedTemplate(true)), '--facts', facts]), facts, /not valid JSON \(.*\(line 3,? column 1\)/);
  });

  test('a .json template and a facts file that start with a UTF-8 byte order mark are read as without it', () => {
    const dir = tempDir();
    const plain = run([write(dir, 'plain/t.json', seedTemplate(true)), '--format', 'json']);
    const facts = write(dir, 'facts.json', '\uFEFF{"vpcs": []}');
    const bom = run([write(dir, 'bom/t.json', `\uFEFF${JSON.stringify(seedTemplate(true))}`), '--facts', facts, '--format', 'json']);
    expect(bom.stderr).toBe('');
    expect(bom.code).toBe(plain.code);
    expect(JSON.parse(bom.stdout.split('/bom/t.json').join('/plain/t.json')).jobs).toEqual(JSON.parse(plain.stdout).jobs);
  });

  test('a .json template that is not JSON: the JSON parser\'s message and position, not the YAML parser\'s', () => {
    const file = write(tempDir(), 't.json', '{"Resources": {"Vpc": {"Type": "AWS::EC2::VPC",}}}');
    const result = run([file]);
    expectInputError(result, file, /not valid JSON \(.*in JSON at position \d+.*\(line 1,? column 48\)/);
    expect(result.stderr).not.toMatch(/YAML/);
  });
});

describe('duplicate names', () => {
  test('two templates read as one stack name (a/t.json and b/t.json) are an input error naming both files', () => {
    const dir = tempDir();
    const a = write(dir, 'a/t.json', seedTemplate(false));
    const b = write(dir, 'b/t.json', seedTemplate(true));
    expectInputError(run([a, b]), b, new RegExp(`stack name "t" is already the name of ${a.replace(/\./g, '\\.')}`));
  });

  test('a manifest with two stacks of one name is an input error naming both templates', () => {
    const out = tempDir();
    const stack = (templateFile: string) => ({ type: 'aws:cloudformation:stack', properties: { templateFile, stackName: 'Same' } });
    write(out, 'manifest.json', { artifacts: { A: stack('A.template.json'), B: stack('B.template.json') } });
    const a = write(out, 'A.template.json', seedTemplate(false));
    const b = write(out, 'B.template.json', seedTemplate(true));
    expectInputError(run([out]), b, new RegExp(`stack name "Same" is already the name of ${a.replace(/\./g, '\\.')}`));
  });

  test('two stacks of one name in different accounts (a Dev and a Prod stage) are both read, named by their construct paths', () => {
    const out = tempDir();
    const stack = (templateFile: string, account: string, displayName: string) => ({
      type: 'aws:cloudformation:stack', environment: `aws://${account}/us-east-1`, displayName, properties: { templateFile, stackName: 'etl' },
    });
    write(out, 'manifest.json', { artifacts: { DevEtl: stack('Dev.template.json', '111111111111', 'Dev/Etl'), ProdEtl: stack('Prod.template.json', '222222222222', 'Prod/Etl') } });
    write(out, 'Dev.template.json', seedTemplate(true));
    write(out, 'Prod.template.json', seedTemplate(false));
    const result = run([out, '--format', 'json']);
    expect(result.stderr).toBe('');
    const plan = JSON.parse(result.stdout);
    expect([...new Set(plan.jobs.map((j: any) => j.stack))].sort()).toEqual(['Dev/Etl', 'Prod/Etl']);
    // Each stage's plan as its own: Prod's unpeered stores unreachable, Dev's peered ones not.
    expect(result.code).toBe(1);
  });

  test('two stacks of one name in one account and Region (or without an environment) are still refused', () => {
    const out = tempDir();
    const stack = (templateFile: string, displayName: string) => ({
      type: 'aws:cloudformation:stack', environment: 'aws://111111111111/us-east-1', displayName, properties: { templateFile, stackName: 'etl' },
    });
    write(out, 'manifest.json', { artifacts: { A: stack('A.template.json', 'A'), B: stack('B.template.json', 'B') } });
    const a = write(out, 'A.template.json', seedTemplate(false));
    const b = write(out, 'B.template.json', seedTemplate(true));
    expectInputError(run([out]), b, new RegExp(`stack name "etl" is already the name of ${a.replace(/\./g, '\\.')}`));
  });

  test('two templates that define one Glue connection name: a warning naming both files, the job matched to the first', () => {
    const dir = tempDir();
    const a = write(dir, 'a.json', { Resources: { Conn: glueConnection('shared') } });
    const b = write(dir, 'b.json', { Resources: { Conn: glueConnection('shared'), Job: glueJob(['shared']) } });
    const { code, stdout } = run([a, b, '--format', 'json', '--no-failover'], dir);
    expect(code).not.toBe(2);
    const plan = JSON.parse(stdout);
    const warning = plan.findings.find((f: any) => /Glue connection name "shared"/.test(f.message));
    expect(warning).toMatchObject({ ruleId: 'GNP-INPUT-UNRESOLVED', severity: 'warning', stack: 'b', logicalId: 'Conn' });
    expect(warning.message).toContain(`${a} (a/Conn)`);
    expect(warning.message).toContain(`${b} (b/Conn)`);
    expect(plan.jobs[0].candidates[0].connection).toMatchObject({ name: 'shared', stack: 'a' });
  });
});

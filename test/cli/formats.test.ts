import { existsSync, mkdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { FORMATS, parseArgs, runCli } from '../../src/cli/run';
import { sarifSchemaErrors } from '../fixtures/sarif-schema';
import { lineOf, seedTemplate, tempDir, writeFile, writeMultiStackAssembly } from '../fixtures/seed-templates';

function run(argv: string[], cwd: string, colour = false) {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd, colour });
  return { code, stdout, stderr };
}

/** A directory holding the seed's template as `seed.json` (blocked or fixed). */
function seedDir(peered: boolean): string {
  const dir = tempDir('glue-netplan-formats-');
  writeFile(dir, 'seed.json', seedTemplate(peered));
  return dir;
}

/** A project directory whose `cdk.out` is the multi-stack, two-job assembly. */
function projectWithAssembly(): string {
  const dir = tempDir('glue-netplan-formats-');
  mkdirSync(join(dir, 'cdk.out'));
  writeMultiStackAssembly(join(dir, 'cdk.out'));
  return dir;
}

const ESC = '\u001b';

describe('--format', () => {
  test('accepts text, json, markdown, sarif and dot; anything else is a usage error naming them', () => {
    for (const format of FORMATS) expect(parseArgs(['--format', format])).toMatchObject({ format });
    expect(parseArgs(['--format=sarif', '--output', 'out.sarif'])).toMatchObject({ format: 'sarif', output: 'out.sarif' });
    const { code, stderr } = run(['--format', 'html'], tempDir());
    expect(code).toBe(2);
    expect(stderr).toMatch(/^glue-netplan: --format must be text, json, markdown, sarif, dot; not html\n/);
  });

  test.each(FORMATS)('%s: the exit status is the same as for the text format (1 blocked, 0 fixed)', (format) => {
    const blocked = run(['seed.json', '--format', format], seedDir(false));
    expect([blocked.code, blocked.stderr]).toEqual([1, '']);
    expect(blocked.stdout.endsWith('\n')).toBe(true);
    const fixed = run(['seed.json', '--format', format, '--no-failover'], seedDir(true));
    expect([fixed.code, fixed.stderr]).toEqual([0, '']);
  });

  test("sarif, seed's case: valid SARIF 2.1.0, results at the job's line in seed.json, relative to the working directory", () => {
    const dir = seedDir(false);
    const { stdout } = run(['seed.json', '--format', 'sarif'], dir);
    const log = JSON.parse(stdout);
    expect(sarifSchemaErrors(log)).toEqual([]);
    const jobLine = lineOf(readFileSync(join(dir, 'seed.json'), 'utf-8'), '"Job": {');
    const unreachable = log.runs[0].results.filter((r: any) => r.ruleId === 'GNP-STORE-UNREACHABLE');
    expect(unreachable.map((r: any) => r.locations[0].physicalLocation)).toEqual([1, 2].map(() => ({
      artifactLocation: { uri: 'seed.json', uriBaseId: 'SRCROOT' },
      region: { startLine: jobLine, startColumn: 3 },
    })));
  });

  test('sarif, multi-stack cdk.out (the default PATH): results in cdk.out/Etl.template.json at the job', () => {
    const dir = projectWithAssembly();
    const { code, stdout } = run(['--format', 'sarif'], dir);
    expect(code).toBe(1);
    const log = JSON.parse(stdout);
    expect(sarifSchemaErrors(log)).toEqual([]);
    const etl = readFileSync(join(dir, 'cdk.out', 'Etl.template.json'), 'utf-8');
    const result = log.runs[0].results.find((r: any) => r.ruleId === 'GNP-STORE-UNREACHABLE');
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'cdk.out/Etl.template.json', uriBaseId: 'SRCROOT' },
      region: { startLine: lineOf(etl, '"LoadJob": {'), startColumn: 3 },
    });
    expect(result.locations[0].logicalLocations[0].fullyQualifiedName).toBe('Etl/LoadJob');
    // Code scanning rejects a whole upload if one result lacks a file location: every result has one.
    const unlocated = log.runs[0].results.filter((r: any) => !(r.locations[0].physicalLocation?.region?.startLine >= 1));
    expect(unlocated).toEqual([]);
  });

  test('dot: one digraph per job of the multi-stack app', () => {
    const { stdout } = run(['--format', 'dot'], projectWithAssembly());
    expect(stdout.match(/^digraph /gm)).toHaveLength(2);
  });

  test('markdown: the report names the jobs and the blocked stores', () => {
    const { stdout } = run(['--format', 'markdown'], projectWithAssembly());
    expect(stdout).toContain('load');
    expect(stdout).toContain('redshift-only');
    expect(stdout).toContain('UNREACHABLE');
  });
});

describe('colour', () => {
  test('the text format is coloured when the caller says the output is a colour terminal', () => {
    const dir = seedDir(false);
    expect(run(['seed.json'], dir, true).stdout).toContain(`${ESC}[31mUNREACHABLE${ESC}[39m`);
    expect(run(['seed.json'], dir, false).stdout).not.toContain(ESC);
  });

  test.each(['json', 'markdown', 'sarif', 'dot'])('%s is never coloured', (format) => {
    expect(run(['seed.json', '--format', format], seedDir(false), true).stdout).not.toContain(ESC);
  });
});

describe('--output FILE', () => {
  test('writes the report to the file (relative to the working directory), nothing on stdout, same exit status', () => {
    const dir = seedDir(false);
    const { code, stdout, stderr } = run(['seed.json', '--format', 'sarif', '--output', 'glue-netplan.sarif'], dir);
    expect([code, stdout, stderr]).toEqual([1, '', '']);
    const log = JSON.parse(readFileSync(join(dir, 'glue-netplan.sarif'), 'utf-8'));
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(log.runs[0].results.length).toBeGreaterThan(0);
  });

  test('the text report in a file is plain even when stdout is a colour terminal', () => {
    const dir = seedDir(true);
    const { code } = run(['seed.json', '--output', join(dir, 'plan.txt'), '--no-failover'], dir, true);
    expect(code).toBe(0);
    const text = readFileSync(join(dir, 'plan.txt'), 'utf-8');
    expect(text).toContain('REACHABLE');
    expect(text).not.toContain(ESC);
  });

  test('an unwritable file is exit 2 with a one-line reason; --output twice is a usage error', () => {
    const dir = seedDir(false);
    const unwritable = run(['seed.json', '--output', 'no/such/dir/out.txt'], dir);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/^glue-netplan: no\/such\/dir\/out\.txt: cannot write the report \(ENOENT\)\n$/);
    expect(existsSync(join(dir, 'no'))).toBe(false);
    const twice = run(['seed.json', '--output', 'a', '--output', 'b'], dir);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/^glue-netplan: --output given twice/);
  });
});

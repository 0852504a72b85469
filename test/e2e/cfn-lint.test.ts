/*
 * The templates auto-peer and GlueJobNetwork produce are valid CloudFormation: cfn-lint (installed
 * on the build machines and in CI: `pip install cfn-lint`) reports no error on the examples'
 * templates. The examples are synthesized by running them as the CDK CLI would (CDK_OUTDIR,
 * CDK_CONTEXT_JSON), then every stack template of the assembly is linted.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const root = join(__dirname, '..', '..');

interface LintMatch {
  readonly Level: string;
  readonly Message: string;
  readonly Filename: string;
  readonly Rule: { readonly Id: string };
  readonly Location: { readonly Path?: (string | number)[] };
}

function cfnLintVersion(): string {
  const result = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(`cfn-lint is required by this test and was not found (${result.error?.message ?? result.stderr}). Install it: pip install cfn-lint`);
  }
  return result.stdout.trim();
}

/** Runs an example app in a child process and returns the assembly directory. */
function synthExample(file: string, context: Record<string, string> = {}): string {
  const out = mkdtempSync(join(tmpdir(), 'glue-netplan-cfn-lint-'));
  const result = spawnSync(join(root, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', '--prefer-ts-exts', join(root, 'examples', file)], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CDK_OUTDIR: out, CDK_CONTEXT_JSON: JSON.stringify(context) },
  });
  if (result.status !== 0) throw new Error(`${file} did not synthesize: ${result.stderr}`);
  return out;
}

/** The stack templates of an assembly (manifest artifacts of type aws:cloudformation:stack). */
function stackTemplates(out: string): string[] {
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  return Object.values<any>(manifest.artifacts ?? {})
    .filter((a) => a.type === 'aws:cloudformation:stack')
    .map((a) => join(out, a.properties.templateFile));
}

function lint(templates: string[]): LintMatch[] {
  const result = spawnSync('cfn-lint', ['--format', 'json', '--', ...templates], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  // Exit codes are a bit mask of the levels found (2 error, 4 warning, 8 informational); 1 is a crash.
  if (result.status === 1) throw new Error(`cfn-lint failed: ${result.stderr}`);
  return JSON.parse(result.stdout || '[]');
}

describe('cfn-lint on the examples\' templates', () => {
  beforeAll(() => {
    cfnLintVersion();
  });

  test.each([
    ['seed-three-vpcs.ts, auto-peer', 'seed-three-vpcs.ts', { variant: 'auto-peer' }, /GlueNetplanAutoPeer/],
    ['seed-glue-job-network.ts (GlueJobNetwork)', 'seed-glue-job-network.ts', {}, /AWS::EC2::VPCPeeringConnection/],
  ])('%s: no error', (_, file, context, expected) => {
    const out = synthExample(file, context);
    const templates = stackTemplates(out);
    expect(templates.length).toBeGreaterThan(1);
    // What is linted is what the issue is about: the auto-peer additions, GlueJobNetwork's peering.
    expect(templates.map((t) => readFileSync(t, 'utf8')).join('\n')).toMatch(expected);
    const errors = lint(templates).filter((m) => m.Level === 'Error');
    expect(errors.map((m) => `${m.Filename.replace(out, '')} ${m.Rule.Id} ${(m.Location.Path ?? []).join('/')}: ${m.Message}`)).toEqual([]);
    expect(readdirSync(out)).toContain('manifest.json');
  }, 240_000);
});

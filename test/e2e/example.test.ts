import { spawnSync } from 'child_process';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../../src/cli/run';

const root = join(__dirname, '..', '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

/** Synthesizes examples/seed-three-vpcs.ts with the real AWS CDK CLI and plans the cdk.out. */
function synthAndPlan(variant: 'broken' | 'peered') {
  const out = mkdtempSync(join(tmpdir(), `glue-netplan-e2e-${variant}-`));
  const synth = spawnSync(bin('cdk'), [
    'synth', '--quiet', '--no-notices', '--output', out, '--context', `variant=${variant}`,
    '--app', `${bin('ts-node')} --prefer-ts-exts ${join(root, 'examples', 'seed-three-vpcs.ts')}`,
  ], { cwd: root, encoding: 'utf8' });
  expect(synth.status).toBe(0);
  let stdout = '';
  const code = runCli([out, '--format', 'json'], { stdout: (t) => { stdout += t; }, stderr: () => undefined, cwd: root });
  return { code, plan: JSON.parse(stdout) };
}

describe("e2e: the seed's example app synthesized by the AWS CDK CLI", () => {
  test('three unpeered VPCs: Redshift selected, MySQL and PostgreSQL UNREACHABLE (DISCONNECTED_VPCS), exit 1', () => {
    const { code, plan } = synthAndPlan('broken');
    expect(code).toBe(1);
    const job = plan.jobs[0];
    expect(job.name).toBe('load-warehouse');
    expect(job.selectedConnection.logicalId).toMatch(/^RedshiftConnection/);
    expect(job.dataStores.map((s: any) => [s.locatedBy, s.verdict])).toEqual([
      ['redshift-cluster', 'REACHABLE'], ['rds-instance', 'UNREACHABLE'], ['rds-instance', 'UNREACHABLE'],
    ]);
    expect(job.dataStores[1].explanations.map((e: any) => e.code)).toEqual(expect.arrayContaining(['DISCONNECTED_VPCS', 'ENI_SG_RULES_MISMATCH']));
  });

  test('with VpcPeering A-B and A-C and the ingress helpers: every store REACHABLE, exit 0', () => {
    const { code, plan } = synthAndPlan('peered');
    expect(plan.jobs[0].dataStores.map((s: any) => s.verdict)).toEqual(['REACHABLE', 'REACHABLE', 'REACHABLE']);
    expect(plan.summary.errors).toBe(0);
    expect(code).toBe(0);
  });
});

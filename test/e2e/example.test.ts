import { spawn } from 'child_process';
import { existsSync, mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../../src/cli/run';

const root = join(__dirname, '..', '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

type Variant = 'broken' | 'peered' | 'fail' | 'auto-peer' | 'glue-job-network';

interface Synth {
  readonly out: string;
  readonly status: number | null;
  readonly stderr: string;
}

/**
 * Synthesizes an example with the real AWS CDK CLI (asynchronously, so variants run side by side):
 * examples/seed-three-vpcs.ts in a variant, or examples/seed-glue-job-network.ts.
 */
function synth(variant: Variant): Promise<Synth> {
  const out = mkdtempSync(join(tmpdir(), `glue-netplan-e2e-${variant}-`));
  const app = variant === 'glue-job-network' ? 'seed-glue-job-network.ts' : 'seed-three-vpcs.ts';
  return new Promise((resolve, reject) => {
    const child = spawn(bin('cdk'), [
      'synth', '--quiet', '--no-notices', '--output', out, '--context', `variant=${variant}`,
      '--app', `${bin('ts-node')} --transpile-only --prefer-ts-exts ${join(root, 'examples', app)}`,
    ], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
      // The CLI's telemetry (on by default) spawns a sender process per synth toward an endpoint
      // these machines do not reach: nothing a test should do.
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ out, status, stderr }));
  });
}

function plan(out: string) {
  let stdout = '';
  const code = runCli([out, '--format', 'json'], { stdout: (t) => { stdout += t; }, stderr: () => undefined, cwd: root });
  return { code, plan: JSON.parse(stdout) };
}

const results: Partial<Record<Variant, Synth>> = {};

/** cdk synth exited 0; when it did not, the failure shows what it wrote on stderr. */
function expectSynthPassed(result: Synth): void {
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
}

beforeAll(async () => {
  const variants: Variant[] = ['broken', 'peered', 'fail', 'auto-peer', 'glue-job-network'];
  const done = await Promise.all(variants.map(synth));
  variants.forEach((v, i) => { results[v] = done[i]; });
}, 240_000);

describe("e2e: the seed's example app synthesized by the AWS CDK CLI", () => {
  test('no guard, three unpeered VPCs: the CLI finds Redshift selected, MySQL and PostgreSQL UNREACHABLE (DISCONNECTED_VPCS), exit 1', () => {
    const { out } = results.broken!;
    expectSynthPassed(results.broken!);
    const { code, plan: p } = plan(out);
    expect(code).toBe(1);
    const job = p.jobs[0];
    expect(job.name).toBe('load-warehouse');
    expect(job.selectedConnection.logicalId).toMatch(/^RedshiftConnection/);
    expect(job.dataStores.map((s: any) => [s.locatedBy, s.verdict])).toEqual([
      ['redshift-cluster', 'REACHABLE'], ['rds-instance', 'UNREACHABLE'], ['rds-instance', 'UNREACHABLE'],
    ]);
    expect(job.dataStores[1].explanations.map((e: any) => e.code)).toEqual(expect.arrayContaining(['DISCONNECTED_VPCS', 'ENI_SG_RULES_MISMATCH']));
  });

  test('guard in fail mode: cdk synth exits non-zero with the explanation on stderr', () => {
    const { status, stderr } = results.fail!;
    expect(status).not.toBe(0);
    // CDK's validation report: the rule's title, each finding, the construct, the fix and the ID to acknowledge.
    expect(stderr).toMatch(/ERROR A data store is unreachable from the connection Glue selects\./);
    expect(stderr).toMatch(/- Job load-warehouse: the data store of connection MysqlConnection\w+ \(rds-instance, TCP 3306\) is UNREACHABLE/);
    expect(stderr).toMatch(/- Job load-warehouse: the data store of connection PostgresConnection\w+ \(rds-instance, TCP 5432\) is UNREACHABLE/);
    expect(stderr).toMatch(/Etl\/LoadWarehouse\/Resource \(LoadWarehouse\w+\) aws-cdk-lib\.aws_glue\.CfnJob/);
    expect(stderr).toMatch(/Suggested fix: Peer NetworkA\/Vpc with NetworkB\/Vpc .*\n\s+In route table NetworkA\/Vpc\/dataSubnet1\/RouteTable, route 10\.2\.0\.0\/24 and 10\.2\.1\.0\/24 to the new peering of NetworkA\/Vpc and NetworkB\/Vpc\./);
    expect(stderr).toMatch(/Acknowledge with 'cdk-glue-netplan::GNP-STORE-UNREACHABLE'/);
    expect(stderr).toMatch(/DISCONNECTED_VPCS/);
  });

  test('guard in auto-peer mode: the ETL template has the peerings, routes on both sides and port-only ingress; the CLI over cdk.out exits 0', () => {
    const { out, stderr } = results['auto-peer']!;
    // Only what auto-peer says it added, once (an info entry in CDK's output).
    expect(stderr.match(/INFO What auto-peer added to this synthesis/g)).toHaveLength(1);
    expect(stderr.replace(/cdk-glue-netplan::GNP-AUTOPEER-ADDED/g, '')).not.toMatch(/GNP-/);
    expectSynthPassed(results['auto-peer']!);
    const template = JSON.parse(readFileSync(join(out, 'Etl.template.json'), 'utf8'));
    const of = (type: string) => Object.values<any>(template.Resources).filter((r) => r.Type === type).map((r) => r.Properties);
    expect(of('AWS::EC2::VPCPeeringConnection')).toHaveLength(2);
    const routes = of('AWS::EC2::Route');
    const tablesBySide = new Set(routes.map((r) => String(r.RouteTableId['Fn::ImportValue']).split(':')[0]));
    expect([...tablesBySide].sort()).toEqual(['NetworkA', 'NetworkB', 'NetworkC']);
    expect(routes.map((r) => r.DestinationCidrBlock)).not.toContain('0.0.0.0/0');
    const ingress = of('AWS::EC2::SecurityGroupIngress');
    expect(ingress.map((r) => [r.IpProtocol, r.FromPort, r.ToPort, r.CidrIp])).toEqual([['tcp', 3306, 3306, undefined], ['tcp', 5432, 5432, undefined]]);
    expect(existsSync(join(out, 'glue-netplan.plan.json'))).toBe(true);

    const { code, plan: p } = plan(out);
    expect(p.summary.errors).toBe(0);
    expect(p.jobs[0].dataStores.map((s: any) => s.verdict)).toEqual(['REACHABLE', 'REACHABLE', 'REACHABLE']);
    expect(p.jobs[0].failover.map((f: any) => f.allReachable)).toEqual([true, true]);
    expect(code).toBe(0);
  });

  test('VpcPeering written by hand, checked by the guard: synth passes, every store REACHABLE, the CLI exits 0', () => {
    const { out, stderr } = results.peered!;
    expect(stderr).not.toMatch(/GNP-/);
    expectSynthPassed(results.peered!);
    const { code, plan: p } = plan(out);
    expect(p.jobs[0].dataStores.map((s: any) => s.verdict)).toEqual(['REACHABLE', 'REACHABLE', 'REACHABLE']);
    expect(p.summary.errors).toBe(0);
    expect(code).toBe(0);
  });

  test('the same case built with GlueJobNetwork: the guard in fail mode passes with no finding, every store and every AZ what-if REACHABLE, the CLI exits 0', () => {
    const { out, stderr } = results['glue-job-network']!;
    expect(stderr).not.toMatch(/GNP-/);
    expectSynthPassed(results['glue-job-network']!);
    const { code, plan: p } = plan(out);
    expect(p.summary).toMatchObject({ errors: 0, warnings: 0 });
    const job = p.jobs[0];
    expect(job.name).toBe('load-warehouse');
    // Glue selects the first NETWORK connection, in VPC A; the stores follow.
    expect(job.candidates[0].status).toBe('selected');
    expect(job.dataStores.map((s: any) => s.verdict)).toEqual(['REACHABLE', 'REACHABLE', 'REACHABLE']);
    expect(job.failover.length).toBe(2);
    expect(job.failover.map((f: any) => f.allReachable)).toEqual([true, true]);
    expect(code).toBe(0);
  });
});

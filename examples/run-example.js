#!/usr/bin/env node
// The main job: synthesize the seed's example app with the real CDK CLI and print the plan.
//   node examples/run-example.js              fail variant (the guard stops synth), then auto-peer (plan printed),
//                                             then the same case built right with GlueJobNetwork (plan printed)
//   node examples/run-example.js VARIANT      one variant: fail | auto-peer | peered | broken | glue-job-network
// Expects `lib/` to be compiled (npx projen example does it).
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function synth(variant) {
  const out = path.join(root, 'examples', 'cdk.out', variant);
  fs.rmSync(out, { recursive: true, force: true });
  // The GlueJobNetwork variant is its own app; the others are variants of the hand-built one.
  const app = variant === 'glue-job-network' ? 'seed-glue-job-network.ts' : 'seed-three-vpcs.ts';
  console.log(`\n== cdk synth examples/${app}${app === 'seed-three-vpcs.ts' ? `, variant ${variant}` : ''} ==`);
  const result = spawnSync(bin('cdk'), [
    'synth', '--quiet', '--no-notices', '--output', out, '--context', `variant=${variant}`,
    '--app', `${bin('ts-node')} --transpile-only --prefer-ts-exts ${path.join(root, 'examples', app)}`,
  ], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  // Only our findings (the blocks of CDK's validation report that cdk-glue-netplan wrote) and the
  // CLI's verdict: CDK's own warnings are noise here.
  const blocks = (result.stderr || '').split(/\n\s*\n/).filter((b) => /cdk-glue-netplan|GNP-/.test(b));
  const verdict = (result.stderr || '').split('\n').filter((l) => /finished with errors|Found errors|Validation failed/.test(l));
  process.stderr.write([...blocks, ...verdict].map((b) => `${b.trim()}\n`).join('\n'));
  console.log(`cdk synth exited ${result.status}`);
  return { out, status: result.status };
}

function plan(out) {
  console.log(`\n== glue-netplan ${path.relative(root, out)} ==\n`);
  return spawnSync(process.execPath, [path.join(root, 'lib', 'cli', 'main.js'), out], { cwd: root, stdio: 'inherit' }).status;
}

function addedByAutoPeer(out) {
  const template = JSON.parse(fs.readFileSync(path.join(out, 'Etl.template.json'), 'utf8'));
  const added = Object.entries(template.Resources).filter(([, r]) => (r.Metadata?.['aws:cdk:path'] ?? '').includes('GlueNetplanAutoPeer'));
  const count = (type) => added.filter(([, r]) => r.Type === type).length;
  console.log(`auto-peer added to stack Etl: ${count('AWS::EC2::VPCPeeringConnection')} VPC peerings, ${count('AWS::EC2::Route')} routes, `
    + `${count('AWS::EC2::SecurityGroupIngress')} ingress rules (plan written to ${path.relative(root, path.join(out, 'glue-netplan.plan.json'))})`);
}

const variant = process.argv[2];
if (variant === undefined) {
  const failed = synth('fail');
  if (failed.status === 0) {
    console.error('expected the guard to fail the synthesis of the fail variant');
    process.exit(1);
  }
  console.log('The guard failed the synthesis, as it should: MySQL and PostgreSQL are unreachable from the selected connection.');
  const fixed = synth('auto-peer');
  if (fixed.status !== 0) process.exit(fixed.status || 1);
  addedByAutoPeer(fixed.out);
  const fixedStatus = plan(fixed.out);
  if (fixedStatus !== 0) process.exit(fixedStatus ?? 1);
  console.log('\nThe same case built right the first time with GlueJobNetwork (guard in fail mode):');
  const built = synth('glue-job-network');
  if (built.status !== 0) process.exit(built.status || 1);
  process.exit(plan(built.out) ?? 1);
}

const result = synth(variant);
if (variant === 'fail') process.exit(result.status === 0 ? 1 : 0);
if (result.status !== 0) process.exit(result.status || 1);
if (variant === 'auto-peer') addedByAutoPeer(result.out);
const status = plan(result.out);
if (variant === 'broken' && status === 1) {
  console.log('\nglue-netplan exited 1: error findings, as expected for the broken variant.');
  process.exit(0);
}
process.exit(status ?? 1);

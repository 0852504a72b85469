#!/usr/bin/env node
// The main job: synthesize the seed's example app with the real CDK CLI, then print the plan.
//   node examples/run-example.js [broken|peered]
// Expects `lib/` to be compiled (npx projen example does it).
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.join(__dirname, '..');
const variant = process.argv[2] || 'broken';
const out = path.join(root, 'examples', 'cdk.out', variant);
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

console.log(`Synthesizing examples/seed-three-vpcs.ts (variant: ${variant}) with the AWS CDK CLI...`);
const synth = spawnSync(bin('cdk'), [
  'synth', '--quiet', '--no-notices', '--output', out, '--context', `variant=${variant}`,
  '--app', `${bin('ts-node')} --prefer-ts-exts ${path.join(root, 'examples', 'seed-three-vpcs.ts')}`,
], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (synth.status !== 0) {
  console.error(`cdk synth failed (exit ${synth.status})`);
  process.exit(synth.status || 1);
}

console.log(`\nglue-netplan ${path.relative(root, out)}\n`);
const plan = spawnSync(process.execPath, [path.join(root, 'lib', 'cli', 'main.js'), out], { cwd: root, stdio: 'inherit' });
if (plan.status === 1) {
  console.log('\nglue-netplan exited 1: error findings, as expected for the broken variant (try: node examples/run-example.js peered).');
  process.exit(variant === 'broken' ? 0 : 1);
}
process.exit(plan.status ?? 1);

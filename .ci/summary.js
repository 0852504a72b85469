// Prints the one line CI reads: "N passed, N failed", from jest's JUnit reports (the build's and
// the run against the newest aws-cdk-lib). A step that fails outside jest (install, compile,
// eslint, docgen) counts as one failure.
const fs = require('fs');
const path = require('path');
const statuses = process.argv.slice(2).map(Number);
let passed = 0;
let failed = 0;
const dir = 'test-reports';
const reports = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^junit.*\.xml$/.test(f)) : [];
for (const report of reports) {
  const head = fs.readFileSync(path.join(dir, report), 'utf8').match(/<testsuites[^>]*>/);
  const attr = (name) => Number((head?.[0].match(new RegExp(`\\b${name}="(\\d+)"`)) ?? [])[1] ?? 0);
  const total = attr('tests');
  const bad = attr('failures') + attr('errors');
  failed += bad;
  passed += Math.max(0, total - bad - attr('skipped'));
}
if (statuses.some((s) => s !== 0) && failed === 0) {
  console.log(`a step failed outside the test runs (install, build, newest aws-cdk-lib exit statuses: ${statuses.join(', ')})`);
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

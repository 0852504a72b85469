// Prints the one line CI reads: "N passed, N failed", from jest's JUnit report.
// A build step that fails outside jest (install, compile, eslint, docgen) counts as one failure.
const fs = require('fs');
const [installStatus, buildStatus] = process.argv.slice(2).map(Number);
let passed = 0;
let failed = 0;
const report = 'test-reports/junit.xml';
if (fs.existsSync(report)) {
  const head = fs.readFileSync(report, 'utf8').match(/<testsuites[^>]*>/);
  const attr = (name) => Number((head?.[0].match(new RegExp(`\\b${name}="(\\d+)"`)) ?? [])[1] ?? 0);
  const total = attr('tests');
  failed = attr('failures') + attr('errors');
  passed = Math.max(0, total - failed - attr('skipped'));
}
if ((installStatus !== 0 || buildStatus !== 0) && failed === 0) {
  console.log(`build failed outside the test run (install exit ${installStatus}, build exit ${buildStatus})`);
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

// Instruction counts of the report phases, apart from ts-node (see BENCHMARKS.md, "Instruction counts"):
//   valgrind --tool=callgrind node --predictable --hash-seed=1 --expose-gc bench/callgrind/driver.js BUILD/lib MODE CDKOUT N [OUT]
// BUILD: a tsc build of src/ (with node_modules symlinked). Modes:
//   guard: GuardCheck.validate N times (WARN_ONLY), each writing plan.json (writeJson + writeChunked) and report.md
//   rounds: the same, printing each check's wall and CPU time and its files' (round 0 is cdk synth's
//           case: the first check in a process; BENCHMARKS.md run 14). NO_FAILOVER=1: without the what-ifs
//   json:  plan once, then writeJson N times to OUT/plan.json via writeChunked
//   md:    plan once, then toMarkdown N times
//   plan:  planFromFiles N times
//   none:  plan once (baseline for json/md)
const fs = require('fs'); const path = require('path');
const [build, mode, dir, nArg, outArg] = process.argv.slice(2);
const N = Number(nArg); const out = outArg || '/tmp/perf-driver-out'; fs.mkdirSync(out, { recursive: true });
const R = (m) => require(path.join(build, m));
const { writeJson, toMarkdown } = R('report');
const { writeChunked } = R('cdk/private/chunked-file');
const { parseArgs, planFromFiles } = R('cli/run');
const REPO = path.resolve(__dirname, '../..');
const gc = global.gc || (() => {});
let sink = 0;
if (mode === 'guard' || mode === 'rounds') {
  const { GuardCheck } = R('cdk/private/guard-check');
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const stackTemplates = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack').map(([id, a]) => ({
    stackConstructPath: a.displayName ?? id, templatePath: path.join(dir, a.properties.templateFile), accountId: undefined, region: undefined }));
  const context = { templatePaths: stackTemplates.map((s) => s.templatePath), stackTemplates, appConstruct: undefined };
  let files = 0; // ms the last check spent writing plan.json and report.md
  const check = new GuardCheck({ scope: { node: { path: '' } }, planOptions: { azDown: [], failover: !process.env.NO_FAILOVER }, warnOnly: true, workerThread: false, files: () => undefined,
    onPlan: (handed) => { const plan = handed.plan; const start = performance.now();
      writeChunked(path.join(out, 'plan.json'), (write) => { writeJson(plan, write); write('\n'); });
      fs.writeFileSync(path.join(out, 'report.md'), toMarkdown(plan, { maxJobSections: 50 })); files = performance.now() - start; } });
  for (let i = 0; i < N; i++) {
    gc();
    const wall = performance.now(); const cpu = process.cpuUsage();
    sink += JSON.stringify(check.validate(context)).length;
    const used = process.cpuUsage(cpu);
    if (mode === 'rounds') console.log(`round ${i}: check ${(performance.now() - wall).toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU; files ${files.toFixed(0)} ms`);
  }
} else {
  const options = parseArgs([dir]);
  const plan = planFromFiles(options, REPO);
  if (mode === 'plan') for (let i = 0; i < N; i++) { gc(); sink += planFromFiles(options, REPO).jobs.length; }
  if (mode === 'json') for (let i = 0; i < N; i++) { gc(); writeChunked(path.join(out, 'plan.json'), (write) => { writeJson(plan, write); write('\n'); }); }
  if (mode === 'md') for (let i = 0; i < N; i++) { gc(); sink += toMarkdown(plan, { maxJobSections: 50 }).length; }
}
console.log('sink', sink);

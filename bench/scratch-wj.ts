import * as fs from 'fs';
import * as path from 'path';
/* eslint-disable */
const { GuardCheck } = require('../src/cdk/private/guard-check');
const { writeJson } = require('../src/report');
const outdir = process.argv[2];
const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
const stackTemplates = Object.entries<any>(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack').map(([id, a]) => ({
  stackConstructPath: a.displayName ?? id, templatePath: path.join(outdir, a.properties.templateFile), accountId: undefined, region: undefined }));
const context = { templatePaths: stackTemplates.map((s) => s.templatePath), stackTemplates, appConstruct: undefined };
let plan: any;
const check = new GuardCheck({ scope: { node: { path: '' } }, planOptions: { azDown: [], failover: true }, warnOnly: true, workerThread: false,
  files: () => undefined, onPlan: (h: any) => { plan = h.plan ?? h; } });
check.validate(context);
let n = 0;
const { Session } = require('inspector'); const s = new Session(); s.connect();
s.post('Profiler.enable'); s.post('Profiler.setSamplingInterval', { interval: 100 });
s.post('Profiler.start', () => {
  for (let i = 0; i < 1; i++) writeJson(plan, (c: string) => { n += c.length; });
  s.post('Profiler.stop', (_e: any, r: any) => { fs.writeFileSync('/tmp/wj.cpuprofile', JSON.stringify(r.profile)); console.log(n); });
});
const ids = new Set<any>(); const content = new Set<string>(); let refs = 0; let chars = 0;
for (const j of plan.jobs) for (const st of j.dataStores) for (const p of st.paths) { refs++; if (!ids.has(p.hops)) { ids.add(p.hops); const t = JSON.stringify(p.hops); chars += t.length; content.add(t); } }
console.log('path refs', refs, 'distinct ids', ids.size, 'distinct content', content.size, 'chars of id-distinct', chars);
const eids = new Set<any>(); let erefs = 0; for (const j of plan.jobs) for (const st of j.dataStores) for (const e of st.explanations) { erefs++; eids.add(e); }
console.log('expl refs', erefs, 'distinct ids', eids.size);

import * as fs from 'fs';
import * as path from 'path';
/* eslint-disable */
const { GuardCheck } = require('../src/cdk/private/guard-check');
const { toMarkdown, writeJson } = require('../src/report');
const { writeChunked } = require('../src/cdk/private/chunked-file');
const outdir = process.argv[2];
const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
const stackTemplates = Object.entries<any>(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack').map(([id, a]) => ({
  stackConstructPath: a.displayName ?? id, templatePath: path.join(outdir, a.properties.templateFile), accountId: undefined, region: undefined }));
const context = { templatePaths: stackTemplates.map((s) => s.templatePath), stackTemplates, appConstruct: undefined };
let plan: any;
const check = new GuardCheck({ scope: { node: { path: '' } }, planOptions: { azDown: [], failover: true }, warnOnly: true, workerThread: false,
  files: () => undefined, onPlan: (h: any) => { plan = h.plan ?? h; } });
check.validate(context);
const t = (label: string, f: () => void) => { const res: number[] = []; for (let i = 0; i < 6; i++) { (global as any).gc?.(); const s = process.cpuUsage(); f(); const e = process.cpuUsage(s); res.push((e.user + e.system) / 1000); } res.sort((a, b) => a - b); console.log(label, res.map((x) => x.toFixed(0)).join(' ')); };
let n = 0;
t('writeJson to sink', () => writeJson(plan, (c: string) => { n += c.length; }));
t('writeChunked plan', () => writeChunked('/tmp/pg0/x.json', (w: any) => { writeJson(plan, w); w('\n'); }));
t('toMarkdown', () => { n += toMarkdown(plan, { maxJobSections: 50 }).length; });
t('check', () => check.validate(context));
console.log(n);

import { execFileSync } from 'child_process';
import * as path from 'path';

// Loading the library (what `cdk synth` with the guard does) must not load the yaml package: only
// a YAML template needs it (src/ingest/yaml.ts). It was 72 modules and about 30 ms of each synth.
test('the library loads the yaml package only when a YAML template is read', () => {
  const root = path.resolve(__dirname, '../..');
  const script = [
    'const loaded = () => Object.keys(require.cache).some((f) => /node_modules[\\\\/]yaml[\\\\/]/.test(f));',
    "require('./src');",
    'const atLoad = loaded();',
    "const r = require('./src/ingest/yaml').parseCloudFormationYaml('Resources:\\n  A:\\n    Type: X\\n    Properties: { V: !Ref B }\\n');",
    'console.log(JSON.stringify({ atLoad, afterYaml: loaded(), value: r.value }));',
  ].join('\n');
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: root, encoding: 'utf8' });
  expect(JSON.parse(out)).toEqual({ atLoad: false, afterYaml: true, value: { Resources: { A: { Type: 'X', Properties: { V: { Ref: 'B' } } } } } });
}, 60_000);

/**
 * The README's TypeScript examples compile against the library as it is: each ```ts block is
 * type-checked as its own module (`cdk-glue-netplan` imports point at src/), in memory.
 */
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import * as ts from 'typescript';

const root = join(__dirname, '..');

function readmeBlocks(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

test('the README has TypeScript examples for the guard, the plugin, data stores and VpcPeering', () => {
  const text = readmeBlocks().join('\n');
  for (const api of ['GlueNetworkGuard', 'GlueNetworkValidationPlugin', 'GlueDataStore.declare', 'new VpcPeering']) expect(text).toContain(api);
});

test('every README TypeScript example compiles', () => {
  const blocks = readmeBlocks();
  const files = new Map(blocks.map((code, i) => [join(root, 'test', `__readme_block_${i}.ts`), code.replace(/from 'cdk-glue-netplan'/g, "from '../src'")]));
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    noUnusedLocals: true,
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError, create) => {
    const code = files.get(name);
    return code !== undefined ? ts.createSourceFile(name, code, version) : getSourceFile(name, version, onError, create);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const program = ts.createProgram([...files.keys()], options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.has(d.file.fileName))
    .map((d) => `${d.file!.fileName.replace(/.*__readme_/, 'README ')}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(diagnostics).toEqual([]);
}, 120_000);

describe('the README in Python', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const python = [...readme.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]);

  test('every TypeScript example of the library has a Python version next to it', () => {
    const text = python.join('\n');
    for (const api of ['GlueNetworkGuard(', 'GlueNetworkValidationPlugin(', 'GlueDataStore.declare(', 'VpcPeering(', 'GlueJobNetwork(']) expect(text).toContain(api);
  });

  test('each Python example imports from cdk_glue_netplan only what the library exports, and parses', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = new Set(Object.keys(require('../src')));
    for (const code of python) {
      for (const m of code.matchAll(/^from cdk_glue_netplan import (.+)$/gm)) {
        for (const name of m[1].split(',').map((n) => n.trim())) expect(exported).toContain(name);
      }
    }
    const parsed = spawnSync('python3', ['-c', 'import ast, json, sys\nfor code in json.load(sys.stdin): ast.parse(code)'], { input: JSON.stringify(python), encoding: 'utf8' });
    if (parsed.error) return; // no python3 on this machine: the import check above still ran
    expect(parsed.stderr).toBe('');
    expect(parsed.status).toBe(0);
  });
});

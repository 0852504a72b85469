/**
 * The README's TypeScript examples compile against the library as it is: each ```ts block is
 * type-checked as its own module (`cdk-glue-netplan` imports point at src/), in memory.
 */
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

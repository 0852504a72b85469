import { existsSync, realpathSync, statSync } from 'fs';
import { isAbsolute, join, relative, resolve, sep } from 'path';
import { InputError } from './errors';
import { InputBudget, isObject, jsonProblem, loadTemplateFile, parseTemplateText, readTextFile } from './template';
import { TemplateInput } from './types';

const STACK_ARTIFACT = 'aws:cloudformation:stack';
const NESTED_ASSEMBLY_ARTIFACT = 'cdk:cloud-assembly';

/**
 * Reads every stack of a CDK cloud assembly (`cdk.out`): the stacks of `manifest.json`, the nested
 * assemblies of CDK Stages, and the nested stacks (`AWS::CloudFormation::Stack` assets) of each.
 */
export function loadCloudAssembly(dir: string, budget: InputBudget = new InputBudget()): TemplateInput[] {
  return readAssembly(dir, budget, []);
}

/** `assemblies`: the real paths of the assemblies being read, outermost first (to stop cycles). */
function readAssembly(dir: string, budget: InputBudget, assemblies: string[]): TemplateInput[] {
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new InputError(dir, 'no manifest.json: not a CDK cloud assembly directory');
  const realDir = realpathSync(dir);
  let manifest: any;
  const text = readTextFile(manifestFile, budget);
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    throw new InputError(manifestFile, `not valid JSON (${jsonProblem(e, text)})`);
  }
  if (!isObject(manifest) || !isObject(manifest.artifacts)) {
    throw new InputError(manifestFile, 'no "artifacts" object');
  }

  const inputs: TemplateInput[] = [];
  for (const [artifactId, artifact] of Object.entries<any>(manifest.artifacts)) {
    if (!isObject(artifact)) continue;
    const properties = isObject(artifact.properties) ? artifact.properties : {};
    if (artifact.type === STACK_ARTIFACT) {
      if (typeof properties.templateFile !== 'string') {
        throw new InputError(manifestFile, `artifact "${artifactId}" has no properties.templateFile`);
      }
      const file = join(dir, properties.templateFile);
      insideAssembly(dir, realDir, file, manifestFile, `artifact "${artifactId}": templateFile "${properties.templateFile}"`);
      const stack: TemplateInput = {
        stackName: typeof properties.stackName === 'string' ? properties.stackName : artifactId,
        displayName: typeof artifact.displayName === 'string' ? artifact.displayName : undefined,
        file,
        template: parseTemplateText(readTextFile(file, budget), file),
        ...parseEnvironment(artifact.environment),
      };
      inputs.push(stack, ...loadNestedStacks(stack, dir, realDir, budget, [realpathSync(file)]));
    } else if (artifact.type === NESTED_ASSEMBLY_ARTIFACT && typeof properties.directoryName === 'string') {
      const nestedDir = join(dir, properties.directoryName);
      const where = `artifact "${artifactId}": directoryName "${properties.directoryName}"`;
      insideAssembly(dir, realDir, nestedDir, manifestFile, where);
      const realNested = existsSync(nestedDir) ? realpathSync(nestedDir) : nestedDir;
      if (realNested === realDir || assemblies.includes(realNested)) {
        throw new InputError(manifestFile, `${where} is an assembly already being read (the assembly itself or one that contains it): a cycle`);
      }
      inputs.push(...readAssembly(nestedDir, budget, [...assemblies, realDir]));
    }
  }
  return inputs;
}

/** `aws://ACCOUNT/REGION`; `unknown-account` / `unknown-region` mean environment-agnostic. */
function parseEnvironment(environment: unknown): { account?: string; region?: string } {
  const m = typeof environment === 'string' ? /^aws:\/\/([^/]+)\/([^/]+)$/.exec(environment) : null;
  if (!m) return {};
  return {
    account: m[1] === 'unknown-account' ? undefined : m[1],
    region: m[2] === 'unknown-region' ? undefined : m[2],
  };
}

/**
 * CDK nested stacks: the parent's `AWS::CloudFormation::Stack` resource names its template in the
 * `aws:asset:path` metadata. The nested stack is named `${parent}/${logicalId}` and receives the
 * parent resource's `Parameters`, evaluated in the parent's context.
 */
function loadNestedStacks(parent: TemplateInput, dir: string, realDir: string, budget: InputBudget, chain: string[]): TemplateInput[] {
  const nested: TemplateInput[] = [];
  for (const [logicalId, resource] of Object.entries<any>(parent.template.Resources)) {
    if (!isObject(resource) || resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (typeof assetPath !== 'string' || !assetPath.endsWith('.nested.template.json')) continue;
    const file = join(dir, assetPath);
    const where = `Resources.${logicalId}: Metadata aws:asset:path "${assetPath}"`;
    insideAssembly(dir, realDir, file, parent.file ?? dir, where);
    const realFile = existsSync(file) ? realpathSync(file) : file;
    if (chain.includes(realFile)) {
      throw new InputError(parent.file ?? dir, `${where} is the template of this stack or of a stack that contains it: nested stacks in a cycle`);
    }
    const child: TemplateInput = {
      stackName: `${parent.stackName}/${logicalId}`,
      displayName: parent.displayName ? `${parent.displayName}/${logicalId}` : undefined,
      file,
      template: parseTemplateText(readTextFile(file, budget), file),
      region: parent.region,
      account: parent.account,
      parameters: isObject(resource.Properties?.Parameters) ? resource.Properties.Parameters : {},
      parametersStackName: parent.stackName,
    };
    nested.push(child, ...loadNestedStacks(child, dir, realDir, budget, [...chain, realFile]));
  }
  return nested;
}

/**
 * A path a manifest or a template names must stay inside the cloud assembly directory (after
 * following symbolic links): a downloaded cdk.out must not make us read `../../etc/passwd`.
 */
function insideAssembly(dir: string, realDir: string, path: string, namedIn: string, what: string): void {
  // A missing path is compared as written (reading it then says it is missing).
  const rel = existsSync(path) ? relative(realDir, realpathSync(path)) : relative(resolve(dir), resolve(path));
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new InputError(namedIn, `${what} leads outside the cloud assembly directory ${dir}`);
  }
}

/** A directory with `manifest.json` is a cloud assembly; a file is one template. */
export function loadInputs(paths: string[], budget: InputBudget = new InputBudget()): TemplateInput[] {
  const inputs: TemplateInput[] = [];
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      throw new InputError(path, 'no such file or directory');
    }
    inputs.push(...(isDirectory ? loadCloudAssembly(path, budget) : [loadTemplateFile(path, budget)]));
  }
  checkDistinctStackNames(inputs);
  return inputs;
}

/**
 * Two templates read as one stack name would be merged (their resources share model ids) and a
 * job could disappear: refuse, naming both files.
 */
export function checkDistinctStackNames(inputs: readonly TemplateInput[]): void {
  const byName = new Map<string, TemplateInput>();
  for (const input of inputs) {
    const first = byName.get(input.stackName);
    if (first) {
      const second = input.file ?? input.stackName;
      throw new InputError(second, `stack name "${input.stackName}" is already the name of ${first.file ?? 'another stack'}: `
        + 'each stack must have its own name (rename one of the template files, or give the CDK stacks distinct names)');
    }
    byName.set(input.stackName, input);
  }
}

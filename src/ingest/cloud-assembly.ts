import { existsSync, statSync } from 'fs';
import { join } from 'path';
import { InputError } from './errors';
import { isObject, loadTemplateFile, parseTemplateText, readTextFile } from './template';
import { TemplateInput } from './types';

const STACK_ARTIFACT = 'aws:cloudformation:stack';
const NESTED_ASSEMBLY_ARTIFACT = 'cdk:cloud-assembly';

/**
 * Reads every stack of a CDK cloud assembly (`cdk.out`): the stacks of `manifest.json`, the nested
 * assemblies of CDK Stages, and the nested stacks (`AWS::CloudFormation::Stack` assets) of each.
 */
export function loadCloudAssembly(dir: string): TemplateInput[] {
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new InputError(dir, 'no manifest.json: not a CDK cloud assembly directory');
  let manifest: any;
  try {
    manifest = JSON.parse(readTextFile(manifestFile));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(manifestFile, `not valid JSON (${(e as Error).message})`);
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
      const stack: TemplateInput = {
        stackName: typeof properties.stackName === 'string' ? properties.stackName : artifactId,
        displayName: typeof artifact.displayName === 'string' ? artifact.displayName : undefined,
        file,
        template: parseTemplateText(readTextFile(file), file),
        ...parseEnvironment(artifact.environment),
      };
      inputs.push(stack, ...loadNestedStacks(stack, dir));
    } else if (artifact.type === NESTED_ASSEMBLY_ARTIFACT && typeof properties.directoryName === 'string') {
      inputs.push(...loadCloudAssembly(join(dir, properties.directoryName)));
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
function loadNestedStacks(parent: TemplateInput, dir: string): TemplateInput[] {
  const nested: TemplateInput[] = [];
  for (const [logicalId, resource] of Object.entries<any>(parent.template.Resources)) {
    if (!isObject(resource) || resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (typeof assetPath !== 'string' || !assetPath.endsWith('.nested.template.json')) continue;
    const file = join(dir, assetPath);
    const child: TemplateInput = {
      stackName: `${parent.stackName}/${logicalId}`,
      displayName: parent.displayName ? `${parent.displayName}/${logicalId}` : undefined,
      file,
      template: parseTemplateText(readTextFile(file), file),
      region: parent.region,
      account: parent.account,
      parameters: isObject(resource.Properties?.Parameters) ? resource.Properties.Parameters : {},
      parametersStackName: parent.stackName,
    };
    nested.push(child, ...loadNestedStacks(child, dir));
  }
  return nested;
}

/** A directory with `manifest.json` is a cloud assembly; a file is one template. */
export function loadInputs(paths: string[]): TemplateInput[] {
  const inputs: TemplateInput[] = [];
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      throw new InputError(path, 'no such file or directory');
    }
    inputs.push(...(isDirectory ? loadCloudAssembly(path) : [loadTemplateFile(path)]));
  }
  return inputs;
}

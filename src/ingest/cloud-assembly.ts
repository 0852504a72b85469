import { existsSync, statSync } from 'fs';
import { basename, dirname, join } from 'path';
import { InputError } from './errors';
import { isObject, loadTemplateFile, parseTemplateText, readTextFile } from './template';
import { NOT_CLOUDFORMATION, notCloudFormation, terraformDirectoryKind } from './terraform';
import { TemplateInput } from './types';

const STACK_ARTIFACT = 'aws:cloudformation:stack';
const NESTED_ASSEMBLY_ARTIFACT = 'cdk:cloud-assembly';
const ASSET_MANIFEST_ARTIFACT = 'cdk:asset-manifest';

/**
 * Reads every stack of a CDK cloud assembly (`cdk.out`): the stacks of `manifest.json`, the nested
 * assemblies of CDK Stages, and the nested stacks (`AWS::CloudFormation::Stack` assets) of each.
 */
export function loadCloudAssembly(dir: string): TemplateInput[] {
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    const terraform = terraformDirectoryKind(dir, undefined);
    throw new InputError(dir, terraform ? notCloudFormation(terraform) : 'no manifest.json: not a CDK cloud assembly directory');
  }
  let manifest: any;
  try {
    manifest = JSON.parse(readTextFile(manifestFile));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(manifestFile, `not valid JSON (${(e as Error).message})`);
  }
  const terraform = terraformDirectoryKind(dir, manifest);
  if (terraform) throw new InputError(dir, notCloudFormation(terraform));
  if (!isObject(manifest) || !isObject(manifest.artifacts)) {
    throw new InputError(manifestFile, 'no "artifacts" object');
  }

  const inputs: TemplateInput[] = [];
  const assets = fileAssetsOf(dir, manifest.artifacts);
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
      inputs.push(stack, ...loadNestedStacks(stack, (resource) => nestedTemplateInAssembly(resource, dir, assets)));
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
 * The file of each file asset of the assembly, by the S3 object key it is published to
 * (`<hash>.json`): where a nested stack's template is when its parent's `TemplateURL` names the
 * key and no `aws:asset:path` metadata names the file (`cdk synth --no-asset-metadata`).
 */
function fileAssetsOf(dir: string, artifacts: Record<string, unknown>): Map<string, string> {
  const files = new Map<string, string>();
  for (const artifact of Object.values<any>(artifacts)) {
    if (!isObject(artifact) || artifact.type !== ASSET_MANIFEST_ARTIFACT || typeof artifact.properties?.file !== 'string') continue;
    let assetManifest: any;
    try {
      assetManifest = JSON.parse(readTextFile(join(dir, artifact.properties.file)));
    } catch {
      continue; // Only a fallback: without it a nested stack is reported as not read.
    }
    for (const asset of Object.values<any>(isObject(assetManifest?.files) ? assetManifest.files : {})) {
      const path = asset?.source?.path;
      if (typeof path !== 'string' || !NESTED_TEMPLATE.test(path) || !isObject(asset.destinations)) continue;
      for (const destination of Object.values<any>(asset.destinations)) {
        if (typeof destination?.objectKey === 'string') files.set(destination.objectKey, join(dir, path));
      }
    }
  }
  return files;
}

const NESTED_TEMPLATE = /\.nested\.template\.json$/;

/** A CDK nested stack's template in the assembly: named by `aws:asset:path`, else by its asset's object key. */
function nestedTemplateInAssembly(resource: Record<string, any>, dir: string, assets: Map<string, string>): string | undefined {
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (typeof assetPath === 'string' && NESTED_TEMPLATE.test(assetPath)) return join(dir, assetPath);
  const url = JSON.stringify(resource.Properties?.TemplateURL ?? '');
  for (const [objectKey, file] of assets) if (url.includes(`/${objectKey}`)) return file;
  return undefined;
}

/**
 * A hand-written parent's nested template given as a local path (`TemplateURL: ./network.yaml`,
 * as `aws cloudformation package` takes it), relative to the parent's file. A URL (S3, https) is
 * not fetched: the nested stack is reported as not read.
 */
function nestedTemplateBesideFile(resource: Record<string, any>, parentFile: string): string | undefined {
  const url = resource.Properties?.TemplateURL;
  if (typeof url !== 'string' || url === '' || /^[a-z][a-z0-9+.-]*:/i.test(url)) return undefined;
  return join(dirname(parentFile), url);
}

/**
 * Nested stacks: the parent's `AWS::CloudFormation::Stack` resources whose template `locate`
 * finds. The nested stack is named `${parent}/${logicalId}` and receives the parent resource's
 * `Parameters`, evaluated in the parent's context. One whose template is not found is reported
 * when the model is built.
 */
function loadNestedStacks(parent: TemplateInput, locate: (resource: Record<string, any>, parent: TemplateInput) => string | undefined): TemplateInput[] {
  const nested: TemplateInput[] = [];
  for (const [logicalId, resource] of Object.entries<any>(parent.template.Resources)) {
    if (!isObject(resource) || resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const file = locate(resource, parent);
    if (file === undefined) continue;
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
    nested.push(child, ...loadNestedStacks(child, locate));
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
      // `glue-netplan` run in a CDKTF or Terraform project looks for ./cdk.out.
      const terraform = basename(path) === 'cdk.out' ? terraformDirectoryKind(dirname(path), undefined) : undefined;
      throw new InputError(path, terraform ? `no such directory, and ${dirname(path)} is ${terraform}, ${NOT_CLOUDFORMATION}` : 'no such file or directory');
    }
    if (isDirectory) {
      inputs.push(...loadCloudAssembly(path));
    } else {
      const template = loadTemplateFile(path);
      inputs.push(template, ...loadNestedStacks(template, (resource, { file }) => nestedTemplateBesideFile(resource, file ?? path)));
    }
  }
  return inputs;
}

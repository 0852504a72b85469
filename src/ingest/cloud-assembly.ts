import { existsSync, realpathSync, statSync } from 'fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'path';
import { InputError } from './errors';
import { InputBudget, isObject, jsonProblem, loadTemplateFile, parseTemplateText, readTextFile, TemplateReading } from './template';
import { NOT_CLOUDFORMATION, notCloudFormation, terraformDirectoryKind } from './terraform';
import { TemplateInput } from './types';

const STACK_ARTIFACT = 'aws:cloudformation:stack';
const NESTED_ASSEMBLY_ARTIFACT = 'cdk:cloud-assembly';
const ASSET_MANIFEST_ARTIFACT = 'cdk:asset-manifest';
/**
 * The artifact types of the cloud assembly schema (@aws-cdk/cloud-assembly-schema, `ArtifactType`,
 * schema revision 54) that hold no stack: skipped, as CDK's own reader skips them.
 */
const ARTIFACTS_WITHOUT_STACKS = new Set(['none', 'cdk:tree', ASSET_MANIFEST_ARTIFACT, 'cdk:feature-flag-report']);

/**
 * Reads every stack of a CDK cloud assembly (`cdk.out`): the stacks of `manifest.json`, the nested
 * assemblies of CDK Stages, and the nested stacks (`AWS::CloudFormation::Stack` assets) of each.
 */
export function loadCloudAssembly(dir: string, budget: InputBudget = new InputBudget()): TemplateInput[] {
  const stacks = readAssembly(dir, budget, []);
  nameStacksOfOtherEnvironments(stacks);
  return stacks.flatMap(({ stack, nested }) => [stack, ...nested(stack)]);
}

/** A stack of the assembly, read; its nested stacks are read once its name is settled (theirs derive from it). */
interface AssemblyStack {
  stack: TemplateInput;
  readonly nested: (stack: TemplateInput) => TemplateInput[];
}

/**
 * Stacks of one CloudFormation stack name in different accounts or Regions (a Dev and a Prod
 * stage that each name their stack `etl`; CloudFormation stack names are unique per account and
 * Region) are valid: each is named by its construct path (the manifest's displayName, `Prod/Etl`),
 * as the guard names them. Others sharing a name stay so and are refused by checkDistinctStackNames.
 */
function nameStacksOfOtherEnvironments(read: AssemblyStack[]): void {
  const byName = new Map<string, AssemblyStack[]>();
  for (const entry of read) byName.set(entry.stack.stackName, [...byName.get(entry.stack.stackName) ?? [], entry]);
  const definitelyApart = (a: TemplateInput, b: TemplateInput) => (a.account !== undefined && b.account !== undefined && a.account !== b.account)
    || (a.region !== undefined && b.region !== undefined && a.region !== b.region);
  for (const entries of byName.values()) {
    if (entries.length < 2) continue;
    const group = entries.map((entry) => entry.stack);
    const apart = group.every((a, i) => group.every((b, j) => i === j || definitelyApart(a, b)));
    const names = group.map((stack) => stack.displayName);
    if (!apart || names.some((name) => name === undefined) || new Set(names).size !== names.length) continue;
    for (const entry of entries) entry.stack = { ...entry.stack, stackName: entry.stack.displayName!, deployedStackName: entry.stack.stackName };
  }
}

/** `assemblies`: the real paths of the assemblies being read, outermost first (to stop cycles). */
function readAssembly(dir: string, budget: InputBudget, assemblies: string[]): AssemblyStack[] {
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    const terraform = terraformDirectoryKind(dir, undefined);
    throw new InputError(dir, terraform ? notCloudFormation(terraform) : 'no manifest.json: not a CDK cloud assembly directory');
  }
  const realDir = realpathSync(dir);
  let manifest: any;
  const text = readTextFile(manifestFile, budget);
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    throw new InputError(manifestFile, `not valid JSON (${jsonProblem(e, text)})`);
  }
  const terraform = terraformDirectoryKind(dir, manifest);
  if (terraform) throw new InputError(dir, notCloudFormation(terraform));
  if (!isObject(manifest) || !isObject(manifest.artifacts)) {
    throw new InputError(manifestFile, 'no "artifacts" object');
  }

  const inputs: AssemblyStack[] = [];
  const assets = fileAssetsOf(dir, realDir, manifest.artifacts, budget);
  for (const [artifactId, artifact] of Object.entries<any>(manifest.artifacts)) {
    // A manifest CDK did not write this way: refused, never skipped (a stack in it would be a silent pass).
    if (!isObject(artifact)) throw new InputError(manifestFile, `artifact "${artifactId}" is not an object`);
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
        template: parseTemplateText(readTextFile(file, budget), file, { cdkStack: true }),
        ...parseEnvironment(artifact.environment),
      };
      const reading: NestedReading = {
        locate: (resource) => nestedTemplateInAssembly(resource, dir, assets),
        check: (path, namedIn, what) => insideAssembly(dir, realDir, path, namedIn, what),
        budget,
        // CDK's nested stacks: one with no resources is written without Resources, as a top-level one.
        template: { cdkStack: true },
      };
      const realFile = realpathSync(file);
      inputs.push({ stack, nested: (named) => loadNestedStacks(named, reading, [realFile]) });
    } else if (artifact.type === NESTED_ASSEMBLY_ARTIFACT) {
      if (typeof properties.directoryName !== 'string') {
        throw new InputError(manifestFile, `artifact "${artifactId}" (a nested cloud assembly: a stage) has no properties.directoryName string: its stacks cannot be found`);
      }
      const nestedDir = join(dir, properties.directoryName);
      const where = `artifact "${artifactId}": directoryName "${properties.directoryName}"`;
      insideAssembly(dir, realDir, nestedDir, manifestFile, where);
      const realNested = existsSync(nestedDir) ? realpathSync(nestedDir) : nestedDir;
      if (realNested === realDir || assemblies.includes(realNested)) {
        throw new InputError(manifestFile, `${where} is an assembly already being read (the assembly itself or one that contains it): a cycle`);
      }
      inputs.push(...readAssembly(nestedDir, budget, [...assemblies, realDir]));
    } else if (!ARTIFACTS_WITHOUT_STACKS.has(artifact.type) && (properties.templateFile !== undefined || properties.directoryName !== undefined)) {
      // A type of a newer schema that names a template or an assembly may hold stacks: skipping
      // it would leave them unchecked (a silent pass).
      const version = typeof manifest.version === 'string' ? ` (manifest version ${manifest.version})` : '';
      throw new InputError(manifestFile, `artifact "${artifactId}" is of type ${JSON.stringify(artifact.type)}${version}, which glue-netplan does not read, `
        + `and names a ${properties.templateFile !== undefined ? 'template' : 'directory'}: the stacks it may hold would go unchecked (a newer CDK than this glue-netplan knows? upgrade cdk-glue-netplan)`);
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
function fileAssetsOf(dir: string, realDir: string, artifacts: Record<string, unknown>, budget: InputBudget): Map<string, string> {
  const files = new Map<string, string>();
  for (const [artifactId, artifact] of Object.entries<any>(artifacts)) {
    if (!isObject(artifact) || artifact.type !== ASSET_MANIFEST_ARTIFACT || typeof artifact.properties?.file !== 'string') continue;
    const file = join(dir, artifact.properties.file);
    insideAssembly(dir, realDir, file, join(dir, 'manifest.json'), `artifact "${artifactId}": file "${artifact.properties.file}"`);
    let assetManifest: any;
    try {
      assetManifest = JSON.parse(readTextFile(file, budget));
    } catch (e) {
      // Only a fallback: when it is missing or not JSON, a nested stack is reported as not read.
      // The input limits (budget, regular files only) still stand.
      if (e instanceof InputError && existsSync(file)) throw e;
      continue;
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

/** Where a nested stack's template is, and how the parent names it (for messages). */
interface NestedTemplate {
  readonly file: string;
  readonly namedBy: string;
}

/** A CDK nested stack's template in the assembly: named by `aws:asset:path`, else by its asset's object key. */
function nestedTemplateInAssembly(resource: Record<string, any>, dir: string, assets: Map<string, string>): NestedTemplate | undefined {
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (typeof assetPath === 'string' && NESTED_TEMPLATE.test(assetPath)) return { file: join(dir, assetPath), namedBy: `Metadata aws:asset:path "${assetPath}"` };
  const url = JSON.stringify(resource.Properties?.TemplateURL ?? '');
  for (const [objectKey, file] of assets) if (url.includes(`/${objectKey}`)) return { file, namedBy: `TemplateURL (asset ${objectKey})` };
  return undefined;
}

/**
 * A hand-written parent's nested template given as a local path (`TemplateURL: ./network.yaml`,
 * as `aws cloudformation package` takes it), relative to the parent's file. A URL (S3, https) is
 * not fetched: the nested stack is reported as not read.
 */
function nestedTemplateBesideFile(resource: Record<string, any>, parentFile: string): NestedTemplate | undefined {
  const url = resource.Properties?.TemplateURL;
  if (typeof url !== 'string' || url === '' || /^[a-z][a-z0-9+.-]*:/i.test(url)) return undefined;
  return { file: join(dirname(parentFile), url), namedBy: `TemplateURL "${url}"` };
}

/** How nested templates are found and which files may be read, for one input. */
interface NestedReading {
  readonly locate: (resource: Record<string, any>, parent: TemplateInput) => NestedTemplate | undefined;
  /** Throws an InputError when `path` may not be read (outside the assembly or the template's folder). */
  readonly check: (path: string, namedIn: string, what: string) => void;
  readonly budget: InputBudget;
  /** How the nested templates are read (a cloud assembly's are CDK stacks' templates). */
  readonly template?: TemplateReading;
}

/**
 * Nested stacks: the parent's `AWS::CloudFormation::Stack` resources whose template `locate`
 * finds. The nested stack is named `${parent}/${logicalId}` and receives the parent resource's
 * `Parameters`, evaluated in the parent's context. One whose template is not found is reported
 * when the model is built. `chain`: the real paths of the templates being read, outermost first
 * (a nested stack that leads back to one of them is a cycle).
 */
function loadNestedStacks(parent: TemplateInput, reading: NestedReading, chain: string[]): TemplateInput[] {
  const nested: TemplateInput[] = [];
  const resources = parent.template.Resources;
  // Every resource is looked at, by key (Object.values of a large object, held as a dictionary,
  // costs twice as much).
  const logicalIds = Object.keys(resources);
  for (let i = 0; i < logicalIds.length; i++) {
    const logicalId = logicalIds[i];
    const resource = resources[logicalId];
    if (!isObject(resource) || resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const found = reading.locate(resource, parent);
    if (found === undefined) continue;
    const file = found.file;
    const where = `Resources.${logicalId}: ${found.namedBy}`;
    reading.check(file, parent.file ?? file, where);
    const realFile = existsSync(file) ? realpathSync(file) : file;
    if (chain.includes(realFile)) {
      throw new InputError(parent.file ?? file, `${where} is the template of this stack or of a stack that contains it: nested stacks in a cycle`);
    }
    const child: TemplateInput = {
      stackName: `${parent.stackName}/${logicalId}`,
      displayName: parent.displayName ? `${parent.displayName}/${logicalId}` : undefined,
      file,
      template: parseTemplateText(readTextFile(file, reading.budget), file, reading.template),
      region: parent.region,
      account: parent.account,
      parameters: isObject(resource.Properties?.Parameters) ? resource.Properties.Parameters : {},
      parametersStackName: parent.stackName,
    };
    nested.push(child, ...loadNestedStacks(child, reading, [...chain, realFile]));
  }
  return nested;
}

/**
 * A path a manifest or a template names must stay inside the cloud assembly directory (after
 * following symbolic links): a downloaded cdk.out must not make us read `../../etc/passwd`.
 */
function insideAssembly(dir: string, realDir: string, path: string, namedIn: string, what: string): void {
  insideFolder(dir, realDir, path, namedIn, what, 'the cloud assembly directory');
}

function insideFolder(dir: string, realDir: string, path: string, namedIn: string, what: string, folderIs: string): void {
  // A missing path is compared as written (reading it then says it is missing).
  const rel = existsSync(path) ? relative(realDir, realpathSync(path)) : relative(resolve(dir), resolve(path));
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new InputError(namedIn, `${what} leads outside ${folderIs} ${dir}`);
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
      // `glue-netplan` run in a CDKTF or Terraform project looks for ./cdk.out.
      const terraform = basename(path) === 'cdk.out' ? terraformDirectoryKind(dirname(path), undefined) : undefined;
      throw new InputError(path, terraform ? `no such directory, and ${dirname(path)} is ${terraform}, ${NOT_CLOUDFORMATION}` : 'no such file or directory');
    }
    if (isDirectory) {
      inputs.push(...loadCloudAssembly(path, budget));
    } else {
      const template = loadTemplateFile(path, budget);
      // A hand-written template's nested templates must stay in its folder (or below it).
      const folder = dirname(path);
      const realFolder = realpathSync(folder);
      const reading: NestedReading = {
        locate: (resource, { file }) => nestedTemplateBesideFile(resource, file ?? path),
        check: (nestedPath, namedIn, what) => insideFolder(folder, realFolder, nestedPath, namedIn, what, 'the folder of the template that names it'),
        budget,
      };
      inputs.push(template, ...loadNestedStacks(template, reading, [realpathSync(path)]));
    }
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

import { IngestIssue, SourceRef } from '../model';
import { InputSet, isResourceRef, isUnresolved, StackEvaluator } from './intrinsics';
import { isObject, setOwn } from './template';
import { TemplateInput } from './types';

const LANGUAGE_EXTENSIONS = 'AWS::LanguageExtensions';
const FOR_EACH = 'Fn::ForEach::';
/** The sections `Fn::ForEach` may appear in (with resource properties, under Resources). */
const LOOP_SECTIONS = ['Conditions', 'Resources', 'Outputs'];

/** SAM's transform: it generates serverless resources (functions, APIs, tables), never routes, rules or ACL entries. */
const SERVERLESS = 'AWS::Serverless-2016-10-31';
/**
 * The AWS::SecretsManager transform (`AWS::SecretsManager-2020-07-23`, `-2024-09-16`; aws-cdk-lib's
 * `HostedRotation` declares it): it generates the rotation function of an
 * `AWS::SecretsManager::RotationSchedule`'s `HostedRotationLambda`, in a nested stack (CloudFormation,
 * *AWS::SecretsManager transform*,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-secretsmanager.html).
 * Not a macro that may change every element (that it changes no other network element is an
 * assumption: AWS documents only the function): the groups that nested stack is given are open as
 * a nested stack's are (`openForUnreadNestedStacks`).
 */
export const SECRETS_MANAGER_TRANSFORM = /^AWS::SecretsManager-\d{4}-\d{2}-\d{2}$/;

/**
 * What a stack's templates would have generated, had the reader expanded it: the resources of a
 * loop it could not expand (`resources`, the loop's fragment, its identifiers unresolved), or any
 * resource at all (a macro, an `AWS::Include` snippet: `resources` undefined). The elements those
 * could add routes, rules or entries to are open-ended (see `openUnexpanded`).
 */
export interface UnexpandedResources {
  readonly input: TemplateInput;
  readonly source: SourceRef;
  /** In the user's terms: `the loop Fn::ForEach::PeerRoutes`, `the transform NetworkMacro`. */
  readonly what: string;
  /** The resources it would generate (type and properties); undefined: any resource. */
  readonly resources?: readonly UnexpandedResource[];
  /** `change`: it may also rewrite the template's own resources (a macro). */
  readonly effect: 'add' | 'change';
}

function withoutKey(value: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _omitted, ...rest } = value;
  return rest;
}

/** A resource a loop or snippet not expanded would generate. */
export interface UnexpandedResource {
  readonly type: unknown;
  readonly properties: unknown;
  readonly identifiers: readonly string[];
  /**
   * The logical id of the template's own resource whose properties an `AWS::Include` snippet is
   * merged into: its properties beyond those listed are unknown (a security group's rules, an
   * endpoint's route tables).
   */
  readonly includedInto?: string;
}

/** A template's `Transform` declaration: one name or a list. */
function transformsOf(template: any): string[] {
  const declared = template?.Transform;
  const names = Array.isArray(declared) ? declared : declared === undefined ? [] : [declared];
  return names.map((name) => (typeof name === 'string' ? name : isObject(name) && typeof name.Name === 'string' ? name.Name : JSON.stringify(name)));
}

/**
 * Applies the transforms templates declare before they are read, as CloudFormation does when it
 * processes a template: `AWS::LanguageExtensions` is expanded (`Fn::ForEach` loops, intrinsic
 * `DeletionPolicy` / `UpdateReplacePolicy`; `Fn::Length`, `Fn::ToJsonString` and `Fn::FindInMap`
 * defaults are evaluated with the other intrinsics). Any other transform (SAM, a macro, an
 * `AWS::Include`) is not, and is reported: what it generates or changes is not checked.
 */
export function applyTransforms(inputs: TemplateInput[]): { inputs: TemplateInput[]; issues: IngestIssue[]; unexpanded: UnexpandedResources[] } {
  const issues: IngestIssue[] = [];
  const unexpanded: UnexpandedResources[] = [];
  let loops: InputSet | undefined;
  const result = inputs.map((input) => {
    const source = { stack: input.stackName, logicalId: 'Transform', ...input.file ? { file: input.file } : {} };
    const transforms = transformsOf(input.template);
    for (const name of transforms.filter((t) => t !== LANGUAGE_EXTENSIONS)) {
      issues.push({
        source,
        kind: 'not-read',
        message: `Stack ${input.stackName} declares the transform ${name}, which glue-netplan does not expand: the resources it generates or changes are not checked (the template's plain CloudFormation resources are).`,
        fix: `Check the processed template instead: after creating a change set, \`aws cloudformation get-template --stack-name ${input.stackName} --template-stage Processed\` gives it.`,
      });
      // A macro may add or rewrite any resource (SAM's generate no network element, nor does
      // AWS::SecretsManager's: the nested stack it makes is read as one not read).
      if (name !== SERVERLESS && !SECRETS_MANAGER_TRANSFORM.test(name)) unexpanded.push({ input, source, what: `the transform ${name}`, effect: 'change' });
    }
    for (const include of includesOf(input.template)) {
      issues.push({
        source: { ...source, logicalId: include.where },
        kind: 'not-read',
        message: `Stack ${input.stackName}: ${include.where} is included by Fn::Transform ${include.name}, which glue-netplan does not expand: what it includes is not checked.`,
        fix: 'Inline the included snippet, or check the processed template (`aws cloudformation get-template --template-stage Processed`).',
      });
      unexpanded.push({
        input,
        source: { ...source, logicalId: include.where },
        what: `the AWS::Include of ${include.where}`,
        // Included into a resource's properties: that resource, its properties unknown; into Resources: any resource.
        // (Its listed properties, the snippet's merged in: those it lists are known.)
        ...(include.resource ? { resources: [{ type: include.resource.Type, properties: withoutKey(include.resource.Properties, 'Fn::Transform'), identifiers: [], includedInto: include.where }] } : {}),
        effect: 'add',
      });
    }
    if (!transforms.includes(LANGUAGE_EXTENSIONS)) return input;
    // Loop collections may name parameters (a CommaDelimitedList) or mappings: evaluated in the
    // stack as written, since Fn::ForEach cannot appear where those are declared.
    loops ??= new InputSet(inputs);
    const expander = new LoopExpander(input, loops.evaluator(input.stackName), issues, unexpanded);
    const template: Record<string, unknown> = { ...input.template };
    for (const section of LOOP_SECTIONS) {
      if (isObject(template[section])) template[section] = expander.expand(template[section], section);
    }
    if (isObject(template.Resources)) template.Resources = expander.resolvePolicies(template.Resources);
    return { ...input, template };
  });
  return { inputs: result, issues, unexpanded };
}

/** `Fn::Transform` (`AWS::Include`) at the level of Resources or of a resource's properties. */
function includesOf(template: any): { where: string; name: string; resource?: Record<string, any> }[] {
  const found: { where: string; name: string; resource?: Record<string, any> }[] = [];
  const nameOf = (t: unknown) => (isObject(t) && typeof t.Name === 'string' ? t.Name : 'a macro');
  const resources = isObject(template?.Resources) ? template.Resources : {};
  if ('Fn::Transform' in resources) found.push({ where: 'Resources', name: nameOf(resources['Fn::Transform']) });
  // Every resource of every template is looked at, by key (Object.values of a large object, held
  // as a dictionary, costs twice as much).
  const logicalIds = Object.keys(resources);
  for (let i = 0; i < logicalIds.length; i++) {
    const resource = resources[logicalIds[i]];
    if (isObject(resource?.Properties) && 'Fn::Transform' in resource.Properties) {
      found.push({ where: logicalIds[i], name: nameOf(resource.Properties['Fn::Transform']), resource });
    }
  }
  return found;
}

/** Expands `Fn::ForEach` loops of one template. */
class LoopExpander {
  constructor(private readonly input: TemplateInput, private readonly evaluator: StackEvaluator, private readonly issues: IngestIssue[],
    private readonly unexpanded: UnexpandedResources[]) {}

  /** The object with each `Fn::ForEach::Name` key replaced by the entries it generates, recursively. */
  expand(value: unknown, where: string): any {
    if (Array.isArray(value)) return value.map((item) => this.expand(item, where));
    if (!isObject(value)) return value;
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (!key.startsWith(FOR_EACH)) {
        setOwn(result, key, this.expand(item, where));
        continue;
      }
      for (const [generatedKey, generated] of Object.entries(this.loop(key, item, where))) setOwn(result, generatedKey, generated);
    }
    return result;
  }

  /** One loop: its fragment once per item of the collection, the identifier replaced, inner loops expanded. */
  private loop(key: string, definition: unknown, where: string): Record<string, unknown> {
    const loopName = key.slice(FOR_EACH.length);
    if (!Array.isArray(definition) || definition.length !== 3 || typeof definition[0] !== 'string' || !isObject(definition[2])) {
      this.skipped(loopName, where, 'it is not [Identifier, Collection, {OutputKey: OutputValue}]', definition);
      return {};
    }
    const [identifier, rawCollection, fragment] = definition as [string, unknown, Record<string, unknown>];
    const collection = this.evaluator.evaluate(rawCollection);
    if (!Array.isArray(collection) || !collection.every((item) => typeof item === 'string' || typeof item === 'number')) {
      const why = isUnresolved(collection) ? collection.reason : `its collection ${describe(collection)} is not a list of strings known before deployment`;
      this.skipped(loopName, where, why, definition);
      return {};
    }
    const generated: Record<string, unknown> = {};
    for (const item of collection.map(String)) {
      const replaced = substitute(fragment, identifier, item) as Record<string, unknown>;
      Object.assign(generated, this.expand(replaced, where));
    }
    return generated;
  }

  private skipped(loopName: string, where: string, why: string, definition: unknown): void {
    const source = { stack: this.input.stackName, logicalId: `Fn::ForEach::${loopName}`, ...this.input.file ? { file: this.input.file } : {} };
    if (where === 'Resources') {
      // A loop of the wrong shape may generate anything; a loop over an unknown collection, its fragment's resources.
      const resources = Array.isArray(definition) && definition.length === 3 && typeof definition[0] === 'string' && isObject(definition[2])
        ? fragmentResources(definition[2], [definition[0]]) : undefined;
      this.unexpanded.push({ input: this.input, source, what: `the loop Fn::ForEach::${loopName}`, ...(resources ? { resources } : {}), effect: 'add' });
    }
    this.issues.push({
      source,
      kind: 'not-read',
      message: `Stack ${this.input.stackName}: the loop Fn::ForEach::${loopName} in ${where} cannot be expanded (${why}), so what it generates is not checked.`,
      fix: 'Give the loop a literal collection or a CommaDelimitedList parameter with a default, or give its value with --parameters.',
    });
  }

  /** `DeletionPolicy` and `UpdateReplacePolicy` given by an intrinsic, resolved as the transform does. */
  resolvePolicies(resources: Record<string, any>): Record<string, any> {
    const result: Record<string, any> = {};
    for (const [logicalId, resource] of Object.entries(resources)) {
      if (!isObject(resource) || !['DeletionPolicy', 'UpdateReplacePolicy'].some((k) => isObject(resource[k]))) {
        setOwn(result, logicalId, resource);
        continue;
      }
      const resolved: Record<string, unknown> = { ...resource };
      for (const key of ['DeletionPolicy', 'UpdateReplacePolicy']) {
        if (!isObject(resource[key])) continue;
        const value = this.evaluator.evaluate(resource[key]);
        if (typeof value === 'string') resolved[key] = value;
        else delete resolved[key];
      }
      setOwn(result, logicalId, resolved);
    }
    return result;
  }
}

/** The resources a loop's fragment generates (inner loops' included), with the loop identifiers they may use. */
function fragmentResources(fragment: Record<string, unknown>, identifiers: readonly string[]): { type: unknown; properties: unknown; identifiers: string[] }[] {
  const found: { type: unknown; properties: unknown; identifiers: string[] }[] = [];
  for (const [key, value] of Object.entries(fragment)) {
    if (key.startsWith(FOR_EACH)) {
      if (Array.isArray(value) && value.length === 3 && typeof value[0] === 'string' && isObject(value[2])) found.push(...fragmentResources(value[2], [...identifiers, value[0]]));
      else found.push({ type: undefined, properties: undefined, identifiers: [...identifiers] });
    } else if (isObject(value) && value.Type !== undefined) {
      found.push({ type: value.Type, properties: value.Properties, identifiers: [...identifiers] });
    }
    // (An entry without a Type is no resource: a loop in a resource's properties generates keys of a map property.)
  }
  return found;
}

/**
 * The fragment with the loop's identifier replaced by one item: `${Identifier}` in keys and
 * strings, `&{Identifier}` by the item without its non-alphanumeric characters, `{"Ref": Identifier}`
 * by the item itself.
 */
function substitute(value: unknown, identifier: string, item: string): unknown {
  const plain = `\${${identifier}}`;
  const alphanumeric = `&{${identifier}}`;
  const replace = (text: string) => text.split(plain).join(item).split(alphanumeric).join(item.replace(/[^A-Za-z0-9]/g, ''));
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.includes(plain) || v.includes(alphanumeric) ? replace(v) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (!isObject(v)) return v;
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === 'Ref' && v.Ref === identifier) return item;
    const result: Record<string, unknown> = {};
    for (const key of keys) setOwn(result, replace(key), walk(v[key]));
    return result;
  };
  return walk(value);
}

function describe(value: unknown): string {
  if (isResourceRef(value)) return `a reference to ${value.modelId}`;
  return JSON.stringify(value) ?? 'undefined';
}

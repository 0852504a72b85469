import {
  CfnElement, CfnResource, DefaultTokenResolver, IFragmentConcatenator, IPostProcessor, IResolvable, IResolveContext, Reference, Stack,
  Token, Tokenization,
} from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { logicalIdOf as elementLogicalId } from './logical-id';
import { REFERENCED_IN_APP, STACK_REF } from '../../ingest/intrinsics';
import { readsResourceType } from '../../ingest/resources';
import { TemplateInput } from '../../ingest/types';

/** The construct tree read as templates, with what the guard needs to map findings back. */
export interface TreeSnapshot {
  readonly inputs: TemplateInput[];
  /** Every CfnElement by model id (`${stackName}/${logicalId}`). */
  readonly elements: Map<string, CfnElement>;
  /** Every stack by the name its model ids use. */
  readonly stacks: Map<string, Stack>;
  /** The name a stack's model ids use. */
  readonly stackNames: Map<Stack, string>;
  /** For each stack, the stacks it references (it deploys after them). */
  readonly dependencies: Map<Stack, Set<Stack>>;
  /** Elements that could not be rendered, with the reason. */
  readonly problems: { element: CfnElement; message: string }[];
  /**
   * Reads every reference between the app's stacks, and returns the values of each stack that
   * other stacks reference (`${logicalId}|${attribute}`, `Ref` for a Ref), by producer: CDK
   * exports each one as an output of the producer when it synthesizes. On first call it resolves
   * the elements the model does not read (rendered as stubs) and reads the construct dependencies
   * between stacks (`node.addDependency`), completing `dependencies` too: what auto-peer must
   * know before it adds a reference between stacks (a cycle fails synthesis).
   */
  readonly allReferences: () => ReadonlyMap<Stack, ReadonlySet<string>>;
}

/** Joins string fragments that contain tokens the way CloudFormation does: `Fn::Join` with ''. */
const CONCAT: IFragmentConcatenator = {
  join(left: any, right: any): any {
    if (left === undefined) return right;
    if (right === undefined) return left;
    const parts = [...joinParts(left), ...joinParts(right)];
    const merged: unknown[] = [];
    for (const part of parts) {
      const last = merged[merged.length - 1];
      if (typeof part !== 'object' && typeof last !== 'object' && last !== undefined) merged[merged.length - 1] = `${last}${part}`;
      else merged.push(typeof part === 'object' ? part : `${part}`);
    }
    return merged.length === 1 && typeof merged[0] === 'string' ? merged[0] : { 'Fn::Join': ['', merged] };
  },
};

function joinParts(value: any): unknown[] {
  if (value && typeof value === 'object' && Array.isArray(value['Fn::Join']) && value['Fn::Join'][0] === '') return value['Fn::Join'][1];
  return [value];
}

/**
 * Resolves tokens like `stack.resolve()`, except that a reference to an element of another stack
 * becomes `{"Fn::NetplanStackRef": [stack, logicalId, attribute]}`: before CDK's prepare phase it
 * would render as a plain `Ref` that names nothing in the consuming template, and after it as an
 * import of a generated export. Every such reference is recorded as a stack dependency.
 */
class StackRefResolver extends DefaultTokenResolver {
  /**
   * Each element's logical ID token, resolved once: every reference to an element resolves its
   * logical ID, which CDK computes afresh each time (a hash of the construct path).
   */
  private readonly logicalIds = new Map<IResolvable, string>();

  constructor(private readonly names: Map<Stack, string>, private readonly onReference: (consumer: Stack, producer: Stack, value: string, target: CfnElement) => void) {
    super(CONCAT);
  }

  /** The element's logical ID, remembered for the references to it. */
  public logicalIdOf(element: CfnElement): string {
    const token = Tokenization.reverseString(element.logicalId).firstToken;
    const cached = token && this.logicalIds.get(token);
    if (cached !== undefined && cached !== null) return cached;
    const id = elementLogicalId(element);
    if (token) this.logicalIds.set(token, id);
    return id;
  }

  public resolveToken(t: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): any {
    const logicalId = this.logicalIds.get(t);
    if (logicalId !== undefined) return logicalId;
    if (Reference.isReference(t) && CfnElement.isCfnElement(t.target) && typeof (t as any).value !== 'string') {
      const consumer = Stack.of(context.scope);
      const producer = t.target.stack;
      if (producer !== consumer) {
        const targetId = this.logicalIdOf(t.target);
        this.onReference(consumer, producer, `${targetId}|${t.displayName}`, t.target);
        const name = this.names.get(producer) ?? producer.node.path;
        return { [STACK_REF]: [name, targetId, t.displayName] };
      }
    }
    return super.resolveToken(t, context, postProcessor);
  }
}

/**
 * The rendered fragment as `cdk synth` writes it to the template (JSON): a key whose value is
 * `undefined` is left out, an `undefined` list item is `null`. An L1 renders every property it
 * has, set or not (aws-cdk-lib's generated `CfnCluster`, `CfnDBInstance` mappers), so without this
 * an unset `Port` was a present one with no value, where the CLI reads no `Port` (and the engine's
 * default port). Changed in place: the fragment is the resolver's own copy.
 */
function asWrittenToTemplate(value: any): any {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = value[i] === undefined ? null : asWrittenToTemplate(value[i]);
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (value[key] === undefined) delete value[key];
      else asWrittenToTemplate(value[key]);
    }
  }
  return value;
}

/**
 * Renders every CloudFormation element under `scope` into one template per stack, as
 * `cdk synth` would, so the CLI's ingest reads the app before it is synthesized. Resources get
 * their construct path in `Metadata['aws:cdk:path']`, so findings name constructs.
 */
export function readTree(scope: IConstruct): TreeSnapshot {
  const all = scope.node.findAll();
  const stackList = all.filter((c): c is Stack => Stack.isStack(c));
  const stackNames = nameStacks(stackList);
  const dependencies = new Map<Stack, Set<Stack>>(stackList.map((s) => [s, new Set<Stack>()]));
  const addEdge = (consumer: Stack, producer: Stack) => {
    if (consumer === producer) return;
    let set = dependencies.get(consumer);
    if (!set) dependencies.set(consumer, set = new Set());
    set.add(producer);
  };
  const addDependency = (consumer: Stack, producer: Stack) => {
    addEdge(consumer, producer);
    // CDK puts a dependency between stacks in different stack trees on the stacks where their
    // nesting chains part (aws-cdk-lib core, deps.ts dispatchDependencyOperation): a dependency
    // on a stack nested in Etl is Etl's, and one from a stack nested in NetC is NetC's. Without
    // this edge the cycle check missed NetC -> Etl for NetC depending on Etl/Inner, and CDK failed
    // the synthesis on the peering auto-peer then placed in Etl.
    const consumerChain = nestingChain(consumer);
    const producerChain = nestingChain(producer);
    let i = 0;
    while (i < consumerChain.length && i < producerChain.length && consumerChain[i] === producerChain[i]) i++;
    if (i < consumerChain.length && i < producerChain.length) addEdge(consumerChain[i], producerChain[i]);
  };
  for (const stack of stackList) {
    for (const dep of stack.dependencies) addDependency(stack, dep);
    // A parent stack deploys its nested stacks as resources: it depends on them.
    if (stack.nestedStackParent) addDependency(stack.nestedStackParent, stack);
  }
  const referenced = new Map<Stack, Set<string>>();
  const resolver = new StackRefResolver(stackNames, (consumer, producer, value, target) => {
    addDependency(consumer, producer);
    // A consumer in another Region of the same account, with a strong reference, reads the value
    // from CDK's export writer in the producer (a custom resource), not from an output.
    if (crossRegionStrong(consumer, producer, target)) return;
    for (const [stack, key] of outputsForReference(consumer, producer, value)) {
      let values = referenced.get(stack);
      if (!values) referenced.set(stack, values = new Set());
      values.add(key);
    }
  });
  /** Elements rendered as stubs: their references are read only when asked (`referencedValues`). */
  const unrendered: CfnElement[] = [];
  const templates = new Map<Stack, any>(stackList.map((s) => [s, { Resources: {} }]));
  const elements = new Map<string, CfnElement>();
  const problems: { element: CfnElement; message: string }[] = [];

  const cfnElements = all.filter((c): c is CfnElement => CfnElement.isCfnElement(c));
  for (const element of cfnElements) resolver.logicalIdOf(element);
  for (const construct of cfnElements) {
    const stack = construct.stack;
    const template = templates.get(stack);
    if (!template) continue;
    // Only what the model is built from is rendered (resolving is most of synth's cost); any
    // other resource is a stub with its type, so references to it still name a resource.
    // Parameters, conditions, mappings and outputs are few and may be referenced: rendered.
    if (CfnResource.isCfnResource(construct) && !readsResourceType(construct.cfnResourceType)) {
      const logicalId = resolver.logicalIdOf(construct);
      template.Resources[logicalId] = { Type: construct.cfnResourceType, Metadata: { 'aws:cdk:path': construct.node.path } };
      elements.set(`${stackNames.get(stack)}/${logicalId}`, construct);
      unrendered.push(construct);
      continue;
    }
    let fragment: any;
    try {
      fragment = asWrittenToTemplate(Tokenization.resolve((construct as any)._toCloudFormation(), { scope: stack, resolver, preparing: false }));
    } catch (e) {
      problems.push({ element: construct, message: (e as Error)?.message ?? String(e) });
      continue;
    }
    for (const [section, entries] of Object.entries<any>(fragment ?? {})) {
      if (!entries || typeof entries !== 'object') continue;
      // Merge in place: copying the section for each element made reading a stack quadratic.
      Object.assign(template[section] ??= {}, entries);
    }
    const logicalId = resolver.logicalIdOf(construct);
    elements.set(`${stackNames.get(stack)}/${logicalId}`, construct);
    const resource = template.Resources?.[logicalId];
    if (resource && typeof resource === 'object') {
      resource.Metadata = { ...(resource.Metadata ?? {}), 'aws:cdk:path': construct.node.path };
    }
  }

  const inputs: TemplateInput[] = stackList.map((stack) => ({
    stackName: stackNames.get(stack)!,
    displayName: stack.node.path,
    template: templates.get(stack),
    ...(Token.isUnresolved(stack.region) ? {} : { region: stack.region }),
    ...(Token.isUnresolved(stack.account) ? {} : { account: stack.account }),
  }));
  let allRead = false;
  const allReferences = () => {
    if (allRead) return referenced;
    allRead = true;
    for (const element of unrendered) {
      try {
        Tokenization.resolve((element as any)._toCloudFormation(), { scope: element.stack, resolver, preparing: false });
      } catch {
        // What cannot be rendered is reported where the model reads it; CDK fails on it anyway.
      }
    }
    // CDK turns a dependency between constructs of two stacks into a dependency between the stacks.
    for (const construct of all) {
      const dependsOn = construct.node.dependencies;
      if (!dependsOn.length) continue;
      const consumer = stackOf(construct);
      for (const dependency of dependsOn) {
        const producer = stackOf(dependency);
        if (consumer && producer && !isNestedIn(consumer, producer)) addDependency(consumer, producer);
      }
    }
    return referenced;
  };
  markReferencedExports(templates, allReferences);
  return {
    inputs,
    elements,
    stacks: new Map([...stackNames].map(([stack, name]) => [name, stack])),
    stackNames,
    dependencies,
    problems,
    allReferences,
  };
}

/**
 * The stacks CDK adds an output to for a reference from `consumer` to a value
 * (`${logicalId}|${attribute}`) of `producer`, each with the value's key there, as aws-cdk-lib's
 * core (refs.ts, resolveValue) wires it: none when the consumer is the producer or nested in it
 * (a parameter of the nested stack); a nested producer outputs the value, and so does each stack
 * it is nested in, up to the top-level one (which exports it) or to the first the consumer is in
 * itself. In a stack above the producer the key names the producer too (its logical IDs are its own).
 */
export function outputsForReference(consumer: Stack, producer: Stack, value: string): [Stack, string][] {
  const outputs: [Stack, string][] = [];
  for (let s: Stack | undefined = producer; s && !isNestedIn(consumer, s); s = s.nestedStackParent) {
    outputs.push([s, s === producer ? value : `${producer.node.path}#${value}`]);
  }
  return outputs;
}

/**
 * Whether CDK wires a reference through its cross-Region export writer (no output): a consumer in
 * another known Region of the same account, with a strong reference (the resource's own strength,
 * else the consumer's context `@aws-cdk/core:defaultCrossStackReferences`, strong by default).
 * With weak or both, or across accounts, CDK publishes an output the consumer reads
 * (Fn::GetStackOutput): counted (aws-cdk-lib core, refs.ts resolveValue).
 */
function crossRegionStrong(consumer: Stack, producer: Stack, target: CfnElement): boolean {
  if (Token.isUnresolved(consumer.region) || Token.isUnresolved(producer.region) || consumer.region === producer.region) return false;
  if (consumer.account !== producer.account) return false;
  const own = CfnResource.isCfnResource(target) ? (target as unknown as { _crossStackReferenceStrengthOverride?: string })._crossStackReferenceStrengthOverride : undefined;
  return (own ?? consumer.node.tryGetContext('@aws-cdk/core:defaultCrossStackReferences') ?? 'strong') === 'strong';
}

/**
 * Marks each `ExportsOutput...` output (CDK's, made by an earlier synthesis or by
 * `Stack.exportValue`) whose value another stack of the app references (every element read, the
 * unrendered ones too): the ingest then takes it for CDK's own reference export, not an export
 * for stacks outside the app (`REFERENCED_IN_APP`). Reads every reference only when the tree has
 * such an output.
 */
function markReferencedExports(templates: Map<Stack, any>, allReferences: () => Map<Stack, Set<string>>): void {
  for (const [stack, template] of templates) {
    for (const [logicalId, output] of Object.entries<any>(template.Outputs ?? {})) {
      if (!logicalId.startsWith('ExportsOutput') || !output || typeof output !== 'object') continue;
      const value = output.Value;
      const getAtt = value?.['Fn::GetAtt'];
      const key = typeof value?.Ref === 'string' ? `${value.Ref}|Ref`
        : Array.isArray(getAtt) && getAtt.length === 2 ? `${getAtt[0]}|${getAtt[1]}` : undefined;
      if (key !== undefined && allReferences().get(stack)?.has(key)) output[REFERENCED_IN_APP] = true;
    }
  }
}

function stackOf(construct: IConstruct): Stack | undefined {
  try {
    return Stack.of(construct);
  } catch {
    return undefined; // above every stack (the App, a Stage)
  }
}

/** A stack's top-level stack, then each stack nested in the one before, down to the stack. */
function nestingChain(stack: Stack): Stack[] {
  const chain: Stack[] = [];
  for (let s: Stack | undefined = stack; s; s = s.nestedStackParent) chain.unshift(s);
  return chain;
}

/** Whether `inner` is `outer` or a stack nested in it (deployed as its resource). */
function isNestedIn(inner: Stack, outer: Stack): boolean {
  for (let s: Stack | undefined = inner; s; s = s.nestedStackParent) if (s === outer) return true;
  return false;
}

/**
 * The CloudFormation stack name where it is unique in the app (so plans match the CLI's over
 * cdk.out), the construct path otherwise; a nested stack is `${parent}/${logicalId}` as in the CLI.
 */
function nameStacks(stacks: Stack[]): Map<Stack, string> {
  const names = new Map<Stack, string>();
  const count = new Map<string, number>();
  for (const s of stacks) if (!s.nested) count.set(s.stackName, (count.get(s.stackName) ?? 0) + 1);
  const nameOf = (s: Stack): string => {
    const cached = names.get(s);
    if (cached) return cached;
    let name: string;
    if (s.nested && s.nestedStackParent && s.nestedStackResource) {
      name = `${nameOf(s.nestedStackParent)}/${s.nestedStackParent.resolve(s.nestedStackResource.logicalId)}`;
    } else {
      name = count.get(s.stackName) === 1 ? s.stackName : s.node.path;
    }
    names.set(s, name);
    return name;
  };
  for (const s of stacks) nameOf(s);
  return names;
}

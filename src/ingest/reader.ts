import { Cidr, Fact, known, NetworkModel, parseCidr, SourceRef, SymbolicZone, unknown } from '../model';
import {
  cdkPlaceholderZone, deployTimeReason, InputSet, isResourceRef, isSymbolicZone, isUnresolved, NESTED_STACK, parseSingleRefMarker, refWords, ResourceRef, StackEvaluator,
  symbolicZoneReason, unresolved, withoutMarkers,
} from './intrinsics';
import type { PrefixListContents } from './prefix-lists';
import { isObject, safeString } from './template';
import { TemplateInput } from './types';

/** Everything readers share while one model is built. */
export interface BuildContext {
  readonly model: NetworkModel;
  readonly inputs: InputSet;
  /** Transit gateways' default association / propagation settings, by model id. */
  readonly transitGatewayDefaults: Map<string, { associate: boolean; propagate: boolean }>;
  /** What each customer-managed prefix list of the templates holds, and its weight (`MaxEntries`), by model id. */
  readonly prefixLists: Map<string, { readonly contents: PrefixListContents; readonly weight: Fact<number> }>;
}

/**
 * Reads one template resource: evaluates its properties and turns them into model facts, recording
 * an issue for every value that matters and cannot be determined.
 */
export class ResourceReader {
  readonly id: string;
  readonly source: SourceRef;
  readonly type: string;
  /**
   * Set when the resource's `Condition` cannot be decided: it may not exist, so what it adds to
   * the network (a route, a rule, an association...) is only possible, never certain.
   */
  uncertain?: string;
  private readonly evaluator: StackEvaluator;
  private readonly properties: Record<string, unknown>;
  /**
   * Why a property the template does not show may still be set: the properties are (partly)
   * included by `Fn::Transform` (`AWS::Include`, a macro), which is not expanded.
   */
  private readonly included?: string;

  /**
   * `indexed`: the resource's model id and its stack's evaluator, when the caller has them (as
   * `context.inputs` gives them).
   */
  constructor(readonly context: BuildContext, readonly input: TemplateInput, readonly logicalId: string,
    readonly resource: Record<string, any>, indexed?: { readonly modelId: string; readonly evaluator: StackEvaluator }) {
    this.id = indexed ? indexed.modelId : context.inputs.modelId(input, logicalId);
    const type = resource.Type;
    this.type = typeof type === 'string' ? type : safeString(type);
    this.evaluator = indexed ? indexed.evaluator : context.inputs.evaluator(input.stackName);
    this.properties = isObject(resource.Properties) ? resource.Properties : {};
    const transform = this.properties['Fn::Transform'];
    if (transform !== undefined) {
      const name = isObject(transform) && typeof transform.Name === 'string' ? transform.Name : 'a macro';
      this.included = `${input.stackName}/${logicalId}: its properties are included by Fn::Transform ${name}, which glue-netplan does not expand`;
    }
    const constructPath = resource.Metadata?.['aws:cdk:path'];
    // Optional keys set one by one (same keys, same order as spreading them): every resource read
    // builds one.
    const source: { stack: string; logicalId: string; constructPath?: string; file?: string } = { stack: input.stackName, logicalId };
    if (typeof constructPath === 'string') source.constructPath = constructPath;
    if (input.file) source.file = input.file;
    this.source = source;
  }

  get model(): NetworkModel {
    return this.context.model;
  }

  has(property: string): boolean {
    return this.properties[property] !== undefined || this.included !== undefined;
  }

  /**
   * Whether the resource exists: its `Condition` evaluated with the parameters given (and their
   * defaults). `undefined` when that cannot be decided (the reason is in `uncertain` then).
   */
  exists(): boolean | undefined {
    const condition = this.resource.Condition;
    if (condition === undefined) return true;
    const value = typeof condition === 'string'
      ? this.evaluator.conditionValue({ Condition: condition })
      : unresolved(`Condition ${describeValue(condition)} is not a condition name`);
    if (typeof value === 'boolean') return value;
    this.uncertain = `${this.describe()} exists only if condition ${typeof condition === 'string' ? condition : '?'} holds, which cannot be decided (${value.reason})`;
    this.issue('Condition', this.uncertain);
    return undefined;
  }

  /** The evaluated property (`undefined` when absent). */
  value(property: string): unknown {
    const raw = this.properties[property];
    // Not shown, yet perhaps included: unknown, never absent.
    if (raw === undefined && this.included !== undefined) return unresolved(this.included);
    return this.evaluator.evaluate(raw);
  }

  evaluate(raw: unknown): unknown {
    return this.evaluator.evaluate(raw);
  }

  /** Evaluated resource metadata entry. */
  metadata(key: string): unknown {
    const raw = this.resource.Metadata?.[key];
    return raw === undefined ? undefined : this.evaluator.evaluate(raw);
  }

  issue(property: string, problem: string): void {
    // A missing parameter is reported once, by itself (see `buildModel`), not in each use.
    const missing = this.context.inputs.missingParameters;
    if (missing.size > 0) for (const reason of missing.keys()) if (problem.includes(reason)) return;
    this.model.issues.push({ source: this.source, message: `${this.input.stackName}/${this.logicalId} (${this.type}): ${property}: ${problem}` });
  }

  /** A part of the input the reader skips, with what the user can do to have it checked. */
  notRead(message: string, fix: string): void {
    this.model.issues.push({ source: this.source, message, kind: 'not-read', fix });
  }

  /** An unknown fact whose reason is also reported as an issue. */
  unknownWithIssue<T>(property: string, reason: string): Fact<T> {
    this.issue(property, reason);
    return unknown(reason);
  }

  /**
   * The model id a value designates: a Ref to a template resource, or a literal AWS id
   * (`subnet-0abc`), which is its own model id.
   */
  idFact(value: unknown, property: string): Fact<string> {
    const ref = asRef(value);
    if (ref) {
      // A nested stack is not the resource its outputs name: never a subnet or a group.
      if (this.context.inputs.hasNestedStacks && this.context.inputs.resource(ref.modelId)?.type === NESTED_STACK) {
        return unknown(`${this.describe()}: ${property} refers to nested stack ${ref.modelId} itself, not to a resource id (Fn::GetAtt ${ref.modelId.split('/').pop()}.Outputs.Name gives an output of it)`);
      }
      return known(ref.modelId);
    }
    if (typeof value === 'string' && value !== '' && !value.includes('{{')) return known(value);
    if (isUnresolved(value)) return unknown(value.reason);
    // A value known only at deploy time (a dynamic reference): why, not "is not a resource id".
    const deployTime = typeof value === 'string' ? /^\{\{unknown:([^}]*)\}\}$/.exec(value) : null;
    if (deployTime) return unknown(`${this.describe()}: ${property} is ${deployTime[1]}`);
    if (value === undefined) return unknown(`${this.describe()} has no ${property}`);
    return unknown(`${this.describe()}: ${property} ${describeValue(value)} is not a resource id`);
  }

  /** Like `idFact`, reporting an issue when the id is unknown. */
  requiredId(property: string): Fact<string> {
    const fact = this.idFact(this.value(property), property);
    if (!fact.known) this.issue(property, fact.reason);
    return fact;
  }

  /** A list of ids; elements that cannot be resolved are reported and left out. */
  idList(value: unknown, property: string): string[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      const single = this.idFact(value, property);
      if (!single.known) this.issue(property, single.reason);
      return single.known ? [single.value] : [];
    }
    const ids: string[] = [];
    value.forEach((item, index) => {
      const fact = this.idFact(item, `${property}[${index}]`);
      if (fact.known) ids.push(fact.value);
      else this.issue(`${property}[${index}]`, fact.reason);
    });
    return ids;
  }

  /** A list of ids as a fact: unknown when the list or any element cannot be resolved. */
  idListFact(value: unknown, property: string): Fact<string[]> {
    if (isUnresolved(value)) return unknown(value.reason);
    const items = Array.isArray(value) ? value : [value];
    const ids: string[] = [];
    for (const [index, item] of items.entries()) {
      const fact = this.idFact(item, `${property}[${index}]`);
      if (!fact.known) return unknown(fact.reason);
      ids.push(fact.value);
    }
    return known(ids);
  }

  /** An IPv4 CIDR property; unknown (with an issue) when unresolvable or malformed. */
  cidr(property: string, value: unknown = this.value(property)): Fact<Cidr> {
    if (isUnresolved(value)) return this.unknownWithIssue(property, value.reason);
    if (typeof value !== 'string' || value.includes('{{')) {
      return this.unknownWithIssue(property, deployTimeReason(value) ?? `${describeValue(value)} is known only at deploy time`);
    }
    const cidr = parseCidr(value);
    if (!cidr) {
      return this.unknownWithIssue(property, `"${value}" in ${this.describe()} is not a valid IPv4 CIDR (a.b.c.d/n, n <= 32, no host bits set)`);
    }
    return known(cidr);
  }

  /**
   * An Availability Zone property. A zone from `Fn::GetAZs` is unknown (its name depends on the
   * account) but keeps which zone of the list it is, so equal indexes still compare equal.
   */
  zoneFact(property: string, evaluated: unknown = this.value(property)): { availabilityZone: Fact<string>; symbolicZone?: SymbolicZone } {
    // CDK's placeholder zones (`dummy1a`) are not names: read as the zone they stand for.
    const value = cdkPlaceholderZone(evaluated) ?? evaluated;
    if (isSymbolicZone(value)) {
      return {
        availabilityZone: unknown(symbolicZoneReason(value)),
        symbolicZone: { symbol: value.symbol, list: value.list, index: value.index, ...(value.zoneId !== undefined ? { zoneId: value.zoneId } : {}) },
      };
    }
    return { availabilityZone: this.stringFact(property, value) };
  }

  stringFact(property: string, value: unknown = this.value(property)): Fact<string> {
    if (isUnresolved(value)) return unknown(value.reason);
    const ref = asRef(value);
    if (ref) return unknown(`${this.describe()}: ${property} is ${describeValue(ref)}`);
    if (typeof value === 'string') {
      // Built from a value known only at deploy time (`!Sub '${Env}-load'` without Env): unknown,
      // never a name with a marker in it.
      // (Both markers start with `{{`: most strings have none.)
      if (value.includes('{{')) {
        const marker = /\{\{unknown:(.*?)\}\}/.exec(value);
        if (marker) return unknown(marker[1]);
        const reference = /\{\{ref:([^}]*?):[^:}]*\}\}/.exec(value);
        if (reference) return unknown(`${this.describe()}: ${property} is built from ${reference[1]}, known only at deploy time`);
      }
      return known(value);
    }
    if (typeof value === 'number') return known(String(value));
    return unknown(`${this.describe()}: ${property} ${describeValue(value)} is not a string`);
  }

  numberFact(property: string, value: unknown = this.value(property)): Fact<number> {
    if (isUnresolved(value)) return unknown(value.reason);
    const deployTime = deployTimeReason(value);
    if (deployTime !== undefined) return this.unknownWithIssue(property, deployTime);
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n === 'number' && Number.isFinite(n)) return known(n);
    return this.unknownWithIssue(property, `${describeValue(value)} is not a number`);
  }

  booleanFact(property: string, defaultValue: boolean, value: unknown = this.value(property)): Fact<boolean> {
    if (value === undefined) return known(defaultValue);
    if (value === true || value === 'true') return known(true);
    if (value === false || value === 'false') return known(false);
    if (isUnresolved(value)) return unknown(value.reason);
    return this.unknownWithIssue(property, `${describeValue(value)} is not a boolean`);
  }

  /** A boolean where the reader needs a plain value: unknowns fall back to the default. */
  boolean(property: string, defaultValue: boolean): boolean {
    const fact = this.booleanFact(property, defaultValue);
    return fact.known ? fact.value : defaultValue;
  }

  /** The template resource a value refers to, when it is one. */
  referencedType(value: unknown): string | undefined {
    const ref = asRef(value);
    return ref ? this.context.inputs.resource(ref.modelId)?.type : undefined;
  }

  describe(): string {
    return `${this.input.stackName}/${this.logicalId}`;
  }
}

/** A ResourceRef, or a string that is exactly one ref marker (`!Sub '${Subnet}'`). */
export function asRef(value: unknown): ResourceRef | undefined {
  if (isResourceRef(value)) return value;
  if (typeof value === 'string') return parseSingleRefMarker(value);
  return undefined;
}

/** A value in words for messages: internal markers (`{{ref:...}}`, `{{unknown:...}}`) never reach a message. */
export function describeValue(value: unknown): string {
  if (isResourceRef(value)) return `the deploy-time value of ${refWords(value.modelId, value.attribute)}`;
  if (isUnresolved(value)) return `a value known only at deploy time (${value.reason})`;
  return value === undefined ? 'undefined' : withoutMarkers(JSON.stringify(value));
}

import { CDK_PLACEHOLDER_ZONES, cidrOf, parseCidr, SymbolicZone } from '../model';
import { TemplateError } from './errors';
import { hasOwn, isObject, ownValue, safeNumber, safeString, setOwn } from './template';
import { TemplateInput } from './types';

/** A Ref / Fn::GetAtt to a resource of the model (`${stackName}/${logicalId}`). */
export interface ResourceRef {
  readonly kind: 'ref';
  readonly modelId: string;
  readonly attribute?: string;
}

/** A value the templates do not determine, with the reason (naming stack and logical id). */
export interface Unresolved {
  readonly kind: 'unresolved';
  readonly reason: string;
  /**
   * Set when the value may be no value at all: an `Fn::If` on a condition that cannot be decided
   * with `AWS::NoValue` on a branch, so the property it sets may be absent (never "surely set").
   */
  readonly mayBeAbsent?: true;
  /**
   * Set on `Fn::GetAtt <Subnet>.AvailabilityZone` of a subnet of the templates that names no zone
   * (EC2 picks it): the model id of that subnet. The value is unknown, but it is that subnet's
   * zone, whatever EC2 picks.
   */
  readonly zoneOfSubnet?: string;
}

/** A zone of `Fn::GetAZs`' list, as the evaluator gives it: its name is known only at deploy time. */
export interface SymbolicZoneValue extends SymbolicZone {
  readonly kind: 'zone';
}

export function symbolicZone(list: string, index: number): SymbolicZoneValue {
  return { kind: 'zone', symbol: `${list}-az${index + 1}`, list, index };
}

/**
 * The zone `Fn::GetAtt <Subnet>.AvailabilityZone` gives for a subnet placed by `AvailabilityZoneId`:
 * CloudFormation returns the zone's name (AWS::EC2::Subnet, return values: `AvailabilityZone`
 * "us-east-1a", `AvailabilityZoneId` "use1-az1",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-subnet.html),
 * which the account maps to that ID and the templates do not show; the zone itself is the ID's.
 */
export function zoneOfZoneId(zoneId: string): SymbolicZoneValue {
  return { kind: 'zone', symbol: zoneId, list: 'zone-id', index: 0, zoneId };
}

/**
 * The zone a CDK placeholder names: `dummy1a`, `dummy1b`, `dummy1c` are what `Stack.availabilityZones`
 * gives a stack with a pinned environment before the CDK CLI has looked the account's zones up
 * (aws-cdk-lib core/lib/stack.ts, `ContextProvider.getValue` with `dummyValue`; the CLI then
 * records the zones in cdk.context.json and synthesizes again). No Region has zones of these
 * names: each stands for the zone at that index of the stack's list, whose name is not known yet.
 */
export function cdkPlaceholderZone(value: unknown): SymbolicZoneValue | undefined {
  const match = typeof value === 'string' ? /^dummy1([abc])$/.exec(value) : null;
  return match ? { kind: 'zone', symbol: value as string, list: CDK_PLACEHOLDER_ZONES, index: match[1].charCodeAt(0) - 'a'.charCodeAt(0) } : undefined;
}

export function isSymbolicZone(value: unknown): value is SymbolicZoneValue {
  return isObject(value) && value.kind === 'zone' && typeof value.symbol === 'string';
}

/** Why a zone from `Fn::GetAZs` has no name yet, and how to give it one. */
export function symbolicZoneReason(zone: SymbolicZone): string {
  if (zone.list === CDK_PLACEHOLDER_ZONES) {
    return `${zone.symbol} is CDK's placeholder for zone ${zone.index + 1} of the stack's Availability Zones: the app was synthesized before the CDK CLI looked up the account's zones (the availability-zones context entry is missing), so the zone's name is not known yet`;
  }
  if (zone.zoneId !== undefined) {
    return `Fn::GetAtt Subnet.AvailabilityZone of a subnet placed by AvailabilityZoneId ${zone.zoneId}: CloudFormation returns the zone's name, which depends on the account and is known only at deploy time (the zone is the one whose AZ ID is ${zone.zoneId})`;
  }
  return `Fn::GetAZs: known only at deploy time (${zone.symbol} is zone ${zone.index + 1} of the list Fn::GetAZs returns${zone.list === 'current-region' ? ' in the stack\'s Region' : ` in ${zone.list}`}, which depends on the account)`;
}

export function resourceRef(modelId: string, attribute?: string): ResourceRef {
  return attribute === undefined ? { kind: 'ref', modelId } : { kind: 'ref', modelId, attribute };
}

export function unresolved(reason: string): Unresolved {
  return { kind: 'unresolved', reason };
}

export function isResourceRef(value: unknown): value is ResourceRef {
  return isObject(value) && value.kind === 'ref' && typeof value.modelId === 'string';
}

export function isUnresolved(value: unknown): value is Unresolved {
  return isObject(value) && value.kind === 'unresolved' && typeof value.reason === 'string';
}

/** The marker a ResourceRef leaves inside a string built by Fn::Join / Fn::Sub. */
export function refMarker(ref: ResourceRef): string {
  return `{{ref:${ref.modelId}:${ref.attribute ?? ''}}}`;
}

export function unknownMarker(reason: string): string {
  return `{{unknown:${reason}}}`;
}

/**
 * A text with dynamic references (`{{resolve:ssm:/db/host}}`, `{{resolve:secretsmanager:...}}`,
 * `{{resolve:ssm-secure:...}}`): CloudFormation replaces each with the parameter's or secret's
 * value when it deploys (CloudFormation User Guide, "Get values stored in other services using
 * dynamic references", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html),
 * so each is a value known only at deploy time: a marker, never the reference's text read as a
 * value (a host named `{{resolve`, a group id, a name). Also applied to what Fn::Sub and Fn::Join
 * give: a reference built from parts (`{{resolve:ssm:/${Env}/host}}`, or Fn::Join of
 * '{{resolve:secretsmanager:', a secret's Ref and ':SecretString:host}}', as in
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/cfn-example_reference-secret.html)
 * is whole only then.
 */
export function withDynamicReferences(text: string): string {
  let result = '';
  let from = 0;
  for (let start = text.indexOf('{{resolve:'); start >= 0; start = text.indexOf('{{resolve:', from)) {
    const end = dynamicReferenceEnd(text, start);
    if (end < 0) break; // not closed: left as it is
    // The reference as words: a marker inside it (a Ref or a value Fn::Sub or Fn::Join put there) in words too.
    const reference = withoutMarkers(text.slice(start + 2, end - 2)).replace(/[{}]/g, '');
    result += text.slice(from, start) + unknownMarker(`the dynamic reference ${reference}, which CloudFormation resolves at deploy time`);
    from = end;
  }
  return from === 0 ? text : result + text.slice(from);
}

/**
 * The reason of a value that is wholly one deploy-time marker (a dynamic reference, most often:
 * `Port: '{{resolve:ssm:/db/port}}'`), else undefined: read as an unresolved value, never as text
 * that "is not a number" or "is not a port range".
 */
export function deployTimeReason(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('{{unknown:')) return undefined;
  const m = /^\{\{unknown:([^}]*)\}\}$/.exec(value);
  return m ? m[1] : undefined;
}

/**
 * Where the dynamic reference opened at `start` ends (just past its `}}`), or -1. A reference
 * Fn::Sub or Fn::Join builds holds the markers of its parts (`{{resolve:secretsmanager:{{ref:...}}:SecretString:host::}}`,
 * CDK's `secretValueFromJson`): they are inside it, so braces are counted.
 */
function dynamicReferenceEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length - 1;) {
    if (text[i] === '{' && text[i + 1] === '{') {
      depth++;
      i += 2;
    } else if (text[i] === '}' && text[i + 1] === '}') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return -1;
}

/** A resource reference in words: `Stack/Logical.Attribute`. */
export function refWords(modelId: string, attribute: string | undefined): string {
  return attribute ? `${modelId}.${attribute}` : modelId;
}

/** Text with every marker replaced by words. */
export function withoutMarkers(text: string): string {
  return text
    .replace(/\{\{ref:([^}]*?):([^:}]*)\}\}/g, (_, id: string, attribute: string) => `<deploy-time value of ${refWords(id, attribute || undefined)}>`)
    .replace(/\{\{unknown:([^}]*)\}\}/g, (_, why: string) => `<known only at deploy time: ${why}>`);
}

const SINGLE_REF_MARKER = /^\{\{ref:(.+):([^:}]*)\}\}$/;

/** The ResourceRef when `text` is exactly one ref marker (e.g. `!Sub '${Subnet}'`). */
export function parseSingleRefMarker(text: string): ResourceRef | undefined {
  if (!text.startsWith('{{ref:')) return undefined; // most strings: no regex run
  const m = SINGLE_REF_MARKER.exec(text);
  if (!m || m[1].includes('}}')) return undefined;
  return resourceRef(m[1], m[2] === '' ? undefined : m[2]);
}

/** A template resource, found by model id. */
export interface ResourceEntry {
  readonly input: TemplateInput;
  readonly logicalId: string;
  readonly type: string;
  readonly resource: Record<string, any>;
  /** `modelIdOf(input, logicalId)`, the one string the set keeps for it. */
  readonly modelId: string;
}

/** Engine default port by RDS / DocumentDB engine name. */
export function defaultPortForEngine(engine: unknown): number | undefined {
  if (typeof engine !== 'string') return undefined;
  const name = engine.toLowerCase();
  if (['mysql', 'mariadb', 'aurora', 'aurora-mysql'].includes(name)) return 3306;
  if (['postgres', 'aurora-postgresql'].includes(name)) return 5432;
  if (name.startsWith('oracle')) return 1521;
  if (name.startsWith('sqlserver')) return 1433;
  if (name === 'docdb') return 27017;
  return undefined;
}

const MAX_DEPTH = 100;

/**
 * `Fn::Cidr`'s largest count
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-cidr.html).
 */
const MAX_CIDR_COUNT = 256;

/**
 * `{"Fn::NetplanStackRef": [stack, logicalId, "Ref" | attribute]}`: a reference to a resource of
 * another stack of the same app. Not CloudFormation: the synth-time guard reads the construct tree
 * before CDK turns such references into exports and imports, and renders them this way.
 */
export const STACK_REF = 'Fn::NetplanStackRef';

/**
 * Set (true) on an output of CDK's `Exports` scope that the construct tree shows another stack
 * of the app references: CDK made it for that reference (an earlier synthesis), where a stub the
 * reader did not render may hold the reference. Not CloudFormation: the guard's tree reading only.
 */
export const REFERENCED_IN_APP = 'NetplanReferencedInApp';

/** A nested stack's resource in its parent; the nested stack is loaded as `${parent}/${logicalId}`. */
export const NESTED_STACK = 'AWS::CloudFormation::Stack';
/** The custom resources of CDK's cross-Region references (`crossRegionReferences: true`). */
const CROSS_REGION_READER = 'Custom::CrossRegionExportReader';
const CROSS_REGION_WRITER = 'Custom::CrossRegionExportWriter';

/**
 * Every loaded template: the resource index by model id, the export index for Fn::ImportValue, and
 * one evaluator per stack.
 */
export class InputSet {
  private readonly evaluators = new Map<string, StackEvaluator>();
  private readonly resources = new Map<string, ResourceEntry>();
  /**
   * Each resource's entry, by template, then logical id. Its model id is one string per resource,
   * shared by the model's keys and every reference to it, so lookups compare it by identity and
   * hash it once.
   */
  private readonly byLogicalId = new Map<TemplateInput, Map<string, ResourceEntry>>();
  /** Each template's resources (those that are objects), in template order. */
  private readonly entries = new Map<TemplateInput, ResourceEntry[]>();
  private exportIndex?: Map<string, ExportEntry[]>;
  /** Whether any template has a nested stack resource (else no reference designates one). */
  readonly hasNestedStacks: boolean = false;
  /** Fn::GetAZs' symbolic zones, by Region. */
  readonly zoneNames = new Map<string, readonly SymbolicZoneValue[]>();
  /** Nesting depth of evaluation across all stacks, to stop circular references. */
  depth = 0;
  /** The deepest `depth` a nesting check has seen (see `importValue`). */
  private deepest = 0;

  /**
   * Parameters whose value is unknown (no default and no value, or read from SSM at deploy time),
   * by the reason their uses carry: each is reported once, by itself, rather than in every value
   * built from it.
   */
  readonly missingParameters = new Map<string, { readonly input: TemplateInput; readonly name: string; readonly ssmName?: string }>();

  constructor(readonly inputs: readonly TemplateInput[]) {
    for (const input of inputs) {
      this.evaluators.set(input.stackName, new StackEvaluator(input, this));
      const resources = input.template.Resources ?? {};
      const ids = new Map<string, ResourceEntry>();
      const entries: ResourceEntry[] = [];
      this.byLogicalId.set(input, ids);
      this.entries.set(input, entries);
      // The keys, then each value by its key: a large object (a template's Resources) is held as a
      // dictionary, whose Object.values costs twice as much as a lookup by key.
      const logicalIds = Object.keys(resources);
      for (let i = 0; i < logicalIds.length; i++) {
        const logicalId = logicalIds[i];
        const resource: unknown = resources[logicalId];
        if (!isObject(resource)) continue;
        const modelId = modelIdOf(input, logicalId);
        const type = resource.Type;
        const entry: ResourceEntry = { input, logicalId, type: typeof type === 'string' ? type : safeString(type), resource, modelId };
        ids.set(logicalId, entry);
        entries.push(entry);
        this.resources.set(modelId, entry);
        if (entry.type === NESTED_STACK) this.hasNestedStacks = true;
      }
    }
  }

  /** The unknown value of a parameter with no default and no value (or read from SSM), recorded to be reported once. */
  missingParameter(input: TemplateInput, name: string, ssmName?: string): Unresolved {
    const reason = ssmName === undefined
      ? `stack ${input.stackName}: parameter ${name} has no default and no value was given`
      : `stack ${input.stackName}: parameter ${name} is read from SSM parameter ${ssmName} at deploy time`;
    if (!this.missingParameters.has(reason)) this.missingParameters.set(reason, { input, name, ...ssmName !== undefined ? { ssmName } : {} });
    return unresolved(reason);
  }

  /** The template's resources that are objects, in template order (none for a template not in the set). */
  resourcesOf(input: TemplateInput): readonly ResourceEntry[] {
    return this.entries.get(input) ?? [];
  }

  /** `modelIdOf`, as the one string the set keeps for a resource of the templates. */
  modelId(input: TemplateInput, logicalId: string): string {
    return this.byLogicalId.get(input)?.get(logicalId)?.modelId ?? modelIdOf(input, logicalId);
  }

  /**
   * The template's resource of that logical id, when it is an object: the one
   * `isObject(ownValue(input.template.Resources, logicalId))` finds, with its model id.
   */
  entryOf(input: TemplateInput, logicalId: string): ResourceEntry | undefined {
    return this.byLogicalId.get(input)?.get(logicalId);
  }

  /** Stops an evaluation that nests too deeply; else records how deep it went. */
  tooDeep(): boolean {
    if (this.depth > this.deepest) this.deepest = this.depth;
    return this.depth >= MAX_DEPTH;
  }

  hasStack(stackName: string): boolean {
    return this.evaluators.has(stackName);
  }

  evaluator(stackName: string): StackEvaluator {
    const evaluator = this.evaluators.get(stackName);
    if (!evaluator) throw new Error(`no stack ${stackName}`);
    return evaluator;
  }

  resource(modelId: string): ResourceEntry | undefined {
    return this.resources.get(modelId);
  }

  /**
   * The writers of a CDK cross-Region reference (see `StackEvaluator.crossRegionImport`): the
   * `Custom::CrossRegionExportWriter` resources whose `WriterProps.exports` has the parameter,
   * writing in the consumer's Region (either unknown: may be).
   */
  crossRegionExport(parameterName: string, consumer: TemplateInput): { stackName: string; value: unknown }[] {
    const found: { stackName: string; value: unknown }[] = [];
    for (const input of this.inputs) {
      for (const entry of this.resourcesOf(input)) {
        if (entry.type !== CROSS_REGION_WRITER) continue;
        const props = entry.resource.Properties?.WriterProps;
        const exports = isObject(props) ? props.exports : undefined;
        if (!isObject(exports) || !hasOwn(exports, parameterName)) continue;
        const region = this.evaluator(input.stackName).evaluate(props!.region);
        if (typeof region === 'string' && consumer.region !== undefined && region !== consumer.region) continue;
        if (input.account !== undefined && consumer.account !== undefined && input.account !== consumer.account) continue;
        found.push({ stackName: input.stackName, value: exports[parameterName] });
      }
    }
    return found;
  }

  /**
   * The value an export provides to `importer`, evaluated in the exporting stack; undefined when
   * no stack of its account and Region does; `absent` when the output that would export it is not
   * created (its condition is false). Exports are per account and Region: a stack imports only
   * the exports of its own account and Region ("You can't create cross-stack references across
   * Regions", CloudFormation User Guide, *Fn::ImportValue*,
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-importvalue.html).
   * A stack whose account or Region is not known (environment-agnostic) may be in any.
   */
  importValue(exportName: string, importer: TemplateInput): { value: unknown; absent?: undefined } | { absent: string } | undefined {
    if (!this.exportIndex) {
      this.exportIndex = new Map();
      // Export names are unique per account and Region: several stages may each export one name.
      for (const input of this.inputs) {
        const evaluator = this.evaluator(input.stackName);
        const outputs = isObject(input.template.Outputs) ? input.template.Outputs : {};
        for (const [outputName, output] of Object.entries<any>(outputs)) {
          if (!isObject(output) || !isObject(output.Export) || output.Export.Name === undefined) continue;
          const name = evaluator.evaluate(output.Export.Name);
          if (typeof name !== 'string') continue;
          // An output whose condition is false is not created: nothing is exported under its name.
          const exists = evaluator.outputExists(output);
          let entries = this.exportIndex.get(name);
          if (!entries) this.exportIndex.set(name, entries = []);
          const env = { region: input.region, account: input.account };
          if (exists === true) {
            entries.push({ stackName: input.stackName, ...env, value: output.Value });
            continue;
          }
          // (The words only for an output that may not exist.)
          const where = `output ${outputName} of stack ${input.stackName}, which exports ${name},`;
          if (exists === false) entries.push({ stackName: input.stackName, ...env, value: undefined, absent: `${where} exists only if condition ${safeString(output.Condition)} holds, which is false` });
          else entries.push({ stackName: input.stackName, ...env, value: unresolved(`${where} exists only if condition ${safeString(output.Condition)} holds, which cannot be decided (${exists.reason})`) });
        }
      }
    }
    const candidates = (this.exportIndex.get(exportName) ?? []).filter((e) => mayShareEnvironment(e, importer));
    if (candidates.length > 1) {
      return { value: unresolved(`stack ${importer.stackName}: Fn::ImportValue ${exportName}: stacks ${candidates.map((e) => e.stackName).join(', ')} all export it, in accounts or Regions not all known, so which one the import reads is unknown`) };
    }
    const found = candidates[0];
    if (!found) return undefined;
    if (found.absent !== undefined) return { absent: found.absent };
    // Every job and connection imports the same few exports: each is evaluated once, and the
    // result reused wherever its evaluation, started at the current depth, would stay under the
    // nesting limit too (then it nests the same way and gives the same value).
    if (found.evaluated && this.depth + found.evaluated.reach < MAX_DEPTH) {
      // As deep as evaluating it again would go, for an export being evaluated around this one.
      this.deepest = Math.max(this.deepest, this.depth + found.evaluated.reach);
      return { value: found.evaluated.value };
    }
    const start = this.depth;
    const outer = this.deepest;
    this.deepest = start;
    const value = this.evaluator(found.stackName).evaluate(found.value);
    const reach = this.deepest - start;
    this.deepest = Math.max(outer, this.deepest);
    // An evaluation cut short by the limit is not reused: from a shallower depth it goes further.
    if (start + reach < MAX_DEPTH) found.evaluated = { value, reach };
    return { value };
  }
}

/** An export of a loaded stack, and its value once evaluated (with how deep that nested). */
interface ExportEntry {
  readonly stackName: string;
  /** The exporting stack's Region and account, when known. */
  readonly region?: string;
  readonly account?: string;
  readonly value: unknown;
  /** Why nothing is exported under the name: its output's condition is false. */
  readonly absent?: string;
  evaluated?: { readonly value: unknown; readonly reach: number };
}

/** Whether two stacks may deploy to one account and Region: each part known of both is the same. */
export function mayShareEnvironment(a: { readonly account?: string; readonly region?: string }, b: { readonly account?: string; readonly region?: string }): boolean {
  const same = (x?: string, y?: string) => x === undefined || y === undefined || x === y;
  return same(a.account, b.account) && same(a.region, b.region);
}

export function modelIdOf(input: TemplateInput, logicalId: string): string {
  return `${input.stackName}/${logicalId}`;
}

/** Attributes of EC2 resources that are the resource's own id: `!GetAtt Sg.GroupId` is `!Ref Sg`. */
function isOwnIdAttribute(entry: ResourceEntry, attribute: string): boolean {
  return entry.type.startsWith('AWS::EC2::') && /Id$/.test(attribute)
    && !hasOwn(entry.resource.Properties, attribute);
}

/** Whether a (raw) branch of `Fn::If` may be `AWS::NoValue`: it is, or an `Fn::If` with such a branch. */
function mayBeNoValue(raw: unknown): boolean {
  if (!isObject(raw)) return false;
  if (raw.Ref === 'AWS::NoValue') return true;
  const branches = raw['Fn::If'];
  return Array.isArray(branches) && branches.length === 3 && (mayBeNoValue(branches[1]) || mayBeNoValue(branches[2]));
}

/**
 * Evaluates CloudFormation values in the context of one stack. Never throws on template content:
 * whatever it cannot determine becomes `Unresolved` with a reason. `AWS::NoValue` evaluates to
 * `undefined` and disappears from objects and lists.
 */
export class StackEvaluator {
  constructor(private readonly input: TemplateInput, private readonly all: InputSet) {}

  private get stack(): string {
    return this.input.stackName;
  }

  evaluate(value: unknown): unknown {
    if (typeof value !== 'object' || value === null) return typeof value === 'string' && value.includes('{{resolve:') ? withDynamicReferences(value) : value; // most values are leaves
    if (Array.isArray(value)) {
      const items: unknown[] = [];
      for (const item of value) {
        const evaluated = this.evaluate(item);
        if (evaluated !== undefined) items.push(evaluated);
      }
      return items;
    }
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      if (this.all.tooDeep()) {
        return unresolved(`stack ${this.stack}: references nest too deeply (circular?)`);
      }
      this.all.depth++;
      try {
        return this.intrinsic(keys[0], object[keys[0]]);
      } finally {
        this.all.depth--;
      }
    }
    const result: Record<string, unknown> = {};
    for (const key of keys) {
      const item = this.evaluate(object[key]);
      if (item !== undefined) setOwn(result, key, item);
    }
    return result;
  }

  private intrinsic(name: string, arg: unknown): unknown {
    switch (name) {
      case 'Ref': return this.ref(arg);
      case 'Fn::GetAtt': return this.getAtt(arg);
      case 'Fn::Join': return this.join(arg);
      case 'Fn::Sub': return this.sub(arg);
      case 'Fn::Select': return this.select(arg);
      case 'Fn::Split': return this.split(arg);
      case 'Fn::ImportValue': return this.importValue(arg);
      case 'Fn::GetStackOutput': return this.getStackOutput(arg);
      case STACK_REF: return this.stackRef(arg);
      case 'Fn::GetAZs': return this.getAZs(arg);
      case 'Fn::FindInMap': return this.findInMap(arg);
      case 'Fn::If': return this.ifThenElse(arg);
      case 'Fn::Base64': return this.base64(arg);
      case 'Fn::Cidr': return this.cidr(arg);
      case 'Fn::Length': return this.length(arg);
      case 'Fn::ToJsonString': return this.toJsonString(arg);
      case 'Fn::Equals': case 'Fn::Not': case 'Fn::And': case 'Fn::Or':
        return this.conditionValue({ [name]: arg });
      default:
        return unresolved(`stack ${this.stack}: unsupported intrinsic ${name}`);
    }
  }

  private ref(name: unknown): unknown {
    // AWS::LanguageExtensions allows an intrinsic as the name (`!Ref {"Fn::Sub": "Subnet${Az}"}` in a loop).
    if (isObject(name)) name = this.evaluate(name);
    if (typeof name !== 'string') return unresolved(`stack ${this.stack}: Ref to a non-string ${JSON.stringify(name)}`);
    if (name.startsWith('AWS::')) return this.pseudoParameter(name);
    const parameter = ownValue(this.input.template.Parameters, name);
    if (isObject(parameter)) return this.parameter(name, parameter);
    const entry = this.all.entryOf(this.input, name); // (a resource of the template that is an object)
    if (entry) return resourceRef(entry.modelId);
    return unresolved(`stack ${this.stack}: Ref to ${name}, which is neither a resource nor a parameter of the template`);
  }

  private pseudoParameter(name: string): unknown {
    switch (name) {
      case 'AWS::Region':
        return this.input.region ?? unresolved(`stack ${this.stack} is environment-agnostic: its Region is unknown`);
      case 'AWS::AccountId':
        return this.input.account ?? unresolved(`stack ${this.stack} is environment-agnostic: its account is unknown`);
      case 'AWS::Partition': return 'aws';
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::StackName': return this.input.stackName;
      case 'AWS::NoValue': return undefined;
      default: return unresolved(`stack ${this.stack}: ${name} is only known at deploy time`);
    }
  }

  private parameter(name: string, definition: Record<string, any>): unknown {
    const type = safeString(definition.Type ?? 'String');
    let value: unknown;
    const given = this.input.givenParameters;
    if (given && Object.prototype.hasOwnProperty.call(given, name)) {
      value = given[name];
    } else if (hasOwn(this.input.parameters, name)) {
      const passed = this.input.parameters![name];
      value = this.input.parametersStackName ? this.all.evaluator(this.input.parametersStackName).evaluate(passed) : passed;
      if (type.startsWith('AWS::SSM::Parameter::Value<') && typeof value === 'string') return this.all.missingParameter(this.input, name, value);
    } else if (hasOwn(definition, 'Default')) {
      // CDK's SSM-backed parameters (AMI ids, bootstrap version) hold an SSM name, not the value.
      if (type.startsWith('AWS::SSM::Parameter::Value<')) return this.all.missingParameter(this.input, name, safeString(definition.Default));
      value = definition.Default;
    } else {
      return this.all.missingParameter(this.input, name);
    }
    const isList = type === 'CommaDelimitedList' || type.startsWith('List<');
    return isList && typeof value === 'string' ? value.split(',').map((item) => item.trim()) : value;
  }

  private getAtt(arg: unknown): unknown {
    let logicalId: unknown;
    let attribute: unknown;
    if (typeof arg === 'string') {
      const dot = arg.indexOf('.');
      [logicalId, attribute] = dot < 0 ? [arg, ''] : [arg.slice(0, dot), arg.slice(dot + 1)];
    } else if (Array.isArray(arg) && arg.length === 2) {
      logicalId = isObject(arg[0]) ? this.evaluate(arg[0]) : arg[0];
      attribute = this.evaluate(arg[1]);
    }
    if (typeof logicalId !== 'string' || typeof attribute !== 'string' || attribute === '') {
      return unresolved(`stack ${this.stack}: malformed Fn::GetAtt ${JSON.stringify(arg)}`);
    }
    const modelId = this.all.modelId(this.input, logicalId);
    const entry = this.all.resource(modelId);
    if (!entry) return unresolved(`stack ${this.stack}: Fn::GetAtt of ${logicalId}, which is not a resource of the template`);
    return this.attributeValue(entry, modelId, attribute);
  }

  /**
   * An Aurora member's `Endpoint.Port` is its cluster's port (RDS CreateDBInstance: `Port` "doesn't
   * apply to Aurora DB instances. The port number is managed by the cluster"), not its engine's
   * default nor its own `Port`; a cluster outside the template leaves it a reference.
   */
  private clusterMemberPort(clusterIdentifier: unknown, modelId: string, attribute: string): unknown {
    const clusterLogicalId = isObject(clusterIdentifier) && typeof clusterIdentifier.Ref === 'string' ? clusterIdentifier.Ref : undefined;
    const clusterModelId = clusterLogicalId !== undefined ? this.all.modelId(this.input, clusterLogicalId) : undefined;
    const cluster = clusterModelId !== undefined ? this.all.resource(clusterModelId) : undefined;
    return cluster?.type === 'AWS::RDS::DBCluster' ? this.attributeValue(cluster, clusterModelId!, 'Endpoint.Port') : resourceRef(modelId, attribute);
  }

  /** Attributes that are plain property values evaluate to the property; the rest stay references. */
  private attributeValue(entry: ResourceEntry, modelId: string, attribute: string): unknown {
    const properties: Record<string, any> = isObject(entry.resource.Properties) ? entry.resource.Properties : {};
    const property = (key: string, reasonWhenAbsent: string): unknown =>
      hasOwn(properties, key) ? this.evaluate(properties[key]) : unresolved(`stack ${this.stack}: ${entry.logicalId}.${attribute} ${reasonWhenAbsent}`);
    if (entry.type === NESTED_STACK && attribute.startsWith('Outputs.')) return this.nestedStackOutput(entry, modelId, attribute.slice('Outputs.'.length));
    if (entry.type === CROSS_REGION_READER && attribute.startsWith('/cdk/exports/')) return this.crossRegionImport(attribute);
    switch (`${entry.type}.${attribute}`) {
      case 'AWS::EC2::VPC.CidrBlock':
        return property('CidrBlock', 'is allocated at deploy time (no CidrBlock property, e.g. from an IPAM pool)');
      case 'AWS::EC2::VPC.CidrBlockAssociations':
        // The association ids: the primary block's, then each AWS::EC2::VPCCidrBlock's (its Ref).
        return [resourceRef(modelId, 'PrimaryCidrBlockAssociation'), ...this.secondaryCidrBlocksOf(modelId)];
      case 'AWS::EC2::VPC.DefaultNetworkAcl': return resourceRef(`${modelId}#default-nacl`);
      case 'AWS::EC2::VPC.DefaultSecurityGroup': return resourceRef(`${modelId}#default-sg`);
      case 'AWS::EC2::Subnet.AvailabilityZone':
        // A subnet placed by AZ ID is in that zone, whose name (what CloudFormation returns)
        // depends on the account: a zone known by its ID, never the ID as if it were the name.
        if (!hasOwn(properties, 'AvailabilityZone') && hasOwn(properties, 'AvailabilityZoneId')) {
          const zoneId = this.evaluate(properties.AvailabilityZoneId);
          return typeof zoneId === 'string' ? zoneOfZoneId(zoneId) : zoneId;
        }
        if (!hasOwn(properties, 'AvailabilityZone')) {
          return { ...unresolved(`stack ${this.stack}: ${entry.logicalId}.${attribute} is chosen by EC2 (no AvailabilityZone property)`), zoneOfSubnet: modelId };
        }
        return property('AvailabilityZone', 'is chosen by EC2 (no AvailabilityZone property)');
      case 'AWS::EC2::Subnet.VpcId': return property('VpcId', 'is not set');
      case 'AWS::EC2::Subnet.CidrBlock': return property('CidrBlock', 'is allocated at deploy time (no CidrBlock property)');
      case 'AWS::EC2::SecurityGroup.GroupId': return resourceRef(modelId);
      case 'AWS::EC2::SecurityGroup.VpcId': return property('VpcId', 'is the default VPC (no VpcId property)');
      case 'AWS::RDS::DBInstance.Endpoint.Port':
      case 'AWS::RDS::DBCluster.Endpoint.Port':
      case 'AWS::DocDB::DBCluster.Port':
      case 'AWS::Redshift::Cluster.Endpoint.Port': {
        if (entry.type === 'AWS::RDS::DBInstance' && hasOwn(properties, 'DBClusterIdentifier')) return this.clusterMemberPort(properties.DBClusterIdentifier, modelId, attribute);
        if (hasOwn(properties, 'Port')) return this.evaluate(properties.Port);
        const port = entry.type === 'AWS::Redshift::Cluster' ? 5439 : defaultPortForEngine(
          entry.type === 'AWS::DocDB::DBCluster' ? 'docdb' : this.evaluate(properties.Engine));
        return port ?? resourceRef(modelId, attribute);
      }
      case 'AWS::S3::Bucket.RegionalDomainName':
      case 'AWS::S3::Bucket.DualStackDomainName': {
        // `bucket.s3.<region>.amazonaws.com` and `bucket.s3.dualstack.<region>.amazonaws.com`, in
        // the stack's Region (CloudFormation, AWS::S3::Bucket return values,
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-s3-bucket.html):
        // what CDK's bucket.virtualHostedUrlForObject() builds a URL on.
        if (!this.input.region) return resourceRef(modelId, attribute);
        const name = hasOwn(properties, 'BucketName') ? this.evaluate(properties.BucketName) : resourceRef(modelId);
        const label = typeof name === 'string' ? name : isResourceRef(name) ? refMarker(name) : undefined;
        if (label === undefined) return resourceRef(modelId, attribute);
        return `${label}.s3.${attribute === 'DualStackDomainName' ? 'dualstack.' : ''}${this.input.region}.amazonaws.com`;
      }
      default:
        return isOwnIdAttribute(entry, attribute) ? resourceRef(modelId) : resourceRef(modelId, attribute);
    }
  }

  /**
   * `Fn::GetAtt [NestedStack, Outputs.Name]`: the value of the nested stack's output, evaluated in
   * the nested stack (which is loaded as `${stack}/${logicalId}`, the model id of its resource).
   * This is how CDK wires references into, out of and between nested stacks.
   */
  private nestedStackOutput(entry: ResourceEntry, modelId: string, output: string): unknown {
    if (!this.all.hasStack(modelId)) {
      return unresolved(`stack ${this.stack}: output ${output} of nested stack ${entry.logicalId} is unknown: its template was not read`);
    }
    const child = this.all.evaluator(modelId);
    const definition = ownValue(child.outputs(), output);
    if (!isObject(definition) || !hasOwn(definition, 'Value')) {
      return unresolved(`stack ${this.stack}: nested stack ${entry.logicalId} has no output ${output}`);
    }
    const exists = child.outputExists(definition);
    if (exists !== true) {
      return unresolved(`stack ${this.stack}: output ${output} of nested stack ${entry.logicalId} exists only if condition ${safeString(definition.Condition)} holds, which ${exists === false ? 'is false' : `cannot be decided (${exists.reason})`}`);
    }
    return child.evaluate(definition.Value);
  }

  /**
   * A CDK cross-Region reference (`crossRegionReferences: true`, aws-cdk-lib `StackProps`,
   * https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.StackProps.html#crossregionreferences):
   * the consuming stack's `Custom::CrossRegionExportReader` gives, as `Fn::GetAtt [Reader,
   * /cdk/exports/...]`, the SSM parameter the producing stack's `Custom::CrossRegionExportWriter`
   * writes in the consumer's Region from its `WriterProps.exports` (as aws-cdk-lib synthesizes
   * them). The value is the writer's, evaluated in the producing stack; without the producing
   * stack, a value known at deploy time.
   */
  private crossRegionImport(parameterName: string): unknown {
    const found = this.all.crossRegionExport(parameterName, this.input);
    if (found.length === 1) return this.all.evaluator(found[0].stackName).evaluate(found[0].value);
    return unresolved(found.length
      ? `stack ${this.stack}: the cross-Region reference ${parameterName} is written by stacks ${found.map((f) => f.stackName).join(', ')}, so which value it reads is unknown`
      : `stack ${this.stack}: the cross-Region reference ${parameterName} is read from SSM at deploy time, and no loaded stack writes it (its producing stack was not read)`);
  }

  /**
   * Whether an output exists: its `Condition` evaluated with the parameters given. An output
   * whose condition is false is not created, and neither is its export.
   */
  outputExists(output: Record<string, unknown>): boolean | Unresolved {
    if (output.Condition === undefined) return true;
    if (typeof output.Condition !== 'string') return unresolved(`stack ${this.stack}: output Condition ${JSON.stringify(output.Condition)} is not a condition name`);
    return this.conditionValue({ Condition: output.Condition });
  }

  /** The template's `Outputs` section. */
  outputs(): Record<string, unknown> | undefined {
    const outputs = this.input.template.Outputs;
    return isObject(outputs) ? outputs : undefined;
  }

  private secondaryCidrBlocksOf(vpcModelId: string): ResourceRef[] {
    const refs: ResourceRef[] = [];
    for (const [logicalId, resource] of Object.entries<any>(this.input.template.Resources)) {
      if (resource?.Type !== 'AWS::EC2::VPCCidrBlock') continue;
      const vpc = this.evaluate(resource.Properties?.VpcId);
      if (isResourceRef(vpc) && vpc.modelId === vpcModelId) refs.push(resourceRef(this.all.modelId(this.input, logicalId)));
    }
    return refs;
  }

  /** Renders an evaluated value into a string, keeping references and unknowns as markers. */
  private stringify(value: unknown): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (isResourceRef(value)) return refMarker(value);
    if (isUnresolved(value)) return unknownMarker(value.reason);
    if (isSymbolicZone(value)) return unknownMarker(symbolicZoneReason(value));
    return unknownMarker(`stack ${this.stack}: ${JSON.stringify(value)} is not a string`);
  }

  private join(arg: unknown): unknown {
    if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') {
      return unresolved(`stack ${this.stack}: malformed Fn::Join ${JSON.stringify(arg)}`);
    }
    const parts = this.evaluate(arg[1]);
    if (isUnresolved(parts)) return parts;
    if (!Array.isArray(parts)) return unresolved(`stack ${this.stack}: Fn::Join of a non-list`);
    // A dynamic reference may be built from parts (CDK's secretValueFromJson: the secret's Ref
    // between '{{resolve:secretsmanager:' and ':SecretString:...}}'): whole only once joined.
    const joined = parts.map((part) => this.stringify(part)).join(arg[0]);
    return joined.includes('{{resolve:') ? withDynamicReferences(joined) : joined;
  }

  private sub(arg: unknown): unknown {
    let text: unknown = arg;
    let variables: Record<string, unknown> = {};
    if (Array.isArray(arg)) {
      [text] = arg;
      variables = isObject(arg[1]) ? arg[1] : {};
    }
    if (typeof text !== 'string') return unresolved(`stack ${this.stack}: malformed Fn::Sub ${JSON.stringify(arg)}`);
    const substituted = text.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => {
      // `${!Literal}` writes `${Literal}`.
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      const key = name.trim();
      if (hasOwn(variables, key)) return this.stringify(this.evaluate(variables[key]));
      const dot = key.indexOf('.');
      if (dot > 0 && !key.startsWith('AWS::')) return this.stringify(this.getAtt([key.slice(0, dot), key.slice(dot + 1)]));
      return this.stringify(this.ref(key));
    });
    // After the substitution: a reference may hold a variable (`{{resolve:ssm:/${Env}/db/host}}`).
    return substituted.includes('{{resolve:') ? withDynamicReferences(substituted) : substituted;
  }

  private select(arg: unknown): unknown {
    if (!Array.isArray(arg) || arg.length !== 2) return unresolved(`stack ${this.stack}: malformed Fn::Select ${JSON.stringify(arg)}`);
    const index = safeNumber(this.evaluate(arg[0]));
    const list = this.evaluate(arg[1]);
    if (isUnresolved(list)) return list;
    if (!Array.isArray(list) || !Number.isInteger(index)) {
      return unresolved(`stack ${this.stack}: Fn::Select ${JSON.stringify(arg)} cannot be evaluated`);
    }
    if (index < 0 || index >= list.length) {
      return unresolved(`stack ${this.stack}: Fn::Select index ${index} is out of range (list of ${list.length})`);
    }
    return list[index];
  }

  private split(arg: unknown): unknown {
    if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') {
      return unresolved(`stack ${this.stack}: malformed Fn::Split ${JSON.stringify(arg)}`);
    }
    const source = this.evaluate(arg[1]);
    if (isUnresolved(source)) return source;
    if (typeof source !== 'string') return unresolved(`stack ${this.stack}: Fn::Split of a value that is not a string`);
    // A text with a value known only at deploy time (a dynamic reference, an unresolved
    // parameter): that value may hold the delimiter, so how many items there are and which is
    // where are not known (was: the marker itself split, a piece of its words, ' which
    // CloudFormation resolves at deploy time}}', taken as a zone or a subnet id). (A resource's
    // attribute, `{{ref:...}}`, stays one item: it still names its resource.)
    if (source.includes('{{unknown:')) {
      return unresolved(`stack ${this.stack}: Fn::Split of a text with a value known only at deploy time (${withoutMarkers(source)}): which item is where is not known`);
    }
    return source.split(arg[0]);
  }

  /** A reference to another stack's resource, as the guard renders it before CDK wires exports. */
  private stackRef(arg: unknown): unknown {
    if (!Array.isArray(arg) || arg.length !== 3 || !arg.every((x) => typeof x === 'string')) {
      return unresolved(`stack ${this.stack}: malformed ${STACK_REF} ${JSON.stringify(arg)}`);
    }
    const [stackName, logicalId, attribute] = arg as string[];
    if (!this.all.hasStack(stackName)) return unresolved(`stack ${this.stack}: reference to ${logicalId} in stack ${stackName}, which is not loaded`);
    return this.all.evaluator(stackName).evaluate(attribute === 'Ref' ? { Ref: logicalId } : { 'Fn::GetAtt': [logicalId, attribute] });
  }

  private importValue(arg: unknown): unknown {
    const name = this.evaluate(arg);
    if (isUnresolved(name)) return name;
    if (typeof name !== 'string' || name.includes('{{')) {
      return unresolved(`stack ${this.stack}: Fn::ImportValue of an export name that cannot be evaluated (${withoutMarkers(this.stringify(name))})`);
    }
    const found = this.all.importValue(name, this.input);
    if (found?.absent !== undefined) return unresolved(`stack ${this.stack}: Fn::ImportValue ${name}: no stack exports it: ${found.absent}`);
    const env = [this.input.account, this.input.region].filter((part) => part !== undefined).join(', ');
    return found ? found.value : unresolved(`stack ${this.stack}: Fn::ImportValue ${name}: no loaded stack${env ? ` of its account and Region (${env})` : ''} exports it`);
  }

  /**
   * `Fn::GetStackOutput {StackName, OutputName, Region?, RoleArn?}`: the output of another stack,
   * in the Region given (default this stack's) and the account of `RoleArn` (default this stack's)
   * (CloudFormation, *Fn::GetStackOutput*,
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getstackoutput.html).
   * Evaluated in that stack when it is loaded under that name; else a value known at deploy time.
   */
  private getStackOutput(arg: unknown): unknown {
    if (!isObject(arg)) return unresolved(`stack ${this.stack}: malformed Fn::GetStackOutput ${JSON.stringify(arg)}`);
    const [stackName, outputName, region, roleArn] = ['StackName', 'OutputName', 'Region', 'RoleArn'].map((key) => (arg[key] === undefined ? undefined : this.evaluate(arg[key])));
    if (typeof stackName !== 'string' || typeof outputName !== 'string' || stackName.includes('{{') || outputName.includes('{{')) {
      return unresolved(`stack ${this.stack}: Fn::GetStackOutput of a stack or output name that cannot be evaluated`);
    }
    const what = `stack ${this.stack}: Fn::GetStackOutput ${stackName}.${outputName}`;
    if (region !== undefined && (typeof region !== 'string' || region.includes('{{'))) return unresolved(`${what}: its Region cannot be evaluated`);
    if (roleArn !== undefined && (typeof roleArn !== 'string' || roleArn.includes('{{'))) return unresolved(`${what}: its RoleArn cannot be evaluated`);
    const account = roleArn !== undefined ? /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1] : this.input.account;
    const wantedRegion = region ?? this.input.region;
    const mayBe = (a: string | undefined, b: string | undefined) => a === undefined || b === undefined || a === b;
    const stacks = this.all.inputs.filter((input) => input.stackName === stackName && input.parametersStackName === undefined
      && mayBe(input.region, wantedRegion) && mayBe(input.account, account));
    if (stacks.length !== 1) return unresolved(`${what}: ${stacks.length ? 'several loaded stacks have that name' : 'that stack is not loaded'}, so the value is known only at deploy time`);
    const producer = this.all.evaluator(stacks[0].stackName);
    const definition = ownValue(producer.outputs(), outputName);
    if (!isObject(definition) || !hasOwn(definition, 'Value')) return unresolved(`${what}: the stack has no output ${outputName}`);
    const exists = producer.outputExists(definition);
    if (exists !== true) return unresolved(`${what}: the output exists only if condition ${safeString(definition.Condition)} holds, which ${exists === false ? 'is false' : `cannot be decided (${exists.reason})`}`);
    return producer.evaluate(definition.Value);
  }

  /**
   * Zone names are unknown at synth time (which zone is at an index depends on the account), so
   * the zones are symbolic (`${region}-az1..6`, `current-region-az1..6` without a Region): the
   * same index is the same zone, different indexes are different zones, the name stays unknown.
   */
  private getAZs(arg: unknown): unknown {
    const region = this.evaluate(arg);
    const name = typeof region === 'string' && region !== '' ? region : this.input.region ?? 'current-region';
    // Every connection's AvailabilityZone selects from the same list: its zones are built once.
    let zones = this.all.zoneNames.get(name);
    if (!zones) this.all.zoneNames.set(name, zones = [0, 1, 2, 3, 4, 5].map((index) => symbolicZone(name, index)));
    return [...zones];
  }

  private findInMap(arg: unknown): unknown {
    if (!Array.isArray(arg) || arg.length < 3) return unresolved(`stack ${this.stack}: malformed Fn::FindInMap ${JSON.stringify(arg)}`);
    const keys = arg.slice(0, 3).map((key) => this.evaluate(key));
    const bad = keys.find((key) => typeof key !== 'string' && typeof key !== 'number');
    if (bad !== undefined) return isUnresolved(bad) ? bad : unresolved(`stack ${this.stack}: Fn::FindInMap key is not a string`);
    const value = ownValue(ownValue(ownValue(this.input.template.Mappings, String(keys[0])), String(keys[1])), String(keys[2]));
    // AWS::LanguageExtensions: `[Map, Key, Key, {DefaultValue: x}]` gives x when the keys are not mapped.
    if (value === undefined && hasOwn(arg[3], 'DefaultValue')) return this.evaluate(arg[3].DefaultValue);
    if (value === undefined) return unresolved(`stack ${this.stack}: Fn::FindInMap ${keys.join('/')} is not in Mappings`);
    return this.evaluate(value);
  }

  private ifThenElse(arg: unknown): unknown {
    if (!Array.isArray(arg) || arg.length !== 3) return unresolved(`stack ${this.stack}: malformed Fn::If ${JSON.stringify(arg)}`);
    const decision = this.conditionValue({ Condition: arg[0] });
    if (isUnresolved(decision)) return mayBeNoValue(arg[1]) || mayBeNoValue(arg[2]) ? { ...decision, mayBeAbsent: true } : decision;
    return this.evaluate(decision ? arg[1] : arg[2]);
  }

  /** Evaluates a condition expression (or a `{Condition: name}`) to a boolean when decidable. */
  conditionValue(expression: unknown): boolean | Unresolved {
    if (!isObject(expression)) {
      return typeof expression === 'boolean' ? expression : unresolved(`stack ${this.stack}: malformed condition ${JSON.stringify(expression)}`);
    }
    const [name] = Object.keys(expression);
    const arg = expression[name];
    if (this.all.tooDeep()) return unresolved(`stack ${this.stack}: conditions nest too deeply (circular?)`);
    this.all.depth++;
    try {
      switch (name) {
        case 'Condition': {
          const definition = ownValue(this.input.template.Conditions, safeString(arg));
          if (definition === undefined) return unresolved(`stack ${this.stack}: condition ${safeString(arg)} is not defined`);
          return this.conditionValue(definition);
        }
        case 'Fn::Equals': {
          if (!Array.isArray(arg) || arg.length !== 2) return unresolved(`stack ${this.stack}: malformed Fn::Equals`);
          const [a, b] = arg.map((side) => this.evaluate(side));
          if (!isDecidable(a) || !isDecidable(b)) {
            return unresolved(`stack ${this.stack}: Fn::Equals ${JSON.stringify(arg)} depends on values known only at deploy time`);
          }
          // CloudFormation refuses any other argument: "every Fn::Equals object requires a list of 2
          // string parameters" (its template error; awsdocs/aws-cloudformation-user-guide#1177).
          const notText = [a, b].map((side) => (side === undefined || side === null ? 'no value' : Array.isArray(side) ? 'a list'
            : typeof side === 'object' ? 'an object' : undefined)).find((kind) => kind !== undefined);
          if (notText) return unresolved(`stack ${this.stack}: Fn::Equals ${JSON.stringify(arg)} compares ${notText}, and CloudFormation refuses the template (every Fn::Equals takes two strings)`);
          const spelling = spellingUnknown(a, b) ?? spellingUnknown(b, a);
          if (spelling) return unresolved(`stack ${this.stack}: Fn::Equals ${JSON.stringify(arg)} cannot be decided: ${spelling}`);
          return JSON.stringify(asTemplateText(a)) === JSON.stringify(asTemplateText(b));
        }
        case 'Fn::Not': {
          const inner = this.conditionValue(Array.isArray(arg) ? arg[0] : arg);
          return isUnresolved(inner) ? inner : !inner;
        }
        case 'Fn::And':
        case 'Fn::Or': {
          if (!Array.isArray(arg)) return unresolved(`stack ${this.stack}: malformed ${name}`);
          const values = arg.map((item) => this.conditionValue(item));
          const decisive = name === 'Fn::And' ? false : true;
          if (values.includes(decisive)) return decisive;
          return values.find(isUnresolved) ?? !decisive;
        }
        default:
          return unresolved(`stack ${this.stack}: ${name} is not a condition function`);
      }
    } finally {
      this.all.depth--;
    }
  }

  /** `Fn::Length` (AWS::LanguageExtensions): the number of items of a list. */
  private length(arg: unknown): unknown {
    const list = this.evaluate(arg);
    if (isUnresolved(list)) return list;
    if (!Array.isArray(list)) return unresolved(`stack ${this.stack}: Fn::Length of ${JSON.stringify(list)}, which is not a list`);
    return list.length;
  }

  /** `Fn::ToJsonString` (AWS::LanguageExtensions): an object or list as JSON text, references kept as markers. */
  private toJsonString(arg: unknown): unknown {
    const value = this.evaluate(arg);
    if (isUnresolved(value)) return value;
    if (!isObject(value) && !Array.isArray(value)) return unresolved(`stack ${this.stack}: Fn::ToJsonString of a value that is neither an object nor a list`);
    return JSON.stringify(value, (_key, item) => (isResourceRef(item) ? refMarker(item) : isUnresolved(item) ? unknownMarker(item.reason) : item));
  }

  private base64(arg: unknown): unknown {
    const text = this.evaluate(arg);
    if (typeof text !== 'string' || text.includes('{{')) return unresolved(`stack ${this.stack}: Fn::Base64 of a value known only at deploy time`);
    return Buffer.from(text, 'utf-8').toString('base64');
  }

  /** `Fn::Cidr [block, count, bits]`: `count` consecutive blocks of 2^bits addresses. */
  private cidr(arg: unknown): unknown {
    if (!Array.isArray(arg) || arg.length !== 3) return unresolved(`stack ${this.stack}: malformed Fn::Cidr ${JSON.stringify(arg)}`);
    const block = this.evaluate(arg[0]);
    if (isUnresolved(block)) return block;
    const parent = typeof block === 'string' ? parseCidr(block) : undefined;
    const count = safeNumber(this.evaluate(arg[1]));
    const bits = safeNumber(this.evaluate(arg[2]));
    const prefixLength = 32 - bits;
    // CloudFormation's range (its Fn::Cidr reference): a larger count is a template it rejects.
    if (Number.isInteger(count) && count > MAX_CIDR_COUNT) {
      throw new TemplateError(`Fn::Cidr ${JSON.stringify(arg).slice(0, 80)}: count ${count} is outside 1..${MAX_CIDR_COUNT}, the range CloudFormation accepts`,
        this.input.file ?? this.input.stackName);
    }
    if (!parent || !Number.isInteger(count) || !Number.isInteger(bits) || prefixLength < parent.prefixLength || count < 1) {
      return unresolved(`stack ${this.stack}: Fn::Cidr ${JSON.stringify(arg)} cannot be evaluated`);
    }
    const size = 2 ** bits;
    if (parent.first + count * size - 1 > parent.last) {
      return unresolved(`stack ${this.stack}: Fn::Cidr asks for ${count} blocks of /${prefixLength}, more than ${block} holds`);
    }
    return Array.from({ length: count }, (_, i) => cidrOf(parent.first + i * size, prefixLength).text);
  }
}

/**
 * A value as CloudFormation compares it in `Fn::Equals`: its arguments are strings ("every Fn::Equals
 * object requires a list of 2 string parameters"), so a YAML `true` or `3306` written in the template
 * is the text "true" or "3306", equal to a parameter whose value is that text.
 */
function asTemplateText(value: unknown): unknown {
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  return value;
}

/**
 * Why a number or boolean of the template compared with a text that is the same value written
 * another way (`4` and "4.0", `true` and "True") cannot be decided: the comparison is of text, and
 * the parsed template no longer shows how the value was written (`4.0` and `4`, `True` and `true`
 * parse alike), nor does CloudFormation document how it turns such a value into text.
 */
function spellingUnknown(value: unknown, other: unknown): string | undefined {
  if (typeof other !== 'string' || other === String(value)) return undefined;
  const sameValue = typeof value === 'number' ? other.trim() !== '' && Number(other) === value
    : typeof value === 'boolean' && other.trim().toLowerCase() === String(value);
  return sameValue
    ? `it compares text, and the template's ${String(value)} may be written ${JSON.stringify(other)} there (a parsed template does not keep how a number or boolean was written; how CloudFormation writes it as text is not documented)`
    : undefined;
}

/** A value that can be compared at synth time: plain JSON without references or markers. */
function isDecidable(value: unknown): boolean {
  if (isResourceRef(value) || isUnresolved(value) || isSymbolicZone(value)) return false;
  if (typeof value === 'string') return !value.includes('{{ref:') && !value.includes('{{unknown:');
  if (Array.isArray(value)) return value.every(isDecidable);
  if (isObject(value)) return Object.values(value).every(isDecidable);
  return true;
}

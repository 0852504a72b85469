import { closeSync, constants, fstatSync, openSync, readFileSync, Stats } from 'fs';
import { basename } from 'path';
import { InputError } from './errors';
import { notCloudFormation, terraformFileKind } from './terraform';
import { TemplateInput } from './types';
import { parseCloudFormationYaml } from './yaml';

/** Default cap on the bytes one run reads, all files together (the CLI's `--max-input-mb`). */
export const DEFAULT_MAX_INPUT_MB = 512;

/**
 * CloudFormation's largest template: 1 MB, uploaded or in S3
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
 * A larger YAML template cannot be deployed, and parsing YAML takes far more memory than its size.
 */
export const MAX_YAML_TEMPLATE_BYTES = 1024 * 1024;

/** The deepest nesting of objects and lists accepted in a template or facts file. */
export const MAX_NESTING = 256;

/** A file read, by device and inode (the same file under another name or a link is the same). */
export interface FileIdentity {
  readonly file: string;
  readonly dev: number;
  readonly ino: number;
}

/**
 * What one run may read: every file read counts against one total, and is remembered (so the
 * report is never written over an input).
 */
export class InputBudget {
  readonly filesRead: FileIdentity[] = [];
  private used = 0;

  /** `raiseHint` says how to raise the limit (the CLI: its flag). */
  constructor(readonly maxBytes: number = DEFAULT_MAX_INPUT_MB * 1024 * 1024, readonly raiseHint = '') {}

  take(file: string, bytes: number): void {
    if (this.used + bytes > this.maxBytes) {
      const mb = (n: number) => `${Number((n / (1024 * 1024)).toFixed(1))} MB`;
      throw new InputError(file, `input too large: reading this file (${mb(bytes)}) would bring the total read to ${mb(this.used + bytes)}, `
        + `over the limit of ${mb(this.maxBytes)}${this.raiseHint ? `; ${this.raiseHint}` : ''}`);
    }
    this.used += bytes;
  }
}

/**
 * The top-level sections of a CloudFormation template (AWS CloudFormation User Guide, *Template
 * section structure*, https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html).
 */
const TEMPLATE_SECTIONS = new Set(['AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions', 'Transform', 'Outputs', 'Hooks', 'Resources']);

/** How a template is read. */
export interface TemplateReading {
  /**
   * The template of a CDK stack (in a cloud assembly, or CDK's validation): one without
   * `Resources` is a stack with no resources (CDK writes no `Resources` for it, and the CDK CLI
   * deploys nothing for it), read as an empty `Resources`. A template given by itself must have
   * `Resources`, as CloudFormation requires.
   */
  readonly cdkStack?: boolean;
}

/**
 * Parses template text: JSON first, then YAML with short-form intrinsics. A `.json` file is JSON
 * only, and its parse error gives the JSON parser's message and position.
 */
export function parseTemplateText(text: string, file: string, reading: TemplateReading = {}): any {
  let template: unknown;
  let json: unknown;
  let jsonError: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    jsonError = e; // Not JSON: Terraform is said as such, not as a YAML error quoting it.
  }
  const terraform = terraformFileKind(file, text, json);
  if (terraform) throw new InputError(file, notCloudFormation(terraform));
  if (json !== undefined) {
    template = json;
  } else {
    if (/\.json$/i.test(file)) throw new InputError(file, `not valid JSON (${jsonProblem(jsonError, text)})`);
    const bytes = Buffer.byteLength(text, 'utf-8');
    if (bytes > MAX_YAML_TEMPLATE_BYTES) {
      throw new InputError(file, `a YAML template of ${bytes} bytes, over CloudFormation's template size limit of 1 MB (${MAX_YAML_TEMPLATE_BYTES} bytes): `
        + 'CloudFormation would refuse it; split it into nested stacks');
    }
    const yaml = parseCloudFormationYaml(text);
    if (!yaml.ok) throw new InputError(file, `${/\.ya?ml$/i.test(file) ? 'not valid YAML' : 'neither JSON nor YAML'} (${yaml.error})`);
    template = yaml.value;
  }
  checkNesting(template, file);
  if (reading.cdkStack && isObject(template) && template.Resources === undefined) {
    // Only a document of template sections is a stack without resources: another JSON object
    // (an asset manifest, a file the manifest should not point at) read as empty would check
    // nothing and say nothing.
    const foreign = Object.keys(template).filter((key) => !TEMPLATE_SECTIONS.has(key));
    if (foreign.length > 0) {
      throw new InputError(file, `not a CloudFormation template (no "Resources" object, and ${foreign.slice(0, 3).map((k) => JSON.stringify(k)).join(', ')}${foreign.length > 3 ? ', ...' : ''} ${foreign.length === 1 ? 'is not a template section' : 'are not template sections'})`);
    }
    template.Resources = {};
  }
  if (!isObject(template) || !isObject(template.Resources)) {
    throw new InputError(file, 'not a CloudFormation template (no "Resources" object)');
  }
  checkLogicalIds(template, file);
  return template;
}

/** CloudFormation logical IDs: "alphanumeric (A-Za-z0-9) and unique within the template". */
const LOGICAL_ID = /^[A-Za-z0-9]+$/;

/**
 * Refuses what CloudFormation refuses and the readers could only skip: a resource that is not an
 * object or has no `Type` string (it would vanish from the model, and a verdict would rest on its
 * absence), a logical ID that is both a parameter and a resource (logical names are unique
 * within a template, and a `Ref` to it would be ambiguous), and a resource or parameter logical
 * ID that is not alphanumeric (a `/` in one would make its model id, `Stack/LogicalId`, that of
 * a nested stack's resource).
 */
function checkLogicalIds(template: Record<string, any>, file: string): void {
  // A transform (a macro, AWS::LanguageExtensions' Fn::ForEach, an AWS::Include) rewrites the
  // template before CloudFormation checks it: the transforms' reader says what it cannot read.
  if (template.Transform !== undefined) return;
  const resources: Record<string, unknown> = template.Resources;
  for (const logicalId in resources) {
    // An AWS::Include snippet (Fn::Transform) in Resources needs no Transform section ("anywhere
    // within the CloudFormation template except in the template parameters section or the template
    // version": https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/transform-aws-include.html):
    // the transforms' reader names it as not read.
    if (logicalId === 'Fn::Transform') continue;
    const resource = resources[logicalId];
    if (!LOGICAL_ID.test(logicalId)) throw notAlphanumeric(file, 'Resources', logicalId);
    if (!isObject(resource)) {
      throw new InputError(file, `Resources.${logicalId} is ${resource === null ? 'null' : `a ${Array.isArray(resource) ? 'list' : typeof resource}`}, not a resource object: CloudFormation refuses the template (every resource is an object with a Type)`);
    }
    if (typeof resource.Type !== 'string') {
      throw new InputError(file, `Resources.${logicalId} has no Type string: CloudFormation refuses the template (every resource names its type)`);
    }
  }
  if (isObject(template.Parameters)) {
    for (const name in template.Parameters) {
      if (!LOGICAL_ID.test(name)) throw notAlphanumeric(file, 'Parameters', name);
      if (Object.prototype.hasOwnProperty.call(resources, name)) {
        throw new InputError(file, `"${name}" is both a parameter and a resource: CloudFormation refuses the template (a logical name is unique within a template)`);
      }
    }
  }
}

function notAlphanumeric(file: string, section: string, logicalId: string): InputError {
  return new InputError(file, `${section} logical ID ${JSON.stringify(logicalId)} is not alphanumeric: CloudFormation refuses the template `
    + '(logical IDs are A-Za-z0-9 only, unique within the template); rename it');
}

/** The JSON parser's message, with the line and column of its position when it gives one. */
export function jsonProblem(e: unknown, text: string): string {
  const message = (e as Error)?.message ?? String(e);
  const m = /at position (\d+)/.exec(message);
  if (!m || /line \d+/.test(message)) return message;
  const position = Number(m[1]);
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}

/**
 * Refuses a parsed document nested deeper than MAX_NESTING levels, or with a cycle (a YAML alias
 * inside its own anchor), naming the place. Iterative: the document may be arbitrarily deep.
 */
export function checkNesting(document: unknown, file: string, maxDepth = MAX_NESTING): void {
  // The quick walk (recursion at most maxDepth deep) finds whether there is a problem; the slow
  // one below, only then, where it is and what it is (a cycle is also infinitely deep).
  if (typeof document !== 'object' || document === null || !deeperThan(document, 0, maxDepth)) return;
  locateNestingProblem(document, file, maxDepth);
  throw new InputError(file, `nested more than ${maxDepth} levels deep`);
}

/**
 * Whether an object or list at `depth` holds one deeper than `maxDepth` (itself included). It
 * visits every object and list of the document; leaves (most values) are skipped where they are
 * met, without a call each.
 */
function deeperThan(value: object, depth: number, maxDepth: number): boolean {
  if (depth > maxDepth) return true;
  const next = depth + 1;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' && item !== null && deeperThan(item, next, maxDepth)) return true;
    }
    return false;
  }
  // for...in over a parsed document (plain objects): its own keys, without an array of them.
  for (const key in value) {
    const item: unknown = (value as Record<string, unknown>)[key];
    if (typeof item === 'object' && item !== null && deeperThan(item, next, maxDepth)) return true;
  }
  return false;
}

function locateNestingProblem(document: unknown, file: string, maxDepth: number): void {
  interface Frame { readonly value: object; readonly key: string; readonly parent?: Frame; readonly depth: number }
  const placeOf = (frame: Frame | undefined): string => {
    const keys: string[] = [];
    for (let f = frame; f?.parent; f = f.parent) keys.push(f.key);
    keys.reverse();
    const shown = keys.length > 8 ? [...keys.slice(0, 6), ` ...(${keys.length - 7} more)... `, keys[keys.length - 1]] : keys;
    return shown.join('').replace(/^\./, '') || 'the document';
  };
  if (typeof document !== 'object' || document === null) return;
  const onPath = new Set<object>();
  const deepestSeen = new Map<object, number>();
  const stack: (Frame | { exit: object })[] = [{ value: document, key: '', depth: 0 }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if ('exit' in top) {
      onPath.delete(top.exit);
      continue;
    }
    if (onPath.has(top.value)) throw new InputError(file, `${placeOf(top)}: contains itself (a recursive YAML alias)`);
    if (top.depth > maxDepth) throw new InputError(file, `${placeOf(top)}: nested more than ${maxDepth} levels deep`);
    // A value reached again (a YAML alias) is walked again only when reached deeper than before.
    if ((deepestSeen.get(top.value) ?? -1) >= top.depth) continue;
    deepestSeen.set(top.value, top.depth);
    onPath.add(top.value);
    stack.push({ exit: top.value });
    const entries: [string, unknown][] = Array.isArray(top.value)
      ? top.value.map((item, index) => [`[${index}]`, item])
      : Object.keys(top.value).map((key) => [`.${key}`, (top.value as Record<string, unknown>)[key]]);
    for (const [key, item] of entries) {
      if (typeof item === 'object' && item !== null) stack.push({ value: item, key, parent: top, depth: top.depth + 1 });
    }
  }
}

/**
 * Reads a text file against the run's budget. Refuses anything but a regular file (a FIFO would
 * block forever, a device never ends) without blocking on it.
 */
export function readTextFile(file: string, budget: InputBudget = new InputBudget()): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO does not wait for a writer (flags are distinct bits: + is |).
    fd = openSync(file, constants.O_RDONLY + (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new InputError(file, `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new InputError(file, `not a regular file (${fileKind(stat)})`);
    budget.take(file, stat.size);
    let buffer: Buffer;
    try {
      buffer = readFileSync(fd);
    } catch (e) {
      throw new InputError(file, `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    // A file that grew while it was read counts at its real size.
    if (buffer.length > stat.size) budget.take(file, buffer.length - stat.size);
    budget.filesRead.push({ file, dev: stat.dev, ino: stat.ino });
    // A UTF-8 byte order mark (editors on Windows write one) is not part of the text: JSON.parse
    // would refuse it.
    const bom = buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
    return buffer.toString('utf-8', bom);
  } finally {
    closeSync(fd);
  }
}

/** What a file system entry is, in words. */
export function fileKind(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  return stat.isFile() ? 'a regular file' : 'not a regular file';
}

/** Loads one template file; the stack name is the file name without its template extensions. */
export function loadTemplateFile(file: string, budget?: InputBudget, reading: TemplateReading = {}): TemplateInput {
  const template = parseTemplateText(readTextFile(file, budget), file, reading);
  const stackName = basename(file).replace(/(\.template)?\.(json|ya?ml)$/i, '');
  return { stackName, file, template };
}

/**
 * A template value as a number: a number, or a string of one (a `Number` parameter's value is a
 * string); NaN for anything else. Never `Number(value)` on an object, which throws when its
 * `toString` is not a function (a template can say `{"toString": 1}`).
 */
export function safeNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
}

/**
 * `String(value)`, except for an object whose own `toString` or `valueOf` is not a function (a
 * template can say `{"toString": 1}`), which String() cannot convert: its JSON text then.
 */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    try {
      return JSON.stringify(value) ?? '';
    } catch {
      return '[object]';
    }
  }
}

/**
 * The value `container` holds under `key` itself: never one inherited from Object.prototype (a
 * template naming `constructor`, `toString` or `__proto__` names nothing it does not define).
 */
export function ownValue(container: unknown, key: string): any {
  return isObject(container) && Object.prototype.hasOwnProperty.call(container, key) ? container[key] : undefined;
}

/** Whether `container` holds `key` itself (not through its prototype). */
export function hasOwn(container: unknown, key: string): boolean {
  return isObject(container) && Object.prototype.hasOwnProperty.call(container, key);
}

/**
 * Sets `key` on an object built from template data: `__proto__` becomes an own property (plain
 * assignment would replace the object's prototype, and every key of the value would then seem set).
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

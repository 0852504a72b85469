import type * as YamlLib from 'yaml';

/** The `yaml` package, loaded on first use (only YAML templates need it: see ingest/yaml.ts). */
let yamlLib: typeof YamlLib | undefined;
function yaml(): typeof YamlLib {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return yamlLib ??= require('yaml') as typeof YamlLib;
}

/**
 * A place in a text file as SARIF counts it: 1-based line (lines end at `\n` or `\r\n`, SARIF's
 * default `newlineSequences`) and 1-based column in UTF-16 code units (SARIF's default
 * `columnKind`, and what JavaScript string offsets are).
 */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

type JsonPath = readonly (string | number)[];

/**
 * Called for each value inside an object or array: `path` ends with the member name or element
 * index, `offset` is where the member's key (or the element) starts, `text` the value when it is a
 * string. `path` is the walker's own stack, valid only during the call (a visitor copies what it keeps).
 */
type JsonVisitor = (path: JsonPath, offset: number, text: string | undefined) => void;

class MalformedJson extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Characters JSON does not allow unescaped in a string. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f]/;

/**
 * A small position-aware JSON reader: it only walks the structure and reports where each key
 * starts. Keys are decoded with JSON.parse so escapes (`"Job\u0031"`) compare as the parsed
 * template's keys do. Throws MalformedJson on anything that is not JSON.
 */
class JsonWalker {
  private index = 0;

  constructor(private readonly text: string, private readonly visit: JsonVisitor) {}

  walk(): void {
    if (this.text.charCodeAt(0) === 0xfeff) this.index = 1;
    this.value([]);
    this.skipWhitespace();
    if (this.index !== this.text.length) throw new MalformedJson();
  }

  private skipWhitespace(): void {
    const text = this.text;
    while (this.index < text.length) {
      const c = text.charCodeAt(this.index);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return;
      this.index++;
    }
  }

  private value(path: (string | number)[]): string | undefined {
    this.skipWhitespace();
    const c = this.text[this.index];
    if (c === '{') this.object(path);
    else if (c === '[') this.array(path);
    else if (c === '"') return this.string();
    else this.literal();
    return undefined;
  }

  private object(path: (string | number)[]): void {
    this.index++; // {
    this.skipWhitespace();
    if (this.text[this.index] === '}') {
      this.index++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.index] !== '"') throw new MalformedJson();
      const keyOffset = this.index;
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.index++] !== ':') throw new MalformedJson();
      // One path array for the whole walk, grown and shrunk as it descends: a copy per member
      // was most of what walking a large template allocated.
      path.push(key);
      this.skipWhitespace();
      // Report the member before descending, so a visitor sees a container before its contents.
      const isString = this.text.charCodeAt(this.index) === QUOTE;
      if (!isString) this.visit(path, keyOffset, undefined);
      const text = this.value(path);
      if (isString) this.visit(path, keyOffset, text);
      path.pop();
      if (this.separator('}')) return;
    }
  }

  private array(path: (string | number)[]): void {
    this.index++; // [
    this.skipWhitespace();
    if (this.text[this.index] === ']') {
      this.index++;
      return;
    }
    for (let i = 0; ; i++) {
      this.skipWhitespace();
      path.push(i);
      const offset = this.index;
      const isString = this.text.charCodeAt(this.index) === QUOTE;
      if (!isString) this.visit(path, offset, undefined);
      const text = this.value(path);
      if (isString) this.visit(path, offset, text);
      path.pop();
      if (this.separator(']')) return;
    }
  }

  /** After a member or element: true at the closing bracket, false after a comma. */
  private separator(close: string): boolean {
    this.skipWhitespace();
    const c = this.text[this.index++];
    if (c === close) return true;
    if (c !== ',') throw new MalformedJson();
    return false;
  }

  private string(): string {
    const text = this.text;
    const start = this.index;
    let escaped = false;
    this.index++; // opening quote
    while (this.index < text.length) {
      const c = text.charCodeAt(this.index);
      if (c === BACKSLASH) {
        escaped = true;
        this.index += 2;
      } else if (c === QUOTE) {
        this.index++;
        // JSON.parse decodes escapes and rejects what JSON does not allow in a string (control
        // characters); a string with neither is its own text.
        if (!escaped && !CONTROL.test(text.slice(start + 1, this.index - 1))) return text.slice(start + 1, this.index - 1);
        try {
          return JSON.parse(text.slice(start, this.index));
        } catch {
          throw new MalformedJson();
        }
      } else {
        this.index++;
      }
    }
    throw new MalformedJson();
  }

  private literal(): void {
    const match = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.text.slice(this.index, this.index + 64));
    if (!match) throw new MalformedJson();
    this.index += match[0].length;
  }
}

/** Offsets to positions, by the `\n` line ends of the text. */
function positionFinder(text: string): (offset: number) => SourcePosition {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (lineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - lineStarts[low] + 1 };
  };
}

function walkJson(text: string, visit: JsonVisitor): boolean {
  try {
    new JsonWalker(text, visit).walk();
    return true;
  } catch (e) {
    if (e instanceof MalformedJson || e instanceof RangeError) return false;
    throw e;
  }
}

function jsonResourceKeys(text: string): Map<string, SourcePosition> | undefined {
  const offsets = new Map<string, number>();
  const ok = walkJson(text, (path, offset) => {
    // A repeated top-level "Resources" replaces the earlier one, as JSON.parse does.
    if (path.length === 1 && path[0] === 'Resources') offsets.clear();
    if (path.length === 2 && path[0] === 'Resources') offsets.set(String(path[1]), offset);
  });
  if (!ok) return undefined;
  const at = positionFinder(text);
  return new Map([...offsets].map(([id, offset]) => [id, at(offset)]));
}

function yamlResourceKeys(text: string): Map<string, SourcePosition> {
  const { isMap, isScalar, LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  // Short-form intrinsics (`!Ref`) are unknown tags here: the parser only warns, and values are not needed.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const positions = new Map<string, SourcePosition>();
  // Text the template reader would have rejected locates nothing.
  if (doc.errors.length > 0 || !isMap(doc.contents)) return positions;
  const resources = [...doc.contents.items].reverse().find((pair) => isScalar(pair.key) && pair.key.value === 'Resources');
  if (!resources || !isMap(resources.value)) return positions;
  for (const pair of resources.value.items) {
    if (!isScalar(pair.key) || !pair.key.range) continue;
    const { line, col } = lineCounter.linePos(pair.key.range[0]);
    positions.set(String(pair.key.value), { line, column: col });
  }
  return positions;
}

/**
 * Where each resource's logical ID key (`Resources.<logicalId>`) starts in a CloudFormation
 * template, JSON or YAML. JSON is tried first, as the template reader does.
 */
export function resourceKeyPositions(text: string): Map<string, SourcePosition> {
  const trimmed = text.replace(/^\uFEFF?\s*/, '');
  if (trimmed.startsWith('{')) {
    const json = jsonResourceKeys(text);
    if (json) return json;
  }
  try {
    return yamlResourceKeys(text);
  } catch {
    return new Map();
  }
}

/**
 * Where each element of a facts file (docs/facts.md) is described: the `id` (or, for connections,
 * `name`) member of its object, and `dataStores[i]` for data stores, the ids findings carry.
 */
export function factsElementPositions(text: string): Map<string, SourcePosition> {
  const offsets = new Map<string, number>();
  walkJson(text, (path, offset, value) => {
    if (path.length === 3 && (path[2] === 'id' || path[2] === 'name') && value !== undefined && !offsets.has(value)) offsets.set(value, offset);
    if (path.length === 2 && path[0] === 'dataStores' && typeof path[1] === 'number') offsets.set(`dataStores[${path[1]}]`, offset);
  });
  const at = positionFinder(text);
  return new Map([...offsets].map(([id, offset]) => [id, at(offset)]));
}

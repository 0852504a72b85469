import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';

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
 * string.
 */
type JsonVisitor = (path: JsonPath, offset: number, text: string | undefined) => void;

class MalformedJson extends Error {}

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
    while (this.index < this.text.length) {
      const c = this.text[this.index];
      if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') return;
      this.index++;
    }
  }

  private value(path: JsonPath): string | undefined {
    this.skipWhitespace();
    const c = this.text[this.index];
    if (c === '{') this.object(path);
    else if (c === '[') this.array(path);
    else if (c === '"') return this.string();
    else this.literal();
    return undefined;
  }

  private object(path: JsonPath): void {
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
      const memberPath = [...path, key];
      this.skipWhitespace();
      // Report the member before descending, so a visitor sees a container before its contents.
      const isString = this.text[this.index] === '"';
      if (!isString) this.visit(memberPath, keyOffset, undefined);
      const text = this.value(memberPath);
      if (isString) this.visit(memberPath, keyOffset, text);
      if (this.separator('}')) return;
    }
  }

  private array(path: JsonPath): void {
    this.index++; // [
    this.skipWhitespace();
    if (this.text[this.index] === ']') {
      this.index++;
      return;
    }
    for (let i = 0; ; i++) {
      this.skipWhitespace();
      const elementPath = [...path, i];
      const offset = this.index;
      const isString = this.text[this.index] === '"';
      if (!isString) this.visit(elementPath, offset, undefined);
      const text = this.value(elementPath);
      if (isString) this.visit(elementPath, offset, text);
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
    const start = this.index;
    this.index++; // opening quote
    while (this.index < this.text.length) {
      const c = this.text[this.index];
      if (c === '\\') {this.index += 2;} else if (c === '"') {
        this.index++;
        try {
          return JSON.parse(this.text.slice(start, this.index));
        } catch {
          throw new MalformedJson();
        }
      } else {this.index++;}
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

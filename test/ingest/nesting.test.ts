/**
 * The nesting limit: a template (or facts file) nested deeper than MAX_NESTING levels is refused
 * with one error, wherever the deep part is. The check walks every object and list of the
 * document, skipping leaves: these cases fail if it stopped at a leaf, at the first item of a
 * list, or at the first key of an object.
 */
import { InputError } from '../../src/ingest';
import { checkNesting, MAX_NESTING, parseTemplateText } from '../../src/ingest/template';

/** `levels` lists, one inside the other, around `inner`: `[[["x"]]]` for 3. */
function nestedLists(levels: number, inner: unknown = 'x'): unknown {
  let value = inner;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

/** `levels` objects, one inside the other: `{"a": {"a": 1}}` for 2. */
function nestedObjects(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

function problemOf(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return e.message;
  }
}

describe('checkNesting: the deepest object or list counts, wherever it is', () => {
  // The document is depth 0; with a limit of 3, a list at depth 4 is one too many.
  test.each<[string, unknown]>([
    ['lists', nestedLists(3)],
    ['objects', nestedObjects(3)],
    ['leaves of every kind around them', { a: [1, 'two', null, true, { b: ['x'] }] }],
  ])('%s nested exactly to the limit are accepted', (_what, document) => {
    expect(problemOf(() => checkNesting(document, 'f.json', 3))).toBeUndefined();
  });

  test.each<[string, unknown]>([
    ['lists', nestedLists(5)],
    ['objects', nestedObjects(5)],
    ['the deep list last in a list, after leaves', { a: [1, 'two', null, true, 3.5, { b: [['x']] }] }],
    ['the deep list after shallow objects in the same list', { a: [{ x: 1 }, { y: [2] }, { b: [['x']] }] }],
    ['the deep object under the last key, after leaves and shallow objects', { a: { k1: 'v', k2: { x: 1 }, k3: null, last: { b: { c: {} } } } }],
    ['the deep object under a __proto__ key', JSON.parse('{"a": {"__proto__": {"b": {"c": {}}}}}')],
  ])('%s one level past the limit are refused', (_what, document) => {
    expect(problemOf(() => checkNesting(document, 'f.json', 3))).toMatch(/: nested more than 3 levels deep$/);
  });

  test('a document that is a leaf is never too deep', () => {
    for (const document of ['text', 1, null, undefined, true]) expect(problemOf(() => checkNesting(document, 'f.json', 0))).toBeUndefined();
  });
});

describe('parseTemplateText: the limit for templates, JSON and YAML', () => {
  /** A template whose Subnet's CidrBlock (an object at depth 4) holds `levels` nested lists. */
  const template = (levels: number) => JSON.stringify({
    Resources: { Subnet: { Type: 'AWS::EC2::Subnet', Properties: { CidrBlock: nestedLists(levels) } } },
  });
  // The innermost list is at depth 4 + levels - 1.
  const atLimit = MAX_NESTING - 3;

  test('a JSON template nested exactly MAX_NESTING levels deep is read', () => {
    expect(parseTemplateText(template(atLimit), 't.json').Resources.Subnet.Type).toBe('AWS::EC2::Subnet');
  });

  test('a JSON template nested one level deeper is refused, naming the place', () => {
    expect(problemOf(() => parseTemplateText(template(atLimit + 1), 't.json')))
      .toMatch(new RegExp(`^t\\.json: Resources\\.Subnet\\.Properties\\.CidrBlock\\[0\\].*\\[0\\]: nested more than ${MAX_NESTING} levels deep$`));
  });

  test('the same in YAML (not JSON: block style around flow lists) is refused the same way', () => {
    const yaml = (levels: number) => `Resources:\n  Subnet:\n    Type: AWS::EC2::Subnet\n    Properties:\n      CidrBlock: ${'['.repeat(levels)}x${']'.repeat(levels)}\n`;
    expect(parseTemplateText(yaml(atLimit), 't.yaml').Resources.Subnet.Type).toBe('AWS::EC2::Subnet');
    expect(problemOf(() => parseTemplateText(yaml(atLimit + 1), 't.yaml')))
      .toMatch(new RegExp(`^t\\.yaml: Resources\\.Subnet\\.Properties\\.CidrBlock\\[0\\].*: nested more than ${MAX_NESTING} levels deep$`));
  });

  test('brackets, braces and comment-like text inside strings are text, not nesting', () => {
    const text = JSON.stringify({
      Resources: {
        Secret: { Type: 'AWS::SecretsManager::Secret', Properties: { Description: `${'[{'.repeat(MAX_NESTING * 2)} // not a comment /* nor this */`, Name: '{{resolve:ssm:x}}' } },
      },
    });
    expect(parseTemplateText(text, 't.json').Resources.Secret.Properties.Name).toBe('{{resolve:ssm:x}}');
  });
});

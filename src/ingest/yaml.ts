import type * as YamlLib from 'yaml';

/**
 * The `yaml` package, loaded on first use: only YAML templates need it, and loading it is a fifth
 * of loading this library (about 30 ms of 140 on the benchmark's machine), paid by every `cdk synth`
 * with the guard, whose templates are JSON.
 */
let yamlLib: typeof YamlLib | undefined;
function yaml(): typeof YamlLib {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return yamlLib ??= require('yaml') as typeof YamlLib;
}

/**
 * CloudFormation YAML short-form intrinsics (`!Ref X`, `!GetAtt A.B`, `!Sub [...]`...) and the long
 * form each one stands for. `!Ref` and `!Condition` are not `Fn::` functions.
 */
const SHORT_FORMS: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  GetAtt: 'Fn::GetAtt',
  Sub: 'Fn::Sub',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  ImportValue: 'Fn::ImportValue',
  GetAZs: 'Fn::GetAZs',
  FindInMap: 'Fn::FindInMap',
  If: 'Fn::If',
  Equals: 'Fn::Equals',
  Not: 'Fn::Not',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  // Fn::Transform (AWS::Include): https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-transform.html
  Transform: 'Fn::Transform',
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getstackoutput.html
  GetStackOutput: 'Fn::GetStackOutput',
  // The Rules section's functions
  // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-rules.html):
  // their reference page shows only the JSON form, but CloudFormation deploys templates that use
  // these short forms (the AWS Quick Starts' `Assert: !EachMemberIn [!ValueOfAll ..., !RefAll ...]`),
  // and AWS's CloudFormation language server completes them. Refusing them would refuse such a
  // template; the reader does not evaluate Rules.
  Contains: 'Fn::Contains',
  EachMemberEquals: 'Fn::EachMemberEquals',
  EachMemberIn: 'Fn::EachMemberIn',
  RefAll: 'Fn::RefAll',
  ValueOf: 'Fn::ValueOf',
  ValueOfAll: 'Fn::ValueOfAll',
};

/**
 * The long form of any other short-form tag `!Name`: `Fn::Name`, as the AWS CLI reads CloudFormation
 * YAML (awscli/customizations/cloudformation/yamlhelper.py maps every `!` tag but `!Ref` and
 * `!Condition` to `Fn::` and the tag's name). So `!Transform` is `Fn::Transform` (a documented short
 * form: Template Reference, Fn::Transform), `!Length` is `Fn::Length`, and a misspelt `!Reff` an
 * unknown function the reader reports, never its bare value read as if untagged. cfn-lint reads
 * them the same way (cfnlint/decode/cfn_yaml.py, multi_constructor).
 */
function longNameOf(shortName: string): string {
  return SHORT_FORMS[shortName] ?? `Fn::${shortName}`;
}

/** The local tags (`!Name`) of a parsed document that are not among the tags given to the parser. */
function unresolvedShortForms(doc: ReturnType<typeof YamlLib.parseDocument>, known: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  yaml().visit(doc, {
    Node: (_key, node) => {
      const tag = (node as { tag?: string }).tag;
      // `!!str` and `!<tag:yaml.org,...>` are YAML's own tags, resolved by the library.
      if (typeof tag === 'string' && /^![A-Za-z][A-Za-z0-9]*$/.test(tag) && !known.has(tag.slice(1))) found.add(tag.slice(1));
      return undefined;
    },
  });
  return [...found];
}

function shortFormTags(extra: readonly string[] = []): YamlLib.Tags {
  const tags: YamlLib.Tags = [];
  for (const shortName of [...Object.keys(SHORT_FORMS), ...extra]) {
    const longName = longNameOf(shortName);
    const tag = `!${shortName}`;
    tags.push({
      tag,
      resolve: (text: string) => {
        // `!GetAtt Resource.Attribute`: the attribute itself may contain dots (`Endpoint.Address`).
        if (shortName === 'GetAtt') {
          const dot = text.indexOf('.');
          return { [longName]: dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)] };
        }
        return { [longName]: text };
      },
    });
    for (const collection of ['seq', 'map'] as const) {
      tags.push({
        tag,
        collection,
        resolve: (node: YamlLib.YAMLMap.Parsed | YamlLib.YAMLSeq.Parsed) => ({ [longName]: node.toJSON() }),
      });
    }
  }
  return tags;
}

export type YamlResult = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Parses a CloudFormation YAML template, turning short-form intrinsics into their JSON long form.
 * Never throws: a YAML error, an alias without its anchor, more alias expansions than the yaml
 * library allows (its guard against alias bombs) or nesting too deep to parse is an error with
 * its line and column when known.
 */
export function parseCloudFormationYaml(text: string): YamlResult {
  const { isAlias, LineCounter, parseDocument, visit } = yaml();
  const lineCounter = new LineCounter();
  const at = (offset: number | undefined): string => {
    if (offset === undefined) return '';
    const { line, col } = lineCounter.linePos(offset);
    return ` at line ${line}, column ${col}`;
  };
  let doc: ReturnType<typeof YamlLib.parseDocument>;
  try {
    // logLevel error: the yaml library's warnings (a collection as a map key, stringified) would be
    // printed by Node on standard error, beside the CLI's one line; what matters is in doc.errors.
    doc = parseDocument(text, { customTags: shortFormTags(), prettyErrors: false, uniqueKeys: false, lineCounter, logLevel: 'error' });
    // Rare: tags beyond the usual short forms. Parsed again with each read as its `Fn::` function.
    const extra = doc.errors.length === 0 ? unresolvedShortForms(doc, new Set(Object.keys(SHORT_FORMS))) : [];
    if (extra.length > 0) doc = parseDocument(text, { customTags: shortFormTags(extra), prettyErrors: false, uniqueKeys: false, lineCounter: new LineCounter(), logLevel: 'error' });
  } catch (e) {
    return { ok: false, error: problemOf(e) };
  }
  if (doc.errors.length > 0) {
    return { ok: false, error: `${doc.errors[0].message}${at(doc.errors[0].pos?.[0])}` };
  }
  // Every `!Name` tag was read as `Fn::Name` above; a tag of another shape (`!my-tag`) would be
  // dropped by the yaml library, its value read as plain data: refused, naming it.
  const unknownTag = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (unknownTag) {
    const tag = /Unresolved tag: (\S+)/.exec(unknownTag.message)?.[1] ?? 'a tag';
    return { ok: false, error: `tag ${tag}${at(unknownTag.pos?.[0])} is not a CloudFormation short form (short forms: ${Object.keys(SHORT_FORMS).map((name) => `!${name}`).join(', ')}); write the function in its long form (Fn::...)` };
  }
  try {
    // The yaml library's default alias limit stays on: an alias bomb is refused, not expanded.
    return { ok: true, value: doc.toJS() };
  } catch (e) {
    const unresolved = /^Unresolved alias.*: (.*)$/.exec((e as Error)?.message ?? '');
    if (unresolved) {
      let offset: number | undefined;
      visit(doc, { Alias: (_key, node) => { if (node.source === unresolved[1] && isAlias(node)) { offset = node.range?.[0]; return visit.BREAK; } return undefined; } });
      return { ok: false, error: `alias *${unresolved[1]} has no anchor &${unresolved[1]} before it${at(offset)}` };
    }
    return { ok: false, error: problemOf(e) };
  }
}

function problemOf(e: unknown): string {
  const message = (e as Error)?.message ?? String(e);
  if (e instanceof RangeError && /call stack/i.test(message)) return 'nested too deeply to parse';
  if (/Excessive alias count/.test(message)) return 'too many YAML alias expansions (an alias bomb?): the yaml library\'s alias limit refuses it';
  return message;
}

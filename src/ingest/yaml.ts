import { parseDocument, Tags, YAMLMap, YAMLSeq } from 'yaml';

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
};

function shortFormTags(): Tags {
  const tags: Tags = [];
  for (const [shortName, longName] of Object.entries(SHORT_FORMS)) {
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
        resolve: (node: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [longName]: node.toJSON() }),
      });
    }
  }
  return tags;
}

export type YamlResult = { ok: true; value: unknown } | { ok: false; error: string };

/** Parses a CloudFormation YAML template, turning short-form intrinsics into their JSON long form. */
export function parseCloudFormationYaml(text: string): YamlResult {
  const doc = parseDocument(text, { customTags: shortFormTags(), prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length > 0) {
    return { ok: false, error: doc.errors[0].message };
  }
  return { ok: true, value: doc.toJS({ maxAliasCount: -1 }) };
}

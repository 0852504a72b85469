import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import { isAbsolute, relative, resolve, sep } from 'path';
import { pathToFileURL } from 'url';
import { ALL_RULES, Finding, Plan, RuleDefinition, Severity } from '../engine';
import { allFindings } from './json';
import { PACKAGE_NAME, packageInfo, REPOSITORY_URL, RULES_URL } from './package-info';
import { factsElementPositions, resourceKeyPositions, SourcePosition } from './source-lines';

export { REPOSITORY_URL };
const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** The `uriBaseId` relative artifact URIs are resolved against (the directory they are relative to). */
export const SOURCE_ROOT_ID = 'SRCROOT';

export interface SarifOptions {
  /** Directory artifact URIs are made relative to (the repository root in CI). Default: the current directory. */
  readonly baseDir?: string;
  /** Reads a file the findings point at; `undefined` when it cannot be read. Default: read as UTF-8 from disk. */
  readonly readFile?: (file: string) => string | undefined;
  /** The tool version to report. Default: the version in the package's package.json. */
  readonly toolVersion?: string;
  /**
   * The stacks read (the CLI's inputs): what each finding's stack is as CloudFormation knows it,
   * so that fingerprints follow the deployed stack, not the name the plan gives it. Default: none
   * (fingerprints by the plan's names).
   */
  readonly stacks?: readonly SarifStack[];
}

/** A stack of the inputs, for fingerprints. */
export interface SarifStack {
  /** Its name in the plan (findings' `stack`, the prefix of its elements' ids). */
  readonly name: string;
  /** Its construct path (the manifest's `displayName`), when known. */
  readonly path?: string;
  /** The CloudFormation stack name it deploys as, when the plan names it otherwise (`Dev/Etl` for `etl`). */
  readonly deployedName?: string;
  readonly account?: string;
  readonly region?: string;
}

// The subset of SARIF 2.1.0 this report writes (names as in the specification).
export interface SarifMessage { readonly text: string; readonly markdown?: string }
export interface SarifRegion { readonly startLine: number; readonly startColumn: number }
export interface SarifPhysicalLocation {
  readonly artifactLocation: { readonly uri: string; readonly uriBaseId?: string };
  readonly region?: SarifRegion;
}
export interface SarifLogicalLocation { readonly name: string; readonly fullyQualifiedName: string; readonly kind: string }
export interface SarifLocation {
  readonly physicalLocation?: SarifPhysicalLocation;
  readonly logicalLocations: SarifLogicalLocation[];
}
export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex?: number;
  readonly level: 'error' | 'warning' | 'note';
  readonly message: SarifMessage;
  readonly locations: SarifLocation[];
  readonly partialFingerprints: Record<string, string>;
  readonly properties: Record<string, unknown>;
}
export interface SarifReportingDescriptor {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: SarifMessage;
  readonly fullDescription: SarifMessage;
  readonly helpUri: string;
  readonly help: SarifMessage;
  readonly defaultConfiguration: { readonly level: SarifResult['level'] };
  readonly properties: { readonly tags: string[] };
}
export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: [{
    readonly tool: {
      readonly driver: {
        readonly name: string;
        readonly version?: string;
        readonly informationUri: string;
        readonly rules: SarifReportingDescriptor[];
      };
    };
    readonly originalUriBaseIds: Record<string, { readonly uri: string }>;
    readonly columnKind: 'utf16CodeUnits';
    readonly results: SarifResult[];
  }];
}

const LEVEL: Record<Severity, SarifResult['level']> = { error: 'error', warning: 'warning', info: 'note' };

/** RULES.md gives each rule an anchor: the rule ID in lower case. */
export function ruleHelpUri(ruleId: string): string {
  return `${RULES_URL}#${ruleId.toLowerCase()}`;
}

/** `GNP-STORE-UNREACHABLE` -> `StoreUnreachable`. */
function ruleName(ruleId: string): string {
  return ruleId.replace(/^GNP-/, '').toLowerCase().split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

function descriptor(rule: RuleDefinition): SarifReportingDescriptor {
  const helpUri = ruleHelpUri(rule.id);
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: `${rule.title}.` },
    helpUri,
    help: {
      text: `${rule.title}. What the rule checks, its AWS source and how to fix it: ${helpUri}`,
      markdown: `**${rule.title}.** What the rule checks, its AWS source and how to fix it: [RULES.md, ${rule.id}](${helpUri})`,
    },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { tags: ['aws-glue', 'networking'] },
  };
}

/** A file path as a SARIF URI: relative to the base directory when inside it, else an absolute file URI. */
function artifactLocation(file: string, baseDir: string): SarifPhysicalLocation['artifactLocation'] {
  const absolute = resolve(baseDir, file);
  const rel = relative(baseDir, absolute);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return { uri: pathToFileURL(absolute).href };
  return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: SOURCE_ROOT_ID };
}

/** Positions of findings' elements in their files: each file is read and indexed once. */
class SourceIndex {
  private readonly byFile = new Map<string, Map<string, SourcePosition> | undefined>();

  constructor(private readonly baseDir: string, private readonly readFile: (file: string) => string | undefined) {}

  position(finding: Finding): SourcePosition | undefined {
    const file = finding.source.file;
    if (file === undefined) return undefined;
    const absolute = resolve(this.baseDir, file);
    if (!this.byFile.has(absolute)) {
      const text = this.readFile(absolute);
      const isFacts = finding.source.stack === 'facts';
      this.byFile.set(absolute, text === undefined ? undefined : isFacts ? factsElementPositions(text) : resourceKeyPositions(text));
    }
    return this.byFile.get(absolute)?.get(finding.source.logicalId);
  }
}

function defaultReadFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf-8');
  } catch {
    return undefined;
  }
}

/**
 * Stable across runs while the problem stays the same (code scanning matches alerts by it): the
 * rule, the element and the message, not the line, which moves whenever a template is re-synthesized.
 * Stacks are named as CloudFormation knows them (its stack name, in its account and Region): a
 * second CDK Stage that names a stack `Dev/Etl` rather than `etl` (another stage's stack shares the
 * name), or moves it into a Stage, leaves its findings' fingerprints as they were, while the
 * stages' copies of one finding (other accounts or Regions) stay apart.
 */
class Fingerprints {
  /** The plan's names and construct paths of stacks -> their CloudFormation identity. */
  private readonly aliases = new Map<string, string>();

  constructor(stacks: readonly SarifStack[]) {
    const byName = new Map(stacks.map((stack) => [stack.name, stack]));
    const identity = (stack: SarifStack): string => {
      // A nested stack (`parent/Logical`) is named after its parent's identity.
      const parent = stack.deployedName === undefined ? [...byName.keys()].filter((name) => stack.name.startsWith(`${name}/`)).sort((a, b) => b.length - a.length)[0] : undefined;
      const name = parent !== undefined ? `${identity(byName.get(parent)!)}${stack.name.slice(parent.length)}` : stack.deployedName ?? stack.name;
      if (parent !== undefined) return name;
      return stack.account === undefined && stack.region === undefined ? name : `${name}@${stack.account ?? '?'}/${stack.region ?? '?'}`;
    };
    for (const stack of stacks) {
      const id = identity(stack);
      for (const alias of [stack.name, stack.path]) if (alias !== undefined && alias !== id && !this.aliases.has(alias)) this.aliases.set(alias, id);
    }
  }

  /**
   * `text` with each id or path that starts with a stack's name or construct path (the longest,
   * a nested stack's before its parent's) starting with its identity instead: one look-up per
   * `/`-prefix of each path-like word, whatever the number of stacks.
   */
  private canonical(text: string): string {
    if (this.aliases.size === 0) return text;
    return text.replace(PATH_WORD, (word) => {
      const parts = word.split('/');
      for (let k = parts.length; k >= 1; k--) {
        const prefix = k === parts.length ? word : parts.slice(0, k).join('/');
        const id = this.aliases.get(prefix);
        if (id !== undefined) return id + word.slice(prefix.length);
      }
      return word;
    });
  }

  of(f: Finding): string {
    const parts = [f.ruleId, this.canonical(f.source.stack), f.source.logicalId, this.canonical(f.jobId ?? ''), this.canonical(f.message)];
    return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
  }
}

/** A word that may be an element id or construct path (`etl/VpcA`, `Dev/Etl/VpcA`): not part of a longer one. */
const PATH_WORD = /(?<![\w./-])[\w.-]+(?:\/[\w.-]+)*/g;

function result(f: Finding, ruleIndex: Map<string, number>, sources: SourceIndex, baseDir: string, fingerprints: Fingerprints): SarifResult {
  const position = sources.position(f);
  const physicalLocation: SarifPhysicalLocation | undefined = f.source.file === undefined ? undefined : {
    artifactLocation: artifactLocation(f.source.file, baseDir),
    ...(position ? { region: { startLine: position.line, startColumn: position.column } } : {}),
  };
  const logicalLocation: SarifLogicalLocation = {
    name: f.source.logicalId,
    fullyQualifiedName: f.source.constructPath ?? `${f.source.stack}/${f.source.logicalId}`,
    kind: 'resource',
  };
  const index = ruleIndex.get(f.ruleId);
  return {
    ruleId: f.ruleId,
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: LEVEL[f.severity],
    message: { text: `${f.message} Fix: ${f.fix}` },
    locations: [{ ...(physicalLocation ? { physicalLocation } : {}), logicalLocations: [logicalLocation] }],
    partialFingerprints: { 'glueNetplanFinding/v1': fingerprints.of(f) },
    properties: {
      stack: f.source.stack,
      logicalId: f.source.logicalId,
      ...(f.source.constructPath ? { constructPath: f.source.constructPath } : {}),
      ...(f.jobId ? { jobId: f.jobId } : {}),
    },
  };
}

/** The plan's findings as a SARIF 2.1.0 log object: one rule per rule ID, results located in the templates. */
export function toSarifLog(plan: Plan, options: SarifOptions = {}): SarifLog {
  const baseDir = resolve(options.baseDir ?? process.cwd());
  const version = options.toolVersion ?? packageInfo().version;
  const ruleIndex = new Map(ALL_RULES.map((r, i) => [r.id, i]));
  const sources = new SourceIndex(baseDir, options.readFile ?? defaultReadFile);
  const fingerprints = new Fingerprints(options.stacks ?? []);
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: PACKAGE_NAME,
          ...(version ? { version } : {}),
          informationUri: REPOSITORY_URL,
          rules: ALL_RULES.map(descriptor),
        },
      },
      originalUriBaseIds: { [SOURCE_ROOT_ID]: { uri: pathToFileURL(baseDir.endsWith(sep) ? baseDir : baseDir + sep).href } },
      columnKind: 'utf16CodeUnits',
      results: allFindings(plan).map((f) => result(f, ruleIndex, sources, baseDir, fingerprints)),
    }],
  };
}

/** The plan as a SARIF 2.1.0 log (JSON text), for code scanning and other SARIF viewers. */
export function toSarif(plan: Plan, options: SarifOptions = {}): string {
  return `${JSON.stringify(toSarifLog(plan, options), null, 2)}\n`;
}

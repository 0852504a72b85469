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
 */
function fingerprint(f: Finding): string {
  return createHash('sha256').update([f.ruleId, f.source.stack, f.source.logicalId, f.jobId ?? '', f.message].join('\u0000')).digest('hex').slice(0, 32);
}

function result(f: Finding, ruleIndex: Map<string, number>, sources: SourceIndex, baseDir: string): SarifResult {
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
    partialFingerprints: { 'glueNetplanFinding/v1': fingerprint(f) },
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
      results: allFindings(plan).map((f) => result(f, ruleIndex, sources, baseDir)),
    }],
  };
}

/** The plan as a SARIF 2.1.0 log (JSON text), for code scanning and other SARIF viewers. */
export function toSarif(plan: Plan, options: SarifOptions = {}): string {
  return `${JSON.stringify(toSarifLog(plan, options), null, 2)}\n`;
}

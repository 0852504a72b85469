import { ConnectionSummary, DataStorePlan, Finding, JobPlan, Plan } from '../engine';

/**
 * The JSON plan: a contract for CI scripts. Field names and shapes are stable; fields may be
 * added, never renamed or removed.
 */
export interface JsonPlan {
  readonly version: 1;
  readonly azDown: string[];
  readonly jobs: unknown[];
  readonly findings: unknown[];
  readonly summary: { jobs: number; errors: number; warnings: number; infos: number };
}

function connection(c: ConnectionSummary | null) {
  if (!c) return null;
  return { stack: c.source.stack, logicalId: c.source.logicalId, constructPath: c.source.constructPath ?? null, name: c.name, subnet: c.subnet ?? null, az: c.az ?? null, vpc: c.vpc ?? null };
}

function finding(f: Finding) {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    fix: f.fix,
    stack: f.source.stack,
    logicalId: f.source.logicalId,
    constructPath: f.source.constructPath ?? null,
    file: f.source.file ?? null,
  };
}

function dataStore(s: DataStorePlan) {
  const worstPath = s.paths.find((p) => p.verdict === 'UNREACHABLE') ?? s.paths.find((p) => p.verdict === 'UNKNOWN') ?? s.paths[0];
  return {
    connection: connection(s.connection),
    verdict: s.verdict,
    port: s.port ?? null,
    locatedBy: s.locatedBy,
    store: s.storeSource ? { stack: s.storeSource.stack, logicalId: s.storeSource.logicalId } : null,
    hops: worstPath ? worstPath.hops : [],
    explanations: s.explanations.map((e) => ({ code: e.code, component: e.component, message: e.message, fix: e.fix, unknown: !!e.unknown })),
    paths: s.paths.map((p) => ({
      sourceSubnet: p.sourceSubnet,
      destinationSubnet: p.destinationSubnet,
      verdict: p.verdict,
      hops: p.hops,
      // What a publicly accessible store's name resolves to, so the path is read as private or public.
      ...(p.nameResolution ? { nameResolution: p.nameResolution } : {}),
    })),
    assumptions: s.assumptions,
  };
}

function job(j: JobPlan) {
  return {
    kind: j.kind ?? 'job',
    stack: j.source.stack,
    logicalId: j.source.logicalId,
    constructPath: j.source.constructPath ?? null,
    name: j.name,
    selectedConnection: connection(j.selectedConnection),
    candidates: j.candidates.map((c) => ({ connection: connection(c.connection), status: c.status, reasons: c.reasons })),
    dataStores: j.dataStores.map(dataStore),
    failover: j.failover.map((f) => ({
      azDown: f.azDown,
      selectedConnection: connection(f.selectedConnection),
      allReachable: f.allReachable,
      dataStores: f.dataStores.map((s) => ({ connection: connection(s.connection), verdict: s.verdict })),
    })),
    findings: j.findings.map(finding),
  };
}

export function allFindings(plan: Plan): Finding[] {
  return [...plan.jobs.flatMap((j) => j.findings), ...plan.findings];
}

export function toJson(plan: Plan): JsonPlan {
  return {
    version: 1,
    azDown: plan.azDown,
    jobs: plan.jobs.map(job),
    findings: plan.findings.map(finding),
    summary: summary(plan),
  };
}

function summary(plan: Plan): JsonPlan['summary'] {
  const findings = allFindings(plan);
  return {
    jobs: plan.jobs.length,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    infos: findings.filter((f) => f.severity === 'info').length,
  };
}

/**
 * Writes exactly `JSON.stringify(toJson(plan))`, one job at a time, through `write`: a large
 * app's plan (tens of megabytes) is then never one string, nor one object tree, in memory.
 */
export function writeJson(plan: Plan, write: (chunk: string) => void): void {
  const texts = new PlanJson();
  write(`{"version":1,"azDown":${JSON.stringify(plan.azDown)},"jobs":[`);
  plan.jobs.forEach((j, i) => write(`${i ? ',' : ''}${texts.job(j)}`));
  write(`],"findings":${JSON.stringify(plan.findings.map(finding))},"summary":${JSON.stringify(summary(plan))}}`);
}

/** The members of an object's JSON text, without the braces ('' for none). */
function members(value: object): string {
  return JSON.stringify(value).slice(1, -1);
}

/** An object's JSON text from its members' texts, in order, leaving out the empty ones. */
function object(...parts: string[]): string {
  let text = '';
  for (const part of parts) if (part !== '') text += text === '' ? part : `,${part}`;
  return `{${text}}`;
}

/** An array's JSON text from its items' texts. */
function array<T>(items: readonly T[], text: (item: T) => string): string {
  let out = '';
  for (let i = 0; i < items.length; i++) out += i ? `,${text(items[i])}` : text(items[i]);
  return `[${out}]`;
}

/**
 * The JSON texts of one plan's parts, once per object: the engine shares objects between the
 * parts of a plan (a path's trace between every job and what-if that takes it, a connection
 * between a job's candidates, stores and what-ifs, a store between a job and the what-ifs whose
 * choice is unchanged, an explanation between the stores it blocks), and a plan is not changed
 * once made. Each text is exactly `JSON.stringify` of what `toJson` makes of the object.
 */
class PlanJson {
  private readonly hopsTexts = new Map<object, string>();
  private readonly connectionTexts = new Map<object, string>();
  private readonly pathTexts = new Map<object, string>();

  /** Exactly `JSON.stringify(job(j))`. */
  public job(j: JobPlan): string {
    const head = members({ kind: j.kind ?? 'job', stack: j.source.stack, logicalId: j.source.logicalId, constructPath: j.source.constructPath ?? null, name: j.name });
    return object(head,
      `"selectedConnection":${this.connection(j.selectedConnection)}`,
      `"candidates":${array(j.candidates, (c) => object(`"connection":${this.connection(c.connection)}`, members({ status: c.status, reasons: c.reasons })))}`,
      `"dataStores":${array(j.dataStores, (s) => this.dataStore(s))}`,
      `"failover":${array(j.failover, (f) => object(
        members({ azDown: f.azDown }),
        `"selectedConnection":${this.connection(f.selectedConnection)}`,
        members({ allReachable: f.allReachable }),
        `"dataStores":${array(f.dataStores, (s) => this.storeVerdict(s))}`))}`,
      `"findings":${JSON.stringify(j.findings.map(finding))}`);
  }

  /** Exactly `JSON.stringify(connection(c))`. */
  public connection(c: ConnectionSummary | null): string {
    if (!c) return 'null';
    let text = this.connectionTexts.get(c);
    if (text === undefined) this.connectionTexts.set(c, text = JSON.stringify(connection(c)));
    return text;
  }

  /** Exactly `JSON.stringify(dataStore(s))`. */
  public dataStore(s: DataStorePlan): string {
    const worstPath = s.paths.find((p) => p.verdict === 'UNREACHABLE') ?? s.paths.find((p) => p.verdict === 'UNKNOWN') ?? s.paths[0];
    return object(
      `"connection":${this.connection(s.connection)}`,
      members({ verdict: s.verdict, port: s.port ?? null, locatedBy: s.locatedBy, store: s.storeSource ? { stack: s.storeSource.stack, logicalId: s.storeSource.logicalId } : null }),
      `"hops":${worstPath ? this.hops(worstPath.hops) : '[]'}`,
      `"explanations":${JSON.stringify(s.explanations.map((e) => ({ code: e.code, component: e.component, message: e.message, fix: e.fix, unknown: !!e.unknown })))}`,
      `"paths":${array(s.paths, (p) => this.path(p))}`,
      s.assumptions === undefined ? '' : `"assumptions":${JSON.stringify(s.assumptions)}`);
  }

  /** A store as a what-if lists it: exactly `JSON.stringify({ connection: connection(s.connection), verdict: s.verdict })`. */
  private storeVerdict(s: DataStorePlan): string {
    return object(`"connection":${this.connection(s.connection)}`, members({ verdict: s.verdict }));
  }

  private path(p: DataStorePlan['paths'][number]): string {
    let text = this.pathTexts.get(p);
    if (text === undefined) {
      this.pathTexts.set(p, text = object(
        members({ sourceSubnet: p.sourceSubnet, destinationSubnet: p.destinationSubnet, verdict: p.verdict }),
        `"hops":${this.hops(p.hops)}`,
        // What a publicly accessible store's name resolves to, so the path is read as private or public.
        p.nameResolution ? `"nameResolution":${JSON.stringify(p.nameResolution)}` : ''));
    }
    return text;
  }

  private hops(hops: DataStorePlan['paths'][number]['hops']): string {
    let text = this.hopsTexts.get(hops);
    if (text === undefined) this.hopsTexts.set(hops, text = JSON.stringify(hops));
    return text;
  }
}

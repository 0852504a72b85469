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
    paths: s.paths.map((p) => ({ sourceSubnet: p.sourceSubnet, destinationSubnet: p.destinationSubnet, verdict: p.verdict, hops: p.hops })),
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
  const hops = new HopsJson();
  write(`{"version":1,"azDown":${JSON.stringify(plan.azDown)},"jobs":[`);
  plan.jobs.forEach((j, i) => write(`${i ? ',' : ''}${jobJson(j, hops)}`));
  write(`],"findings":${JSON.stringify(plan.findings.map(finding))},"summary":${JSON.stringify(summary(plan))}}`);
}

/**
 * The JSON text of each path's hops, once per hops array: the engine shares a path's trace
 * between every job and what-if that takes it, and the hops are most of a large plan's bytes.
 */
class HopsJson {
  private readonly texts = new WeakMap<object, string>();
  public of(hops: JobPlan['dataStores'][number]['paths'][number]['hops']): string {
    let text = this.texts.get(hops);
    if (text === undefined) this.texts.set(hops, text = JSON.stringify(hops));
    return text;
  }
}

/** Exactly `JSON.stringify(job(j))`, with each hops array's text taken from `hops`. */
function jobJson(j: JobPlan, hops: HopsJson): string {
  const { dataStores, failover, findings, ...head } = job(j);
  return `${JSON.stringify(head).slice(0, -1)},"dataStores":[${j.dataStores.map((s) => dataStoreJson(s, hops)).join(',')}]`
    + `,"failover":${JSON.stringify(failover)},"findings":${JSON.stringify(findings)}}`;
}

/** Exactly `JSON.stringify(dataStore(s))`, with each hops array's text taken from `hops`. */
function dataStoreJson(s: DataStorePlan, hops: HopsJson): string {
  const { hops: worstHops, explanations, paths, assumptions, ...head } = dataStore(s);
  const pathTexts = s.paths.map((p) => `${JSON.stringify({ sourceSubnet: p.sourceSubnet, destinationSubnet: p.destinationSubnet, verdict: p.verdict }).slice(0, -1)},"hops":${hops.of(p.hops)}}`);
  return `${JSON.stringify(head).slice(0, -1)},"hops":${hops.of(worstHops)},"explanations":${JSON.stringify(explanations)}`
    + `,"paths":[${pathTexts.join(',')}]${assumptions === undefined ? '' : `,"assumptions":${JSON.stringify(assumptions)}`}}`;
}

import { ConnectionSummary, DataStorePlan, Explanation, Finding, JobPlan, Plan } from '../engine';

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
  // A loop rather than flatMap and spreads: thousands of findings, copied once.
  const all: Finding[] = [];
  for (const j of plan.jobs) for (const f of j.findings) all.push(f);
  for (const f of plan.findings) all.push(f);
  return all;
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
 * Writes exactly `JSON.stringify(toJson(plan))` through `write`, in pieces of at most one job: a
 * large app's plan (tens of megabytes) is then never one string, nor one object tree, in memory.
 * The long texts the plan repeats (a path's hops) are written as they are, each its own piece,
 * rather than copied into a job's text first.
 */
export function writeJson(plan: Plan, write: (chunk: string) => void): void {
  const out = new JsonOut(write);
  const texts = new PlanJson(out);
  out.text(`{"version":1,"azDown":${JSON.stringify(plan.azDown)},"jobs":[`);
  plan.jobs.forEach((j, i) => {
    if (i) out.text(',');
    texts.job(j);
    out.flush();
  });
  out.text(`],"findings":${JSON.stringify(plan.findings.map(finding))},"summary":${JSON.stringify(summary(plan))}}`);
  out.flush();
}

/**
 * A JSON text's pieces, in order, to `write`: small pieces are gathered into one, a long one
 * (a shared text, already whole) is written on its own, so it is not copied into another.
 */
class JsonOut {
  private pending = '';

  constructor(private readonly write: (chunk: string) => void) {}

  /** A piece, gathered with the small pieces around it. */
  public text(piece: string): void {
    this.pending += piece;
  }

  /** A piece written on its own when it is long. */
  public shared(piece: string): void {
    if (piece.length < LONG_PIECE) {
      this.pending += piece;
      return;
    }
    this.flush();
    this.write(piece);
  }

  public flush(): void {
    if (this.pending === '') return;
    this.write(this.pending);
    this.pending = '';
  }
}

/** The length from which a shared text is its own piece rather than copied into the pieces around it. */
const LONG_PIECE = 1024;

/**
 * `,"key":value`: an object's member as `JSON.stringify` writes it, after a comma, or '' where
 * it leaves the member out (an undefined value). `key` needs no escaping.
 */
function member(key: string, value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? '' : `,"${key}":${text}`;
}

/**
 * The JSON texts of one plan's parts, once per object: the engine shares objects between the
 * parts of a plan (a path's trace between every job and what-if that takes it, a connection
 * between a job's candidates, stores and what-ifs, a store between a job and the what-ifs whose
 * choice is unchanged, an explanation between the stores it blocks), and a plan is not changed
 * once made. Each text is exactly `JSON.stringify` of what `toJson` makes of the object.
 *
 * A path's text is written in pieces around its hops' text rather than kept whole: a whole path
 * text would be a second copy of its hops (written out, it is flattened), and those copies stay
 * alive until the file is written, tens of megabytes at 2,000 broken jobs that the GC copies
 * and promotes.
 */
class PlanJson {
  private readonly hopsTexts = new Map<object, string>();
  /** A hop's text: the engine shares hops (and their sources) between the paths that pass the same component the same way. */
  private readonly hopTexts = new Map<object, string>();
  /** An explanation's text: the engine shares an explanation between the stores it blocks. */
  private readonly explanationTexts = new Map<object, string>();
  /** `JSON.stringify` of a text, by the text (see `string`). */
  private readonly stringTexts = new Map<string, string>();
  private readonly connectionTexts = new Map<object, string>();
  /** A path's members before its hops (`{"sourceSubnet":...,"hops":`). */
  private readonly pathHeads = new Map<object, string>();

  constructor(private readonly out: JsonOut) {}

  /** Writes exactly `JSON.stringify(job(j))`. */
  public job(j: JobPlan): void {
    const out = this.out;
    // Each member after a comma: the object's first loses it (`kind` is never left out).
    const head = `${member('kind', j.kind ?? 'job')}${member('stack', j.source.stack)}${member('logicalId', j.source.logicalId)}`
      + `${member('constructPath', j.source.constructPath ?? null)}${member('name', j.name)}`;
    out.text(`{${head.slice(1)},"selectedConnection":`);
    out.shared(this.connection(j.selectedConnection));
    out.text(',"candidates":[');
    j.candidates.forEach((c, i) => {
      out.text(i ? ',{"connection":' : '{"connection":');
      out.shared(this.connection(c.connection));
      out.text(`${member('status', c.status)}${member('reasons', c.reasons)}}`);
    });
    out.text('],"dataStores":[');
    j.dataStores.forEach((s, i) => {
      if (i) out.text(',');
      this.dataStore(s);
    });
    out.text('],"failover":[');
    j.failover.forEach((f, i) => {
      // `azDown` may be left out: the object then opens with the next member, without a comma.
      const azDown = member('azDown', f.azDown);
      out.text(`${i ? ',' : ''}{${azDown === '' ? '' : `${azDown.slice(1)},`}"selectedConnection":`);
      out.shared(this.connection(f.selectedConnection));
      out.text(`${member('allReachable', f.allReachable)},"dataStores":[`);
      f.dataStores.forEach((s, k) => {
        out.text(k ? ',{"connection":' : '{"connection":');
        out.shared(this.connection(s.connection));
        out.text(`${member('verdict', s.verdict)}}`);
      });
      out.text(']}');
    });
    out.text('],"findings":[');
    j.findings.forEach((f, i) => out.text(i ? `,${this.finding(f)}` : this.finding(f)));
    out.text(']}');
  }

  /** Exactly `JSON.stringify(connection(c))`. */
  private connection(c: ConnectionSummary | null): string {
    if (!c) return 'null';
    let text = this.connectionTexts.get(c);
    if (text === undefined) this.connectionTexts.set(c, text = JSON.stringify(connection(c)));
    return text;
  }

  /** Writes exactly `JSON.stringify(dataStore(s))`. */
  private dataStore(s: DataStorePlan): void {
    const out = this.out;
    const worstPath = s.paths.find((p) => p.verdict === 'UNREACHABLE') ?? s.paths.find((p) => p.verdict === 'UNKNOWN') ?? s.paths[0];
    out.text('{"connection":');
    out.shared(this.connection(s.connection));
    const store = s.storeSource ? { stack: s.storeSource.stack, logicalId: s.storeSource.logicalId } : null;
    out.text(`${member('verdict', s.verdict)}${member('port', s.port ?? null)}${member('locatedBy', s.locatedBy)}${member('store', store)},"hops":`);
    out.shared(worstPath ? this.hops(worstPath.hops) : '[]');
    out.text(',"explanations":[');
    s.explanations.forEach((e, i) => {
      if (i) out.text(',');
      out.text(this.explanation(e));
    });
    out.text('],"paths":[');
    s.paths.forEach((p, i) => {
      if (i) out.text(',');
      this.path(p);
    });
    out.text(`]${member('assumptions', s.assumptions)}}`);
  }

  /** Writes exactly `JSON.stringify` of what `dataStore` makes of the path. */
  private path(p: DataStorePlan['paths'][number]): void {
    let head = this.pathHeads.get(p);
    if (head === undefined) {
      const members = `${member('sourceSubnet', p.sourceSubnet)}${member('destinationSubnet', p.destinationSubnet)}${member('verdict', p.verdict)},"hops":`;
      this.pathHeads.set(p, head = `{${members.slice(1)}`);
    }
    const out = this.out;
    out.text(head);
    out.shared(this.hops(p.hops));
    // What a publicly accessible store's name resolves to, so the path is read as private or public.
    out.text(p.nameResolution ? `,"nameResolution":${JSON.stringify(p.nameResolution)}}` : '}');
  }

  /** Exactly `JSON.stringify(hops)`: its hops' texts (each an object), comma-separated, in brackets. */
  private hops(hops: DataStorePlan['paths'][number]['hops']): string {
    let text = this.hopsTexts.get(hops);
    if (text === undefined) {
      text = '[';
      for (let i = 0; i < hops.length; i++) {
        const hop = hops[i];
        let hopText = this.hopTexts.get(hop);
        if (hopText === undefined) this.hopTexts.set(hop, hopText = JSON.stringify(hop));
        text += i ? `,${hopText}` : hopText;
      }
      this.hopsTexts.set(hops, text += ']');
    }
    return text;
  }

  /** Exactly `JSON.stringify` of what `dataStore` makes of the explanation. */
  private explanation(e: Explanation): string {
    let text = this.explanationTexts.get(e);
    if (text === undefined) {
      const { code, component, message, fix } = e;
      text = typeof code === 'string' && typeof component === 'string' && typeof message === 'string' && typeof fix === 'string'
        ? `{"code":${this.string(code)},"component":${this.string(component)},"message":${this.string(message)},"fix":${this.string(fix)},"unknown":${!!e.unknown}}`
        : JSON.stringify({ code, component, message, fix, unknown: !!e.unknown });
      this.explanationTexts.set(e, text);
    }
    return text;
  }

  /** Exactly `JSON.stringify(finding(f))`. */
  private finding(f: Finding): string {
    const { ruleId, severity, message, fix, source } = f;
    if (typeof ruleId !== 'string' || typeof severity !== 'string' || typeof message !== 'string' || typeof fix !== 'string' || typeof source.stack !== 'string' || typeof source.logicalId !== 'string') {
      return JSON.stringify(finding(f));
    }
    return `{"ruleId":${this.string(ruleId)},"severity":${this.string(severity)},"message":${JSON.stringify(message)},"fix":${this.string(fix)},`
      + `"stack":${this.string(source.stack)},"logicalId":${this.string(source.logicalId)},"constructPath":${this.string(source.constructPath ?? null)},"file":${this.string(source.file ?? null)}}`;
  }

  /**
   * Exactly `JSON.stringify(text)`, once per distinct text: a broken app's explanations and fixes
   * say the same long texts over and over (from distinct objects), and escaping them is most of
   * the cost of their JSON.
   */
  private string(text: string | null): string {
    if (text === null) return 'null';
    let json = this.stringTexts.get(text);
    if (json === undefined) this.stringTexts.set(text, json = JSON.stringify(text));
    return json;
  }
}

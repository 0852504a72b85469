import { DataStorePlan, Explanation, Finding, JobPlan, Plan, RULES } from '../engine';
import { connectionPlace } from './place-names';

/*
 * Findings as a person reads them in `cdk synth` output and in the CLI's text: one line of what
 * is wrong, the blocking hops as a short list, the fix; explanations the report already gave are
 * not repeated. Rendering only: the engine's findings and explanations are left as they are.
 */

/**
 * How Glue places ENIs, which the engine's DISCONNECTED_VPCS explanations repeat after every
 * blocked route: a report says it once.
 */
export const GLUE_ENI_PLACEMENT = "Glue places ENIs in one connection's subnet only and never checks the others' reachability.";

/**
 * The sentences of the texts split lately: a report of thousands of findings tells the same
 * explanations and fixes over and over. Emptied when it grows large; the arrays are never changed.
 */
const sentenceCache = new Map<string, readonly string[]>();

/** Sentences: a full stop followed by a space and a capital (CIDRs, `10.1.0.0/24.`, and ids stay whole). */
export function sentences(text: string): readonly string[] {
  let split = sentenceCache.get(text);
  if (split === undefined) {
    split = splitSentences(text);
    if (sentenceCache.size >= 10_000) sentenceCache.clear();
    sentenceCache.set(text, split);
  }
  return split;
}

const WHITESPACE = /\s/;

/**
 * Exactly `text.split(/(?<=\.)\s+(?=[A-Z])/).map((s) => s.trim()).filter((s) => s.length > 0)`,
 * in one scan: a full stop, then whitespace (as `\s` has it), then a capital A-Z.
 */
function splitSentences(text: string): string[] {
  const out: string[] = [];
  const keep = (piece: string) => {
    const trimmed = piece.trim();
    if (trimmed.length > 0) out.push(trimmed);
  };
  let start = 0;
  for (let dot = text.indexOf('.'); dot >= 0; dot = text.indexOf('.', dot + 1)) {
    let next = dot + 1;
    while (next < text.length && WHITESPACE.test(text[next])) next++;
    if (next === dot + 1 || next >= text.length) continue;
    const code = text.charCodeAt(next);
    if (code < 65 || code > 90) continue;
    keep(text.slice(start, dot + 1));
    start = next;
    dot = next - 1;
  }
  keep(text.slice(start));
  return out;
}

/**
 * What a report has already said, so that it says each explanation (the "why" sentences after
 * an item's first one) and the ENI-placement sentence once.
 */
export class Narration {
  private readonly said = new Set<string>();
  private eniPlacementNeeded = false;

  /** The text without the ENI-placement sentence and without the "why" sentences said before. */
  tell(text: string): string {
    const parts = sentences(text);
    const kept: string[] = [];
    parts.forEach((sentence, index) => {
      if (sentence === GLUE_ENI_PLACEMENT) {
        this.eniPlacementNeeded = true;
        return;
      }
      if (index > 0 && this.said.has(sentence)) return;
      this.said.add(sentence);
      kept.push(sentence);
    });
    return kept.join(' ');
  }

  /** The ENI-placement sentence the first time a told text needed it, then never again. */
  takeEniPlacement(): string | undefined {
    if (!this.eniPlacementNeeded || this.said.has(GLUE_ENI_PLACEMENT)) return undefined;
    this.said.add(GLUE_ENI_PLACEMENT);
    return GLUE_ENI_PLACEMENT;
  }
}

/**
 * The fixes as a list without repeats: each sentence once, and a peering of two VPCs once
 * whichever direction asked for it (the forward and the return path both ask).
 */
export function distinctFixes(fixes: string[]): string[] {
  const steps = new FixSteps();
  for (const fix of fixes) steps.add(fix);
  return steps.steps;
}

/**
 * A list of fix steps built a text at a time: `add` returns the steps a text adds, as
 * `distinctFixes([...steps, text])` would, without splitting and comparing the earlier ones again.
 */
export class FixSteps {
  /** The steps so far, in order. */
  public readonly steps: string[] = [];
  private readonly keys = new Set<string>();

  /** Adds the steps of a fix text (its sentences) not yet in the list; returns them. */
  public add(text: string): string[] {
    return this.addSentences(sentences(text));
  }

  /**
   * Adds steps that are each one sentence already (what `sentences` or `distinctFixes` gave,
   * which `sentences` would return as they are); returns those not yet in the list.
   */
  public addSentences(steps: readonly string[]): string[] {
    const added: string[] = [];
    for (const sentence of steps) {
      const key = fixKey(sentence);
      if (this.keys.has(key)) continue;
      this.keys.add(key);
      this.steps.push(sentence);
      added.push(sentence);
    }
    return added;
  }
}

/** What makes two peering sentences the same step, per sentence (cached like the sentences). */
const fixKeyCache = new Map<string, string>();

/** What makes two fix sentences the same step: the sentence, or for a peering the two VPCs in either order. */
function fixKey(sentence: string): string {
  // Only a peering can be said two ways: any other sentence is its own key, without a look-up.
  if (!sentence.startsWith('Peer ')) return sentence;
  let key = fixKeyCache.get(sentence);
  if (key === undefined) {
    const peer = /^Peer (\S+) with (\S+) /.exec(sentence);
    key = peer ? `peer ${[peer[1], peer[2]].sort().join(' ')}` : sentence;
    if (fixKeyCache.size >= 10_000) fixKeyCache.clear();
    fixKeyCache.set(sentence, key);
  }
  return key;
}

/** A finding in its short form. */
export interface ShortFinding {
  /** What is wrong, in one line. */
  readonly summary: string;
  /** The blocking hops (or the other details), one line each. */
  readonly details: string[];
  /** The fix, one step a line. */
  readonly fixes: string[];
}

/** Each plan's jobs by id: a report of thousands of findings looks each one's job up once. */
const jobsById = new WeakMap<Plan, Map<string, JobPlan>>();

/** The store a GNP-STORE-UNREACHABLE finding is about, from its job's plan. */
function storeOf(plan: Plan, finding: Finding): { job: JobPlan; store: DataStorePlan } | undefined {
  if (finding.ruleId !== RULES.storeUnreachable.id || finding.jobId === undefined) return undefined;
  let jobs = jobsById.get(plan);
  if (!jobs) {
    jobs = new Map();
    for (const j of plan.jobs) if (!jobs.has(j.id)) jobs.set(j.id, j);
    jobsById.set(plan, jobs);
  }
  const job = jobs.get(finding.jobId);
  const store = job?.dataStores.find((s) => s.verdict === 'UNREACHABLE' && finding.message.includes(`connection ${s.connection.name} (`));
  return job && store ? { job, store } : undefined;
}

function blockingLine(e: Explanation, narration: Narration): string {
  const text = narration.tell(e.message);
  // The component by its construct path when the explanation's source is the component itself.
  const own = e.source?.constructPath && `${e.source.stack}/${e.source.logicalId}` === e.component;
  const component = own ? e.source!.constructPath!.replace(/\/Resource$/, '') : e.component;
  return text.includes(component) || text.includes(e.component) ? `${e.code}: ${text}` : `${e.code} at ${component}: ${text}`;
}

/**
 * A finding in its short form. An unreachable store is said from its plan: job, store and
 * selected connection in one line, then each blocking explanation, then the fixes. Any other
 * finding keeps its message (less what the report already said) and its fix as a list.
 */
export function shortFinding(plan: Plan, finding: Finding, narration: Narration): ShortFinding {
  const about = storeOf(plan, finding);
  if (!about) return { summary: narration.tell(finding.message), details: [], fixes: distinctFixes([finding.fix]) };
  const { job, store } = about;
  const blocking = store.explanations.filter((e) => !e.unknown);
  const codes = [...new Set(blocking.map((e) => e.code))].join(', ');
  const selected = job.selectedConnection;
  const where = selected ? connectionPlace(plan, selected, false).join(', ') : '';
  const from = selected ? `from the connection Glue selects (${selected.name}${where ? ` in ${where}` : ''})` : 'because no connection is selected';
  return {
    summary: `Job ${job.name}: the data store of connection ${store.connection.name} (${store.locatedBy}, TCP ${store.port ?? '?'}) is UNREACHABLE ${from} [${codes}].`,
    details: blocking.map((e) => blockingLine(e, narration)),
    fixes: distinctFixes(blocking.map((e) => e.fix)),
  };
}

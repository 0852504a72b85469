import { SourceRef } from '../model';
import { Explanation } from './plan';

/*
 * Texts written when first read (issue 18). Most routing explanations of a broken app's plan
 * are read by no report: the stores of a what-if are summarised as verdicts, and the fix of a
 * route explanation is replaced by the routes auto-peer plans (see the planner's route fixes).
 */

/** The explanations made here: `withFix` copies them without reading their texts. */
const lazyExplanations = new WeakSet<Explanation>();

/**
 * An explanation whose message and fix are written on first read, then kept. They are own,
 * enumerable getters, in the order of `{ code, component, source, message, fix }`: a spread,
 * `JSON.stringify` and `Object.keys` see the members that literal has, with the same values.
 */
export function lazyExplanation(code: string, component: string, source: SourceRef | undefined, message: () => string, fix: () => string): Explanation {
  let messageText: string | undefined;
  let fixText: string | undefined;
  const explanation: Explanation = {
    code,
    component,
    source,
    get message(): string {
      return messageText ??= message();
    },
    get fix(): string {
      return fixText ??= fix();
    },
  };
  lazyExplanations.add(explanation);
  return explanation;
}

/**
 * `{ ...e, fix }`: the same members in the same order, with the same values; of an explanation
 * made here, without writing its fix, and with its message read from it when first read.
 */
export function withFix(e: Explanation, fix: string): Explanation {
  if (!lazyExplanations.has(e)) return { ...e, fix };
  const copy: Explanation = {
    code: e.code,
    component: e.component,
    source: e.source,
    get message(): string {
      return e.message;
    },
    fix,
  };
  lazyExplanations.add(copy);
  return copy;
}

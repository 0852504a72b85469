/**
 * A value the model may or may not know. Unknown values carry the reason, so a verdict that
 * depends on them can name the missing fact instead of guessing.
 */
export type Fact<T> =
  | { readonly known: true; readonly value: T }
  | { readonly known: false; readonly reason: string };

export function known<T>(value: T): Fact<T> {
  return { known: true, value };
}

export function unknown<T = never>(reason: string): Fact<T> {
  return { known: false, reason };
}

export function valueOr<T>(fact: Fact<T> | undefined, fallback: T): T {
  return fact && fact.known ? fact.value : fallback;
}

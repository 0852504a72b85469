/**
 * A tree of keys made of parts, one part a level: the value of a key sits at the node where its
 * last part ends (a key ending there is another key than a longer one going on). On hot paths it
 * is cheaper than building and hashing one text per key (`JSON.stringify`, `join`).
 */
export interface KeyTree<T> {
  value?: T;
  next?: Map<unknown, KeyTree<T>>;
}

/** The node after `node` for the next part of a key, made when new. */
export function keyStep<T>(node: KeyTree<T>, part: unknown): KeyTree<T> {
  const next = node.next ??= new Map();
  let child = next.get(part);
  if (!child) next.set(part, child = {});
  return child;
}

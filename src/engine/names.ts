import { SourceRef } from '../model';

/** What a user calls an element: its construct path (an L1's default-child `/Resource` left out), else its model id. */
export function nameOf(source: SourceRef | undefined, id: string): string {
  const path = source?.constructPath;
  // (`endsWith` and `slice`, not a regular expression: this is asked of every named element of
  // every message.)
  return path ? (path.endsWith('/Resource') ? path.slice(0, -'/Resource'.length) : path) : id;
}

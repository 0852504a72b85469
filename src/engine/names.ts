import { SourceRef } from '../model';

/** What a user calls an element: its construct path (an L1's default-child `/Resource` left out), else its model id. */
export function nameOf(source: SourceRef | undefined, id: string): string {
  const path = source?.constructPath;
  return path ? path.replace(/\/Resource$/, '') : id;
}

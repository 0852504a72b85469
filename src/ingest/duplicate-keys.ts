/*
 * JSON.parse keeps the last of two members with the same name in one object and drops the
 * first without a word. These find such a key in a text JSON.parse has already accepted.
 */

/** Members in the parsed document (what is left once duplicates are dropped). */
function parsedKeyCount(value: unknown): number {
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'object' && item !== null) count += parsedKeyCount(item);
    return count;
  }
  for (const key in value as Record<string, unknown>) {
    count++;
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'object' && item !== null) count += parsedKeyCount(item);
  }
  return count;
}

/**
 * The first key that appears twice in one object of `text` (valid JSON, parsed as `parsed`),
 * with its line, or undefined. Every member name is a string followed by a colon, so the text
 * holds at least as many `"` + `:` as the document has members, more only where a string value
 * holds one or a member was dropped: when the two counts agree there is no duplicate, and only
 * otherwise is the text scanned object by object.
 */
export function findDuplicateKey(text: string, parsed: unknown): { readonly key: string; readonly line: number } | undefined {
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  let colons = 0;
  const nameEnd = /"\s*:/g;
  while (nameEnd.exec(text)) colons++;
  if (colons === parsedKeyCount(parsed)) return undefined;
  // Objects being read: the names seen so far, and whether the next string is a name.
  const objects: ({ names: Set<string>; expectName: boolean } | undefined)[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    switch (text[i]) {
      case '\n': line++; break;
      case '{': objects.push({ names: new Set(), expectName: true }); break;
      case '[': objects.push(undefined); break;
      case '}': case ']': objects.pop(); break;
      case ',': {
        const top = objects[objects.length - 1];
        if (top) top.expectName = true;
        break;
      }
      case '"': {
        const start = i;
        for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
        const top = objects[objects.length - 1];
        if (!top?.expectName) break;
        const name: string = JSON.parse(text.slice(start, i + 1));
        if (top.names.has(name)) return { key: name, line };
        top.names.add(name);
        top.expectName = false;
        break;
      }
    }
  }
  return undefined;
}

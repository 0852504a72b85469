/**
 * IPv4 CIDR arithmetic on plain numbers. Addresses are unsigned 32-bit integers; a range is a
 * closed interval [first, last].
 */
export interface AddressRange {
  readonly first: number;
  readonly last: number;
}

export interface Cidr extends AddressRange {
  /** Canonical text, e.g. `10.0.1.0/24`. */
  readonly text: string;
  readonly prefixLength: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const ADDRESS_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses `a.b.c.d`, or returns undefined when the text is not an IPv4 address. */
export function parseAddress(text: string): number | undefined {
  const m = ADDRESS_PATTERN.exec(text.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return ((octets[0] * 256 + octets[1]) * 256 + octets[2]) * 256 + octets[3];
}

export function formatAddress(address: number): string {
  // Plain arithmetic and concatenation: traces format thousands of addresses.
  return `${Math.floor(address / 0x1000000) % 256}.${Math.floor(address / 0x10000) % 256}.${Math.floor(address / 0x100) % 256}.${address % 256}`;
}

/**
 * Parses `a.b.c.d/n`. Host bits set below the prefix are an error in EC2 (`InvalidParameterValue`),
 * so they are rejected here too rather than silently masked.
 */
export function parseCidr(text: string): Cidr | undefined {
  const m = CIDR_PATTERN.exec(String(text).trim());
  if (!m) return undefined;
  const address = parseAddress(`${m[1]}.${m[2]}.${m[3]}.${m[4]}`);
  const prefixLength = Number(m[5]);
  if (address === undefined || prefixLength > 32) return undefined;
  const size = 2 ** (32 - prefixLength);
  if (address % size !== 0) return undefined;
  return { first: address, last: address + size - 1, prefixLength, text: `${formatAddress(address)}/${prefixLength}` };
}

export function cidrOf(first: number, prefixLength: number): Cidr {
  const size = 2 ** (32 - prefixLength);
  const base = first - (first % size);
  return { first: base, last: base + size - 1, prefixLength, text: `${formatAddress(base)}/${prefixLength}` };
}

export function rangeSize(range: AddressRange): number {
  return range.last - range.first + 1;
}

export function contains(outer: AddressRange, inner: AddressRange): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

export function containsAddress(range: AddressRange, address: number): boolean {
  return range.first <= address && address <= range.last;
}

export function overlaps(a: AddressRange, b: AddressRange): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export function intersect(a: AddressRange, b: AddressRange): AddressRange | undefined {
  const first = Math.max(a.first, b.first);
  const last = Math.min(a.last, b.last);
  return first <= last ? { first, last } : undefined;
}

export function formatRange(range: AddressRange): string {
  if (range.first === range.last) return formatAddress(range.first);
  // Show as a CIDR when it is one.
  const size = rangeSize(range);
  const prefix = 32 - Math.log2(size);
  if (Number.isInteger(prefix) && range.first % size === 0) return `${formatAddress(range.first)}/${prefix}`;
  return `${formatAddress(range.first)}-${formatAddress(range.last)}`;
}

/**
 * Splits `range` into the maximal sub-ranges ("atoms") on which membership in every one of
 * `boundaries` is constant. Any decision made only from CIDR containment is then the same for
 * every address of an atom, so evaluating one address per atom is exact.
 */
export function atoms(range: AddressRange, boundaries: readonly AddressRange[]): AddressRange[] {
  const cuts = new Set<number>([range.first]);
  for (const b of boundaries) {
    if (b.first > range.first && b.first <= range.last) cuts.add(b.first);
    if (b.last + 1 > range.first && b.last + 1 <= range.last) cuts.add(b.last + 1);
  }
  const starts = [...cuts].sort((x, y) => x - y);
  return starts.map((first, i) => ({ first, last: i + 1 < starts.length ? starts[i + 1] - 1 : range.last }));
}

/** Merges ranges into a sorted list of disjoint, non-adjacent ranges. */
export function union(ranges: readonly AddressRange[]): AddressRange[] {
  const sorted = [...ranges].sort((a, b) => a.first - b.first);
  const merged: { first: number; last: number }[] = [];
  for (const r of sorted) {
    const top = merged[merged.length - 1];
    if (top && r.first <= top.last + 1) top.last = Math.max(top.last, r.last);
    else merged.push({ first: r.first, last: r.last });
  }
  return merged;
}

/** The parts of `range` not covered by `cover`. */
export function subtract(range: AddressRange, cover: readonly AddressRange[]): AddressRange[] {
  const gaps: AddressRange[] = [];
  let next = range.first;
  for (const c of union(cover)) {
    if (c.last < next) continue;
    if (c.first > range.last) break;
    if (c.first > next) gaps.push({ first: next, last: Math.min(c.first - 1, range.last) });
    next = Math.max(next, c.last + 1);
    if (next > range.last) break;
  }
  if (next <= range.last) gaps.push({ first: next, last: range.last });
  return gaps;
}

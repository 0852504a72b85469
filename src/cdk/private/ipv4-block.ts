/**
 * Minimal IPv4 CIDR arithmetic for the VpcPeering synth-time checks.
 *
 * Kept private to the cdk adapter on purpose: it only needs "parse" and "overlaps",
 * and must not depend on the model package while that is still moving.
 */

/** A parsed IPv4 CIDR block as an inclusive range of 32-bit addresses. */
export interface Ipv4Block {
  /** The block as written by the user, e.g. `10.0.0.0/16`. */
  readonly text: string;
  /** First address of the block (network address), as an unsigned 32-bit number. */
  readonly first: number;
  /** Last address of the block (broadcast address), as an unsigned 32-bit number. */
  readonly last: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * Parses `a.b.c.d/n`. Returns `undefined` when the text is not an IPv4 CIDR block.
 * Host bits set below the prefix are tolerated (the block is the enclosing network),
 * matching how EC2 interprets route destinations.
 */
export function parseIpv4Block(text: string): Ipv4Block | undefined {
  const match = CIDR_PATTERN.exec(text.trim());
  if (!match) {
    return undefined;
  }
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some(o => o > 255) || prefix > 32) {
    return undefined;
  }
  const address = octets.reduce((value, octet) => value * 256 + octet, 0);
  const size = 2 ** (32 - prefix);
  const first = Math.floor(address / size) * size;
  return { text: text.trim(), first, last: first + size - 1 };
}

/** Whether two blocks share at least one address. */
export function blocksOverlap(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** Whether `inner` lies entirely inside `outer`. */
export function blockContains(outer: Ipv4Block, inner: Ipv4Block): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

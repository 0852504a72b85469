/**
 * IPv4 blocks for the VpcPeering synth-time checks, on top of the model's CIDR arithmetic
 * (`src/model/cidr.ts`). Unlike the model's strict `parseCidr`, host bits below the prefix are
 * tolerated here (the block is the enclosing network), matching how EC2 reads route destinations.
 */
import { AddressRange, cidrOf, contains, overlaps, parseAddress } from '../../model/cidr';

/** A parsed IPv4 CIDR block as an inclusive range of 32-bit addresses. */
export interface Ipv4Block extends AddressRange {
  /** The block as written by the user, e.g. `10.0.0.0/16`. */
  readonly text: string;
}

/** Parses `a.b.c.d/n`. Returns `undefined` when the text is not an IPv4 CIDR block. */
export function parseIpv4Block(text: string): Ipv4Block | undefined {
  const [address, prefix, extra] = text.trim().split('/');
  if (extra !== undefined || prefix === undefined || !/^\d{1,2}$/.test(prefix) || Number(prefix) > 32) return undefined;
  const first = parseAddress(address);
  if (first === undefined) return undefined;
  const block = cidrOf(first, Number(prefix));
  return { text: text.trim(), first: block.first, last: block.last };
}

/** Whether two blocks share at least one address. */
export const blocksOverlap: (a: Ipv4Block, b: Ipv4Block) => boolean = overlaps;

/** Whether `inner` lies entirely inside `outer`. */
export const blockContains: (outer: Ipv4Block, inner: Ipv4Block) => boolean = contains;

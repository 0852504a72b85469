import { Cidr, Fact, unknown } from '../model';
import { isUnresolved } from './intrinsics';
import { asRef, describeValue, ResourceReader } from './reader';
import { isObject } from './template';

/**
 * What a customer-managed prefix list of the templates (`AWS::EC2::PrefixList`) holds, as a rule
 * or route referencing it sees it: its IPv4 CIDRs, and why any other entry cannot be read. A
 * security group rule or a route that references a prefix list applies to each of its entries
 * (VPC User Guide, "Managed prefix lists").
 */
export type PrefixListContents =
  | { readonly kind: 'ipv4'; readonly cidrs: Cidr[]; readonly unresolved: string[] }
  /** An IPv6 list: it holds no IPv4 address, so what references it admits or routes no IPv4 traffic. */
  | { readonly kind: 'ipv6' }
  /** Whether the list exists, or its address family, or its whole entry list, cannot be resolved. */
  | { readonly kind: 'unknown'; readonly reason: string };

/** What a reference to a prefix list designates. */
export type PrefixListReference =
  /** A list defined by the templates, or described by the facts (by its `pl-...` id): its contents, and its weight (`MaxEntries`). */
  | { readonly kind: 'defined'; readonly id: string; readonly contents: PrefixListContents; readonly weight: Fact<number> }
  /** A literal id (`pl-...`: AWS-managed, or created elsewhere): its contents are not in the inputs. */
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'unknown'; readonly reason: string };

/** AWS::EC2::PrefixList: read once (its issues reported once), then looked up by what references it. */
export function readPrefixList(r: ResourceReader): void {
  r.context.prefixLists.set(r.id, { contents: prefixListContents(r), weight: prefixListWeight(r) });
}

/**
 * The list's `MaxEntries` (required by CloudFormation): what a rule or route referencing it counts
 * against its resource's quota (VPC User Guide, "Managed prefix lists").
 */
function prefixListWeight(r: ResourceReader): Fact<number> {
  const value = r.value('MaxEntries');
  if (value === undefined) return r.unknownWithIssue('MaxEntries', `${r.describe()}: MaxEntries is not set`);
  const weight = r.numberFact('MaxEntries', value);
  if (!weight.known) return unknown(`its MaxEntries cannot be resolved (${weight.reason})`);
  if (!Number.isInteger(weight.value) || weight.value < 1) return r.unknownWithIssue('MaxEntries', `${r.describe()}: MaxEntries ${weight.value} is not a whole number of at least 1`);
  return weight;
}

function prefixListContents(r: ResourceReader): PrefixListContents {
  if (r.uncertain) return { kind: 'unknown', reason: r.uncertain };
  const family = r.value('AddressFamily');
  if (family === 'IPv6') return { kind: 'ipv6' };
  if (family !== 'IPv4') {
    const reason = `${r.describe()}: AddressFamily ${isUnresolved(family) ? `cannot be resolved (${family.reason})` : `${describeValue(family)} is not IPv4 or IPv6`}`;
    r.issue('AddressFamily', reason);
    return { kind: 'unknown', reason };
  }
  const entries = r.value('Entries');
  if (entries === undefined) return { kind: 'ipv4', cidrs: [], unresolved: [] };
  if (!Array.isArray(entries)) {
    const reason = `${r.describe()}: Entries ${isUnresolved(entries) ? `cannot be resolved (${entries.reason})` : `${describeValue(entries)} is not a list`}`;
    r.issue('Entries', reason);
    return { kind: 'unknown', reason };
  }
  const cidrs: Cidr[] = [];
  const unresolved: string[] = [];
  entries.forEach((entry, index) => {
    const property = `Entries[${index}].Cidr`;
    if (!isObject(entry) || isUnresolved(entry)) {
      const reason = `${r.describe()}: Entries[${index}] ${isUnresolved(entry) ? `cannot be resolved (${entry.reason})` : `${describeValue(entry)} is not an entry`}`;
      r.issue(`Entries[${index}]`, reason);
      unresolved.push(reason);
      return;
    }
    const cidr = r.cidr(property, entry.Cidr);
    if (cidr.known) cidrs.push(cidr.value);
    else unresolved.push(`${r.describe()}: ${property}: ${cidr.reason}`);
  });
  return { kind: 'ipv4', cidrs, unresolved };
}

/**
 * The prefix list a rule's or route's property designates: a Ref (or `Fn::GetAtt ... PrefixListId`)
 * to a list of the templates, a literal id (described when the facts describe it: a list of the
 * account), or a value that cannot be resolved.
 */
export function prefixListReference(r: ResourceReader, value: unknown, property: string): PrefixListReference {
  const ref = asRef(value);
  if (ref) {
    const list = r.context.prefixLists.get(ref.modelId);
    if (list && ref.attribute === undefined) return { kind: 'defined', id: ref.modelId, ...list };
    return { kind: 'unknown', reason: `${r.describe()}: ${property} is ${describeValue(value)}, not a prefix list the templates define` };
  }
  const id = r.stringFact(property, value);
  if (!id.known) return { kind: 'unknown', reason: id.reason };
  // A list of the account the facts describe (read by --from-aws): read as the templates' own.
  const described = id.value.startsWith('pl-') ? r.context.prefixLists.get(id.value) : undefined;
  return described ? { kind: 'defined', id: id.value, ...described } : { kind: 'id', id: id.value };
}

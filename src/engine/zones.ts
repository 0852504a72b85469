import { CDK_PLACEHOLDER_ZONES, Fact, Subnet, SymbolicZone } from '../model';

/**
 * Availability Zones as the templates give them: a name (`us-east-1a`, or a zone id), a symbolic
 * zone of `Fn::GetAZs` (which zone of the account's list; its name is known only at deploy time),
 * or nothing known. Comparisons are three-valued: undefined when the inputs cannot tell.
 */
export interface Zone {
  readonly name?: string;
  readonly symbolic?: SymbolicZone;
  /** Why the name is not known (when it is not). */
  readonly reason?: string;
}

export function zoneOf(availabilityZone: Fact<string> | undefined, symbolic: SymbolicZone | undefined): Zone {
  if (availabilityZone?.known) return { name: availabilityZone.value };
  if (symbolic) return { symbolic, reason: availabilityZone?.reason };
  return { reason: availabilityZone?.reason ?? 'no zone is given' };
}

export function subnetZone(subnet: Subnet): Zone {
  return zoneOf(subnet.availabilityZone, subnet.symbolicZone);
}

/** The key what-ifs group subnets by: the zone's name, else its symbol; undefined when nothing is known. */
export function zoneKey(zone: Zone): string | undefined {
  return zone.name ?? zone.symbolic?.symbol;
}

/** How a zone reads in messages. */
export function zoneText(zone: Zone): string {
  if (zone.name) return zone.name;
  if (zone.symbolic?.zoneId !== undefined) return `the zone of AZ ID ${zone.symbolic.zoneId} (from the subnet placed by it; its name, which CloudFormation gives, is known only at deploy time)`;
  if (zone.symbolic?.list === CDK_PLACEHOLDER_ZONES) return `${zone.symbolic.symbol} (CDK's placeholder for zone ${zone.symbolic.index + 1} of the stack's zones, not looked up yet)`;
  if (zone.symbolic) return `${zone.symbolic.symbol} (zone ${zone.symbolic.index + 1} of Fn::GetAZs, its name known only at deploy time)`;
  return `unknown (${zone.reason})`;
}

/**
 * An AZ ID (`use1-az1`, `usw2-lax1-az1`): the same physical zone in every account, whereas a zone
 * name (`us-east-1a`) is mapped to a zone per account ("AZ IDs", AWS Regions and Availability
 * Zones guide), so which name an ID has is known only in the account.
 */
export function isZoneId(name: string): boolean {
  return /^[a-z]+\d+(?:-[a-z]+\d+)?-az\d+$/.test(name);
}

/** Whether two zones are the same zone: undefined when the inputs cannot tell. */
export function sameZone(a: Zone, b: Zone): boolean | undefined {
  // The zone of an AZ ID (from a subnet placed by it) against a zone named: the same ID is the
  // same zone, another ID another zone; a zone name is mapped by the account.
  const byId = a.symbolic?.zoneId !== undefined && b.name !== undefined ? [a.symbolic.zoneId, b.name]
    : b.symbolic?.zoneId !== undefined && a.name !== undefined ? [b.symbolic.zoneId, a.name] : undefined;
  if (byId) return byId[0] === byId[1] ? true : isZoneId(byId[1]) ? false : undefined;
  if (a.name !== undefined && b.name !== undefined) {
    if (a.name === b.name) return true;
    // An AZ ID against a zone name: the account's mapping, not in the inputs, decides.
    return isZoneId(a.name) !== isZoneId(b.name) ? undefined : false;
  }
  if (a.symbolic && b.symbolic) {
    if (a.symbolic.symbol === b.symbolic.symbol) return true;
    // Different indexes of one list are different zones.
    if (a.symbolic.list === b.symbolic.list) return false;
  }
  return undefined;
}

/**
 * Whether a subnet is in the zone a what-if names (`key`: a zone name, or a symbolic zone of the
 * model). Undefined when the inputs cannot tell (a literal name against a symbolic zone, an
 * unknown zone).
 */
export function inZone(subnet: Subnet, key: string, symbolicZones: ReadonlyMap<string, SymbolicZone>): boolean | undefined {
  const symbolic = symbolicZones.get(key);
  return sameZone(subnetZone(subnet), symbolic ? { symbolic } : { name: key });
}

/** Whether a subnet is in one of the failed zones: true, false, or undefined when it cannot be told. */
export function inAnyZone(subnet: Subnet, keys: ReadonlySet<string>, symbolicZones: ReadonlyMap<string, SymbolicZone>): boolean | undefined {
  let answer: boolean | undefined = false;
  for (const key of keys) {
    const inIt = inZone(subnet, key, symbolicZones);
    if (inIt === true) return true;
    if (inIt === undefined) answer = undefined;
  }
  return answer;
}

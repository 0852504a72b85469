import { ConnectionSummary, Plan } from '../engine';
import { nameOf } from '../engine/names';

/** A plan's subnets and VPCs named as the user calls them (construct paths where known), by model id. */
const placeNames = new WeakMap<Plan, Map<string, string>>();

/** The name of a subnet or VPC of the plan: its construct path where known, else its id. */
export function placeName(plan: Plan, id: string): string {
  let names = placeNames.get(plan);
  if (!names) {
    names = new Map();
    for (const vpc of plan.network?.vpcs ?? []) names.set(vpc.id, nameOf(vpc.source, vpc.id));
    for (const subnet of plan.network?.subnets ?? []) names.set(subnet.id, nameOf(subnet.source, subnet.id));
    placeNames.set(plan, names);
  }
  return names.get(id) ?? id;
}

/**
 * Where a connection puts the ENIs, as reports say it: its subnet, zone (when `zone`) and VPC,
 * the ones the plan knows, named by `placeName`.
 */
export function connectionPlace(plan: Plan, c: ConnectionSummary, zone: boolean): string[] {
  const parts: string[] = [];
  if (c.subnet) parts.push(placeName(plan, c.subnet));
  if (zone && c.az) parts.push(c.az);
  if (c.vpc) parts.push(placeName(plan, c.vpc));
  return parts;
}

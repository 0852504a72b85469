import { NetworkModel, OpenEnded } from '../model';

/** Element maps an opening can be added to. */
export type OpenableKind = 'securityGroups' | 'routeTables' | 'networkAcls' | 'transitGatewayRouteTables';

/** Adds an opening to an element of the model (the element is replaced, not mutated). */
export function addOpening(model: NetworkModel, kind: OpenableKind, id: string, opening: OpenEnded): boolean {
  const map = model[kind] as Map<string, { openEnded?: OpenEnded[] }>;
  const element = map.get(id);
  if (!element) return false;
  if (element.openEnded?.some((o) => o.cause === opening.cause && o.direction === opening.direction)) return true;
  map.set(id, { ...element, openEnded: [...(element.openEnded ?? []), opening] });
  return true;
}

/** The kind of element a model id designates, if it can be open-ended. */
export function openableKindOf(model: NetworkModel, id: string): OpenableKind | undefined {
  if (model.securityGroups.has(id)) return 'securityGroups';
  if (model.routeTables.has(id)) return 'routeTables';
  if (model.networkAcls.has(id)) return 'networkAcls';
  if (model.transitGatewayRouteTables.has(id)) return 'transitGatewayRouteTables';
  return undefined;
}

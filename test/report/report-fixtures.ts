/**
 * Plans the report tests draw: the seed's three-VPC case (blocked and fixed) and a multi-job app
 * whose network and jobs live in several stacks.
 */
import { buildPlan, Plan } from '../../src/engine';
import { NetworkModel } from '../../src/model';
import { seedCase } from '../engine/builders';

export function seedPlan(peered: boolean): Plan {
  return buildPlan(seedCase({ peered }).model);
}

/** Moves every element into the stack its id says (`vpcA`, `subA`, `sgA`... -> NetworkA). */
function spreadOverStacks(model: NetworkModel): void {
  const stackOf = (id: string) => {
    const letter = /^(?:vpc|sub|sg|pcx)([A-C])/.exec(id)?.[1];
    return letter ? `Network${letter}` : 'Etl';
  };
  for (const value of Object.values(model)) {
    if (!(value instanceof Map)) continue;
    for (const [id, element] of value as Map<string, { source?: { stack: string; logicalId: string } }>) {
      if (!element || typeof element !== 'object' || !element.source) continue;
      value.set(id, { ...element, source: { ...element.source, stack: stackOf(id), constructPath: `${stackOf(id)}/${id}/Resource` } });
    }
  }
}

/**
 * Two jobs in stack Etl over VPCs in stacks NetworkA-C: `etl` is the seed's job (blocked);
 * `report` lists only the PostgreSQL connection, so it runs in VPC C and reaches its store.
 */
export function multiJobPlan(): Plan {
  const m = seedCase();
  m.job('report', ['postgres']);
  spreadOverStacks(m.model);
  return buildPlan(m.model);
}

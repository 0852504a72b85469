export * from './plan';
export * from './rules';
export { buildPlan } from './planner';
export { Topology } from './topology';

export * from './plan';
export * from './rules';
export { buildPlan } from './planner';
export { Topology } from './topology';
export { planRemedy, PEERINGS_PER_VPC_QUOTA, ROUTING_KEPT } from './remedy';
export type { PathRefusal, Remedy, RemedyOptions, RemedyPeering, RemedyRoute, RemedyRule } from './remedy';

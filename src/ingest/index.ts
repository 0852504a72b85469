export { InputError } from './errors';
export { loadTemplateFile, parseTemplateText } from './template';
export { loadCloudAssembly, loadInputs } from './cloud-assembly';
export { loadFacts, parseFacts } from './facts';
export { applyParameters, parseParameterArgument, readParametersFile } from './parameters';
export type { ParameterSource } from './parameters';
export type {
  FactsDocument, FactsVpc, FactsSubnet, FactsRoute, FactsRouteTable, FactsSecurityGroup, FactsSecurityGroupRule,
  FactsNetworkAcl, FactsNetworkAclEntry, FactsGatewayEndpoint, FactsNatGateway, FactsPeering, FactsConnection, FactsDataStore,
  FactsJob, FactsUnread,
} from './facts';
export { buildModel, READ_RESOURCE_TYPES } from './resources';
export { parseCloudFormationYaml } from './yaml';
export {
  InputSet, STACK_REF, StackEvaluator, isResourceRef, isUnresolved, refMarker, unknownMarker, resourceRef, unresolved,
} from './intrinsics';
export type { ResourceRef, Unresolved } from './intrinsics';
export type { TemplateInput } from './types';

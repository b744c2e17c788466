export {
  defineContract,
  output,
  outputName,
  type ContractValues,
  type OutputKind,
  type OutputSpec,
  type OutputValue,
  type StackContract,
  type MapLookup,
  type UpstreamValue,
  type UpstreamValues,
} from './contract';
export { appServiceContract } from './app-service';
export { bootstrapContract } from './bootstrap';
export { edgeContract } from './edge';
export { ciIdentityContract } from './ci-identity';
export { networkContract } from './network';
export { observabilityContract } from './observability';
export { projectBaselineContract } from './project-baseline';
export { securityContract } from './security';
export { databaseContract } from './database';
export { gkeClusterContract } from './gke-cluster';

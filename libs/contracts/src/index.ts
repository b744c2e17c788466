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
export { bootstrapContract } from './bootstrap';
export { networkContract } from './network';
export { projectBaselineContract } from './project-baseline';
export { securityContract } from './security';

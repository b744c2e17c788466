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
export { ciIdentityContract } from './ci-identity';
export { networkContract } from './network';
export { securityContract } from './security';

export { runSynth } from './synth/synth-command';
export { sha256, synthesizeAllEnvironments, type StackSynthOutcome, type StackSynthReport } from './synth/synth-stack';
export { listStacks, readStackManifest, synthOutputDir } from './workspace';
export {
  applyStack,
  BreakGlassRequiredError,
  destroyNeedsBreakGlass,
  destroyStack,
  outputStack,
  planStack,
  validateStack,
} from './engine/engine-commands';
export { engineWorkdir, openStackEngine, PLAN_FILE, PLAN_JSON_FILE, requiredProviders, runtimeStoreFromEnv } from './engine/stack-engine';
export { planEnvironment, renderEnvironmentPlan, writeEnvironmentPlan, type EnvironmentPlan, type StackPlan } from './engine/plan-environment';
export { dependencyLayers, readStackGraph } from './graph/stack-order';
export { gateOf, promote, PromotionGateError, type PromoteOptions } from './promote/promote';
export { listRecords, recordKey, writeRecord, type DeploymentRecord } from './promote/records';
export { readReleases, releasesFile, writeRelease, type Releases } from './promote/releases-file';
export { deliveryStatus, promotionOrder, renderStatus, type StackStatus } from './promote/status';

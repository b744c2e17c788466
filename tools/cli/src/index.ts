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
export { runGraph, type GraphTaskResult, type RunGraphOptions } from './graph/run-graph';
export { runId } from './report/run-id';
export { checkEnvironmentDrift, type DriftCheckOptions } from './drift/drift-environment';
export {
  driftedSince,
  DRIFT_EXIT_CODES,
  driftReportKey,
  listDriftReports,
  renderDriftReport,
  saveDriftReport,
  writeDriftReportFiles,
  type DriftReport,
  type StackDriftEntry,
} from './drift/drift-report';
export { checkStackDrift, DRIFT_PLAN_FILE, DRIFT_PLAN_JSON_FILE, type DriftStatus, type StackDrift } from './drift/stack-drift';
export { attributeDifferences, resourceDrift, type AttributeDrift, type ResourceDrift } from './drift/resource-drift';
export * from './drill';
export { FIXTURE_ESTATE, releaseFixtureEstate } from './bench/fixture-release';
export * from './state-backup';
export { packagedArtifactDir, packageStack, providerLockFile, readPackagedArtifact, releasedVersion, writePackagedArtifact } from './artifact/package-stack';

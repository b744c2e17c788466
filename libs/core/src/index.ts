export { PlatformStack, REQUIRED_LABELS, type PlatformStackProps } from './platform-stack';
export { defineStack, type StackDefinition } from './stack-definition';
export { configureStateBackend, remoteStateOf, STATE_ENDPOINT_VARIABLE } from './state-backend';
export { OLDEST_SUPPORTED_ENGINE } from './engine-version-checks';
export { PolicyViolationError, synthesizeStack, type SynthesizedStack } from './synthesize';
export {
  declaredUpstream,
  synthesizeEveryEnvironment,
  synthesizeInEveryEnvironment,
  type EnvironmentResult,
  type StackSynthOutcome,
  type StackSynthReport,
  type SynthesizeEveryEnvironmentOptions,
  type SynthFailure,
} from './environments';
export { DRILL_RUN_SUFFIX_LENGTH, DRILL_RUN_SUFFIX_VARIABLE, drillRunSuffix, isDrillRunSuffix, s3StateKey } from './names';
export { requireEnabledApis } from './required-apis';

export { ConfigError, formatProblem, type ConfigProblem } from './config-error';
export {
  environmentSchema,
  soakSeconds,
  type EnvironmentConfig,
  type EnvironmentTier,
  type StateConfig,
} from './environment-schema';
export {
  ENVIRONMENT_FILE,
  ENVIRONMENTS_DIR,
  environmentFilePath,
  estateArtifactStore,
  listEnvironments,
  loadAllEnvironments,
  loadEnvironment,
  loadStackSettings,
  parseConfigFile,
  stackSettingsPath,
} from './load';
export { ManifestError, readProjectManifest, type ProjectKind, type ProjectManifest, type SmokeCheck } from './project-manifest';
export { ESTATE_VARIABLE, findEstateRoot, findWorkspaceRoot } from './workspace-root';
export { nxChildEnvironment } from './child-environment';
export { nxCommand, type CommandLine } from './nx-command';

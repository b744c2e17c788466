export { platformCacheDir } from './cache-dir';
export { buildGoProgram, goVersion, type GoBuildResult } from './go-build';
export { cachedOpenTofuPath, engineVersion, ensureEngine, type Engine } from './opentofu';
export { ensureProviders, providerBinaryPath, providerInMirror, providerMirrorDir, writeCliConfig, type ProviderStatus } from './providers';
export * from './s3-server';
export { setupEngine, setupForTests, TEST_PROVIDERS, type SetupResult } from './setup';
export { EngineError, EngineRunner, type ChangeSummary, type Diagnostic, type EngineSession } from './tofu';
export { readPinnedVersions, VERSIONS_FILE, type GoProgram, type PinnedVersions } from './versions';
export { BACKEND_CONFIG_FILE, ENGINE_LOCK_FILE, prepareWorkdir, type RuntimeStateStore } from './workdir';

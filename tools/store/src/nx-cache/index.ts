export { NX_CACHE_PREFIX, readEntry, TASK_HASH, writeEntry, type ReadOutcome } from './entries';
export { startNxCacheServer, type CacheTokens, type NxCacheServerOptions, type RunningNxCacheServer } from './server';

import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where built binaries live, outside the repository so every clone on the machine reuses
 * them: $PLATFORM_CACHE_DIR, else $XDG_CACHE_HOME/gcp-delivery-platform, else
 * ~/.cache/gcp-delivery-platform.
 */
export function platformCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PLATFORM_CACHE_DIR) return env.PLATFORM_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'gcp-delivery-platform');
}

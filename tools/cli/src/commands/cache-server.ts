import type { Command } from 'commander';
import { openArtifactStore, STORE_OPTION_HELP, wholeNumberOption } from './options';

/** The read-write and the read-only bearer tokens, from the environment only (never a command line others can list). */
export const CACHE_TOKEN_VARIABLES = { readWrite: 'PLATFORM_CACHE_TOKEN', readOnly: 'PLATFORM_CACHE_READ_TOKEN' } as const;

function tokensFrom(env: NodeJS.ProcessEnv, variable: string): string[] {
  return (env[variable] ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter(Boolean);
}

export function registerCacheServer(program: Command): void {
  program
    .command('cache-server')
    .description(
      "Serve Nx's self-hosted remote cache API (NX_SELF_HOSTED_REMOTE_CACHE_SERVER) from the artifact store, so that CI runners share task outputs without a SaaS. " +
        `Bearer tokens come from $${CACHE_TOKEN_VARIABLES.readWrite} (may upload) and $${CACHE_TOKEN_VARIABLES.readOnly} (download only), comma-separated. ` +
        'Entries are written once and checked on every read. Prints one JSON line ({"url","port"}), then serves until Ctrl-C or SIGTERM.',
    )
    .option('--store <spec>', STORE_OPTION_HELP)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (default: any free one)', (value: string) => wholeNumberOption('--port', value, 0))
    .option('--read-only', "refuse every upload (a pull request's runner: what it builds must not reach main's cache)")
    .action(async (options: { store?: string; host: string; port?: number; readOnly?: boolean }) => {
      const [{ startNxCacheServer }, { findEstateRoot, UsageError }] = await Promise.all([import('@platform/store'), import('@platform/workspace')]);
      const tokens = { readWrite: tokensFrom(process.env, CACHE_TOKEN_VARIABLES.readWrite), readOnly: tokensFrom(process.env, CACHE_TOKEN_VARIABLES.readOnly) };
      if (tokens.readWrite.length + tokens.readOnly.length === 0) {
        throw new UsageError(`no access token: set ${CACHE_TOKEN_VARIABLES.readWrite} (read-write) or ${CACHE_TOKEN_VARIABLES.readOnly} (read-only), and give Nx the same in NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN`);
      }
      if (options.readOnly && tokens.readOnly.length === 0) {
        throw new UsageError(`--read-only takes no uploads: give the token in ${CACHE_TOKEN_VARIABLES.readOnly}`);
      }
      const store = await openArtifactStore(findEstateRoot(), options.store);
      const server = await startNxCacheServer({
        store,
        tokens,
        host: options.host,
        ...(options.port !== undefined ? { port: options.port } : {}),
        ...(options.readOnly ? { readOnly: true } : {}),
        log: (line) => console.error(`cache server: ${line}`),
      });
      console.log(JSON.stringify({ url: server.url, port: server.port }));
      console.error(`cache server: ${server.url} over ${store.location}${options.readOnly ? ', read-only' : ''}; Ctrl-C stops it`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      console.error('cache server: stopped');
    });
}

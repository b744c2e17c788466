#!/usr/bin/env -S npx tsx
// The GCS emulator for tests and scripts: fake-gcs-server on 127.0.0.1. The logic lives in src/gcs-server.
import { Command, InvalidArgumentError, Option } from 'commander';
import { findWorkspaceRoot } from '@platform/config';
import { runProgram, withExitCodes } from '@platform/workspace';
import { readPinnedVersions } from '../src/versions';
import { ensureGcsServer, startGcsServer, validateGcsServerOptions, type GcsServerBackend } from '../src/gcs-server/index';
import { serveInForeground } from '../src/foreground-server';

// Progress goes to stderr so stdout carries only the result a script reads.
const log = (line: string) => console.error(line);

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new InvalidArgumentError('must be a TCP port (1-65535), or 0 for a free one');
  return port;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const program = new Command('gcs-server')
  .description('Build and run the pinned GCS emulator (fake-gcs-server, JSON API over plain HTTP) on 127.0.0.1 only.')
  .showHelpAfterError();

program
  .command('build')
  .description('Build the pinned fake-gcs-server into the cache outside the repo (or reuse it) and print its path.')
  .action(async () => {
    const { binary } = await ensureGcsServer({ versions: readPinnedVersions(findWorkspaceRoot()), log });
    console.log(binary);
  });

program
  .command('start')
  .description(
    'Run the emulator in the foreground until SIGINT/SIGTERM. Prints one JSON line on stdout: ' +
      'endpoint (apiEndpoint / STORAGE_EMULATOR_HOST), jsonApiUrl, port, backend, dataDir, pid, buckets.',
  )
  .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', parsePort, 0)
  .addOption(new Option('--backend <backend>', 'where objects live: memory (gone on exit) or filesystem (under --data-dir)').choices(['memory', 'filesystem']).default('memory'))
  .option('--data-dir <dir>', 'filesystem backend: keep objects here (kept on exit; default: a temporary directory, removed on exit)')
  .option('--bucket <name>', 'create this bucket (repeatable)', collect, [] as string[])
  .action(async (options: { port: number; backend: GcsServerBackend; dataDir?: string; bucket: string[] }) => {
    const serverOptions = { port: options.port, backend: options.backend, buckets: options.bucket, ...(options.dataDir ? { dataDir: options.dataDir } : {}) };
    validateGcsServerOptions(serverOptions);
    process.exitCode = await serveInForeground({
      label: 'gcs server',
      log,
      start: async () => {
        const { binary } = await ensureGcsServer({ versions: readPinnedVersions(findWorkspaceRoot()), log });
        return startGcsServer({ binary, ...serverOptions });
      },
      announce: (server) => {
        const { endpoint, jsonApiUrl, port, backend, dataDir, pid, buckets } = server;
        console.log(JSON.stringify({ endpoint, jsonApiUrl, port, backend, dataDir: dataDir ?? null, pid, buckets }));
        log(`gcs server: listening on ${endpoint}; Ctrl-C stops it`);
      },
    });
  });

withExitCodes(program, [
  [0, 'stopped by Ctrl-C or SIGTERM'],
  [1, 'the emulator stopped on its own'],
  [64, 'bad input'],
  [69, 'the emulator could not be built or started'],
  [70, 'a bug in the platform'],
]);
await runProgram(program);

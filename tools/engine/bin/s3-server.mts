#!/usr/bin/env -S npx tsx
// The local S3 server for tests and scripts: versitygw on 127.0.0.1. The logic lives in src/s3-server.
import { Command, InvalidArgumentError } from 'commander';
import { findWorkspaceRoot } from '@platform/config';
import { runProgram, withExitCodes } from '@platform/workspace';
import { readPinnedVersions } from '../src/versions';
import { ensureS3Server, startS3Server, validateS3ServerOptions } from '../src/s3-server/index';
import { serveInForeground } from '../src/foreground-server';

// Progress goes to stderr so stdout carries only the result a script reads.
const log = (line: string) => console.error(line);

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new InvalidArgumentError('must be a TCP port (1-65535), or 0 for a free one');
  return port;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const program = new Command('s3-server')
  .description('Build and run the pinned local S3 server (versitygw, posix backend) on 127.0.0.1 only.')
  .showHelpAfterError();

program
  .command('build')
  .description('Build the pinned versitygw into the cache outside the repo (or reuse it) and print its path.')
  .action(async () => {
    const { binary } = await ensureS3Server({ versions: readPinnedVersions(findWorkspaceRoot()), log });
    console.log(binary);
  });

program
  .command('start')
  .description(
    'Run the server in the foreground until SIGINT/SIGTERM. Prints one JSON line on stdout: ' +
      'endpoint, port, region, accessKey, secretKey, dataDir, pid, buckets.',
  )
  .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', parsePort, 0)
  .option('--data-dir <dir>', 'keep buckets here (kept on exit; default: a temporary directory, removed on exit)')
  .option('--bucket <name>', 'create this bucket (repeatable)', collect, [] as string[])
  .option('--no-versioning', 'leave the buckets unversioned (default: versioning on)')
  .action(async (options: { port: number; dataDir?: string; bucket: string[]; versioning: boolean }) => {
    const serverOptions = { port: options.port, dataDir: options.dataDir, buckets: options.bucket, versioned: options.versioning };
    validateS3ServerOptions(serverOptions);
    process.exitCode = await serveInForeground({
      label: 's3 server',
      log,
      start: async () => {
        const { binary } = await ensureS3Server({ versions: readPinnedVersions(findWorkspaceRoot()), log });
        return startS3Server({ binary, ...serverOptions });
      },
      announce: (server) => {
        const { endpoint, port, region, accessKey, secretKey, dataDir, pid, buckets } = server;
        console.log(JSON.stringify({ endpoint, port, region, accessKey, secretKey, dataDir, pid, buckets }));
        log(`s3 server: listening on ${endpoint}; Ctrl-C stops it`);
      },
    });
  });

withExitCodes(program, [
  [0, 'stopped by Ctrl-C or SIGTERM'],
  [1, 'the server stopped on its own'],
  [64, 'bad input'],
  [69, 'the server could not be built or started'],
  [70, 'a bug in the platform'],
]);
await runProgram(program);

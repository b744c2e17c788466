#!/usr/bin/env -S npx tsx
// Makes the pinned engine and providers available (PATH, cache, or a Go build).
import { Command } from 'commander';
import { findWorkspaceRoot } from '@platform/config';
import { runProgram, UsageError, withExitCodes } from '@platform/workspace';
import { parseProviderSourceRequest, PROVIDER_SOURCE_CHOICES, PROVIDER_SOURCE_VARIABLE } from '../src/provider-source';
import { OPTIONAL_TEST_PROVIDERS, setupEngine, TEST_PROVIDERS } from '../src/setup';

const program = new Command('setup-engine')
  .description(
    'Make the pinned OpenTofu, providers and S3 server available: OpenTofu from PATH if pinned, else the cache, else a Go build; ' +
      'providers from the registry at tofu init when it answers, else from the source-built mirror.',
  )
  .option('--engine <engine>', 'opentofu (pinned, default) or terraform (>= 1.7 from PATH)', 'opentofu')
  .option('--providers <source>', `${PROVIDER_SOURCE_CHOICES.join('|')}: registry, the source-built mirror, or a reachability probe (default: $${PROVIDER_SOURCE_VARIABLE}, else auto)`)
  .option('--provider <source...>', 'only these providers, e.g. hashicorp/time (default: every pinned provider)')
  .option('--for-tests', `only what the integration tests need: the engine, the S3 server, the GCS emulator, the workflow linter and ${TEST_PROVIDERS.join(', ')}`)
  .option('--no-s3-server', 'skip the local S3 server (a versitygw Go build), for machines that deploy only to GCS-backed environments')
  .option('--json', 'print the result as JSON')
  .action(async (options: { engine: string; providers?: string; provider?: string[]; forTests?: boolean; s3Server: boolean; json?: boolean }) => {
    if (options.engine !== 'opentofu' && options.engine !== 'terraform') {
      throw new UsageError(`--engine must be opentofu or terraform, got '${options.engine}'`);
    }
    const providerSource = options.providers === undefined ? undefined : parseProviderSourceRequest(options.providers, '--providers');
    const result = await setupEngine({
      workspaceRoot: findWorkspaceRoot(),
      log: (line) => console.error(line),
      engine: options.engine,
      withS3Server: options.s3Server || options.forTests === true,
      withGcsServer: options.forTests === true,
      withActionlint: options.forTests === true,
      ...(providerSource ? { providerSource } : {}),
      ...(options.forTests ? { providers: TEST_PROVIDERS } : options.provider ? { providers: options.provider } : {}),
    });
    if (options.json) console.log(JSON.stringify(result, null, 2));
    else {
      for (const line of result.report) console.log(`${line.program} ${line.version}: ${line.source} (${line.reason})`);
      console.log(`engine ready: ${result.engine.binary} (${result.engine.version}); TF_CLI_CONFIG_FILE=${result.cliConfigFile}`);
      if (result.s3Server) console.log(`S3 server ready: ${result.s3Server.binary} (${result.s3Server.version})`);
    }
    const unavailable = result.providers.filter((p) => p.state === 'unavailable');
    // The tests run without an optional provider (and say so); anything asked for by name is required.
    const missing = options.forTests ? unavailable.filter((p) => !OPTIONAL_TEST_PROVIDERS.includes(p.source)) : unavailable;
    for (const p of unavailable.filter((u) => !missing.includes(u))) {
      console.error(`${p.source} ${p.version} is unavailable here: the tests that need it say so instead of running it`);
    }
    if (missing.length > 0) {
      console.error(`unavailable providers: ${missing.map((p) => `${p.source} ${p.version}`).join(', ')} (stacks that need them cannot be validated or planned here)`);
      process.exitCode = 2;
    }
  });

withExitCodes(program, [
  [0, 'everything requested is available'],
  [2, 'some providers are unavailable here (listed)'],
  [64, 'bad input'],
  [69, 'a build or the module proxy failed'],
  [70, 'a bug in the platform'],
]);
await runProgram(program);

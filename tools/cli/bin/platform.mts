#!/usr/bin/env -S npx tsx
// Entry point of the platform commands: one module per command under src/commands, each
// loading its library only when it runs. Exit codes: tools/workspace/src/exit-codes.ts.
import { Command } from 'commander';
import { registerAffected } from '../src/commands/affected';
import { registerApply } from '../src/commands/apply';
import { registerBlastRadius } from '../src/commands/blast-radius';
import { registerCacheServer } from '../src/commands/cache-server';
import { registerCheck } from '../src/commands/check';
import { registerCiPlan } from '../src/commands/ci-plan';
import { registerDestroy } from '../src/commands/destroy';
import { registerDocsGraph } from '../src/commands/docs-graph';
import { registerDrift } from '../src/commands/drift';
import { registerFixtureRelease } from '../src/commands/fixture-release';
import { registerLockProviders } from '../src/commands/lock-providers';
import { registerOutput } from '../src/commands/output';
import { registerPackage } from '../src/commands/package';
import { registerPlan } from '../src/commands/plan';
import { registerPipeline } from '../src/commands/pipeline';
import { registerPlanEnv } from '../src/commands/plan-env';
import { registerPromote } from '../src/commands/promote';
import { registerPublish } from '../src/commands/publish';
import { registerRecords } from '../src/commands/records';
import { registerSigningKey } from '../src/commands/signing-key';
import { registerStatus } from '../src/commands/status';
import { registerSynth } from '../src/commands/synth';
import { registerTest } from '../src/commands/test';
import { registerValidate } from '../src/commands/validate';
import { registerStateCommands } from '../src/commands/state';
import { ESTATE_VARIABLE, hasOwnExitCodes, runProgram, sourceMapsOnlyForDebugging, withExitCodes } from '@platform/workspace';
import { resolve } from 'node:path';

const program = new Command('platform')
  .description('Synthesize, check and test the infrastructure stacks of this workspace.')
  .option('--estate <dir>', `work on the estate in this folder (its stacks/ and environments/, e.g. tools/fixture-estate) instead of the workspace; or ${ESTATE_VARIABLE}`)
  .showHelpAfterError()
  .hook('preSubcommand', (command) => {
    const { estate } = command.opts<{ estate?: string }>();
    if (estate !== undefined) process.env[ESTATE_VARIABLE] = resolve(estate);
  });

for (const register of [
  registerSynth,
  registerCheck,
  registerTest,
  registerValidate,
  registerPlan,
  registerApply,
  registerDestroy,
  registerOutput,
  registerPlanEnv,
  registerLockProviders,
  registerAffected,
  registerBlastRadius,
  registerCiPlan,
  registerCacheServer,
  registerDrift,
  registerPackage,
  registerPublish,
  registerPromote,
  registerPipeline,
  registerStatus,
  registerRecords,
  registerSigningKey,
  registerDocsGraph,
  registerFixtureRelease,
]) {
  register(program);
}
registerStateCommands(program);
withExitCodes(program);
for (const command of program.commands) if (!hasOwnExitCodes(command)) withExitCodes(command);

// The commands load their libraries on first use, below: without source maps unless debugging.
sourceMapsOnlyForDebugging();
await runProgram(program);

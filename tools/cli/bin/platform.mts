#!/usr/bin/env -S npx tsx
// Entry point of the platform commands: one module per command under src/commands, each
// loading its library only when it runs. Exit codes: tools/workspace/src/exit-codes.ts.
import { Command } from 'commander';
import { registerAffected } from '../src/commands/affected';
import { registerApply } from '../src/commands/apply';
import { registerBlastRadius } from '../src/commands/blast-radius';
import { registerCheck } from '../src/commands/check';
import { registerDestroy } from '../src/commands/destroy';
import { registerDocsGraph } from '../src/commands/docs-graph';
import { registerDrift } from '../src/commands/drift';
import { registerLockProviders } from '../src/commands/lock-providers';
import { registerOutput } from '../src/commands/output';
import { registerPackage } from '../src/commands/package';
import { registerPlan } from '../src/commands/plan';
import { registerPlanEnv } from '../src/commands/plan-env';
import { registerPromote } from '../src/commands/promote';
import { registerPublish } from '../src/commands/publish';
import { registerStatus } from '../src/commands/status';
import { registerSynth } from '../src/commands/synth';
import { registerTest } from '../src/commands/test';
import { registerValidate } from '../src/commands/validate';
import { registerStateCommands } from '../src/commands/state';
import { hasOwnExitCodes, runProgram, withExitCodes } from '@platform/workspace';

const program = new Command('platform')
  .description('Synthesize, check and test the infrastructure stacks of this workspace.')
  .showHelpAfterError();

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
  registerDrift,
  registerPackage,
  registerPublish,
  registerPromote,
  registerStatus,
  registerDocsGraph,
]) {
  register(program);
}
registerStateCommands(program);
withExitCodes(program);
for (const command of program.commands) if (!hasOwnExitCodes(command)) withExitCodes(command);

await runProgram(program);

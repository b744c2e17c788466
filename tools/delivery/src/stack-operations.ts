import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvironment } from '@platform/config';
import { applyStack, assertOpenToWorkingTree, destroyStack, engineWorkdir, PLAN_FILE, type BreakGlass } from '@platform/deploy';
import type { ChangeSummary } from '@platform/engine';
import { artifactSourcePaths, sha256Hex, type ObjectStore } from '@platform/store';
import { ExternalError, synthOutputDir, UsageError } from '@platform/workspace';
import { completeRecord, recordFolder, startRecord, type DeploymentRecord } from './records';
import { currentActor, workingTreeState } from './run-context';
import { loadTrustedKeys, signerFromEnvironment } from './signing';

export interface RecordedStackOperationOptions {
  readonly workspaceRoot: string;
  readonly store: ObjectStore;
  readonly stack: string;
  readonly environment: string;
  readonly operation: 'apply' | 'destroy';
  /** Lets the working tree into a protected environment; the reason is recorded. */
  readonly breakGlass?: BreakGlass;
  readonly log: (line: string) => void;
  /** Where the signing key and the CI actor are read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => Date;
}

/**
 * An apply or destroy of the working tree, recorded: refused in a protected environment unless
 * the glass is broken (before the store or the engine is touched), then a "started" record
 * before the engine runs and its outcome after. A record is signed when a signing key is given.
 */
export async function runRecordedStackOperation(options: RecordedStackOperationOptions): Promise<{ readonly record: DeploymentRecord; readonly changes: ChangeSummary }> {
  const { workspaceRoot, store, stack, environment, operation, log } = options;
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  const config = loadEnvironment(workspaceRoot, environment);
  assertOpenToWorkingTree(config, stack, operation, options.breakGlass);
  const synthesized = join(workspaceRoot, synthOutputDir(stack), environment, 'cdk.tf.json');
  if (!existsSync(synthesized)) throw new UsageError(`${synthOutputDir(stack)}/${environment}/cdk.tf.json does not exist: run 'npx nx run ${stack}:synth' first`);
  const signer = signerFromEnvironment(loadTrustedKeys(workspaceRoot), env);
  const tree = workingTreeState(workspaceRoot, artifactSourcePaths(stack));
  const started = await startRecord(
    store,
    {
      stack,
      environment,
      operation,
      kind: operation,
      configurationSha256: sha256Hex(readFileSync(synthesized)),
      gitCommit: tree.commit,
      ...(tree.dirty ? { dirty: true } : {}),
      actor: currentActor(workspaceRoot, env),
      ...(options.breakGlass ? { breakGlass: { reason: options.breakGlass.reason } } : {}),
    },
    signer,
    now(),
  );
  if (options.breakGlass) log(`BREAK GLASS recorded: ${operation} of ${stack} in ${environment} by ${started.actor}: ${options.breakGlass.reason} (${store.location}/${recordFolder(started)})`);
  let changes: ChangeSummary;
  try {
    const run = { workspaceRoot, stack, environment, log, ...(options.breakGlass ? { breakGlass: options.breakGlass } : {}) };
    changes = operation === 'apply' ? await applyStack(run) : await destroyStack(run);
  } catch (error) {
    await completeRecord(store, started, { outcome: 'failed', error: (error as Error).message }, signer, now()).catch((recordError: unknown) => {
      log(`the failure could not be recorded (${(recordError as Error).message}); the started record stays: run 'platform records repair --env ${environment}'`);
    });
    throw error;
  }
  const plan = join(workspaceRoot, engineWorkdir(stack, environment), PLAN_FILE);
  try {
    const record = await completeRecord(
      store,
      started,
      { outcome: 'succeeded', ...(operation === 'apply' && existsSync(plan) ? { planSha256: sha256Hex(readFileSync(plan)) } : {}) },
      signer,
      now(),
    );
    return { record, changes };
  } catch (error) {
    throw new ExternalError(
      `${operation} of ${stack} in ${environment} succeeded, but its record could not be completed: ${(error as Error).message}. ` +
        `The started record stays in ${store.location}; once the store answers, run 'platform records repair --env ${environment}', which completes it from the state.`,
      { cause: error },
    );
  }
}

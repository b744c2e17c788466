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

/** What the recorded run is and where its configuration came from. */
export interface RecordedRunOptions extends Omit<RecordedStackOperationOptions, 'breakGlass'> {
  /** sha256 of the configuration the engine runs. */
  readonly configurationSha256: string;
  readonly breakGlass?: BreakGlass;
  /** How the pipeline came to run it. */
  readonly pipeline?: DeploymentRecord['pipeline'];
}

/**
 * Runs `perform` (an engine run of the working tree) between a "started" record and its
 * outcome. A record is signed when a signing key is given. Callers check the gates first.
 */
export async function recordStackRun(
  options: RecordedRunOptions,
  perform: () => Promise<{ readonly changes: ChangeSummary; readonly planSha256?: string }>,
): Promise<{ readonly record: DeploymentRecord; readonly changes: ChangeSummary }> {
  const { workspaceRoot, store, stack, environment, operation, log } = options;
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  const signer = signerFromEnvironment(loadTrustedKeys(workspaceRoot), env);
  const tree = workingTreeState(workspaceRoot, artifactSourcePaths(stack));
  const started = await startRecord(
    store,
    {
      stack,
      environment,
      operation,
      kind: operation,
      configurationSha256: options.configurationSha256,
      gitCommit: tree.commit,
      ...(tree.dirty ? { dirty: true } : {}),
      actor: currentActor(workspaceRoot, env),
      ...(options.breakGlass ? { breakGlass: { reason: options.breakGlass.reason } } : {}),
      ...(options.pipeline ? { pipeline: options.pipeline } : {}),
    },
    signer,
    now(),
  );
  if (options.breakGlass) log(`BREAK GLASS recorded: ${operation} of ${stack} in ${environment} by ${started.actor}: ${options.breakGlass.reason} (${store.location}/${recordFolder(started)})`);
  let result: { readonly changes: ChangeSummary; readonly planSha256?: string };
  try {
    result = await perform();
  } catch (error) {
    await completeRecord(store, started, { outcome: 'failed', error: (error as Error).message }, signer, now()).catch((recordError: unknown) => {
      log(`the failure could not be recorded (${(recordError as Error).message}); the started record stays: run 'platform records repair --env ${environment}'`);
    });
    throw error;
  }
  try {
    const record = await completeRecord(store, started, { outcome: 'succeeded', ...(result.planSha256 ? { planSha256: result.planSha256 } : {}) }, signer, now());
    return { record, changes: result.changes };
  } catch (error) {
    throw new ExternalError(
      `${operation} of ${stack} in ${environment} succeeded, but its record could not be completed: ${(error as Error).message}. ` +
        `The started record stays in ${store.location}; once the store answers, run 'platform records repair --env ${environment}', which completes it from the state.`,
      { cause: error },
    );
  }
}

/**
 * An apply or destroy of the working tree, recorded: refused in a protected environment unless
 * the glass is broken (before the store or the engine is touched), then a "started" record
 * before the engine runs and its outcome after.
 */
export async function runRecordedStackOperation(options: RecordedStackOperationOptions): Promise<{ readonly record: DeploymentRecord; readonly changes: ChangeSummary }> {
  const { workspaceRoot, stack, environment, operation, log } = options;
  const config = loadEnvironment(workspaceRoot, environment);
  assertOpenToWorkingTree(config, stack, operation, options.breakGlass);
  const synthesized = join(workspaceRoot, synthOutputDir(stack), environment, 'cdk.tf.json');
  if (!existsSync(synthesized)) throw new UsageError(`${synthOutputDir(stack)}/${environment}/cdk.tf.json does not exist: run 'npx nx run ${stack}:synth' first`);
  return recordStackRun({ ...options, configurationSha256: sha256Hex(readFileSync(synthesized)) }, async () => {
    const run = { workspaceRoot, stack, environment, log, ...(options.breakGlass ? { breakGlass: options.breakGlass } : {}) };
    const changes = operation === 'apply' ? await applyStack(run) : await destroyStack(run);
    const plan = join(workspaceRoot, engineWorkdir(stack, environment), PLAN_FILE);
    return { changes, ...(operation === 'apply' && existsSync(plan) ? { planSha256: sha256Hex(readFileSync(plan)) } : {}) };
  });
}

import { join } from 'node:path';
import type { ObjectStore } from '@platform/store';
import { commitAll, copyWorkspaceAsRepository, copyWorkspaceAsRepositoryInto } from '@platform/testing';
import { packageStack, promote, publishSignedArtifact } from '@platform/delivery';
import { trustNewSigningKey, type FixtureSigningKey } from './fixture-signing';
import { dependencyLayers, InternalError, readStackGraph } from '@platform/workspace';
import { runSynth } from '@platform/synth';

export const FIXTURE_ESTATE = 'tools/fixture-estate';

/**
 * A clean clone of the repository in which every fixture stack is published at `version` and
 * promoted to `to` (deployed there for real, the gate skipped with a recorded reason), the
 * releases file and a trusted signing key committed (its private key in PLATFORM_SIGNING_KEY of the returned env): what a drill of the fixture estate starts from. The state server
 * must be running (PLATFORM_STATE_ENDPOINT set). Returns the repository's path and the signing key.
 * The clone goes into `into` (an empty or absent folder) when given, else a temporary folder.
 */
export async function releaseFixtureEstate(options: {
  readonly workspaceRoot: string;
  /** The store to publish to, or how to open one inside the clone once it exists. */
  readonly store: ObjectStore | ((repository: string) => ObjectStore);
  readonly version: string;
  readonly to: string;
  readonly into?: string;
  /** Told each stack as it is published and promoted. */
  readonly log?: (line: string) => void;
}): Promise<{ readonly repository: string; readonly signing: FixtureSigningKey }> {
  const repository = options.into ? copyWorkspaceAsRepositoryInto(options.workspaceRoot, options.into) : copyWorkspaceAsRepository(options.workspaceRoot, 'released-estate');
  const store = typeof options.store === 'function' ? options.store(repository) : options.store;
  const estate = join(repository, FIXTURE_ESTATE);
  const key = trustNewSigningKey(estate);
  const synth = await runSynth({ workspaceRoot: estate, stacks: [], log: () => {} });
  const failed = synth.flatMap((o) => (o.ok ? [] : [o.stack]));
  if (failed.length > 0) throw new InternalError(`synth of the fixture estate failed for ${failed.join(', ')}`);
  for (const stack of dependencyLayers(readStackGraph(estate)).flat()) {
    await publishSignedArtifact(store, await packageStack(estate, stack, options.version), key.signer);
    await promote({ workspaceRoot: estate, store, stack, version: options.version, to: options.to, breakGlass: { reason: 'fixture release' }, env: key.env, log: () => {} });
    options.log?.(`${stack}@${options.version}: published, signed and promoted to ${options.to}`);
  }
  commitAll(repository, `${options.to} runs ${options.version} of every fixture stack`);
  return { repository, signing: key };
}

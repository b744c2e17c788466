import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageStack } from '@platform/delivery';
import { ensureGcsServer, ensureS3Server, readPinnedVersions, s3ClientFor, startGcsServer, startS3Server } from '@platform/engine';
import { fetchArtifact, GcsStore, LocalDirectoryStore, publishArtifact, S3Store, type Artifact, type ObjectStore } from '@platform/store';
import { runSynth } from '@platform/synth';
import { markdownTable } from '@platform/workspace';
import { median, seconds } from './timing';

const BUCKET = 'bench-artifacts';

/**
 * Publish and fetch of one stack version (fixture-base: every environment's JSON, the lock file,
 * the manifest) in the local directory store, the S3 store on the local S3 server and the GCS
 * store on the GCS emulator, side by side: the first publish into an empty store, the next
 * versions (their blobs are there already, as for a release that changes one file), and a
 * verified fetch.
 */
export async function runStoreBenchmark(options: { readonly workspaceRoot: string; readonly runs: number; readonly log: (line: string) => void }): Promise<void> {
  const { workspaceRoot, runs, log } = options;
  const estate = join(workspaceRoot, 'tools/fixture-estate');
  await runSynth({ workspaceRoot: estate, stacks: ['fixture-base'], log: () => {} });
  const base = await packageStack(estate, 'fixture-base', '1.0.0');
  const versions = readPinnedVersions(workspaceRoot);
  const s3 = await startS3Server({ binary: (await ensureS3Server({ versions, log: () => {} })).binary, buckets: [BUCKET], versioned: false });
  const gcs = await startGcsServer({ binary: (await ensureGcsServer({ versions, log: () => {} })).binary, buckets: [BUCKET] });
  const dir = mkdtempSync(join(tmpdir(), 'store-bench-'));
  const s3Client = s3ClientFor(s3);
  try {
    const stores: Array<[string, ObjectStore]> = [
      ['local directory', new LocalDirectoryStore(join(dir, 'store'))],
      ['S3 (local versitygw)', new S3Store({ client: s3Client, bucket: BUCKET, prefix: 'bench' })],
      ['GCS (fake-gcs-server)', new GcsStore({ bucket: BUCKET, prefix: 'bench', apiEndpoint: gcs.endpoint })],
    ];
    const rows: string[][] = [];
    for (const [name, store] of stores) {
      const first = await seconds(() => publishArtifact(store, base));
      const next: number[] = [];
      const fetches: number[] = [];
      for (let run = 1; run <= runs; run++) {
        const version: Artifact = { ...base, manifest: { ...base.manifest, version: `1.0.${run}` } };
        next.push(await seconds(() => publishArtifact(store, version)));
        fetches.push(await seconds(() => fetchArtifact(store, 'fixture-base', `1.0.${run}`)));
      }
      rows.push([name, (first * 1000).toFixed(0), (median(next) * 1000).toFixed(0), (median(fetches) * 1000).toFixed(0)]);
    }
    const local = rows[0]!;
    for (const row of rows) row.push(`${(Number(row[2]) / Math.max(Number(local[2]), 1)).toFixed(1)}x / ${(Number(row[3]) / Math.max(Number(local[3]), 1)).toFixed(1)}x`);
    log(`Artifact store: publish and fetch of fixture-base (${base.files.size} files and the manifest), median of ${runs}, milliseconds:`);
    log(markdownTable(['Store', 'First publish', 'Next version', 'Fetch (verified)', 'vs local (publish / fetch)'], rows));
  } finally {
    s3Client.destroy();
    await s3.stop();
    await gcs.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

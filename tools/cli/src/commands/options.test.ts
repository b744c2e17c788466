import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openArtifactStore } from './options';

const ENVIRONMENT = `name: dev
kind: cloud
tier: development
project: acme-platform-dev
projectNumber: "123456789"
region: europe-west1
state:
  backend: gcs
  bucket: acme-dev-tfstate
`;

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

function estate(artifacts?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'artifact-store-'));
  roots.push(root);
  mkdirSync(join(root, 'environments/dev'), { recursive: true });
  writeFileSync(join(root, 'environments/dev/environment.yaml'), artifacts ? `${ENVIRONMENT}artifacts: ${artifacts}\n` : ENVIRONMENT);
  return root;
}

describe('the artifact store a command opens', () => {
  it("is the environments' artifacts store when neither --store nor PLATFORM_STORE names one", async () => {
    const store = await openArtifactStore(estate('gs://acme-artifacts/releases'), undefined, { env: { PLATFORM_STORE: ' ' } });
    expect(store.location).toBe('gs://acme-artifacts/releases');
  });

  it('is the one PLATFORM_STORE names before the environments', async () => {
    const root = estate('gs://acme-artifacts/releases');
    const store = await openArtifactStore(root, undefined, { env: { PLATFORM_STORE: join(root, 'local-store') } });
    expect(store.location).toBe(`file://${join(root, 'local-store')}`);
  });

  it('is the one --store names before anything else', async () => {
    const root = estate('gs://acme-artifacts/releases');
    const store = await openArtifactStore(root, 's3://other/prefix', { env: { PLATFORM_STORE: 'local-store' } });
    expect(store.location).toBe('s3://other/prefix');
  });

  it('is dist/store of the workspace when nothing names one, and reads the environments of the estate given', async () => {
    const workspace = estate();
    expect((await openArtifactStore(workspace, undefined, { env: {} })).location).toBe(`file://${join(workspace, 'dist/store')}`);
    const store = await openArtifactStore(workspace, undefined, { estateRoot: estate('gs://acme-artifacts'), env: {} });
    expect(store.location).toBe('gs://acme-artifacts');
  });
});

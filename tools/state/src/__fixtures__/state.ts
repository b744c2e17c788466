import { afterAll } from 'vitest';
import { LocalDirectoryStore } from '@platform/store';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Test helpers: a workspace with environments and stacks, and state objects shaped as the engine writes them. */

export const STACKS = ['app', 'base', 'edge'] as const;

/** A version 4 state as OpenTofu writes it: one random_pet and an output. */
export function tfstate(serial: number, lineage: string, pet = `pet-${serial}`): Uint8Array {
  const state = {
    version: 4,
    terraform_version: '1.11.14',
    serial,
    lineage,
    outputs: { name: { value: pet, type: 'string' } },
    resources: [
      {
        mode: 'managed',
        type: 'random_pet',
        name: 'name',
        provider: 'provider["registry.opentofu.org/hashicorp/random"]',
        instances: [{ schema_version: 0, attributes: { id: pet, keepers: null, length: 2, prefix: null, separator: '-' }, sensitive_attributes: [] }],
      },
    ],
    check_results: null,
  };
  return new TextEncoder().encode(`${JSON.stringify(state, null, 2)}\n`);
}

/** The lock info JSON the S3 backend writes to `<key>.tflock` while it runs. */
export function lockInfo(path: string): Uint8Array {
  const info = { ID: randomUUID(), Operation: 'OperationTypeApply', Info: '', Who: 'ci@runner-7', Version: '1.11.14', Created: '2026-11-22T05:10:00Z', Path: path };
  return new TextEncoder().encode(JSON.stringify(info));
}

const environmentYaml = (name: string, state: string) => `name: ${name}
kind: drill
tier: development
project: fixture-${name}
projectNumber: "100000000000"
region: europe-west1
state:
${state}
`;

export interface TestWorkspace {
  readonly root: string;
  remove(): void;
}

/**
 * A workspace with stacks/<stack>/package.json for {@link STACKS} and three environments:
 * `s3-env` (S3 backend, runtime endpoint, bucket `fixture-state`, prefix `stacks`),
 * `other-env` (same bucket, prefix `other`), `gcs-env` (GCS backend, prefix `tf`) and
 * `gcs-emulated` (GCS backend at a runtime endpoint, prefix `emulated`).
 */
export function makeWorkspace(): TestWorkspace {
  const root = mkdtempSync(join(tmpdir(), 'state-backup-'));
  for (const stack of STACKS) {
    mkdirSync(join(root, 'stacks', stack), { recursive: true });
    writeFileSync(join(root, 'stacks', stack, 'package.json'), JSON.stringify({ name: `@stacks/${stack}`, private: true }));
  }
  const environments: Record<string, string> = {
    's3-env': '  backend: s3\n  bucket: fixture-state\n  prefix: stacks\n  endpoint: runtime',
    'other-env': '  backend: s3\n  bucket: fixture-state\n  prefix: other\n  endpoint: runtime',
    'gcs-env': '  backend: gcs\n  bucket: fixture-gcs-state\n  prefix: tf',
    'gcs-emulated': '  backend: gcs\n  bucket: fixture-gcs-state\n  prefix: emulated\n  endpoint: runtime',
  };
  for (const [name, state] of Object.entries(environments)) {
    mkdirSync(join(root, 'environments', name), { recursive: true });
    writeFileSync(join(root, 'environments', name, 'environment.yaml'), environmentYaml(name, state));
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Workspaces and store folders made by one test file, all removed after it. `fresh()` gives a
 * new workspace with an empty local state store and backup store.
 */
export function scratchSpace(): {
  fresh(label: string): { workspace: TestWorkspace; state: LocalDirectoryStore; backup: LocalDirectoryStore; dir: string };
  workspace(): TestWorkspace;
} {
  const workspaces: TestWorkspace[] = [];
  const dirs: string[] = [];
  afterAll(() => {
    for (const workspace of workspaces.splice(0)) workspace.remove();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const workspace = () => {
    const made = makeWorkspace();
    workspaces.push(made);
    return made;
  };
  return {
    workspace,
    fresh(label) {
      const dir = mkdtempSync(join(tmpdir(), `${label}-`));
      dirs.push(dir);
      return { workspace: workspace(), state: new LocalDirectoryStore(join(dir, 'state')), backup: new LocalDirectoryStore(join(dir, 'backup')), dir };
    },
  };
}

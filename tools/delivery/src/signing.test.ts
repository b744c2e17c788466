import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '@platform/config';
import { LocalDirectoryStore } from '@platform/store';
import { completeRecord, listRecords, recordFolder, startRecord } from './records';
import { generateSigningKey, loadTrustedKeys, signerFromEnvironment, signPayload, SignatureError, verifyPayload } from './signing';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

function estateTrusting(yaml: string): string {
  const root = mkdtempSync(join(tmpdir(), 'signing-'));
  roots.push(root);
  mkdirSync(join(root, 'environments'));
  writeFileSync(join(root, 'environments/signing-keys.yaml'), yaml);
  return root;
}

const entry = (id: string, publicKey: string, extra = '') => `  - id: ${id}\n    publicKey: ${publicKey}\n${extra}`;

describe('the trusted signing keys', () => {
  it('names the file, the key and the rule of a bad entry', () => {
    const key = generateSigningKey();
    const problems = (yaml: string) => {
      try {
        loadTrustedKeys(estateTrusting(yaml));
      } catch (error) {
        if (error instanceof ConfigError) return error.problems.map((p) => `${p.file} ${p.key} ${p.rule}`);
        throw error;
      }
      return [];
    };
    expect(problems(`keys:\n${entry('Bad Id', key.publicKey)}`)).toEqual([expect.stringMatching(/^environments\/signing-keys\.yaml keys\.0\.id must be 1-63 lowercase/)]);
    expect(problems(`keys:\n${entry('a', 'bm90IGEga2V5')}`)).toEqual([expect.stringMatching(/^environments\/signing-keys\.yaml keys\.0\.publicKey is not a public key/)]);
    expect(problems(`keys:\n${entry('a', key.publicKey)}${entry('a', key.publicKey)}`)).toEqual(["environments/signing-keys.yaml keys.1.id repeats the key id 'a'"]);
    expect(problems(`keys:\n${entry('a', key.publicKey, '    retired: soon\n')}`)).toEqual([expect.stringMatching(/keys\.0\.retired must be an ISO 8601 time/)]);
  });

  it('trusts no key when the estate has no signing-keys.yaml', () => {
    const root = mkdtempSync(join(tmpdir(), 'signing-'));
    roots.push(root);
    expect(loadTrustedKeys(root)).toEqual([]);
  });
});

describe('signatures', () => {
  const alice = generateSigningKey();
  const bob = generateSigningKey();
  const payload = Buffer.from('{"stack":"network"}');

  it('verifies what a trusted key signed, and refuses other bytes, another purpose, an unknown key, a retired or revoked one', () => {
    const trusted = loadTrustedKeys(estateTrusting(`keys:\n${entry('alice', alice.publicKey)}`));
    const signer = signerFromEnvironment(trusted, { PLATFORM_SIGNING_KEY: alice.privateKeyPem })!;
    const signature = signPayload(signer, 'artifact-manifest', payload, new Date('2026-12-01T00:00:00Z'));
    expect(verifyPayload(trusted, 'artifact-manifest', payload, signature, 'm').id).toBe('alice');
    expect(() => verifyPayload(trusted, 'artifact-manifest', Buffer.from('{"stack":"other"}'), signature, 'm')).toThrow(/m: the signature by key 'alice' does not match its content/);
    expect(() => verifyPayload(trusted, 'deployment-record', payload, signature, 'm')).toThrow(SignatureError);
    expect(() => verifyPayload(trusted, 'artifact-manifest', payload, undefined, 'm')).toThrow(/m is not signed/);
    expect(() => verifyPayload(trusted, 'artifact-manifest', payload, { ...signature, keyId: 'bob' }, 'm')).toThrow(/signed by key 'bob', which environments\/signing-keys\.yaml does not trust/);
    const retired = loadTrustedKeys(estateTrusting(`keys:\n${entry('alice', alice.publicKey, '    retired: 2026-11-30T00:00:00Z\n')}`));
    expect(() => verifyPayload(retired, 'artifact-manifest', payload, signature, 'm')).toThrow(/after it was retired/);
    const revoked = loadTrustedKeys(estateTrusting(`keys:\n${entry('alice', alice.publicKey, '    revoked: true\n')}`));
    expect(() => verifyPayload(revoked, 'artifact-manifest', payload, signature, 'm')).toThrow(/marks revoked/);
  });

  it('signs only with a private key whose public half is trusted and current', () => {
    const trusted = loadTrustedKeys(estateTrusting(`keys:\n${entry('alice', alice.publicKey, '    retired: 2026-11-30T00:00:00Z\n')}`));
    expect(signerFromEnvironment(trusted, {})).toBeUndefined();
    expect(() => signerFromEnvironment(trusted, { PLATFORM_SIGNING_KEY: bob.privateKeyPem })).toThrow(/is not one that environments\/signing-keys\.yaml trusts/);
    expect(() => signerFromEnvironment(trusted, { PLATFORM_SIGNING_KEY: alice.privateKeyPem }, new Date('2026-12-01T00:00:00Z'))).toThrow(/'alice', retired since 2026-11-30T00:00:00Z/);
    expect(signerFromEnvironment(trusted, { PLATFORM_SIGNING_KEY: alice.privateKeyPem }, new Date('2026-11-29T00:00:00Z'))!.keyId).toBe('alice');
    expect(() => signerFromEnvironment(trusted, { PLATFORM_SIGNING_KEY: 'not a key' })).toThrow(/PLATFORM_SIGNING_KEY is not a private key in PEM/);
  });
});

describe('deploy records', () => {
  it('keeps the completed record of a run over its started one, and rejects a record moved under another environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'records-'));
    roots.push(dir);
    const store = new LocalDirectoryStore(dir);
    const base = { stack: 'network', environment: 'dev', operation: 'apply', kind: 'apply', configurationSha256: 'a'.repeat(64), gitCommit: 'b'.repeat(40), actor: 'me' } as const;
    const started = await startRecord(store, base, undefined, new Date('2026-12-01T10:00:00Z'));
    await completeRecord(store, started, { outcome: 'succeeded' }, undefined, new Date('2026-12-01T10:00:30Z'));
    const running = await startRecord(store, base, undefined, new Date('2026-12-01T11:00:00Z'));
    const { records } = await listRecords(store, [], { environment: 'dev' });
    expect(records.map((r) => [r.outcome, r.durationSeconds ?? null])).toEqual([['succeeded', 30], ['started', null]]);

    const moved = `${recordFolder({ ...running, environment: 'prod' })}/started.json`;
    await store.put(moved, (await store.get(`${recordFolder(running)}/started.json`))!);
    expect((await listRecords(store, [], { environment: 'prod' })).rejected).toEqual([{ key: moved, reason: expect.stringMatching(/describes network in dev \(started\) and belongs at records\/dev\//) }]);
  });
});

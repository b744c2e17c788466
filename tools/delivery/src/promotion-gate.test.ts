import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalDirectoryStore } from '@platform/store';
import { gateRefusal } from './promote';
import { completeRecord, startRecord } from './records';
import { generateSigningKey, loadTrustedKeys, signerFromEnvironment, SIGNING_KEY_VARIABLE } from './signing';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

const MANIFEST = 'a'.repeat(64);

/** A store holding one signed, successful promotion of MANIFEST to dev, completed at `at`. */
async function promotedToDev(at: Date) {
  const root = mkdtempSync(join(tmpdir(), 'gate-'));
  roots.push(root);
  const key = generateSigningKey();
  mkdirSync(join(root, 'environments'));
  writeFileSync(join(root, 'environments/signing-keys.yaml'), `keys:\n  - id: ci\n    publicKey: ${key.publicKey}\n`);
  const trusted = loadTrustedKeys(root);
  const signer = signerFromEnvironment(trusted, { [SIGNING_KEY_VARIABLE]: key.privateKeyPem });
  const store = new LocalDirectoryStore(join(root, 'store'));
  const started = await startRecord(
    store,
    { stack: 'network', environment: 'dev', operation: 'promote', kind: 'promotion', version: '1.0.0', manifestSha256: MANIFEST, configurationSha256: 'b'.repeat(64), gitCommit: 'c'.repeat(40), actor: 'ci' },
    signer,
    new Date(at.getTime() - 60_000),
  );
  await completeRecord(store, started, { outcome: 'succeeded' }, signer, at);
  return { store, trusted };
}

describe('the promotion gate', () => {
  const gate = { gate: 'dev', stack: 'network', version: '1.0.0', manifestSha256: MANIFEST };
  const where = 'environments/staging/environment.yaml: promotion.soak is 24h';

  it('holds a version that has not run in the environment before for the soak time, saying when it may go', async () => {
    const done = new Date('2026-12-01T10:00:00Z');
    const { store, trusted } = await promotedToDev(done);
    const refusal = await gateRefusal(store, { ...gate, trusted, soak: { seconds: 86_400, now: new Date('2026-12-01T16:00:00Z'), where } });
    expect(refusal).toBe(
      `it has run in dev for 6.0 h (since 2026-12-01T10:00:00.000Z), less than the soak time of 1.0 d (${where}); it may go at 2026-12-02T10:00:00.000Z`,
    );
  });

  it('opens once the soak time has passed, and at once without one', async () => {
    const { store, trusted } = await promotedToDev(new Date('2026-12-01T10:00:00Z'));
    expect(await gateRefusal(store, { ...gate, trusted, soak: { seconds: 86_400, now: new Date('2026-12-02T10:00:00Z'), where } })).toBeUndefined();
    expect(await gateRefusal(store, { ...gate, trusted })).toBeUndefined();
  });

  it('holds another manifest than the one that ran, whatever the soak', async () => {
    const { store, trusted } = await promotedToDev(new Date('2026-12-01T10:00:00Z'));
    const refusal = await gateRefusal(store, { ...gate, manifestSha256: 'd'.repeat(64), trusted, soak: { seconds: 0, now: new Date(), where } });
    expect(refusal).toMatch(/^it has no signed record of a successful deploy of manifest dddddddddddd in dev/);
  });
});

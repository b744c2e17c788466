import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSigningKey, loadTrustedKeys, SIGNING_KEY_VARIABLE, SIGNING_KEYS_FILE, signerFromEnvironment, type Signer } from '@platform/delivery';

export interface FixtureSigningKey {
  readonly id: string;
  readonly privateKeyPem: string;
  /** PLATFORM_SIGNING_KEY set to this key, for a command or a library call. */
  readonly env: NodeJS.ProcessEnv;
  readonly signer: Signer;
}

/**
 * A new Ed25519 key that the estate (a test's copy) trusts: its public key appended to
 * environments/signing-keys.yaml, the private key only in memory, as CI would hold it.
 */
export function trustNewSigningKey(estate: string, id = 'fixture-ci', options: { readonly retired?: string } = {}): FixtureSigningKey {
  const file = join(estate, SIGNING_KEYS_FILE);
  const { privateKeyPem, publicKey } = generateSigningKey();
  const current = existsSync(file) ? readFileSync(file, 'utf8') : 'keys:\n';
  writeFileSync(file, `${current}  - id: ${id}\n    publicKey: ${publicKey}\n${options.retired ? `    retired: ${options.retired}\n` : ''}`);
  const env = { ...process.env, [SIGNING_KEY_VARIABLE]: privateKeyPem };
  return { id, privateKeyPem, env, signer: signerFromEnvironment(loadTrustedKeys(estate), env)! };
}

/** Marks a trusted key retired (from `at` on) in the estate's signing-keys.yaml. */
export function retireSigningKey(estate: string, id: string, at: string): void {
  const file = join(estate, SIGNING_KEYS_FILE);
  const text = readFileSync(file, 'utf8');
  const entry = new RegExp(`(  - id: ${id.replace(/[.]/g, '\\.')}\\n    publicKey: [^\\n]+\\n)`);
  if (!entry.test(text)) throw new Error(`${SIGNING_KEYS_FILE} has no key '${id}'`);
  writeFileSync(file, text.replace(entry, `$1    retired: ${at}\n`));
}

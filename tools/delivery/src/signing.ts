import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, ENVIRONMENTS_DIR, parseConfigFile } from '@platform/config';
import { sha256Hex } from '@platform/store';
import { ExternalError, UsageError } from '@platform/workspace';

/** The committed public keys whose signatures on manifests and deploy records are trusted. */
export const SIGNING_KEYS_FILE = `${ENVIRONMENTS_DIR}/signing-keys.yaml`;
/** The private key (PKCS#8 PEM) that signs, from CI's secrets; or a file holding it. */
export const SIGNING_KEY_VARIABLE = 'PLATFORM_SIGNING_KEY';
export const SIGNING_KEY_FILE_VARIABLE = 'PLATFORM_SIGNING_KEY_FILE';

const KEY_ID = /^[a-z0-9][a-z0-9._-]{0,62}$/;

const trustedKeySchema = z.strictObject({
  id: z.string().regex(KEY_ID, 'must be 1-63 lowercase letters, digits, dots, _ or -'),
  /** base64 of the key's SubjectPublicKeyInfo (DER), as `platform signing-key create` prints it. */
  publicKey: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be the base64 of an Ed25519 public key (SPKI DER)'),
  /** From this time on the key signs nothing new; what it signed before stays valid. */
  retired: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time such as 2027-01-31T00:00:00Z' }).optional(),
  /** A leaked key: every signature it made is refused, whenever it is dated. */
  revoked: z.boolean().default(false),
});

const signingKeysSchema = z.strictObject({ keys: z.array(trustedKeySchema).default([]) });

export interface TrustedKey {
  readonly id: string;
  readonly key: KeyObject;
  readonly publicKey: string;
  readonly retired?: string;
  readonly revoked: boolean;
}

/** A detached signature: which key, when, over what purpose and digest. */
export interface Signature {
  readonly algorithm: 'ed25519';
  readonly keyId: string;
  readonly signedAt: string;
  /** base64 */
  readonly signature: string;
}

export const signatureSchema = z.strictObject({
  algorithm: z.literal('ed25519'),
  keyId: z.string().regex(KEY_ID),
  signedAt: z.iso.datetime({ offset: true }),
  signature: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
});

/** What a signature is for: a manifest signature cannot pass as a record's, nor the reverse. */
export type SignaturePurpose = 'artifact-manifest' | 'deployment-record';

export class SignatureError extends ExternalError {
  override readonly name = 'SignatureError';
}

/** The keys the estate trusts (environments/signing-keys.yaml); none when the file does not exist. */
export function loadTrustedKeys(estateRoot: string): TrustedKey[] {
  const path = join(estateRoot, SIGNING_KEYS_FILE);
  if (!existsSync(path)) return [];
  const config = parseConfigFile(SIGNING_KEYS_FILE, readFileSync(path, 'utf8'), signingKeysSchema);
  const seen = new Set<string>();
  return config.keys.map((entry, index) => {
    const problem = (key: string, rule: string) => new ConfigError([{ file: SIGNING_KEYS_FILE, key: `keys.${index}.${key}`, rule }]);
    if (seen.has(entry.id)) throw problem('id', `repeats the key id '${entry.id}'`);
    seen.add(entry.id);
    let key: KeyObject;
    try {
      key = createPublicKey({ key: Buffer.from(entry.publicKey, 'base64'), format: 'der', type: 'spki' });
    } catch (error) {
      throw problem('publicKey', `is not a public key (${(error as Error).message})`);
    }
    if (key.asymmetricKeyType !== 'ed25519') throw problem('publicKey', `must be an Ed25519 key; got ${key.asymmetricKeyType ?? 'unknown'}`);
    return { id: entry.id, key, publicKey: entry.publicKey, revoked: entry.revoked, ...(entry.retired ? { retired: entry.retired } : {}) };
  });
}

/** The private key that signs, and the trusted key id it answers to. */
export interface Signer {
  readonly keyId: string;
  readonly key: KeyObject;
}

function publicKeyBase64(key: KeyObject): string {
  return createPublicKey(key).export({ format: 'der', type: 'spki' }).toString('base64');
}

/**
 * The signer the environment gives (PLATFORM_SIGNING_KEY, else the file PLATFORM_SIGNING_KEY_FILE
 * names), matched to a trusted, current key by its public half; undefined when neither is set.
 */
export function signerFromEnvironment(trusted: readonly TrustedKey[], env: NodeJS.ProcessEnv = process.env, now = new Date()): Signer | undefined {
  const fromFile = env[SIGNING_KEY_FILE_VARIABLE]?.trim();
  const inline = env[SIGNING_KEY_VARIABLE]?.trim();
  if (!inline && !fromFile) return undefined;
  const source = inline ? SIGNING_KEY_VARIABLE : `${SIGNING_KEY_FILE_VARIABLE} (${fromFile})`;
  let pem: string;
  try {
    pem = inline || readFileSync(fromFile!, 'utf8');
  } catch (error) {
    throw new UsageError(`${source}: cannot read the signing key (${(error as Error).message})`, { cause: error });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new UsageError(`${source} is not a private key in PEM (${(error as Error).message})`, { cause: error });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new UsageError(`${source} must be an Ed25519 key; got ${key.asymmetricKeyType ?? 'unknown'}`);
  const publicKey = publicKeyBase64(key);
  const match = trusted.find((entry) => entry.publicKey === publicKey);
  if (!match) {
    throw new UsageError(`the signing key in ${source} is not one that ${SIGNING_KEYS_FILE} trusts (its public key: ${publicKey}); add it there, or sign with a trusted key`);
  }
  if (match.revoked) throw new UsageError(`the signing key in ${source} is '${match.id}', which ${SIGNING_KEYS_FILE} marks revoked: sign with a current key`);
  if (match.retired && Date.parse(match.retired) <= now.getTime()) {
    throw new UsageError(`the signing key in ${source} is '${match.id}', retired since ${match.retired} (${SIGNING_KEYS_FILE}): sign with its successor`);
  }
  return { keyId: match.id, key };
}

/** The signer, or a usage error saying how to give one. */
export function requireSigner(trusted: readonly TrustedKey[], env: NodeJS.ProcessEnv = process.env, what = 'this'): Signer {
  const signer = signerFromEnvironment(trusted, env);
  if (signer) return signer;
  if (trusted.length === 0) {
    throw new UsageError(`${what} must be signed, and ${SIGNING_KEYS_FILE} trusts no key: create one with 'platform signing-key create' and commit its public key there`);
  }
  throw new UsageError(`${what} must be signed: set ${SIGNING_KEY_VARIABLE} (or ${SIGNING_KEY_FILE_VARIABLE}) to the private key of one of ${trusted.map((k) => `'${k.id}'`).join(', ')} (${SIGNING_KEYS_FILE})`);
}

function signedMessage(purpose: SignaturePurpose, signedAt: string, payload: Uint8Array): Buffer {
  return Buffer.from(`platform-signature-v1\n${purpose}\n${signedAt}\n${sha256Hex(payload)}\n`);
}

export function signPayload(signer: Signer, purpose: SignaturePurpose, payload: Uint8Array, now = new Date()): Signature {
  const signedAt = now.toISOString();
  return { algorithm: 'ed25519', keyId: signer.keyId, signedAt, signature: sign(null, signedMessage(purpose, signedAt, payload), signer.key).toString('base64') };
}

/**
 * Checks a signature over `payload` against the trusted keys; throws a {@link SignatureError}
 * naming `where` (the object) and the key when it is missing, unknown, revoked, dated after the
 * key's retirement, or does not match.
 */
export function verifyPayload(trusted: readonly TrustedKey[], purpose: SignaturePurpose, payload: Uint8Array, signature: Signature | undefined, where: string): TrustedKey {
  if (!signature) throw new SignatureError(`${where} is not signed: only what a key of ${SIGNING_KEYS_FILE} signed is trusted`);
  const key = trusted.find((entry) => entry.id === signature.keyId);
  if (!key) throw new SignatureError(`${where} is signed by key '${signature.keyId}', which ${SIGNING_KEYS_FILE} does not trust`);
  if (key.revoked) throw new SignatureError(`${where} is signed by key '${key.id}', which ${SIGNING_KEYS_FILE} marks revoked`);
  if (key.retired && Date.parse(signature.signedAt) >= Date.parse(key.retired)) {
    throw new SignatureError(`${where} is signed by key '${key.id}' at ${signature.signedAt}, after it was retired (${key.retired}, ${SIGNING_KEYS_FILE})`);
  }
  const valid = verify(null, signedMessage(purpose, signature.signedAt, payload), key.key, Buffer.from(signature.signature, 'base64'));
  if (!valid) throw new SignatureError(`${where}: the signature by key '${key.id}' does not match its content (changed after signing, or signed for something else)`);
  return key;
}

/** A new Ed25519 key pair: the private key as PKCS#8 PEM, the public one as base64 SPKI DER (for signing-keys.yaml). */
export function generateSigningKey(): { readonly privateKeyPem: string; readonly publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') };
}

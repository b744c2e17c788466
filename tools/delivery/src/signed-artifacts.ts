import { fetchArtifact, manifestBytes, manifestKey, publishArtifact, sha256Hex, type Artifact, type ObjectStore, type PublishResult } from '@platform/store';
import { signatureSchema, SignatureError, signPayload, verifyPayload, type Signature, type Signer, type TrustedKey } from './signing';

/** Where the signatures of a manifest live: one object per key, content-addressed by the manifest's digest. */
export const manifestSignatureKey = (manifestSha256: string, keyId: string) => `signatures/sha256/${manifestSha256}/${keyId}.json`;

/**
 * Publishes an artifact and signs its manifest. The signature goes in before the manifest (the
 * commit point), so a published version is never seen unsigned; signing a version published
 * earlier (a new key) adds that key's signature beside the old one.
 */
export async function publishSignedArtifact(store: ObjectStore, artifact: Artifact, signer: Signer): Promise<PublishResult & { readonly keyId: string }> {
  const bytes = manifestBytes(artifact.manifest);
  const signature = signPayload(signer, 'artifact-manifest', bytes);
  await store.put(manifestSignatureKey(sha256Hex(bytes), signer.keyId), Buffer.from(`${JSON.stringify(signature, null, 2)}\n`), { ifAbsent: true });
  return { ...(await publishArtifact(store, artifact)), keyId: signer.keyId };
}

/**
 * A published artifact whose every file matches its manifest and whose manifest a trusted key
 * signed; anything else is refused, naming the object and the key.
 */
export async function fetchSignedArtifact(store: ObjectStore, trusted: readonly TrustedKey[], stack: string, version: string): Promise<Artifact & { readonly manifestSha256: string; readonly signedBy: string }> {
  const artifact = await fetchArtifact(store, stack, version);
  const bytes = manifestBytes(artifact.manifest);
  const digest = sha256Hex(bytes);
  const where = `${store.location}/${manifestKey(stack, version)} (sha256 ${digest.slice(0, 12)})`;
  const keys = await store.list(`signatures/sha256/${digest}/`);
  const problems: string[] = [];
  for (const key of keys) {
    try {
      const signature = parseSignature(await store.get(key), `${store.location}/${key}`);
      return { ...artifact, manifestSha256: digest, signedBy: verifyPayload(trusted, 'artifact-manifest', bytes, signature, where).id };
    } catch (error) {
      if (!(error instanceof SignatureError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length === 0) verifyPayload(trusted, 'artifact-manifest', bytes, undefined, where);
  throw new SignatureError(problems.join('; '));
}

export function parseSignature(bytes: Uint8Array | undefined, where: string): Signature | undefined {
  if (!bytes) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new SignatureError(`${where} is not a signature (not JSON)`);
  }
  const parsed = signatureSchema.safeParse(raw);
  if (!parsed.success) throw new SignatureError(`${where} is not a signature: key '${parsed.error.issues[0]!.path.join('.')}' ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

import { Token } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { KmsKey, KmsKeyRing, type KmsKeyProps } from './kms';
import { ServiceAccount } from './service-account';
import { googleStack, PROJECT, synthGoogle } from './__fixtures__/stack';

const RING_ID = 'projects/my-project/locations/europe-west1/keyRings/platform';

describe('KmsKeyRing', () => {
  it('given a name and location, when synthesized, then it creates one key ring', () => {
    const out = synthGoogle((scope) => {
      new KmsKeyRing(scope, 'ring', { name: 'platform', location: 'europe-west1', project: PROJECT });
    });
    expect(out.json).toHaveResourceWithProperties('google_kms_key_ring', { name: 'platform', location: 'europe-west1', project: PROJECT });
    expect(out.count()).toBe(1);
  });

  it.each([
    [{ name: 'bad name', location: 'europe-west1' }, /KmsKeyRing 'ring': name 'bad name' is invalid/],
    [{ name: 'x'.repeat(64), location: 'europe-west1' }, /name 'x{64}' is invalid/],
    [{ name: 'platform', location: ' ' }, /KmsKeyRing 'ring': location must be a KMS location .* got ' '/],
  ])('given %j, when constructed, then it is refused', (props, error) => {
    expect(() => new KmsKeyRing(googleStack(), 'ring', props)).toThrow(error);
  });
});

describe('KmsKey', () => {
  it('given only a name, when synthesized, then it is a symmetric key rotated every 90 days and protected from destroy', () => {
    const out = synthGoogle((scope) => {
      new KmsKeyRing(scope, 'ring', { name: 'platform', location: 'europe-west1' }).addKey('app', { name: 'app' });
    });
    expect(out.json).toHaveResourceWithProperties('google_kms_crypto_key', {
      name: 'app',
      purpose: 'ENCRYPT_DECRYPT',
      rotation_period: '7776000s',
      version_template: { algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION', protection_level: 'SOFTWARE' },
      lifecycle: { prevent_destroy: true },
    });
    const [key] = Object.values(out.resourcesOf('google_kms_crypto_key'));
    expect(key.key_ring).toMatch(/^\$\{google_kms_key_ring\.ring_default_\w+\.id\}$/);
  });

  it('given a key ring id, HSM, a rotation period and labels, when synthesized, then they are used', () => {
    const out = synthGoogle((scope) => {
      new KmsKey(scope, 'key', {
        keyRing: RING_ID,
        name: 'db',
        rotationPeriod: '2592000s',
        protectionLevel: 'HSM',
        preventDestroy: false,
        labels: { team: 'data' },
      });
    });
    expect(out.json).toHaveResourceWithProperties('google_kms_crypto_key', {
      key_ring: RING_ID,
      rotation_period: '2592000s',
      version_template: { protection_level: 'HSM' },
      labels: { team: 'data' },
      lifecycle: { prevent_destroy: false },
    });
  });

  it.each<[Partial<KmsKeyProps>, RegExp]>([
    [{ rotationPeriod: '90d' }, /KmsKey 'key': rotationPeriod '90d' is not a duration in seconds like '7776000s'/],
    [{ rotationPeriod: '3600s' }, /rotationPeriod '3600s' is out of range: it must be between 86400s and 3153600000s/],
    [{ rotationPeriod: '3153600001s' }, /rotationPeriod '3153600001s' is out of range/],
    [{ rotationPeriod: '' }, /rotationPeriod '' is not a duration/],
    [{ protectionLevel: 'EXTERNAL' as never }, /protectionLevel 'EXTERNAL' is not supported; use 'SOFTWARE' or 'HSM'/],
    [{ name: 'app/1' }, /KmsKey 'key': name 'app\/1' is invalid/],
    [{ keyRing: 'platform' }, /KmsKey 'key': keyRing 'platform' is invalid: use a key ring id like/],
    [{ labels: { Team: 'data' } }, /KmsKey 'key': labels key 'Team' is not a valid label key/],
    [{ labels: { team: 'Data Team' } }, /KmsKey 'key': labels.team value 'Data Team' is not a valid label value/],
  ])('given %j, when constructed, then it is refused', (override, error) => {
    expect(() => new KmsKey(googleStack(), 'key', { keyRing: RING_ID, name: 'app', ...override })).toThrow(error);
  });

  it('given unresolved tokens, when constructed, then validation skips them', () => {
    const stack = googleStack();
    const token = Token.asString({ resolve: () => 'whatever' });
    expect(() => new KmsKey(stack, 'key', { keyRing: token, name: token, rotationPeriod: token })).not.toThrow();
  });

  it('given a service account, when grantEncryptDecrypt is called, then the account gets the encrypter/decrypter role on the key', () => {
    const out = synthGoogle((scope) => {
      const key = new KmsKey(scope, 'key', { keyRing: RING_ID, name: 'app' });
      const sa = new ServiceAccount(scope, 'runtime', { accountId: 'app-runtime', project: PROJECT });
      key.grantEncryptDecrypt(sa);
      key.grantEncryptDecrypt('serviceAccount:service-123@gcp-sa-secretmanager.iam.gserviceaccount.com', 'secret-manager-agent');
    });
    expect(out.count('google_kms_crypto_key_iam_member')).toBe(2);
    expect(Object.values(out.resourcesOf('google_kms_crypto_key_iam_member'))).toContainEqual({
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member: expect.stringMatching(/^serviceAccount:\$\{google_service_account\.runtime_default_\w+\.email\}$/),
      crypto_key_id: expect.stringMatching(/^\$\{google_kms_crypto_key\.key_default_\w+\.id\}$/),
    });
    expect(out.json).toHaveResourceWithProperties('google_kms_crypto_key_iam_member', {
      member: 'serviceAccount:service-123@gcp-sa-secretmanager.iam.gserviceaccount.com',
    });
    expect(Object.keys(out.resourcesOf('google_kms_crypto_key_iam_member')).sort()).toEqual([
      expect.stringMatching(/^key_encrypt-decrypt-runtime_/),
      expect.stringMatching(/^key_secret-manager-agent_/),
    ]);
  });

  it.each([
    ['allUsers', /KmsKey 'key' grantEncryptDecrypt member 'allUsers' would make the resource public/],
    ['allAuthenticatedUsers', /member 'allAuthenticatedUsers' would make the resource public/],
    ['someone@example.com', /member 'someone@example.com' is not a valid IAM member/],
  ])('given %s, when grantEncryptDecrypt is called, then it is refused', (member, error) => {
    const key = new KmsKey(googleStack(), 'key', { keyRing: RING_ID, name: 'app' });
    expect(() => key.grantEncryptDecrypt(member)).toThrow(error);
  });

  it('given the same grantee twice, when granted, then the second grant is refused with a clear error', () => {
    const key = new KmsKey(googleStack(), 'key', { keyRing: RING_ID, name: 'app' });
    key.grantEncryptDecrypt('group:ops@example.com');
    expect(() => key.grantEncryptDecrypt('group:ops@example.com')).toThrow(/a grant with id 'encrypt-decrypt-group-ops-example-com' already exists/);
  });

  it('given a member only known at deploy time and no id, when granted, then it asks for an id', () => {
    const key = new KmsKey(googleStack(), 'key', { keyRing: RING_ID, name: 'app' });
    const member = `serviceAccount:${Token.asString({ resolve: () => 'x' })}`;
    expect(() => key.grantEncryptDecrypt({ member })).toThrow(/only known at deploy time, so pass an explicit id/);
    expect(() => key.grantEncryptDecrypt({ member }, 'runtime')).not.toThrow();
  });
});

import { Token } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { KmsKey } from './kms';
import { Secret, type SecretProps } from './secret';
import { ServiceAccount } from './service-account';
import { googleStack, KEY_ID, PROJECT, synthGoogle } from './__fixtures__/stack';

const US_KEY = 'projects/my-project/locations/us-central1/keyRings/platform/cryptoKeys/app';
const base: SecretProps = { secretId: 'db-password', replicas: { 'europe-west1': { kmsKeyName: KEY_ID } } };

describe('Secret', () => {
  it('given replicas, when synthesized, then it is a CMEK user-managed secret with deletion protection and no value', () => {
    const out = synthGoogle((scope) => {
      new Secret(scope, 'db', { ...base, replicas: { 'us-central1': { kmsKeyName: US_KEY }, 'europe-west1': { kmsKeyName: KEY_ID } }, labels: { team: 'data' } });
    });
    expect(out.json).toHaveResourceWithProperties('google_secret_manager_secret', {
      secret_id: 'db-password',
      deletion_protection: true,
      labels: { team: 'data' },
      replication: {
        user_managed: {
          replicas: [
            { location: 'europe-west1', customer_managed_encryption: { kms_key_name: KEY_ID } },
            { location: 'us-central1', customer_managed_encryption: { kms_key_name: US_KEY } },
          ],
        },
      },
    });
    expect(out.count()).toBe(1);
    expect(out.count('google_secret_manager_secret_version')).toBe(0);
    expect(out.json).not.toMatch(/secret_data/);
  });

  it('given a KmsKey id, when synthesized, then the replica references the key', () => {
    const out = synthGoogle((scope) => {
      const key = new KmsKey(scope, 'key', { keyRing: 'projects/p-123456/locations/europe-west1/keyRings/r', name: 'secrets' });
      new Secret(scope, 'db', { ...base, replicas: { 'europe-west1': { kmsKeyName: key.id } } });
    });
    const [secret] = Object.values(out.resourcesOf('google_secret_manager_secret'));
    expect(JSON.stringify(secret.replication)).toMatch(/"kms_key_name":"\$\{google_kms_crypto_key\.key_default_\w+\.id\}"/);
  });

  it('given a rotation period and topic, when synthesized, then rotation starts one period after the plan', () => {
    const out = synthGoogle((scope) => {
      new Secret(scope, 'db', { ...base, rotationPeriod: '2592000s', rotationTopics: { events: 'projects/my-project/topics/secret-events' } });
    });
    expect(out.json).toHaveResourceWithProperties('google_secret_manager_secret', {
      rotation: { rotation_period: '2592000s', next_rotation_time: '${timeadd(plantimestamp(), "2592000s")}' },
      topics: [{ name: 'projects/my-project/topics/secret-events' }],
      lifecycle: { ignore_changes: ['rotation[0].next_rotation_time'] },
    });
  });

  it('given deletionProtection false, a project and a description, when synthesized, then they are used', () => {
    const out = synthGoogle((scope) => {
      new Secret(scope, 'db', { ...base, project: PROJECT, deletionProtection: false, description: 'Password of the orders database' });
    });
    expect(out.json).toHaveResourceWithProperties('google_secret_manager_secret', {
      project: PROJECT,
      deletion_protection: false,
      annotations: { description: 'Password of the orders database' },
    });
  });

  it('given an empty description, when synthesized, then no annotation is written', () => {
    const out = synthGoogle((scope) => {
      new Secret(scope, 'db', { ...base, description: '' });
    });
    const [secret] = Object.values(out.resourcesOf('google_secret_manager_secret'));
    expect(secret).not.toHaveProperty('annotations');
  });

  it('given a grantee, when grantAccessor is called, then it gets secretAccessor on this secret only', () => {
    const out = synthGoogle((scope) => {
      const secret = new Secret(scope, 'db', base);
      secret.grantAccessor(new ServiceAccount(scope, 'runtime', { accountId: 'app-runtime', project: PROJECT }));
    });
    const [grant] = Object.values(out.resourcesOf('google_secret_manager_secret_iam_member'));
    expect(grant).toEqual({
      role: 'roles/secretmanager.secretAccessor',
      secret_id: expect.stringMatching(/^\$\{google_secret_manager_secret\.db_default_\w+\.id\}$/),
      member: expect.stringMatching(/^serviceAccount:\$\{google_service_account\.runtime_default_\w+\.email\}$/),
    });
  });

  it.each([
    ['allUsers', /Secret 'db' grantAccessor member 'allUsers' would make the resource public/],
    ['allAuthenticatedUsers', /member 'allAuthenticatedUsers' would make the resource public/],
  ])('given %s, when grantAccessor is called, then it is refused', (member, error) => {
    expect(() => new Secret(googleStack(), 'db', base).grantAccessor(member)).toThrow(error);
  });

  it.each<[Partial<SecretProps>, RegExp]>([
    [{ replicas: {} }, /Secret 'db': replicas must name at least one location with its KMS key, .* got \{\}/],
    [{ replicas: { 'europe-west1': { kmsKeyName: '' } } }, /replicas.europe-west1.kmsKeyName must be a KMS key id \(KmsKey.id\), got ""/],
    [{ replicas: { 'europe-west1': { kmsKeyName: 'my-key' } } }, /replicas.europe-west1.kmsKeyName 'my-key' is not a KMS key id/],
    [{ replicas: { 'europe-west1': { kmsKeyName: US_KEY } } }, /replicas.europe-west1.kmsKeyName '.*' is in location 'us-central1'; a replica's key must be in the replica's location 'europe-west1'/],
    [{ description: 'x'.repeat(16_385) }, /Secret 'db': description is 16385 bytes; Secret Manager annotations hold at most 16384/],
    [{ secretId: 'db password' }, /Secret 'db': secretId 'db password' is invalid/],
    [{ labels: { Owner: 'x' } }, /Secret 'db': labels key 'Owner' is not a valid label key/],
    [{ rotationPeriod: '30d', rotationTopics: { t: 'projects/p/topics/t' } }, /rotationPeriod '30d' is not a duration in seconds/],
    [{ rotationPeriod: '60s', rotationTopics: { t: 'projects/p/topics/t' } }, /rotationPeriod '60s' is out of range: it must be between 3600s and 3153600000s/],
    [{ rotationPeriod: '2592000s' }, /Secret 'db': rotationPeriod '2592000s' needs rotationTopics/],
    [{ rotationTopics: { events: 'secret-events' } }, /Secret 'db': rotationTopics.events 'secret-events' is invalid: use a topic id/],
  ])('given %j, when constructed, then it is refused', (override, error) => {
    expect(() => new Secret(googleStack(), 'db', { ...base, ...override })).toThrow(error);
  });

  it('given a key id that is a token, when constructed, then the location check is skipped', () => {
    const token = Token.asString({ resolve: () => US_KEY });
    expect(() => new Secret(googleStack(), 'db', { ...base, replicas: { 'europe-west1': { kmsKeyName: token } } })).not.toThrow();
  });
});

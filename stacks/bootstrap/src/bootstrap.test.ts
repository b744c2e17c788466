import { findWorkspaceRoot } from '@platform/config';
import { synthesizeInEveryEnvironment } from '@platform/core';
import { parseEach } from '@platform/testing';
import { describe, expect, it } from 'vitest';
import bootstrap from './index';

const synthesized = parseEach(synthesizeInEveryEnvironment(bootstrap, findWorkspaceRoot(import.meta.dirname)));
const environments = [...synthesized];
const stackIn = (name: string) => synthesized.get(name)!;

describe('bootstrap stack', () => {
  it('synthesizes in every environment with the guardrails holding', () => {
    expect(environments.map(([name]) => name)).toEqual(['dev', 'drill', 'prod', 'staging']);
  });

  describe.each(environments)('in %s', (env, stack) => {
    const stateBucket = () => Object.values(stack.resourcesOf('google_storage_bucket')).find((b) => !String(b.name).endsWith('-backups'))!;

    it('creates the state bucket named by the environment config, versioned, private and CMEK-encrypted', () => {
      const bucket = stateBucket();
      expect(bucket).toMatchObject({
        uniform_bucket_level_access: true,
        public_access_prevention: 'enforced',
        versioning: { enabled: true },
      });
      expect((bucket.encryption as { default_kms_key_name: string }).default_kms_key_name).toMatch(/google_kms_crypto_key\./);
      expect(bucket.name).toBe(env === 'drill' ? 'platform-drill-tfstate' : `acme-platform-${env}-tfstate`);
    });

    it('lets the storage service agent use the state key, and waits for that grant', () => {
      const grant = stack.single('google_kms_crypto_key_iam_member');
      expect(grant.member).toMatch(/^serviceAccount:service-\d+@gs-project-accounts\.iam\.gserviceaccount\.com$/);
      for (const bucket of Object.values(stack.resourcesOf('google_storage_bucket'))) expect(bucket.depends_on).toEqual([expect.stringMatching(/^google_kms_crypto_key_iam_member\./)]);
    });

    it('rotates the state key', () => {
      expect(stack.single('google_kms_crypto_key').rotation_period).toMatch(/^\d+s$/);
    });

    it('publishes the bucket and key', () => {
      expect(Object.keys(stack.output).sort()).toEqual(['state_bucket', 'state_key_id']);
    });
  });

  it('keeps the key ring in the bucket location (multi-region EU uses KMS location europe)', () => {
    expect(stackIn('prod').single('google_kms_key_ring').location).toBe('europe');
    expect(stackIn('drill').single('google_kms_key_ring').location).toBe('europe-west4');
  });

  it('lets only the drill empty its bucket on destroy', () => {
    expect(stackIn('drill').single('google_storage_bucket').force_destroy).toBe(true);
    for (const env of ['dev', 'staging', 'prod']) {
      for (const bucket of Object.values(stackIn(env).resourcesOf('google_storage_bucket'))) expect(bucket.force_destroy, `${env} ${String(bucket.name)}`).toBe(false);
    }
  });

  it('creates the Cloud Storage bucket that state.backups names, apart from the state bucket and protected like it', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const buckets = Object.values(stackIn(env).resourcesOf('google_storage_bucket'));
      const snapshots = buckets.find((b) => b.name === `acme-platform-${env}-tfstate-backups`);
      const state = buckets.find((b) => b.name === `acme-platform-${env}-tfstate`)!;
      expect(snapshots, env).toMatchObject({ versioning: { enabled: true }, public_access_prevention: 'enforced', uniform_bucket_level_access: true });
      const { name: _snapshotsName, '//': _snapshotsMetadata, ...snapshotsSettings } = snapshots!;
      const { name: _stateName, '//': _stateMetadata, ...stateSettings } = state;
      expect(snapshotsSettings, 'the same protections as the state bucket').toEqual(stateSettings);
    }
    expect(Object.values(stackIn('drill').resourcesOf('google_storage_bucket')), 'no state.backups in the drill').toHaveLength(1);
  });
});

describe('bootstrap stack teardown', () => {
  it('lets only the drill destroy its state key', () => {
    expect(stackIn('drill').single('google_kms_crypto_key').lifecycle).toEqual({ prevent_destroy: false });
    expect(stackIn('prod').single('google_kms_crypto_key').lifecycle).toEqual({ prevent_destroy: true });
  });
});

describe('bootstrap stack in a drill', () => {
  it('names its key ring after the drill run, since key rings can never be deleted', () => {
    expect(stackIn('drill').single('google_kms_key_ring').name).toBe('drill-bootstrap-${var.drill_run_suffix}');
    expect(stackIn('dev').single('google_kms_key_ring').name).toBe('dev-bootstrap');
  });
});

import { findWorkspaceRoot } from '@platform/config';
import { synthesizeInEveryEnvironment } from '@platform/core';
import { parseEach } from '@platform/testing';
import { describe, expect, it } from 'vitest';
import security from './index';

const synthesized = parseEach(synthesizeInEveryEnvironment(security, findWorkspaceRoot(import.meta.dirname)));
const environments = [...synthesized];
const stackIn = (name: string) => synthesized.get(name)!;

const PURPOSES = ['artifacts', 'gke', 'logging', 'run', 'secrets', 'sql', 'storage'];

describe('security stack', () => {
  it('synthesizes in every environment with the guardrails holding', () => {
    expect(environments.map(([name]) => name)).toEqual(['dev', 'drill', 'prod', 'staging']);
  });

  describe.each(environments)('in %s', (_env, stack) => {
    it('creates one rotating key per purpose in one key ring', () => {
      expect(stack.count('google_kms_key_ring')).toBe(1);
      const keys = Object.values(stack.resourcesOf('google_kms_crypto_key'));
      expect(keys.map((key) => key.name).sort()).toEqual(PURPOSES);
      for (const key of keys) expect(key.rotation_period).toMatch(/^\d+s$/);
    });

    it('grants each key to the Google service agent that encrypts with it', () => {
      const members = Object.values(stack.resourcesOf('google_kms_crypto_key_iam_member')).map((grant) => grant.member);
      expect(members).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/@gs-project-accounts\./),
          expect.stringMatching(/@container-engine-robot\./),
          expect.stringMatching(/@gcp-sa-cloud-sql\./),
          expect.stringMatching(/@gcp-sa-artifactregistry\./),
          expect.stringMatching(/@gcp-sa-secretmanager\./),
          expect.stringMatching(/@serverless-robot-prod\./),
          expect.stringMatching(/@gcp-sa-logging\./),
        ]),
      );
    });

    it('gives workload service accounts only predefined roles, never primitive ones', () => {
      const roles = Object.values(stack.resourcesOf('google_project_iam_member')).map((grant) => grant.role as string);
      expect(roles.length).toBeGreaterThan(0);
      for (const role of roles) expect(['roles/owner', 'roles/editor', 'roles/viewer']).not.toContain(role);
      expect(stack.count('google_service_account')).toBe(2);
      expect(stack.count('google_service_account_key')).toBe(0);
    });

    it('creates secret containers without any value', () => {
      expect(stack.count('google_secret_manager_secret')).toBe(2);
      expect(stack.count('google_secret_manager_secret_version')).toBe(0);
      expect(stack.json).not.toMatch(/secret_data/);
    });

    it('publishes keys, service accounts and secrets by name', () => {
      expect(Object.keys(stack.output).sort()).toEqual(['kms_key_ids', 'secret_ids', 'service_account_emails']);
      expect(Object.keys(stack.output.kms_key_ids!.value as object).sort()).toEqual(PURPOSES);
    });
  });

  it('uses HSM keys in prod and software keys elsewhere, as configured', () => {
    for (const key of Object.values(stackIn('prod').resourcesOf('google_kms_crypto_key'))) {
      expect(key.version_template).toMatchObject({ protection_level: 'HSM' });
    }
    for (const key of Object.values(stackIn('dev').resourcesOf('google_kms_crypto_key'))) {
      expect(key.version_template).toMatchObject({ protection_level: 'SOFTWARE' });
    }
  });
});

describe('security stack teardown', () => {
  it('lets only the drill destroy its keys', () => {
    for (const key of Object.values(stackIn('drill').resourcesOf('google_kms_crypto_key'))) {
      expect(key.lifecycle).toEqual({ prevent_destroy: false });
    }
    for (const key of Object.values(stackIn('prod').resourcesOf('google_kms_crypto_key'))) {
      expect(key.lifecycle).toEqual({ prevent_destroy: true });
    }
  });
});

describe('security stack in a drill', () => {
  it('names its key ring after the drill run, since key rings can never be deleted', () => {
    expect(stackIn('drill').single('google_kms_key_ring').name).toBe('drill-platform-${var.drill_run_suffix}');
    expect(stackIn('prod').single('google_kms_key_ring').name).toBe('prod-platform');
  });
});

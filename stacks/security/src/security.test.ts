import { findWorkspaceRoot } from '@platform/config';
import { synthesizeInEveryEnvironment } from '@platform/core';
import { parseEach } from '@platform/testing';
import { describe, expect, it } from 'vitest';
import security from './index';

const synthesized = parseEach(synthesizeInEveryEnvironment(security, findWorkspaceRoot(import.meta.dirname)));
const environments = [...synthesized];
const stackIn = (name: string) => synthesized.get(name)!;

const PURPOSES = ['artifacts', 'gke', 'logging', 'run', 'secrets', 'sql', 'storage'];
/** The key of each purpose's service agent in project-baseline's serviceAgents output. */
const AGENT_OF_PURPOSE = {
  artifacts: 'artifactregistry',
  gke: 'container',
  logging: 'logging',
  run: 'run',
  secrets: 'secretmanager',
  sql: 'sqladmin',
  storage: 'storage',
};

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

    it('grants each key to the Google service agent that encrypts with it, as project-baseline publishes the agents', () => {
      const keyName = Object.fromEntries(
        Object.entries(stack.resourcesOf('google_kms_crypto_key')).map(([logicalId, key]) => [`\${google_kms_crypto_key.${logicalId}.id}`, key.name as string]),
      );
      const agentOf = Object.fromEntries(
        Object.values(stack.resourcesOf('google_kms_crypto_key_iam_member')).map((grant) => [keyName[grant.crypto_key_id as string], grant]),
      );
      expect(Object.keys(agentOf).sort()).toEqual(PURPOSES);
      for (const [purpose, agent] of Object.entries(AGENT_OF_PURPOSE)) {
        expect(agentOf[purpose], purpose).toMatchObject({
          role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
          member: `serviceAccount:\${data.terraform_remote_state.upstream-project-baseline.outputs.service_agents.${agent}}`,
        });
      }
    });

    it('reads the service agents from the state of project-baseline, which creates them', () => {
      expect(Object.keys(stack.data['terraform_remote_state'] ?? {})).toEqual(['upstream-project-baseline']);
      expect(stack.json).not.toMatch(/service-\d+@/);
    });

    it('gives workload service accounts only predefined roles, never primitive ones', () => {
      const roles = Object.values(stack.resourcesOf('google_project_iam_member')).map((grant) => grant.role as string);
      expect(roles.length).toBeGreaterThan(0);
      for (const role of roles) expect(['roles/owner', 'roles/editor', 'roles/viewer']).not.toContain(role);
      expect(stack.count('google_service_account')).toBe(2);
      expect(stack.count('google_service_account_key')).toBe(0);
    });

    it('grants no project-wide Artifact Registry read: image pulls are granted on the repository', () => {
      const roles = Object.values(stack.resourcesOf('google_project_iam_member')).map((grant) => grant.role);
      expect(roles).not.toContain('roles/artifactregistry.reader');
      expect(roles.sort()).toEqual(['roles/logging.logWriter', 'roles/logging.logWriter', 'roles/monitoring.metricWriter', 'roles/monitoring.metricWriter', 'roles/monitoring.viewer']);
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

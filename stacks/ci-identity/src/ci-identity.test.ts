import { findWorkspaceRoot, loadEnvironment } from '@platform/config';
import { synthesizeInEveryEnvironment, synthesizeStack } from '@platform/core';
import { parseEach } from '@platform/testing';
import { describe, expect, it } from 'vitest';
import ciIdentityStack from './index';
import { ciIdentitySettings } from './settings';

const workspaceRoot = findWorkspaceRoot(import.meta.dirname);
const synthesized = parseEach(synthesizeInEveryEnvironment(ciIdentityStack, workspaceRoot));
const environments = [...synthesized];

describe('ci-identity stack', () => {
  it('synthesizes in every environment with the guardrails holding', () => {
    expect(environments.map(([name]) => name)).toEqual(['dev', 'drill', 'prod', 'staging']);
  });

  describe.each(environments)('in %s', (_env, stack) => {
    it("keeps its bucket private and versioned, encrypted with the security stack's storage key", () => {
      expect(stack.single('google_storage_bucket')).toMatchObject({
        uniform_bucket_level_access: true,
        public_access_prevention: 'enforced',
        versioning: { enabled: true },
        force_destroy: false,
        encryption: { default_kms_key_name: '${data.terraform_remote_state.upstream-security.outputs.kms_key_ids.storage}' },
      });
    });

    it('publishes the outputs of its contract', () => {
      expect(Object.keys(stack.output)).toEqual(['bucket_name']);
    });
  });

  it("refuses a bucket outside the environment's region", () => {
    const environment = loadEnvironment(workspaceRoot, 'dev');
    const settings = ciIdentitySettings.parse({ bucketLocation: environment.region === 'us-east1' ? 'us-west1' : 'us-east1' });
    expect(() => synthesizeStack(ciIdentityStack, environment, settings)).toThrow(/key 'bucketLocation' must be the environment's region/);
  });
});

import { findWorkspaceRoot } from '@platform/config';
import { synthesizeInEveryEnvironment } from '@platform/core';
import { parseEach } from '@platform/testing';
import { describe, expect, it } from 'vitest';
import database from './index';

const synthesized = parseEach(synthesizeInEveryEnvironment(database, findWorkspaceRoot(import.meta.dirname)));
const environments = [...synthesized];
const stackIn = (name: string) => synthesized.get(name)!;

describe('database stack', () => {
  it('synthesizes in every environment with the guardrails holding', () => {
    expect(environments.map(([name]) => name)).toEqual(['dev', 'drill', 'prod', 'staging']);
  });

  describe.each(environments)('in %s', (_env, stack) => {
    it('runs Cloud SQL on a private IP only, in the private service access range', () => {
      const instance = stack.single('google_sql_database_instance');
      expect(instance).toMatchObject({
        encryption_key_name: '${data.terraform_remote_state.upstream-security.outputs.kms_key_ids.sql}',
        settings: {
          ip_configuration: {
            ipv4_enabled: false,
            ssl_mode: 'ENCRYPTED_ONLY',
            allocated_ip_range: '${data.terraform_remote_state.upstream-network.outputs.private_service_access_range}',
          },
        },
      });
    });

    it('backs up daily with point-in-time recovery', () => {
      expect(stack.single('google_sql_database_instance').settings).toMatchObject({
        backup_configuration: { enabled: true, point_in_time_recovery_enabled: true },
      });
    });

    it('authenticates users with IAM: no passwords anywhere', () => {
      expect(stack.count('google_sql_user')).toBe(0);
      expect(stack.json).not.toMatch(/password/);
    });
  });

  it('protects prod and staging data from deletion, and runs prod highly available', () => {
    for (const env of ['prod', 'staging']) {
      expect(stackIn(env).single('google_sql_database_instance')).toMatchObject({
        deletion_protection: true,
        settings: { deletion_protection_enabled: true, availability_type: 'REGIONAL' },
      });
    }
    expect(stackIn('dev').single('google_sql_database_instance').deletion_protection).toBe(false);
  });
});

describe('database stack in a drill', () => {
  it('names its instance after the drill run, since a deleted instance name stays reserved for a week', () => {
    expect(stackIn('drill').single('google_sql_database_instance').name).toMatch(/^[a-z-]+-\$\{var\.drill_run_suffix\}$/);
    expect(stackIn('prod').single('google_sql_database_instance').name).not.toContain('drill_run_suffix');
  });
});

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
      const users = Object.values(stack.resourcesOf('google_sql_user'));
      expect(users.length).toBeGreaterThan(0);
      for (const user of users) expect(user).toMatchObject({ type: 'CLOUD_IAM_SERVICE_ACCOUNT' });
      expect(stack.json).not.toMatch(/password/);
    });

    it("signs the app runtime's service account in as an IAM user, allowed on this instance only", () => {
      expect(stack.resourcesOf('google_sql_user')).toHaveProperty('iam-user-app-runtime');
      expect(stack.resourcesOf('google_sql_user')['iam-user-app-runtime']!.name).toBe(
        '${trimsuffix(data.terraform_remote_state.upstream-security.outputs.service_account_emails["app-runtime"], ".gserviceaccount.com")}',
      );
      const grants = Object.values(stack.resourcesOf('google_project_iam_member'));
      expect(grants.map((g) => g.role).sort()).toEqual(['roles/cloudsql.client', 'roles/cloudsql.instanceUser']);
      for (const grant of grants) {
        expect((grant.condition as { expression: string }).expression).toMatch(/^resource\.name == "projects\/acme-platform-\w+\/instances\/\$\{google_sql_database_instance\.instance\.name\}"/);
      }
    });

    it('publishes its connection name, private IP and IAM users for the services that use it', () => {
      expect(Object.keys(stack.output).sort()).toEqual(['connection_name', 'database_names', 'iam_users', 'instance_name', 'private_ip_address']);
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

describe('database backups', () => {
  it('keeps production backups in another region than the instance', () => {
    const backups = stackIn('prod').single('google_sql_database_instance').settings as { backup_configuration: { location?: string } };
    expect(backups.backup_configuration.location).toBe('europe-west4');
    expect(stackIn('prod').single('google_sql_database_instance').region).toBe('europe-west1');
  });
});

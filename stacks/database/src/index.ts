import { Fn } from 'cdktf';
import { SqlDatabase } from '@cdktf/provider-google/lib/sql-database';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { SqlUser } from '@cdktf/provider-google/lib/sql-user';
import { databaseContract, networkContract, securityContract } from '@platform/contracts';
import { defineStack } from '@platform/core';
import { ProjectIamGrant, Roles } from '@platform/security';
import { databaseSettings } from './settings';

/**
 * Cloud SQL for PostgreSQL reachable only on a private IP, encrypted with CMEK, with PITR
 * backups (kept in another region where the settings say so), and database users that sign in
 * with IAM: the workloads' service accounts, never a password.
 */
export default defineStack({
  name: 'database',
  description: 'Cloud SQL for PostgreSQL on a private IP with CMEK, backups and deletion protection in prod.',
  settings: databaseSettings,
  build(stack, settings) {
    const env = stack.environment;
    const network = stack.upstream(networkContract, ['vpcSelfLink', 'privateServiceAccessRange']);
    const security = stack.upstream(securityContract, ['kmsKeyIds', 'serviceAccountEmails']);
    const protectData = env.tier !== 'development';

    const instance = new SqlDatabaseInstance(stack, 'instance', {
      // A deleted instance's name stays reserved for up to a week: a drill's instance is its run's own.
      name: stack.uniqueName(settings.instanceName, 98),
      region: env.region,
      databaseVersion: settings.databaseVersion,
      encryptionKeyName: security.kmsKeyIds.get('sql'),
      deletionProtection: protectData,
      settings: {
        tier: settings.tier,
        edition: 'ENTERPRISE',
        availabilityType: settings.availability,
        diskType: 'PD_SSD',
        diskSize: settings.diskSizeGb,
        diskAutoresize: true,
        deletionProtectionEnabled: protectData,
        retainBackupsOnDelete: true,
        ipConfiguration: {
          ipv4Enabled: false,
          privateNetwork: network.vpcSelfLink,
          allocatedIpRange: network.privateServiceAccessRange,
          sslMode: 'ENCRYPTED_ONLY',
        },
        backupConfiguration: {
          enabled: true,
          startTime: settings.backups.startTime,
          pointInTimeRecoveryEnabled: settings.backups.pointInTimeRecovery,
          transactionLogRetentionDays: settings.backups.transactionLogRetentionDays,
          // Backups in another region survive the loss of the instance's region.
          ...(settings.backups.location ? { location: settings.backups.location } : {}),
          backupRetentionSettings: { retainedBackups: settings.backups.retainedBackups, retentionUnit: 'COUNT' },
        },
        maintenanceWindow: { day: settings.maintenanceWindow.day, hour: settings.maintenanceWindow.hour, updateTrack: 'stable' },
        databaseFlags: [
          { name: 'cloudsql.iam_authentication', value: 'on' },
          { name: 'log_min_duration_statement', value: '1000' },
        ],
        insightsConfig: { queryInsightsEnabled: true },
      },
    });

    const databases = Object.keys(settings.databases).map((name) => new SqlDatabase(stack, `db-${name}`, { name, instance: instance.name }));

    // Cloud SQL has no IAM on the instance itself: project grants narrowed to this instance by a condition.
    const onThisInstance = `resource.name == "projects/${env.project}/instances/${instance.name}" && resource.service == "sqladmin.googleapis.com"`;
    const iamUsers: Record<string, string> = {};
    for (const workload of Object.keys(settings.iamUsers)) {
      const email = security.serviceAccountEmails.get(workload);
      // PostgreSQL IAM users of service accounts are named by the email without '.gserviceaccount.com'.
      const user = new SqlUser(stack, `iam-user-${workload}`, {
        instance: instance.name,
        name: Fn.trimsuffix(email, '.gserviceaccount.com'),
        type: 'CLOUD_IAM_SERVICE_ACCOUNT',
      });
      for (const [key, role] of [['client', Roles.cloudSqlClient], ['instance-user', Roles.cloudSqlInstanceUser]] as const) {
        new ProjectIamGrant(stack, `iam-user-${workload}-${key}`, {
          project: env.project,
          role,
          member: `serviceAccount:${email}`,
          condition: { title: `${role.replace('roles/', '')} on this instance`, expression: onThisInstance },
        });
      }
      iamUsers[workload] = user.name;
    }

    stack.publish(databaseContract, {
      instanceName: instance.name,
      connectionName: instance.connectionName,
      privateIpAddress: instance.privateIpAddress,
      databaseNames: databases.map((db) => db.name),
      iamUsers,
    });
  },
});

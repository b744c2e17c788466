import { SqlDatabase } from '@cdktf/provider-google/lib/sql-database';
import { SqlDatabaseInstance } from '@cdktf/provider-google/lib/sql-database-instance';
import { networkContract, securityContract } from '@platform/contracts';
import { defineStack } from '@platform/core';
import { databaseSettings } from './settings';

/** Cloud SQL for PostgreSQL reachable only on a private IP, encrypted with CMEK, with PITR backups. */
export default defineStack({
  name: 'database',
  description: 'Cloud SQL for PostgreSQL on a private IP with CMEK, backups and deletion protection in prod.',
  settings: databaseSettings,
  build(stack, settings) {
    const env = stack.environment;
    const network = stack.upstream(networkContract, ['vpcSelfLink', 'privateServiceAccessRange']);
    const security = stack.upstream(securityContract, ['kmsKeyIds']);
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

    for (const name of Object.keys(settings.databases)) {
      new SqlDatabase(stack, `db-${name}`, { name, instance: instance.name });
    }
  },
});

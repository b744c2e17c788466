import { z } from 'zod';

const name = z.string().regex(/^[a-z][a-z0-9-]{0,78}[a-z0-9]$/, 'must be a lowercase name (RFC 1035)');

export const databaseSettings = z.strictObject({
  instanceName: name,
  databaseVersion: z.enum(['POSTGRES_15', 'POSTGRES_16', 'POSTGRES_17']).default('POSTGRES_16'),
  /** Machine tier, e.g. db-custom-2-7680 (2 vCPU, 7.5 GB). */
  tier: z.string().regex(/^db-(custom-\d+-\d+|perf-optimized-N-\d+|f1-micro|g1-small)$/, 'must be a Cloud SQL tier such as db-custom-2-7680'),
  /** REGIONAL is highly available across zones. */
  availability: z.enum(['ZONAL', 'REGIONAL']),
  diskSizeGb: z.number().int().min(10).max(65_536),
  backups: z.strictObject({
    /** Daily backup start, UTC (HH:MM). */
    startTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (UTC)').default('02:00'),
    retainedBackups: z.number().int().min(1).max(365).default(7),
    pointInTimeRecovery: z.boolean().default(true),
    transactionLogRetentionDays: z.number().int().min(1).max(7).default(7),
  }),
  maintenanceWindow: z
    .strictObject({ day: z.number().int().min(1).max(7), hour: z.number().int().min(0).max(23) })
    .default({ day: 7, hour: 3 }),
  /** Databases to create, by name. Users authenticate with IAM: no passwords in code. */
  databases: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a lowercase database name'), z.strictObject({})),
});

export type DatabaseSettings = z.output<typeof databaseSettings>;

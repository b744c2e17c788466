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
    /**
     * Region or multi-region the backups are kept in, apart from the instance's region (e.g.
     * europe-west4 for an instance in europe-west1, or eu). Default: the instance's multi-region.
     */
    location: z.string().regex(/^([a-z]+-[a-z]+[0-9]+|eu|us|asia)$/, 'must be a region (europe-west4) or a multi-region (eu, us, asia)').optional(),
  }),
  maintenanceWindow: z
    .strictObject({ day: z.number().int().min(1).max(7), hour: z.number().int().min(0).max(23) })
    .default({ day: 7, hour: 3 }),
  /** Databases to create, by name. Users authenticate with IAM: no passwords in code. */
  databases: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a lowercase database name'), z.strictObject({})),
  /**
   * Workloads (keys of the security stack's service accounts, e.g. app-runtime) that sign in to
   * the database as IAM users, each allowed on this instance only.
   */
  iamUsers: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,29}$/, 'must be a workload of the security stack, e.g. app-runtime'), z.strictObject({})).default({}),
});

export type DatabaseSettings = z.output<typeof databaseSettings>;

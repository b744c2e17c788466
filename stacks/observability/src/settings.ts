import { z } from 'zod';

const duration = z.string().regex(/^\d+s$/, "must be a duration in seconds such as '300s'");
const fraction = z.number().gt(0).max(1);

export const observabilitySettings = z.strictObject({
  /** The audit log bucket: where every Cloud Audit Log of the project is kept. */
  auditLogs: z.strictObject({
    /** Days audit logs are kept (1-3650). */
    retentionDays: z.number().int().min(1).max(3650),
    /** Locks the retention (staging and prod): the bucket can then only be deleted once empty. Never in a drill. */
    locked: z.boolean().default(false),
  }),
  /** Alerting: who is told, how loudly, and when. */
  alerts: z.strictObject({
    /** Team address that receives alerts and budget notifications. */
    email: z.email('must be an email address such as platform-ops@example.com'),
    severity: z.enum(['CRITICAL', 'ERROR', 'WARNING']),
    cloudSql: z.strictObject({
      /** CPU utilization (fraction) above which Cloud SQL alerts. */
      cpuUtilization: fraction,
      /** Disk utilization (fraction) above which Cloud SQL alerts. */
      diskUtilization: fraction,
      duration,
    }),
    gke: z.strictObject({
      /** Not-ready nodes per cluster tolerated before alerting. */
      maxNotReadyNodes: z.number().int().min(0),
      duration,
    }),
    cloudRun: z.strictObject({
      /** Share of requests answered 5xx (fraction) above which Cloud Run alerts. */
      serverErrorRatio: fraction,
      duration,
    }),
  }),
  /** The billing budget on the environment's project. */
  budget: z.strictObject({
    /** The organisation's billing account id (XXXXXX-XXXXXX-XXXXXX); the same for every environment of one organisation. */
    billingAccount: z.string().regex(/^[0-9A-Z]{6}-[0-9A-Z]{6}-[0-9A-Z]{6}$/, 'must be a billing account id such as 01A2B3-C4D5E6-F7G8H9'),
    /** Monthly amount, in whole units of the currency. */
    amount: z.number().int().positive(),
    /** The billing account's currency (ISO 4217). */
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as EUR'),
    /** Fractions of the amount that notify once spent. */
    currentSpendThresholds: z.array(z.number().gt(0).max(10)).default([0.5, 0.9, 1.0]),
    /** Fractions of the amount that notify once forecast. */
    forecastedSpendThresholds: z.array(z.number().gt(0).max(10)).default([1.0]),
  }),
});

export type ObservabilitySettings = z.output<typeof observabilitySettings>;

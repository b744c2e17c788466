import { z } from 'zod';

const LOG_TYPE = z.enum(['ADMIN_READ', 'DATA_READ', 'DATA_WRITE']);
const CONSTRAINT = /^[a-z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*){1,2}$/;

export const projectBaselineSettings = z.strictObject({
  /**
   * Values of the `gcp.resourceLocations` constraint: value groups (`in:europe-locations`) or
   * locations (`europe-west1`). Resources can be created only there.
   */
  allowedLocations: z
    .array(z.string().regex(/^(in:[a-z0-9-]+-locations|[a-z]+(-[a-z]+[0-9]+)?)$/, "must be a value group like 'in:europe-locations' or a location like 'europe-west1'"))
    .min(1),
  /** APIs to enable beyond the ones the estate's stacks use (`<name>.googleapis.com`). */
  additionalServices: z.array(z.string().regex(/^[a-z][a-z0-9-]*\.googleapis\.com$/, "must be a service name like 'pubsub.googleapis.com'")).default([]),
  /** Boolean constraints to set beyond the baseline's own (which cannot be changed here), by constraint name. */
  additionalConstraints: z
    .record(z.string().regex(CONSTRAINT, "must be a constraint name like 'gcp.detailedAuditLoggingMode'"), z.boolean())
    .default({}),
  auditLogs: z
    .strictObject({
      /** Audit log types on for all services (production needs all three). */
      logTypes: z.array(LOG_TYPE).min(1).default(['ADMIN_READ', 'DATA_READ', 'DATA_WRITE']),
      /** Members whose access is not logged, by log type (e.g. a scanner reading all day). */
      exemptedMembers: z.partialRecord(LOG_TYPE, z.array(z.string())).default({}),
    })
    .prefault({}),
});

export type ProjectBaselineSettings = z.output<typeof projectBaselineSettings>;

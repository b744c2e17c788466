import { z } from 'zod';

export const bootstrapSettings = z.strictObject({
  /** Location of the state bucket: a region or a multi-region such as EU. */
  bucketLocation: z.string().regex(/^([A-Z]+(-[A-Z0-9]+)*|[a-z]+-[a-z]+[0-9]+)$/, 'must be a region (europe-west1) or multi-region (EU)'),
  /** Noncurrent state versions kept for recovery. */
  retainedStateVersions: z.number().int().min(1).max(500).default(50),
  keyRotationDays: z.number().int().min(1).max(365).default(90),
});

export type BootstrapSettings = z.output<typeof bootstrapSettings>;

const MULTI_REGION_KMS_LOCATIONS: Record<string, string> = { EU: 'europe', US: 'us', ASIA: 'asia' };

/** KMS location that can hold a CMEK key for a bucket in `bucketLocation`. */
export function kmsLocationOf(bucketLocation: string): string {
  return MULTI_REGION_KMS_LOCATIONS[bucketLocation] ?? bucketLocation.toLowerCase();
}

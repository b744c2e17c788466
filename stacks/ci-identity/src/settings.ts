import { z } from 'zod';

export const ciIdentitySettings = z.strictObject({
  /** Region of the bucket: the environment's region, where the security stack keeps its CMEK keys. */
  bucketLocation: z.string().regex(/^[a-z]+-[a-z]+[0-9]+$/, 'must be a GCP region such as europe-west1'),
  storageClass: z.enum(['STANDARD', 'NEARLINE', 'COLDLINE', 'ARCHIVE']).default('STANDARD'),
  /** Noncurrent versions kept of each object; older ones are deleted. */
  retainedVersions: z.number().int().min(1).max(100).default(5),
});

export type CiIdentitySettings = z.output<typeof ciIdentitySettings>;

import { z } from 'zod';

export const securitySettings = z.strictObject({
  keyRotationDays: z.number().int().min(1).max(365).default(90),
  /** HSM keys cost more; production usually wants them. */
  protectionLevel: z.enum(['SOFTWARE', 'HSM']).default('SOFTWARE'),
  /** Secret Manager secrets to create (empty: values are added out of band), by secret id. */
  secrets: z
    .record(
      z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be a lowercase secret id'),
      z.strictObject({ description: z.string().default('') }),
    )
    .default({}),
});

export type SecuritySettings = z.output<typeof securitySettings>;

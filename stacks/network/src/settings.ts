import { z } from 'zod';

const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'must be an IPv4 CIDR such as 10.0.0.0/20');
const key = z.string().regex(/^[a-z][a-z0-9-]{0,20}$/, 'must be a short lowercase name');

export const networkSettings = z.strictObject({
  /** Subnets by key, all in the environment's region. Ranges are checked for overlap at synth. */
  subnets: z
    .record(key, z.strictObject({ cidr, secondaryRanges: z.record(key, cidr).default({}) }))
    .refine((subnets) => Object.keys(subnets).length > 0, 'must define at least one subnet'),
  /** Range peered to Google services (Cloud SQL private IP). */
  privateServiceAccess: z.strictObject({
    address: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, 'must be an IPv4 address'),
    prefixLength: z.number().int().min(8).max(24).default(16),
  }),
  /** Outbound internet for private workloads through Cloud NAT. */
  nat: z.boolean().default(true),
});

export type NetworkSettings = z.output<typeof networkSettings>;

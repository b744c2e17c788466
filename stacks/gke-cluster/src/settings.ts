import { z } from 'zod';

const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'must be an IPv4 CIDR such as 10.0.0.0/20');
const name = z.string().regex(/^[a-z][a-z0-9-]{0,38}[a-z0-9]$/, 'must be a lowercase name (RFC 1035)');

const nodePool = z
  .strictObject({
    machineType: z.string().regex(/^[a-z0-9]+-[a-z0-9-]+$/, 'must be a machine type such as e2-standard-4'),
    minNodes: z.number().int().min(0).max(100),
    maxNodes: z.number().int().min(1).max(1000),
    diskSizeGb: z.number().int().min(20).max(2000).default(100),
    spot: z.boolean().default(false),
  })
  .refine((pool) => pool.minNodes <= pool.maxNodes, { message: 'minNodes must not exceed maxNodes', path: ['minNodes'] });

export const gkeClusterSettings = z.strictObject({
  clusterName: name,
  /** Subnet key in the network stack's plan, and its secondary range keys for pods and services. */
  subnet: z.string().default('gke'),
  podsRange: z.string().default('pods'),
  servicesRange: z.string().default('services'),
  /** /28 for the control plane's private endpoint; must not overlap the VPC plan. */
  masterCidr: cidr,
  releaseChannel: z.enum(['RAPID', 'REGULAR', 'STABLE']).default('REGULAR'),
  /** Private ranges allowed to reach the control plane, by name. */
  masterAuthorizedNetworks: z.record(name, cidr).default({}),
  /** Daily maintenance window start, UTC (HH:MM). */
  maintenanceStart: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (UTC)').default('03:00'),
  nodePools: z.record(name, nodePool).refine((pools) => Object.keys(pools).length > 0, 'must define at least one node pool'),
});

export type GkeClusterSettings = z.output<typeof gkeClusterSettings>;

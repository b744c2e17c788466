import { z } from 'zod';

const name = z.string().regex(/^[a-z][a-z0-9-]{0,47}[a-z0-9]$/, 'must be a lowercase name (RFC 1035)');

export const appServiceSettings = z
  .strictObject({
    serviceName: name,
    /** Artifact Registry repository id holding the service's images. */
    repository: name,
    /** Image to run; a digest pins exactly what was tested. */
    image: z.string().regex(/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/, 'must be an image reference with a tag or digest'),
    /** Subnet key in the network stack's plan used for direct VPC egress. */
    subnet: z.string().default('apps'),
    minInstances: z.number().int().min(0).max(100).default(0),
    maxInstances: z.number().int().min(1).max(1000).default(10),
    cpu: z.enum(['1', '2', '4', '8']).default('1'),
    memory: z.string().regex(/^\d+(Mi|Gi)$/, 'must be a size such as 512Mi or 2Gi').default('512Mi'),
    /** Who may reach the service; never the open internet directly. */
    ingress: z
      .enum(['INGRESS_TRAFFIC_INTERNAL_ONLY', 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER'])
      .default('INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER'),
    /** Tagged images kept per repository by the cleanup policy. */
    keepImageVersions: z.number().int().min(1).max(1000).default(20),
  })
  .refine((s) => s.minInstances <= s.maxInstances, { message: 'minInstances must not exceed maxInstances', path: ['minInstances'] });

export type AppServiceSettings = z.output<typeof appServiceSettings>;

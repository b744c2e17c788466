import { z } from 'zod';

const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'must be an IPv4 CIDR such as 10.0.0.0/20');
const key = z.string().regex(/^[a-z][a-z0-9-]{0,20}$/, 'must be a short lowercase name');
const projectId = z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a GCP project id (6-30 lowercase letters, digits and hyphens)');
const member = z
  .string()
  .regex(/^(serviceAccount|group|user):[^@\s]+@[^@\s]+\.[^@\s]+$/, 'must be an IAM member such as serviceAccount:name@project.iam.gserviceaccount.com');

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
  /**
   * Shared VPC: the environment's project is the host; these service projects are attached to it
   * and their principals get roles/compute.networkUser on the subnets named (by subnet key).
   */
  sharedVpc: z
    .strictObject({
      serviceProjects: z
        .record(
          key,
          z.strictObject({
            projectId,
            /** Principals of the service project (service agents, workload accounts) by subnet key. */
            subnetUsers: z.record(key, z.array(member).min(1, 'must list at least one principal')).default({}),
          }),
        )
        .default({}),
    })
    .default({ serviceProjects: {} }),
}).superRefine((settings, ctx) => {
  for (const [key, spec] of Object.entries(settings.sharedVpc.serviceProjects)) {
    for (const subnet of Object.keys(spec.subnetUsers)) {
      if (!(subnet in settings.subnets)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sharedVpc', 'serviceProjects', key, 'subnetUsers', subnet],
          message: `names subnet '${subnet}', which is not in subnets (${Object.keys(settings.subnets).join(', ')})`,
        });
      }
    }
  }
});

export type NetworkSettings = z.output<typeof networkSettings>;

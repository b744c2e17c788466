import { z } from 'zod';

const value = z.string().min(1).regex(/^\S+$/, 'must be an attribute value without spaces, e.g. refs/heads/main');

/**
 * Who may act as a stage's service account: principal sets of the environment's pool, by the
 * attribute they match (any one suffices), e.g. `{ environment: prod }`: every job that runs in
 * the GitHub environment `prod`.
 */
const principals = z
  // The GitHub OIDC attributes the pool's provider maps (GITHUB_ATTRIBUTE_MAPPING in @platform/security).
  .strictObject({
    repository: value.optional(),
    repository_owner: value.optional(),
    ref: value.optional(),
    environment: value.optional(),
    workflow_ref: value.optional(),
  })
  .refine((map) => Object.values(map).some((v) => v !== undefined), 'must name at least one attribute, e.g. { environment: prod }');

const member = z.string().regex(/^(serviceAccount|group|user|principal|principalSet):\S+$/, 'must be an IAM member such as serviceAccount:dev-ci-plan@acme-platform-dev.iam.gserviceaccount.com');

export const ciIdentitySettings = z.strictObject({
  /** The one GitHub repository (`owner/name`) whose workflows may authenticate. */
  repository: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/, 'must be a GitHub repository, owner/name'),
  /** Pull requests and drift checks: read-only roles, state read and lock. */
  plan: z.strictObject({
    principals,
    /**
     * Principals outside the pool that get the same read-only access, by a stable key: a pull
     * request plans every environment with one identity (dev's plan account).
     */
    readers: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'must be a lowercase key'), member).default({}),
  }),
  /** Applies, promotions and drills: the roles the stacks' resources need, state read and write. */
  deploy: z.strictObject({
    principals,
    /**
     * The deploy account may also apply the foundation stacks (bootstrap, ci-identity): project-wide
     * storage and workload identity pool administration. On only where the pipeline rebuilds every
     * stack (the drill); elsewhere a person applies them, so the pipeline cannot widen its own access.
     */
    appliesFoundation: z.boolean().default(false),
  }),
  /**
   * Grant the stages access to the estate's artifact store bucket (the environment's `artifacts`):
   * read, and create-only writes (every write is if-absent). Off where the stack must not touch
   * what the environment does not own (the drill).
   */
  artifactStoreAccess: z.boolean().default(true),
});

export type CiIdentitySettings = z.output<typeof ciIdentitySettings>;

import { z } from 'zod';

export const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{1,19}$/;

const environmentName = z
  .string()
  .regex(ENVIRONMENT_NAME, 'must be 2-20 lowercase letters, digits or hyphens, starting with a letter');

const gcpProjectId = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
    'must be a GCP project id: 6-30 lowercase letters, digits or hyphens, starting with a letter',
  );

const gcpRegion = z.string().regex(/^[a-z]+-[a-z]+[0-9]+$/, 'must be a GCP region such as europe-west1');

const labelKey = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must be a GCP label key: lowercase letter first, then letters, digits, _ or -');
const labelValue = z
  .string()
  .regex(/^[a-z0-9_-]{0,63}$/, 'must be a GCP label value: up to 63 lowercase letters, digits, _ or -');

const bucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, 'must be a bucket name: 3-63 lowercase letters, digits, dots, _ or -');

/**
 * Where the state snapshots of the environment go by default (`state-backup`, `state-restore`,
 * `state-snapshots`): a versioned bucket apart from the state bucket.
 */
const bucketStore = z
  .string()
  .regex(/^(gs|s3):\/\/[a-z0-9][a-z0-9._-]{1,61}[a-z0-9](\/[a-z0-9._/-]*)?$/, 'must be gs://<bucket>[/<prefix>] or s3://<bucket>[/<prefix>]');
const backupStore = bucketStore.optional();

const gcsState = z.strictObject({
  backend: z.literal('gcs'),
  bucket: bucketName,
  /** Folder inside the bucket; each stack's state lives under `<prefix>/<stack>`. */
  prefix: z.string().regex(/^[a-z0-9][a-z0-9/_-]*$/, 'must be a relative folder path').default('stacks'),
  /**
   * The Cloud Storage JSON API endpoint (`https://…/storage/v1/`, e.g. a Private Service Connect
   * endpoint), or `runtime` when it is known only when the engine runs (a GCS emulator on a free
   * port): then PLATFORM_STATE_ENDPOINT names it and the engine gets it as
   * GOOGLE_BACKEND_STORAGE_CUSTOM_ENDPOINT, for the backend and the remote-state reads alike.
   * Omitted for Cloud Storage itself.
   */
  endpoint: z
    .string()
    .refine((value) => value === 'runtime' || /^https:\/\/[^/\s]+(\/[^\s]*)?\/storage\/v1\/$/.test(value), "must be an https URL ending in '/storage/v1/' or 'runtime'")
    .optional(),
  backups: backupStore,
});

const s3State = z.strictObject({
  backend: z.literal('s3'),
  bucket: bucketName,
  region: z.string().min(1, 'must name the S3 region (any value for a local server)').default('us-east-1'),
  /** Folder inside the bucket; each stack's state lives under `<prefix>/<stack>/terraform.tfstate`. */
  prefix: z.string().regex(/^[a-z0-9][a-z0-9/_-]*$/, 'must be a relative folder path').default('stacks'),
  /**
   * S3-compatible endpoint (a local server, the GCS interoperability endpoint), or `runtime`
   * when it is known only when the engine runs (a drill's local server on a free port): then
   * init receives it as backend configuration and remote-state reads take it from the
   * `state_endpoint` variable (TF_VAR_state_endpoint). Omitted for AWS S3 itself.
   */
  endpoint: z
    .union([z.url({ protocol: /^https?$/ }), z.literal('runtime')], { error: "must be an http(s) URL or 'runtime'" })
    .optional(),
  backups: backupStore,
});

export const environmentSchema = z.strictObject({
  /** Must equal the folder name under environments/. */
  name: environmentName,
  description: z.string().default(''),
  /** `drill` environments are throwaway targets of rebuild-from-zero drills; nothing else may be torn down freely. */
  kind: z.enum(['cloud', 'drill']),
  /** Drives guardrails such as deletion protection on data (production). */
  tier: z.enum(['development', 'staging', 'production']),
  project: gcpProjectId,
  /** Project number, for Google-managed service agents (no API lookup at plan time). */
  projectNumber: z.string().regex(/^[0-9]{6,20}$/, 'must be the numeric GCP project number'),
  region: gcpRegion,
  /** Labels applied to every resource (the provider's default_labels), on top of environment/stack/managed-by. */
  labels: z.record(labelKey, labelValue).default({}),
  state: z.discriminatedUnion('backend', [gcsState, s3State], {
    error: "must have backend 'gcs' (cloud environments) or 's3' (S3-compatible endpoint)",
  }),
  /**
   * The artifact store: where released artifacts are read and this environment's deploy records
   * are kept, when neither `--store` nor PLATFORM_STORE names one. Every environment that names
   * one names the same: the gate of an environment reads the records of the one before it there.
   */
  artifacts: bucketStore.optional(),
  /** Promotion order: a version reaches this environment only after it ran in `after`. */
  promotion: z
    .strictObject({
      after: environmentName.optional(),
      /** How long a version must have run in `after` before it may come here, e.g. 30m, 24h, 2d. */
      soak: z.string().regex(/^[1-9]\d*[mhd]$/, 'must be a duration such as 30m, 24h or 2d').optional(),
    })
    .default({}),
});

export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type StateConfig = EnvironmentConfig['state'];
export type EnvironmentTier = EnvironmentConfig['tier'];

const SOAK_UNIT_SECONDS = { m: 60, h: 3600, d: 86400 } as const;

/** The soak time of an environment's promotion gate in seconds (0 when none is set). */
export function soakSeconds(environment: Pick<EnvironmentConfig, 'promotion'>): number {
  const soak = environment.promotion.soak;
  if (!soak) return 0;
  return Number(soak.slice(0, -1)) * SOAK_UNIT_SECONDS[soak.slice(-1) as keyof typeof SOAK_UNIT_SECONDS];
}

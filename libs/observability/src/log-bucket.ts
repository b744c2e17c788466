import { LoggingProjectBucketConfig } from '@cdktf/provider-google/lib/logging-project-bucket-config';
import { Construct } from 'constructs';
import { isKnown, KMS_KEY_ID, Problems } from './validation';

/** Shortest retention Cloud Logging accepts, in days. */
export const MIN_LOG_RETENTION_DAYS = 1;
/** Longest retention Cloud Logging accepts, in days (ten years). */
export const MAX_LOG_RETENTION_DAYS = 3650;
/** Retention of a log bucket when none is given: Cloud Logging's own default. */
export const DEFAULT_LOG_RETENTION_DAYS = 30;

/** Props of a {@link LogBucket}. */
export interface LogBucketProps {
  /**
   * Bucket id, unique in its project and location (1-100 letters, digits, `_`, `-`, `.`). A deleted
   * bucket's id stays reserved for 7 days, so stacks pass a name from `stack.uniqueName`.
   */
  readonly bucketId: string;
  /** Project that owns the bucket (the provider requires it for log buckets). */
  readonly project: string;
  /** Location, e.g. `europe-west1`: the location of the CMEK key too. */
  readonly location: string;
  /**
   * Customer-managed key that encrypts the bucket's logs (`KmsKey.id`), in the bucket's location. The
   * project's Cloud Logging service agent (`service-<number>@gcp-sa-logging.iam.gserviceaccount.com`)
   * needs `roles/cloudkms.cryptoKeyEncrypterDecrypter` on it. CMEK cannot be turned off later.
   */
  readonly kmsKeyName: string;
  /**
   * Days logs are kept, from 1 to 3650.
   * @default 30
   */
  readonly retentionDays?: number;
  /**
   * Locks the retention: it can no longer be changed and the bucket can only be deleted once it is
   * empty (which takes the whole retention). A locked bucket must state `retentionDays` explicitly.
   * Never lock a bucket that a drill has to tear down.
   * @default false
   */
  readonly locked?: boolean;
  /**
   * Log Analytics (SQL queries over the bucket). Cannot be turned off once on.
   * @default false
   */
  readonly enableAnalytics?: boolean;
  /**
   * Description of the bucket.
   * @default - none
   */
  readonly description?: string;
}

/**
 * A Cloud Logging bucket in one region, encrypted with a customer-managed key, with a retention
 * that can be locked. Route logs to it with a {@link LogSink}.
 */
export class LogBucket extends Construct {
  /** The `google_logging_project_bucket_config` (construct id `default`). */
  readonly bucket: LoggingProjectBucketConfig;

  constructor(scope: Construct, id: string, props: LogBucketProps) {
    super(scope, id);
    validateLogBucketProps(props).throwIfAny(this);

    this.bucket = new LoggingProjectBucketConfig(this, 'default', {
      bucketId: props.bucketId,
      project: props.project,
      location: props.location,
      retentionDays: props.retentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
      locked: props.locked ?? false,
      enableAnalytics: props.enableAnalytics ?? false,
      description: props.description,
      cmekSettings: { kmsKeyName: props.kmsKeyName },
    });
  }

  /** The bucket's id, `projects/<p>/locations/<l>/buckets/<bucketId>`. */
  get id(): string {
    return this.bucket.id;
  }

  /** The bucket as a sink destination, `logging.googleapis.com/projects/<p>/locations/<l>/buckets/<bucketId>`. */
  get destination(): string {
    return `logging.googleapis.com/${this.bucket.id}`;
  }
}

function validateLogBucketProps(props: LogBucketProps): Problems {
  const problems = new Problems();
  problems.loggingId('bucketId', props.bucketId);
  if (isKnown(props.bucketId) && typeof props.bucketId === 'string' && props.bucketId.startsWith('_')) {
    problems.add(`bucketId '${props.bucketId}' is reserved: Cloud Logging owns the buckets whose ids start with '_'`);
  }
  problems.text('project', props.project);
  problems.text('location', props.location);
  if (props.retentionDays !== undefined) {
    problems.integer('retentionDays', props.retentionDays, MIN_LOG_RETENTION_DAYS, MAX_LOG_RETENTION_DAYS);
  }
  if (props.locked === true && props.retentionDays === undefined) {
    problems.add('locked is true but retentionDays is not set: a lock freezes the retention, so state it explicitly');
  }
  if (problems.required('kmsKeyName', props.kmsKeyName)) {
    const match = KMS_KEY_ID.exec(props.kmsKeyName);
    if (!match) {
      problems.add(
        `kmsKeyName '${props.kmsKeyName}' is not a KMS key id; use 'projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>' (KmsKey.id)`,
      );
    } else if (isKnown(props.location) && match[1] !== props.location) {
      problems.add(`kmsKeyName is in location '${match[1]}' but the bucket is in '${props.location}': the key must be in the bucket's location`);
    }
  }
  return problems;
}

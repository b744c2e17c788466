import { Construct } from 'constructs';
import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { Roles } from './roles';
import { memberOf, type Grantee } from './principal';
import { ensureFreeId, grantId } from './private/grant';
import { unresolved, validateLabels, validatePattern, validateSeconds } from './private/validate';

const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
const KMS_KEY_ID = /^projects\/[^/]+\/locations\/([^/]+)\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/;
const TOPIC_ID = /^projects\/[^/]+\/topics\/[^/]+$/;

/** One hour, the shortest rotation period Secret Manager accepts. */
const MIN_SECRET_ROTATION_SECONDS = 3_600;
/** One hundred years, the longest rotation period Secret Manager accepts. */
const MAX_SECRET_ROTATION_SECONDS = 3_153_600_000;

/** A replica of a secret: where it is stored and the KMS key (in the same location) that encrypts it. */
export interface SecretReplica {
  /** KMS key id (`KmsKey.id`) in the replica's location. */
  readonly kmsKeyName: string;
}

export interface SecretProps {
  /** The secret's id (1-255 letters, digits, `_`, `-`). */
  readonly secretId: string;
  /**
   * Project that owns the secret.
   * @default - the provider's project
   */
  readonly project?: string;
  /**
   * Replicas by location (user-managed replication), each encrypted with its own CMEK key. At least one.
   */
  readonly replicas: Readonly<Record<string, SecretReplica>>;
  /**
   * What the secret is for, stored as the `description` annotation (free text, unlike labels).
   * @default - no description
   */
  readonly description?: string;
  /**
   * Labels on the secret (GCP label rules).
   * @default - no labels beyond the provider's default labels
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * How often Secret Manager asks for rotation (a message on `rotationTopics`), in seconds between
   * one hour and 100 years (`'2592000s'` = 30 days). Requires `rotationTopics`. The first rotation is
   * one period after the plan that sets it.
   * @default - no rotation schedule
   */
  readonly rotationPeriod?: string;
  /**
   * Pub/Sub topics (`projects/<p>/topics/<t>`) that receive secret events, by a stable name.
   * Required when `rotationPeriod` is set; the Secret Manager service agent needs
   * `roles/pubsub.publisher` on each.
   * @default {}
   */
  readonly rotationTopics?: Readonly<Record<string, string>>;
  /**
   * Makes Terraform refuse to destroy the secret (`deletion_protection`).
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * A Secret Manager secret with CMEK-encrypted user-managed replicas and no value: versions are
 * added out of band (`gcloud secrets versions add`), so a secret value never appears in synthesized
 * output, artifacts or state.
 */
export class Secret extends Construct {
  /** The secret's id, `projects/<p>/secrets/<secretId>`. */
  public readonly id: string;
  /** The underlying `google_secret_manager_secret`. */
  public readonly secret: SecretManagerSecret;

  constructor(scope: Construct, id: string, props: SecretProps) {
    super(scope, id);
    const owner = `Secret '${id}'`;
    validatePattern(owner, 'secretId', props.secretId, SECRET_ID, "use 1-255 letters, digits, '_' or '-'");
    const locations = Object.keys(props.replicas ?? {}).sort();
    if (locations.length === 0) {
      throw new Error(
        `${owner}: replicas must name at least one location with its KMS key, e.g. { 'europe-west1': { kmsKeyName: key.id } }, got ${JSON.stringify(props.replicas ?? null)}`,
      );
    }
    for (const location of locations) {
      const kmsKeyName = props.replicas[location]?.kmsKeyName;
      if (typeof kmsKeyName !== 'string' || (!unresolved(kmsKeyName) && kmsKeyName.trim() === '')) {
        throw new Error(`${owner}: replicas.${location}.kmsKeyName must be a KMS key id (KmsKey.id), got ${JSON.stringify(kmsKeyName ?? null)}`);
      }
      if (unresolved(kmsKeyName)) continue;
      const match = KMS_KEY_ID.exec(kmsKeyName);
      if (!match) {
        throw new Error(
          `${owner}: replicas.${location}.kmsKeyName '${kmsKeyName}' is not a KMS key id like 'projects/p/locations/${location}/keyRings/r/cryptoKeys/k'`,
        );
      }
      if (!unresolved(location) && match[1] !== location) {
        throw new Error(
          `${owner}: replicas.${location}.kmsKeyName '${kmsKeyName}' is in location '${match[1]}'; a replica's key must be in the replica's location '${location}'`,
        );
      }
    }
    validateLabels(owner, 'labels', props.labels);
    if (props.description !== undefined && !unresolved(props.description) && Buffer.byteLength(props.description) > 16_384) {
      throw new Error(`${owner}: description is ${Buffer.byteLength(props.description)} bytes; Secret Manager annotations hold at most 16384`);
    }

    const topics = Object.entries(props.rotationTopics ?? {}).sort(([a], [b]) => a.localeCompare(b));
    for (const [key, topic] of topics) {
      validatePattern(owner, `rotationTopics.${key}`, topic, TOPIC_ID, "use a topic id like 'projects/my-project/topics/secret-rotation'");
    }
    if (props.rotationPeriod !== undefined) {
      validateSeconds(
        owner,
        'rotationPeriod',
        props.rotationPeriod,
        MIN_SECRET_ROTATION_SECONDS,
        MAX_SECRET_ROTATION_SECONDS,
        "use e.g. '2592000s' for 30 days",
      );
      if (topics.length === 0) {
        throw new Error(
          `${owner}: rotationPeriod '${props.rotationPeriod}' needs rotationTopics: Secret Manager announces rotation on Pub/Sub topics, got ${JSON.stringify(props.rotationTopics ?? {})}`,
        );
      }
    }

    this.secret = new SecretManagerSecret(this, 'default', {
      secretId: props.secretId,
      project: props.project,
      labels: props.labels === undefined ? undefined : { ...props.labels },
      annotations: props.description ? { description: props.description } : undefined,
      deletionProtection: props.deletionProtection ?? true,
      replication: {
        userManaged: {
          replicas: locations.map((location) => ({
            location,
            customerManagedEncryption: { kmsKeyName: props.replicas[location].kmsKeyName },
          })),
        },
      },
      topics: topics.length === 0 ? undefined : topics.map(([, name]) => ({ name })),
      rotation:
        props.rotationPeriod === undefined
          ? undefined
          : {
              rotationPeriod: props.rotationPeriod,
              // The API needs a first rotation time; one period after the plan, then Secret Manager advances it.
              nextRotationTime: `\${timeadd(plantimestamp(), "${props.rotationPeriod}")}`,
            },
      lifecycle: props.rotationPeriod === undefined ? undefined : { ignoreChanges: ['rotation[0].next_rotation_time'] },
    });
    this.id = this.secret.id;
  }

  /**
   * Lets `grantee` read the secret's versions (`roles/secretmanager.secretAccessor`).
   * @param id construct id of the grant. @default - derived from the grantee
   */
  public grantAccessor(grantee: Grantee, id?: string): SecretManagerSecretIamMember {
    const what = `Secret '${this.node.id}' grantAccessor`;
    const member = memberOf(grantee, `${what} member`);
    const grant = grantId('accessor', grantee, id, what);
    ensureFreeId(this, grant, what);
    return new SecretManagerSecretIamMember(this, grant, {
      secretId: this.id,
      role: Roles.secretAccessor,
      member,
    });
  }
}

import { Construct } from 'constructs';
import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { KmsKeyRing as GoogleKmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { Roles } from './roles';
import { memberOf, type Grantee } from './principal';
import { ensureFreeId, grantId } from './private/grant';
import { unresolved, validateLabels, validatePattern, validateSeconds } from './private/validate';

const KMS_NAME = /^[a-zA-Z0-9_-]{1,63}$/;
const KMS_NAME_RULE = "use 1-63 letters, digits, '_' or '-'";
const KEY_RING_ID = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+$/;

/** One day, the shortest rotation period Cloud KMS accepts. */
export const MIN_ROTATION_SECONDS = 86_400;
/** One hundred years, the longest rotation period Cloud KMS accepts. */
export const MAX_ROTATION_SECONDS = 3_153_600_000;
/** 90 days. */
export const DEFAULT_ROTATION_PERIOD = '7776000s';

export type KmsProtectionLevel = 'SOFTWARE' | 'HSM';
const PROTECTION_LEVELS: readonly string[] = ['SOFTWARE', 'HSM'];

export interface KmsKeyRingProps {
  /** Key ring name, unique in its location (1-63 letters, digits, `_`, `-`). Key rings can never be deleted. */
  readonly name: string;
  /** Location, e.g. `europe-west1`; keys used for CMEK must share the location of the data they protect. */
  readonly location: string;
  /**
   * Project that owns the key ring.
   * @default - the provider's project
   */
  readonly project?: string;
}

/** A Cloud KMS key ring. Add keys with {@link KmsKeyRing.addKey}. */
export class KmsKeyRing extends Construct {
  /** The key ring's id, `projects/<p>/locations/<l>/keyRings/<name>`. */
  public readonly id: string;
  /** The key ring's name. */
  public readonly name: string;
  /** The underlying `google_kms_key_ring`. */
  public readonly keyRing: GoogleKmsKeyRing;

  constructor(scope: Construct, id: string, props: KmsKeyRingProps) {
    super(scope, id);
    const owner = `KmsKeyRing '${id}'`;
    validatePattern(owner, 'name', props.name, KMS_NAME, KMS_NAME_RULE);
    if (!unresolved(props.location) && props.location.trim() === '') {
      throw new Error(`${owner}: location must be a KMS location such as 'europe-west1', got '${props.location}'`);
    }
    this.keyRing = new GoogleKmsKeyRing(this, 'default', {
      name: props.name,
      location: props.location,
      project: props.project,
    });
    this.id = this.keyRing.id;
    this.name = props.name;
  }

  /** Adds a symmetric encryption key to this key ring. */
  public addKey(id: string, props: Omit<KmsKeyProps, 'keyRing'>): KmsKey {
    return new KmsKey(this, id, { ...props, keyRing: this });
  }
}

export interface KmsKeyProps {
  /** The key ring: a {@link KmsKeyRing} or a key ring id (`projects/<p>/locations/<l>/keyRings/<name>`). */
  readonly keyRing: KmsKeyRing | string;
  /** Key name, unique in its key ring (1-63 letters, digits, `_`, `-`). */
  readonly name: string;
  /**
   * How often a new primary key version is created, in seconds (`'2592000s'` = 30 days),
   * between one day and 100 years. Rotation cannot be turned off.
   * @default '7776000s' (90 days)
   */
  readonly rotationPeriod?: string;
  /**
   * Where key material lives and cryptographic operations run.
   * @default 'SOFTWARE'
   */
  readonly protectionLevel?: KmsProtectionLevel;
  /**
   * Adds `lifecycle { prevent_destroy = true }`, so a plan that would destroy the key fails. Cloud KMS
   * never deletes a key (only its versions), so destroying one mostly strands data encrypted with it.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * Labels on the key (GCP label rules).
   * @default - no labels beyond the provider's default labels
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A symmetric Cloud KMS key (purpose ENCRYPT_DECRYPT) with rotation on, for customer-managed encryption (CMEK). */
export class KmsKey extends Construct {
  /** The key's id, `projects/<p>/locations/<l>/keyRings/<ring>/cryptoKeys/<name>`: what CMEK settings take. */
  public readonly id: string;
  /** The underlying `google_kms_crypto_key`. */
  public readonly cryptoKey: KmsCryptoKey;

  constructor(scope: Construct, id: string, props: KmsKeyProps) {
    super(scope, id);
    const owner = `KmsKey '${id}'`;
    validatePattern(owner, 'name', props.name, KMS_NAME, KMS_NAME_RULE);
    const keyRing = typeof props.keyRing === 'string' ? props.keyRing : props.keyRing.id;
    if (typeof props.keyRing === 'string') {
      validatePattern(owner, 'keyRing', props.keyRing, KEY_RING_ID, "use a key ring id like 'projects/my-project/locations/europe-west1/keyRings/platform', or a KmsKeyRing");
    }
    const rotationPeriod = props.rotationPeriod ?? DEFAULT_ROTATION_PERIOD;
    validateSeconds(
      owner,
      'rotationPeriod',
      rotationPeriod,
      MIN_ROTATION_SECONDS,
      MAX_ROTATION_SECONDS,
      `use e.g. '7776000s' for 90 days (rotation cannot be turned off)`,
    );
    const protectionLevel = props.protectionLevel ?? 'SOFTWARE';
    if (!unresolved(protectionLevel) && !PROTECTION_LEVELS.includes(protectionLevel)) {
      throw new Error(`${owner}: protectionLevel '${protectionLevel}' is not supported; use 'SOFTWARE' or 'HSM'`);
    }
    validateLabels(owner, 'labels', props.labels);

    this.cryptoKey = new KmsCryptoKey(this, 'default', {
      name: props.name,
      keyRing,
      purpose: 'ENCRYPT_DECRYPT',
      rotationPeriod,
      versionTemplate: { algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION', protectionLevel },
      labels: props.labels === undefined ? undefined : { ...props.labels },
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    this.id = this.cryptoKey.id;
  }

  /**
   * Lets `grantee` encrypt and decrypt with this key (`roles/cloudkms.cryptoKeyEncrypterDecrypter`).
   * @param id construct id of the grant. @default - derived from the grantee
   */
  public grantEncryptDecrypt(grantee: Grantee, id?: string): KmsCryptoKeyIamMember {
    const what = `KmsKey '${this.node.id}' grantEncryptDecrypt`;
    const member = memberOf(grantee, `${what} member`);
    const grant = grantId('encrypt-decrypt', grantee, id, what);
    ensureFreeId(this, grant, what);
    return new KmsCryptoKeyIamMember(this, grant, {
      cryptoKeyId: this.id,
      role: Roles.kmsEncrypterDecrypter,
      member,
    });
  }
}

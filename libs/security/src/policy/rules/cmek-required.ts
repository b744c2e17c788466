import { at, blocks, isReference, isSet, propertyPath, show, type Config } from '../config';
import type { Finding, PolicyRule } from '../types';

const KEY = 'a KMS key from the security stack (KmsKey.id)';

interface KeyCheck {
  /** Attribute path shown to the user. */
  readonly attribute: string;
  readonly findings: (config: Config) => Finding[];
}

function simple(attribute: string, ...path: string[]): KeyCheck {
  return {
    attribute,
    findings: (config) => {
      const value = at(config, ...path);
      return isSet(value)
        ? []
        : [{ message: `${attribute} is ${show(value)}: data is encrypted with a Google-managed key, not a customer-managed one`, fix: `set ${propertyPath(attribute)} to ${KEY}` }];
    },
  };
}

const secretCheck: KeyCheck = {
  attribute: 'replication',
  findings: (config) => {
    const replication = blocks(config.replication)[0];
    if (replication === undefined) {
      return [{ message: 'replication is unset: the secret has no customer-managed key', fix: `use the Secret construct, or set replication.userManaged.replicas[].customerManagedEncryption.kmsKeyName to ${KEY}` }];
    }
    const auto = blocks(replication.auto)[0];
    if (auto !== undefined) {
      const key = at(auto, 'customer_managed_encryption', 'kms_key_name');
      return isSet(key)
        ? []
        : [{ message: `replication.auto.customer_managed_encryption.kms_key_name is ${show(key)}: automatic replication uses a Google-managed key`, fix: `use the Secret construct (user-managed replicas, one CMEK key per location), or set replication.auto.customerManagedEncryption.kmsKeyName to ${KEY}` }];
    }
    const userManaged = blocks(replication.user_managed)[0];
    const replicas = userManaged === undefined ? [] : userManaged.replicas;
    if (isReference(replicas)) return [];
    const list = blocks(replicas);
    if (list.length === 0) {
      return [{ message: 'replication has neither auto nor user_managed replicas with a customer-managed key', fix: `use the Secret construct, or set replication.userManaged.replicas[].customerManagedEncryption.kmsKeyName to ${KEY}` }];
    }
    return list
      .filter((replica) => !isSet(at(replica, 'customer_managed_encryption', 'kms_key_name')))
      .map((replica) => ({
        message: `replica in location ${show(replica.location)} has customer_managed_encryption.kms_key_name ${show(at(replica, 'customer_managed_encryption', 'kms_key_name'))}: it uses a Google-managed key`,
        fix: `set the replica's customerManagedEncryption.kmsKeyName to ${KEY} in the same location (Secret construct: replicas.<location>.kmsKeyName)`,
      }));
  },
};

const clusterCheck: KeyCheck = {
  attribute: 'database_encryption',
  findings: (config) => {
    const state = at(config, 'database_encryption', 'state');
    const keyName = at(config, 'database_encryption', 'key_name');
    const encrypted = isReference(state) || state === 'ENCRYPTED';
    return encrypted && isSet(keyName)
      ? []
      : [{
          message: `database_encryption is state ${show(state)} with key_name ${show(keyName)}: etcd secrets are not encrypted with a customer-managed key`,
          fix: `set databaseEncryption: { state: 'ENCRYPTED', keyName: ${KEY} } in the ContainerCluster props`,
        }];
  },
};

/** Resource types that support CMEK, and where the key goes. */
const CHECKS: Readonly<Record<string, KeyCheck>> = {
  google_storage_bucket: simple('encryption.default_kms_key_name', 'encryption', 'default_kms_key_name'),
  google_sql_database_instance: simple('encryption_key_name', 'encryption_key_name'),
  google_artifact_registry_repository: simple('kms_key_name', 'kms_key_name'),
  google_secret_manager_secret: secretCheck,
  google_container_cluster: clusterCheck,
  google_pubsub_topic: simple('kms_key_name', 'kms_key_name'),
  google_bigquery_dataset: simple('default_encryption_configuration.kms_key_name', 'default_encryption_configuration', 'kms_key_name'),
  google_compute_disk: simple('disk_encryption_key.kms_key_self_link', 'disk_encryption_key', 'kms_key_self_link'),
  google_cloud_run_v2_service: simple('template.encryption_key', 'template', 'encryption_key'),
};

/** The resource types `cmek-required` checks. */
export const CMEK_RESOURCE_TYPES: readonly string[] = Object.keys(CHECKS);

export const cmekRequired: PolicyRule = {
  id: 'cmek-required',
  description: 'Data at rest is encrypted with a customer-managed KMS key wherever the service supports it.',
  check(resource) {
    const check = CHECKS[resource.type];
    return check === undefined ? [] : check.findings(resource.config);
  },
};

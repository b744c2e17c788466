import { isReference, isSet } from '../config';
import type { Finding, PolicyRule } from '../types';

const OUT_OF_BAND = 'remove it and add the value out of band (gcloud secrets versions add <secret> --data-file=-); grant readers with Secret.grantAccessor';

export const noSecretValues: PolicyRule = {
  id: 'no-secret-values',
  description: 'No secret value, password or service account key is in the synthesized configuration.',
  check({ type, config }) {
    const findings: Finding[] = [];
    switch (type) {
      case 'google_secret_manager_secret_version':
        for (const attribute of ['secret_data', 'secret_data_wo']) {
          if (isSet(config[attribute])) {
            findings.push({ message: `${attribute} is set (value not shown): secret values must not be in the configuration or state`, fix: `remove the SecretManagerSecretVersion; ${OUT_OF_BAND}` });
          }
        }
        break;
      case 'google_sql_user':
      case 'google_sql_database_instance':
        for (const attribute of type === 'google_sql_user' ? ['password', 'password_wo'] : ['root_password', 'root_password_wo']) {
          const value = config[attribute];
          if (isSet(value) && !isReference(value)) {
            findings.push({ message: `${attribute} is a literal (value not shown): the password is in the synthesized configuration`, fix: "use IAM database authentication (SqlUser type: 'CLOUD_IAM_SERVICE_ACCOUNT'), or keep the password in Secret Manager and set it out of band" });
          }
        }
        break;
      case 'google_service_account_key':
        findings.push({ message: 'a service account key is created: its private key lands in Terraform state', fix: 'remove the ServiceAccountKey; use attached service accounts, workload identity or workload identity federation' });
        break;
      default:
        break;
    }
    return findings;
  },
};

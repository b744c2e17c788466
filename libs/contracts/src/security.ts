import { defineContract, output } from './contract';

export const securityContract = defineContract({
  stack: 'security',
  version: 1,
  outputs: {
    kmsKeyIds: output.stringMap('CMEK key id by purpose: storage, gke, sql, artifacts, secrets, run, logging.'),
    serviceAccountEmails: output.stringMap('Workload service account email by workload: gke-nodes, app-runtime.'),
    secretIds: output.stringMap('Secret Manager secret id by name (values are added out of band).'),
  },
});

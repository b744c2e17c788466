import { defineContract, output } from './contract';

export const observabilityContract = defineContract({
  stack: 'observability',
  version: 1,
  outputs: {
    logBucketId: output.string('Id of the CMEK-encrypted audit log bucket, projects/<p>/locations/<l>/buckets/<id>.'),
    auditSinkWriterIdentity: output.string('Identity the audit log sink writes as (serviceAccount:...).'),
    notificationChannelIds: output.stringMap('Monitoring notification channel id by name: ops.'),
    alertPolicyIds: output.stringMap('Alert policy id by name: cloud-sql, gke-nodes, cloud-run.'),
    budgetId: output.string('Id of the billing budget on the project, billingAccounts/<account>/budgets/<id>.'),
  },
});

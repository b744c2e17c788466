import { defineContract, output } from './contract';

export const ciIdentityContract = defineContract({
  stack: 'ci-identity',
  version: 1,
  outputs: {
    workloadIdentityProvider: output.string(
      'Full resource name of the GitHub OIDC provider (projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/github): the GitHub variable GCP_WORKLOAD_IDENTITY_PROVIDER.',
    ),
    serviceAccountEmails: output.stringMap(
      'CI service account email by pipeline stage: plan (GCP_PLAN_SERVICE_ACCOUNT), deploy (GCP_DEPLOY_SERVICE_ACCOUNT).',
    ),
  },
});

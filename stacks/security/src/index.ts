import { securityContract } from '@platform/contracts';
import { defineStack, type PlatformStack } from '@platform/core';
import { KmsKeyRing, Roles, Secret, ServiceAccount, type KmsKey } from '@platform/security';
import { securitySettings } from './settings';

/** CMEK keys by purpose, each usable by the Google service agent that encrypts with it. */
const KEY_PURPOSES = {
  storage: 'gs-project-accounts',
  gke: 'container-engine-robot',
  sql: 'gcp-sa-cloud-sql',
  artifacts: 'gcp-sa-artifactregistry',
  secrets: 'gcp-sa-secretmanager',
  run: 'serverless-robot-prod',
  logging: 'gcp-sa-logging',
} as const;

/** Workload identities with the least privilege they need; never primitive roles. */
const WORKLOADS = {
  'gke-nodes': {
    displayName: 'GKE node pools',
    roles: {
      logs: Roles.logWriter,
      metrics: Roles.metricWriter,
      monitoring: Roles.monitoringViewer,
      images: Roles.artifactReader,
    },
  },
  'app-runtime': {
    displayName: 'Cloud Run application runtime',
    roles: { logs: Roles.logWriter, metrics: Roles.metricWriter },
  },
} as const;

function serviceAccountId(stack: PlatformStack, workload: string): string {
  const id = `${stack.environment.name}-${workload}`;
  if (id.length > 30) {
    throw new Error(`service account id '${id}' is longer than 30 characters: shorten the environment name '${stack.environment.name}'`);
  }
  return id;
}

/** Macro security baseline: keys, workload service accounts and secret containers. */
export default defineStack({
  name: 'security',
  description: 'KMS keys per purpose, workload service accounts and Secret Manager secrets.',
  settings: securitySettings,
  build(stack, settings) {
    const env = stack.environment;
    // Key rings can never be deleted: a drill's ring is its run's own.
    const keyRing = new KmsKeyRing(stack, 'key-ring', { name: stack.uniqueName(`${env.name}-platform`, 63), location: env.region });
    const keys = {} as Record<keyof typeof KEY_PURPOSES, KmsKey>;
    for (const [purpose, agent] of Object.entries(KEY_PURPOSES) as [keyof typeof KEY_PURPOSES, string][]) {
      const key = keyRing.addKey(`key-${purpose}`, {
        name: purpose,
        rotationPeriod: `${settings.keyRotationDays * 86_400}s`,
        protectionLevel: settings.protectionLevel,
        // A drill tears its estate down; everywhere else a key outlives the data it encrypts.
        preventDestroy: env.kind !== 'drill',
      });
      key.grantEncryptDecrypt(`serviceAccount:${stack.serviceAgent(agent)}`, `agent-${purpose}`);
      keys[purpose] = key;
    }

    const accounts: Record<string, ServiceAccount> = {};
    for (const [workload, spec] of Object.entries(WORKLOADS)) {
      accounts[workload] = new ServiceAccount(stack, `sa-${workload}`, {
        accountId: serviceAccountId(stack, workload),
        displayName: `${spec.displayName} (${env.name})`,
        project: env.project,
        projectRoles: { ...spec.roles },
      });
    }

    const secretIds: Record<string, string> = {};
    for (const [secretId, spec] of Object.entries(settings.secrets)) {
      const secret = new Secret(stack, `secret-${secretId}`, {
        secretId,
        replicas: { [env.region]: { kmsKeyName: keys.secrets.id } },
        description: spec.description,
      });
      secret.grantAccessor(accounts['app-runtime']!, `accessor-${secretId}`);
      secretIds[secretId] = secret.id;
    }

    stack.publish(securityContract, {
      kmsKeyIds: Object.fromEntries(Object.entries(keys).map(([purpose, key]) => [purpose, key.id])),
      serviceAccountEmails: Object.fromEntries(Object.entries(accounts).map(([name, sa]) => [name, sa.email])),
      secretIds,
    });
  },
});

import { projectBaselineContract, securityContract } from '@platform/contracts';
import { defineStack, type PlatformStack } from '@platform/core';
import { KmsKeyRing, Roles, Secret, ServiceAccount, type KmsKey } from '@platform/security';
import { securitySettings } from './settings';

/**
 * CMEK keys by purpose, each usable by the Google service agent that encrypts with it: the key of
 * that agent in the project-baseline stack's `serviceAgents`, which creates the agents.
 */
const KEY_PURPOSES = {
  storage: 'storage',
  gke: 'container',
  sql: 'sqladmin',
  artifacts: 'artifactregistry',
  secrets: 'secretmanager',
  run: 'run',
  logging: 'logging',
} as const;

/** Workload identities with the least privilege they need; never primitive roles. */
const WORKLOADS = {
  'gke-nodes': {
    displayName: 'GKE node pools',
    roles: {
      logs: Roles.logWriter,
      metrics: Roles.metricWriter,
      monitoring: Roles.monitoringViewer,
      // Image pulls: read access is granted on each Artifact Registry repository, not project-wide.
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
    // The agents exist once project-baseline is applied; reading them from it orders the grants after it.
    const baseline = stack.upstream(projectBaselineContract, ['serviceAgents']);
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
      key.grantEncryptDecrypt(`serviceAccount:${baseline.serviceAgents.get(agent)}`, `agent-${purpose}`);
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

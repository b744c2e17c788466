import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Testing, TerraformStack } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ServiceAccount } from '../service-account';
import { Secret } from '../secret';
import { compliant } from '../__fixtures__/compliant';
import { googleStack, KEY_ID, PROJECT } from '../__fixtures__/stack';
import { collectResources } from './collect';

describe('collectResources', () => {
  it('given a stack, when collected, then every resource has its address, path and the config exactly as synthesized', () => {
    const stack = googleStack();
    new ServiceAccount(stack, 'runtime', { accountId: 'app-runtime', project: PROJECT, projectRoles: { logs: 'roles/logging.logWriter' } });
    new Secret(stack, 'db', { secretId: 'db', replicas: { 'europe-west1': { kmsKeyName: KEY_ID } } });
    compliant.bucket(stack, 'bucket').addOverride('lifecycle_rule', [{ action: { type: 'Delete' }, condition: { age: 30 } }]);
    const synthesized = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, unknown>> };

    const resources = collectResources(stack);

    expect(resources.map((r) => r.address).sort()).toEqual(
      Object.entries(synthesized.resource)
        .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
        .sort(),
    );
    for (const r of resources) {
      expect(r.address).toBe(`${r.type}.${r.name}`);
      expect(r.config).toEqual(synthesized.resource[r.type][r.name]);
      expect(r.config).not.toHaveProperty('//');
    }
    const bucket = resources.find((r) => r.type === 'google_storage_bucket');
    expect(bucket).toMatchObject({ path: 'test/bucket', config: { lifecycle_rule: [{ action: { type: 'Delete' } }] } });
  });

  it('detects which resources carry GCP labels, and in which attribute', () => {
    const stack = googleStack();
    compliant.bucket(stack, 'bucket');
    compliant.cluster(stack, 'cluster');
    new ServiceAccount(stack, 'sa', { accountId: 'app-runtime', project: PROJECT });
    new MonitoringNotificationChannel(stack, 'email', { type: 'email', labels: { email_address: 'ops@example.com' } });
    const byType = Object.fromEntries(collectResources(stack).map((r) => [r.type, [r.supportsLabels, r.labelsAttribute]]));
    expect(byType).toEqual({
      google_storage_bucket: [true, 'labels'],
      google_container_cluster: [true, 'resource_labels'],
      google_service_account: [false, undefined],
      google_monitoring_notification_channel: [false, undefined],
    });
  });

  it("gives each resource its own provider's resolved default_labels", () => {
    const stack = googleStack({ team: 'platform' });
    const eu = new GoogleProvider(stack, 'eu', { alias: 'eu', project: PROJECT, defaultLabels: { team: 'data', region: 'eu' } });
    new GoogleProvider(stack, 'plain', { alias: 'plain', project: PROJECT });
    compliant.topic(stack, 'default-topic');
    compliant.topic(stack, 'eu-topic', { provider: eu });
    compliant.topic(stack, 'plain-topic', { provider: stack.node.findChild('plain') as GoogleProvider });
    const labels = Object.fromEntries(collectResources(stack).map((r) => [r.name, r.providerDefaultLabels]));
    expect(labels).toEqual({ 'default-topic': { team: 'platform' }, 'eu-topic': { team: 'data', region: 'eu' }, 'plain-topic': {} });
  });

  it('gives {} when the stack has no google provider', () => {
    const stack = new TerraformStack(Testing.app(), 'bare');
    compliant.topic(stack, 'topic');
    expect(collectResources(stack)).toEqual([expect.objectContaining({ providerDefaultLabels: {} })]);
  });

  it('collects only the given stack', () => {
    const app = Testing.app();
    const one = new TerraformStack(app, 'one');
    const two = new TerraformStack(app, 'two');
    compliant.topic(one, 'a');
    compliant.topic(two, 'b');
    expect(collectResources(one).map((r) => r.path)).toEqual(['one/a']);
  });
});

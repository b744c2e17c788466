import { findWorkspaceRoot, loadEnvironment, loadStackSettings } from '@platform/config';
import { synthesizeInEveryEnvironment, synthesizeStack } from '@platform/core';
import { parseEach } from '@platform/testing';
import { describe, expect, it } from 'vitest';
import observabilityStack from './index';
import { observabilitySettings } from './settings';

const workspaceRoot = findWorkspaceRoot(import.meta.dirname);
const synthesized = parseEach(synthesizeInEveryEnvironment(observabilityStack, workspaceRoot));
const environments = [...synthesized];
const stackIn = (name: string) => synthesized.get(name)!;
const LOGGING_KEY = '${data.terraform_remote_state.upstream-security.outputs.kms_key_ids.logging}';

describe('observability stack', () => {
  it('synthesizes in every environment with the guardrails holding', () => {
    expect(environments.map(([name]) => name)).toEqual(['dev', 'drill', 'prod', 'staging']);
  });

  describe.each(environments)('in %s', (_env, stack) => {
    it("keeps audit logs in a log bucket in the environment's region, encrypted with the security stack's logging key", () => {
      expect(stack.single('google_logging_project_bucket_config')).toMatchObject({
        location: loadEnvironment(workspaceRoot, _env).region,
        cmek_settings: { kms_key_name: LOGGING_KEY },
      });
    });

    it('routes every Cloud Audit Log to that bucket through a sink with its own writer identity', () => {
      expect(stack.single('google_logging_project_sink')).toMatchObject({
        filter: 'logName:"cloudaudit.googleapis.com"',
        unique_writer_identity: true,
        destination: expect.stringMatching(/^logging\.googleapis\.com\/\$\{google_logging_project_bucket_config\.audit-logs_default_\w+\.id\}$/),
      });
    });

    it('alerts on Cloud SQL CPU and disk, GKE nodes and Cloud Run 5xx, to the email channel', () => {
      expect(stack.single('google_monitoring_notification_channel')).toMatchObject({ type: 'email' });
      const policies = Object.values(stack.resourcesOf('google_monitoring_alert_policy'));
      expect(policies).toHaveLength(3);
      const metrics = JSON.stringify(policies.map((p) => p.conditions));
      for (const metric of [
        'cloudsql.googleapis.com/database/cpu/utilization',
        'cloudsql.googleapis.com/database/disk/utilization',
        'kubernetes.io/node/status_condition',
        'run.googleapis.com/request_count',
      ]) {
        expect(metrics).toContain(metric);
      }
      for (const policy of policies) {
        expect(policy.notification_channels).toEqual([expect.stringMatching(/^\$\{google_monitoring_notification_channel\.channel-ops_default_\w+\.name\}$/)]);
      }
    });

    it("sets a monthly budget on the environment's project that notifies the channel", () => {
      expect(stack.single('google_billing_budget')).toMatchObject({
        billing_account: '01A2B3-C4D5E6-F7G8H9',
        budget_filter: { projects: [expect.stringMatching(/^projects\/\d+$/)], calendar_period: 'MONTH' },
        all_updates_rule: { monitoring_notification_channels: [expect.stringContaining('google_monitoring_notification_channel')] },
      });
    });

    it('publishes the outputs of its contract', () => {
      expect(Object.keys(stack.output).sort()).toEqual([
        'alert_policy_ids',
        'audit_sink_writer_identity',
        'budget_id',
        'log_bucket_id',
        'notification_channel_ids',
      ]);
    });
  });

  it('locks the audit log retention in staging and prod only, keeping it longest in prod', () => {
    const bucket = (env: string) => stackIn(env).single('google_logging_project_bucket_config');
    expect(bucket('prod')).toMatchObject({ locked: true, retention_days: 400 });
    expect(bucket('staging')).toMatchObject({ locked: true, retention_days: 365 });
    expect(bucket('dev')).toMatchObject({ locked: false });
    expect(bucket('drill')).toMatchObject({ locked: false, retention_days: 1 });
  });

  it('alerts prod critically on tighter thresholds than dev', () => {
    const cpu = (env: string) => {
      const policy = Object.values(stackIn(env).resourcesOf('google_monitoring_alert_policy')).find((p) =>
        String(p.display_name).startsWith('Cloud SQL'),
      )!;
      return { severity: policy.severity, threshold: (policy.conditions as { condition_threshold: { threshold_value: number } }[])[0]!.condition_threshold.threshold_value };
    };
    expect(cpu('prod')).toEqual({ severity: 'CRITICAL', threshold: 0.8 });
    expect(cpu('dev')).toEqual({ severity: 'WARNING', threshold: 0.9 });
  });

  it('budgets more for prod than for dev, with a forecast warning before the amount is reached', () => {
    const amount = (env: string) => (stackIn(env).single('google_billing_budget').amount as { specified_amount: { units: string } }).specified_amount.units;
    expect(Number(amount('prod'))).toBeGreaterThan(Number(amount('dev')));
    expect(stackIn('prod').single('google_billing_budget').threshold_rules).toContainEqual({ threshold_percent: 0.9, spend_basis: 'FORECASTED_SPEND' });
  });
});

describe('observability stack in a drill', () => {
  it('names its log bucket after the drill run, since a deleted bucket id stays reserved for 7 days', () => {
    expect(stackIn('drill').single('google_logging_project_bucket_config').bucket_id).toBe('drill-audit-logs-${var.drill_run_suffix}');
    expect(stackIn('prod').single('google_logging_project_bucket_config').bucket_id).toBe('prod-audit-logs');
  });

  it('refuses a locked audit log bucket, which the drill could not tear down', () => {
    const environment = loadEnvironment(workspaceRoot, 'drill');
    const settings = {
      ...loadStackSettings(workspaceRoot, 'drill', 'observability', observabilitySettings),
      auditLogs: { retentionDays: 1, locked: true },
    };
    expect(() => synthesizeStack(observabilityStack, environment, settings)).toThrow(
      /environments\/drill\/observability\.yaml: key 'auditLogs\.locked' must be false in a drill environment/,
    );
  });
});

describe('observability settings', () => {
  type Settings = ReturnType<typeof observabilitySettings.parse>;
  it.each<[string, (settings: Settings) => void, RegExp]>([
    ['a malformed billing account', (s) => void (s.budget.billingAccount = '0123-4567'), /must be a billing account id such as 01A2B3-C4D5E6-F7G8H9/],
    ['a utilization given in percent', (s) => void (s.alerts.cloudSql.cpuUtilization = 80), /alerts.*cloudSql.*cpuUtilization|cpuUtilization/s],
    ['a retention of zero days', (s) => void (s.auditLogs.retentionDays = 0), /retentionDays/],
    ['a duration in minutes', (s) => void (s.alerts.gke.duration = '10m'), /must be a duration in seconds/],
    ['an address without a domain', (s) => void (s.alerts.email = 'ops'), /must be an email address/],
  ])('refuses %s', (_case, edit, error) => {
    const settings = structuredClone(loadStackSettings(workspaceRoot, 'dev', 'observability', observabilitySettings));
    edit(settings);
    expect(() => observabilitySettings.parse(settings)).toThrow(error);
  });
});

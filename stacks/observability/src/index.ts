import { observabilityContract, securityContract } from '@platform/contracts';
import { defineStack } from '@platform/core';
import { AlertConditions, AlertPolicy, AUDIT_LOGS_FILTER, Budget, LogBucket, LogSink, NotificationChannel } from '@platform/observability';
import { observabilitySettings } from './settings';

/** Where a responder starts; the same runbook page for every alert of the stack. */
const RUNBOOK = 'docs/runbooks';

/**
 * Audit logs kept in a CMEK-encrypted log bucket, alerting on the platform's services, and the
 * environment's billing budget.
 */
export default defineStack({
  name: 'observability',
  description: 'Audit log bucket and sink, alerting and the billing budget.',
  settings: observabilitySettings,
  build(stack, settings) {
    const env = stack.environment;
    const file = `environments/${env.name}/observability.yaml`;
    // A drill tears its estate down; a locked bucket can only be deleted once its retention has passed.
    if (env.kind === 'drill' && settings.auditLogs.locked) {
      throw new Error(`${file}: key 'auditLogs.locked' must be false in a drill environment: a locked log bucket cannot be torn down`);
    }
    const security = stack.upstream(securityContract, ['kmsKeyIds']);

    // The security stack grants the logging key to the Cloud Logging service agent; key and bucket share the region.
    const auditBucket = new LogBucket(stack, 'audit-logs', {
      // A deleted log bucket's id stays reserved for 7 days: a drill's bucket is its run's own.
      bucketId: stack.uniqueName(`${env.name}-audit-logs`, 100),
      project: env.project,
      location: env.region,
      kmsKeyName: security.kmsKeyIds.get('logging'),
      retentionDays: settings.auditLogs.retentionDays,
      locked: settings.auditLogs.locked,
      description: `Cloud Audit Logs of ${env.project}, kept ${settings.auditLogs.retentionDays} day${settings.auditLogs.retentionDays === 1 ? '' : 's'}`,
    });
    const auditSink = new LogSink(stack, 'audit-sink', {
      name: 'audit-logs',
      project: env.project,
      destination: auditBucket,
      filter: AUDIT_LOGS_FILTER,
      description: 'Routes every Cloud Audit Log of the project to the audit log bucket.',
    });

    const { alerts } = settings;
    const ops = new NotificationChannel(stack, 'channel-ops', {
      email: alerts.email,
      displayName: `Platform operations (${env.name})`,
      project: env.project,
    });
    const notify = { notificationChannels: [ops], severity: alerts.severity, project: env.project } as const;
    const policies = {
      'cloud-sql': new AlertPolicy(stack, 'alert-cloud-sql', {
        ...notify,
        displayName: `Cloud SQL saturation (${env.name})`,
        documentation: `A Cloud SQL instance in ${env.project} is running out of CPU or disk. Find the expensive queries (Query Insights) or raise the tier or disk size in environments/${env.name}/database.yaml. Runbook: ${RUNBOOK}/cloud-sql.md`,
        conditions: {
          cpu: AlertConditions.cloudSqlCpuUtilization({ above: alerts.cloudSql.cpuUtilization, duration: alerts.cloudSql.duration }),
          disk: AlertConditions.cloudSqlDiskUtilization({ above: alerts.cloudSql.diskUtilization, duration: alerts.cloudSql.duration }),
        },
      }),
      'gke-nodes': new AlertPolicy(stack, 'alert-gke-nodes', {
        ...notify,
        displayName: `GKE nodes not ready (${env.name})`,
        documentation: `Nodes of a GKE cluster in ${env.project} report Ready=False or Unknown. Check node pool events and auto-repair (gcloud container operations list). Runbook: ${RUNBOOK}/gke.md`,
        conditions: { 'not-ready': AlertConditions.gkeNodesNotReady({ maxNotReadyNodes: alerts.gke.maxNotReadyNodes, duration: alerts.gke.duration }) },
      }),
      'cloud-run': new AlertPolicy(stack, 'alert-cloud-run', {
        ...notify,
        displayName: `Cloud Run server errors (${env.name})`,
        documentation: `A Cloud Run service in ${env.project} answers too many requests with 5xx. Check the latest revision's logs and roll back traffic if it is new. Runbook: ${RUNBOOK}/cloud-run.md`,
        conditions: {
          '5xx-ratio': AlertConditions.cloudRunServerErrorRatio({ above: alerts.cloudRun.serverErrorRatio, duration: alerts.cloudRun.duration }),
        },
      }),
    };

    const budget = new Budget(stack, 'budget', {
      billingAccount: settings.budget.billingAccount,
      displayName: `${env.project} monthly`,
      projectNumber: env.projectNumber,
      amount: settings.budget.amount,
      currencyCode: settings.budget.currency,
      currentSpendThresholds: settings.budget.currentSpendThresholds,
      forecastedSpendThresholds: settings.budget.forecastedSpendThresholds,
      // The billing account's administrators keep their emails too: a budget always reaches finance.
      notificationChannels: [ops],
    });

    stack.publish(observabilityContract, {
      logBucketId: auditBucket.id,
      auditSinkWriterIdentity: auditSink.writerIdentity,
      notificationChannelIds: { ops: ops.id },
      alertPolicyIds: Object.fromEntries(Object.entries(policies).map(([name, policy]) => [name, policy.id])),
      budgetId: budget.id,
    });
  },
});

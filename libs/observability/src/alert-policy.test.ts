import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { describe, expect, it } from 'vitest';
import { only, synth } from './__fixtures__/synth';
import { AlertPolicy, type AlertPolicyProps, type ThresholdCondition } from './alert-policy';
import { NotificationChannel } from './notification-channel';

const POLICY = MonitoringAlertPolicy.tfResourceType;
const CHANNEL_ID = 'projects/my-project/notificationChannels/123';
const cpu: ThresholdCondition = {
  displayName: 'CPU above 80%',
  filter: 'metric.type="cloudsql.googleapis.com/database/cpu/utilization" AND resource.type="cloudsql_database"',
  aggregation: { perSeriesAligner: 'ALIGN_MEAN' },
  comparison: 'COMPARISON_GT',
  threshold: 0.8,
  duration: '300s',
};
const base: AlertPolicyProps = {
  displayName: 'Cloud SQL CPU',
  conditions: { cpu },
  notificationChannels: [CHANNEL_ID],
  documentation: 'Scale the instance up or find the expensive queries.',
};

describe('AlertPolicy', () => {
  describe('given one threshold condition and a channel id', () => {
    const out = synth((scope) => new AlertPolicy(scope, 'sql-cpu', base));

    it('creates one enabled policy of WARNING severity that notifies the channel', () => {
      expect(out.count()).toBe(1);
      expect(only(out, POLICY)).toMatchObject({
        display_name: 'Cloud SQL CPU',
        combiner: 'OR',
        enabled: true,
        severity: 'WARNING',
        notification_channels: [CHANNEL_ID],
        alert_strategy: { auto_close: '604800s' },
        documentation: { content: 'Scale the instance up or find the expensive queries.', mime_type: 'text/markdown' },
      });
    });

    it('sends the condition as a threshold with a 5-minute alignment', () => {
      expect(only(out, POLICY).conditions).toEqual([
        {
          display_name: 'CPU above 80%',
          condition_threshold: {
            filter: cpu.filter,
            comparison: 'COMPARISON_GT',
            threshold_value: 0.8,
            duration: '300s',
            aggregations: [{ per_series_aligner: 'ALIGN_MEAN', alignment_period: '300s' }],
          },
        },
      ]);
    });
  });

  it('given a NotificationChannel, several conditions and a severity, when synthesized, then the channel is referenced and conditions come in key order', () => {
    const out = synth((scope) => {
      const channel = new NotificationChannel(scope, 'ops', { email: 'ops@example.com' });
      new AlertPolicy(scope, 'sql', {
        ...base,
        conditions: { 'b-cpu': cpu, 'a-disk': { ...cpu, displayName: 'Disk above 90%', threshold: 0.9 } },
        notificationChannels: [channel],
        severity: 'CRITICAL',
        userLabels: { team: 'data' },
      });
    });
    const policy = only(out, POLICY);
    expect(policy).toMatchObject({ severity: 'CRITICAL', user_labels: { team: 'data' } });
    expect(policy.notification_channels).toEqual([expect.stringMatching(/^\$\{google_monitoring_notification_channel\.ops_default_\w+\.name\}$/)]);
    expect((policy.conditions as { display_name: string }[]).map((c) => c.display_name)).toEqual(['Disk above 90%', 'CPU above 80%']);
  });

  it('given a ratio condition, when synthesized, then the denominator filter and aggregation are sent', () => {
    const byService = { perSeriesAligner: 'ALIGN_RATE', crossSeriesReducer: 'REDUCE_SUM', groupByFields: ['resource.label.service_name'] } as const;
    const out = synth(
      (scope) =>
        new AlertPolicy(scope, 'errors', {
          ...base,
          conditions: {
            ratio: {
              ...cpu,
              filter: 'metric.type="run.googleapis.com/request_count" AND metric.label.response_code_class="5xx"',
              aggregation: byService,
              denominator: { filter: 'metric.type="run.googleapis.com/request_count"', aggregation: byService },
            },
          },
        }),
    );
    expect(only(out, POLICY).conditions).toMatchObject([
      {
        condition_threshold: {
          denominator_filter: 'metric.type="run.googleapis.com/request_count"',
          denominator_aggregations: [
            { per_series_aligner: 'ALIGN_RATE', cross_series_reducer: 'REDUCE_SUM', group_by_fields: ['resource.label.service_name'], alignment_period: '300s' },
          ],
        },
      },
    ]);
  });

  it.each<[string, Partial<AlertPolicyProps>, RegExp]>([
    ['no conditions', { conditions: {} }, /conditions is empty/],
    ['seven conditions', { conditions: Object.fromEntries([...'abcdefg'].map((k) => [k, cpu])) }, /conditions has 7 entries: a policy may have at most 6/],
    ['no channels', { notificationChannels: [] }, /notificationChannels is empty: an alert nobody receives is noise/],
    ['a channel given by email', { notificationChannels: ['ops@example.com'] }, /notificationChannels entry 'ops@example.com' is not a channel id/],
    ['no documentation', { documentation: '' }, /documentation '' must not be empty/],
    ['an unknown severity', { severity: 'PAGE' as never }, /severity 'PAGE' is not supported; use 'CRITICAL', 'ERROR', 'WARNING'/],
    ['a duration in minutes', { conditions: { cpu: { ...cpu, duration: '5m' } } }, /condition 'cpu' duration '5m' is not a duration in seconds/],
    ['a duration not in whole minutes', { conditions: { cpu: { ...cpu, duration: '90s' } } }, /condition 'cpu' duration '90s' is out of range: .* a multiple of 60s/],
    ['a comparison the API does not support', { conditions: { cpu: { ...cpu, comparison: 'COMPARISON_GE' as never } } }, /comparison 'COMPARISON_GE' is not supported/],
    ['a filter without a metric', { conditions: { cpu: { ...cpu, filter: 'resource.type="cloudsql_database"' } } }, /filter '.*' names no metric/],
    ['an alignment under a minute', { conditions: { cpu: { ...cpu, aggregation: { perSeriesAligner: 'ALIGN_MEAN', alignmentPeriod: '30s' } } } }, /alignmentPeriod '30s' is out of range/],
    [
      'a reducer without an aligner',
      { conditions: { cpu: { ...cpu, aggregation: { perSeriesAligner: 'ALIGN_NONE', crossSeriesReducer: 'REDUCE_SUM' } } } },
      /crossSeriesReducer REDUCE_SUM needs a perSeriesAligner other than ALIGN_NONE/,
    ],
    [
      'a ratio with different periods',
      {
        conditions: {
          cpu: { ...cpu, denominator: { filter: 'metric.type="x"', aggregation: { perSeriesAligner: 'ALIGN_MEAN', alignmentPeriod: '60s' } } },
        },
      },
      /aggregation alignmentPeriod '300s' differs from the denominator's '60s'/,
    ],
    ['an auto-close beyond 7 days', { autoClose: '700000s' }, /autoClose '700000s' is out of range/],
  ])('given %s, when constructed, then it is refused', (_case, override, error) => {
    expect(() => synth((scope) => new AlertPolicy(scope, 'policy', { ...base, ...override }))).toThrow(error);
  });
});

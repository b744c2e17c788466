import { describe, expect, it } from 'vitest';
import { only, synth } from './__fixtures__/synth';
import { AlertConditions } from './alert-conditions';
import { AlertPolicy } from './alert-policy';

describe('AlertConditions', () => {
  it('given a CPU threshold, then it watches the mean Cloud SQL CPU utilization per instance', () => {
    expect(AlertConditions.cloudSqlCpuUtilization({ above: 0.8, duration: '600s' })).toEqual({
      displayName: 'Cloud SQL CPU utilization above 80%',
      filter: 'metric.type="cloudsql.googleapis.com/database/cpu/utilization" AND resource.type="cloudsql_database"',
      aggregation: { perSeriesAligner: 'ALIGN_MEAN', alignmentPeriod: '300s' },
      comparison: 'COMPARISON_GT',
      threshold: 0.8,
      duration: '600s',
    });
  });

  it('given a disk threshold, then it watches the highest Cloud SQL disk utilization per instance', () => {
    expect(AlertConditions.cloudSqlDiskUtilization({ above: 0.85, duration: '300s' })).toMatchObject({
      displayName: 'Cloud SQL disk utilization above 85%',
      filter: expect.stringContaining('cloudsql.googleapis.com/database/disk/utilization'),
      aggregation: { perSeriesAligner: 'ALIGN_MAX' },
      threshold: 0.85,
    });
  });

  it('given a tolerated number of not-ready nodes, then it counts not-ready nodes per cluster', () => {
    expect(AlertConditions.gkeNodesNotReady({ maxNotReadyNodes: 0, duration: '600s' })).toMatchObject({
      filter: expect.stringMatching(/metric\.type="kubernetes\.io\/node\/status_condition".*metric\.label\.condition="Ready"/),
      aggregation: { crossSeriesReducer: 'REDUCE_COUNT_TRUE', groupByFields: ['resource.label.cluster_name'] },
      comparison: 'COMPARISON_GT',
      threshold: 0,
    });
  });

  it('given an error ratio, then it divides Cloud Run 5xx responses by all requests, per service', () => {
    const condition = AlertConditions.cloudRunServerErrorRatio({ above: 0.05, duration: '300s' });
    expect(condition).toMatchObject({
      displayName: 'Cloud Run 5xx responses above 5% of requests',
      filter: expect.stringContaining('metric.label.response_code_class="5xx"'),
      denominator: { filter: 'metric.type="run.googleapis.com/request_count" AND resource.type="cloud_run_revision"' },
      threshold: 0.05,
    });
    expect(condition.denominator!.aggregation).toEqual(condition.aggregation);
  });

  it('builds conditions an AlertPolicy accepts', () => {
    const out = synth(
      (scope) =>
        new AlertPolicy(scope, 'platform', {
          displayName: 'Platform health',
          notificationChannels: ['projects/p/notificationChannels/1'],
          documentation: 'See the runbook.',
          conditions: {
            'sql-cpu': AlertConditions.cloudSqlCpuUtilization({ above: 0.8, duration: '600s' }),
            'sql-disk': AlertConditions.cloudSqlDiskUtilization({ above: 0.9, duration: '300s' }),
            'gke-nodes': AlertConditions.gkeNodesNotReady({ maxNotReadyNodes: 1, duration: '600s' }),
            'run-5xx': AlertConditions.cloudRunServerErrorRatio({ above: 0.05, duration: '300s' }),
          },
        }),
    );
    expect((only(out, 'google_monitoring_alert_policy').conditions as unknown[]).length).toBe(4);
  });

  it.each([
    [() => AlertConditions.cloudSqlCpuUtilization({ above: 80, duration: '300s' }), /cloudSqlCpuUtilization: above 80 is not a fraction/],
    [() => AlertConditions.cloudSqlDiskUtilization({ above: 0, duration: '300s' }), /cloudSqlDiskUtilization: above 0 is not a fraction/],
    [() => AlertConditions.cloudRunServerErrorRatio({ above: -0.1, duration: '300s' }), /cloudRunServerErrorRatio: above -0.1 is not a fraction/],
    [() => AlertConditions.gkeNodesNotReady({ maxNotReadyNodes: 1.5, duration: '300s' }), /maxNotReadyNodes 1.5 must be a whole number/],
  ])('given an out-of-range threshold (%#), then it is refused', (build, error) => {
    expect(build).toThrow(error);
  });
});

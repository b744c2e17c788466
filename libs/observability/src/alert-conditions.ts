import type { ThresholdCondition } from './alert-policy';

/** What every ready-made condition takes: how far, and for how long. */
export interface ConditionOptions {
  /** How long the threshold must be crossed before the condition fires: whole minutes, e.g. `'300s'`. */
  readonly duration: string;
}

/** A utilization threshold. */
export interface UtilizationOptions extends ConditionOptions {
  /** Fraction above which the condition fires, greater than 0 and at most 1 (0.8 = 80%). */
  readonly above: number;
}

/** A count of unhealthy nodes. */
export interface NodeOptions extends ConditionOptions {
  /** Not-ready nodes per cluster tolerated; one more fires the condition. */
  readonly maxNotReadyNodes: number;
}

/** A share of failed requests. */
export interface ErrorRatioOptions extends ConditionOptions {
  /** Fraction of requests answered 5xx above which the condition fires (0.05 = 5%). */
  readonly above: number;
}

/** A fraction as a percentage for display names (`0.07` -> `7%`), after checking it is in (0, 1]. */
function percent(what: string, value: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1) {
    throw new Error(`${what}: above ${String(value)} is not a fraction: use a number greater than 0 and at most 1 (0.8 = 80%)`);
  }
  return `${Number((value * 100).toFixed(2))}%`;
}

/**
 * Ready-made threshold conditions for the services of the platform, for {@link AlertPolicy}
 * `conditions`. Each states its metric, resource type and aggregation; the caller picks the
 * threshold and duration (per environment tier).
 */
export const AlertConditions = {
  /** Mean CPU utilization of each Cloud SQL instance over 5 minutes. */
  cloudSqlCpuUtilization(options: UtilizationOptions): ThresholdCondition {
    return {
      displayName: `Cloud SQL CPU utilization above ${percent('cloudSqlCpuUtilization', options.above)}`,
      filter: 'metric.type="cloudsql.googleapis.com/database/cpu/utilization" AND resource.type="cloudsql_database"',
      aggregation: { perSeriesAligner: 'ALIGN_MEAN', alignmentPeriod: '300s' },
      comparison: 'COMPARISON_GT',
      threshold: options.above,
      duration: options.duration,
    };
  },

  /** Disk utilization of each Cloud SQL instance (the highest over 5 minutes). */
  cloudSqlDiskUtilization(options: UtilizationOptions): ThresholdCondition {
    return {
      displayName: `Cloud SQL disk utilization above ${percent('cloudSqlDiskUtilization', options.above)}`,
      filter: 'metric.type="cloudsql.googleapis.com/database/disk/utilization" AND resource.type="cloudsql_database"',
      aggregation: { perSeriesAligner: 'ALIGN_MAX', alignmentPeriod: '300s' },
      comparison: 'COMPARISON_GT',
      threshold: options.above,
      duration: options.duration,
    };
  },

  /**
   * GKE nodes whose Ready condition is False or Unknown, counted per cluster (the GKE system
   * metric `kubernetes.io/node/status_condition`, GKE 1.32.1-gke.1357001 and later).
   */
  gkeNodesNotReady(options: NodeOptions): ThresholdCondition {
    if (!Number.isInteger(options.maxNotReadyNodes) || options.maxNotReadyNodes < 0) {
      throw new Error(`gkeNodesNotReady: maxNotReadyNodes ${String(options.maxNotReadyNodes)} must be a whole number of nodes, 0 or more`);
    }
    return {
      displayName: `GKE nodes not ready: more than ${options.maxNotReadyNodes} in a cluster`,
      filter:
        'metric.type="kubernetes.io/node/status_condition" AND resource.type="k8s_node" AND metric.label.condition="Ready" AND metric.label.status=one_of("False", "Unknown")',
      aggregation: {
        perSeriesAligner: 'ALIGN_NEXT_OLDER',
        alignmentPeriod: '60s',
        crossSeriesReducer: 'REDUCE_COUNT_TRUE',
        groupByFields: ['resource.label.cluster_name'],
      },
      comparison: 'COMPARISON_GT',
      threshold: options.maxNotReadyNodes,
      duration: options.duration,
    };
  },

  /** Share of Cloud Run requests answered 5xx, per service, over 5 minutes. */
  cloudRunServerErrorRatio(options: ErrorRatioOptions): ThresholdCondition {
    const byService = {
      perSeriesAligner: 'ALIGN_RATE',
      alignmentPeriod: '300s',
      crossSeriesReducer: 'REDUCE_SUM',
      groupByFields: ['resource.label.service_name'],
    } as const;
    return {
      displayName: `Cloud Run 5xx responses above ${percent('cloudRunServerErrorRatio', options.above)} of requests`,
      filter:
        'metric.type="run.googleapis.com/request_count" AND resource.type="cloud_run_revision" AND metric.label.response_code_class="5xx"',
      aggregation: byService,
      denominator: { filter: 'metric.type="run.googleapis.com/request_count" AND resource.type="cloud_run_revision"', aggregation: byService },
      comparison: 'COMPARISON_GT',
      threshold: options.above,
      duration: options.duration,
    };
  },
} as const;

import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { Construct } from 'constructs';
import { NotificationChannel } from './notification-channel';
import { isKnown, Problems } from './validation';

export type Aligner =
  | 'ALIGN_NONE'
  | 'ALIGN_DELTA'
  | 'ALIGN_RATE'
  | 'ALIGN_INTERPOLATE'
  | 'ALIGN_NEXT_OLDER'
  | 'ALIGN_MIN'
  | 'ALIGN_MAX'
  | 'ALIGN_MEAN'
  | 'ALIGN_COUNT'
  | 'ALIGN_SUM'
  | 'ALIGN_STDDEV'
  | 'ALIGN_COUNT_TRUE'
  | 'ALIGN_COUNT_FALSE'
  | 'ALIGN_FRACTION_TRUE'
  | 'ALIGN_PERCENTILE_99'
  | 'ALIGN_PERCENTILE_95'
  | 'ALIGN_PERCENTILE_50'
  | 'ALIGN_PERCENTILE_05'
  | 'ALIGN_PERCENT_CHANGE';

export type Reducer =
  | 'REDUCE_NONE'
  | 'REDUCE_MEAN'
  | 'REDUCE_MIN'
  | 'REDUCE_MAX'
  | 'REDUCE_SUM'
  | 'REDUCE_STDDEV'
  | 'REDUCE_COUNT'
  | 'REDUCE_COUNT_TRUE'
  | 'REDUCE_COUNT_FALSE'
  | 'REDUCE_FRACTION_TRUE'
  | 'REDUCE_PERCENTILE_99'
  | 'REDUCE_PERCENTILE_95'
  | 'REDUCE_PERCENTILE_50'
  | 'REDUCE_PERCENTILE_05';

/** Cloud Monitoring compares a time series with a threshold by greater-than or less-than only. */
export type Comparison = 'COMPARISON_GT' | 'COMPARISON_LT';

export type AlertSeverity = 'CRITICAL' | 'ERROR' | 'WARNING';

const SEVERITIES: readonly AlertSeverity[] = ['CRITICAL', 'ERROR', 'WARNING'];
const COMPARISONS: readonly Comparison[] = ['COMPARISON_GT', 'COMPARISON_LT'];
/** Six: the most conditions a policy may have. */
export const MAX_ALERT_CONDITIONS = 6;
/** One day: the longest duration a condition may last before it fires (this construct's limit). */
const MAX_CONDITION_SECONDS = 86_400;

/** How the points of each time series are aligned, then how the series are combined. */
export interface MetricAggregation {
  /** How each series is aligned to `alignmentPeriod` (`ALIGN_MEAN` for gauges, `ALIGN_RATE` for counters). */
  readonly perSeriesAligner: Aligner;
  /**
   * Alignment period: at least `60s`, in whole minutes.
   * @default '300s'
   */
  readonly alignmentPeriod?: string;
  /**
   * How the aligned series are combined.
   * @default - not combined: each series is compared on its own
   */
  readonly crossSeriesReducer?: Reducer;
  /**
   * Labels kept when series are combined, e.g. `['resource.label.service_name']`.
   * @default [] - everything is combined into one series
   */
  readonly groupByFields?: readonly string[];
}

/** A condition that fires when a metric crosses a threshold for a while. */
export interface ThresholdCondition {
  /** Name of the condition in notifications and incidents. */
  readonly displayName: string;
  /** Monitoring filter naming the metric type and usually the resource type (at most 2048 characters). */
  readonly filter: string;
  /**
   * Alignment and reduction of the series that `filter` selects.
   * @default - the raw series
   */
  readonly aggregation?: MetricAggregation;
  /**
   * A second filter whose series divides the first: the condition compares the ratio. Both
   * aggregations must use the same alignment period.
   * @default - no ratio
   */
  readonly denominator?: { readonly filter: string; readonly aggregation: MetricAggregation };
  /** Fires when the series is above (`COMPARISON_GT`) or below (`COMPARISON_LT`) `threshold`. */
  readonly comparison: Comparison;
  /** The threshold, in the metric's unit (utilizations are fractions: 0.8 = 80%). */
  readonly threshold: number;
  /** How long the threshold must be crossed before the condition fires: whole minutes, e.g. `'300s'` (`'0s'` fires at once). */
  readonly duration: string;
  /**
   * What happens when data stops arriving.
   * @default - Cloud Monitoring's default (missing data neither opens nor closes an incident)
   */
  readonly evaluationMissingData?: 'EVALUATION_MISSING_DATA_INACTIVE' | 'EVALUATION_MISSING_DATA_ACTIVE' | 'EVALUATION_MISSING_DATA_NO_OP';
}

/** Props of an {@link AlertPolicy}. */
export interface AlertPolicyProps {
  /** Name of the policy in dashboards, notifications and incidents (at most 512 characters). */
  readonly displayName: string;
  /** One to six conditions, by stable key (conditions are sent in key order). */
  readonly conditions: Readonly<Record<string, ThresholdCondition>>;
  /**
   * Channels notified when an incident opens or closes: {@link NotificationChannel}s or channel ids
   * (`projects/<p>/notificationChannels/<id>`). At least one: an alert nobody receives is noise.
   */
  readonly notificationChannels: readonly (NotificationChannel | string)[];
  /**
   * What a responder should know and do (Markdown, at most 8192 characters): the runbook.
   */
  readonly documentation: string;
  /**
   * Severity shown on incidents and notifications.
   * @default 'WARNING'
   */
  readonly severity?: AlertSeverity;
  /**
   * How the conditions combine when there are several.
   * @default 'OR'
   */
  readonly combiner?: 'OR' | 'AND' | 'AND_WITH_MATCHING_RESOURCE';
  /**
   * Closes an open incident after this long without data (from 30 minutes to 7 days).
   * @default '604800s' (7 days)
   */
  readonly autoClose?: string;
  /**
   * Whether the policy is evaluated.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Labels on the policy (GCP label rules).
   * @default - none
   */
  readonly userLabels?: Readonly<Record<string, string>>;
  /**
   * Project that owns the policy.
   * @default - the provider's project
   */
  readonly project?: string;
}

/**
 * A Cloud Monitoring alert policy of metric threshold conditions, with a runbook and at least one
 * notification channel. Ready-made conditions are in {@link AlertConditions}.
 */
export class AlertPolicy extends Construct {
  /** The `google_monitoring_alert_policy` (construct id `default`). */
  readonly policy: MonitoringAlertPolicy;

  constructor(scope: Construct, id: string, props: AlertPolicyProps) {
    super(scope, id);
    validateAlertPolicyProps(props).throwIfAny(this);

    const conditions = Object.entries(props.conditions).sort(([a], [b]) => a.localeCompare(b));
    this.policy = new MonitoringAlertPolicy(this, 'default', {
      displayName: props.displayName,
      combiner: props.combiner ?? 'OR',
      enabled: props.enabled ?? true,
      severity: props.severity ?? 'WARNING',
      notificationChannels: props.notificationChannels.map((channel) => (channel instanceof NotificationChannel ? channel.id : channel)),
      documentation: { content: props.documentation, mimeType: 'text/markdown' },
      alertStrategy: { autoClose: props.autoClose ?? '604800s' },
      userLabels: props.userLabels === undefined ? undefined : { ...props.userLabels },
      project: props.project,
      conditions: conditions.map(([, condition]) => ({
        displayName: condition.displayName,
        conditionThreshold: {
          filter: condition.filter,
          comparison: condition.comparison,
          thresholdValue: condition.threshold,
          duration: condition.duration,
          evaluationMissingData: condition.evaluationMissingData,
          aggregations: condition.aggregation ? [aggregationOf(condition.aggregation)] : undefined,
          denominatorFilter: condition.denominator?.filter,
          denominatorAggregations: condition.denominator ? [aggregationOf(condition.denominator.aggregation)] : undefined,
        },
      })),
    });
  }

  /** The policy's id, `projects/<p>/alertPolicies/<id>`. */
  get id(): string {
    return this.policy.name;
  }
}

function aggregationOf(aggregation: MetricAggregation) {
  return {
    perSeriesAligner: aggregation.perSeriesAligner,
    alignmentPeriod: aggregation.alignmentPeriod ?? '300s',
    crossSeriesReducer: aggregation.crossSeriesReducer,
    groupByFields: aggregation.groupByFields === undefined ? undefined : [...aggregation.groupByFields],
  };
}

function validateAggregation(problems: Problems, what: string, aggregation: MetricAggregation | undefined): void {
  if (aggregation === undefined) return;
  problems.required(`${what} perSeriesAligner`, aggregation.perSeriesAligner);
  problems.duration(`${what} alignmentPeriod`, aggregation.alignmentPeriod ?? '300s', { min: 60, max: MAX_CONDITION_SECONDS, step: 60 });
  const reduces = aggregation.crossSeriesReducer !== undefined && aggregation.crossSeriesReducer !== 'REDUCE_NONE';
  if (reduces && aggregation.perSeriesAligner === 'ALIGN_NONE') {
    problems.add(`${what} crossSeriesReducer ${aggregation.crossSeriesReducer} needs a perSeriesAligner other than ALIGN_NONE`);
  }
  if (!reduces && (aggregation.groupByFields?.length ?? 0) > 0) {
    problems.add(`${what} groupByFields has no effect without a crossSeriesReducer`);
  }
}

function validateAlertPolicyProps(props: AlertPolicyProps): Problems {
  const problems = new Problems();
  problems.text('displayName', props.displayName, 512);
  problems.text('documentation', props.documentation, 8192);
  problems.oneOf('severity', props.severity, SEVERITIES);

  const conditions = Object.entries(props.conditions ?? {});
  if (conditions.length === 0) problems.add('conditions is empty: a policy needs at least one condition');
  if (conditions.length > MAX_ALERT_CONDITIONS) {
    problems.add(`conditions has ${conditions.length} entries: a policy may have at most ${MAX_ALERT_CONDITIONS}`);
  }
  for (const [key, condition] of conditions) {
    const what = `condition '${key}'`;
    problems.text(`${what} displayName`, condition.displayName, 512);
    problems.text(`${what} filter`, condition.filter, 2048);
    if (isKnown(condition.filter) && typeof condition.filter === 'string' && !condition.filter.includes('metric.type')) {
      problems.add(`${what} filter '${condition.filter}' names no metric: include metric.type="<type>"`);
    }
    problems.oneOf(`${what} comparison`, condition.comparison, COMPARISONS);
    if (problems.required(`${what} threshold`, condition.threshold) && !Number.isFinite(condition.threshold)) {
      problems.add(`${what} threshold ${String(condition.threshold)} is not a number`);
    }
    problems.duration(`${what} duration`, condition.duration, { min: 0, max: MAX_CONDITION_SECONDS, step: 60 });
    validateAggregation(problems, `${what} aggregation`, condition.aggregation);
    if (condition.denominator !== undefined) {
      problems.text(`${what} denominator filter`, condition.denominator.filter, 2048);
      validateAggregation(problems, `${what} denominator aggregation`, condition.denominator.aggregation);
      const numerator = condition.aggregation?.alignmentPeriod ?? '300s';
      const denominator = condition.denominator.aggregation?.alignmentPeriod ?? '300s';
      if (condition.aggregation === undefined) {
        problems.add(`${what} has a denominator but no aggregation: a ratio needs both series aligned the same way`);
      } else if (isKnown(numerator) && isKnown(denominator) && numerator !== denominator) {
        problems.add(`${what} aggregation alignmentPeriod '${numerator}' differs from the denominator's '${denominator}': a ratio needs the same period`);
      }
    }
  }

  const channels = props.notificationChannels ?? [];
  if (channels.length === 0) problems.add('notificationChannels is empty: an alert nobody receives is noise; pass at least one channel');
  for (const channel of channels) {
    if (channel instanceof NotificationChannel || !isKnown(channel)) continue;
    if (!/^projects\/[^/]+\/notificationChannels\/[^/]+$/.test(channel)) {
      problems.add(`notificationChannels entry '${channel}' is not a channel id; use a NotificationChannel or 'projects/<p>/notificationChannels/<id>'`);
    }
  }
  if (props.autoClose !== undefined) problems.duration('autoClose', props.autoClose, { min: 1800, max: 604_800 });
  problems.labels('userLabels', props.userLabels);
  return problems;
}

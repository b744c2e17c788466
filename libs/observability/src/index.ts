export { AlertConditions, type ConditionOptions, type ErrorRatioOptions, type NodeOptions, type UtilizationOptions } from './alert-conditions';
export {
  AlertPolicy,
  MAX_ALERT_CONDITIONS,
  type AlertPolicyProps,
  type AlertSeverity,
  type Aligner,
  type Comparison,
  type MetricAggregation,
  type Reducer,
  type ThresholdCondition,
} from './alert-policy';
export { BILLING_ACCOUNT_ID, Budget, MAX_BUDGET_CHANNELS, type BudgetProps } from './budget';
export {
  DEFAULT_LOG_RETENTION_DAYS,
  LogBucket,
  MAX_LOG_RETENTION_DAYS,
  MIN_LOG_RETENTION_DAYS,
  type LogBucketProps,
} from './log-bucket';
export { AUDIT_LOGS_FILTER, LogSink, type LogExclusion, type LogSinkProps } from './log-sink';
export { NotificationChannel, type NotificationChannelProps } from './notification-channel';

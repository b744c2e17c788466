export * from './apply-reviewed';
export * from './plan-change';
export * from './plan-changes';
export * from './pr-comment';
export * from './reviewed-plans';
export * from './promote-pending';
export * from './ci-shards';
export * from './nx-task-graph';

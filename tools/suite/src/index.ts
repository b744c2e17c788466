export * from './check-command';
export * from './nx';
export * from './test-command';
export * from './test-results';

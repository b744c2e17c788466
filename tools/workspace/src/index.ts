export * from './errors';
export * from './exit-codes';
export * from './markdown';
export * from './run-graph';
export * from './run-id';
export * from './run-in-background';
export * from './stack-order';
export * from './stacks';
export { quietAwsSdkNodeVersionWarning } from './aws-sdk';

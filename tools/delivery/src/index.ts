export * from './package-stack';
export * from './promote';
export * from './records';
export * from './status';

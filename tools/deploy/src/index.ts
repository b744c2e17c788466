export * from './engine-commands';
export * from './plan-environment';
export * from './plan-mode';
export * from './provider-locks';
export * from './released-stack';
export * from './releases-file';
export * from './stack-engine';
export * from './upstream-substitution';

export * from './drift-environment';
export * from './drift-report';
export * from './resource-drift';
export * from './stack-drift';

export * from './doc-commands';
export * from './stack-graph';

export * from './blast-radius';
export * from './effective-affected';
export * from './output-hashes';
export * from './resource-diff';

export * from './contracts';
export * from './fixture-release';
export * from './fixture-state-server';
export * from './offline-providers';
export * from './fixture-signing';

export * from './backup';
export * from './restore';
export * from './state-store';

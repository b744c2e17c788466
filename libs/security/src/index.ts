export * from './roles';
export * from './principal';
export * from './labels';
export * from './kms';
export * from './service-account';
export * from './iam';
export * from './secret';
export * from './policy';

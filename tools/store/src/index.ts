export { assertValidKey, type ObjectStore } from './object-store';
export { assertValidPrefix, compareKeys } from './keys';
export { LOCAL_STORE_TEMP_DIR, LocalDirectoryStore } from './local-directory-store';
export { GCS_STORE_ENVIRONMENT, GCS_WRITE_ID_METADATA, GcsStore, gcsStoreFromEnvironment, type GcsStoreOptions } from './gcs-store';
export { S3_STORE_ENVIRONMENT, s3ClientFromEnvironment, S3Store, s3StoreFromEnvironment, type S3StoreOptions } from './s3-store';
export { DEFAULT_LOCAL_STORE_DIR, defaultLocalStore, openConfiguredStore, openStore, type OpenStoreOptions } from './open-store';
export * from './artifact';
export * from './nx-cache';

import {
  DataTerraformRemoteStateGcs,
  DataTerraformRemoteStateS3,
  GcsBackend,
  S3Backend,
  type TerraformRemoteState,
  type TerraformStack,
} from 'cdktf';
import type { Construct } from 'constructs';
import type { StateConfig } from '@platform/config';

type S3State = Extract<StateConfig, { backend: 's3' }>;

/** Object key of a stack's state in an S3 bucket. */
export function s3StateKey(state: S3State, stack: string): string {
  return `${state.prefix}/${stack}/terraform.tfstate`;
}

/** Settings an S3-compatible endpoint (local server, GCS interoperability) needs; none are secrets. */
function s3CompatibleSettings(state: S3State): Record<string, unknown> {
  if (!state.endpoint) return {};
  return {
    endpoints: { s3: state.endpoint },
    use_path_style: true,
    skip_credentials_validation: true,
    skip_region_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_s3_checksum: true,
  };
}

/**
 * Configures where a stack keeps its state. Explicit for every environment: cdktf's default
 * local backend writes an absolute path into the output.
 */
export function configureStateBackend(stack: TerraformStack, state: StateConfig, stackName: string): void {
  if (state.backend === 'gcs') {
    new GcsBackend(stack, { bucket: state.bucket, prefix: `${state.prefix}/${stackName}` });
    return;
  }
  const backend = new S3Backend(stack, { bucket: state.bucket, key: s3StateKey(state, stackName), region: state.region, encrypt: true });
  // Locks with a conditional write (If-None-Match) in the bucket itself; cdktf 0.21 lacks the prop.
  backend.addOverride('use_lockfile', true);
  for (const [key, value] of Object.entries(s3CompatibleSettings(state))) backend.addOverride(key, value);
}

/** A read of another stack's state through the same backend. */
export function remoteStateOf(scope: Construct, id: string, state: StateConfig, stackName: string): TerraformRemoteState {
  if (state.backend === 'gcs') {
    return new DataTerraformRemoteStateGcs(scope, id, { bucket: state.bucket, prefix: `${state.prefix}/${stackName}` });
  }
  const remote = new DataTerraformRemoteStateS3(scope, id, { bucket: state.bucket, key: s3StateKey(state, stackName), region: state.region });
  for (const [key, value] of Object.entries(s3CompatibleSettings(state))) remote.addOverride(`config.${key}`, value);
  return remote;
}

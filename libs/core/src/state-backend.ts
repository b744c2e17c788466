import {
  DataTerraformRemoteStateGcs,
  DataTerraformRemoteStateS3,
  GcsBackend,
  S3Backend,
  TerraformStack,
  type TerraformRemoteState,
} from 'cdktf';
import type { Construct } from 'constructs';
import type { StateConfig } from '@platform/config';
import { stackVariable } from './drill-names';
import { s3StateKey } from './names';

type S3State = Extract<StateConfig, { backend: 's3' }>;

/** Name of the variable remote-state reads take a runtime S3 endpoint from. */
export const STATE_ENDPOINT_VARIABLE = 'state_endpoint';

/** Settings an S3-compatible endpoint (local server, GCS interoperability) needs; none are secrets. */
function s3CompatibleSettings(state: S3State, endpoint: string | undefined): Record<string, unknown> {
  if (!state.endpoint) return {};
  return {
    ...(endpoint ? { endpoints: { s3: endpoint } } : {}),
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
    const backend = new GcsBackend(stack, { bucket: state.bucket, prefix: `${state.prefix}/${stackName}` });
    // A runtime endpoint reaches the engine as GOOGLE_BACKEND_STORAGE_CUSTOM_ENDPOINT instead.
    if (state.endpoint && state.endpoint !== 'runtime') backend.addOverride('storage_custom_endpoint', state.endpoint);
    return;
  }
  const backend = new S3Backend(stack, { bucket: state.bucket, key: s3StateKey(state, stackName), region: state.region, encrypt: true });
  // Locks with a conditional write (If-None-Match) in the bucket itself; cdktf 0.21 lacks the prop.
  backend.addOverride('use_lockfile', true);
  // A runtime endpoint is passed to init as backend configuration (-backend-config).
  const endpoint = state.endpoint === 'runtime' ? undefined : state.endpoint;
  for (const [key, value] of Object.entries(s3CompatibleSettings(state, endpoint))) backend.addOverride(key, value);
}

function runtimeEndpointVariable(scope: Construct): string {
  return stackVariable(TerraformStack.of(scope), STATE_ENDPOINT_VARIABLE, {
    type: 'string',
    description: 'S3-compatible endpoint of the state store, known only at run time (TF_VAR_state_endpoint).',
  }).stringValue;
}

/** A read of another stack's state through the same backend. */
export function remoteStateOf(scope: Construct, id: string, state: StateConfig, stackName: string): TerraformRemoteState {
  if (state.backend === 'gcs') {
    const remote = new DataTerraformRemoteStateGcs(scope, id, { bucket: state.bucket, prefix: `${state.prefix}/${stackName}` });
    if (state.endpoint && state.endpoint !== 'runtime') remote.addOverride('config.storage_custom_endpoint', state.endpoint);
    return remote;
  }
  const remote = new DataTerraformRemoteStateS3(scope, id, { bucket: state.bucket, key: s3StateKey(state, stackName), region: state.region });
  const endpoint = state.endpoint === 'runtime' ? runtimeEndpointVariable(scope) : state.endpoint;
  for (const [key, value] of Object.entries(s3CompatibleSettings(state, endpoint))) remote.addOverride(`config.${key}`, value);
  return remote;
}

import { createRequire } from 'node:module';
import { DataResource, Testing } from 'cdktf';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import type { EnvironmentConfig } from '@platform/config';
import { defineContract, networkContract, output } from '@platform/contracts';
import { parseSynthesized } from '@platform/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PlatformStack } from './platform-stack';
import { defineStack } from './stack-definition';
import { OLDEST_SUPPORTED_ENGINE } from './engine-version-checks';
import { drillRunSuffix, isDrillRunSuffix } from './names';
import { PolicyViolationError, synthesizeStack } from './synthesize';

const gcsEnv: EnvironmentConfig = {
  name: 'dev',
  description: '',
  kind: 'cloud',
  tier: 'development',
  project: 'acme-dev',
  projectNumber: '123456',
  region: 'europe-west1',
  labels: { owner: 'platform' },
  state: { backend: 'gcs', bucket: 'acme-dev-tfstate', prefix: 'stacks' },
  promotion: {},
};
const s3Env: EnvironmentConfig = {
  ...gcsEnv,
  name: 'drill',
  kind: 'drill',
  state: { backend: 's3', bucket: 'drill-state', region: 'us-east-1', prefix: 'stacks', endpoint: 'http://127.0.0.1:9000' },
};

function stackIn(env: EnvironmentConfig, name = 'web') {
  return new PlatformStack(Testing.app(), { stackName: name, environment: env });
}

function synth(stack: PlatformStack) {
  return parseSynthesized(Testing.synth(stack));
}

describe('PlatformStack', () => {
  it('configures the google provider with the environment project, region and required labels', () => {
    const parsed = synth(stackIn(gcsEnv));
    expect(parsed.provider.google![0]).toEqual({
      project: 'acme-dev',
      region: 'europe-west1',
      default_labels: { owner: 'platform', environment: 'dev', stack: 'web', 'managed-by': 'cdktf' },
    });
  });

  it('keeps each stack state under its own prefix in the environment GCS bucket', () => {
    expect(synth(stackIn(gcsEnv)).terraform.backend).toEqual({ gcs: { bucket: 'acme-dev-tfstate', prefix: 'stacks/web' } });
  });

  it('talks to a configured Cloud Storage endpoint for its state and leaves a runtime endpoint to the engine environment', () => {
    const psc = 'https://storage-acme.p.googleapis.com/storage/v1/';
    expect(synth(stackIn({ ...gcsEnv, state: { ...gcsEnv.state, endpoint: psc } as EnvironmentConfig['state'] })).terraform.backend).toEqual({
      gcs: { bucket: 'acme-dev-tfstate', prefix: 'stacks/web', storage_custom_endpoint: psc },
    });
    expect(synth(stackIn({ ...gcsEnv, state: { ...gcsEnv.state, endpoint: 'runtime' } as EnvironmentConfig['state'] })).terraform.backend).toEqual({
      gcs: { bucket: 'acme-dev-tfstate', prefix: 'stacks/web' },
    });
  });

  it('locks S3 state with a conditional write and talks path-style to an S3-compatible endpoint', () => {
    expect(synth(stackIn(s3Env)).terraform.backend).toEqual({
      s3: expect.objectContaining({
        bucket: 'drill-state',
        key: 'stacks/web/terraform.tfstate',
        use_lockfile: true,
        encrypt: true,
        use_path_style: true,
        endpoints: { s3: 'http://127.0.0.1:9000' },
      }),
    });
  });

  it('publishes every contract output under its fixed snake_case name', () => {
    const stack = stackIn(gcsEnv, 'network');
    stack.publish(networkContract, {
      vpcId: 'id',
      vpcSelfLink: 'link',
      subnetSelfLinks: { gke: 'gke-link' },
      subnetSecondaryRanges: {},
      privateServiceAccessRange: 'psa',
      sharedVpcHostProject: 'acme-dev',
    });
    const parsed = synth(stack);
    expect(parsed.output.vpc_self_link).toMatchObject({ value: 'link', description: expect.stringMatching(/Self link/) });
    expect(Object.keys(parsed.output)).toHaveLength(6);
    expect(stack.published.get('network')).toBe(1);
  });

  it("refuses to publish another stack's contract or a value outside the contract", () => {
    const contract = defineContract({ stack: 'web', version: 1, outputs: { url: output.string('URL of the service.') } });
    expect(() => stackIn(gcsEnv, 'api').publish(contract, { url: 'x' })).toThrow(/stack 'api' cannot publish the contract of stack 'web'/);
    expect(() => stackIn(gcsEnv).publish(contract, { url: 'x', extra: 'y' } as never)).toThrow(/'extra' not in its contract/);
    expect(() => stackIn(gcsEnv).publish(contract, {} as never)).toThrow(/contract output 'url' has no value/);
  });

  it('reads only the selected upstream outputs through one remote state per upstream stack', () => {
    const stack = stackIn(gcsEnv);
    const first = stack.upstream(networkContract, ['vpcSelfLink']);
    const second = stack.upstream(networkContract, ['subnetSelfLinks']);
    new StorageBucket(stack, 'uses', { name: first.vpcSelfLink, location: second.subnetSelfLinks.get('gke') });
    const parsed = synth(stack);
    expect(parsed.data.terraform_remote_state).toEqual({
      'upstream-network': { backend: 'gcs', config: { bucket: 'acme-dev-tfstate', prefix: 'stacks/network' } },
    });
    expect(parsed.single('google_storage_bucket')).toMatchObject({
      name: '${data.terraform_remote_state.upstream-network.outputs.vpc_self_link}',
      location: '${data.terraform_remote_state.upstream-network.outputs.subnet_self_links.gke}',
    });
    expect(stack.consumed.get('network')).toBe(1);
  });

  it('reads S3 remote state with the same endpoint settings as the backend', () => {
    const stack = stackIn(s3Env);
    stack.upstream(networkContract, ['vpcId']);
    expect(synth(stack).data.terraform_remote_state!['upstream-network']).toMatchObject({
      backend: 's3',
      config: { key: 'stacks/network/terraform.tfstate', endpoints: { s3: 'http://127.0.0.1:9000' }, use_path_style: true },
    });
  });

  it('takes a runtime S3 endpoint at init for the backend and from a variable for remote-state reads', () => {
    const runtimeEnv: EnvironmentConfig = { ...s3Env, state: { ...s3Env.state, endpoint: 'runtime' } as EnvironmentConfig['state'] };
    const stack = new PlatformStack(Testing.app(), { stackName: 'web', environment: runtimeEnv });
    stack.upstream(networkContract, ['vpcId']);
    const parsed = synth(stack);
    const backend = (parsed.terraform.backend as { s3: Record<string, unknown> }).s3;
    expect(backend.endpoints).toBeUndefined();
    expect(backend.use_path_style).toBe(true);
    expect(parsed.data.terraform_remote_state!['upstream-network']).toMatchObject({
      config: { endpoints: { s3: '${var.state_endpoint}' } },
    });
    expect(JSON.parse(parsed.json).variable).toEqual({ state_endpoint: expect.objectContaining({ type: 'string' }) });
  });

  it('configures no google provider for an offline stack', () => {
    const stack = new PlatformStack(Testing.app(), { stackName: 'fixture', environment: s3Env, cloud: 'none' });
    expect(synth(stack).provider).toEqual({});
  });

  it('names the service agent of a Google service from the project number, with no API lookup', () => {
    expect(stackIn(gcsEnv).serviceAgent('gcp-sa-cloud-sql')).toBe('service-123456@gcp-sa-cloud-sql.iam.gserviceaccount.com');
  });
});

describe('synthesizeStack', () => {
  const settings = z.strictObject({ public: z.boolean() });
  const site = defineStack({
    name: 'site',
    description: 'A bucket, public on request.',
    settings,
    build(stack, s) {
      new StorageBucket(stack, 'bucket', {
        name: 'site',
        location: 'EU',
        uniformBucketLevelAccess: !s.public,
        publicAccessPrevention: s.public ? 'inherited' : 'enforced',
      });
    },
  });

  it('refuses a stack that breaks the guardrails and carries every violation', () => {
    let error: unknown;
    try {
      synthesizeStack(site, gcsEnv, { public: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyViolationError);
    const rules = (error as PolicyViolationError).violations.map((v) => v.rule).sort();
    expect(rules).toEqual(['cmek-required', 'no-public-buckets', 'no-public-buckets']);
    expect((error as PolicyViolationError).violations[0]!.address).toMatch(/^google_storage_bucket\.bucket$/);
  });

  describe("cdktf's engine version checks", () => {
    const { ValidateTerraformVersion } = createRequire(import.meta.url)('cdktf/lib/validations/validate-terraform-version') as {
      ValidateTerraformVersion: new (constraint: string) => { validate(): string[] };
    };
    const withData = (constraint?: string) =>
      defineStack({
        ...site,
        cloud: 'none',
        build(stack) {
          new DataResource(stack, 'marker', { input: { value: 'x' } });
          if (constraint) stack.node.addValidation(new ValidateTerraformVersion(constraint));
        },
      });
    const withoutTerraformOnPath = <T>(run: () => T): T => {
      const path = process.env.PATH;
      process.env.PATH = '/nonexistent';
      try {
        return run();
      } finally {
        process.env.PATH = path;
      }
    };

    it('synthesizes terraform_data on a machine with no terraform on PATH', () => {
      const result = withoutTerraformOnPath(() => synthesizeStack(withData(), gcsEnv, { public: false }));
      expect(result.resourceCount).toBe(1);
    });

    it('still refuses a construct that needs a newer engine than the oldest the platform supports', () => {
      expect(OLDEST_SUPPORTED_ENGINE).toBe('1.7.0');
      expect(() => withoutTerraformOnPath(() => synthesizeStack(withData('>=1.8'), gcsEnv, { public: false }))).toThrow(/version 1\.7\.0 is lower than the required version >=1\.8/);
      expect(withoutTerraformOnPath(() => synthesizeStack(withData('>=1.5'), gcsEnv, { public: false })).resourceCount).toBe(1);
    });
  });

  it('returns the JSON cdktf writes, with sorted keys and the resource count', () => {
    const hardened = defineStack({
      ...site,
      build(stack) {
        new StorageBucket(stack, 'bucket', {
          name: 'site',
          location: 'EU',
          uniformBucketLevelAccess: true,
          publicAccessPrevention: 'enforced',
          encryption: { defaultKmsKeyName: 'projects/p/locations/eu/keyRings/r/cryptoKeys/k' },
        });
      },
    });
    const result = synthesizeStack(hardened, gcsEnv, { public: false });
    expect(result.resourceCount).toBe(1);
    const keys = Object.keys(JSON.parse(result.json) as object);
    expect(keys).toEqual([...keys].sort());
    expect(result.json).not.toMatch(/\/tmp|\/work|\\\\/);
  });
});

describe('PlatformStack.uniqueName', () => {
  it('keeps a name as given outside drill environments', () => {
    const stack = stackIn(gcsEnv);
    expect(stack.uniqueName('dev-platform')).toBe('dev-platform');
    expect(synth(stack).variable).toEqual({});
  });

  it('suffixes a name with the drill run suffix variable in a drill environment, so the JSON is the same for every run', () => {
    const stack = stackIn(s3Env);
    const name = stack.uniqueName('drill-platform');
    new StorageBucket(stack, 'b', { name, location: 'EU' });
    const parsed = synth(stack);
    expect(parsed.resource.google_storage_bucket!.b!.name).toBe('drill-platform-${var.drill_run_suffix}');
    expect(parsed.variable).toMatchObject({ drill_run_suffix: { type: 'string' } });
  });

  it('refuses a name with no room left for the suffix within the resource type limit', () => {
    expect(() => stackIn(s3Env).uniqueName('a'.repeat(30), 32)).toThrow(/no room for the drill run suffix \(7 characters\) within 32/);
    expect(() => stackIn(gcsEnv).uniqueName('a'.repeat(33), 32)).toThrow(/longer than 32 characters/);
  });

  it('derives a six hex digit suffix from a run id, the same for the same run', () => {
    expect(drillRunSuffix('drill-20261207-0101')).toMatch(/^[0-9a-f]{6}$/);
    expect(drillRunSuffix('drill-20261207-0101')).toBe(drillRunSuffix('drill-20261207-0101'));
    expect(drillRunSuffix('drill-20261207-0101')).not.toBe(drillRunSuffix('drill-20261207-0102'));
    expect(isDrillRunSuffix(drillRunSuffix('x'))).toBe(true);
    expect(isDrillRunSuffix('ABCDEF')).toBe(false);
  });
});

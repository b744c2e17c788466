import { describe, expect, it } from 'vitest';
import { plannedValue, substituteUpstreams, UNKNOWN_PLACEHOLDER } from './upstream-substitution';

const consumer = JSON.stringify({
  data: {
    terraform_remote_state: {
      'upstream-network': { backend: 's3', config: { key: 'stacks/network/terraform.tfstate' } },
      'upstream-security': { backend: 's3', config: {} },
    },
  },
  resource: {
    google_container_cluster: {
      cluster: {
        network: '${data.terraform_remote_state.upstream-network.outputs.vpc_self_link}',
        subnetwork: '${data.terraform_remote_state.upstream-network.outputs.subnet_self_links.gke}',
        key: '${data.terraform_remote_state.upstream-security.outputs.kms_key_ids.gke}',
      },
    },
  },
});

describe('planned upstream values', () => {
  it.each([
    [{ after: 'x', after_unknown: false }, 'x', 'known'],
    [{ after_unknown: true }, '${terraform_data.from_zero_unknown.output}', 'known after apply'],
    [{ after: { a: '1' }, after_unknown: { b: true } }, { a: '1', b: '${terraform_data.from_zero_unknown.output}' }, 'partly known after apply'],
  ])('carries %j as %j (%s)', (output, value, knowledge) => {
    expect(plannedValue(output)).toEqual({ value, knowledge });
  });
});

describe('upstream substitution', () => {
  it('reads a never-applied upstream from its planned outputs and leaves the other upstream alone', () => {
    const planned = new Map([
      ['network', { vpc_self_link: { after_unknown: true }, subnet_self_links: { after: { gke: 'projects/p/regions/r/subnetworks/gke' }, after_unknown: {} } }],
    ]);
    const { json, substituted } = substituteUpstreams(consumer, planned);
    const config = JSON.parse(json);
    expect(config.data.terraform_remote_state).toEqual({ 'upstream-security': { backend: 's3', config: {} } });
    expect(config.locals.from_zero_network).toEqual({
      vpc_self_link: `\${${UNKNOWN_PLACEHOLDER}.output}`,
      subnet_self_links: { gke: 'projects/p/regions/r/subnetworks/gke' },
    });
    expect(config.resource.google_container_cluster.cluster).toEqual({
      network: '${local.from_zero_network.vpc_self_link}',
      subnetwork: '${local.from_zero_network.subnet_self_links.gke}',
      key: '${data.terraform_remote_state.upstream-security.outputs.kms_key_ids.gke}',
    });
    expect(config.resource.terraform_data.from_zero_unknown).toEqual({ input: 'known after apply' });
    expect(substituted).toEqual({ network: { vpc_self_link: 'known after apply', subnet_self_links: 'known' } });
  });

  it('adds no placeholder when every planned value is known', () => {
    const { json } = substituteUpstreams(consumer, new Map([['network', { vpc_self_link: { after: 'x', after_unknown: false } }]]));
    expect(JSON.parse(json).resource.terraform_data).toBeUndefined();
  });
});

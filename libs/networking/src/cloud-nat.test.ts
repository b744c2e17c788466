import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { TerraformVariable } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { CloudNat, type CloudNatProps } from './cloud-nat';
import { only, synth } from './__fixtures__/synth';

const props: CloudNatProps = {
  network: 'projects/net-host-prod/global/networks/prod-core',
  region: 'europe-west1',
  name: 'prod-core-ew1',
};

describe('CloudNat', () => {
  describe('given a network, a region and a name', () => {
    const out = synth((scope) => new CloudNat(scope, 'nat', props));

    it('creates exactly one router and one NAT', () => {
      expect(out.count()).toBe(2);
      expect(out.count(ComputeRouter.tfResourceType)).toBe(1);
      expect(out.count(ComputeRouterNat.tfResourceType)).toBe(1);
    });

    it('puts the router on the network in the region, named after the NAT', () => {
      expect(out.json).toHaveResourceWithProperties(ComputeRouter, {
        name: 'prod-core-ew1-router',
        network: props.network,
        region: 'europe-west1',
      });
    });

    it('translates every range of every subnet with Google-allocated addresses', () => {
      expect(out.json).toHaveResourceWithProperties(ComputeRouterNat, {
        name: 'prod-core-ew1',
        region: 'europe-west1',
        nat_ip_allocate_option: 'AUTO_ONLY',
        source_subnetwork_ip_ranges_to_nat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
        enable_endpoint_independent_mapping: false,
      });
    });

    it('attaches the NAT to the router by reference', () => {
      expect(only(out, ComputeRouterNat.tfResourceType).router).toMatch(/^\$\{google_compute_router\.nat_router_\w+\.name\}$/);
    });

    it('logs errors only', () => {
      expect(out.json).toHaveResourceWithProperties(ComputeRouterNat, { log_config: { enable: true, filter: 'ERRORS_ONLY' } });
    });
  });

  it('logs every translation when asked', () => {
    const out = synth((scope) => new CloudNat(scope, 'nat', { ...props, logErrorsOnly: false }));
    expect(out.json).toHaveResourceWithProperties(ComputeRouterNat, { log_config: { enable: true, filter: 'ALL' } });
  });

  it('puts router and NAT in the given project', () => {
    const out = synth((scope) => new CloudNat(scope, 'nat', { ...props, project: 'net-host-prod' }));
    expect(out.json).toHaveResourceWithProperties(ComputeRouter, { project: 'net-host-prod' });
    expect(out.json).toHaveResourceWithProperties(ComputeRouterNat, { project: 'net-host-prod' });
  });

  it('uses the construct id default for the NAT and router for the router', () => {
    let nat: CloudNat | undefined;
    synth((scope) => {
      nat = new CloudNat(scope, 'nat', props);
    });
    expect(nat?.nat.node.id).toBe('default');
    expect(nat?.router.node.id).toBe('router');
  });

  it('skips validation of values that are only known at apply time', () => {
    const out = synth((scope) => {
      const region = new TerraformVariable(scope, 'region', { type: 'string' });
      const name = new TerraformVariable(scope, 'name', { type: 'string' });
      new CloudNat(scope, 'nat', { ...props, region: region.stringValue, name: name.stringValue });
    });
    expect(out.count()).toBe(2);
  });

  it.each<[string, Partial<CloudNatProps>, RegExp]>([
    ['a name with capitals', { name: 'Prod-NAT' }, /name 'Prod-NAT' is not a valid GCP resource name/],
    ['a name that leaves no room for the router suffix', { name: 'n'.repeat(57) }, /name 'n{57}' is too long: at most 56 characters/],
    ['a zone instead of a region', { region: 'europe-west1-b' }, /region 'europe-west1-b' is not a GCP region/],
    ['an empty network', { network: '' }, /network is empty/],
  ])('refuses %s', (_case, override, message) => {
    expect(() => synth((scope) => new CloudNat(scope, 'nat', { ...props, ...override }))).toThrow(message);
  });
});

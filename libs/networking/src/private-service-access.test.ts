import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { TerraformVariable } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { PrivateServiceAccess, type PrivateServiceAccessProps } from './private-service-access';
import { named, only, synth } from './__fixtures__/synth';

const props: PrivateServiceAccessProps = {
  network: 'projects/net-host-prod/global/networks/prod-core',
  name: 'prod-core-psa',
  address: '10.60.0.0',
};

describe('PrivateServiceAccess', () => {
  describe('given a network, a name and an address', () => {
    const out = synth((scope) => new PrivateServiceAccess(scope, 'psa', props));

    it('creates exactly one reserved range and one connection', () => {
      expect(out.count()).toBe(2);
      expect(out.count(ComputeGlobalAddress.tfResourceType)).toBe(1);
      expect(out.count(ServiceNetworkingConnection.tfResourceType)).toBe(1);
    });

    it('reserves an internal /16 for VPC peering on the network', () => {
      expect(out.json).toHaveResourceWithProperties(ComputeGlobalAddress, {
        name: 'prod-core-psa',
        purpose: 'VPC_PEERING',
        address_type: 'INTERNAL',
        address: '10.60.0.0',
        prefix_length: 16,
        network: props.network,
      });
    });

    it('peers the network with service networking using that range', () => {
      const connection = only(out, ServiceNetworkingConnection.tfResourceType);
      expect(connection).toMatchObject({ network: props.network, service: 'servicenetworking.googleapis.com' });
      expect(connection.reserved_peering_ranges).toEqual([
        expect.stringMatching(/^\$\{google_compute_global_address\.psa_range_\w+\.name\}$/),
      ]);
    });
  });

  it('reserves a range of the prefix length given', () => {
    const out = synth((scope) => new PrivateServiceAccess(scope, 'psa', { ...props, address: '10.60.16.0', prefixLength: 20 }));
    expect(out.json).toHaveResourceWithProperties(ComputeGlobalAddress, { address: '10.60.16.0', prefix_length: 20 });
  });

  it('exposes the range name and CIDR, and a connection dependents can wait for', () => {
    let psa: PrivateServiceAccess | undefined;
    const out = synth((scope) => {
      psa = new PrivateServiceAccess(scope, 'psa', { ...props, project: 'net-host-prod' });
      new ComputeGlobalAddress(scope, 'dependent', { name: 'after-psa', dependsOn: [psa.connection] });
    });
    expect(psa?.rangeName).toBe('prod-core-psa');
    expect(psa?.cidr).toBe('10.60.0.0/16');
    expect(psa?.connection.node.id).toBe('default');
    expect(named(out, ComputeGlobalAddress.tfResourceType, 'after-psa').depends_on).toEqual([
      expect.stringMatching(/^google_service_networking_connection\.psa_default_\w+$/),
    ]);
    expect(out.json).toHaveResourceWithProperties(ComputeGlobalAddress, { name: 'prod-core-psa', project: 'net-host-prod' });
  });

  it('skips validation of values that are only known at apply time', () => {
    const out = synth((scope) => {
      const address = new TerraformVariable(scope, 'address', { type: 'string' });
      const prefix = new TerraformVariable(scope, 'prefix', { type: 'number' });
      new PrivateServiceAccess(scope, 'psa', { ...props, address: address.stringValue, prefixLength: prefix.numberValue });
    });
    expect(out.count()).toBe(2);
  });

  it.each<[string, Partial<PrivateServiceAccessProps>, RegExp]>([
    ['a prefix length below 8', { prefixLength: 7 }, /prefixLength 7 must be a whole number between 8 and 24/],
    ['a prefix length above 24', { prefixLength: 25 }, /prefixLength 25 must be a whole number between 8 and 24/],
    ['a fractional prefix length', { prefixLength: 16.5 }, /prefixLength 16\.5 must be a whole number/],
    [
      'an address that is not the start of the range',
      { address: '10.60.1.0' },
      /address 10\.60\.1\.0 with prefixLength 16: range 10\.60\.1\.0\/16 is not a valid CIDR \(host bits set\), did you mean 10\.60\.0\.0\/16\?/,
    ],
    ['an address given as a CIDR', { address: '10.60.0.0/16' }, /address '10\.60\.0\.0\/16' is not an IPv4 address/],
    ['an octet above 255', { address: '10.256.0.0' }, /address '10\.256\.0\.0' is not an IPv4 address/],
    ['a name with capitals', { name: 'PSA' }, /name 'PSA' is not a valid GCP resource name/],
    ['an empty network', { network: '' }, /network is empty/],
  ])('refuses %s', (_case, override, message) => {
    expect(() => synth((scope) => new PrivateServiceAccess(scope, 'psa', { ...props, ...override }))).toThrow(message);
  });
});

import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { TerraformOutput, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { named, synth } from './__fixtures__/synth';
import { Vpc, type SubnetSpec, type VpcProps } from './vpc';

const SUBNET = ComputeSubnetwork.tfResourceType;

const twoSubnets: VpcProps = {
  name: 'prod-core',
  subnets: {
    gke: {
      region: 'europe-west1',
      cidr: '10.0.0.0/20',
      secondaryRanges: { pods: '10.4.0.0/14', services: '10.8.0.0/20' },
    },
    apps: { region: 'europe-west4', cidr: '10.20.4.0/22' },
  },
};

function vpcWith(subnets: Record<string, SubnetSpec>, props: Partial<VpcProps> = {}) {
  return (scope: Construct) => new Vpc(scope, 'network', { name: 'prod-core', subnets, ...props });
}

describe('Vpc', () => {
  describe('given two subnets and no options', () => {
    const out = synth((scope) => new Vpc(scope, 'network', twoSubnets));

    it('creates one custom-mode network with global routing', () => {
      expect(out.count(ComputeNetwork.tfResourceType)).toBe(1);
      expect(out.json).toHaveResourceWithProperties(ComputeNetwork, {
        name: 'prod-core',
        auto_create_subnetworks: false,
        routing_mode: 'GLOBAL',
        delete_default_routes_on_create: false,
      });
    });

    it('creates one subnet per key, named after the VPC and the key', () => {
      expect(out.count(SUBNET)).toBe(2);
      expect(out.json).toHaveResourceWithProperties(ComputeSubnetwork, {
        name: 'prod-core-gke',
        region: 'europe-west1',
        ip_cidr_range: '10.0.0.0/20',
      });
      expect(out.json).toHaveResourceWithProperties(ComputeSubnetwork, {
        name: 'prod-core-apps',
        region: 'europe-west4',
        ip_cidr_range: '10.20.4.0/22',
      });
    });

    it('creates nothing but the network and its subnets', () => {
      expect(out.count()).toBe(3);
    });

    it('turns on Private Google Access and flow logs on every subnet', () => {
      for (const subnet of Object.values(out.resourcesOf(SUBNET))) {
        expect(subnet).toMatchObject({
          private_ip_google_access: true,
          log_config: { aggregation_interval: 'INTERVAL_5_SEC', metadata: 'INCLUDE_ALL_METADATA' },
        });
      }
    });

    it('names each secondary range after its key', () => {
      expect(named(out, SUBNET, 'prod-core-gke').secondary_ip_range).toEqual([
        { range_name: 'pods', ip_cidr_range: '10.4.0.0/14' },
        { range_name: 'services', ip_cidr_range: '10.8.0.0/20' },
      ]);
    });

    it('attaches every subnet to the network by reference', () => {
      for (const subnet of Object.values(out.resourcesOf(SUBNET))) {
        expect(subnet.network).toMatch(/^\$\{google_compute_network\.network_default_\w+\.id\}$/);
      }
    });

    it('keeps secondary ranges authoritative, so removing the last one removes it in GCP', () => {
      expect(named(out, SUBNET, 'prod-core-apps')).toMatchObject({ secondary_ip_range: [], send_secondary_ip_range_if_empty: true });
    });
  });

  it('uses the construct id default for the network and the subnet key for each subnet', () => {
    let vpc: Vpc | undefined;
    synth((scope) => {
      vpc = new Vpc(scope, 'network', twoSubnets);
    });
    expect(vpc?.network.node.id).toBe('default');
    expect(Object.keys(vpc!.subnets)).toEqual(['gke', 'apps']);
    expect(vpc!.subnets.gke.node.id).toBe('gke');
  });

  it('exposes the network and subnet references for other constructs and outputs', () => {
    const out = synth((scope) => {
      const vpc = new Vpc(scope, 'network', twoSubnets);
      new TerraformOutput(scope, 'network-id', { value: vpc.id });
      new TerraformOutput(scope, 'network-name', { value: vpc.name });
      new TerraformOutput(scope, 'network-self-link', { value: vpc.selfLink });
      new TerraformOutput(scope, 'subnets', { value: vpc.subnetSelfLinks() });
    });
    expect(out.output['network-id'].value).toMatch(/^\$\{google_compute_network\.network_default_\w+\.id\}$/);
    expect(out.output['network-name'].value).toMatch(/\.name\}$/);
    expect(out.output['network-self-link'].value).toMatch(/\.self_link\}$/);
    expect(out.output.subnets.value).toEqual({
      gke: expect.stringMatching(/^\$\{google_compute_subnetwork\.network_gke_\w+\.self_link\}$/),
      apps: expect.stringMatching(/^\$\{google_compute_subnetwork\.network_apps_\w+\.self_link\}$/),
    });
  });

  it('turns flow logs off only on the subnet that asks', () => {
    const out = synth(
      vpcWith({
        quiet: { region: 'europe-west1', cidr: '10.1.0.0/24', flowLogs: false },
        logged: { region: 'europe-west1', cidr: '10.2.0.0/24' },
      }),
    );
    expect(named(out, SUBNET, 'prod-core-quiet').log_config).toBeUndefined();
    expect(named(out, SUBNET, 'prod-core-logged').log_config).toBeDefined();
  });

  it('uses an explicit subnet name when one is given', () => {
    const out = synth(vpcWith({ gke: { region: 'europe-west1', cidr: '10.1.0.0/24', name: 'gke-nodes-ew1' } }));
    expect(out.json).toHaveResourceWithProperties(ComputeSubnetwork, { name: 'gke-nodes-ew1' });
  });

  it('applies regional routing, default-route deletion and the project when asked', () => {
    const out = synth(
      vpcWith(
        { apps: { region: 'europe-west1', cidr: '10.1.0.0/24' } },
        { routingMode: 'REGIONAL', deleteDefaultRoutes: true, project: 'net-host-prod' },
      ),
    );
    expect(out.json).toHaveResourceWithProperties(ComputeNetwork, {
      routing_mode: 'REGIONAL',
      delete_default_routes_on_create: true,
      project: 'net-host-prod',
    });
    expect(out.json).toHaveResourceWithProperties(ComputeSubnetwork, { project: 'net-host-prod' });
  });

  it('accepts adjacent ranges and the same subnet name in different regions', () => {
    expect(() =>
      synth(
        vpcWith({
          a: { region: 'europe-west1', cidr: '10.0.0.0/24', name: 'apps' },
          b: { region: 'europe-west4', cidr: '10.0.1.0/24', name: 'apps' },
          c: { region: 'europe-west1', cidr: '10.0.2.0/29' },
          d: { region: 'europe-west1', cidr: '11.0.0.0/8' },
        }),
      ),
    ).not.toThrow();
  });

  it('skips validation of values that are only known at apply time', () => {
    const out = synth((scope) => {
      const name = new TerraformVariable(scope, 'name', { type: 'string' });
      const cidr = new TerraformVariable(scope, 'cidr', { type: 'string' });
      const region = new TerraformVariable(scope, 'region', { type: 'string' });
      new Vpc(scope, 'network', {
        name: name.stringValue,
        subnets: {
          gke: { region: region.stringValue, cidr: cidr.stringValue, secondaryRanges: { pods: cidr.stringValue } },
          apps: { region: 'europe-west1', cidr: cidr.stringValue },
        },
      });
    });
    expect(out.count(SUBNET)).toBe(2);
  });

  describe('refuses bad input', () => {
    const ok = { region: 'europe-west1', cidr: '10.0.0.0/24' };
    it.each<[string, Partial<VpcProps>, RegExp]>([
      ['a name with capitals', { name: 'Prod-Core' }, /name 'Prod-Core' is not a valid GCP resource name/],
      ['a name starting with a digit', { name: '1core' }, /name '1core' is not a valid GCP resource name/],
      ['a missing name (from JavaScript)', { name: undefined as unknown as string }, /test\/network: name is required/],
      ['a name longer than 63 characters', { name: 'a'.repeat(64) }, /name 'a{64}' is not a valid GCP resource name/],
      ['no subnets', { subnets: {} }, /subnets is empty: a VPC needs at least one subnet/],
      ['a routing mode GCP does not know', { routingMode: 'LOCAL' as 'GLOBAL' }, /routingMode 'LOCAL' must be 'REGIONAL' or 'GLOBAL'/],
      ['a prefix above /32', { subnets: { gke: { ...ok, cidr: '10.0.0.0/33' } } }, /subnet 'gke' range 10\.0\.0\.0\/33 is not a valid CIDR/],
      ['text that is not a CIDR', { subnets: { gke: { ...ok, cidr: '10.0.0.0' } } }, /subnet 'gke' range 10\.0\.0\.0 is not a valid CIDR/],
      [
        'a range with host bits set',
        { subnets: { gke: { ...ok, cidr: '10.0.0.1/24' } } },
        /subnet 'gke' range 10\.0\.0\.1\/24 is not a valid CIDR \(host bits set\), did you mean 10\.0\.0\.0\/24\?/,
      ],
      ['a subnet without a range (from JavaScript)', { subnets: { gke: { region: 'europe-west1' } as SubnetSpec } }, /subnet 'gke' range is required/],
      ['a range smaller than /29', { subnets: { gke: { ...ok, cidr: '10.0.0.0/30' } } }, /subnet 'gke' range 10\.0\.0\.0\/30 is too small: .*\/29/],
      ['a range larger than /8', { subnets: { gke: { ...ok, cidr: '10.0.0.0/7' } } }, /subnet 'gke' range 10\.0\.0\.0\/7 is too large: .*\/8/],
      [
        'a reserved link-local range',
        { subnets: { gke: { ...ok, cidr: '169.254.10.0/24' } } },
        /subnet 'gke' range 169\.254\.10\.0\/24 overlaps the reserved link-local range 169\.254\.0\.0\/16/,
      ],
      ['a zone instead of a region', { subnets: { gke: { ...ok, region: 'europe-west1-b' } } }, /subnet 'gke' region 'europe-west1-b' is not a GCP region/],
      [
        'a key that makes an invalid subnet name',
        { subnets: { GKE: ok } },
        /subnet 'GKE' name 'prod-core-GKE' is not a valid GCP resource name/,
      ],
      [
        'an invalid explicit subnet name',
        { subnets: { gke: { ...ok, name: 'gke_nodes' } } },
        /subnet 'gke' name 'gke_nodes' is not a valid GCP resource name/,
      ],
      [
        'a secondary range that is not a valid CIDR',
        { subnets: { gke: { ...ok, secondaryRanges: { pods: '10.4.0.0/33' } } } },
        /subnet 'gke' secondary range 'pods' 10\.4\.0\.0\/33 is not a valid CIDR/,
      ],
      [
        'a secondary range name that is not a valid name',
        { subnets: { gke: { ...ok, secondaryRanges: { Pods: '10.4.0.0/14' } } } },
        /subnet 'gke' secondary range name 'Pods' is not a valid GCP resource name/,
      ],
      [
        'a secondary range that overlaps its own primary range',
        { subnets: { gke: { ...ok, secondaryRanges: { pods: '10.0.0.0/16' } } } },
        /subnet 'gke' secondary range 'pods' 10\.0\.0\.0\/16 overlaps subnet 'gke' range 10\.0\.0\.0\/24/,
      ],
      [
        'two secondary ranges of one subnet that overlap',
        { subnets: { gke: { ...ok, secondaryRanges: { pods: '10.4.0.0/14', services: '10.5.0.0/20' } } } },
        /subnet 'gke' secondary range 'services' 10\.5\.0\.0\/20 overlaps subnet 'gke' secondary range 'pods' 10\.4\.0\.0\/14/,
      ],
      [
        'a subnet that overlaps another',
        { subnets: { apps: { ...ok, cidr: '10.0.0.0/16' }, data: { ...ok, cidr: '10.0.128.0/24' } } },
        /subnet 'data' range 10\.0\.128\.0\/24 overlaps subnet 'apps' range 10\.0\.0\.0\/16/,
      ],
      [
        'a secondary range that overlaps another subnet',
        {
          subnets: {
            apps: { ...ok, cidr: '10.20.4.0/22' },
            gke: { ...ok, cidr: '10.0.0.0/24', secondaryRanges: { pods: '10.20.0.0/16' } },
          },
        },
        /subnet 'gke' secondary range 'pods' 10\.20\.0\.0\/16 overlaps subnet 'apps' range 10\.20\.4\.0\/22/,
      ],
      [
        'two subnets with the same name in one region',
        { subnets: { a: { ...ok, name: 'apps' }, b: { ...ok, cidr: '10.0.1.0/24', name: 'apps' } } },
        /subnet 'b' name 'apps' is already used by subnet 'a' in europe-west1/,
      ],
    ])('refuses %s', (_case, override, message) => {
      expect(() => synth((scope) => new Vpc(scope, 'network', { name: 'prod-core', subnets: { gke: ok }, ...override }))).toThrow(message);
    });

    it('reports a bad VPC name once, not again in every derived subnet name', () => {
      expect(() => synth(vpcWith({ gke: ok, apps: { ...ok, cidr: '10.1.0.0/24' } }, { name: 'Prod' }))).toThrow(
        /^test\/network: name 'Prod' is not a valid GCP resource name[^\n]*$/,
      );
    });

    it('names the construct path and lists every problem at once', () => {
      expect(() =>
        synth(
          vpcWith({
            gke: { region: 'europe-west1', cidr: '10.0.0.0/33' },
            apps: { region: 'europe-west1-b', cidr: '10.1.0.0/24' },
          }),
        ),
      ).toThrow(/^test\/network: 2 problems:\n {2}- subnet 'gke' range 10\.0\.0\.0\/33 .*\n {2}- subnet 'apps' region 'europe-west1-b'/);
    });
  });
});

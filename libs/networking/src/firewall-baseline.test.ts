import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { TerraformVariable } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { IAP_TCP_FORWARDING_RANGE } from './cidr';
import { FirewallBaseline, type FirewallBaselineProps } from './firewall-baseline';
import { named, synth } from './__fixtures__/synth';

const FIREWALL = ComputeFirewall.tfResourceType;
const props: FirewallBaselineProps = {
  network: 'projects/net-host-prod/global/networks/prod-core',
  namePrefix: 'prod-core',
};

function baseline(override: Partial<FirewallBaselineProps> = {}) {
  return synth((scope) => new FirewallBaseline(scope, 'firewall', { ...props, ...override }));
}

describe('FirewallBaseline', () => {
  describe('given only a network and a name prefix', () => {
    const out = baseline();

    it('creates a deny-all rule and an admin rule, nothing else', () => {
      expect(out.count()).toBe(2);
      expect(out.count(FIREWALL)).toBe(2);
    });

    it('denies all ingress from anywhere at priority 65534', () => {
      expect(named(out, FIREWALL, 'prod-core-deny-all-ingress')).toMatchObject({
        network: props.network,
        direction: 'INGRESS',
        priority: 65534,
        source_ranges: ['0.0.0.0/0'],
        deny: [{ protocol: 'all' }],
      });
    });

    it('opens SSH and RDP to the IAP TCP forwarding range only', () => {
      expect(named(out, FIREWALL, 'prod-core-allow-iap-admin')).toMatchObject({
        direction: 'INGRESS',
        priority: 1000,
        source_ranges: [IAP_TCP_FORWARDING_RANGE],
        allow: [{ protocol: 'tcp', ports: ['22', '3389'] }],
      });
    });

    it('logs every rule with all metadata', () => {
      for (const rule of Object.values(out.resourcesOf(FIREWALL))) {
        expect(rule.log_config).toEqual({ metadata: 'INCLUDE_ALL_METADATA' });
      }
    });
  });

  describe('given internal ranges', () => {
    const out = baseline({ internalRanges: { apps: '10.0.0.0/20', pods: '10.4.0.0/14' } });

    it('adds one rule allowing all protocols between those ranges only', () => {
      expect(out.count(FIREWALL)).toBe(3);
      expect(named(out, FIREWALL, 'prod-core-allow-internal')).toMatchObject({
        priority: 1000,
        source_ranges: ['10.0.0.0/20', '10.4.0.0/14'],
        destination_ranges: ['10.0.0.0/20', '10.4.0.0/14'],
        allow: [{ protocol: 'all' }],
        log_config: { metadata: 'INCLUDE_ALL_METADATA' },
      });
    });

    it('never allows anything from 0.0.0.0/0', () => {
      for (const rule of Object.values(out.resourcesOf(FIREWALL))) {
        if (rule.allow !== undefined) expect(rule.source_ranges).not.toContain('0.0.0.0/0');
      }
    });
  });

  it('opens the admin ports given, including ranges', () => {
    const out = baseline({ adminPorts: ['22', '8000-8080'] });
    expect(named(out, FIREWALL, 'prod-core-allow-iap-admin')).toMatchObject({
      allow: [{ protocol: 'tcp', ports: ['22', '8000-8080'] }],
    });
  });

  it('creates no admin rule for an empty port list (an empty list would mean every port)', () => {
    let firewall: FirewallBaseline | undefined;
    const out = synth((scope) => {
      firewall = new FirewallBaseline(scope, 'firewall', { ...props, adminPorts: [] });
    });
    expect(out.count(FIREWALL)).toBe(1);
    expect(firewall?.allowIapAdmin).toBeUndefined();
    expect(firewall?.allowInternal).toBeUndefined();
  });

  it('puts every rule in the given project', () => {
    const out = baseline({ project: 'net-host-prod', internalRanges: { apps: '10.0.0.0/20' } });
    for (const rule of Object.values(out.resourcesOf(FIREWALL))) expect(rule.project).toBe('net-host-prod');
  });

  it('gives each rule a stable construct id', () => {
    let firewall: FirewallBaseline | undefined;
    synth((scope) => {
      firewall = new FirewallBaseline(scope, 'firewall', { ...props, internalRanges: { apps: '10.0.0.0/20' } });
    });
    expect([firewall?.denyAllIngress.node.id, firewall?.allowIapAdmin?.node.id, firewall?.allowInternal?.node.id]).toEqual([
      'deny-all-ingress',
      'allow-iap-admin',
      'allow-internal',
    ]);
  });

  it('skips validation of values that are only known at apply time', () => {
    const out = synth((scope) => {
      const port = new TerraformVariable(scope, 'port', { type: 'string' });
      const range = new TerraformVariable(scope, 'range', { type: 'string' });
      new FirewallBaseline(scope, 'firewall', { ...props, adminPorts: [port.stringValue], internalRanges: { peer: range.stringValue } });
    });
    expect(out.count(FIREWALL)).toBe(3);
  });

  it.each<[string, Partial<FirewallBaselineProps>, RegExp]>([
    ['port 0', { adminPorts: ['0'] }, /adminPorts entry '0' is not a port \(1-65535\)/],
    ['a port above 65535', { adminPorts: ['65536'] }, /adminPorts entry '65536' is not a port/],
    ['a reversed port range', { adminPorts: ['8080-8000'] }, /adminPorts entry '8080-8000' is not a port/],
    ['a service name', { adminPorts: ['ssh'] }, /adminPorts entry 'ssh' is not a port/],
    ['a comma-separated list in one entry', { adminPorts: ['22,3389'] }, /adminPorts entry '22,3389' is not a port/],
    ['an empty entry', { adminPorts: [''] }, /adminPorts entry '' is not a port/],
    ['a port listed twice', { adminPorts: ['22', '22'] }, /adminPorts entry '22' is listed more than once/],
    ['the whole internet as an internal range', { internalRanges: { all: '0.0.0.0/0' } }, /internalRanges 'all' 0\.0\.0\.0\/0 is the whole internet/],
    ['an internal range broader than /8', { internalRanges: { half: '0.0.0.0/1' } }, /internalRanges 'half' 0\.0\.0\.0\/1 is too broad to be internal/],
    [
      'an internal range with host bits set',
      { internalRanges: { apps: '10.0.0.1/20' } },
      /internalRanges 'apps' 10\.0\.0\.1\/20 is not a valid CIDR \(host bits set\)/,
    ],
    ['an internal range that is not a CIDR', { internalRanges: { apps: 'apps-subnet' } }, /internalRanges 'apps' apps-subnet is not a valid CIDR/],
    ['a name prefix with capitals', { namePrefix: 'Prod' }, /namePrefix 'Prod' is not a valid GCP resource name/],
    ['a name prefix too long for the rule names', { namePrefix: 'p'.repeat(47) }, /namePrefix 'p{47}' is too long: at most 46 characters/],
    ['an empty network', { network: '' }, /network is empty/],
  ])('refuses %s', (_case, override, message) => {
    expect(() => baseline(override)).toThrow(message);
  });
});

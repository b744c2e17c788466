import { ComputeBackendService } from '@cdktf/provider-google/lib/compute-backend-service';
import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeGlobalForwardingRule } from '@cdktf/provider-google/lib/compute-global-forwarding-rule';
import { ComputeManagedSslCertificate } from '@cdktf/provider-google/lib/compute-managed-ssl-certificate';
import { ComputeSslPolicy } from '@cdktf/provider-google/lib/compute-ssl-policy';
import { ComputeTargetHttpProxy } from '@cdktf/provider-google/lib/compute-target-http-proxy';
import { ComputeTargetHttpsProxy } from '@cdktf/provider-google/lib/compute-target-https-proxy';
import { ComputeUrlMap } from '@cdktf/provider-google/lib/compute-url-map';
import { IapWebBackendServiceIamMember } from '@cdktf/provider-google/lib/iap-web-backend-service-iam-member';
import type { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { CloudArmorPolicy } from './cloud-armor-policy';
import { ExternalHttpsLoadBalancer, type ExternalHttpsLoadBalancerProps } from './external-https-load-balancer';
import { ServerlessNeg } from './serverless-neg';
import { named, only, synth } from './__fixtures__/synth';

const POLICY = 'projects/acme-platform-prod/global/securityPolicies/orders-edge';
const NEG = 'projects/acme-platform-prod/regions/europe-west1/networkEndpointGroups/orders-api-neg';
const props: ExternalHttpsLoadBalancerProps = {
  name: 'orders-edge',
  domains: ['orders.acme.example', 'api.acme.example'],
  backends: { ew1: NEG },
  securityPolicy: POLICY,
};
const lb = (override: Partial<ExternalHttpsLoadBalancerProps> = {}) => (scope: Construct) =>
  new ExternalHttpsLoadBalancer(scope, 'lb', { ...props, ...override });
const FORWARDING = ComputeGlobalForwardingRule.tfResourceType;

describe('ExternalHttpsLoadBalancer', () => {
  describe('given domains, a serverless NEG and a Cloud Armor policy', () => {
    const out = synth(lb());

    it('creates the HTTPS chain and the HTTP redirect: 10 resources', () => {
      expect(out.count()).toBe(10);
      expect(out.count(ComputeUrlMap.tfResourceType)).toBe(2);
      expect(out.count(FORWARDING)).toBe(2);
    });

    it('reserves one global external IPv4 address for both entry points', () => {
      expect(out.json).toHaveResourceWithProperties(ComputeGlobalAddress, { name: 'orders-edge-ip', address_type: 'EXTERNAL', ip_version: 'IPV4' });
      for (const rule of Object.values(out.resourcesOf(FORWARDING))) {
        expect(rule.ip_address).toMatch(/^\$\{google_compute_global_address\.lb_address_\w+\.id\}$/);
      }
    });

    it('serves the backend through an EXTERNAL_MANAGED backend service with Cloud Armor, logging on and IAP off', () => {
      expect(only(out, ComputeBackendService.tfResourceType)).toMatchObject({
        name: 'orders-edge-backend',
        load_balancing_scheme: 'EXTERNAL_MANAGED',
        protocol: 'HTTPS',
        backend: [{ group: NEG }],
        security_policy: POLICY,
        enable_cdn: false,
        log_config: { enable: true, sample_rate: 1 },
        iap: { enabled: false },
      });
    });

    it('terminates TLS 1.2 or later with a Google-managed certificate for the domains, sorted', () => {
      const certificate = only(out, ComputeManagedSslCertificate.tfResourceType);
      expect(certificate).toMatchObject({ type: 'MANAGED', managed: { domains: ['api.acme.example', 'orders.acme.example'] }, lifecycle: { create_before_destroy: true } });
      expect(certificate.name).toMatch(/^orders-edge-cert-[0-9a-f]{8}$/);
      expect(out.json).toHaveResourceWithProperties(ComputeSslPolicy, { name: 'orders-edge-tls', profile: 'MODERN', min_tls_version: 'TLS_1_2' });
      expect(only(out, ComputeTargetHttpsProxy.tfResourceType)).toMatchObject({
        ssl_certificates: [expect.stringMatching(/^\$\{google_compute_managed_ssl_certificate\.lb_certificate_\w+\.id\}$/)],
        ssl_policy: expect.stringMatching(/^\$\{google_compute_ssl_policy\.lb_ssl-policy_\w+\.id\}$/),
      });
    });

    it('listens on 443 for HTTPS and on 80 only to redirect to HTTPS with a 301', () => {
      expect(named(out, FORWARDING, 'orders-edge-https')).toMatchObject({ port_range: '443', ip_protocol: 'TCP', load_balancing_scheme: 'EXTERNAL_MANAGED' });
      expect(named(out, FORWARDING, 'orders-edge-https').target).toMatch(/google_compute_target_https_proxy/);
      expect(named(out, FORWARDING, 'orders-edge-http')).toMatchObject({ port_range: '80', load_balancing_scheme: 'EXTERNAL_MANAGED' });
      expect(named(out, FORWARDING, 'orders-edge-http').target).toMatch(/google_compute_target_http_proxy/);
      expect(named(out, ComputeUrlMap.tfResourceType, 'orders-edge-redirect')).toMatchObject({
        default_url_redirect: { https_redirect: true, strip_query: false, redirect_response_code: 'MOVED_PERMANENTLY_DEFAULT' },
      });
      expect(named(out, ComputeUrlMap.tfResourceType, 'orders-edge-redirect').default_service).toBeUndefined();
      expect(named(out, ComputeUrlMap.tfResourceType, 'orders-edge-url-map').default_service).toMatch(/google_compute_backend_service\.lb_backend_\w+\.id/);
    });
  });

  it('names the certificate after the set of domains, not their order, so a new set gets a new certificate', () => {
    const certName = (domains: string[]) => only(synth(lb({ domains })), ComputeManagedSslCertificate.tfResourceType).name;
    expect(certName(['b.acme.example', 'a.acme.example'])).toBe(certName(['a.acme.example', 'b.acme.example']));
    expect(certName(['a.acme.example'])).not.toBe(certName(['a.acme.example', 'b.acme.example']));
  });

  it('takes the policy and the NEG as constructs', () => {
    const out = synth((scope) => {
      const armor = new CloudArmorPolicy(scope, 'armor', { name: 'orders-edge', defaultAction: 'allow' });
      const neg = new ServerlessNeg(scope, 'neg', { name: 'orders-api-neg', region: 'europe-west1', cloudRunService: 'orders-api' });
      new ExternalHttpsLoadBalancer(scope, 'lb', { ...props, securityPolicy: armor, backends: { ew1: neg.id } });
    });
    expect(only(out, ComputeBackendService.tfResourceType)).toMatchObject({
      security_policy: expect.stringMatching(/^\$\{google_compute_security_policy\.armor_default_\w+\.id\}$/),
      backend: [{ group: expect.stringMatching(/^\$\{google_compute_region_network_endpoint_group\.neg_default_\w+\.id\}$/) }],
    });
  });

  it('leaves port 80 closed, uses RESTRICTED and samples logs when asked', () => {
    const out = synth(lb({ httpRedirect: false, sslProfile: 'RESTRICTED', logSampleRate: 0.5, project: 'acme-platform-prod' }));
    expect(out.count()).toBe(7);
    expect(out.count(ComputeTargetHttpProxy.tfResourceType)).toBe(0);
    expect(out.json).toHaveResourceWithProperties(ComputeSslPolicy, { profile: 'RESTRICTED', project: 'acme-platform-prod' });
    expect(only(out, ComputeBackendService.tfResourceType).log_config).toEqual({ enable: true, sample_rate: 0.5 });
  });

  describe('with IAP', () => {
    it('turns IAP on with the Google-managed OAuth client and grants access on the backend service only', () => {
      const out = synth((scope) => {
        const balancer = new ExternalHttpsLoadBalancer(scope, 'lb', { ...props, iap: true });
        balancer.grantIapAccess('group:orders-team@acme.example');
      });
      expect(only(out, ComputeBackendService.tfResourceType).iap).toEqual({ enabled: true });
      expect(only(out, IapWebBackendServiceIamMember.tfResourceType)).toMatchObject({
        web_backend_service: expect.stringMatching(/^\$\{google_compute_backend_service\.lb_backend_\w+\.name\}$/),
        role: 'roles/iap.httpsResourceAccessor',
        member: 'group:orders-team@acme.example',
      });
    });

    it('refuses access grants while IAP is off, and public members', () => {
      expect(() => synth((scope) => lb()(scope).grantIapAccess('group:orders-team@acme.example'))).toThrow(/IAP is off on this load balancer; set iap: true/);
      expect(() => synth((scope) => lb({ iap: true })(scope).grantIapAccess('allAuthenticatedUsers'))).toThrow(/would make the resource public/);
    });
  });

  describe('refuses bad input', () => {
    it.each<[string, Partial<ExternalHttpsLoadBalancerProps>, RegExp]>([
      ['no Cloud Armor policy (from JavaScript)', { securityPolicy: undefined as unknown as string }, /securityPolicy is required: an external backend must be protected by a Cloud Armor policy/],
      ['an empty Cloud Armor policy', { securityPolicy: '' }, /securityPolicy is required/],
      ['a policy id that is not one', { securityPolicy: 'orders-edge' }, /securityPolicy 'orders-edge' is not a security policy id/],
      ['a name too long for the derived names', { name: 'a'.repeat(50) }, /name 'a{50}' is 50 characters; at most 49/],
      ['a name with capitals', { name: 'Orders' }, /name 'Orders' is not a valid GCP resource name/],
      ['no domains', { domains: [] }, /domains is empty/],
      ['a wildcard domain', { domains: ['*.acme.example'] }, /domains '\*\.acme\.example' is a wildcard/],
      ['a domain with capitals', { domains: ['Orders.acme.example'] }, /domains 'Orders\.acme\.example' is not a fully qualified domain name/],
      ['a bare host name', { domains: ['orders'] }, /domains 'orders' is not a fully qualified domain name/],
      ['a domain listed twice', { domains: ['a.acme.example', 'a.acme.example'] }, /domains 'a\.acme\.example' is listed twice/],
      ['more than 100 domains', { domains: Array.from({ length: 101 }, (_, i) => `d${i}.acme.example`) }, /domains has 101 entries/],
      ['no backends', { backends: {} }, /backends is empty/],
      ['an SSL profile that allows weak ciphers', { sslProfile: 'COMPATIBLE' as 'MODERN' }, /sslProfile 'COMPATIBLE' must be 'MODERN' or 'RESTRICTED'/],
      ['a log sample rate above 1', { logSampleRate: 2 }, /logSampleRate 2 must be between 0 and 1/],
    ])('refuses %s', (_case, override, message) => {
      expect(() => synth(lb(override))).toThrow(message);
    });
  });
});

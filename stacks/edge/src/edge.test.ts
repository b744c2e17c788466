import { findWorkspaceRoot } from '@platform/config';
import { synthesizeInEveryEnvironment } from '@platform/core';
import { parseEach } from '@platform/testing';
import { describe, expect, it } from 'vitest';
import edgeStack from './index';
import { edgeSettings } from './settings';

const workspaceRoot = findWorkspaceRoot(import.meta.dirname);
const synthesized = parseEach(synthesizeInEveryEnvironment(edgeStack, workspaceRoot));
const environments = [...synthesized];
const stackIn = (name: string) => synthesized.get(name)!;
const PROJECT_NUMBERS: Record<string, string> = { dev: '100000000001', staging: '100000000002', prod: '100000000003', drill: '100000000009' };
const APP = '${data.terraform_remote_state.upstream-app-service.outputs';

type Rule = { priority: number; action: string; match: { expr?: { expression: string } }; rate_limit_options?: Record<string, unknown> };
const rulesIn = (env: string) => stackIn(env).single('google_compute_security_policy').rule as Rule[];

describe('edge stack', () => {
  it('synthesizes in every environment with the guardrails holding', () => {
    expect(environments.map(([name]) => name)).toEqual(['dev', 'drill', 'prod', 'staging']);
  });

  describe.each(environments)('in %s', (env, stack) => {
    it("points a serverless NEG at the app service's Cloud Run service, in its region", () => {
      expect(stack.single('google_compute_region_network_endpoint_group')).toMatchObject({
        name: `${env}-edge-neg`,
        network_endpoint_type: 'SERVERLESS',
        region: `${APP}.location}`,
        cloud_run: { service: `${APP}.service_name}` },
      });
    });

    it('puts the backend behind Cloud Armor and IAP on an EXTERNAL_MANAGED load balancer with logging on', () => {
      expect(stack.single('google_compute_backend_service')).toMatchObject({
        load_balancing_scheme: 'EXTERNAL_MANAGED',
        security_policy: expect.stringMatching(/^\$\{google_compute_security_policy\.armor_default_\w+\.id\}$/),
        iap: { enabled: true },
        log_config: { enable: true },
        backend: [{ group: expect.stringMatching(/^\$\{google_compute_region_network_endpoint_group\.neg_default_\w+\.id\}$/) }],
      });
    });

    it('protects with the WAF rule sets, a per-IP rate-based ban and layer-7 adaptive protection', () => {
      const policy = stack.single('google_compute_security_policy');
      expect(policy.adaptive_protection_config).toEqual({ layer_7_ddos_defense_config: { enable: true, rule_visibility: 'STANDARD' } });
      const expressions = (policy.rule as Rule[]).map((r) => r.match.expr?.expression ?? '').join('\n');
      for (const set of ['sqli-v33-stable', 'xss-v33-stable', 'lfi-v33-stable', 'rce-v33-stable']) expect(expressions).toContain(`'${set}'`);
      expect((policy.rule as Rule[]).find((r) => r.action === 'rate_based_ban')?.rate_limit_options).toMatchObject({ enforce_on_key: 'IP' });
    });

    it('serves HTTPS only with TLS 1.2 or later and redirects port 80 to HTTPS', () => {
      expect(stack.single('google_compute_ssl_policy')).toMatchObject({ min_tls_version: 'TLS_1_2' });
      const ports = Object.values(stack.resourcesOf('google_compute_global_forwarding_rule')).map((r) => r.port_range).sort();
      expect(ports).toEqual(['443', '80']);
      expect(stack.json).toHaveResourceWithProperties('google_compute_url_map', { default_url_redirect: { https_redirect: true } });
    });

    it("lets only the project's IAP service agent invoke the Cloud Run service, on the service", () => {
      expect(stack.single('google_cloud_run_v2_service_iam_member')).toMatchObject({
        name: `${APP}.service_name}`,
        location: `${APP}.location}`,
        role: 'roles/run.invoker',
        member: `serviceAccount:service-${PROJECT_NUMBERS[env]}@gcp-sa-iap.iam.gserviceaccount.com`,
      });
      expect(stack.json).not.toMatch(/allUsers|allAuthenticatedUsers/);
    });

    it('lets the configured groups through IAP, on the backend service only', () => {
      const grants = Object.values(stack.resourcesOf('google_iap_web_backend_service_iam_member'));
      expect(grants.length).toBeGreaterThan(0);
      for (const grant of grants) {
        expect(grant).toMatchObject({ role: 'roles/iap.httpsResourceAccessor', member: expect.stringMatching(/^group:/) });
      }
      expect(stack.count('google_project_iam_member')).toBe(0);
    });

    it('publishes the outputs of its contract', () => {
      expect(Object.keys(stack.output).sort()).toEqual(['backend_service_id', 'domains', 'load_balancer_ip', 'security_policy_id']);
      expect(stack.output.load_balancer_ip!.value).toMatch(/^\$\{google_compute_global_address\.lb_address_\w+\.address\}$/);
      expect(stack.output.domains!.value).toEqual((stack.single('google_compute_managed_ssl_certificate').managed as { domains: string[] }).domains);
    });

    it('reads only the app service', () => {
      expect(Object.keys(stack.data.terraform_remote_state ?? {})).toEqual(['upstream-app-service']);
    });
  });

  it('is stricter in prod: RESTRICTED TLS, WAF sensitivity 2, a longer ban', () => {
    expect(stackIn('prod').single('google_compute_ssl_policy').profile).toBe('RESTRICTED');
    expect(stackIn('dev').single('google_compute_ssl_policy').profile).toBe('MODERN');
    const waf = (env: string) => rulesIn(env).find((r) => r.match.expr?.expression.includes('sqli-v33-stable'))!.match.expr!.expression;
    expect(waf('prod')).toContain("{'sensitivity': 2}");
    expect(waf('dev')).toContain("{'sensitivity': 1}");
    const ban = (env: string) => rulesIn(env).find((r) => r.action === 'rate_based_ban')!.rate_limit_options!.ban_duration_sec;
    expect(ban('prod')).toBeGreaterThan(ban('dev') as number);
  });

  describe('settings', () => {
    const valid = { domains: ['orders.acme.example'], accessGroups: ['orders@acme.example'], armor: {} };

    it('default to allow with WAF sensitivity 1 and 500 requests a minute', () => {
      expect(edgeSettings.parse(valid).armor).toEqual({
        defaultAction: 'allow',
        wafSensitivity: 1,
        rateLimit: { count: 500, intervalSec: 60, banDurationSec: 600 },
        allowRanges: {},
        denyRanges: {},
      });
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
      ['no domains', { domains: [] }, /domains/],
      ['a wildcard domain', { domains: ['*.acme.example'] }, /without wildcards/],
      ['no IAP group', { accessGroups: [] }, /IAP lets nobody else through/],
      ['a group given as a member string', { accessGroups: ['group:orders@acme.example'] }, /must be a Google group email/],
      ['a COMPATIBLE TLS profile', { sslProfile: 'COMPATIBLE' }, /sslProfile/],
      ['a WAF sensitivity of 0', { armor: { wafSensitivity: 0 } }, /wafSensitivity/],
      ['a rate-limit interval Cloud Armor does not offer', { armor: { rateLimit: { intervalSec: 45 } } }, /intervalSec/],
      ['a deny rule with eleven ranges', { armor: { denyRanges: { a: { priority: 1, ranges: Array(11).fill('198.51.100.0/24') } } } }, /ranges/],
    ])('refuse %s', (_case, override, message) => {
      const result = edgeSettings.safeParse({ ...valid, ...override });
      expect(result.success).toBe(false);
      expect(JSON.stringify(result.error?.issues)).toMatch(message);
    });
  });
});

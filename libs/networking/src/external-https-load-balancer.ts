import { createHash } from 'node:crypto';
import { ComputeBackendService } from '@cdktf/provider-google/lib/compute-backend-service';
import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeGlobalForwardingRule } from '@cdktf/provider-google/lib/compute-global-forwarding-rule';
import { ComputeManagedSslCertificate } from '@cdktf/provider-google/lib/compute-managed-ssl-certificate';
import { ComputeSslPolicy } from '@cdktf/provider-google/lib/compute-ssl-policy';
import { ComputeTargetHttpProxy } from '@cdktf/provider-google/lib/compute-target-http-proxy';
import { ComputeTargetHttpsProxy } from '@cdktf/provider-google/lib/compute-target-https-proxy';
import { ComputeUrlMap } from '@cdktf/provider-google/lib/compute-url-map';
import { IapWebBackendServiceIamMember } from '@cdktf/provider-google/lib/iap-web-backend-service-iam-member';
import { Roles, type Grantee } from '@platform/security';
import { Construct } from 'constructs';
import type { CloudArmorPolicy } from './cloud-armor-policy';
import { grantOf } from './grants';
import { isKnown, Problems } from './validation';

/** Longest `name`: the longest derived name, `<name>-cert-<8 hex>`, must stay within 63 characters. */
const MAX_NAME = 49;
const MAX_DOMAINS = 100;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const SECURITY_POLICY = /(^|\/)projects\/[^/]+\/global\/securityPolicies\/[^/]+$/;

/** Props of an {@link ExternalHttpsLoadBalancer}. */
export interface ExternalHttpsLoadBalancerProps {
  /** Prefix of every resource name (RFC 1035, at most 49 characters), e.g. `orders-edge`. */
  readonly name: string;
  /**
   * Project that owns the load balancer.
   * @default - the provider's project
   */
  readonly project?: string;
  /**
   * Domains served, 1 to 100 fully qualified names without wildcards (Google-managed certificates
   * do not issue wildcards). Each must resolve to the load balancer's address for the certificate
   * to be issued. A change creates a new certificate before the old one is removed.
   */
  readonly domains: readonly string[];
  /** Backends by stable key: ids or self links of serverless NEGs (`ServerlessNeg.id`). At least one. */
  readonly backends: Readonly<Record<string, string>>;
  /**
   * The Cloud Armor policy in front of the backend: a {@link CloudArmorPolicy} or a policy id. Required:
   * an external backend without Cloud Armor is not possible through this construct.
   */
  readonly securityPolicy: CloudArmorPolicy | string;
  /**
   * Identity-Aware Proxy on the backend, with the Google-managed OAuth client: only principals
   * granted {@link ExternalHttpsLoadBalancer.grantIapAccess} get through. The Cloud Run service must
   * let the IAP service agent invoke it (`ServerlessNeg.grantInvoker`).
   * @default false
   */
  readonly iap?: boolean;
  /**
   * SSL policy profile; the minimum TLS version is always 1.2.
   * @default 'MODERN'
   */
  readonly sslProfile?: 'MODERN' | 'RESTRICTED';
  /**
   * Share of requests logged, 0 to 1 (logging itself is always on).
   * @default 1
   */
  readonly logSampleRate?: number;
  /**
   * Answers plain HTTP on port 80 with a 301 redirect to HTTPS on the same address; `false` leaves
   * port 80 closed.
   * @default true
   */
  readonly httpRedirect?: boolean;
}

/**
 * A global external Application Load Balancer (`EXTERNAL_MANAGED`) for serverless backends: a
 * global IPv4 address (construct id `address`), a Google-managed certificate for the domains
 * (`certificate`), an SSL policy with TLS 1.2 or later (`ssl-policy`), a backend service with the
 * NEGs, a required Cloud Armor policy, request logging and optional IAP (`backend`), a URL map
 * (`url-map`), an HTTPS proxy (`https-proxy`) and the forwarding rule on port 443 (`default`); and,
 * unless turned off, an HTTP-to-HTTPS redirect on port 80 (`redirect-url-map`, `http-proxy`, `http`).
 */
export class ExternalHttpsLoadBalancer extends Construct {
  /** The HTTPS `google_compute_global_forwarding_rule` on port 443 (construct id `default`). */
  readonly forwardingRule: ComputeGlobalForwardingRule;
  /** The `google_compute_global_address` both forwarding rules listen on. */
  readonly address: ComputeGlobalAddress;
  /** The `google_compute_backend_service`. */
  readonly backendService: ComputeBackendService;
  /** The `google_compute_managed_ssl_certificate`. */
  readonly certificate: ComputeManagedSslCertificate;
  /** The `google_compute_url_map` routing HTTPS requests to the backend service. */
  readonly urlMap: ComputeUrlMap;
  /** The redirecting HTTP `google_compute_global_forwarding_rule` on port 80, unless `httpRedirect` is false. */
  readonly httpForwardingRule?: ComputeGlobalForwardingRule;
  /** The domains served, sorted. */
  readonly domains: readonly string[];
  private readonly iap: boolean;
  private readonly project?: string;

  constructor(scope: Construct, id: string, props: ExternalHttpsLoadBalancerProps) {
    super(scope, id);
    validate(props).throwIfAny(this);

    const name = props.name;
    this.project = props.project;
    this.iap = props.iap ?? false;
    this.domains = [...props.domains].sort();
    const securityPolicy = typeof props.securityPolicy === 'string' ? props.securityPolicy : props.securityPolicy.id;

    this.address = new ComputeGlobalAddress(this, 'address', {
      name: `${name}-ip`,
      project: props.project,
      description: `Address of load balancer ${name}.`,
      addressType: 'EXTERNAL',
      ipVersion: 'IPV4',
    });

    // The name follows the domains, so a change creates the new certificate before the proxy lets go of the old one.
    this.certificate = new ComputeManagedSslCertificate(this, 'certificate', {
      name: `${name}-cert-${domainsHash(this.domains)}`,
      project: props.project,
      type: 'MANAGED',
      managed: { domains: [...this.domains] },
      lifecycle: { createBeforeDestroy: true },
    });

    const sslPolicy = new ComputeSslPolicy(this, 'ssl-policy', {
      name: `${name}-tls`,
      project: props.project,
      description: `TLS 1.2 or later for load balancer ${name}.`,
      profile: props.sslProfile ?? 'MODERN',
      minTlsVersion: 'TLS_1_2',
    });

    this.backendService = new ComputeBackendService(this, 'backend', {
      name: `${name}-backend`,
      project: props.project,
      description: `Backends of load balancer ${name}.`,
      loadBalancingScheme: 'EXTERNAL_MANAGED',
      protocol: 'HTTPS',
      backend: Object.values(props.backends).map((group) => ({ group })),
      securityPolicy,
      enableCdn: false,
      logConfig: { enable: true, sampleRate: props.logSampleRate ?? 1 },
      iap: { enabled: this.iap },
    });

    this.urlMap = new ComputeUrlMap(this, 'url-map', {
      name: `${name}-url-map`,
      project: props.project,
      description: `Routes of load balancer ${name}.`,
      defaultService: this.backendService.id,
    });

    const httpsProxy = new ComputeTargetHttpsProxy(this, 'https-proxy', {
      name: `${name}-https-proxy`,
      project: props.project,
      urlMap: this.urlMap.id,
      sslCertificates: [this.certificate.id],
      sslPolicy: sslPolicy.id,
    });

    this.forwardingRule = new ComputeGlobalForwardingRule(this, 'default', {
      name: `${name}-https`,
      project: props.project,
      description: `HTTPS entry point of load balancer ${name}.`,
      loadBalancingScheme: 'EXTERNAL_MANAGED',
      ipProtocol: 'TCP',
      portRange: '443',
      ipAddress: this.address.id,
      target: httpsProxy.id,
    });

    if (props.httpRedirect ?? true) {
      const redirect = new ComputeUrlMap(this, 'redirect-url-map', {
        name: `${name}-redirect`,
        project: props.project,
        description: `Redirects HTTP to HTTPS for load balancer ${name}.`,
        defaultUrlRedirect: { httpsRedirect: true, stripQuery: false, redirectResponseCode: 'MOVED_PERMANENTLY_DEFAULT' },
      });
      const httpProxy = new ComputeTargetHttpProxy(this, 'http-proxy', {
        name: `${name}-http-proxy`,
        project: props.project,
        urlMap: redirect.id,
      });
      this.httpForwardingRule = new ComputeGlobalForwardingRule(this, 'http', {
        name: `${name}-http`,
        project: props.project,
        description: `HTTP entry point of load balancer ${name}: redirects to HTTPS.`,
        loadBalancingScheme: 'EXTERNAL_MANAGED',
        ipProtocol: 'TCP',
        portRange: '80',
        ipAddress: this.address.id,
        target: httpProxy.id,
      });
    }
  }

  /** The load balancer's IPv4 address: point the domains' DNS A records at it. */
  get ipAddress(): string {
    return this.address.address;
  }

  /** Backend service id, `projects/{project}/global/backendServices/{name}`. */
  get backendServiceId(): string {
    return this.backendService.id;
  }

  /**
   * Lets `grantee` through Identity-Aware Proxy to the backend (`roles/iap.httpsResourceAccessor` on
   * the backend service, not the project). Only possible with `iap: true`; public members are refused.
   * @param id construct id of the grant. @default - derived from the member
   */
  grantIapAccess(grantee: Grantee, id?: string): IapWebBackendServiceIamMember {
    const what = `ExternalHttpsLoadBalancer '${this.node.id}' grantIapAccess`;
    if (!this.iap) throw new Error(`${what}: IAP is off on this load balancer; set iap: true first`);
    const grant = grantOf(this, 'iap-access', grantee, id, what);
    return new IapWebBackendServiceIamMember(this, grant.id, {
      project: this.project,
      webBackendService: this.backendService.name,
      role: Roles.iapHttpsResourceAccessor,
      member: grant.member,
    });
  }
}

/** Eight hex characters that change whenever the set of domains changes. */
function domainsHash(sortedDomains: readonly string[]): string {
  return createHash('sha256').update(sortedDomains.join('\n')).digest('hex').slice(0, 8);
}

function validate(props: ExternalHttpsLoadBalancerProps): Problems {
  const problems = new Problems();
  problems.name('name', props.name);
  if (isKnown(props.name) && typeof props.name === 'string' && props.name.length > MAX_NAME) {
    problems.add(`name '${props.name}' is ${props.name.length} characters; at most ${MAX_NAME} leave room for the derived names such as '<name>-cert-<hash>'`);
  }

  const domains = props.domains ?? [];
  if (!Array.isArray(domains) || domains.length === 0) problems.add('domains is empty: give at least one domain for the certificate');
  else if (domains.length > MAX_DOMAINS) problems.add(`domains has ${domains.length} entries; a managed certificate takes at most ${MAX_DOMAINS}`);
  const seen = new Set<string>();
  for (const domain of Array.isArray(domains) ? domains : []) {
    if (!isKnown(domain)) continue;
    if (typeof domain === 'string' && domain.startsWith('*.')) {
      problems.add(`domains '${domain}' is a wildcard; Google-managed certificates do not issue wildcards`);
    } else if (typeof domain !== 'string' || !DOMAIN.test(domain)) {
      problems.add(`domains '${String(domain)}' is not a fully qualified domain name in lowercase (e.g. 'orders.example.com')`);
    } else if (seen.has(domain)) {
      problems.add(`domains '${domain}' is listed twice`);
    }
    seen.add(domain);
  }

  if (Object.keys(props.backends ?? {}).length === 0) problems.add('backends is empty: give at least one serverless NEG');
  for (const [key, group] of Object.entries(props.backends ?? {})) {
    if (isKnown(group) && (typeof group !== 'string' || group.trim() === '')) problems.add(`backends '${key}' is empty: pass a NEG id or self link`);
  }

  const policy = props.securityPolicy;
  if (policy === undefined || policy === null || (typeof policy === 'string' && policy.trim() === '')) {
    problems.add('securityPolicy is required: an external backend must be protected by a Cloud Armor policy');
  } else if (typeof policy === 'string' && isKnown(policy) && !SECURITY_POLICY.test(policy)) {
    problems.add(`securityPolicy '${policy}' is not a security policy id (projects/<project>/global/securityPolicies/<name>)`);
  }

  if (props.sslProfile !== undefined && props.sslProfile !== 'MODERN' && props.sslProfile !== 'RESTRICTED') {
    problems.add(`sslProfile '${String(props.sslProfile)}' must be 'MODERN' or 'RESTRICTED' (COMPATIBLE allows weak ciphers)`);
  }
  const rate = props.logSampleRate;
  if (rate !== undefined && isKnown(rate) && (typeof rate !== 'number' || Number.isNaN(rate) || rate < 0 || rate > 1)) {
    problems.add(`logSampleRate ${rate} must be between 0 and 1`);
  }
  return problems;
}

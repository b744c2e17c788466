import { z } from 'zod';

const domain = z
  .string()
  .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a fully qualified domain name in lowercase, without wildcards');
const groupEmail = z.string().regex(/^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]+$/, 'must be a Google group email such as orders-team@acme.example');
const key = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'must be a short lowercase name');
const priority = z.number().int().min(0).max(2_147_483_646);
const rangeRule = z.strictObject({
  /** Evaluation order (lower first); unique across the policy (the WAF rules use 2000-2070, the rate limit 1000). */
  priority,
  /** IPv4 or IPv6 CIDR blocks or addresses, 1 to 10. */
  ranges: z.array(z.string()).min(1).max(10),
});

export const edgeSettings = z.strictObject({
  /** Domains the load balancer serves; each needs a DNS A record to the published loadBalancerIp before Google issues the certificate. */
  domains: z.array(domain).min(1).max(100),
  /** Google groups let through Identity-Aware Proxy (roles/iap.httpsResourceAccessor on the backend service). IAP is always on. */
  accessGroups: z.array(groupEmail).min(1, 'must name at least one group: IAP lets nobody else through'),
  /** TLS profile; TLS 1.2 is the minimum either way. */
  sslProfile: z.enum(['MODERN', 'RESTRICTED']).default('MODERN'),
  /** Share of requests the load balancer logs (logging is always on). */
  logSampleRate: z.number().min(0).max(1).default(1),
  /** The Cloud Armor policy in front of the service. */
  armor: z.strictObject({
    /** What happens to requests no rule matched: allow (the WAF and the rate limit deny what is bad) or deny (only allowRanges get in). */
    defaultAction: z.enum(['allow', 'deny']).default('allow'),
    /** Sensitivity of the preconfigured WAF rules, 1 (fewest false positives) to 4. */
    wafSensitivity: z.number().int().min(1).max(4).default(1),
    /** Per-client (per-IP) rate-based ban. */
    rateLimit: z
      .strictObject({
        /** Requests a client may send per interval, then 429 and a ban. */
        count: z.number().int().min(1).max(10_000).default(500),
        /** Interval of the threshold, in seconds (the values Cloud Armor offers). */
        intervalSec: z.literal([10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700, 3600]).default(60),
        banDurationSec: z.number().int().min(1).max(86_400).default(600),
      })
      .default({ count: 500, intervalSec: 60, banDurationSec: 600 }),
    /** Source ranges allowed before the rate limit and WAF (by stable key). */
    allowRanges: z.record(key, rangeRule).default({}),
    /** Source ranges denied (by stable key). */
    denyRanges: z.record(key, rangeRule).default({}),
  }),
});

export type EdgeSettings = z.output<typeof edgeSettings>;

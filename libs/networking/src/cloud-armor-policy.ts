import {
  ComputeSecurityPolicy,
  type ComputeSecurityPolicyRule,
} from '@cdktf/provider-google/lib/compute-security-policy';
import { Construct } from 'constructs';
import { cidrProblem } from './cidr';
import { isKnown, Problems } from './validation';

/** Priority of the rule every policy ends with (match `*`); no other rule may take it. */
export const DEFAULT_RULE_PRIORITY = 2_147_483_647;

/** One preconfigured WAF rule of a {@link CloudArmorPolicy}. */
export interface WafRuleSpec {
  /** Preconfigured rule set, e.g. `sqli-v33-stable`. */
  readonly ruleSet: string;
  /** Evaluation priority (lower first), unique in the policy, 0 to 2147483646. */
  readonly priority: number;
  /**
   * Sensitivity level 1 (fewest false positives) to 4 (most signatures).
   * @default - the policy's `wafSensitivity`
   */
  readonly sensitivity?: number;
  /**
   * Signatures of the rule set not evaluated, for known false positives, e.g.
   * `owasp-crs-v030301-id942432-sqli`.
   * @default [] - every signature of the sensitivity level
   */
  readonly excludedSignatures?: readonly string[];
  /**
   * Logs matches without denying them, to try a rule before enforcing it.
   * @default false
   */
  readonly preview?: boolean;
}

/**
 * The WAF rules every policy has unless a key is set to `false` in `wafRules`: the OWASP Top 10
 * rule sets that suit an API. Method enforcement is left out: it denies PUT, PATCH and DELETE.
 */
export const DEFAULT_WAF_RULES: Readonly<Record<string, WafRuleSpec>> = {
  sqli: { ruleSet: 'sqli-v33-stable', priority: 2000 },
  xss: { ruleSet: 'xss-v33-stable', priority: 2010 },
  lfi: { ruleSet: 'lfi-v33-stable', priority: 2020 },
  rfi: { ruleSet: 'rfi-v33-stable', priority: 2030 },
  rce: { ruleSet: 'rce-v33-stable', priority: 2040 },
  'scanner-detection': { ruleSet: 'scannerdetection-v33-stable', priority: 2050 },
  'protocol-attack': { ruleSet: 'protocolattack-v33-stable', priority: 2060 },
  'session-fixation': { ruleSet: 'sessionfixation-v33-stable', priority: 2070 },
};

/** The per-client rate limit of a {@link CloudArmorPolicy}: a `rate_based_ban` rule matching every request. */
export interface RateLimitSpec {
  /**
   * Evaluation priority, unique in the policy.
   * @default 1000 - before the WAF rules, after allow and deny rules given lower numbers
   */
  readonly priority?: number;
  /**
   * Requests a client may send per `intervalSec`, 1 to 10000; above it, requests are denied with 429.
   * @default 500
   */
  readonly count?: number;
  /**
   * Interval of the threshold, in seconds: 10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700 or 3600.
   * @default 60
   */
  readonly intervalSec?: number;
  /**
   * How long a client that exceeded the threshold stays banned, in seconds (1 to 86400).
   * @default 600
   */
  readonly banDurationSec?: number;
  /**
   * What identifies a client: its IP, the first `X-Forwarded-For` address (behind another proxy), or
   * nothing (one limit for all traffic).
   * @default 'IP'
   */
  readonly enforceOnKey?: 'IP' | 'XFF_IP' | 'ALL';
}

/** An allow or deny rule of a {@link CloudArmorPolicy} by source ranges. */
export interface SourceRangeRule {
  /** Evaluation priority (lower first), unique in the policy, 0 to 2147483646. */
  readonly priority: number;
  /** 1 to 10 IPv4 or IPv6 CIDR blocks or addresses; never `*`, `0.0.0.0/0` or `::/0` (use `defaultAction`). */
  readonly ranges: readonly string[];
  /**
   * Rule description, at most 64 characters.
   * @default - `Allow '<key>'` or `Deny '<key>'`
   */
  readonly description?: string;
  /**
   * Logs matches without acting on them.
   * @default false
   */
  readonly preview?: boolean;
}

/** Props of a {@link CloudArmorPolicy}. */
export interface CloudArmorPolicyProps {
  /** Policy name (RFC 1035), e.g. `orders-edge`. */
  readonly name: string;
  /**
   * Project that owns the policy.
   * @default - the provider's project
   */
  readonly project?: string;
  /**
   * What happens to a request no other rule matched: `allow` for a public service (the WAF rules and
   * the rate limit deny what is bad), `deny` for one that only `allowRanges` may reach.
   */
  readonly defaultAction: 'allow' | 'deny';
  /**
   * HTTP status of every deny rule (the rate limit answers 429).
   * @default 403
   */
  readonly denyStatus?: 403 | 404 | 502;
  /**
   * Sensitivity of every WAF rule that does not set its own, 1 (fewest false positives) to 4.
   * @default 1
   */
  readonly wafSensitivity?: number;
  /**
   * WAF rules by stable key, merged over {@link DEFAULT_WAF_RULES}: a key of the defaults replaces
   * that rule (e.g. to preview it or exclude a signature), `false` removes it, a new key adds a rule.
   * @default {} - the default rules only
   */
  readonly wafRules?: Readonly<Record<string, WafRuleSpec | false>>;
  /**
   * The per-client rate limit (always on; tune it here).
   * @default - 500 requests per minute per IP, then a 10-minute ban
   */
  readonly rateLimit?: RateLimitSpec;
  /**
   * Source ranges allowed before the rate limit and WAF rules (give them lower priorities), by stable key.
   * @default {}
   */
  readonly allowRanges?: Readonly<Record<string, SourceRangeRule>>;
  /**
   * Source ranges denied, by stable key.
   * @default {}
   */
  readonly denyRanges?: Readonly<Record<string, SourceRangeRule>>;
  /**
   * Visibility of Adaptive Protection's layer-7 DDoS alerts (detection is always on); `PREMIUM`
   * needs Cloud Armor Enterprise.
   * @default 'STANDARD'
   */
  readonly adaptiveProtectionVisibility?: 'STANDARD' | 'PREMIUM';
  /**
   * Whether the WAF parses JSON request bodies, so signatures see JSON fields.
   * @default 'STANDARD'
   */
  readonly jsonParsing?: 'STANDARD' | 'DISABLED';
}

const RULE_SET = /^[a-z0-9]+-v\d+-(stable|canary)$/;
const SIGNATURE = /^[a-z0-9][a-z0-9-]*[a-z0-9]$/;
const INTERVALS = [10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700, 3600];
const MAX_RANGES_PER_RULE = 10;
const MAX_DESCRIPTION = 64;
const EVERYTHING = ['*', '0.0.0.0/0', '::/0'];
const IPV6_CIDR = /^[0-9a-f:]+(\/\d{1,3})?$/i;

/**
 * A Cloud Armor backend security policy (construct id `default`) with secure defaults: the
 * preconfigured OWASP WAF rules ({@link DEFAULT_WAF_RULES}), a per-client rate-based ban,
 * Adaptive Protection's layer-7 DDoS detection, JSON body parsing, allow and deny rules by source
 * ranges, and a default rule. Priorities are given explicitly, so adding a rule never moves another;
 * they are checked for clashes at construction.
 */
export class CloudArmorPolicy extends Construct {
  /** The `google_compute_security_policy` (construct id `default`). */
  readonly policy: ComputeSecurityPolicy;

  constructor(scope: Construct, id: string, props: CloudArmorPolicyProps) {
    super(scope, id);
    const wafRules = mergeWafRules(props.wafRules);
    validate(props, wafRules).throwIfAny(this);

    const deny = `deny(${props.denyStatus ?? 403})`;
    const sensitivity = props.wafSensitivity ?? 1;
    const rateLimit = props.rateLimit ?? {};
    const rules: ComputeSecurityPolicyRule[] = [];

    for (const [key, rule] of Object.entries(props.denyRanges ?? {})) {
      rules.push(rangeRule(deny, rule, `Deny '${key}'`));
    }
    for (const [key, rule] of Object.entries(props.allowRanges ?? {})) {
      rules.push(rangeRule('allow', rule, `Allow '${key}'`));
    }
    rules.push({
      priority: rateLimit.priority ?? 1000,
      action: 'rate_based_ban',
      description: 'Per-client rate limit',
      match: matchAll(),
      rateLimitOptions: {
        conformAction: 'allow',
        exceedAction: 'deny(429)',
        enforceOnKey: rateLimit.enforceOnKey ?? 'IP',
        rateLimitThreshold: { count: rateLimit.count ?? 500, intervalSec: rateLimit.intervalSec ?? 60 },
        banDurationSec: rateLimit.banDurationSec ?? 600,
      },
    });
    for (const [key, rule] of Object.entries(wafRules)) {
      const level = rule.sensitivity ?? sensitivity;
      const optOut = (rule.excludedSignatures ?? []).map((signature) => `'${signature}'`).join(', ');
      const options = optOut === '' ? `{'sensitivity': ${level}}` : `{'sensitivity': ${level}, 'opt_out_rule_ids': [${optOut}]}`;
      rules.push({
        priority: rule.priority,
        action: deny,
        description: truncate(`WAF '${key}': ${rule.ruleSet} sensitivity ${level}`),
        preview: rule.preview ?? false,
        match: { expr: { expression: `evaluatePreconfiguredWaf('${rule.ruleSet}', ${options})` } },
      });
    }
    rules.push({
      priority: DEFAULT_RULE_PRIORITY,
      action: props.defaultAction === 'allow' ? 'allow' : deny,
      description: `Default rule: ${props.defaultAction}`,
      match: matchAll(),
    });

    this.policy = new ComputeSecurityPolicy(this, 'default', {
      name: props.name,
      project: props.project,
      type: 'CLOUD_ARMOR',
      description: `Cloud Armor policy ${props.name}: WAF, rate limit, adaptive protection; default ${props.defaultAction}.`,
      rule: rules,
      adaptiveProtectionConfig: {
        layer7DdosDefenseConfig: { enable: true, ruleVisibility: props.adaptiveProtectionVisibility ?? 'STANDARD' },
      },
      advancedOptionsConfig: { jsonParsing: props.jsonParsing ?? 'STANDARD', logLevel: 'NORMAL' },
    });
  }

  /** Policy id, `projects/{project}/global/securityPolicies/{name}`: what a backend service's `security_policy` takes. */
  get id(): string {
    return this.policy.id;
  }

  /** Policy self link. */
  get selfLink(): string {
    return this.policy.selfLink;
  }

  /** Policy name. */
  get name(): string {
    return this.policy.name;
  }
}

function matchAll(): ComputeSecurityPolicyRule['match'] {
  return { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } };
}

function rangeRule(action: string, rule: SourceRangeRule, description: string): ComputeSecurityPolicyRule {
  return {
    priority: rule.priority,
    action,
    description: rule.description ?? truncate(description),
    preview: rule.preview ?? false,
    match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: [...rule.ranges] } },
  };
}

function truncate(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 3)}...`;
}

function mergeWafRules(overrides: CloudArmorPolicyProps['wafRules']): Record<string, WafRuleSpec> {
  const merged: Record<string, WafRuleSpec | false> = { ...DEFAULT_WAF_RULES, ...(overrides ?? {}) };
  return Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, WafRuleSpec] => entry[1] !== false));
}

function validate(props: CloudArmorPolicyProps, wafRules: Record<string, WafRuleSpec>): Problems {
  const problems = new Problems();
  problems.name('name', props.name);
  if (props.defaultAction !== 'allow' && props.defaultAction !== 'deny') {
    problems.add(`defaultAction '${String(props.defaultAction)}' must be 'allow' or 'deny'`);
  }
  if (props.denyStatus !== undefined && ![403, 404, 502].includes(props.denyStatus)) {
    problems.add(`denyStatus ${props.denyStatus} must be 403, 404 or 502`);
  }
  if (props.wafSensitivity !== undefined) checkSensitivity(problems, 'wafSensitivity', props.wafSensitivity);

  const priorities = new Map<number, string>();
  const priority = (label: string, value: number) => {
    if (!isKnown(value)) return;
    if (!Number.isInteger(value) || value < 0 || value >= DEFAULT_RULE_PRIORITY) {
      problems.add(`${label} priority ${value} must be an integer from 0 to ${DEFAULT_RULE_PRIORITY - 1} (${DEFAULT_RULE_PRIORITY} is the default rule's)`);
      return;
    }
    const owner = priorities.get(value);
    if (owner !== undefined) problems.add(`${label} priority ${value} is already used by ${owner}`);
    else priorities.set(value, label);
  };

  for (const [kind, rules] of [['denyRanges', props.denyRanges], ['allowRanges', props.allowRanges]] as const) {
    for (const [key, rule] of Object.entries(rules ?? {})) {
      const label = `${kind} '${key}'`;
      priority(label, rule.priority);
      checkRanges(problems, label, rule.ranges);
      if (rule.description !== undefined && rule.description.length > MAX_DESCRIPTION) {
        problems.add(`${label} description is ${rule.description.length} characters; Cloud Armor allows ${MAX_DESCRIPTION}`);
      }
    }
  }

  const rateLimit = props.rateLimit ?? {};
  priority('rateLimit', rateLimit.priority ?? 1000);
  const count = rateLimit.count;
  if (count !== undefined && isKnown(count) && (!Number.isInteger(count) || count < 1 || count > 10_000)) {
    problems.add(`rateLimit count ${count} must be an integer from 1 to 10000`);
  }
  const interval = rateLimit.intervalSec;
  if (interval !== undefined && isKnown(interval) && !INTERVALS.includes(interval)) {
    problems.add(`rateLimit intervalSec ${interval} must be one of ${INTERVALS.join(', ')}`);
  }
  const ban = rateLimit.banDurationSec;
  if (ban !== undefined && isKnown(ban) && (!Number.isInteger(ban) || ban < 1 || ban > 86_400)) {
    problems.add(`rateLimit banDurationSec ${ban} must be an integer from 1 to 86400`);
  }
  if (rateLimit.enforceOnKey !== undefined && !['IP', 'XFF_IP', 'ALL'].includes(rateLimit.enforceOnKey)) {
    problems.add(`rateLimit enforceOnKey '${String(rateLimit.enforceOnKey)}' must be 'IP', 'XFF_IP' or 'ALL'`);
  }

  if (Object.keys(wafRules).length === 0) {
    problems.add('wafRules removes every WAF rule: an external backend needs at least one preconfigured WAF rule');
  }
  for (const [key, rule] of Object.entries(wafRules)) {
    const label = `wafRules '${key}'`;
    priority(label, rule.priority);
    if (isKnown(rule.ruleSet) && !RULE_SET.test(rule.ruleSet)) {
      problems.add(`${label} ruleSet '${rule.ruleSet}' is not a preconfigured rule set name (e.g. 'sqli-v33-stable')`);
    }
    if (rule.sensitivity !== undefined) checkSensitivity(problems, `${label} sensitivity`, rule.sensitivity);
    for (const signature of rule.excludedSignatures ?? []) {
      if (isKnown(signature) && !SIGNATURE.test(signature)) {
        problems.add(`${label} excludedSignatures '${signature}' is not a signature id (e.g. 'owasp-crs-v030301-id942432-sqli')`);
      }
    }
  }
  return problems;
}

function checkSensitivity(problems: Problems, label: string, value: number): void {
  if (isKnown(value) && (!Number.isInteger(value) || value < 1 || value > 4)) {
    problems.add(`${label} ${value} must be an integer from 1 to 4`);
  }
}

function checkRanges(problems: Problems, label: string, ranges: readonly string[]): void {
  if (!isKnown(ranges)) return;
  if (!Array.isArray(ranges) || ranges.length === 0) return problems.add(`${label} ranges is empty: give 1 to ${MAX_RANGES_PER_RULE} ranges`);
  if (ranges.length > MAX_RANGES_PER_RULE) {
    problems.add(`${label} has ${ranges.length} ranges; Cloud Armor allows ${MAX_RANGES_PER_RULE} per rule: split it into several rules`);
  }
  for (const range of ranges) {
    if (!isKnown(range)) continue;
    if (EVERYTHING.includes(range)) {
      problems.add(`${label} range '${range}' matches every client: use defaultAction instead`);
      continue;
    }
    const problem = rangeProblem(range);
    if (problem !== undefined) problems.add(`${label} range '${range}' ${problem}`);
  }
}

/** Why a text is not an IPv4 or IPv6 address or CIDR block, or `undefined` when it is one. */
function rangeProblem(range: string): string | undefined {
  if (typeof range !== 'string') return 'is not an IP range';
  if (range.includes(':')) {
    const [address, prefix] = range.split('/');
    const groups = address.split('::');
    const ok =
      IPV6_CIDR.test(range) &&
      groups.length <= 2 &&
      address.split(':').every((group) => group.length <= 4) &&
      (prefix === undefined || Number(prefix) <= 128);
    return ok ? undefined : 'is not a valid IPv6 address or CIDR';
  }
  return cidrProblem(range.includes('/') ? range : `${range}/32`);
}

import { ComputeSecurityPolicy } from '@cdktf/provider-google/lib/compute-security-policy';
import { describe, expect, it } from 'vitest';
import { CloudArmorPolicy, DEFAULT_RULE_PRIORITY, DEFAULT_WAF_RULES, type CloudArmorPolicyProps } from './cloud-armor-policy';
import { only, synth } from './__fixtures__/synth';

type Rule = {
  priority: number;
  action: string;
  preview?: boolean;
  description?: string;
  match: { expr?: { expression: string }; versioned_expr?: string; config?: { src_ip_ranges: string[] } };
  rate_limit_options?: Record<string, unknown>;
};

function rulesOf(props: CloudArmorPolicyProps): Rule[] {
  const out = synth((scope) => new CloudArmorPolicy(scope, 'armor', props));
  return only(out, ComputeSecurityPolicy.tfResourceType).rule as Rule[];
}

const byPriority = (rules: Rule[], priority: number) => rules.find((r) => r.priority === priority)!;

describe('CloudArmorPolicy', () => {
  describe('given only a name and a default action', () => {
    const out = synth((scope) => new CloudArmorPolicy(scope, 'armor', { name: 'orders-edge', defaultAction: 'allow' }));
    const policy = only(out, ComputeSecurityPolicy.tfResourceType);
    const rules = policy.rule as Rule[];

    it('creates one backend security policy and nothing else', () => {
      expect(out.count()).toBe(1);
      expect(policy).toMatchObject({ name: 'orders-edge', type: 'CLOUD_ARMOR' });
    });

    it('evaluates every default WAF rule set at sensitivity 1 and denies with 403', () => {
      for (const spec of Object.values(DEFAULT_WAF_RULES)) {
        expect(byPriority(rules, spec.priority)).toMatchObject({
          action: 'deny(403)',
          preview: false,
          match: { expr: { expression: `evaluatePreconfiguredWaf('${spec.ruleSet}', {'sensitivity': 1})` } },
        });
      }
      expect(rules.filter((r) => r.match.expr?.expression.startsWith('evaluatePreconfiguredWaf'))).toHaveLength(8);
    });

    it('bans a client over 500 requests a minute from its IP for 10 minutes, answering 429', () => {
      expect(byPriority(rules, 1000)).toMatchObject({
        action: 'rate_based_ban',
        match: { versioned_expr: 'SRC_IPS_V1', config: { src_ip_ranges: ['*'] } },
        rate_limit_options: {
          conform_action: 'allow',
          exceed_action: 'deny(429)',
          enforce_on_key: 'IP',
          rate_limit_threshold: { count: 500, interval_sec: 60 },
          ban_duration_sec: 600,
        },
      });
    });

    it('ends with the default rule matching every source', () => {
      expect(byPriority(rules, DEFAULT_RULE_PRIORITY)).toMatchObject({
        action: 'allow',
        match: { versioned_expr: 'SRC_IPS_V1', config: { src_ip_ranges: ['*'] } },
      });
    });

    it('turns on layer-7 DDoS adaptive protection and JSON body parsing', () => {
      expect(policy).toMatchObject({
        adaptive_protection_config: { layer_7_ddos_defense_config: { enable: true, rule_visibility: 'STANDARD' } },
        advanced_options_config: { json_parsing: 'STANDARD', log_level: 'NORMAL' },
      });
    });

    it('keeps every rule description within the 64 characters Cloud Armor allows', () => {
      for (const rule of rules) expect(rule.description!.length).toBeLessThanOrEqual(64);
    });
  });

  it('denies by default, with the status asked, when the default action is deny', () => {
    const rules = rulesOf({ name: 'orders-edge', defaultAction: 'deny', denyStatus: 404 });
    expect(byPriority(rules, DEFAULT_RULE_PRIORITY).action).toBe('deny(404)');
    expect(byPriority(rules, DEFAULT_WAF_RULES.sqli.priority).action).toBe('deny(404)');
  });

  it('allows and denies source ranges at the priorities given', () => {
    const rules = rulesOf({
      name: 'orders-edge',
      defaultAction: 'allow',
      allowRanges: { office: { priority: 100, ranges: ['203.0.113.0/24', '2001:db8::/32'] } },
      denyRanges: { abuse: { priority: 50, ranges: ['198.51.100.7'], description: 'Known scraper' } },
    });
    expect(byPriority(rules, 100)).toMatchObject({
      action: 'allow',
      description: "Allow 'office'",
      match: { versioned_expr: 'SRC_IPS_V1', config: { src_ip_ranges: ['203.0.113.0/24', '2001:db8::/32'] } },
    });
    expect(byPriority(rules, 50)).toMatchObject({ action: 'deny(403)', description: 'Known scraper', match: { config: { src_ip_ranges: ['198.51.100.7'] } } });
  });

  it('applies the policy sensitivity, a rule own sensitivity, excluded signatures and preview', () => {
    const rules = rulesOf({
      name: 'orders-edge',
      defaultAction: 'allow',
      wafSensitivity: 2,
      wafRules: {
        sqli: { ruleSet: 'sqli-v33-stable', priority: 2000, sensitivity: 3, excludedSignatures: ['owasp-crs-v030301-id942432-sqli'] },
        xss: { ruleSet: 'xss-v33-stable', priority: 2010, preview: true },
      },
    });
    expect(byPriority(rules, 2000).match.expr!.expression).toBe(
      "evaluatePreconfiguredWaf('sqli-v33-stable', {'sensitivity': 3, 'opt_out_rule_ids': ['owasp-crs-v030301-id942432-sqli']})",
    );
    expect(byPriority(rules, 2010)).toMatchObject({ preview: true, match: { expr: { expression: "evaluatePreconfiguredWaf('xss-v33-stable', {'sensitivity': 2})" } } });
    expect(byPriority(rules, DEFAULT_WAF_RULES.lfi.priority).match.expr!.expression).toContain("{'sensitivity': 2}");
  });

  it('adds WAF rules by new keys and removes a default one only when set to false', () => {
    const rules = rulesOf({
      name: 'orders-edge',
      defaultAction: 'allow',
      wafRules: { 'scanner-detection': false, java: { ruleSet: 'java-v33-stable', priority: 2100 } },
    });
    const expressions = rules.map((r) => r.match.expr?.expression ?? '');
    expect(expressions.some((e) => e.includes('scannerdetection-v33-stable'))).toBe(false);
    expect(expressions.some((e) => e.includes('java-v33-stable'))).toBe(true);
    expect(expressions.some((e) => e.includes('sqli-v33-stable'))).toBe(true);
  });

  it('tunes the rate limit and the adaptive protection visibility', () => {
    const out = synth(
      (scope) =>
        new CloudArmorPolicy(scope, 'armor', {
          name: 'orders-edge',
          defaultAction: 'allow',
          rateLimit: { priority: 900, count: 100, intervalSec: 10, banDurationSec: 3600, enforceOnKey: 'XFF_IP' },
          adaptiveProtectionVisibility: 'PREMIUM',
          jsonParsing: 'DISABLED',
        }),
    );
    const policy = only(out, ComputeSecurityPolicy.tfResourceType);
    expect(byPriority(policy.rule as Rule[], 900).rate_limit_options).toMatchObject({
      enforce_on_key: 'XFF_IP',
      rate_limit_threshold: { count: 100, interval_sec: 10 },
      ban_duration_sec: 3600,
    });
    expect(policy).toMatchObject({
      adaptive_protection_config: { layer_7_ddos_defense_config: { rule_visibility: 'PREMIUM' } },
      advanced_options_config: { json_parsing: 'DISABLED' },
    });
  });

  it('exposes the policy with the construct id default', () => {
    let armor: CloudArmorPolicy | undefined;
    synth((scope) => {
      armor = new CloudArmorPolicy(scope, 'armor', { name: 'orders-edge', defaultAction: 'allow' });
    });
    expect(armor!.policy.node.id).toBe('default');
  });

  describe('refuses bad input', () => {
    const office = { priority: 100, ranges: ['203.0.113.0/24'] };
    it.each<[string, Partial<CloudArmorPolicyProps>, RegExp]>([
      ['a name with capitals', { name: 'Edge' }, /name 'Edge' is not a valid GCP resource name/],
      ['an unknown default action', { defaultAction: 'block' as 'deny' }, /defaultAction 'block' must be 'allow' or 'deny'/],
      ['a deny status Cloud Armor does not send', { denyStatus: 401 as 403 }, /denyStatus 401 must be 403, 404 or 502/],
      ['a sensitivity of 0', { wafSensitivity: 0 }, /wafSensitivity 0 must be an integer from 1 to 4/],
      ['a sensitivity of 5 on one rule', { wafRules: { sqli: { ruleSet: 'sqli-v33-stable', priority: 2000, sensitivity: 5 } } }, /wafRules 'sqli' sensitivity 5 must be an integer from 1 to 4/],
      ['a rule set name that is not one', { wafRules: { sqli: { ruleSet: 'sqli', priority: 2000 } } }, /wafRules 'sqli' ruleSet 'sqli' is not a preconfigured rule set name/],
      ['a signature with spaces', { wafRules: { sqli: { ruleSet: 'sqli-v33-stable', priority: 2000, excludedSignatures: ['id 942432'] } } }, /excludedSignatures 'id 942432' is not a signature id/],
      [
        'every WAF rule removed',
        { wafRules: Object.fromEntries(Object.keys(DEFAULT_WAF_RULES).map((key) => [key, false as const])) },
        /wafRules removes every WAF rule/,
      ],
      ['two rules with one priority', { allowRanges: { office: { ...office, priority: 2000 } } }, /wafRules 'sqli' priority 2000 is already used by allowRanges 'office'/],
      ['a rule at the default rule priority', { denyRanges: { bad: { ...office, priority: DEFAULT_RULE_PRIORITY } } }, /denyRanges 'bad' priority 2147483647 must be an integer from 0 to 2147483646/],
      ['a negative priority', { allowRanges: { office: { ...office, priority: -1 } } }, /allowRanges 'office' priority -1 must be an integer/],
      ['a rate limit at a WAF rule priority', { rateLimit: { priority: 2010 } }, /wafRules 'xss' priority 2010 is already used by rateLimit/],
      ['a rate limit of 0 requests', { rateLimit: { count: 0 } }, /rateLimit count 0 must be an integer from 1 to 10000/],
      ['a rate limit interval Cloud Armor does not offer', { rateLimit: { intervalSec: 45 } }, /rateLimit intervalSec 45 must be one of 10, 30, 60/],
      ['a ban longer than a day', { rateLimit: { banDurationSec: 90_000 } }, /rateLimit banDurationSec 90000 must be an integer from 1 to 86400/],
      ['an allow rule for every client', { allowRanges: { all: { ...office, ranges: ['0.0.0.0/0'] } } }, /allowRanges 'all' range '0\.0\.0\.0\/0' matches every client: use defaultAction/],
      ['a deny rule for *', { denyRanges: { all: { ...office, ranges: ['*'] } } }, /denyRanges 'all' range '\*' matches every client/],
      ['a range with host bits set', { allowRanges: { office: { ...office, ranges: ['203.0.113.1/24'] } } }, /allowRanges 'office' range '203\.0\.113\.1\/24' is not a valid CIDR \(host bits set\)/],
      ['an IPv6 range that is not one', { allowRanges: { office: { ...office, ranges: ['2001:db8:::1/200'] } } }, /range '2001:db8:::1\/200' is not a valid IPv6 address or CIDR/],
      ['no ranges', { allowRanges: { office: { ...office, ranges: [] } } }, /allowRanges 'office' ranges is empty/],
      [
        'more than 10 ranges in a rule',
        { allowRanges: { office: { ...office, ranges: Array.from({ length: 11 }, (_, i) => `203.0.113.${i}/32`) } } },
        /allowRanges 'office' has 11 ranges; Cloud Armor allows 10 per rule/,
      ],
      ['a description over 64 characters', { allowRanges: { office: { ...office, description: 'x'.repeat(65) } } }, /allowRanges 'office' description is 65 characters/],
    ])('refuses %s', (_case, override, message) => {
      expect(() => synth((scope) => new CloudArmorPolicy(scope, 'armor', { name: 'orders-edge', defaultAction: 'allow', ...override }))).toThrow(message);
    });
  });
});

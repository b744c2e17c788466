import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { Construct } from 'constructs';
import { cidrProblem, IAP_TCP_FORWARDING_RANGE, parseCidr } from './cidr';
import { isKnown, Problems } from './validation';

/** Priority of the catch-all deny: just above GCP's implied deny (65535), so denials are logged. */
export const DENY_ALL_PRIORITY = 65534;
/** Priority of the baseline allow rules. */
export const ALLOW_PRIORITY = 1000;

/** The longest rule-name suffix; the prefix must leave room for it within 63 characters. */
const LONGEST_SUFFIX = '-deny-all-ingress';
/** Broadest range accepted as "internal". */
const BROADEST_INTERNAL_PREFIX = 8;
const PORT = /^[1-9][0-9]{0,4}$/;
const PORT_RANGE = /^([1-9][0-9]{0,4})-([1-9][0-9]{0,4})$/;

/** Props of a {@link FirewallBaseline}. */
export interface FirewallBaselineProps {
  /** Network the rules apply to: a self link or id, e.g. `vpc.selfLink`. */
  readonly network: string;
  /** Prefix of every rule name (RFC 1035, at most 46 characters), e.g. `prod-core`. */
  readonly namePrefix: string;
  /**
   * Project that owns the network.
   * @default - the provider's project
   */
  readonly project?: string;
  /**
   * TCP ports (`'22'`) or port ranges (`'8000-8080'`) reachable through IAP TCP forwarding only
   * (source `35.235.240.0/20`). An empty list creates no admin rule.
   * @default ['22', '3389']
   */
  readonly adminPorts?: readonly string[];
  /**
   * Named CIDR ranges allowed to reach each other on all protocols, e.g.
   * `{ apps: '10.0.0.0/20', pods: '10.4.0.0/14' }`. Each must be a valid CIDR no broader than /8.
   * @default {} - no internal allow rule
   */
  readonly internalRanges?: Record<string, string>;
}

/**
 * The ingress baseline of a network: a logged deny-all at priority 65534, admin ports open only
 * to Identity-Aware Proxy TCP forwarding, and optionally all traffic between named internal
 * ranges. Every rule logs with all metadata.
 */
export class FirewallBaseline extends Construct {
  /** Denies all ingress from anywhere at priority 65534 (construct id `deny-all-ingress`). */
  readonly denyAllIngress: ComputeFirewall;
  /** Allows the admin ports from the IAP range only (construct id `allow-iap-admin`); absent when `adminPorts` is empty. */
  readonly allowIapAdmin?: ComputeFirewall;
  /** Allows all protocols between the internal ranges (construct id `allow-internal`); absent when there are none. */
  readonly allowInternal?: ComputeFirewall;

  constructor(scope: Construct, id: string, props: FirewallBaselineProps) {
    super(scope, id);
    const adminPorts = [...(props.adminPorts ?? ['22', '3389'])];
    const internalRanges = props.internalRanges ?? {};
    validate(props, adminPorts, internalRanges).throwIfAny(this);

    const common = {
      network: props.network,
      project: props.project,
      direction: 'INGRESS',
      logConfig: { metadata: 'INCLUDE_ALL_METADATA' },
    };

    this.denyAllIngress = new ComputeFirewall(this, 'deny-all-ingress', {
      ...common,
      name: `${props.namePrefix}-deny-all-ingress`,
      description: 'Denies and logs all ingress not allowed by a higher-priority rule.',
      priority: DENY_ALL_PRIORITY,
      sourceRanges: ['0.0.0.0/0'],
      deny: [{ protocol: 'all' }],
    });

    if (adminPorts.length > 0) {
      this.allowIapAdmin = new ComputeFirewall(this, 'allow-iap-admin', {
        ...common,
        name: `${props.namePrefix}-allow-iap-admin`,
        description: `Allows admin ports (TCP ${adminPorts.join(', ')}) from IAP TCP forwarding only.`,
        priority: ALLOW_PRIORITY,
        sourceRanges: [IAP_TCP_FORWARDING_RANGE],
        allow: [{ protocol: 'tcp', ports: adminPorts }],
      });
    }

    const ranges = Object.entries(internalRanges);
    if (ranges.length > 0) {
      const cidrs = ranges.map(([, cidr]) => cidr);
      this.allowInternal = new ComputeFirewall(this, 'allow-internal', {
        ...common,
        name: `${props.namePrefix}-allow-internal`,
        description: `Allows all protocols between internal ranges: ${ranges.map(([name]) => name).join(', ')}.`,
        priority: ALLOW_PRIORITY,
        sourceRanges: cidrs,
        destinationRanges: cidrs,
        allow: [{ protocol: 'all' }],
      });
    }
  }
}

function validate(props: FirewallBaselineProps, adminPorts: string[], internalRanges: Record<string, string>): Problems {
  const problems = new Problems();
  problems.name('namePrefix', props.namePrefix);
  if (isKnown(props.namePrefix) && props.namePrefix.length + LONGEST_SUFFIX.length > 63) {
    problems.add(
      `namePrefix '${props.namePrefix}' is too long: at most ${63 - LONGEST_SUFFIX.length} characters, so that '${props.namePrefix}${LONGEST_SUFFIX}' fits in 63`,
    );
  }
  if (isKnown(props.network) && !props.network) problems.add('network is empty: pass the self link or id of a VPC');

  for (const port of adminPorts) {
    if (!isKnown(port)) continue;
    if (!isPortOrRange(port)) {
      problems.add(`adminPorts entry '${String(port)}' is not a port (1-65535) or a port range such as '8000-8080'`);
    }
  }
  const duplicates = adminPorts.filter((port, index) => isKnown(port) && adminPorts.indexOf(port) !== index);
  for (const port of new Set(duplicates)) problems.add(`adminPorts entry '${port}' is listed more than once`);

  for (const [name, cidr] of Object.entries(internalRanges)) {
    if (!isKnown(cidr)) continue;
    const problem = typeof cidr === 'string' ? cidrProblem(cidr) : 'is not a valid CIDR';
    const parsed = problem === undefined ? parseCidr(cidr) : undefined;
    if (parsed === undefined) {
      problems.add(`internalRanges '${name}' ${String(cidr)} ${problem}`);
    } else if (parsed.prefix === 0) {
      problems.add(`internalRanges '${name}' ${cidr} is the whole internet: it would open every port to anyone; list the internal ranges instead`);
    } else if (parsed.prefix < BROADEST_INTERNAL_PREFIX) {
      problems.add(`internalRanges '${name}' ${cidr} is too broad to be internal: ranges must be /${BROADEST_INTERNAL_PREFIX} or narrower`);
    }
  }
  return problems;
}

function isPortOrRange(text: string): boolean {
  if (typeof text !== 'string') return false;
  if (PORT.test(text)) return Number(text) <= 65535;
  const range = PORT_RANGE.exec(text);
  if (!range) return false;
  const [low, high] = [Number(range[1]), Number(range[2])];
  return high <= 65535 && low <= high;
}

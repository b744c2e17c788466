import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { Construct } from 'constructs';
import { cidrProblem, parseCidr, cidrsOverlap, type ParsedCidr } from './cidr';
import { isKnown, Problems, RFC1035_NAME } from './validation';

/** Smallest IPv4 subnet range GCP accepts. */
const SMALLEST_PREFIX = 29;
/** Largest IPv4 subnet range this construct accepts. */
const LARGEST_PREFIX = 8;

/** Ranges GCP refuses for any subnet range. */
const PROHIBITED_RANGES: Readonly<Record<string, string>> = {
  '0.0.0.0/8': 'this-network',
  '127.0.0.0/8': 'loopback',
  '169.254.0.0/16': 'link-local',
  '224.0.0.0/4': 'multicast',
  '255.255.255.255/32': 'broadcast',
};

/** One subnet of a {@link Vpc}. */
export interface SubnetSpec {
  /** Region of the subnet, e.g. `europe-west1`. */
  readonly region: string;
  /**
   * Primary IPv4 range, e.g. `10.0.0.0/20`: between /8 and /29, no host bits set, overlapping no
   * other range (primary or secondary) of the VPC.
   */
  readonly cidr: string;
  /**
   * Secondary IPv4 ranges by range name, e.g. `{ pods: '10.4.0.0/14', services: '10.8.0.0/20' }`
   * for GKE. Each key becomes the `range_name`; the same rules as the primary range apply.
   * @default {} - no secondary ranges
   */
  readonly secondaryRanges?: Record<string, string>;
  /**
   * VPC flow logs (5 s aggregation, 50% sampling, all metadata).
   * @default true
   */
  readonly flowLogs?: boolean;
  /**
   * Subnet name in GCP (RFC 1035).
   * @default `${vpcName}-${key}`
   */
  readonly name?: string;
}

/** Props of a {@link Vpc}. */
export interface VpcProps {
  /** Network name in GCP (RFC 1035, e.g. `prod-core`). */
  readonly name: string;
  /**
   * Project that owns the network.
   * @default - the provider's project
   */
  readonly project?: string;
  /** Subnets by stable key; the key is the construct id and part of the default subnet name. At least one. */
  readonly subnets: Record<string, SubnetSpec>;
  /**
   * Dynamic routing mode of the network's Cloud Routers.
   * @default 'GLOBAL'
   */
  readonly routingMode?: 'REGIONAL' | 'GLOBAL';
  /**
   * Deletes the default internet route (0.0.0.0/0 via the default internet gateway) when the
   * network is created, for networks whose egress goes through an appliance or nowhere.
   * @default false
   */
  readonly deleteDefaultRoutes?: boolean;
}

/** A range of the VPC being validated, with the words that name it in errors. */
interface LabelledRange {
  readonly label: string;
  readonly cidr: ParsedCidr;
}

/**
 * A custom-mode VPC network (no auto-created subnets) with its subnets. Every subnet has Private
 * Google Access and, unless turned off, VPC flow logs. Ranges are checked at construction: valid
 * CIDR blocks, GCP size limits, no reserved ranges and no overlap anywhere in the VPC.
 */
export class Vpc extends Construct {
  /** The `google_compute_network` (construct id `default`). */
  readonly network: ComputeNetwork;
  /** The `google_compute_subnetwork` of each subnet, by the key given in `subnets`. */
  readonly subnets: Record<string, ComputeSubnetwork>;

  constructor(scope: Construct, id: string, props: VpcProps) {
    super(scope, id);
    validateVpcProps(props).throwIfAny(this);

    this.network = new ComputeNetwork(this, 'default', {
      name: props.name,
      project: props.project,
      autoCreateSubnetworks: false,
      routingMode: props.routingMode ?? 'GLOBAL',
      deleteDefaultRoutesOnCreate: props.deleteDefaultRoutes ?? false,
    });

    const subnets: Record<string, ComputeSubnetwork> = {};
    for (const [key, spec] of Object.entries(props.subnets)) {
      subnets[key] = new ComputeSubnetwork(this, key, {
        name: subnetName(props.name, key, spec),
        project: props.project,
        region: spec.region,
        network: this.network.id,
        ipCidrRange: spec.cidr,
        privateIpGoogleAccess: true,
        secondaryIpRange: Object.entries(spec.secondaryRanges ?? {}).map(([rangeName, ipCidrRange]) => ({
          rangeName,
          ipCidrRange,
        })),
        // The secondary ranges in code are the whole truth: removing the last one removes it in GCP.
        sendSecondaryIpRangeIfEmpty: true,
        logConfig:
          (spec.flowLogs ?? true)
            ? { aggregationInterval: 'INTERVAL_5_SEC', flowSampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' }
            : undefined,
      });
    }
    this.subnets = subnets;
  }

  /** Network id, `projects/{project}/global/networks/{name}`. */
  get id(): string {
    return this.network.id;
  }

  /** Network name (a reference, so using it orders dependents after the network). */
  get name(): string {
    return this.network.name;
  }

  /** Network self link. */
  get selfLink(): string {
    return this.network.selfLink;
  }

  /** Self link of each subnet, by the key given in `subnets`. */
  subnetSelfLinks(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.subnets).map(([key, subnet]) => [key, subnet.selfLink]));
  }
}

function subnetName(vpcName: string, key: string, spec: SubnetSpec): string {
  return spec.name ?? `${vpcName}-${key}`;
}

function validateVpcProps(props: VpcProps): Problems {
  const problems = new Problems();
  problems.name('name', props.name);
  if (isKnown(props.routingMode) && props.routingMode !== 'REGIONAL' && props.routingMode !== 'GLOBAL') {
    problems.add(`routingMode '${props.routingMode}' must be 'REGIONAL' or 'GLOBAL'`);
  }

  const subnets = Object.entries(props.subnets ?? {});
  if (subnets.length === 0) problems.add('subnets is empty: a VPC needs at least one subnet');

  const ranges: LabelledRange[] = [];
  const namesByRegion = new Map<string, string>();
  for (const [key, spec] of subnets) {
    const name = subnetName(props.name, key, spec);
    // A derived name repeats a bad VPC name; report that once, as the VPC name.
    if (spec.name !== undefined || RFC1035_NAME.test(props.name)) problems.name(`subnet '${key}' name`, name);
    problems.region(`subnet '${key}' region`, spec.region);
    if (isKnown(name) && isKnown(spec.region)) {
      const regionalName = `${spec.region}/${name}`;
      const owner = namesByRegion.get(regionalName);
      if (owner !== undefined) problems.add(`subnet '${key}' name '${name}' is already used by subnet '${owner}' in ${spec.region}`);
      else namesByRegion.set(regionalName, key);
    }

    checkRange(problems, ranges, `subnet '${key}' range`, spec.cidr);
    for (const [rangeName, cidr] of Object.entries(spec.secondaryRanges ?? {})) {
      problems.name(`subnet '${key}' secondary range name`, rangeName);
      checkRange(problems, ranges, `subnet '${key}' secondary range '${rangeName}'`, cidr);
    }
  }
  return problems;
}

/** Checks one range and, when it is valid, its overlap with the ranges seen before it. */
function checkRange(problems: Problems, seen: LabelledRange[], label: string, text: string): void {
  if (text === undefined || text === null) return problems.add(`${label} is required`);
  if (!isKnown(text)) return;
  const problem = typeof text === 'string' ? cidrProblem(text) : 'is not a valid CIDR';
  const cidr = problem === undefined ? parseCidr(text) : undefined;
  if (cidr === undefined) {
    problems.add(`${label} ${String(text)} ${problem}`);
    return;
  }
  if (cidr.prefix > SMALLEST_PREFIX) {
    problems.add(`${label} ${text} is too small: GCP subnet ranges must be /${SMALLEST_PREFIX} or larger`);
  } else if (cidr.prefix < LARGEST_PREFIX) {
    problems.add(`${label} ${text} is too large: subnet ranges must be /${LARGEST_PREFIX} or smaller`);
  }
  for (const [reserved, purpose] of Object.entries(PROHIBITED_RANGES)) {
    if (cidrsOverlap(cidr, reserved)) problems.add(`${label} ${text} overlaps the reserved ${purpose} range ${reserved}`);
  }
  const clash = seen.find((other) => cidrsOverlap(cidr, other.cidr));
  if (clash) problems.add(`${label} ${text} overlaps ${clash.label}`);
  seen.push({ label: `${label} ${text}`, cidr });
}

import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { Construct } from 'constructs';
import { cidrProblem } from './cidr';
import { isKnown, Problems } from './validation';

/** The service producer network of Google-managed services (Cloud SQL, Memorystore, Filestore...). */
export const SERVICE_NETWORKING_SERVICE = 'servicenetworking.googleapis.com';

const SMALLEST_PREFIX = 24;
const LARGEST_PREFIX = 8;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Props of a {@link PrivateServiceAccess}. */
export interface PrivateServiceAccessProps {
  /** Network to peer with the service producer network: an id or self link, e.g. `vpc.id`. */
  readonly network: string;
  /** Name of the reserved range (RFC 1035), e.g. `prod-core-psa`; services refer to it as `rangeName`. */
  readonly name: string;
  /**
   * Project that owns the network.
   * @default - the provider's project
   */
  readonly project?: string;
  /** First address of the reserved range, e.g. `10.60.0.0`; with `prefixLength` it must be a CIDR block with no host bits set. */
  readonly address: string;
  /**
   * Prefix length of the reserved range, between 8 and 24 (Google needs at least a /24 per service).
   * @default 16
   */
  readonly prefixLength?: number;
}

/**
 * Private services access: an internal range reserved for VPC peering (construct id `range`) and
 * the peering connection to Google's service producer network (construct id `default`), so
 * managed services such as Cloud SQL get private IPs from that range only.
 */
export class PrivateServiceAccess extends Construct {
  /** The `google_compute_global_address` reserving the range (construct id `range`). */
  readonly address: ComputeGlobalAddress;
  /** The `google_service_networking_connection` (construct id `default`); make services that use the range depend on it. */
  readonly connection: ServiceNetworkingConnection;
  /** Name of the reserved range, for a service's `allocated_ip_range` or `reserved_ip_range`. */
  readonly rangeName: string;
  /** The reserved range as a CIDR block, e.g. `10.60.0.0/16`. */
  readonly cidr: string;

  constructor(scope: Construct, id: string, props: PrivateServiceAccessProps) {
    super(scope, id);
    const prefixLength = props.prefixLength ?? 16;
    validate(props, prefixLength).throwIfAny(this);

    this.rangeName = props.name;
    this.cidr = `${props.address}/${prefixLength}`;
    this.address = new ComputeGlobalAddress(this, 'range', {
      name: props.name,
      project: props.project,
      description: `Private services access range for ${SERVICE_NETWORKING_SERVICE}.`,
      purpose: 'VPC_PEERING',
      addressType: 'INTERNAL',
      ipVersion: 'IPV4',
      address: props.address,
      prefixLength,
      network: props.network,
    });

    this.connection = new ServiceNetworkingConnection(this, 'default', {
      network: props.network,
      service: SERVICE_NETWORKING_SERVICE,
      reservedPeeringRanges: [this.address.name],
    });
  }
}

function validate(props: PrivateServiceAccessProps, prefixLength: number): Problems {
  const problems = new Problems();
  problems.name('name', props.name);
  if (isKnown(props.network) && !props.network) problems.add('network is empty: pass the id or self link of a VPC');

  const prefixValid =
    !isKnown(prefixLength) ||
    (Number.isInteger(prefixLength) && prefixLength >= LARGEST_PREFIX && prefixLength <= SMALLEST_PREFIX);
  if (!prefixValid) {
    problems.add(`prefixLength ${prefixLength} must be a whole number between ${LARGEST_PREFIX} and ${SMALLEST_PREFIX}`);
  }
  if (isKnown(props.address)) {
    const isAddress = typeof props.address === 'string' && IPV4.test(props.address) && cidrProblem(`${props.address}/32`) === undefined;
    if (!isAddress) {
      problems.add(`address '${String(props.address)}' is not an IPv4 address such as '10.60.0.0'`);
    } else if (prefixValid && isKnown(prefixLength)) {
      const cidr = `${props.address}/${prefixLength}`;
      const problem = cidrProblem(cidr);
      if (problem !== undefined) problems.add(`address ${props.address} with prefixLength ${prefixLength}: range ${cidr} ${problem}`);
    }
  }
  return problems;
}

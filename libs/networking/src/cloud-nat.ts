import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { Construct } from 'constructs';
import { isKnown, Problems } from './validation';

const ROUTER_SUFFIX = '-router';

/** Props of a {@link CloudNat}. */
export interface CloudNatProps {
  /** Network the NAT serves: a self link or id, e.g. `vpc.selfLink`. */
  readonly network: string;
  /** Region the NAT serves, e.g. `europe-west1`; one NAT covers one region. */
  readonly region: string;
  /** NAT name (RFC 1035, at most 56 characters); the Cloud Router is named `${name}-router`. */
  readonly name: string;
  /**
   * Project that owns the router and NAT.
   * @default - the provider's project
   */
  readonly project?: string;
  /**
   * Log only NAT errors (dropped packets, port exhaustion) instead of every translation.
   * @default true
   */
  readonly logErrorsOnly?: boolean;
}

/**
 * Outbound internet access for private workloads in one region: a Cloud Router and a Cloud NAT
 * (construct id `default`) covering every range of every subnet in the region, with Google-owned
 * NAT addresses and error logging on.
 */
export class CloudNat extends Construct {
  /** The `google_compute_router` (construct id `router`). */
  readonly router: ComputeRouter;
  /** The `google_compute_router_nat` (construct id `default`). */
  readonly nat: ComputeRouterNat;

  constructor(scope: Construct, id: string, props: CloudNatProps) {
    super(scope, id);
    const problems = new Problems();
    problems.name('name', props.name);
    if (isKnown(props.name) && props.name.length + ROUTER_SUFFIX.length > 63) {
      problems.add(`name '${props.name}' is too long: at most ${63 - ROUTER_SUFFIX.length} characters, so that the router name '${props.name}${ROUTER_SUFFIX}' fits in 63`);
    }
    problems.region('region', props.region);
    if (isKnown(props.network) && !props.network) problems.add('network is empty: pass the self link or id of a VPC');
    problems.throwIfAny(this);

    this.router = new ComputeRouter(this, 'router', {
      name: `${props.name}${ROUTER_SUFFIX}`,
      project: props.project,
      region: props.region,
      network: props.network,
    });

    this.nat = new ComputeRouterNat(this, 'default', {
      name: props.name,
      project: props.project,
      region: props.region,
      router: this.router.name,
      natIpAllocateOption: 'AUTO_ONLY',
      sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
      // Endpoint-independent mapping lets any host reuse a mapping opened by a VM; keep it off.
      enableEndpointIndependentMapping: false,
      logConfig: { enable: true, filter: (props.logErrorsOnly ?? true) ? 'ERRORS_ONLY' : 'ALL' },
    });
  }
}

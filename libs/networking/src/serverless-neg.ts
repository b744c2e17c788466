import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { ComputeRegionNetworkEndpointGroup } from '@cdktf/provider-google/lib/compute-region-network-endpoint-group';
import { Roles, type Grantee } from '@platform/security';
import { Construct } from 'constructs';
import { grantOf } from './grants';
import { Problems } from './validation';

/** Props of a {@link ServerlessNeg}. */
export interface ServerlessNegProps {
  /** Name of the network endpoint group (RFC 1035), e.g. `orders-api-neg`. */
  readonly name: string;
  /** Region of the NEG: the region of the Cloud Run service, e.g. `europe-west1`. */
  readonly region: string;
  /** Name of the Cloud Run service the NEG points at (RFC 1035), e.g. `orders-api`. */
  readonly cloudRunService: string;
  /**
   * A Cloud Run revision tag (RFC 1035) to send traffic to, instead of the service's traffic split.
   * @default - the service's own traffic split
   */
  readonly tag?: string;
  /**
   * Project that owns the NEG and the Cloud Run service.
   * @default - the provider's project
   */
  readonly project?: string;
}

/**
 * A serverless network endpoint group (construct id `default`): the backend through which a load
 * balancer reaches one Cloud Run service. Serverless NEGs have no health checks and no ports; the
 * Cloud Run service must accept load-balancer traffic (ingress `INTERNAL_LOAD_BALANCER` or `ALL`).
 */
export class ServerlessNeg extends Construct {
  /** The `google_compute_region_network_endpoint_group` (construct id `default`). */
  readonly neg: ComputeRegionNetworkEndpointGroup;
  /** Name of the Cloud Run service behind the NEG. */
  readonly serviceName: string;
  /** Region of the NEG and of the service. */
  readonly region: string;
  private readonly project?: string;

  constructor(scope: Construct, id: string, props: ServerlessNegProps) {
    super(scope, id);
    const problems = new Problems();
    problems.name('name', props.name);
    problems.region('region', props.region);
    problems.name('cloudRunService', props.cloudRunService);
    if (props.tag !== undefined) problems.name('tag', props.tag);
    problems.throwIfAny(this);

    this.serviceName = props.cloudRunService;
    this.region = props.region;
    this.project = props.project;
    this.neg = new ComputeRegionNetworkEndpointGroup(this, 'default', {
      name: props.name,
      project: props.project,
      region: props.region,
      networkEndpointType: 'SERVERLESS',
      cloudRun: { service: props.cloudRunService, tag: props.tag },
    });
  }

  /** NEG id, `projects/{project}/regions/{region}/networkEndpointGroups/{name}`: what a backend service's `group` takes. */
  get id(): string {
    return this.neg.id;
  }

  /** NEG self link. */
  get selfLink(): string {
    return this.neg.selfLink;
  }

  /**
   * Lets `grantee` invoke the Cloud Run service behind this NEG (`roles/run.invoker` on the service,
   * not the project), e.g. the IAP service agent when the load balancer has IAP on. Public members
   * (`allUsers`, `allAuthenticatedUsers`) are refused.
   * @param id construct id of the grant. @default - derived from the member
   */
  grantInvoker(grantee: Grantee, id?: string): CloudRunV2ServiceIamMember {
    const grant = grantOf(this, 'invoker', grantee, id, `ServerlessNeg '${this.node.id}' grantInvoker`);
    return new CloudRunV2ServiceIamMember(this, grant.id, {
      project: this.project,
      location: this.region,
      name: this.serviceName,
      role: Roles.runInvoker,
      member: grant.member,
    });
  }
}

import { ComputeSharedVpcHostProject } from '@cdktf/provider-google/lib/compute-shared-vpc-host-project';
import { ComputeSharedVpcServiceProject } from '@cdktf/provider-google/lib/compute-shared-vpc-service-project';
import { ComputeSubnetworkIamMember } from '@cdktf/provider-google/lib/compute-subnetwork-iam-member';
import { Construct } from 'constructs';
import { Roles } from '@platform/security';
import { grantOf } from './grants';
import { isKnown, Problems } from './validation';

/** GCP project ids: 6 to 30 characters, lowercase letters, digits and hyphens, starting with a letter. */
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** A subnet of the host project, as {@link SharedVpcHost} grants on it: a `ComputeSubnetwork` fits. */
export interface SharedVpcSubnet {
  /** Subnet name. */
  readonly name: string;
  /** Subnet region. */
  readonly region: string;
}

/** A service project attached to a {@link SharedVpcHost}. */
export interface SharedVpcServiceProjectSpec {
  /** The service project's id, e.g. `acme-apps-dev`. */
  readonly projectId: string;
  /**
   * Principals of the service project (its service agents and workload service accounts) granted
   * `roles/compute.networkUser` on single subnets, by subnet key of `subnets`: IAM on the subnet,
   * never on the host project, so a service project sees only the subnets it uses.
   * @default {} - no subnet grants
   */
  readonly subnetUsers?: Readonly<Record<string, readonly string[]>>;
}

/** Props of a {@link SharedVpcHost}. */
export interface SharedVpcHostProps {
  /** The host project's id: its VPC networks become shared with the service projects. */
  readonly project: string;
  /**
   * Service projects to attach, by stable key.
   * @default {} - a host with no service projects yet
   */
  readonly serviceProjects?: Readonly<Record<string, SharedVpcServiceProjectSpec>>;
  /**
   * Host subnets that `subnetUsers` may name, by key (e.g. `vpc.subnets`).
   * @default {}
   */
  readonly subnets?: Readonly<Record<string, SharedVpcSubnet>>;
}

/**
 * A Shared VPC: the host project (construct id `default`), each service project attached to it
 * (construct id = key) and, per service project, `roles/compute.networkUser` on the subnets its
 * principals use (construct id `<key>-<subnet>-<member>`). Detaching a service project that still
 * has resources on the network fails in GCP, as it should.
 */
export class SharedVpcHost extends Construct {
  /** The `google_compute_shared_vpc_host_project` (construct id `default`). */
  readonly host: ComputeSharedVpcHostProject;
  /** The `google_compute_shared_vpc_service_project` of each service project, by key. */
  readonly serviceProjects: Record<string, ComputeSharedVpcServiceProject>;

  constructor(scope: Construct, id: string, props: SharedVpcHostProps) {
    super(scope, id);
    validate(props).throwIfAny(this);

    this.host = new ComputeSharedVpcHostProject(this, 'default', { project: props.project });
    this.serviceProjects = {};
    const subnets = props.subnets ?? {};
    for (const [key, spec] of Object.entries(props.serviceProjects ?? {})) {
      // The host project's reference orders the attachment after the host is enabled, and detaches it first.
      this.serviceProjects[key] = new ComputeSharedVpcServiceProject(this, key, {
        hostProject: this.host.project,
        serviceProject: spec.projectId,
      });
      for (const [subnetKey, members] of Object.entries(spec.subnetUsers ?? {})) {
        const subnet = subnets[subnetKey]!;
        for (const member of members) {
          const grant = grantOf(this, `${key}-${subnetKey}`, member, undefined, `SharedVpcHost '${this.node.id}' serviceProjects '${key}' subnetUsers '${subnetKey}'`);
          new ComputeSubnetworkIamMember(this, grant.id, {
            project: this.host.project,
            region: subnet.region,
            subnetwork: subnet.name,
            role: Roles.computeNetworkUser,
            member: grant.member,
          });
        }
      }
    }
  }

  /** The host project's id (a reference, so using it orders dependents after Shared VPC is enabled). */
  get project(): string {
    return this.host.project;
  }
}

function validate(props: SharedVpcHostProps): Problems {
  const problems = new Problems();
  projectId(problems, 'project', props.project);
  const subnets = props.subnets ?? {};
  const attached = new Map<string, string>();
  for (const [key, spec] of Object.entries(props.serviceProjects ?? {})) {
    const label = `serviceProjects '${key}'`;
    projectId(problems, `${label} projectId`, spec.projectId);
    if (isKnown(spec.projectId) && spec.projectId === props.project) {
      problems.add(`${label} projectId '${spec.projectId}' is the host project itself; a host cannot be its own service project`);
    }
    const owner = attached.get(spec.projectId);
    if (isKnown(spec.projectId) && owner !== undefined) problems.add(`${label} projectId '${spec.projectId}' is already attached as '${owner}'`);
    else attached.set(spec.projectId, key);
    for (const [subnetKey, members] of Object.entries(spec.subnetUsers ?? {})) {
      if (!(subnetKey in subnets)) {
        const known = Object.keys(subnets);
        problems.add(`${label} subnetUsers names subnet '${subnetKey}', which is not in subnets (${known.length > 0 ? known.join(', ') : 'none given'})`);
      }
      if (!Array.isArray(members) || members.length === 0) problems.add(`${label} subnetUsers '${subnetKey}' is empty: list the principals or remove the key`);
    }
  }
  return problems;
}

function projectId(problems: Problems, label: string, value: string): void {
  if (value === undefined || value === null) return problems.add(`${label} is required`);
  if (isKnown(value) && (typeof value !== 'string' || !PROJECT_ID.test(value))) {
    problems.add(`${label} '${String(value)}' is not a GCP project id (6-30 lowercase letters, digits and hyphens, starting with a letter)`);
  }
}

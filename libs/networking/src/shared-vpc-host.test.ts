import { ComputeSharedVpcHostProject } from '@cdktf/provider-google/lib/compute-shared-vpc-host-project';
import { ComputeSharedVpcServiceProject } from '@cdktf/provider-google/lib/compute-shared-vpc-service-project';
import { ComputeSubnetworkIamMember } from '@cdktf/provider-google/lib/compute-subnetwork-iam-member';
import type { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { SharedVpcHost, type SharedVpcHostProps } from './shared-vpc-host';
import { Vpc } from './vpc';
import { only, synth } from './__fixtures__/synth';

const SERVICE = ComputeSharedVpcServiceProject.tfResourceType;
const GRANT = ComputeSubnetworkIamMember.tfResourceType;
const RUN_AGENT = 'serviceAccount:service-200000000001@serverless-robot-prod.iam.gserviceaccount.com';
const APIS = 'serviceAccount:200000000001@cloudservices.gserviceaccount.com';

function withVpc(props: (vpc: Vpc) => SharedVpcHostProps) {
  return (scope: Construct) => {
    const vpc = new Vpc(scope, 'vpc', {
      name: 'prod-shared',
      subnets: { apps: { region: 'europe-west1', cidr: '10.0.16.0/22' }, gke: { region: 'europe-west1', cidr: '10.0.0.0/20' } },
    });
    new SharedVpcHost(scope, 'shared-vpc', props(vpc));
  };
}

describe('SharedVpcHost', () => {
  it('given only a host project, enables Shared VPC on it and attaches nothing', () => {
    const out = synth((scope) => new SharedVpcHost(scope, 'shared-vpc', { project: 'acme-net-prod' }));
    expect(out.count()).toBe(1);
    expect(out.json).toHaveResourceWithProperties(ComputeSharedVpcHostProject, { project: 'acme-net-prod' });
  });

  describe('given service projects with subnet users', () => {
    const out = synth(
      withVpc((vpc) => ({
        project: 'acme-net-prod',
        subnets: vpc.subnets,
        serviceProjects: {
          apps: { projectId: 'acme-apps-prod', subnetUsers: { apps: [RUN_AGENT, APIS] } },
          data: { projectId: 'acme-data-prod' },
        },
      })),
    );

    it('attaches each service project to the host by reference, so it is attached after the host is enabled', () => {
      expect(out.count(SERVICE)).toBe(2);
      const attachments = Object.values(out.resourcesOf(SERVICE));
      expect(attachments.map((a) => a.service_project).sort()).toEqual(['acme-apps-prod', 'acme-data-prod']);
      for (const attachment of attachments) {
        expect(attachment.host_project).toMatch(/^\$\{google_compute_shared_vpc_host_project\.shared-vpc_default_\w+\.project\}$/);
      }
    });

    it('grants compute.networkUser on the named subnet only, never on the project', () => {
      expect(out.count(GRANT)).toBe(2);
      for (const grant of Object.values(out.resourcesOf(GRANT))) {
        expect(grant.role).toBe('roles/compute.networkUser');
        expect(grant.subnetwork).toMatch(/^\$\{google_compute_subnetwork\.vpc_apps_\w+\.name\}$/);
        expect(grant.region).toMatch(/^\$\{google_compute_subnetwork\.vpc_apps_\w+\.region\}$/);
        expect(grant.project).toMatch(/^\$\{google_compute_shared_vpc_host_project\.shared-vpc_default_\w+\.project\}$/);
      }
      expect(Object.values(out.resourcesOf(GRANT)).map((g) => g.member).sort()).toEqual([APIS, RUN_AGENT].sort());
      expect(out.count('google_project_iam_member')).toBe(0);
    });
  });

  it('keys each grant by service project, subnet and member, so the order of members does not matter', () => {
    let host: SharedVpcHost | undefined;
    synth((scope) => {
      host = new SharedVpcHost(scope, 'shared-vpc', {
        project: 'acme-net-prod',
        subnets: { apps: { name: 'apps', region: 'europe-west1' } },
        serviceProjects: { apps: { projectId: 'acme-apps-prod', subnetUsers: { apps: [RUN_AGENT] } } },
      });
    });
    expect(host!.host.node.id).toBe('default');
    expect(host!.node.tryFindChild('apps')).toBeDefined();
    expect(host!.node.tryFindChild('apps-apps-serviceAccount-service-200000000001-serverless-robot-prod-iam-gserviceaccount-com')).toBeDefined();
  });

  it('exposes the host project as a reference', () => {
    const out = synth((scope) => {
      const host = new SharedVpcHost(scope, 'shared-vpc', { project: 'acme-net-prod' });
      new ComputeSharedVpcServiceProject(scope, 'late', { hostProject: host.project, serviceProject: 'acme-late-prod' });
    });
    expect(only(out, SERVICE).host_project).toMatch(/\.project\}$/);
  });

  describe('refuses bad input', () => {
    const subnets = { apps: { name: 'apps', region: 'europe-west1' } };
    it.each<[string, Partial<SharedVpcHostProps>, RegExp]>([
      ['a host project id with capitals', { project: 'Acme-Net' }, /project 'Acme-Net' is not a GCP project id/],
      ['a service project id that is too short', { serviceProjects: { a: { projectId: 'acme' } } }, /serviceProjects 'a' projectId 'acme' is not a GCP project id/],
      ['the host as its own service project', { serviceProjects: { a: { projectId: 'acme-net-prod' } } }, /is the host project itself/],
      [
        'one project attached twice',
        { serviceProjects: { a: { projectId: 'acme-apps-prod' }, b: { projectId: 'acme-apps-prod' } } },
        /serviceProjects 'b' projectId 'acme-apps-prod' is already attached as 'a'/,
      ],
      [
        'a grant on a subnet it does not know',
        { subnets, serviceProjects: { a: { projectId: 'acme-apps-prod', subnetUsers: { gke: [RUN_AGENT] } } } },
        /serviceProjects 'a' subnetUsers names subnet 'gke', which is not in subnets \(apps\)/,
      ],
      [
        'an empty member list',
        { subnets, serviceProjects: { a: { projectId: 'acme-apps-prod', subnetUsers: { apps: [] } } } },
        /subnetUsers 'apps' is empty/,
      ],
      [
        'a public member',
        { subnets, serviceProjects: { a: { projectId: 'acme-apps-prod', subnetUsers: { apps: ['allUsers'] } } } },
        /would make the resource public/,
      ],
      [
        'a malformed member',
        { subnets, serviceProjects: { a: { projectId: 'acme-apps-prod', subnetUsers: { apps: ['robot@example.com'] } } } },
        /'robot@example\.com' is not a valid IAM member/,
      ],
    ])('refuses %s', (_case, override, message) => {
      expect(() => synth((scope) => new SharedVpcHost(scope, 'shared-vpc', { project: 'acme-net-prod', ...override }))).toThrow(message);
    });
  });
});

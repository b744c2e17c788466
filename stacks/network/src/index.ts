import { networkContract, projectBaselineContract } from '@platform/contracts';
import { defineStack, requireEnabledApis } from '@platform/core';
import { CloudNat, FirewallBaseline, PrivateServiceAccess, SharedVpcHost, Vpc } from '@platform/networking';
import { networkSettings } from './settings';

/** The environment's Shared VPC (its project is the host). Macro-infrastructure: knows nothing of its consumers. */
export default defineStack({
  name: 'network',
  description: 'Shared VPC, subnet plan, Cloud NAT, firewall baseline and private service access.',
  settings: networkSettings,
  build(stack, settings) {
    const env = stack.environment;
    const name = `${env.name}-shared`;
    const vpc = new Vpc(stack, 'vpc', {
      name,
      subnets: Object.fromEntries(
        Object.entries(settings.subnets).map(([key, subnet]) => [
          key,
          { region: env.region, cidr: subnet.cidr, secondaryRanges: subnet.secondaryRanges },
        ]),
      ),
    });
    // The network, its peering for private service access and Cloud NAT need their APIs enabled by the baseline.
    const { enabledServices } = stack.upstream(projectBaselineContract, ['enabledServices']);
    requireEnabledApis(vpc.network, enabledServices, ['compute.googleapis.com', 'servicenetworking.googleapis.com']);

    // A real Shared VPC: the environment's project hosts the network for the service projects in settings.
    const sharedVpc = new SharedVpcHost(stack, 'shared-vpc', {
      project: env.project,
      subnets: vpc.subnets,
      serviceProjects: settings.sharedVpc.serviceProjects,
    });

    new FirewallBaseline(stack, 'firewall', {
      network: vpc.selfLink,
      namePrefix: name,
      internalRanges: Object.fromEntries(Object.entries(settings.subnets).map(([key, subnet]) => [key, subnet.cidr])),
    });

    if (settings.nat) {
      new CloudNat(stack, 'nat', { network: vpc.selfLink, region: env.region, name: `${name}-nat` });
    }

    const psa = new PrivateServiceAccess(stack, 'private-service-access', {
      network: vpc.id,
      name: `${name}-psa`,
      address: settings.privateServiceAccess.address,
      prefixLength: settings.privateServiceAccess.prefixLength,
    });

    const secondaryRanges: Record<string, string> = {};
    for (const [subnet, spec] of Object.entries(settings.subnets)) {
      for (const range of Object.keys(spec.secondaryRanges)) secondaryRanges[`${subnet}/${range}`] = range;
    }

    stack.publish(networkContract, {
      vpcId: vpc.id,
      vpcSelfLink: vpc.selfLink,
      subnetSelfLinks: vpc.subnetSelfLinks(),
      subnetSecondaryRanges: secondaryRanges,
      privateServiceAccessRange: psa.rangeName,
      sharedVpcHostProject: sharedVpc.project,
    });
  },
});

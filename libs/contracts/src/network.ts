import { defineContract, output } from './contract';

export const networkContract = defineContract({
  stack: 'network',
  version: 1,
  outputs: {
    vpcId: output.string('Id of the shared VPC network (projects/<p>/global/networks/<name>).'),
    vpcSelfLink: output.string('Self link of the shared VPC network.'),
    subnetSelfLinks: output.stringMap('Self link of each subnet, by subnet key (gke, apps, ...).'),
    subnetSecondaryRanges: output.stringMap(
      'Secondary range names, keyed `<subnet>/<range>` (for example gke/pods), for GKE IP allocation.',
    ),
    privateServiceAccessRange: output.string('Name of the range reserved for private service access (Cloud SQL).'),
    sharedVpcHostProject: output.string(
      'Id of the Shared VPC host project that owns the network (service projects attached to it use its subnets).',
    ),
  },
});

import { defineContract, output } from './contract';

export const gkeClusterContract = defineContract({
  stack: 'gke-cluster',
  version: 1,
  outputs: {
    clusterName: output.string('GKE cluster name.'),
    clusterId: output.string('Cluster id, projects/<p>/locations/<l>/clusters/<name>.'),
    location: output.string('Region of the regional cluster.'),
    workloadPool: output.string('Workload Identity pool of the cluster, <project>.svc.id.goog.'),
    nodePools: output.stringList('Node pool names.'),
  },
});

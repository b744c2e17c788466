import { at, blocks, isFalse, isReference, isSet, isTrue, propertyPath, show, type Config } from '../config';
import type { Finding, PolicyRule } from '../types';

function nodePoolFindings(config: Config, where: string): Finding[] {
  const value = at(config, 'network_config', 'enable_private_nodes');
  return isFalse(value)
    ? [{
        message: `${where}network_config.enable_private_nodes is false: nodes get public IP addresses`,
        fix: 'remove networkConfig.enablePrivateNodes (inherit the private cluster setting) or set it to true',
      }]
    : [];
}

function instanceFindings(config: Config): Finding[] {
  const findings: Finding[] = [];
  blocks(config.network_interface).forEach((nic, index) => {
    for (const attribute of ['access_config', 'ipv6_access_config']) {
      if (isSet(nic[attribute]) && (isReference(nic[attribute]) || blocks(nic[attribute]).length > 0)) {
        findings.push({
          message: `network_interface[${index}].${attribute} is set: the VM gets an external IP address`,
          fix: `remove ${propertyPath(attribute)} from the networkInterface; use Cloud NAT for egress and IAP or a load balancer for ingress`,
        });
      }
    }
  });
  return findings;
}

export const privateNodes: PolicyRule = {
  id: 'private-nodes',
  description: 'GKE nodes, VMs and Cloud SQL instances have no public IP addresses.',
  check(resource) {
    const { type, config } = resource;
    switch (type) {
      case 'google_container_cluster': {
        const value = at(config, 'private_cluster_config', 'enable_private_nodes');
        const findings: Finding[] = [];
        if (!isReference(value) && !isTrue(value)) {
          findings.push({
            message: `private_cluster_config.enable_private_nodes is ${show(value)}: nodes get public IP addresses`,
            fix: "set privateClusterConfig: { enablePrivateNodes: true, masterIpv4CidrBlock: '...' } in the ContainerCluster props",
          });
        }
        blocks(config.node_pool).forEach((pool, index) => findings.push(...nodePoolFindings(pool, `node_pool[${index}].`)));
        return findings;
      }
      case 'google_container_node_pool':
        return nodePoolFindings(config, '');
      case 'google_compute_instance':
      case 'google_compute_instance_template':
      case 'google_compute_region_instance_template':
        return instanceFindings(config);
      case 'google_sql_database_instance': {
        const value = at(config, 'settings', 'ip_configuration', 'ipv4_enabled');
        return !isReference(value) && !isFalse(value)
          ? [{
              message: `settings.ip_configuration.ipv4_enabled is ${show(value)} (the API default is true): the instance gets a public IP address`,
              fix: 'set settings.ipConfiguration: { ipv4Enabled: false, privateNetwork: <Vpc selfLink> } in the SqlDatabaseInstance props',
            }]
          : [];
      }
      default:
        return [];
    }
  },
};

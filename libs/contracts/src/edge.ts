import { defineContract, output } from './contract';

export const edgeContract = defineContract({
  stack: 'edge',
  version: 1,
  outputs: {
    loadBalancerIp: output.string('Global IPv4 address of the external HTTPS load balancer: the DNS A record of every domain.'),
    securityPolicyId: output.string('Id of the Cloud Armor policy in front of the backend (projects/<p>/global/securityPolicies/<name>).'),
    backendServiceId: output.string('Id of the IAP-protected backend service (projects/<p>/global/backendServices/<name>).'),
    domains: output.stringList('Domains served with a Google-managed certificate, sorted.'),
  },
});

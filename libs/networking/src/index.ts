export { cidrsOverlap, IAP_TCP_FORWARDING_RANGE, parseCidr, type ParsedCidr } from './cidr';
export { CloudNat, type CloudNatProps } from './cloud-nat';
export { ALLOW_PRIORITY, DENY_ALL_PRIORITY, FirewallBaseline, type FirewallBaselineProps } from './firewall-baseline';
export {
  PrivateServiceAccess,
  SERVICE_NETWORKING_SERVICE,
  type PrivateServiceAccessProps,
} from './private-service-access';
export { Vpc, type SubnetSpec, type VpcProps } from './vpc';
export {
  CloudArmorPolicy,
  DEFAULT_RULE_PRIORITY,
  DEFAULT_WAF_RULES,
  type CloudArmorPolicyProps,
  type RateLimitSpec,
  type SourceRangeRule,
  type WafRuleSpec,
} from './cloud-armor-policy';
export { ExternalHttpsLoadBalancer, type ExternalHttpsLoadBalancerProps } from './external-https-load-balancer';
export { ServerlessNeg, type ServerlessNegProps } from './serverless-neg';
export {
  SharedVpcHost,
  type SharedVpcHostProps,
  type SharedVpcServiceProjectSpec,
  type SharedVpcSubnet,
} from './shared-vpc-host';

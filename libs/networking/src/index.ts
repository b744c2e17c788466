export { cidrsOverlap, IAP_TCP_FORWARDING_RANGE, parseCidr, type ParsedCidr } from './cidr';
export { CloudNat, type CloudNatProps } from './cloud-nat';
export { ALLOW_PRIORITY, DENY_ALL_PRIORITY, FirewallBaseline, type FirewallBaselineProps } from './firewall-baseline';
export {
  PrivateServiceAccess,
  SERVICE_NETWORKING_SERVICE,
  type PrivateServiceAccessProps,
} from './private-service-access';
export { Vpc, type SubnetSpec, type VpcProps } from './vpc';

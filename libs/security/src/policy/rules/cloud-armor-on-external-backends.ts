import { isReference, isSet, resourceClass, show } from '../config';
import type { PolicyRule } from '../types';

/** Backend service types whose external schemes take a Cloud Armor backend security policy. */
const BACKEND_TYPES: Readonly<Record<string, string>> = {
  // The provider's default scheme for a global backend service is EXTERNAL.
  google_compute_backend_service: 'EXTERNAL',
  // A regional backend service defaults to INTERNAL: only an explicit external scheme is checked.
  google_compute_region_backend_service: 'INTERNAL',
};

const EXTERNAL_SCHEMES = ['EXTERNAL', 'EXTERNAL_MANAGED'];

export const cloudArmorOnExternalBackends: PolicyRule = {
  id: 'cloud-armor-on-external-backends',
  description: 'Every backend service that an external load balancer exposes to the internet has a Cloud Armor security policy.',
  check({ type, config }) {
    const defaultScheme = BACKEND_TYPES[type];
    if (defaultScheme === undefined) return [];
    const scheme = config.load_balancing_scheme ?? defaultScheme;
    if (isReference(scheme) || typeof scheme !== 'string' || !EXTERNAL_SCHEMES.includes(scheme)) return [];
    if (isSet(config.security_policy)) return [];
    return [
      {
        message: `load_balancing_scheme is ${show(scheme)}${config.load_balancing_scheme === undefined ? ' (the provider default)' : ''} and security_policy is ${show(config.security_policy)}: the backend takes internet traffic without a WAF or rate limit in front`,
        fix: `use the ExternalHttpsLoadBalancer construct of @platform/networking (it requires a CloudArmorPolicy), or set securityPolicy to a Cloud Armor policy id in the ${resourceClass(type)} props`,
      },
    ];
  },
};

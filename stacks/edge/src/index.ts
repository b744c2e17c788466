import { appServiceContract, edgeContract } from '@platform/contracts';
import { defineStack } from '@platform/core';
import { CloudArmorPolicy, ExternalHttpsLoadBalancer, ServerlessNeg } from '@platform/networking';
import { edgeSettings } from './settings';

/**
 * The app service's front door: a global external HTTPS load balancer with a serverless NEG,
 * Cloud Armor (WAF, rate limit, adaptive protection) and Identity-Aware Proxy. The Cloud Run
 * service takes internal and load-balancer traffic only, so this is its one way in from outside.
 */
export default defineStack({
  name: 'edge',
  description: 'External HTTPS load balancer with Cloud Armor and IAP in front of the app service.',
  settings: edgeSettings,
  build(stack, settings) {
    const env = stack.environment;
    const app = stack.upstream(appServiceContract, ['serviceName', 'location']);
    const name = `${env.name}-edge`;

    const neg = new ServerlessNeg(stack, 'neg', { name: `${name}-neg`, region: app.location, cloudRunService: app.serviceName });

    const armor = new CloudArmorPolicy(stack, 'armor', {
      name: `${name}-armor`,
      defaultAction: settings.armor.defaultAction,
      wafSensitivity: settings.armor.wafSensitivity,
      rateLimit: settings.armor.rateLimit,
      allowRanges: settings.armor.allowRanges,
      denyRanges: settings.armor.denyRanges,
    });

    const lb = new ExternalHttpsLoadBalancer(stack, 'lb', {
      name,
      domains: settings.domains,
      backends: { [env.region]: neg.id },
      securityPolicy: armor,
      iap: true,
      sslProfile: settings.sslProfile,
      logSampleRate: settings.logSampleRate,
    });

    // IAP calls Cloud Run as its service agent once it has let a user through: invoker on the
    // service for that agent only, never allUsers.
    neg.grantInvoker(`serviceAccount:${stack.serviceAgent('gcp-sa-iap')}`, 'iap-invoker');
    for (const group of settings.accessGroups) lb.grantIapAccess(`group:${group}`);

    stack.publish(edgeContract, {
      loadBalancerIp: lb.ipAddress,
      securityPolicyId: armor.id,
      backendServiceId: lb.backendServiceId,
      domains: [...lb.domains],
    });
  },
});

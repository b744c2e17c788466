import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { ComputeRegionNetworkEndpointGroup } from '@cdktf/provider-google/lib/compute-region-network-endpoint-group';
import { TerraformVariable } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ServerlessNeg, type ServerlessNegProps } from './serverless-neg';
import { only, synth } from './__fixtures__/synth';

const props: ServerlessNegProps = { name: 'orders-api-neg', region: 'europe-west1', cloudRunService: 'orders-api' };
const IAP_AGENT = 'serviceAccount:service-100000000001@gcp-sa-iap.iam.gserviceaccount.com';

describe('ServerlessNeg', () => {
  describe('given a Cloud Run service', () => {
    const out = synth((scope) => new ServerlessNeg(scope, 'neg', props));

    it('creates one regional serverless NEG pointing at the service, and nothing else', () => {
      expect(out.count()).toBe(1);
      expect(out.json).toHaveResourceWithProperties(ComputeRegionNetworkEndpointGroup, {
        name: 'orders-api-neg',
        region: 'europe-west1',
        network_endpoint_type: 'SERVERLESS',
        cloud_run: { service: 'orders-api' },
      });
    });
  });

  it('sends traffic to a revision tag and puts the NEG in the project when asked', () => {
    const out = synth((scope) => new ServerlessNeg(scope, 'neg', { ...props, tag: 'canary', project: 'acme-apps-prod' }));
    expect(out.json).toHaveResourceWithProperties(ComputeRegionNetworkEndpointGroup, {
      project: 'acme-apps-prod',
      cloud_run: { service: 'orders-api', tag: 'canary' },
    });
  });

  it('uses the construct id default and exposes the id a backend service takes', () => {
    let neg: ServerlessNeg | undefined;
    synth((scope) => {
      neg = new ServerlessNeg(scope, 'neg', props);
    });
    expect(neg!.neg.node.id).toBe('default');
    expect(neg!.id).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
    expect(neg!.serviceName).toBe('orders-api');
  });

  describe('grantInvoker', () => {
    it('grants run.invoker on the service itself, in its region and project', () => {
      const out = synth((scope) => new ServerlessNeg(scope, 'neg', { ...props, project: 'acme-apps-prod' }).grantInvoker(IAP_AGENT));
      expect(only(out, CloudRunV2ServiceIamMember.tfResourceType)).toMatchObject({
        name: 'orders-api',
        location: 'europe-west1',
        project: 'acme-apps-prod',
        role: 'roles/run.invoker',
        member: IAP_AGENT,
      });
    });

    it.each(['allUsers', 'allAuthenticatedUsers'])('refuses to make the service public to %s', (member) => {
      expect(() => synth((scope) => new ServerlessNeg(scope, 'neg', props).grantInvoker(member))).toThrow(/would make the resource public/);
    });

    it('refuses the same grant twice, and a deploy-time member without an id', () => {
      expect(() =>
        synth((scope) => {
          const neg = new ServerlessNeg(scope, 'neg', props);
          neg.grantInvoker(IAP_AGENT);
          neg.grantInvoker(IAP_AGENT);
        }),
      ).toThrow(/a grant with id 'invoker-serviceAccount-service-100000000001-gcp-sa-iap-iam-gserviceaccount-com' already exists/);
      expect(() =>
        synth((scope) => {
          const email = new TerraformVariable(scope, 'email', { type: 'string' });
          new ServerlessNeg(scope, 'neg', props).grantInvoker(`serviceAccount:${email.stringValue}`);
        }),
      ).toThrow(/only known at deploy time, so pass an explicit id/);
    });
  });

  describe('refuses bad input', () => {
    it.each<[string, Partial<ServerlessNegProps>, RegExp]>([
      ['a name with capitals', { name: 'Orders' }, /name 'Orders' is not a valid GCP resource name/],
      ['a zone instead of a region', { region: 'europe-west1-b' }, /region 'europe-west1-b' is not a GCP region/],
      ['a service name with underscores', { cloudRunService: 'orders_api' }, /cloudRunService 'orders_api' is not a valid GCP resource name/],
      ['a tag with a dot', { tag: 'v1.2' }, /tag 'v1\.2' is not a valid GCP resource name/],
    ])('refuses %s', (_case, override, message) => {
      expect(() => synth((scope) => new ServerlessNeg(scope, 'neg', { ...props, ...override }))).toThrow(message);
    });
  });
});

import { Token } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ProjectServices } from './project-services';
import { googleStack, PROJECT, synthGoogle } from './__fixtures__/stack';

describe('ProjectServices', () => {
  it('given a map of APIs, when synthesized, then each is enabled and stays enabled on destroy', () => {
    const out = synthGoogle((scope) => {
      new ProjectServices(scope, 'apis', {
        project: PROJECT,
        services: { storage: 'storage.googleapis.com', kms: 'cloudkms.googleapis.com' },
      });
    });
    expect(out.count('google_project_service')).toBe(2);
    for (const service of ['storage.googleapis.com', 'cloudkms.googleapis.com']) {
      expect(out.json).toHaveResourceWithProperties('google_project_service', {
        project: PROJECT,
        service,
        disable_on_destroy: false,
        disable_dependent_services: false,
      });
    }
    expect(Object.keys(out.resourcesOf('google_project_service')).sort()).toEqual([
      expect.stringMatching(/^apis_kms_/),
      expect.stringMatching(/^apis_storage_/),
    ]);
  });

  it('given services, when read back, then it lists them sorted and finds the resource of each', () => {
    const apis = new ProjectServices(googleStack(), 'apis', {
      project: PROJECT,
      services: { storage: 'storage.googleapis.com', kms: 'cloudkms.googleapis.com' },
    });
    expect(apis.enabledServices).toEqual(['cloudkms.googleapis.com', 'storage.googleapis.com']);
    expect(apis.resourceFor('storage.googleapis.com')).toBe(apis.resources.storage);
    expect(apis.resourceFor('run.googleapis.com')).toBeUndefined();
  });

  it.each([
    [{ storage: 'storage' }, /ProjectServices 'apis': services.storage 'storage' is invalid: use a service name '<name>.googleapis.com'/],
    [{ storage: 'Storage.googleapis.com' }, /services.storage 'Storage.googleapis.com' is invalid/],
    [{ storage: 'storage.googleapis.com.evil' }, /is invalid/],
    [{ Storage: 'storage.googleapis.com' }, /services key 'Storage' is invalid/],
    [{ a: 'storage.googleapis.com', b: 'storage.googleapis.com' }, /services.b 'storage.googleapis.com' is already enabled under services.a/],
    [{}, /services must name at least one API/],
  ])('given services %j, when constructed, then it is refused', (services, error) => {
    expect(() => new ProjectServices(googleStack(), 'apis', { project: PROJECT, services })).toThrow(error);
  });

  it('given a project number instead of an id, when constructed, then it is refused', () => {
    expect(() => new ProjectServices(googleStack(), 'apis', { project: '123456789012', services: { kms: 'cloudkms.googleapis.com' } })).toThrow(
      /ProjectServices 'apis': project '123456789012' is invalid/,
    );
  });

  it('given unresolved tokens, when constructed, then validation skips them', () => {
    const token = Token.asString({ resolve: () => 'x' });
    expect(() => new ProjectServices(googleStack(), 'apis', { project: token, services: { kms: token } })).not.toThrow();
  });
});

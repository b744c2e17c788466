import { findWorkspaceRoot } from '@platform/config';
import { synthesizeInEveryEnvironment } from '@platform/core';
import { parseEach } from '@platform/testing';
import { describe, expect, it } from 'vitest';
import appService from './index';

const synthesized = parseEach(synthesizeInEveryEnvironment(appService, findWorkspaceRoot(import.meta.dirname)));
const environments = [...synthesized];
const stackIn = (name: string) => synthesized.get(name)!;

describe('app-service stack', () => {
  it('synthesizes in every environment with the guardrails holding', () => {
    expect(environments.map(([name]) => name)).toEqual(['dev', 'drill', 'prod', 'staging']);
  });

  describe.each(environments)('in %s', (_env, stack) => {
    it('keeps images in a CMEK-encrypted repository with immutable tags', () => {
      expect(stack.single('google_artifact_registry_repository')).toMatchObject({
        format: 'DOCKER',
        kms_key_name: '${data.terraform_remote_state.upstream-security.outputs.kms_key_ids.artifacts}',
        docker_config: { immutable_tags: true },
      });
    });

    it('serves only internal or load-balanced traffic, as the app-runtime identity, over the VPC', () => {
      const service = stack.single('google_cloud_run_v2_service');
      expect(service.ingress).not.toBe('INGRESS_TRAFFIC_ALL');
      expect(service.template).toMatchObject({
        service_account: '${data.terraform_remote_state.upstream-security.outputs.service_account_emails["app-runtime"]}',
        encryption_key: '${data.terraform_remote_state.upstream-security.outputs.kms_key_ids.run}',
        vpc_access: { egress: 'PRIVATE_RANGES_ONLY' },
      });
    });

    it('takes load-balancer traffic, so the edge stack can front it, and never all traffic', () => {
      expect(stack.single('google_cloud_run_v2_service').ingress).toBe('INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER');
    });

    it('lets the GKE nodes read images from its repository only, not project-wide', () => {
      expect(stack.single('google_artifact_registry_repository_iam_member')).toMatchObject({
        repository: expect.stringMatching(/^\$\{google_artifact_registry_repository\.repository\.name\}$/),
        location: expect.stringMatching(/\.location\}$/),
        role: 'roles/artifactregistry.reader',
        member: 'serviceAccount:${data.terraform_remote_state.upstream-security.outputs.service_account_emails["gke-nodes"]}',
      });
      expect(stack.count('google_project_iam_member')).toBe(0);
    });

    it('publishes its service and repository for the edge stack', () => {
      expect(Object.keys(stack.output).sort()).toEqual(['location', 'repository_id', 'service_name', 'service_uri']);
      expect(stack.output.service_uri!.value).toBe('${google_cloud_run_v2_service.service.uri}');
      expect(stack.output.service_name!.value).toBe('${google_cloud_run_v2_service.service.name}');
      expect(stack.output.repository_id!.value).toBe('${google_artifact_registry_repository.repository.repository_id}');
    });

    it('grants nobody public invocation', () => {
      expect(stack.json).not.toMatch(/allUsers|allAuthenticatedUsers/);
    });
  });

  it('protects the prod service from deletion only', () => {
    expect(stackIn('prod').single('google_cloud_run_v2_service').deletion_protection).toBe(true);
    expect(stackIn('dev').single('google_cloud_run_v2_service').deletion_protection).toBe(false);
  });
});

import { Token } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { AuditLogging, type AuditLoggingProps } from './audit-logging';
import { Principal } from './principal';
import { googleStack, PROJECT, synthGoogle } from './__fixtures__/stack';

describe('AuditLogging', () => {
  it('given only a project, when synthesized, then every log type is on for all services', () => {
    const out = synthGoogle((scope) => {
      new AuditLogging(scope, 'audit', { project: PROJECT });
    });
    expect(out.single('google_project_iam_audit_config')).toEqual({
      project: PROJECT,
      service: 'allServices',
      audit_log_config: [{ log_type: 'ADMIN_READ' }, { log_type: 'DATA_READ' }, { log_type: 'DATA_WRITE' }],
    });
  });

  it('given services with log types and exempted members, when synthesized, then each service has its own audit config', () => {
    const out = synthGoogle((scope) => {
      new AuditLogging(scope, 'audit', {
        project: PROJECT,
        services: {
          allServices: { logTypes: ['ADMIN_READ'] },
          'storage.googleapis.com': {
            logTypes: ['DATA_WRITE', 'DATA_READ'],
            exemptedMembers: {
              DATA_READ: [Principal.serviceAccount('scanner@my-project.iam.gserviceaccount.com'), 'group:auditors@example.com'],
            },
          },
        },
      });
    });
    expect(out.count('google_project_iam_audit_config')).toBe(2);
    expect(out.json).toHaveResourceWithProperties('google_project_iam_audit_config', {
      service: 'allServices',
      audit_log_config: [{ log_type: 'ADMIN_READ' }],
    });
    expect(out.json).toHaveResourceWithProperties('google_project_iam_audit_config', {
      service: 'storage.googleapis.com',
      audit_log_config: [
        { log_type: 'DATA_READ', exempted_members: ['group:auditors@example.com', 'serviceAccount:scanner@my-project.iam.gserviceaccount.com'] },
        { log_type: 'DATA_WRITE' },
      ],
    });
  });

  it.each<[string, Partial<AuditLoggingProps>, RegExp]>([
    ['no service', { services: {} }, /AuditLogging 'audit': services must configure at least one service/],
    ['a bad service name', { services: { storage: {} } }, /services key 'storage' is invalid: use 'allServices' or a service name/],
    ['no log type', { services: { allServices: { logTypes: [] } } }, /services.allServices.logTypes must name at least one of ADMIN_READ, DATA_READ, DATA_WRITE/],
    ['Admin Activity', { services: { allServices: { logTypes: ['ADMIN_WRITE' as never] } } }, /logTypes has 'ADMIN_WRITE'; use ADMIN_READ, DATA_READ, DATA_WRITE \(Admin Activity logs are always on\)/],
    ['a repeated log type', { services: { allServices: { logTypes: ['DATA_READ', 'DATA_READ'] } } }, /logTypes lists 'DATA_READ' more than once/],
    [
      'an exemption from a log type that is off',
      { services: { allServices: { logTypes: ['ADMIN_READ'], exemptedMembers: { DATA_READ: ['group:x@example.com'] } } } },
      /exemptedMembers.DATA_READ: 'DATA_READ' is not in logTypes \[ADMIN_READ\]/,
    ],
    ['a public member', { services: { allServices: { exemptedMembers: { DATA_READ: ['allUsers'] } } } }, /services.allServices.exemptedMembers.DATA_READ\[0\] 'allUsers' would make the resource public/],
    ['a malformed member', { services: { allServices: { exemptedMembers: { DATA_WRITE: ['ops@example.com'] } } } }, /exemptedMembers.DATA_WRITE\[0\] 'ops@example.com' is not a valid IAM member/],
    ['a project number', { project: '1234567' }, /project '1234567' is invalid/],
  ])('given %s, when constructed, then it is refused', (_case, override, error) => {
    expect(() => new AuditLogging(googleStack(), 'audit', { project: PROJECT, ...override })).toThrow(error);
  });

  it('given unresolved tokens, when constructed, then validation skips them', () => {
    const token = Token.asString({ resolve: () => 'x' });
    expect(() => new AuditLogging(googleStack(), 'audit', { project: token, services: { allServices: { exemptedMembers: { DATA_READ: [`serviceAccount:${token}`] } } } })).not.toThrow();
  });
});

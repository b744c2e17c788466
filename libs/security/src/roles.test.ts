import { describe, expect, it } from 'vitest';
import { isPrimitiveRole, PRIMITIVE_ROLES, Roles } from './roles';

describe('Roles', () => {
  it('names the predefined roles the intent methods grant', () => {
    expect(Roles.kmsEncrypterDecrypter).toBe('roles/cloudkms.cryptoKeyEncrypterDecrypter');
    expect(Roles.secretAccessor).toBe('roles/secretmanager.secretAccessor');
    expect(Roles.logWriter).toBe('roles/logging.logWriter');
    expect(Roles.metricWriter).toBe('roles/monitoring.metricWriter');
    expect(Roles.monitoringViewer).toBe('roles/monitoring.viewer');
    expect(Roles.artifactReader).toBe('roles/artifactregistry.reader');
  });

  it('holds no primitive role', () => {
    expect(Object.values(Roles).filter(isPrimitiveRole)).toEqual([]);
  });
});

describe('isPrimitiveRole', () => {
  it.each(PRIMITIVE_ROLES)('given %s, when checked, then it is primitive', (role) => {
    expect(isPrimitiveRole(role)).toBe(true);
  });

  it.each(['roles/logging.logWriter', 'roles/ownerX', 'projects/p/roles/editor', ''])(
    'given %j, when checked, then it is not primitive',
    (role) => {
      expect(isPrimitiveRole(role)).toBe(false);
    },
  );
});

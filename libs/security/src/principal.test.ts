import { Token } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { isPublicMember, memberOf, Principal, validateMember } from './principal';

describe('validateMember', () => {
  it.each([
    'user:ana@example.com',
    'serviceAccount:app@my-project.iam.gserviceaccount.com',
    'group:platform@example.com',
    'domain:example.com',
    'principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/ci/subject/repo',
    'principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/ci/attribute.repository/org/repo',
  ])('given %s, when validated, then it is accepted', (member) => {
    expect(() => validateMember(member, 'member')).not.toThrow();
  });

  it.each([
    ['allUsers', /member 'allUsers' would make the resource public/],
    ['allAuthenticatedUsers', /member 'allAuthenticatedUsers' would make the resource public/],
    ['ana@example.com', /member 'ana@example.com' is not a valid IAM member; expected user:, serviceAccount:/],
    ['owner:ana@example.com', /is not a valid IAM member/],
    ['user:ana', /'ana' is not a valid user identity/],
    ['domain:not a domain', /'not a domain' is not a valid domain identity/],
    ['principalSet:pool', /'pool' is not a valid principalSet identity/],
    ['', /member '' is not a valid IAM member/],
  ])('given %j, when validated, then it is refused', (member, error) => {
    expect(() => validateMember(member, 'member')).toThrow(error);
  });

  it('given a token after a valid prefix, when validated, then only the prefix is checked', () => {
    const email = Token.asString({ resolve: () => 'x' });
    expect(() => validateMember(`serviceAccount:${email}`, 'member')).not.toThrow();
    expect(() => validateMember(`robot:${email}`, 'member')).toThrow(/not a valid IAM member/);
  });

  it('given a member that is wholly a token, when validated, then it is skipped', () => {
    expect(() => validateMember(Token.asString({ resolve: () => 'allUsers' }), 'member')).not.toThrow();
  });
});

describe('memberOf', () => {
  it('given a principal or a string, when resolved, then it returns the member string', () => {
    expect(memberOf(Principal.group('ops@example.com'), 'm')).toBe('group:ops@example.com');
    expect(memberOf('user:ana@example.com', 'm')).toBe('user:ana@example.com');
  });

  it('given a public principal, when resolved, then it is refused naming the call', () => {
    expect(() => memberOf({ member: 'allUsers' }, "KmsKey 'app' grantEncryptDecrypt member")).toThrow(
      /KmsKey 'app' grantEncryptDecrypt member 'allUsers' would make the resource public/,
    );
  });
});

describe('Principal', () => {
  it('builds members of each kind and validates them', () => {
    expect(Principal.user('ana@example.com').member).toBe('user:ana@example.com');
    expect(Principal.serviceAccount('a@p.iam.gserviceaccount.com').member).toBe('serviceAccount:a@p.iam.gserviceaccount.com');
    expect(Principal.domain('example.com').member).toBe('domain:example.com');
    expect(() => Principal.group('not-an-email')).toThrow(/Principal.group 'group:not-an-email' is not a valid IAM member/);
  });
});

describe('isPublicMember', () => {
  it('recognises allUsers and allAuthenticatedUsers only', () => {
    expect([' allUsers', 'allAuthenticatedUsers', 'user:allUsers@example.com'].map(isPublicMember)).toEqual([true, true, false]);
  });
});

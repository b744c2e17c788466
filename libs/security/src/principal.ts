import { Token } from 'cdktf';

/**
 * Something that can be granted IAM roles. `member` is an IAM member string such as
 * `serviceAccount:app@my-project.iam.gserviceaccount.com` or `group:platform@example.com`.
 */
export interface IPrincipal {
  readonly member: string;
}

/** A principal, or an IAM member string (`group:platform@example.com`), wherever access is granted. */
export type Grantee = IPrincipal | string;

/** Member prefixes the platform accepts. */
export const MEMBER_PREFIXES = ['user', 'serviceAccount', 'group', 'domain', 'principal', 'principalSet'] as const;

/** Members that make a resource public; refused everywhere. */
export const PUBLIC_MEMBERS = ['allUsers', 'allAuthenticatedUsers'] as const;

const MEMBER = /^(user|serviceAccount|group|domain|principal|principalSet):(.+)$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;

/** True when `member` is `allUsers` or `allAuthenticatedUsers`. */
export function isPublicMember(member: string): boolean {
  return (PUBLIC_MEMBERS as readonly string[]).includes(member.trim());
}

/**
 * Throws when `member` is public or not a well-formed IAM member. `what` names the prop or call
 * in the user's terms (e.g. "ProjectIamGrant 'ci' member"). Parts that are unresolved tokens are
 * skipped: `serviceAccount:${sa.email}` has its prefix checked only.
 */
export function validateMember(member: string, what: string): void {
  if (isPublicMember(member)) {
    throw new Error(
      `${what} '${member}' would make the resource public; grant to a user:, group:, serviceAccount: or domain: member instead`,
    );
  }
  const expected = `expected ${MEMBER_PREFIXES.map((p) => `${p}:`).join(', ')} followed by an identity (e.g. 'group:platform@example.com')`;
  if (Token.isUnresolved(member)) {
    // Only the literal text before the first token can be checked.
    const literal = member.slice(0, member.indexOf('${'));
    if (literal.includes(':') && !MEMBER.test(`${literal}x`)) {
      throw new Error(`${what} '${member}' is not a valid IAM member; ${expected}`);
    }
    return;
  }
  const match = MEMBER.exec(member);
  if (!match) {
    throw new Error(`${what} '${member}' is not a valid IAM member; ${expected}`);
  }
  const [, kind, identity] = match;
  const ok =
    kind === 'domain'
      ? DOMAIN.test(identity)
      : kind === 'principal' || kind === 'principalSet'
        ? identity.startsWith('//')
        : EMAIL.test(identity);
  if (!ok) {
    throw new Error(`${what} '${member}' is not a valid IAM member: '${identity}' is not a valid ${kind} identity`);
  }
}

/** Resolves a grantee to its validated member string. */
export function memberOf(grantee: Grantee, what: string): string {
  const member = typeof grantee === 'string' ? grantee : grantee.member;
  if (typeof member !== 'string') {
    throw new Error(`${what} must be an IAM member string or an IPrincipal, got ${JSON.stringify(grantee)}`);
  }
  validateMember(member, what);
  return member;
}

function principal(kind: (typeof MEMBER_PREFIXES)[number], identity: string): IPrincipal {
  const member = `${kind}:${identity}`;
  validateMember(member, `Principal.${kind}`);
  return { member };
}

/** Factories for principals that are not constructs in this stack (people, groups, foreign service accounts). */
export const Principal = {
  user: (email: string): IPrincipal => principal('user', email),
  group: (email: string): IPrincipal => principal('group', email),
  serviceAccount: (email: string): IPrincipal => principal('serviceAccount', email),
  domain: (domain: string): IPrincipal => principal('domain', domain),
} as const;

import { memberOf, type Grantee } from '@platform/security';
import { Token } from 'cdktf';
import type { Construct } from 'constructs';

/**
 * The validated member of a grant and its construct id: the caller's `id`, or one derived from the
 * member text (so the address does not depend on the order grants are made in). Public members
 * (`allUsers`, `allAuthenticatedUsers`) are refused by `memberOf`.
 */
export function grantOf(scope: Construct, prefix: string, grantee: Grantee, id: string | undefined, what: string): { member: string; id: string } {
  const member = memberOf(grantee, `${what} member`);
  let grantId = id;
  if (grantId === undefined) {
    if (Token.isUnresolved(member)) {
      throw new Error(`${what}: the member '${member}' is only known at deploy time, so pass an explicit id (the grant's stable construct id)`);
    }
    grantId = `${prefix}-${member.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '')}`;
  } else if (grantId.trim() === '') {
    throw new Error(`${what}: id must not be empty`);
  }
  if (scope.node.tryFindChild(grantId) !== undefined) {
    throw new Error(`${what}: a grant with id '${grantId}' already exists on ${scope.node.path}; grant once, or pass a different id`);
  }
  return { member, id: grantId };
}

import { Token, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { Grantee } from '../principal';
import { idFragment } from './validate';

/**
 * The construct id of a grant: the caller's `id`, or one derived from the grantee so repeated
 * synths keep the same address (a construct's path inside its stack, or the member string).
 */
export function grantId(prefix: string, grantee: Grantee, id: string | undefined, what: string): string {
  if (id !== undefined) {
    if (id.trim() === '') throw new Error(`${what}: id must not be empty, got '${id}'`);
    return id;
  }
  if (Construct.isConstruct(grantee)) {
    const scopes = grantee.node.scopes;
    const stackIndex = scopes.findIndex((s) => TerraformStack.isStack(s));
    const path = scopes
      .slice(stackIndex + 1)
      .map((s) => s.node.id)
      .join('-');
    return `${prefix}-${idFragment(path)}`;
  }
  const member = typeof grantee === 'string' ? grantee : grantee.member;
  if (Token.isUnresolved(member)) {
    throw new Error(
      `${what}: the member '${member}' is only known at deploy time, so pass an explicit id (the grant's stable construct id)`,
    );
  }
  return `${prefix}-${idFragment(member)}`;
}

/** Throws a readable error when `scope` already has a child `id` (a grant made twice). */
export function ensureFreeId(scope: Construct, id: string, what: string): void {
  if (scope.node.tryFindChild(id) !== undefined) {
    throw new Error(`${what}: a grant with id '${id}' already exists on ${scope.node.path}; grant once, or pass a different id`);
  }
}

import { Token } from 'cdktf';
import { isPrimitiveRole } from '../roles';

const ROLE = /^(roles\/[A-Za-z0-9_.]+|(projects|organizations)\/[^/\s]+\/roles\/[A-Za-z0-9_.]+)$/;

/** What to grant instead of a primitive role, for error messages. */
export const PREDEFINED_ROLE_HINT =
  'grant a predefined role such as roles/logging.logWriter, roles/storage.objectViewer or roles/cloudsql.client (see Roles in @platform/security) instead';

/**
 * Throws when `role` is malformed or primitive. `refusal` is the sentence that starts the primitive-role
 * error ("service account 'app-runtime' may not hold primitive role roles/editor").
 */
export function validateRole(role: string, what: string, refusal: (role: string) => string): void {
  if (Token.isUnresolved(role)) return;
  if (isPrimitiveRole(role)) {
    throw new Error(`${refusal(role)}; ${PREDEFINED_ROLE_HINT} (${what})`);
  }
  if (!ROLE.test(role)) {
    throw new Error(
      `${what} '${role}' is not an IAM role; use 'roles/<service>.<role>' or a custom role 'projects/<p>/roles/<id>'`,
    );
  }
}

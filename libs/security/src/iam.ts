import { Construct } from 'constructs';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { memberOf, type Grantee } from './principal';
import { validateRole } from './private/role';
import { validatePattern } from './private/validate';

const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

export interface ProjectIamGrantProps {
  /** Project id the role is granted on. */
  readonly project: string;
  /** A predefined or custom role (`roles/cloudsql.client`, see `Roles`); primitive roles are refused. */
  readonly role: string;
  /** Who receives the role: an {@link IPrincipal} or a member string; `allUsers`/`allAuthenticatedUsers` are refused. */
  readonly member: Grantee;
  /**
   * An IAM condition narrowing the grant, e.g. to one Cloud SQL instance for services without
   * resource-level IAM (`resource.name == 'projects/p/instances/i'`).
   * @default - the role holds on every resource of the project
   */
  readonly condition?: IamCondition;
}

/** A CEL condition on an IAM grant. */
export interface IamCondition {
  /** Short name shown in the console. */
  readonly title: string;
  /** The CEL expression. */
  readonly expression: string;
  /** @default - none */
  readonly description?: string;
}

/**
 * One least-privilege project role for one member (`google_project_iam_member`: additive, never
 * takes roles away from others). Refuses primitive roles and public members.
 */
export class ProjectIamGrant extends Construct {
  /** The underlying `google_project_iam_member`. */
  public readonly iamMember: ProjectIamMember;

  constructor(scope: Construct, id: string, props: ProjectIamGrantProps) {
    super(scope, id);
    const owner = `ProjectIamGrant '${id}'`;
    validatePattern(owner, 'project', props.project, PROJECT_ID, 'use a project id (6-30 lowercase letters, digits or hyphens, starting with a letter)');
    const member = memberOf(props.member, `${owner} member`);
    validateRole(props.role, `${owner} role`, (role) => `${owner} may not grant primitive role ${role} to '${member}'`);
    if (props.condition && (props.condition.title.trim() === '' || props.condition.expression.trim() === '')) {
      throw new Error(`${owner}: condition needs a title and an expression, got title '${props.condition.title}' and expression '${props.condition.expression}'`);
    }
    this.iamMember = new ProjectIamMember(this, 'default', {
      project: props.project,
      role: props.role,
      member,
      ...(props.condition ? { condition: { ...props.condition } } : {}),
    });
  }
}

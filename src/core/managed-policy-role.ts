import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { bounded, DESCRIPTION_LIMITS } from './names';

/**
 * A role whose every permission granted to it (by `grant*` calls, event
 * sources, targets, tracing) lands in one customer-managed policy instead of
 * an inline policy; it has no AWS-managed policy. Used for the roles the
 * library creates for Lambda (the projector) and for EventBridge (the
 * route's delivery role).
 *
 * The policy is a sibling of the role, not a child: a resource that depends on
 * the role (a function) must not depend on a policy that names it (its log
 * group).
 */
export class ManagedPolicyRole extends iam.Role {
  /** The customer-managed policy holding every permission of the role. */
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, policyId: string, assumedBy: iam.IPrincipal, description: string) {
    super(scope, id, { assumedBy, description: bounded(description, DESCRIPTION_LIMITS.iam) });
    this.policy = new iam.ManagedPolicy(scope, policyId, { description: bounded(`Permissions of ${this.node.path}`, DESCRIPTION_LIMITS.iam), roles: [this] });
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}

import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * The execution role of the default projector. Every permission granted to it
 * (by `grant*` calls, event sources, tracing) lands in one customer-managed
 * policy instead of an inline policy, and the role has no AWS-managed policy:
 * its logging permission names the projector's own log group.
 *
 * The policy is a sibling of the role, not a child: the function depends on
 * its role, and a policy naming the function's log group must not be part of
 * that dependency.
 */
export class ProjectorRole extends iam.Role {
  /** The customer-managed policy holding every permission of the role. */
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, policyId: string, description: string) {
    super(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description });
    this.policy = new iam.ManagedPolicy(scope, policyId, { description: `Permissions of ${this.node.path}`, roles: [this] });
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}

import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { acknowledge, ACKNOWLEDGEMENTS } from '../core/nag';
import { SNS_SERVICE } from '../core/service-keys';

/** The delivery status logging of a topic, ready for aws-cdk-lib's `sns.Topic`. */
export interface ResolvedDeliveryStatusLogging {
  /** The configurations, each naming its roles. */
  readonly configs?: sns.LoggingConfig[];
  /** The role created for the configurations that named no role. */
  readonly role?: ManagedPolicyRole;
}

/**
 * The log groups SNS writes delivery status logs to: `sns/<region>/<account-id>/<topic-name>`
 * (Amazon SNS Developer Guide, "Prerequisites for delivery status logging",
 * https://docs.aws.amazon.com/sns/latest/dg/topics-attrib-prereq.html), and their log streams.
 */
export const SNS_DELIVERY_LOG_GROUPS = `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:sns/${Aws.REGION}/${Aws.ACCOUNT_ID}/*`;

/**
 * Gives every logging configuration that names neither a success nor a failure
 * role one role this function creates in `scope`, assumed by SNS, allowed to
 * create and write the SNS delivery status log groups of this account and
 * region (the permissions AWS lists on the same page: `logs:CreateLogGroup`,
 * `logs:CreateLogStream`, `logs:PutLogEvents`). A configuration that names a
 * role is left as given.
 */
export function resolveDeliveryStatusLogging(scope: Construct, configs: sns.LoggingConfig[] | undefined): ResolvedDeliveryStatusLogging {
  const roleless = (configs ?? []).filter((config) => !config.successFeedbackRole && !config.failureFeedbackRole);
  if (roleless.length === 0) {
    return { configs };
  }
  const role = new ManagedPolicyRole(
    scope,
    'DeliveryStatusLoggingRole',
    'DeliveryStatusLoggingPolicy',
    new iam.ServicePrincipal(SNS_SERVICE),
    `Assumed by SNS to write the delivery status logs of the topic ${scope.node.path}`,
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'WriteSnsDeliveryStatusLogs',
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [SNS_DELIVERY_LOG_GROUPS],
    }),
  );
  acknowledge(role.policy, ACKNOWLEDGEMENTS.snsDeliveryStatusLogGroups);
  return {
    role,
    configs: configs!.map((config) => (roleless.includes(config) ? { ...config, successFeedbackRole: role, failureFeedbackRole: role } : config)),
  };
}

import { arnService, isFifoRuleTarget, targetId } from '../relations';
import { defineRule, eachRuleTarget, RuleFinding, RuleLevel } from '../rule';

/**
 * A FIFO queue as the target of an EventBridge rule without a message group
 * id: EventBridge refuses the target ("Parameter(s) SqsParameters must be
 * specified for target"), and the deployment fails.
 */
export const fifoTargetWithoutMessageGroup = defineRule('FifoTargetWithoutMessageGroup', RuleLevel.ERROR, eachRuleTarget(), {
  info: 'The rule targets a FIFO queue without SqsParameters.MessageGroupId: EventBridge refuses the target and the deployment fails.',
  explanation:
    'Every message sent to a FIFO queue needs a message group id, which EventBridge takes from the target\'s SqsParameters.MessageGroupId. ' +
    'PutTargets refuses a FIFO queue target without it (ValidationException "Parameter(s) SqsParameters must be specified for target"), so ' +
    'CloudFormation fails to create or update the rule.',
  fix: 'Set the target\'s SqsParameters.MessageGroupId (aws-cdk-lib: new targets.SqsQueue(queue, { messageGroupId }); this library: RouteTarget.queue(queue, { messageGroupId })).',
  sources: [
    'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html',
    'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_SqsParameters.html',
    'https://github.com/hashicorp/terraform/issues/20263',
    'https://github.com/awslabs/aws-ddk/issues/183',
  ],
  check(t, graph): RuleFinding[] {
    const queue = t.target.resource ? t.target.resource.type === 'AWS::SQS::Queue' : arnService(t.target) === 'sqs';
    if (t.properties.SqsParameters?.MessageGroupId !== undefined || !queue || !isFifoRuleTarget(graph, t)) {
      return [];
    }
    return [{
      message: `Its target ${targetId(t)} is the FIFO queue ${t.target.resource?.logicalId ?? t.target.external}, with no message group id.`,
      location: `${t.location}.SqsParameters`,
    }];
  },
});

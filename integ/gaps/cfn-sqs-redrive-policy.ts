/**
 * CloudFormation creates an AWS::SQS::Queue without the RedrivePolicy of its
 * template: queues made by a stack never redrive to their DLQ. Shimmed after
 * each deploy from the synthesized template.
 */
import { StackStatus } from '@aws-sdk/client-cloudformation';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { defineGap } from './gap';
import { deployProbeStack } from './probes';
import { DeployedStack } from '../harness/stack';

/** Resolves a template value that names a queue ARN (a literal or Fn::GetAtt [queue, Arn]) against the deployed stack. */
async function resolveQueueArn(stack: DeployedStack, value: any): Promise<string> {
  if (typeof value === 'string') {
    return value;
  }
  const getAtt = value?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[1] === 'Arn') {
    return stack.queueArn(stack.byLogicalId(getAtt[0]).physicalId);
  }
  throw new Error(`cannot resolve the dead-letter target ${JSON.stringify(value)} of ${stack.stackName}`);
}

export const CFN_SQS_REDRIVE_POLICY = defineGap({
  id: 'cfn-sqs-redrive-policy',
  summary: 'CloudFormation creates an AWS::SQS::Queue without the RedrivePolicy of its template (no DLQ redrive for queues made by a stack).',
  source: 'AWS CloudFormation Template Reference, AWS::SQS::Queue, RedrivePolicy '
    + '(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html)',
  probe: 'Creates a stack with a queue whose RedrivePolicy names a DLQ of the same stack, then reads the queue\'s RedrivePolicy attribute.',
  handling: 'shim',
  whenPresent: 'After each deploy, sets every queue\'s RedrivePolicy from the synthesized template with SetQueueAttributes (deadLetterTargetArn resolved to the deployed DLQ).',
  async detect(clients) {
    const suffix = Date.now().toString(36);
    const result = await deployProbeStack(clients, `Redrive${suffix}`, {
      Resources: {
        Dlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `integ-probe-redrive-dlq-${suffix}` } },
        Source: {
          Type: 'AWS::SQS::Queue',
          Properties: {
            QueueName: `integ-probe-redrive-${suffix}`,
            RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 2 },
          },
        },
      },
    });
    if (result.status !== StackStatus.CREATE_COMPLETE) {
      return { present: true, detail: `probe stack ${result.status}: ${result.reasons.join('; ')}` };
    }
    const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: `integ-probe-redrive-${suffix}` }));
    const { Attributes = {} } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['RedrivePolicy'] }));
    const policy = Attributes.RedrivePolicy ? JSON.parse(Attributes.RedrivePolicy) : undefined;
    const ok = policy && String(policy.deadLetterTargetArn).endsWith(`:integ-probe-redrive-dlq-${suffix}`) && Number(policy.maxReceiveCount) === 2;
    return { present: !ok, detail: `RedrivePolicy of the created queue: ${Attributes.RedrivePolicy ?? '(none)'}` };
  },
  shim: {
    async deployed(stack) {
      const applied: string[] = [];
      for (const queue of stack.ofType('AWS::SQS::Queue')) {
        const policy = queue.properties.RedrivePolicy;
        if (!policy) {
          continue;
        }
        const redrive = JSON.stringify({
          deadLetterTargetArn: await resolveQueueArn(stack, policy.deadLetterTargetArn),
          maxReceiveCount: Number(policy.maxReceiveCount),
        });
        await stack.clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl: queue.physicalId, Attributes: { RedrivePolicy: redrive } }));
        applied.push(`shim cfn-sqs-redrive-policy: set RedrivePolicy ${redrive} on ${queue.path}`);
      }
      return applied;
    },
  },
});

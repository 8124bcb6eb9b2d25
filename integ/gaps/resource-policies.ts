/**
 * AWS evaluates IAM and resource policies; the emulator allows every call
 * unless started with AUTH=true, and then evaluates only some policy types.
 * Noted: the permissions suite runs two examples on a second emulator with
 * AUTH=true; what it evaluates there is listed here.
 */
import { SendMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { defineGap } from './gap';
import { createQueue } from './probes';

export const RESOURCE_POLICIES = defineGap({
  id: 'resource-policies',
  summary: 'AWS evaluates IAM and resource policies (queue policies, key policies, aws:SecureTransport); MiniStack allows every call by default. '
    + 'With AUTH=true it evaluates: the identity policies of IAM users, roles and functions (a function calls AWS with its execution '
    + 'role\'s credentials), explicit Deny, SQS queue and SNS topic policies (root included), SNS → SQS deliveries against the queue policy, '
    + 'Lambda function policies for direct calls, KMS key policies for IAM principals, Kinesis stream policies, aws:SecureTransport (over TLS); '
    + 'it does not evaluate: the account root\'s identity permissions, EventBridge bus policies, DynamoDB resource policies, kms:* condition '
    + 'keys, deliveries by EventBridge (to queues, topics, functions) and by SNS to functions, Lambda destinations, event source mappings '
    + 'in one account, the role CloudFormation deploys with.',
  source: 'AWS Identity and Access Management User Guide, Policy evaluation logic '
    + '(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html); the emulator: ministack/core/iam_evaluator.py '
    + '(enforce, _RESOURCE_POLICY_LOOKUPS), services/sqs.py (_enforce_queue_policy, queue_policy_allows), services/sns.py (_enforce_topic_policy, '
    + '_deliver_to_sqs), core/lambda_runtime.py (execution_credentials)',
  probe: 'Sends a message over plain HTTP to a queue whose policy denies sqs:SendMessage to everyone.',
  handling: 'note',
  whenPresent: 'The example suites prove message flows, not permissions. The permissions suite deploys order-fanout and order-ledger to a '
    + 'second emulator with AUTH=true over TLS and runs there order-fanout\'s flow (FanoutTopic\'s queue policies, the aws:SecureTransport '
    + 'denials) and the projectors on records put one at a time (their roles: DynamoDB conditional writes), and shows that a queue policy '
    + 'narrower than the library\'s stops the deliveries. Under AUTH=true MiniStack 1.5.33 refuses the Kinesis and SQS requests a function '
    + 'signs with its role\'s session credentials (InvalidSignatureException; DynamoDB accepts them), so order-ledger\'s command function '
    + 'is not used (the suite puts the records itself) and the projector\'s failure queue is not proven there. What the emulator does not '
    + 'evaluate is covered by the template assertions and cdk-nag in the unit tests only.',
  async detect(clients) {
    const suffix = Date.now().toString(36);
    const queue = await createQueue(clients, `integ-probe-policy-${suffix}`);
    await clients.sqs.send(new SetQueueAttributesCommand({
      QueueUrl: queue.url,
      Attributes: {
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Principal: '*', Action: 'sqs:SendMessage', Resource: queue.arn }],
        }),
      },
    }));
    try {
      await clients.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'probe' }));
      return { present: true, detail: 'SendMessage denied by the queue policy succeeded' };
    } catch (error) {
      return { present: false, detail: `SendMessage was refused: ${(error as Error).name}` };
    }
  },
});

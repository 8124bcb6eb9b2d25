/**
 * What the suite leaves in an account after `cdk destroy`, and its removal.
 *
 * `cdk destroy` deletes a stack, but CloudFormation keeps every resource whose
 * DeletionPolicy is Retain (RetainExceptOnCreate once created), as the
 * library's Kinesis stream and read-model tables and aws-cdk-lib's KMS keys
 * are by default ("Retain: CloudFormation keeps the resource without deleting
 * the resource or its contents when its stack is deleted",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html).
 * Lambda creates each function's log group `/aws/lambda/<name>` itself on the
 * first invocation, outside the stack, unless the function names one
 * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html).
 * On a real account these would keep costing money (a Kinesis shard is billed
 * by the hour), so the suite deletes them after the destroy, each named in a
 * line; what it cannot delete it names as left behind.
 */
import { DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteTableCommand, DescribeTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteStreamCommand } from '@aws-sdk/client-kinesis';
import { ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { DeleteTopicCommand } from '@aws-sdk/client-sns';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { AwsClients } from './aws';
import { DeployedStack } from './stack';

/** A resource that outlives its stack's deletion. */
export interface Leftover {
  readonly type: string;
  /** Physical id: name, URL or ARN, as CloudFormation reports it. */
  readonly physicalId: string;
  /** Why it outlives the stack. */
  readonly reason: string;
}

const RETAINED = new Set(['Retain', 'RetainExceptOnCreate']);

/** What `cdk destroy` of `stack` leaves behind: retained resources and the log groups Lambda created. */
export function leftoversOf(stack: DeployedStack): Leftover[] {
  const leftovers: Leftover[] = [];
  for (const resource of stack.resources) {
    const policy = stack.template.Resources?.[resource.logicalId]?.DeletionPolicy;
    if (resource.physicalId && RETAINED.has(policy)) {
      leftovers.push({ type: resource.type, physicalId: resource.physicalId, reason: `DeletionPolicy ${policy}` });
    }
    if (resource.type === 'AWS::Lambda::Function' && resource.physicalId && stack.functionLogGroup(resource) === undefined) {
      leftovers.push({ type: 'AWS::Logs::LogGroup', physicalId: `/aws/lambda/${resource.physicalId}`, reason: 'created by Lambda' });
    }
  }
  return leftovers;
}

/** True for the error a service answers when the resource is already gone. */
function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string }).name ?? '';
  return /NotFound|NonExistent|DoesNotExist/.test(name);
}

/** Deletes one leftover; resolves with what was done, or undefined when the type is not one this suite deletes. */
async function deleteLeftover(clients: AwsClients, leftover: Leftover): Promise<string | undefined> {
  const id = leftover.physicalId;
  switch (leftover.type) {
    case 'AWS::DynamoDB::Table': {
      const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: id }));
      if (Table?.DeletionProtectionEnabled) {
        await clients.dynamodb.send(new UpdateTableCommand({ TableName: id, DeletionProtectionEnabled: false }));
      }
      await clients.dynamodb.send(new DeleteTableCommand({ TableName: id }));
      return 'deleted';
    }
    case 'AWS::Kinesis::Stream':
      await clients.kinesis.send(new DeleteStreamCommand({ StreamName: id, EnforceConsumerDeletion: true }));
      return 'deleted';
    case 'AWS::KMS::Key':
      // 7 days is the shortest waiting period KMS allows (ScheduleKeyDeletion, PendingWindowInDays 7 to 30).
      await clients.kms.send(new ScheduleKeyDeletionCommand({ KeyId: id, PendingWindowInDays: 7 }));
      return 'scheduled for deletion in 7 days';
    case 'AWS::Logs::LogGroup':
      await clients.logs.send(new DeleteLogGroupCommand({ logGroupName: id }));
      return 'deleted';
    case 'AWS::SQS::Queue':
      await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: id }));
      return 'deleted';
    case 'AWS::SNS::Topic':
      await clients.sns.send(new DeleteTopicCommand({ TopicArn: id }));
      return 'deleted';
    default:
      return undefined;
  }
}

/**
 * Deletes the leftovers; returns one line per leftover (deleted, already gone,
 * or left behind). Throws after trying them all when a deletion failed, naming
 * each failure, so that nothing is left unsaid.
 */
export async function deleteLeftovers(clients: AwsClients, leftovers: readonly Leftover[]): Promise<string[]> {
  const lines: string[] = [];
  const failures: string[] = [];
  for (const leftover of leftovers) {
    const what = `${leftover.type} ${leftover.physicalId} (${leftover.reason})`;
    try {
      const done = await deleteLeftover(clients, leftover);
      lines.push(done ? `${what}: ${done}` : `${what}: left behind (delete it yourself)`);
    } catch (error) {
      if (isNotFound(error)) {
        lines.push(`${what}: already gone`);
      } else {
        failures.push(`${what}: ${(error as Error).name}: ${(error as Error).message}`);
      }
    }
  }
  if (failures.length > 0) {
    throw new Error(`could not delete ${failures.length} resource(s) the stacks left:\n${[...lines, ...failures].join('\n')}`);
  }
  return lines;
}

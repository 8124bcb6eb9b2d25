/**
 * Observing deliveries: which tagged messages reached a consumer function (its
 * log) or a queue without a consumer (its messages). Each message the suite
 * sends carries a unique tag (for example `o3-order-fanout-mwq3q3st`).
 */
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { AwsClients } from './aws';
import { lambdaLogLines, receiveAll } from './queues';
import { DeployedResource, DeployedStack } from './stack';
import { referencedLogicalId } from '../scenarios/scenario';

function tagRegex(tag: string): RegExp {
  return new RegExp(`(^|[^A-Za-z0-9-])${tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z0-9-]|$)`);
}

/** How many of `texts` mention each tag. */
export function countTags(texts: string[], tags: string[]): Map<string, number> {
  const counts = new Map<string, number>(tags.map((t) => [t, 0]));
  const regexes = tags.map((t) => [t, tagRegex(t)] as const);
  for (const text of texts) {
    for (const [tag, regex] of regexes) {
      if (regex.test(text)) {
        counts.set(tag, counts.get(tag)! + 1);
      }
    }
  }
  return counts;
}

/** Where the deliveries to an endpoint are observed. */
export interface Observer {
  /** Human-readable name (construct path of the consumer or queue). */
  readonly name: string;
  /** Counts of each tag delivered so far. */
  count(tags: string[]): Promise<Map<string, number>>;
}

/** Observes a function through its log (one line per record or event it handles). */
export function functionObserver(stack: DeployedStack, fn: DeployedResource, name: string): Observer {
  const logGroup = stack.functionLogGroup(fn);
  return {
    name,
    async count(tags) {
      return countTags(await lambdaLogLines(stack.clients, fn.physicalId, logGroup), tags);
    },
  };
}

/** Observes a queue without a consumer by receiving its messages (each kept hidden for the rest of the run). */
export function queueObserver(clients: AwsClients, queueUrl: string, name: string): Observer {
  const bodies: string[] = [];
  return {
    name,
    async count(tags) {
      bodies.push(...(await receiveAll(clients, queueUrl, 900)).map((m) => m.Body ?? ''));
      return countTags(bodies, tags);
    },
  };
}

/**
 * Observes the deliveries to a queue of the stack: through the function that
 * consumes it (an event source mapping in the stack), else by receiving from it.
 */
export function observeQueue(stack: DeployedStack, queue: DeployedResource, name: string): Observer {
  const mapping = stack.ofType('AWS::Lambda::EventSourceMapping')
    .find((m) => referencedLogicalId(m.properties.EventSourceArn) === queue.logicalId);
  if (mapping) {
    const fn = stack.byLogicalId(referencedLogicalId(mapping.properties.FunctionName)!);
    return functionObserver(stack, fn, name);
  }
  return queueObserver(stack.clients, queue.physicalId, name);
}

/**
 * Observes an SNS topic that has no subscriber of its own: the harness
 * subscribes a queue of its own (raw delivery) and receives from it.
 */
export async function observeTopic(clients: AwsClients, topicArn: string, name: string): Promise<Observer> {
  const queueName = `integ-observer-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`;
  const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: queueName }));
  const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  const queueArn = Attributes!.QueueArn!;
  await clients.sqs.send(new SetQueueAttributesCommand({
    QueueUrl,
    Attributes: {
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: queueArn,
          Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
        }],
      }),
    },
  }));
  await clients.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn, Attributes: { RawMessageDelivery: 'true' } }));
  return queueObserver(clients, QueueUrl!, name);
}

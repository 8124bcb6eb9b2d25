/**
 * EventBridge and SNS invoke a Lambda function asynchronously on AWS: a failed
 * event is retried by Lambda and then sent to the function's on-failure
 * destination. The emulator runs the function once (EventBridge in a thread
 * of its own, SNS inline), without retries, and drops a failure; only
 * `Invoke` with InvocationType Event takes the asynchronous path (retries and
 * on-failure destination). Noted: the suite drives the library's on-failure
 * path through that call.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, Message } from '@aws-sdk/client-sqs';
import { defineGap } from './gap';
import { LAMBDA_PROBE_ROLE, probeFunction, withProbeStack } from './probes';
import { AwsClients } from '../harness/aws';
import { pollUntil, PollTimeoutError } from '../harness/poll';
import { receiveAll } from '../harness/queues';

/** How long the probe waits for the three invocation records. */
const WAIT_MS = 8_000;

/** Which invoker an invocation record's payload came from. */
function invoker(message: Message): 'eventbridge' | 'sns' | 'invoke' | 'unknown' {
  const payload = JSON.parse(message.Body ?? '{}').requestPayload ?? {};
  if (payload.source === 'integ.probe') {
    return 'eventbridge';
  }
  if (payload.Records?.[0]?.EventSource === 'aws:sns') {
    return 'sns';
  }
  return payload.probe === 'invoke' ? 'invoke' : 'unknown';
}

async function detect(clients: AwsClients): Promise<{ present: boolean; detail: string }> {
  const suffix = Date.now().toString(36);
  const stackName = `AsyncInvoke${suffix}`;
  const name = `integ-probe-async-${suffix}`; // the function, the queue, the topic and the rule
  const template = {
    Resources: {
      Role: LAMBDA_PROBE_ROLE,
      OnFailure: { Type: 'AWS::SQS::Queue', Properties: { QueueName: name } },
      Fn: probeFunction(name, 'nodejs22.x', 'exports.handler = async () => { throw new Error("probe failure"); };'),
      Config: {
        Type: 'AWS::Lambda::EventInvokeConfig',
        Properties: {
          FunctionName: { Ref: 'Fn' },
          Qualifier: '$LATEST',
          MaximumRetryAttempts: 0,
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['OnFailure', 'Arn'] } } },
        },
      },
      Rule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Name: name,
          EventPattern: { source: ['integ.probe'] },
          Targets: [{ Id: 'fn', Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] } }],
        },
      },
      Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: name } },
      Subscription: {
        Type: 'AWS::SNS::Subscription',
        Properties: { TopicArn: { Ref: 'Topic' }, Protocol: 'lambda', Endpoint: { 'Fn::GetAtt': ['Fn', 'Arn'] } },
      },
    },
  };
  return withProbeStack(clients, stackName, template, async () => {
    const { QueueUrl: queueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    await clients.eventbridge.send(new PutEventsCommand({ Entries: [{ Source: 'integ.probe', DetailType: 'Probe', Detail: '{}' }] }));
    // CreateTopic of an existing name returns its ARN.
    const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: name }));
    await clients.sns.send(new PublishCommand({ TopicArn, Message: 'probe' }));
    await clients.lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: JSON.stringify({ probe: 'invoke' }) }));

    const records: Message[] = [];
    const read = async () => {
      records.push(...await receiveAll(clients, queueUrl!, 300));
      return records.map(invoker) as string[];
    };
    let seen: string[];
    try {
      seen = await pollUntil(read, (s) => ['eventbridge', 'sns', 'invoke'].every((i) => s.includes(i)), {
        description: 'the three invocation records', timeoutMs: WAIT_MS, intervalMs: 250, progressEveryMs: 0,
      });
    } catch (error) {
      if (!(error instanceof PollTimeoutError)) {
        throw error;
      }
      seen = await read();
    }
    const count = (i: string) => seen.filter((s) => s === i).length;
    const detail = `invocation records in the on-failure queue after ${WAIT_MS / 1000} s: from PutEvents ${count('eventbridge')}, `
      + `from Publish ${count('sns')}, from Invoke (Event) ${count('invoke')}`;
    if (count('invoke') === 0) {
      throw new Error(`${detail}: the asynchronous Invoke itself reached no on-failure destination, so the probe proves nothing`);
    }
    return { present: count('eventbridge') === 0 || count('sns') === 0, detail };
  });
}

export const LAMBDA_ASYNC_EVENT_SOURCES = defineGap({
  id: 'lambda-async-event-sources',
  summary: 'EventBridge and SNS invoke a Lambda function asynchronously: when it fails, Lambda retries the event (MaximumRetryAttempts) '
    + 'and then sends an invocation record to the function\'s on-failure destination. MiniStack runs the function once, without retries '
    + '(EventBridge in a thread of its own, SNS inline), and drops the failure; only Invoke with InvocationType Event takes its '
    + 'asynchronous path (retries, then the on-failure destination).',
  source: 'AWS Lambda Developer Guide, Invoking a Lambda function asynchronously (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html: '
    + '"Several AWS services, such as Amazon S3 and Amazon SNS, invoke functions asynchronously") and Capturing records of Lambda asynchronous '
    + 'invocations (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html); Amazon EventBridge User Guide, '
    + 'Lambda targets are invoked asynchronously (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html); the '
    + 'emulator: ministack/services/eventbridge.py _dispatch_to_lambda and sns.py _deliver_to_lambda run the function directly, lambda_svc.py '
    + 'invoke_async_with_retry serves Invoke (Event).',
  probe: 'A function that always fails, with an EventInvokeConfig (MaximumRetryAttempts 0, on failure: a queue), a rule and an SNS subscription '
    + `that target it; PutEvents, Publish and an Invoke (Event); waits ${WAIT_MS / 1000} s for the three invocation records in the queue.`,
  handling: 'note',
  whenPresent: 'order-events drives the on-failure path of the route\'s Lambda target by invoking the deployed function asynchronously '
    + '(Invoke, InvocationType Event), as EventBridge does on AWS: the library\'s EventInvokeConfig (its number of attempts, counted in '
    + 'the function\'s log) and its on-failure queue are proven; that EventBridge and SNS take that path is AWS\'s documented behaviour, '
    + 'not proven here.',
  detect,
});

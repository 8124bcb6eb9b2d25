/**
 * Lambda's Kinesis event source acts on a partial batch response, bisects,
 * stops after its retry limits and sends the position of what it gave up on
 * to the on-failure destination; the emulator advances past every batch that
 * did not throw. The checks that need it are skipped.
 */
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { GetEventSourceMappingCommand, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { GetQueueUrlCommand, Message } from '@aws-sdk/client-sqs';
import { defineGap } from './gap';
import { LAMBDA_PROBE_ROLE, probeFunction, withProbeStack } from './probes';
import { AwsClients } from '../harness/aws';
import { pollUntil, PollTimeoutError } from '../harness/poll';
import { receiveAll } from '../harness/queues';

/** Data of the record the probe function reports in `batchItemFailures`, and of the one it does not. */
const REPORTED = 'report-me';
const ACCEPTED = 'ok';
/** How long the probe waits, after the first invocation, for the reported record to come back. */
const RETRY_WAIT_MS = 5_000;

/**
 * The probe function: reports every record whose data is REPORTED as a batch item failure, and
 * sends the data of the records of each invocation to the queue QUEUE_URL, with a plain HTTP
 * call to the emulator (AWS_ENDPOINT_URL; no SDK, so it does not depend on lambda-nodejs-sdk).
 * It never throws: a function error would make the emulator retry the batch, which is not a
 * partial batch response.
 */
const PROBE_CODE = `
exports.handler = async (event) => {
  const records = event.Records.map((r) => ({ id: r.kinesis.sequenceNumber, data: Buffer.from(r.kinesis.data, 'base64').toString('utf8') }));
  try {
    await fetch(process.env.AWS_ENDPOINT_URL, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.SendMessage' },
      body: JSON.stringify({ QueueUrl: process.env.QUEUE_URL, MessageBody: JSON.stringify(records.map((r) => r.data)) }),
    });
  } catch (error) {
    console.log('could not record the invocation', error);
  }
  return { batchItemFailures: records.filter((r) => r.data === ${JSON.stringify(REPORTED)}).map((r) => ({ itemIdentifier: r.id })) };
};`;

/** How many times each record's data was delivered, from the probe queue's messages (one per invocation). */
function deliveries(messages: Map<string, Message>): Record<string, number> {
  const counts: Record<string, number> = { [REPORTED]: 0, [ACCEPTED]: 0 };
  for (const message of messages.values()) {
    for (const data of JSON.parse(message.Body ?? '[]') as string[]) {
      counts[data] = (counts[data] ?? 0) + 1;
    }
  }
  return counts;
}

async function detect(clients: AwsClients): Promise<{ present: boolean; detail: string }> {
  const suffix = Date.now().toString(36);
  const stackName = `KinesisEsm${suffix}`;
  const name = `integ-probe-kinesis-esm-${suffix}`; // the stream, the queue and the function
  const template = {
    Resources: {
      Role: LAMBDA_PROBE_ROLE,
      Stream: { Type: 'AWS::Kinesis::Stream', Properties: { Name: name, ShardCount: 1 } },
      Deliveries: { Type: 'AWS::SQS::Queue', Properties: { QueueName: name } },
      Fn: probeFunction(name, 'nodejs22.x', PROBE_CODE, { QUEUE_URL: { Ref: 'Deliveries' } }),
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          EventSourceArn: { 'Fn::GetAtt': ['Stream', 'Arn'] },
          FunctionName: { Ref: 'Fn' },
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: 10,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          MaximumRetryAttempts: 2,
        },
      },
    },
  };
  return withProbeStack(clients, stackName, template, async () => {
    const { EventSourceMappings = [] } = await clients.lambda.send(new ListEventSourceMappingsCommand({ FunctionName: name }));
    const mapping = EventSourceMappings[0]
      && await clients.lambda.send(new GetEventSourceMappingCommand({ UUID: EventSourceMappings[0].UUID }));
    if (!mapping?.FunctionResponseTypes?.includes('ReportBatchItemFailures')) {
      throw new Error(`the event source mapping does not have FunctionResponseTypes ReportBatchItemFailures: ${JSON.stringify(mapping?.FunctionResponseTypes)}`);
    }
    const { QueueUrl: queueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    // One PutRecords: both records in the same shard, in this order (the first batch holds both on the emulator).
    await clients.kinesis.send(new PutRecordsCommand({
      StreamName: name,
      Records: [REPORTED, ACCEPTED].map((data) => ({ PartitionKey: 'probe', Data: Buffer.from(data) })),
    }));

    const messages = new Map<string, Message>();
    const read = async () => {
      for (const m of await receiveAll(clients, queueUrl!, 300)) {
        messages.set(m.MessageId!, m);
      }
      return deliveries(messages);
    };
    // The first invocation(s): until the record after the reported one was delivered.
    await pollUntil(read, (d) => d[ACCEPTED] >= 1 && d[REPORTED] >= 1, {
      description: 'the first invocation of the probe function', timeoutMs: 30_000, intervalMs: 250, progressEveryMs: 0,
    });
    // Then a redelivery of the reported record, for RETRY_WAIT_MS.
    let counts: Record<string, number>;
    try {
      counts = await pollUntil(read, (d) => d[REPORTED] >= 2, {
        description: 'a redelivery of the reported record', timeoutMs: RETRY_WAIT_MS, intervalMs: 250, progressEveryMs: 0,
      });
    } catch (error) {
      if (!(error instanceof PollTimeoutError)) {
        throw error;
      }
      counts = await read();
    }
    const seen = `${messages.size} invocation(s); the reported record delivered ${counts[REPORTED]} time(s), the next one ${counts[ACCEPTED]} time(s)`;
    return counts[REPORTED] >= 2
      ? { present: false, detail: `${seen}: retried from the reported record` }
      : { present: true, detail: `${seen} in ${RETRY_WAIT_MS / 1000} s after the first invocation: the batch item failure was ignored` };
  });
}

export const KINESIS_ESM_FAILURE_HANDLING = defineGap({
  id: 'kinesis-esm-failure-handling',
  summary: 'Lambda\'s Kinesis event source acts on a partial batch response (ReportBatchItemFailures: it checkpoints before the reported '
    + 'record and retries from it), bisects a batch whose invocation failed, gives up after MaximumRetryAttempts or '
    + 'MaximumRecordAgeInSeconds and then sends the position of that batch to its on-failure destination; MiniStack ignores '
    + 'batchItemFailures and advances past the whole batch, and retries a batch whose invocation failed forever '
    + '(no bisection, no retry limit, no on-failure record).',
  source: 'AWS Lambda Developer Guide, Configuring partial batch response with Kinesis Data Streams and Lambda '
    + '(https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html), and Retaining discarded batch '
    + 'records for a Kinesis Data Streams event source in Lambda (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html)',
  probe: 'A one-shard stream and a function whose response reports the record "report-me" in batchItemFailures (it sends the data of each '
    + 'batch it gets to a queue), mapped with FunctionResponseTypes ReportBatchItemFailures and MaximumRetryAttempts 2; puts "report-me" '
    + `then "ok"; after the first invocation, waits ${RETRY_WAIT_MS / 1000} s for "report-me" to be delivered again. Deletes its stack.`,
  handling: 'skip',
  whenPresent: 'order-ledger cannot prove the paths of the projector that rely on Lambda: the retry of a record it reports '
    + '(a transient error: DynamoDB throttling or 5xx, a failure queue that refused the record) and the projection\'s on-failure '
    + 'destination (the position of a batch whose retries ran out). Skipped with this reason: "a record the failure queue refuses is '
    + 'reported, retried and reaches it once it takes it" and "a record still refused when the retries run out: its batch\'s position '
    + 'reaches the failure queue". What the projector decides on its own (projected or parked, never reported) is proven, '
    + 'one batch per record.',
  detect,
});

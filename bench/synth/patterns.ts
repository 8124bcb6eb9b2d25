/**
 * The apps the synth benchmark builds: for each pattern of the library, N
 * instances of the same architecture in up to three versions:
 *
 * - `library`: this library's construct with its defaults;
 * - `aws-cdk-lib`: the same resources written by hand with aws-cdk-lib L2
 *   constructs, with the same security and reliability features;
 * - `solutions-constructs`: the closest AWS Solutions Constructs pattern with
 *   its defaults.
 *
 * Every module a version needs is imported inside its builder, so that a
 * process building one version loads only what an app of that version would.
 */
import * as path from 'path';
import type { Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type * as Library from '../../src';

export const VARIANTS = ['library', 'aws-cdk-lib', 'solutions-constructs'] as const;
export type Variant = typeof VARIANTS[number];

/** Adds `count` instances of a pattern to `stack`. */
export type Build = (stack: Stack, count: number) => Promise<void>;

export interface PatternBench {
  /** The library construct. */
  readonly name: string;
  /** What one instance is, in every version. */
  readonly instance: string;
  /** The Solutions Constructs pattern compared with. */
  readonly solutionsPattern: string;
  readonly builds: Record<Variant, Build>;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The compiled library, as users load it (run `npx projen compile` first). */
export async function library(): Promise<typeof Library> {
  return import(path.join(REPO_ROOT, 'lib', 'index.js'));
}

/** The projector bundle the library ships, used as is by the other versions. */
export const PROJECTOR_ASSET = path.join(REPO_ROOT, 'assets', 'kinesis-cqrs-pipeline', 'projector.lambda');

/** The user's consumer function, the same in every version. */
const CONSUMER_CODE = `exports.handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    try { JSON.parse(record.body); } catch { batchItemFailures.push({ itemIdentifier: record.messageId }); }
  }
  return { batchItemFailures };
};`;

async function consumerProps(): Promise<lambda.FunctionProps> {
  const lambdaModule = await import('aws-cdk-lib/aws-lambda');
  return {
    runtime: lambdaModule.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambdaModule.Code.fromInline(CONSUMER_CODE),
  };
}

async function consumer(scope: Construct, id: string): Promise<lambda.Function> {
  const lambdaModule = await import('aws-cdk-lib/aws-lambda');
  return new lambdaModule.Function(scope, id, await consumerProps());
}

/** The subscribers of the fan-out pattern: one filtered on a message attribute. */
const FANOUT_SUBSCRIBERS = ['billing', 'shipping', 'analytics'];
const SHIPPING_COUNTRIES = ['FR', 'DE', 'ES'];
const ORDER_PATTERN = { source: ['orders'], detailType: ['OrderPlaced'] };

// ---------------------------------------------------------------------------
// (a) this library, defaults

const libraryBuilds: Record<string, Build> = {
  QueueWithDlq: async (stack, count) => {
    const { QueueWithDlq } = await library();
    for (let i = 0; i < count; i++) {
      new QueueWithDlq(stack, `Orders${i}`, { consumer: await consumer(stack, `Consumer${i}`) });
    }
  },
  FanoutTopic: async (stack, count) => {
    const { FanoutTopic } = await library();
    const sns = await import('aws-cdk-lib/aws-sns');
    for (let i = 0; i < count; i++) {
      new FanoutTopic(stack, `Orders${i}`, {
        subscribers: Object.fromEntries(FANOUT_SUBSCRIBERS.map((name) => [name, name === 'shipping'
          ? { filterPolicy: { country: sns.SubscriptionFilter.stringFilter({ allowlist: SHIPPING_COUNTRIES }) } }
          : {}])),
      });
    }
  },
  FilteredSubscription: async (stack, count) => {
    const { FilteredSubscription } = await library();
    const sns = await import('aws-cdk-lib/aws-sns');
    for (let i = 0; i < count; i++) {
      new FilteredSubscription(stack, `Shipping${i}`, {
        topic: new sns.Topic(stack, `Orders${i}`),
        filterPolicy: { country: sns.SubscriptionFilter.stringFilter({ allowlist: SHIPPING_COUNTRIES }) },
      });
    }
  },
  EventBusRoute: async (stack, count) => {
    const { EventBusRoute, RouteTarget } = await library();
    for (let i = 0; i < count; i++) {
      new EventBusRoute(stack, `Orders${i}`, { eventPattern: ORDER_PATTERN, targets: [RouteTarget.newQueue()] });
    }
  },
  KinesisCqrsPipeline: async (stack, count) => {
    const { KinesisCqrsPipeline } = await library();
    for (let i = 0; i < count; i++) {
      new KinesisCqrsPipeline(stack, `Ledger${i}`);
    }
  },
};

// ---------------------------------------------------------------------------
// (b) the same resources, hand-written with aws-cdk-lib L2 constructs

/** The figures the library's defaults use, written out. */
const HAND = {
  queueRetention: { days: 4 },
  deadLetterRetention: { days: 14 },
  receiveWait: 20,
  maxReceiveCount: 5,
  /** Six times the consumer's 3-second timeout; 30 s (SQS's default) without a consumer. */
  consumerVisibility: 18,
  oldestMessageAge: 300,
};

/**
 * A queue with a dead-letter queue, both encrypted with SSE-SQS and TLS-only,
 * the dead-letter queue accepting messages from its source queue only, and
 * two alarms: the dead-letter queue holds messages, the oldest message waits
 * too long. What an engineer writes once per app and reuses.
 */
async function handQueueWithDlq(scope: Construct, id: string, visibility?: number) {
  const { Duration, RemovalPolicy, Stack } = await import('aws-cdk-lib');
  const sqs = await import('aws-cdk-lib/aws-sqs');
  const cloudwatch = await import('aws-cdk-lib/aws-cloudwatch');
  const stack = Stack.of(scope);
  // A physical name lets the dead-letter queue name its source queue without a dependency cycle.
  const queueName = `${stack.stackName}-${id}`;
  const sourceArn = stack.formatArn({ service: 'sqs', resource: queueName });
  const deadLetterQueue = new sqs.Queue(scope, `${id}Dlq`, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(HAND.deadLetterRetention.days),
    redriveAllowPolicy: {
      redrivePermission: sqs.RedrivePermission.BY_QUEUE,
      sourceQueues: [sqs.Queue.fromQueueArn(scope, `${id}Source`, sourceArn)],
    },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const queue = new sqs.Queue(scope, id, {
    queueName,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(HAND.queueRetention.days),
    receiveMessageWaitTime: Duration.seconds(HAND.receiveWait),
    visibilityTimeout: visibility === undefined ? undefined : Duration.seconds(visibility),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: HAND.maxReceiveCount },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  await handNotEmptyAlarm(scope, `${id}DlqAlarm`, deadLetterQueue, `Messages failed ${HAND.maxReceiveCount} receives and are in the dead-letter queue of ${queue.node.path}.`);
  queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }).createAlarm(scope, `${id}OldestAlarm`, {
    alarmDescription: 'The oldest message has waited longer than 5 minutes: consumers are failing or falling behind.',
    threshold: HAND.oldestMessageAge,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  return queue;
}

/** An SSE-SQS, TLS-only queue keeping messages 14 days (subscription or target dead-letter queue, failure queue). */
async function handPlainQueue(scope: Construct, id: string) {
  const { Duration, RemovalPolicy } = await import('aws-cdk-lib');
  const sqs = await import('aws-cdk-lib/aws-sqs');
  return new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(HAND.deadLetterRetention.days),
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

/** An alarm raised as soon as a queue holds a message. */
async function handNotEmptyAlarm(scope: Construct, id: string, queue: import('aws-cdk-lib/aws-sqs').IQueue, description: string) {
  const { Duration } = await import('aws-cdk-lib');
  const cloudwatch = await import('aws-cdk-lib/aws-cloudwatch');
  return queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }).createAlarm(scope, id, {
    alarmDescription: description,
    threshold: 0,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

/** A queue subscription with its own dead-letter queue (and alarm) unless one is given. */
async function handSubscription(topic: import('aws-cdk-lib/aws-sns').ITopic, queue: import('aws-cdk-lib/aws-sqs').IQueue,
  deadLetterQueue: import('aws-cdk-lib/aws-sqs').IQueue, filter?: boolean) {
  const sns = await import('aws-cdk-lib/aws-sns');
  const subscriptions = await import('aws-cdk-lib/aws-sns-subscriptions');
  topic.addSubscription(new subscriptions.SqsSubscription(queue, {
    deadLetterQueue,
    filterPolicy: filter ? { country: sns.SubscriptionFilter.stringFilter({ allowlist: SHIPPING_COUNTRIES }) } : undefined,
  }));
}

/** The read-model table: on-demand, point-in-time recovery, kept when it leaves the stack. */
async function readModelTable(scope: Construct, id: string) {
  const { RemovalPolicy } = await import('aws-cdk-lib');
  const dynamodb = await import('aws-cdk-lib/aws-dynamodb');
  return new dynamodb.Table(scope, id, {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

const awsCdkLibBuilds: Record<string, Build> = {
  QueueWithDlq: async (stack, count) => {
    const sources = await import('aws-cdk-lib/aws-lambda-event-sources');
    for (let i = 0; i < count; i++) {
      const queue = await handQueueWithDlq(stack, `Orders${i}`, HAND.consumerVisibility);
      const fn = await consumer(stack, `Consumer${i}`);
      fn.addEventSource(new sources.SqsEventSource(queue, { reportBatchItemFailures: true }));
    }
  },
  FanoutTopic: async (stack, count) => {
    const kms = await import('aws-cdk-lib/aws-kms');
    const sns = await import('aws-cdk-lib/aws-sns');
    const awsManagedKey = kms.Alias.fromAliasName(stack, 'AwsManagedSnsKey', 'alias/aws/sns');
    for (let i = 0; i < count; i++) {
      const topic = new sns.Topic(stack, `Orders${i}`, { masterKey: awsManagedKey, enforceSSL: true });
      const deadLetterQueue = await handPlainQueue(stack, `Orders${i}SubscriptionDlq`);
      await handNotEmptyAlarm(stack, `Orders${i}SubscriptionDlqAlarm`, deadLetterQueue,
        `SNS could not deliver messages of ${topic.node.path} to a subscriber; they are in its subscription dead-letter queue.`);
      for (const name of FANOUT_SUBSCRIBERS) {
        const queue = await handQueueWithDlq(stack, `Orders${i}${name}`);
        await handSubscription(topic, queue, deadLetterQueue, name === 'shipping');
      }
    }
  },
  FilteredSubscription: async (stack, count) => {
    const sns = await import('aws-cdk-lib/aws-sns');
    for (let i = 0; i < count; i++) {
      const topic = new sns.Topic(stack, `Orders${i}`);
      const queue = await handQueueWithDlq(stack, `Shipping${i}`);
      const deadLetterQueue = await handPlainQueue(stack, `Shipping${i}SubscriptionDlq`);
      await handNotEmptyAlarm(stack, `Shipping${i}SubscriptionDlqAlarm`, deadLetterQueue,
        `SNS could not deliver messages of the topic to the endpoint of ${queue.node.path}; they are in its subscription dead-letter queue.`);
      await handSubscription(topic, queue, deadLetterQueue, true);
    }
  },
  EventBusRoute: async (stack, count) => {
    const { Duration, Fn } = await import('aws-cdk-lib');
    const cloudwatch = await import('aws-cdk-lib/aws-cloudwatch');
    const events = await import('aws-cdk-lib/aws-events');
    const targets = await import('aws-cdk-lib/aws-events-targets');
    for (let i = 0; i < count; i++) {
      const bus = new events.EventBus(stack, `Orders${i}Bus`);
      const queue = await handQueueWithDlq(stack, `Orders${i}Queue`);
      const deadLetterQueue = await handPlainQueue(stack, `Orders${i}Dlq`);
      const rule = new events.Rule(stack, `Orders${i}`, {
        eventBus: bus,
        eventPattern: ORDER_PATTERN,
        targets: [new targets.SqsQueue(queue, { deadLetterQueue, retryAttempts: 185, maxEventAge: Duration.hours(24) })],
      });
      await handNotEmptyAlarm(stack, `Orders${i}DlqAlarm`, deadLetterQueue,
        `Events could not be delivered by the rule of ${rule.node.path} and are in its dead-letter queue.`);
      const alarms: Array<[string, string]> = [
        ['FailedInvocations', `Deliveries by the rule of ${rule.node.path} failed permanently (FailedInvocations).`],
        ['InvocationsSentToDlq', `Events matched by the rule of ${rule.node.path} were sent to a dead-letter queue (InvocationsSentToDlq).`],
        ['InvocationsFailedToBeSentToDlq', `Events matched by the rule of ${rule.node.path} could not be sent to their dead-letter queue and are lost (InvocationsFailedToBeSentToDlq).`],
      ];
      for (const [metricName, alarmDescription] of alarms) {
        new cloudwatch.Metric({
          namespace: 'AWS/Events',
          metricName,
          // `rule.ruleName` is the rule's Ref, `bus|rule` on a custom bus (cloudformation-coverage-roadmap issue 1131): the bare name is after the `|`.
          dimensionsMap: { EventBusName: bus.eventBusName, RuleName: Fn.select(1, Fn.split('|', rule.ruleName)) },
          statistic: 'Sum',
          period: Duration.minutes(1),
        }).createAlarm(stack, `Orders${i}${metricName}Alarm`, {
          alarmDescription,
          threshold: 0,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      }
    }
  },
  KinesisCqrsPipeline: async (stack, count) => {
    const { Duration, RemovalPolicy } = await import('aws-cdk-lib');
    const cloudwatch = await import('aws-cdk-lib/aws-cloudwatch');
    const kinesis = await import('aws-cdk-lib/aws-kinesis');
    const lambdaModule = await import('aws-cdk-lib/aws-lambda');
    const sources = await import('aws-cdk-lib/aws-lambda-event-sources');
    const logs = await import('aws-cdk-lib/aws-logs');
    const alarmOptions = (threshold: number, alarmDescription: string) => ({
      alarmDescription,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const lagThreshold = Duration.hours(8.4).toMilliseconds();
    for (let i = 0; i < count; i++) {
      const stream = new kinesis.Stream(stack, `Ledger${i}Stream`, {
        shardCount: 1,
        retentionPeriod: Duration.days(7),
        encryption: kinesis.StreamEncryption.MANAGED,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const table = await readModelTable(stack, `Ledger${i}Table`);
      const failureQueue = await handPlainQueue(stack, `Ledger${i}FailureQueue`);
      const logGroup = new logs.LogGroup(stack, `Ledger${i}Logs`, { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
      const projector = new lambdaModule.Function(stack, `Ledger${i}Projector`, {
        runtime: new lambdaModule.Runtime('nodejs24.x', lambdaModule.RuntimeFamily.NODEJS),
        handler: 'index.handler',
        code: lambdaModule.Code.fromAsset(PROJECTOR_ASSET),
        memorySize: 256,
        timeout: Duration.minutes(1),
        tracing: lambdaModule.Tracing.ACTIVE,
        logGroup,
        environment: { TABLE_NAME: table.tableName, PARTITION_KEY: 'pk', FAILURE_QUEUE_URL: failureQueue.queueUrl },
      });
      table.grant(projector, 'dynamodb:GetItem', 'dynamodb:PutItem');
      failureQueue.grantSendMessages(projector);
      projector.addEventSource(new sources.KinesisEventSource(stream, {
        startingPosition: lambdaModule.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        maxRecordAge: Duration.hours(84),
        parallelizationFactor: 1,
        onFailure: new sources.SqsDlq(failureQueue),
      }));
      projector.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) })
        .createAlarm(stack, `Ledger${i}ProjectorLagAlarm`, alarmOptions(lagThreshold, `The projector of ${projector.node.path} is more than 8 hours 24 minutes behind the newest record; records older than 3 days 12 hours are skipped to the failure queue.`));
      await handNotEmptyAlarm(stack, `Ledger${i}FailureQueueAlarm`, failureQueue, `The projection of ${projector.node.path} skipped records or received records it cannot parse: see the failure queue, then replay from the stream.`);
      projector.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) })
        .createAlarm(stack, `Ledger${i}ProjectorErrorsAlarm`, alarmOptions(0, `The projector of ${projector.node.path} failed (threw or timed out); its shard makes no progress while the batch is retried.`));
      stream.metricGetRecordsIteratorAgeMilliseconds({ statistic: 'Maximum', period: Duration.minutes(1) })
        .createAlarm(stack, `Ledger${i}StreamLagAlarm`, alarmOptions(lagThreshold, `A consumer of the stream ${stream.node.path} is more than 8 hours 24 minutes behind; the stream keeps records for 7 days.`));
    }
  },
};

// ---------------------------------------------------------------------------
// (c) the closest AWS Solutions Constructs patterns, defaults

const solutionsBuilds: Record<string, Build> = {
  QueueWithDlq: async (stack, count) => {
    const { SqsToLambda } = await import('solutions-aws-sqs-lambda');
    for (let i = 0; i < count; i++) {
      // Partial batch responses are asked for: the consumer reports failed messages.
      new SqsToLambda(stack, `Orders${i}`, { lambdaFunctionProps: await consumerProps(), sqsEventSourceProps: { reportBatchItemFailures: true } });
    }
  },
  FanoutTopic: async (stack, count) => {
    const sns = await import('aws-cdk-lib/aws-sns');
    const { SnsToSqs } = await import('solutions-aws-sns-sqs');
    for (let i = 0; i < count; i++) {
      // One SnsToSqs per subscriber: the first creates the topic, the others subscribe to it.
      let topic: import('aws-cdk-lib/aws-sns').Topic | undefined;
      for (const name of FANOUT_SUBSCRIBERS) {
        const filterPolicy = name === 'shipping' ? { country: sns.SubscriptionFilter.stringFilter({ allowlist: SHIPPING_COUNTRIES }) } : undefined;
        const subscriber = new SnsToSqs(stack, `Orders${i}${name}`, { existingTopicObj: topic, sqsSubscriptionProps: { filterPolicy } });
        topic = subscriber.snsTopic;
      }
    }
  },
  FilteredSubscription: async (stack, count) => {
    const sns = await import('aws-cdk-lib/aws-sns');
    const { SnsToSqs } = await import('solutions-aws-sns-sqs');
    for (let i = 0; i < count; i++) {
      new SnsToSqs(stack, `Shipping${i}`, {
        existingTopicObj: new sns.Topic(stack, `Orders${i}`),
        sqsSubscriptionProps: { filterPolicy: { country: sns.SubscriptionFilter.stringFilter({ allowlist: SHIPPING_COUNTRIES }) } },
      });
    }
  },
  EventBusRoute: async (stack, count) => {
    const { EventbridgeToSqs } = await import('solutions-aws-eventbridge-sqs');
    for (let i = 0; i < count; i++) {
      new EventbridgeToSqs(stack, `Orders${i}`, { eventBusProps: {}, eventRuleProps: { eventPattern: ORDER_PATTERN } });
    }
  },
  KinesisCqrsPipeline: async (stack, count) => {
    const lambdaModule = await import('aws-cdk-lib/aws-lambda');
    const { KinesisStreamsToLambda } = await import('solutions-aws-kinesisstreams-lambda');
    for (let i = 0; i < count; i++) {
      // The same read-model table as the hand-written version.
      const table = await readModelTable(stack, `Ledger${i}Table`);
      const pipeline = new KinesisStreamsToLambda(stack, `Ledger${i}`, {
        lambdaFunctionProps: {
          runtime: new lambdaModule.Runtime('nodejs24.x', lambdaModule.RuntimeFamily.NODEJS),
          handler: 'index.handler',
          code: lambdaModule.Code.fromAsset(PROJECTOR_ASSET),
          environment: { TABLE_NAME: table.tableName, PARTITION_KEY: 'pk' },
        },
      });
      table.grant(pipeline.lambdaFunction, 'dynamodb:GetItem', 'dynamodb:PutItem');
    }
  },
};

const INSTANCES: Record<string, string> = {
  QueueWithDlq: 'a queue, its dead-letter queue and a consumer function with partial batch responses',
  FanoutTopic: 'a topic fanning out to 3 queues (one filtered), each with a dead-letter queue',
  FilteredSubscription: 'a topic (the user\'s) and a filtered queue subscription',
  EventBusRoute: 'a custom event bus and a rule delivering to a new queue',
  KinesisCqrsPipeline: 'a stream, a projector function and a DynamoDB read-model table',
};

const SOLUTIONS_PATTERNS: Record<string, string> = {
  QueueWithDlq: 'aws-sqs-lambda',
  FanoutTopic: 'aws-sns-sqs ×3',
  FilteredSubscription: 'aws-sns-sqs',
  EventBusRoute: 'aws-eventbridge-sqs',
  KinesisCqrsPipeline: 'aws-kinesisstreams-lambda + table',
};

/** Every pattern benchmarked, in the order of docs/cost-and-performance.md. */
export const PATTERNS: PatternBench[] = Object.keys(libraryBuilds).map((name) => ({
  name,
  instance: INSTANCES[name],
  solutionsPattern: SOLUTIONS_PATTERNS[name],
  builds: { 'library': libraryBuilds[name], 'aws-cdk-lib': awsCdkLibBuilds[name], 'solutions-constructs': solutionsBuilds[name] },
}));

export function pattern(name: string): PatternBench {
  const found = PATTERNS.find((p) => p.name === name);
  if (!found) {
    throw new Error(`unknown pattern ${name}; one of ${PATTERNS.map((p) => p.name).join(', ')}`);
  }
  return found;
}

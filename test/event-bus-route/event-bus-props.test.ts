import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EventBusRoute, EventBusRouteProps, RouteTarget } from '../../src';
import { testStack } from '../helpers/nag';

// The bus a route creates, configured by eventBusProps (aws-cdk-lib's EventBusProps), and what the route adds
// around a customer-managed key. Sources:
// - EventBridge User Guide, "Encrypting EventBridge event buses with AWS KMS keys"
//   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-cmkey.html): the encryption
//   context is the bus's ARN, the key policy needs kms:DescribeKey, kms:GenerateDataKey and kms:Decrypt, and "We
//   strongly recommend specifying a DLQ for event buses, to ensure events are preserved if encryption or decryption
//   errors occur";
// - "Using dead-letter queues to capture encrypted event errors"
//   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-dlq.html);
// - "Encrypting EventBridge archives with AWS KMS keys"
//   (https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-archives.html);
// - "Encrypting event bus logs with AWS KMS in EventBridge"
//   (https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-bus-logs.html).

const PATTERN: events.EventPattern = { source: ['shop'], detailType: ['OrderPlaced'] };

interface Synthesized {
  readonly stack: Stack;
  readonly route: EventBusRoute;
  readonly template: Template;
  /** The key policy statements of the stack's key `BusKey`. */
  readonly keyStatements: any[];
}

function synth(props: Partial<EventBusRouteProps> = {}, setup?: (stack: Stack) => Partial<EventBusRouteProps>): Synthesized {
  const { stack } = testStack();
  const route = new EventBusRoute(stack, 'Route', { eventPattern: PATTERN, targets: [RouteTarget.newQueue()], ...props, ...setup?.(stack) });
  const template = Template.fromStack(stack);
  const key = stack.node.tryFindChild('BusKey');
  const keyStatements = key ? template.toJSON().Resources[logicalId(stack, key)].Properties.KeyPolicy.Statement : [];
  return { stack, route, template, keyStatements };
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as any);
}

/** A route whose bus has the customer-managed key `BusKey`, with `busProps` besides. */
const withKey = (busProps: events.EventBusProps = {}) => (s: Stack): Partial<EventBusRouteProps> => ({
  eventBusProps: { ...busProps, kmsKey: new kms.Key(s, 'BusKey', { enableKeyRotation: true }) },
});

/** The ARN the key policy gives the bus: formatted from its name, as aws-cdk-lib's EventBus formats it. */
function formattedBusArn(name: string) {
  return {
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:event-bus/${name}`]],
  };
}

function busName(s: Synthesized): string {
  return s.template.toJSON().Resources[logicalId(s.stack, s.route.eventBus as events.EventBus)].Properties.Name;
}

const bySid = (statements: any[], sid: string) => statements.filter((st) => st.Sid === sid);

describe('eventBusProps reach the bus the route creates', () => {
  test('description, logConfig and the name of eventBusProps', () => {
    const { template } = synth({
      eventBusProps: { eventBusName: 'orders', description: 'Orders of the shop', logConfig: { level: events.Level.ERROR, includeDetail: events.IncludeDetail.FULL } },
    });
    template.hasResourceProperties('AWS::Events::EventBus', {
      Name: 'orders',
      Description: 'Orders of the shop',
      LogConfig: { Level: 'ERROR', IncludeDetail: 'FULL' },
    });
  });

  test('eventBusName and eventBusProps.eventBusName may name the bus the same', () => {
    const { template } = synth({ eventBusName: 'orders', eventBusProps: { eventBusName: 'orders' } });
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'orders' });
  });

  test('without a key, the bus has no dead-letter queue and the route no bus alarm', () => {
    const { template, route } = synth({ eventBusProps: { description: 'Orders' } });
    template.hasResourceProperties('AWS::Events::EventBus', { DeadLetterConfig: Match.absent(), KmsKeyIdentifier: Match.absent() });
    expect(route.eventBusDeadLetterQueue).toBeUndefined();
    expect(route.eventBusDeadLetterQueueAlarm).toBeUndefined();
    expect(route.node.tryFindChild('EventBusDeadLetterQueue')).toBeUndefined();
  });
});

describe('a customer-managed key on the bus', () => {
  test('encrypts the bus', () => {
    const s = synth({}, withKey());
    s.template.hasResourceProperties('AWS::Events::EventBus', { KmsKeyIdentifier: { 'Fn::GetAtt': [logicalId(s.stack, s.stack.node.findChild('BusKey')), 'Arn'] } });
  });

  test('gives the bus a dead-letter queue made like the route\'s: 14 days, SSE-SQS, TLS only, exposed and alarmed', () => {
    const s = synth({}, withKey());
    const dlq = s.route.eventBusDeadLetterQueue as sqs.Queue;
    expect(dlq).toBe(s.route.node.findChild('EventBusDeadLetterQueue'));
    const id = logicalId(s.stack, dlq);
    s.template.hasResourceProperties('AWS::Events::EventBus', { DeadLetterConfig: { Arn: { 'Fn::GetAtt': [id, 'Arn'] } } });
    const resource = s.template.toJSON().Resources[id];
    expect(resource.Properties).toEqual({ MessageRetentionPeriod: 14 * 86_400, SqsManagedSseEnabled: true });
    expect(resource.DeletionPolicy).toBe('Delete');
    s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: id }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    // The same alarm as on the route's dead-letter queues: any visible message, over one minute.
    const alarm = s.route.eventBusDeadLetterQueueAlarm!;
    expect(s.route.alarms).toContain(alarm);
    expect(s.route.deadLetterQueueAlarms).not.toContain(alarm);
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmDescription: Match.stringLikeRegexp('could not process \\(an encryption or decryption error'),
    });
  });

  test('lets EventBridge in this account send to the bus\'s dead-letter queue (aws:SourceAccount)', () => {
    // AWS documents the aws:SourceArn EventBridge presents for rule targets only ("Cross-service confused deputy
    // prevention", https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html):
    // the bus's queue is scoped to the account, as that page says for "any resource in that account".
    const s = synth({}, withKey());
    const id = logicalId(s.stack, s.route.eventBusDeadLetterQueue as sqs.Queue);
    s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: id }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowEventBridgeToSendTheFailedEventsOfTheBus',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: { 'Fn::GetAtt': [id, 'Arn'] },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ]),
      },
    });
  });

  test('deadLetterRetentionPeriod, deadLetterQueueKey and removalPolicy apply to the bus\'s dead-letter queue too', () => {
    const s = synth({ deadLetterRetentionPeriod: Duration.days(4), removalPolicy: RemovalPolicy.RETAIN }, (st) => ({
      ...withKey()(st),
      deadLetterQueueKey: new kms.Key(st, 'DlqKey', { enableKeyRotation: true }),
    }));
    const resource = s.template.toJSON().Resources[logicalId(s.stack, s.route.eventBusDeadLetterQueue as sqs.Queue)];
    expect(resource.Properties).toEqual({ MessageRetentionPeriod: 4 * 86_400, KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(s.stack, s.stack.node.findChild('DlqKey')), 'Arn'] } });
    expect(resource.DeletionPolicy).toBe('Retain');
    // One statement for the dead-letter queues' key, whichever queue made it first.
    const dlqKey = s.template.toJSON().Resources[logicalId(s.stack, s.stack.node.findChild('DlqKey'))];
    expect(bySid(dlqKey.Properties.KeyPolicy.Statement, 'AllowEventBridgeToUseTheKeyOfDeadLetterQueues')).toHaveLength(1);
  });

  test('a dead-letter queue given in eventBusProps is used instead, and alarmed', () => {
    const s = synth({}, (st) => ({ ...withKey({ deadLetterQueue: new sqs.Queue(st, 'Mine', { enforceSSL: true }) })(st) }));
    const mine = s.stack.node.findChild('Mine') as sqs.Queue;
    expect(s.route.eventBusDeadLetterQueue).toBe(mine);
    expect(s.route.node.tryFindChild('EventBusDeadLetterQueue')).toBeUndefined();
    s.template.hasResourceProperties('AWS::Events::EventBus', { DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(s.stack, mine), 'Arn'] } } });
    s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(s.stack, mine) }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowEventBridgeToSendTheFailedEventsOfTheBus' })]) },
    });
    expect(s.route.eventBusDeadLetterQueueAlarm).toBeDefined();
  });

  test('a dead-letter queue given in eventBusProps without a key is used and alarmed as well', () => {
    const s = synth({}, (st) => ({ eventBusProps: { deadLetterQueue: new sqs.Queue(st, 'Mine', { enforceSSL: true }) } }));
    expect(s.route.eventBusDeadLetterQueue).toBe(s.stack.node.findChild('Mine'));
    expect(s.route.eventBusDeadLetterQueueAlarm).toBeDefined();
  });

  test('a queue that is both the bus\'s and the targets\' dead-letter queue is alarmed once', () => {
    const s = synth({}, (st) => {
      const shared = new sqs.Queue(st, 'Shared', { enforceSSL: true });
      return { ...withKey({ deadLetterQueue: shared })(st), deadLetterQueue: shared };
    });
    expect(s.route.deadLetterQueues).toEqual([s.route.eventBusDeadLetterQueue]);
    expect(s.route.deadLetterQueueAlarms).toEqual([s.route.eventBusDeadLetterQueueAlarm]);
    expect(s.route.alarms.filter((a) => a === s.route.eventBusDeadLetterQueueAlarm)).toHaveLength(1);
    // The route's four alarms: the shared queue's, and the three rule metrics.
    expect(s.route.alarms).toHaveLength(4);
  });

  test('deadLetterQueueAlarm: false switches the bus\'s dead-letter queue alarm off too', () => {
    const s = synth({ deadLetterQueueAlarm: false }, withKey());
    expect(s.route.eventBusDeadLetterQueue).toBeDefined();
    expect(s.route.eventBusDeadLetterQueueAlarm).toBeUndefined();
  });

  test('a dead-letter queue of the bus outside the app draws a warning: its policy cannot be changed here', () => {
    const { stack } = synth({}, (st) => withKey({ deadLetterQueue: sqs.Queue.fromQueueArn(st, 'Partner', 'arn:aws:sqs:us-east-1:222222222222:bus-dlq') })(st));
    Annotations.fromStack(stack).hasWarning(
      '/Test/Route',
      Match.stringLikeRegexp('eventBusProps.deadLetterQueue \\(Test/Partner\\) is not a queue of this app.*sqs:SendMessage, with the condition aws:SourceAccount'),
    );
  });
});

describe('the key policy of the bus\'s customer-managed key', () => {
  test('aws-cdk-lib\'s statement for the bus: kms:Decrypt, kms:GenerateDataKey (and kms:DescribeKey) under the bus\'s encryption context, from the bus', () => {
    const s = synth({}, withKey());
    const arn = formattedBusArn(busName(s));
    expect(s.keyStatements).toContainEqual({
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      Resource: '*',
      Condition: {
        StringEquals: {
          'aws:SourceAccount': { Ref: 'AWS::AccountId' },
          'aws:SourceArn': arn,
          'kms:EncryptionContext:aws:events:event-bus:arn': arn,
        },
      },
    });
  });

  test('kms:DescribeKey in a statement of its own, scoped to the bus: DescribeKey carries no encryption context', () => {
    // "Grant constraints are not applied to operations that do not support an encryption context, such as ... DescribeKey"
    // (AWS KMS API Reference, GrantConstraints): the kms:EncryptionContext condition of aws-cdk-lib's statement never holds
    // for it, so that statement does not allow the DescribeKey the EventBridge guide lists.
    const s = synth({}, withKey());
    expect(bySid(s.keyStatements, 'AllowEventBridgeToDescribeTheKeyOfTheBus')).toEqual([
      {
        Sid: 'AllowEventBridgeToDescribeTheKeyOfTheBus',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'kms:DescribeKey',
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' }, 'aws:SourceArn': formattedBusArn(busName(s)) } },
      },
    ]);
  });

  test('the bus\'s ARN in the key policy is the ARN of the bus, with a generated or a given name', () => {
    const generated = synth({}, withKey());
    expect(busName(generated)).toMatch(/^TestRouteEventBus[0-9A-F]{8}$/);
    const named = synth({ eventBusName: 'orders' }, withKey());
    expect(busName(named)).toBe('orders');
    expect(bySid(named.keyStatements, 'AllowEventBridgeToDescribeTheKeyOfTheBus')[0].Condition.StringEquals['aws:SourceArn']).toEqual(formattedBusArn('orders'));
  });

  test('no logging statements while the bus does not log', () => {
    for (const logConfig of [undefined, { level: events.Level.OFF }, { includeDetail: events.IncludeDetail.FULL }]) {
      const s = synth({}, withKey({ logConfig }));
      expect(s.keyStatements.filter((st) => JSON.stringify(st).includes('logs'))).toEqual([]);
    }
  });

  test('with logging, EventBridge may encrypt the logs and log delivery decrypt them, under the logs encryption context', () => {
    const s = synth({}, withKey({ logConfig: { level: events.Level.INFO } }));
    const logsOfThisAccount = {
      StringLike: {
        'kms:EncryptionContext:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':*']] },
      },
    };
    expect(bySid(s.keyStatements, 'AllowEventBridgeToEncryptTheLogsOfTheBus')).toEqual([
      {
        Sid: 'AllowEventBridgeToEncryptTheLogsOfTheBus',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'kms:GenerateDataKey',
        Resource: '*',
        Condition: logsOfThisAccount,
      },
    ]);
    expect(bySid(s.keyStatements, 'AllowLogDeliveryToDecryptTheLogsOfTheBus')).toEqual([
      {
        Sid: 'AllowLogDeliveryToDecryptTheLogsOfTheBus',
        Effect: 'Allow',
        Principal: { Service: 'delivery.logs.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: logsOfThisAccount,
      },
    ]);
  });

  test('no statement is written twice', () => {
    const s = synth({ archive: {} }, withKey({ logConfig: { level: events.Level.TRACE } }));
    const texts = s.keyStatements.map((st) => JSON.stringify({ ...st, Sid: undefined }));
    expect(new Set(texts).size).toBe(texts.length);
  });

  test('a key from outside the app draws a warning listing what its owner must add', () => {
    const { stack } = synth({ archive: {} }, (st) => ({
      eventBusProps: {
        kmsKey: kms.Key.fromKeyArn(st, 'Imported', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
        logConfig: { level: events.Level.ERROR },
      },
    }));
    Annotations.fromStack(stack).hasWarning(
      '/Test/Route',
      Match.stringLikeRegexp(
        'eventBusProps.kmsKey \\(Test/Imported\\) is not a key of this app.*kms:DescribeKey; kms:GenerateDataKey and kms:Decrypt with ' +
          'kms:EncryptionContext:aws:events:event-bus:arn and aws:SourceArn.*for the archive, kms:ReEncrypt\\*.*delivery.logs.amazonaws.com.*' +
          '\\[ack: cdk-message-patterns:eventBusKeyPolicy\\]',
      ),
    );
  });

  test('a key of the app draws no such warning', () => {
    const { stack } = synth({}, withKey());
    Annotations.fromStack(stack).hasNoWarning('/Test/Route', Match.stringLikeRegexp('eventBusKeyPolicy'));
  });
});

describe('the archive of a bus with a customer-managed key', () => {
  test('is encrypted with the bus\'s key', () => {
    const s = synth({ archive: {} }, withKey());
    s.template.hasResourceProperties('AWS::Events::Archive', { KmsKeyIdentifier: { 'Fn::GetAtt': [logicalId(s.stack, s.stack.node.findChild('BusKey')), 'Arn'] } });
  });

  test('names its bus by the formatted ARN, and waits for the bus: the key policy cannot refer to the bus, which refers to the key', () => {
    // With the bus itself as source, aws-cdk-lib's Archive puts the bus's GetAtt Arn in the key policy: a dependency
    // cycle (key, bus, key) that CloudFormation refuses. Template.fromStack fails on such a cycle.
    const s = synth({ archive: {} }, withKey());
    const archive = Object.values(s.template.findResources('AWS::Events::Archive'))[0];
    expect(archive.Properties.SourceArn).toEqual(formattedBusArn(busName(s)));
    expect(archive.DependsOn).toContain(logicalId(s.stack, s.route.eventBus as events.EventBus));
  });

  test('the key policy has aws-cdk-lib\'s archive statements, whose DescribeKey leaves the route\'s own out', () => {
    const s = synth({ archive: {} }, withKey());
    const arn = formattedBusArn(busName(s));
    expect(s.keyStatements).toContainEqual({
      Sid: 'Allow EventBridge to use kms operations',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:ReEncrypt*'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:EncryptionContext:aws:events:event-bus:arn': arn } },
    });
    expect(s.keyStatements).toContainEqual({
      Sid: 'Allow EventBridge to call kms:DescribeKey',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'kms:DescribeKey',
      Resource: '*',
    });
    expect(bySid(s.keyStatements, 'AllowEventBridgeToDescribeTheKeyOfTheBus')).toEqual([]);
  });

  test('without a key, the archive names the bus itself, as before', () => {
    const s = synth({ archive: {} });
    const archive = Object.values(s.template.findResources('AWS::Events::Archive'))[0];
    expect(archive.Properties.SourceArn).toEqual({ 'Fn::GetAtt': [logicalId(s.stack, s.route.eventBus as events.EventBus), 'Arn'] });
    expect(s.route.node.tryFindChild('ArchiveSourceBus')).toBeUndefined();
  });
});

describe('maxEventPatternSize', () => {
  // Amazon EventBridge quotas (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html): "Event pattern
  // size", 2,048 characters, adjustable; PutRule takes an EventPattern of at most 4,096 characters.
  const sized = (length: number): events.EventPattern => {
    const base = JSON.stringify({ source: [''] }).length;
    return { source: ['x'.repeat(length - base)] };
  };

  test('a pattern of 2,048 characters is accepted by default, one of 2,049 rejected', () => {
    expect(() => synth({ eventPattern: sized(2048) })).not.toThrow();
    expect(() => synth({ eventPattern: sized(2049) })).toThrow(/the pattern is 2049 characters long as JSON; EventBridge allows 2048/);
  });

  test('a raised quota lets a larger pattern through, and is the limit the error names', () => {
    expect(() => synth({ eventPattern: sized(3000), maxEventPatternSize: 3000 })).not.toThrow();
    expect(() => synth({ eventPattern: sized(3001), maxEventPatternSize: 3000 })).toThrow(/the pattern is 3001 characters long as JSON; EventBridge allows 3000/);
  });
});

import { Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { EventBusRoute, EventBusRouteProps, RouteTarget } from '../../src';
import { testStack } from '../helpers/nag';

const PATTERN: events.EventPattern = { source: ['shop'] };

/** Builds a route; `setup` may create the resources the props refer to. */
function build(props: Partial<EventBusRouteProps>, setup?: (stack: Stack) => Partial<EventBusRouteProps>): () => EventBusRoute {
  return () => {
    const { stack } = testStack();
    return new EventBusRoute(stack, 'Route', { eventPattern: PATTERN, targets: [RouteTarget.newQueue()], ...props, ...setup?.(stack) });
  };
}

describe('EventBusRoute validation: the event pattern', () => {
  test('an empty pattern is rejected, naming the prop', () => {
    expect(build({ eventPattern: {} })).toThrow(
      'Test/Route: Invalid eventPattern at eventPattern: an event pattern must not be empty; give at least one field such as "source". Got: {}',
    );
  });

  // EventBridge accepts a top-level field outside the envelope (the user guide's suffix example is {"FileName": [...]}:
  // "Content filtering in Amazon EventBridge event patterns",
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html), but every event
  // delivered to a bus has the envelope's top-level fields only, custom data under detail ("Event structure reference",
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html): such a rule is deployed and never fires.
  test('a top-level field outside the event envelope is accepted with a warning that suggests detail', () => {
    // GIVEN
    const { stack } = testStack();
    // WHEN
    new EventBusRoute(stack, 'Route', {
      eventPattern: { source: ['shop'], orderId: ['1'] } as events.EventPattern,
      targets: [RouteTarget.newQueue()],
    });
    // THEN
    Annotations.fromStack(stack).hasWarning('/Test/Route', Match.stringLikeRegexp(
      'eventPattern names "orderId" at the top level.*can never match an event sent to a bus.*detail\\.orderId.*\\[ack: cdk-message-patterns:patternFieldOutsideEnvelope\\]',
    ));
  });

  test('a pattern with envelope fields only gets no such warning', () => {
    // GIVEN
    const { stack } = testStack();
    // WHEN
    new EventBusRoute(stack, 'Route', { eventPattern: { 'source': ['shop'], 'detail.orderId': ['1'] } as events.EventPattern, targets: [RouteTarget.newQueue()] });
    // THEN
    Annotations.fromStack(stack).hasNoWarning('/Test/Route', Match.stringLikeRegexp('patternFieldOutsideEnvelope'));
  });

  test.each<[string, events.EventPattern, RegExp]>([
    ['prefix', { detail: { id: [{ prefix: 5 }] } } as any, /eventPattern\.detail\.id\[0\]\.prefix: malformed operator: prefix expects a string.*Got: 5/],
    ['suffix', { detail: { id: [{ suffix: [] }] } } as any, /eventPattern\.detail\.id\[0\]\.suffix: malformed operator: suffix expects/],
    ['anything-but', { detail: { id: [{ 'anything-but': [] }] } } as any, /eventPattern\.detail\.id\[0\]\.anything-but: malformed operator: the anything-but list must not be empty/],
    ['numeric', { detail: { amount: [{ numeric: ['>', 'a lot'] }] } } as any, /eventPattern\.detail\.amount\[0\]\.numeric\[1\]: malformed operator: ">" must be followed by a number.*Got: "a lot"/],
    ['exists', { detail: { id: [{ exists: 'yes' }] } } as any, /eventPattern\.detail\.id\[0\]\.exists: malformed operator: exists expects true or false/],
    ['cidr', { detail: { ip: [{ cidr: '10.0.0.0/99' }] } } as any, /eventPattern\.detail\.ip\[0\]\.cidr: malformed CIDR/],
    ['equals-ignore-case', { detail: { id: [{ 'equals-ignore-case': 1 }] } } as any, /malformed operator: equals-ignore-case expects a string/],
    ['wildcard', { detail: { id: [{ wildcard: 'a**b' }] } } as any, /malformed wildcard: consecutive wildcard characters/],
    ['$or', { $or: [{ source: ['a'] }] } as any, /eventPattern\.\$or: \$or must be an array of at least two sub-patterns/],
    ['an unknown operator', { detail: { id: [{ regex: 'a.*' }] } } as any, /malformed operator "regex"/],
  ])('a malformed %s operator is rejected', (_name, eventPattern, message) => {
    expect(build({ eventPattern })).toThrow(message);
  });

  test('a pattern above the 2048-character size limit is rejected', () => {
    expect(build({ eventPattern: { source: ['x'.repeat(2100)] } })).toThrow(/the pattern is \d+ characters long as JSON; EventBridge allows 2048/);
  });

  test('a pattern holding tokens is not rejected for them', () => {
    expect(build({}, (s) => ({ eventPattern: { account: [s.account], detail: { id: [Lazy.string({ produce: () => 'x' })] } } }))).not.toThrow();
  });
});

describe('EventBusRoute validation: retry policy', () => {
  test.each([-1, 186, 2.5])('retryAttempts %p is rejected', (value) => {
    expect(build({ retryAttempts: value })).toThrow(`Test/Route: retryAttempts must be an integer between 0 and 185, got ${value}`);
  });

  test.each([Duration.seconds(59), Duration.hours(25)])('maxEventAge %s is rejected', (value) => {
    expect(build({ maxEventAge: value })).toThrow(/maxEventAge must be between 1 minute and 1 day, got/);
  });

  test('maxEventAge in fractions of a second is rejected', () => {
    expect(build({ maxEventAge: Duration.millis(60_500) })).toThrow(/maxEventAge must be a whole number of seconds, got/);
  });

  test('a target retryAttempts or maxEventAge out of range is rejected, naming the target', () => {
    expect(build({ targets: [RouteTarget.newQueue(), RouteTarget.newQueue({ queueId: 'Audit', retryAttempts: 200, maxEventAge: Duration.days(2) })] })).toThrow(
      /2 invalid props:\n- targets\[1\]\.retryAttempts must be an integer between 0 and 185, got 200\n- targets\[1\]\.maxEventAge must be between 1 minute and 1 day, got 2 days/,
    );
  });

  test('tokens are not rejected', () => {
    expect(build({ retryAttempts: Token.asNumber({ Ref: 'Attempts' }), maxEventAge: Duration.seconds(Token.asNumber({ Ref: 'Age' })) })).not.toThrow();
  });
});

describe('EventBusRoute validation: targets', () => {
  test.each([0, 6])('%p targets are rejected', (count) => {
    expect(build({ targets: Array.from({ length: count }, (_, i) => RouteTarget.newQueue({ queueId: `Queue${i + 1}` })) })).toThrow(
      `Test/Route: targets must hold 1 to 5 targets (EventBridge allows 5 per rule), got ${count}`,
    );
  });

  test('a FIFO queue without a message group id is rejected', () => {
    expect(build({}, (s) => ({ targets: [RouteTarget.queue(new sqs.Queue(s, 'Fifo', { fifo: true }))] }))).toThrow(
      /targets\[0\]\.messageGroupId is required: the target is a FIFO queue/,
    );
  });

  test('a FIFO queue imported by ARN without a message group id is rejected', () => {
    expect(build({}, (s) => ({ targets: [RouteTarget.queue(sqs.Queue.fromQueueArn(s, 'Fifo', 'arn:aws:sqs:us-east-1:111122223333:orders.fifo'))] }))).toThrow(
      /targets\[0\]\.messageGroupId is required/,
    );
  });

  test('a new FIFO queue without a message group id is rejected', () => {
    expect(build({ targets: [RouteTarget.newQueue({ queueProps: { fifo: true } })] })).toThrow(/targets\[0\]\.messageGroupId is required/);
    expect(build({ targets: [RouteTarget.newQueue({ queueProps: { queueName: 'orders.fifo' } })] })).toThrow(/targets\[0\]\.messageGroupId is required/);
  });

  // EventBridge sends no deduplication id: a FIFO target must deduplicate by content (EventBridge API Reference, Target).
  test('a FIFO queue brought without content-based deduplication is rejected', () => {
    expect(build({}, (s) => ({ targets: [RouteTarget.queue(new sqs.Queue(s, 'Fifo', { fifo: true }), { messageGroupId: 'orders' })] }))).toThrow(
      /targets\[0\] \(queue\) is a FIFO queue without contentBasedDeduplication: EventBridge sends no deduplication id/,
    );
  });

  test('a new FIFO queue with contentBasedDeduplication false is rejected', () => {
    expect(build({ targets: [RouteTarget.newQueue({ queueProps: { fifo: true, contentBasedDeduplication: false }, messageGroupId: 'orders' })] })).toThrow(
      /targets\[0\]\.queueProps\.contentBasedDeduplication cannot be false on a FIFO queue target/,
    );
  });

  test('a FIFO queue whose deduplication is a token is not judged', () => {
    expect(build({}, (s) => ({
      targets: [RouteTarget.queue(new sqs.Queue(s, 'Fifo', { fifo: true, contentBasedDeduplication: Lazy.any({ produce: () => true }) as any }), {
        messageGroupId: 'orders',
      })],
    }))).not.toThrow();
  });

  test('a FIFO queue with a message group id is accepted', () => {
    expect(build({ targets: [RouteTarget.newQueue({ queueProps: { fifo: true }, messageGroupId: events.EventField.fromPath('$.detail.orderId') })] })).not.toThrow();
  });

  test('a queue target encrypted with the AWS-managed key is rejected', () => {
    expect(build({}, (s) => ({ targets: [RouteTarget.queue(new sqs.Queue(s, 'Q', { encryption: sqs.QueueEncryption.KMS_MANAGED }))] }))).toThrow(
      /targets\[0\] \(queue\) is encrypted with the AWS-managed key alias\/aws\/sqs \(KMS_MANAGED\), which EventBridge cannot use/,
    );
  });

  test('a FIFO dead-letter queue of a target is rejected', () => {
    expect(build({}, (s) => ({ targets: [RouteTarget.newQueue({ deadLetterQueue: new sqs.Queue(s, 'Dlq', { fifo: true }) })] }))).toThrow(
      /targets\[0\]\.deadLetterQueue must be a standard queue: EventBridge cannot use a FIFO queue as a dead-letter queue/,
    );
  });
});

describe('EventBusRoute validation: dead-letter queue', () => {
  test('a FIFO deadLetterQueue is rejected', () => {
    expect(build({}, (s) => ({ deadLetterQueue: new sqs.Queue(s, 'Dlq', { fifo: true }) }))).toThrow(/deadLetterQueue must be a standard queue/);
  });

  test('a deadLetterQueue encrypted with the AWS-managed key is rejected', () => {
    expect(build({}, (s) => ({ deadLetterQueue: new sqs.Queue(s, 'Dlq', { encryption: sqs.QueueEncryption.KMS_MANAGED }) }))).toThrow(
      /deadLetterQueue is encrypted with the AWS-managed key alias\/aws\/sqs/,
    );
  });

  test('options of the created dead-letter queue cannot go with a queue you bring', () => {
    expect(
      build({ deadLetterQueueName: 'dlq', deadLetterRetentionPeriod: Duration.days(1) }, (s) => ({
        deadLetterQueue: new sqs.Queue(s, 'Dlq'),
        deadLetterQueueKey: new kms.Key(s, 'Key'),
      })),
    ).toThrow(/3 invalid props:\n- deadLetterQueueName cannot be set together with deadLetterQueue.*\n- deadLetterRetentionPeriod cannot.*\n- deadLetterQueueKey cannot/);
  });

  test.each(['route dlq', 'dlq.fifo'])('deadLetterQueueName %p is rejected', (name) => {
    expect(build({ deadLetterQueueName: name })).toThrow(/deadLetterQueueName must/);
  });

  test('deadLetterRetentionPeriod out of range is rejected', () => {
    expect(build({ deadLetterRetentionPeriod: Duration.days(15) })).toThrow(/deadLetterRetentionPeriod must be between 1 minute and 14 days, got 15 days/);
  });
});

describe('EventBusRoute validation: bus, rule, archive and cross-account', () => {
  test('eventBusName with eventBus is rejected', () => {
    expect(build({ eventBusName: 'orders' }, (s) => ({ eventBus: events.EventBus.fromEventBusName(s, 'B', 'default') }))).toThrow(
      /eventBusName cannot be set together with eventBus.*got eventBusName 'orders'/,
    );
  });

  test.each(['default', 'aws.partner', 'orders bus', ''])('eventBusName %p is rejected', (name) => {
    expect(build({ eventBusName: name })).toThrow(/eventBusName must be 1 to 256 letters/);
  });

  test('ruleName longer than 64 characters is rejected', () => {
    expect(build({ ruleName: 'r'.repeat(65) })).toThrow(/ruleName must be 1 to 64 letters, digits, '.', '-' and '_', got 'r{65}'/);
  });

  test.each([Duration.hours(36), Duration.hours(12)])('archive.retention %s is rejected', (retention) => {
    expect(build({ archive: { retention } })).toThrow(/archive\.retention must be a whole number of days, at least 1, got/);
  });

  test('archive.archiveName longer than 48 characters is rejected', () => {
    expect(build({ archive: { archiveName: 'a'.repeat(49) } })).toThrow(/archive\.archiveName must be 1 to 48 letters/);
  });

  test.each([[[]], [['12345']]])('putEventsAccounts %p is rejected', (accounts) => {
    expect(build({ putEventsAccounts: accounts })).toThrow(/putEventsAccounts must/);
  });

  test('putEventsOrganizationId that is not an organization id is rejected', () => {
    expect(build({ putEventsOrganizationId: 'r-abcd' })).toThrow(/putEventsOrganizationId must be an organization id such as 'o-a1b2c3d4e5', got 'r-abcd'/);
  });

  test('names and accounts given as tokens are not rejected', () => {
    expect(
      build({}, (s) => ({
        eventBusName: Lazy.string({ produce: () => 'orders' }),
        ruleName: Lazy.string({ produce: () => 'rule' }),
        putEventsAccounts: [s.account],
        putEventsOrganizationId: Lazy.string({ produce: () => 'o-a1b2c3d4e5' }),
        archive: { archiveName: Lazy.string({ produce: () => 'archive' }) },
      })),
    ).not.toThrow();
  });

  test('every violation is reported at once', () => {
    expect(build({ eventPattern: {}, retryAttempts: 500, targets: [] })).toThrow(/3 invalid props/);
  });
});

describe('EventBusRoute validation: eventBusProps', () => {
  test('eventBusProps with eventBus is rejected', () => {
    expect(build({ eventBusProps: { description: 'Orders' } }, (s) => ({ eventBus: events.EventBus.fromEventBusName(s, 'B', 'default') }))).toThrow(
      /eventBusProps cannot be set together with eventBus: they configure the bus the route creates/,
    );
  });

  test('eventBusName and a different eventBusProps.eventBusName are rejected; the same name twice is accepted', () => {
    expect(build({ eventBusName: 'orders', eventBusProps: { eventBusName: 'sales' } })).toThrow(
      /eventBusName and eventBusProps.eventBusName name the same bus: give the name once \(or the same name twice\), got 'orders' and 'sales'/,
    );
    expect(build({ eventBusName: 'orders', eventBusProps: { eventBusName: 'orders' } })).not.toThrow();
  });

  test('the same token as both names is accepted, two different tokens are rejected', () => {
    const name = Lazy.string({ produce: () => 'orders' });
    expect(build({ eventBusName: name, eventBusProps: { eventBusName: name } })).not.toThrow();
    expect(build({ eventBusName: name, eventBusProps: { eventBusName: Lazy.string({ produce: () => 'orders' }) } })).toThrow(/name the same bus/);
  });

  test.each(['default', 'aws.partner', 'orders bus'])('eventBusProps.eventBusName %p is rejected; a token is not', (name) => {
    expect(build({ eventBusProps: { eventBusName: name } })).toThrow(/eventBusProps.eventBusName must be 1 to 256 letters/);
    expect(build({ eventBusProps: { eventBusName: Lazy.string({ produce: () => name }) } })).not.toThrow();
  });

  test('eventBusProps.eventSourceName with a bus name is rejected', () => {
    expect(build({ eventBusName: 'orders', eventBusProps: { eventSourceName: 'aws.partner/example.com/123/orders' } })).toThrow(
      /eventBusProps.eventSourceName \(a partner event bus, named after its event source\) cannot be set together with a bus name/,
    );
  });

  test('eventBusProps.description longer than 512 characters is rejected; a token is not', () => {
    // CreateEventBus, Description: "up to 512 characters" (EventBridge API Reference).
    expect(build({ eventBusProps: { description: 'd'.repeat(513) } })).toThrow(/eventBusProps.description must be at most 512 characters, got 513/);
    expect(build({ eventBusProps: { description: 'd'.repeat(512) } })).not.toThrow();
    expect(build({ eventBusProps: { description: Lazy.string({ produce: () => 'd'.repeat(600) }) } })).not.toThrow();
  });

  test('a FIFO or alias/aws/sqs eventBusProps.deadLetterQueue is rejected', () => {
    expect(build({}, (s) => ({ eventBusProps: { deadLetterQueue: new sqs.Queue(s, 'Dlq', { fifo: true }) } }))).toThrow(
      /eventBusProps.deadLetterQueue must be a standard queue: EventBridge cannot use a FIFO queue as a dead-letter queue/,
    );
    expect(build({}, (s) => ({ eventBusProps: { deadLetterQueue: new sqs.Queue(s, 'Dlq', { encryption: sqs.QueueEncryption.KMS_MANAGED }) } }))).toThrow(
      /eventBusProps.deadLetterQueue is encrypted with the AWS-managed key alias\/aws\/sqs/,
    );
  });

  test('a dead-letter queue of the bus imported by a token ARN is not judged', () => {
    expect(build({}, (s) => ({ eventBusProps: { deadLetterQueue: sqs.Queue.fromQueueArn(s, 'Dlq', Lazy.string({ produce: () => 'arn:aws:sqs:us-east-1:111122223333:q' })) } })))
      .not.toThrow();
  });
});

describe('EventBusRoute validation: maxEventPatternSize', () => {
  // The "Event pattern size" quota: 2,048 by default, adjustable (Amazon EventBridge quotas,
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html), and PutRule takes at most 4,096 characters.
  test.each([2047, 4097, 0, 2500.5])('maxEventPatternSize %p is rejected', (size) => {
    expect(build({ maxEventPatternSize: size })).toThrow(
      `Test/Route: maxEventPatternSize must be a whole number of characters from 2048 (EventBridge's default "Event pattern size" quota) to 4096 (the most PutRule takes), got ${size}`,
    );
  });

  test.each([2048, 3000, 4096])('maxEventPatternSize %p is accepted', (size) => {
    expect(build({ maxEventPatternSize: size })).not.toThrow();
  });

  test('a token maxEventPatternSize is not judged, and the pattern is held to the 4,096 characters PutRule takes', () => {
    const size = Token.asNumber({ Ref: 'PatternSize' });
    expect(build({ maxEventPatternSize: size, eventPattern: { source: ['x'.repeat(3000)] } })).not.toThrow();
    expect(build({ maxEventPatternSize: size, eventPattern: { source: ['x'.repeat(4100)] } })).toThrow(/EventBridge allows 4096/);
  });

  test('a wrong maxEventPatternSize is reported with the other problems, and the pattern checked against the default', () => {
    expect(build({ maxEventPatternSize: 5000, eventPattern: { source: ['x'.repeat(3000)] } })).toThrow(
      /2 invalid props:\n- maxEventPatternSize must be.*\n- Invalid eventPattern at eventPattern: .*EventBridge allows 2048/,
    );
  });
});

// A target outside the app: its resource policy cannot be changed here, and EventBridge needs it to let
// events.amazonaws.com send (EventBridge User Guide, "Using resource-based policies for Amazon EventBridge").
describe('EventBusRoute targets outside the app', () => {
  test.each([
    ['queue', 'sqs:SendMessage', (stack: Stack) => RouteTarget.queue(sqs.Queue.fromQueueArn(stack, 'Partner', 'arn:aws:sqs:us-east-1:222222222222:partner'))],
    ['topic', 'sns:Publish', (stack: Stack) => RouteTarget.topic(sns.Topic.fromTopicArn(stack, 'Partner', 'arn:aws:sns:us-east-1:222222222222:partner'))],
  ])('an imported %s target gets a warning with the statement its owner must add', (noun, action, target) => {
    const { stack } = testStack();
    new EventBusRoute(stack, 'Route', { eventPattern: { source: ['shop'] }, targets: [target(stack)] });
    Annotations.fromStack(stack).hasWarning(
      '/Test/Route',
      Match.stringLikeRegexp(`The target ${noun} Test/Partner is not a ${noun} of this app.*${action}, with the condition aws:SourceArn`),
    );
  });

  test('a queue of the app gets no such warning', () => {
    const { stack } = testStack();
    new EventBusRoute(stack, 'Route', { eventPattern: { source: ['shop'] }, targets: [RouteTarget.queue(new sqs.Queue(stack, 'Mine'))] });
    Annotations.fromStack(stack).hasNoWarning('/Test/Route', Match.stringLikeRegexp('is not a queue of this app'));
  });
});

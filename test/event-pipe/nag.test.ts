/**
 * EventPipe under the five cdk-nag packs the library promises to pass
 * (AwsSolutions, Serverless, HIPAA Security, NIST 800-53 rev 5, PCI DSS
 * 3.2.1) and MessagingChecks. The user's resources (functions, topic, stream,
 * table) are built compliant, and the findings on their own configuration
 * are acknowledged on them only; nothing EventPipe creates is acknowledged
 * here.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { EventPipe, PipeEnrichment, PipeSource, PipeTarget, QueueWithDlq } from '../../src';
import { ACKNOWLEDGEMENTS } from '../../src/core/nag';
import { acknowledgedRules, alarmTopic, NagFinding, nagFindings, testStack, userFunction, userStateMachine, userStream, userTopic } from '../helpers/nag';


/** Rules on a DynamoDB table's own backup and capacity settings, the user's to choose. */
const USER_TABLE_RULES = ['HIPAA.Security-DynamoDBInBackupPlan', 'NIST.800.53.R5-DynamoDBInBackupPlan'];

/**
 * A DynamoDB table standing for the user's, with a stream, point-in-time
 * recovery and on-demand capacity. Its membership of a backup plan is the
 * user's choice, acknowledged on the table only.
 */
function userTable(scope: Construct, id: string): dynamodb.Table {
  const table = new dynamodb.Table(scope, id, {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  });
  Validations.of(table).acknowledge(...USER_TABLE_RULES.map((rule) => ({ id: rule, reason: "The test's stand-in for the user's table: its backup plan is the user's choice." })));
  return table;
}


/** The app of the brief: three pipes (SQS with filter and enrichment to a bus; Kinesis to Lambda; DynamoDB to SNS). */
function threePipes(stack: Stack, alarmAction?: cloudwatchActions.SnsAction): EventPipe[] {
  const orders = new QueueWithDlq(stack, 'Orders');
  const paid = new EventPipe(stack, 'PaidOrders', {
    source: PipeSource.queueWithDlq(orders),
    filters: [{ body: { status: ['PAID'] } }],
    enrichment: PipeEnrichment.lambdaFunction(userFunction(stack, 'Enricher', Duration.seconds(30))),
    target: PipeTarget.eventBus(new events.EventBus(stack, 'Bus'), { source: 'shop.orders', detailType: 'OrderPaid' }),
    alarmAction,
  });
  const ledger = new EventPipe(stack, 'Ledger', {
    source: PipeSource.kinesisStream(userStream(stack, 'Stream')),
    target: PipeTarget.lambdaFunction(userFunction(stack, 'Handler', Duration.seconds(30))),
    alarmAction,
  });
  const changes = new EventPipe(stack, 'Changes', {
    source: PipeSource.dynamoDbStream(userTable(stack, 'Table')),
    target: PipeTarget.topic(userTopic(stack, 'Topic')),
    alarmAction,
  });
  return [paid, ledger, changes];
}

/** The findings, in a readable form for the failure message: `rule @ path`. */
function described(findings: NagFinding[]): string[] {
  return findings.flatMap((f) => f.paths.map((p) => `${f.rule} @ ${p}`)).sort();
}


const expected = (entry: { ids: readonly string[]; reason: string }) => entry.ids.map((id) => [id, entry.reason]);

describe('EventPipe passes AwsSolutions, Serverless, HIPAA Security, NIST 800-53 rev 5, PCI DSS 3.2.1 and MessagingChecks', () => {
  test('three pipes (SQS + filter + Lambda enrichment to a bus; Kinesis to Lambda; DynamoDB stream to SNS): no finding', () => {
    const { app, stack } = testStack(true);
    threePipes(stack);
    expect(described(nagFindings(app))).toEqual([]);
  });

  test('the same pipes with an alarm action: no finding', () => {
    const { app, stack } = testStack(true);
    threePipes(stack, new cloudwatchActions.SnsAction(alarmTopic(stack, 'Oncall')));
    expect(described(nagFindings(app))).toEqual([]);
  });

  test('a plain queue with its own dead-letter queue, to a FIFO queue: no finding', () => {
    const { app, stack } = testStack(true);
    const dlq = new sqs.Queue(stack, 'SourceDlq', { enforceSSL: true });
    Validations.of(dlq).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason: "The test's stand-in for the user's dead-letter queue." });
    const source = new sqs.Queue(stack, 'Source', { enforceSSL: true, deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
    new EventPipe(stack, 'Pipe', {
      source: PipeSource.queue(source),
      target: PipeTarget.queue(new QueueWithDlq(stack, 'Out', { fifo: true }).queue, { messageGroupId: '$.body.customerId' }),
    });
    expect(described(nagFindings(app))).toEqual([]);
  });

  test('the other enrichments and targets: an express state machine enrichment to a Kinesis stream with a customer-managed key; a standard state machine target: no finding', () => {
    const { app, stack } = testStack(true);
    new EventPipe(stack, 'ToStream', {
      source: PipeSource.queueWithDlq(new QueueWithDlq(stack, 'Orders')),
      enrichment: PipeEnrichment.stateMachine(userStateMachine(stack, 'Enrich', sfn.StateMachineType.EXPRESS)),
      target: PipeTarget.kinesisStream(userStream(stack, 'Out'), { partitionKey: '$.body.orderId' }),
    });
    new EventPipe(stack, 'ToWorkflow', {
      source: PipeSource.queueWithDlq(new QueueWithDlq(stack, 'Jobs')),
      target: PipeTarget.stateMachine(userStateMachine(stack, 'Workflow', sfn.StateMachineType.STANDARD)),
    });
    expect(described(nagFindings(app))).toEqual([]);
  });
});

describe('EventPipe acknowledgements', () => {
  test('the dead-letter queue it creates for a stream source acknowledges that it has no dead-letter queue and is a pipe\'s, with the reasons', () => {
    const { stack } = testStack(true);
    const [, ledger, changes] = threePipes(stack);
    for (const pipe of [ledger, changes]) {
      expect(acknowledgedRules(pipe.deadLetterQueue!)).toEqual([
        ...expected(ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq),
        ...expected(ACKNOWLEDGEMENTS.pipeDeadLetterQueue),
      ]);
    }
  });

  test('alarms without an action acknowledge it; with an action they acknowledge nothing', () => {
    const bare = threePipes(testStack(true).stack);
    for (const alarm of bare.flatMap((p) => p.alarms)) {
      expect(acknowledgedRules(alarm)).toEqual(expected(ACKNOWLEDGEMENTS.alarmWithoutAction));
    }
    const { stack } = testStack(true);
    const wired = threePipes(stack, new cloudwatchActions.SnsAction(alarmTopic(stack, 'Oncall')));
    for (const alarm of wired.flatMap((p) => p.alarms)) {
      expect(acknowledgedRules(alarm)).toEqual([]);
    }
  });

  test('nothing else of a pipe is acknowledged (its role, its policy, the pipe itself), but the KMS action families of a target with a customer-managed key', () => {
    for (const pipe of threePipes(testStack(true).stack)) {
      const explained: IConstruct[] = [...pipe.alarms, ...(pipe.deadLetterQueue ? [pipe.deadLetterQueue] : [])];
      // The Changes pipe publishes to a topic with a customer-managed key: aws-cdk-lib's grantPublish gives kms:GenerateDataKey*.
      if (pipe.node.id === 'Changes') {
        expect(acknowledgedRules(pipe.rolePolicy)).toEqual(expected(ACKNOWLEDGEMENTS.kmsTopicPublishPermissions));
        explained.push(pipe.rolePolicy);
      }
      // The PaidOrders pipe filters an SQS queue: it reports that as its own warning, and MessagingChecks' rule is acknowledged on it.
      if (pipe.node.id === 'PaidOrders') {
        expect(acknowledgedRules(pipe.node.defaultChild!)).toEqual(expected(ACKNOWLEDGEMENTS.pipeFiltersDeleteMessages));
        explained.push(pipe.node.defaultChild!);
      }
      const acknowledged = pipe.node
        .findAll()
        .filter((c) => acknowledgedRules(c).length > 0)
        .filter((c) => !explained.includes(c));
      expect(acknowledged.map((c) => c.node.path)).toEqual([]);
    }
  });

  test('each rule the pipe\'s dead-letter queue acknowledges is one the packs report on a bare pipe dead-letter queue', () => {
    // GIVEN a queue named as the DeadLetterConfig of a CfnPipe with a Kinesis source, built with aws-cdk-lib alone
    const { app, stack } = testStack(true);
    const dlq = new sqs.Queue(stack, 'Dlq', { enforceSSL: true });
    const stream = userStream(stack, 'Stream');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com') });
    new pipes.CfnPipe(stack, 'Pipe', {
      roleArn: role.roleArn,
      source: stream.streamArn,
      target: new events.EventBus(stack, 'Bus').eventBusArn,
      sourceParameters: { kinesisStreamParameters: { startingPosition: 'TRIM_HORIZON', deadLetterConfig: { arn: dlq.queueArn } } },
    });
    // WHEN the packs run
    const findingsOnBare = nagFindings(app);
    const reportedOn = (rule: string) => findingsOnBare.filter((f) => f.rule === rule).flatMap((f) => f.paths);
    // THEN the queue is reported for the rules EventPipe acknowledges on its own pipe dead-letter queue
    for (const id of [...ACKNOWLEDGEMENTS.pipeDeadLetterQueue.ids, ...ACKNOWLEDGEMENTS.deadLetterQueueHasNoDlq.ids]) {
      expect([id, reportedOn(id)]).toEqual([id, expect.arrayContaining(['Test/Dlq/Resource'])]);
    }
  });
});

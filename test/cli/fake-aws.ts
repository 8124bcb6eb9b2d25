/**
 * An in-memory stand-in for the SQS, CloudFormation, CloudWatch and
 * EventBridge calls the command makes, with the behaviour of the real
 * services that the command relies on (each cited where it is modelled).
 * Real SDK clients are used, with `send` replaced, so that paginators and
 * command classes are the SDK's own.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Clients } from '../../cli/aws';
import { Io } from '../../cli/io';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';

interface FakeMessage {
  id: string;
  body: string;
  messageAttributes?: Record<string, { DataType: string; StringValue?: string }>;
  groupId?: string;
  dedupId?: string;
  sourceArn?: string;
  traceHeader?: string;
  sentAt: number;
  firstReceivedAt?: number;
  receiveCount: number;
  invisibleUntil: number;
  receiptHandle?: string;
}

interface StackResourceSummary {
  LogicalResourceId: string;
  ResourceType: string;
  PhysicalResourceId: string;
}

interface FakeQueue {
  name: string;
  url: string;
  arn: string;
  fifo: boolean;
  redrivePolicy?: { deadLetterTargetArn: string; maxReceiveCount: number };
  messages: FakeMessage[];
}

/** An error as the SDK throws it: a name and a message. */
function awsError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

export interface FakeOptions {
  /** Whether SQS offers StartMessageMoveTask and ListDeadLetterSourceQueues (AWS does; the emulator does not). */
  readonly moveTasks?: boolean;
}

export class FakeAws {
  public readonly calls: Array<{ service: string; operation: string; input: any }> = [];
  public readonly queues = new Map<string, FakeQueue>();
  public readonly stacks = new Map<string, { template: any; resources: StackResourceSummary[] }>();
  public readonly alarms = new Map<string, { StateValue: string; StateReason: string }>();
  public readonly metricValues = new Map<string, number[]>();
  public readonly archives = new Map<string, { ArchiveArn: string; EventSourceArn: string }>();
  public readonly replays = new Map<string, { input: any; describes: number }>();
  private sequence = 0;
  private readonly moveTasks: boolean;
  private readonly tasks: any[] = [];
  /** Bodies SendMessageBatch refuses (the test chooses). */
  private readonly refused = new Set<string>();

  constructor(options: FakeOptions = {}) {
    this.moveTasks = options.moveTasks ?? true;
  }

  /** Makes SendMessageBatch refuse entries with this body. */
  public refuse(body: string): void {
    this.refused.add(body);
  }

  public clients(endpoint?: string): Clients {
    const withSend = <T extends { send: unknown }>(client: T, service: string): T => {
      (client as any).send = async (command: any) => {
        const operation = command.constructor.name.replace(/Command$/, '');
        this.calls.push({ service, operation, input: command.input });
        return (this as any)[`${service}${operation}`](command.input);
      };
      return client;
    };
    const config = { region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } };
    return {
      sqs: withSend(new SQSClient(config), 'sqs'),
      cloudformation: withSend(new CloudFormationClient(config), 'cfn'),
      cloudwatch: withSend(new CloudWatchClient(config), 'cw'),
      eventbridge: withSend(new EventBridgeClient(config), 'events'),
      endpoint,
    };
  }

  public addQueue(name: string, options: { deadLetterQueue?: string; maxReceiveCount?: number } = {}): FakeQueue {
    const queue: FakeQueue = {
      name,
      url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`,
      arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
      fifo: name.endsWith('.fifo'),
      redrivePolicy: options.deadLetterQueue
        ? { deadLetterTargetArn: this.queue(options.deadLetterQueue).arn, maxReceiveCount: options.maxReceiveCount ?? 5 }
        : undefined,
      messages: [],
    };
    this.queues.set(queue.url, queue);
    return queue;
  }

  /**
   * Deploys a synthesized template as stack `name`: each resource gets the
   * physical id `physicalId` gives it (CloudFormation's: a queue's URL, an
   * alarm's name, `bus|rule` for a rule of a custom bus), and the template
   * keeps its `aws:cdk:path` metadata.
   */
  public deploy(name: string, template: any, physicalId: (logicalId: string, resource: any) => string | undefined): void {
    const resources = Object.entries<any>(template.Resources)
      .map(([logicalId, resource]) => ({
        LogicalResourceId: logicalId,
        ResourceType: resource.Type,
        PhysicalResourceId: physicalId(logicalId, resource),
      }))
      .filter((r): r is StackResourceSummary => r.PhysicalResourceId !== undefined);
    this.stacks.set(name, { template, resources });
  }

  public queue(name: string): FakeQueue {
    const found = [...this.queues.values()].find((q) => q.name === name);
    if (!found) {
      throw new Error(`test setup: no queue ${name}`);
    }
    return found;
  }

  /** Puts a message in a queue as SQS would after `receives` failed receives in `from` (DeadLetterQueueSourceArn). */
  public put(queueName: string, body: string, extra: Partial<FakeMessage> = {}): FakeMessage {
    const message: FakeMessage = { id: `m-${++this.sequence}`, body, sentAt: Date.now() - 60_000, receiveCount: 0, invisibleUntil: 0, ...extra };
    this.queue(queueName).messages.push(message);
    return message;
  }

  public bodies(queueName: string): string[] {
    return this.queue(queueName).messages.map((m) => m.body);
  }

  public operations(service?: string): string[] {
    return this.calls.filter((c) => service === undefined || c.service === service).map((c) => c.operation);
  }

  // SQS

  protected sqsGetQueueUrl(input: any) {
    const queue = [...this.queues.values()].find((q) => q.name === input.QueueName);
    if (!queue) {
      throw awsError('QueueDoesNotExist', 'The specified queue does not exist.');
    }
    return { QueueUrl: queue.url };
  }

  protected sqsGetQueueAttributes(input: any) {
    const q = this.byUrl(input.QueueUrl);
    const now = Date.now();
    return {
      Attributes: {
        QueueArn: q.arn,
        ApproximateNumberOfMessages: String(q.messages.filter((m) => m.invisibleUntil <= now).length),
        ApproximateNumberOfMessagesNotVisible: String(q.messages.filter((m) => m.invisibleUntil > now).length),
        ApproximateNumberOfMessagesDelayed: '0',
        ...(q.fifo ? { FifoQueue: 'true' } : {}),
        ...(q.redrivePolicy ? { RedrivePolicy: JSON.stringify(q.redrivePolicy) } : {}),
      },
    };
  }

  protected sqsListQueues() {
    return { QueueUrls: [...this.queues.keys()] };
  }

  protected sqsListDeadLetterSourceQueues(input: any) {
    if (!this.moveTasks) {
      throw awsError('InvalidAction', 'The action ListDeadLetterSourceQueues is not valid for this endpoint.');
    }
    const dlq = this.byUrl(input.QueueUrl);
    return { queueUrls: [...this.queues.values()].filter((q) => q.redrivePolicy?.deadLetterTargetArn === dlq.arn).map((q) => q.url) };
  }

  protected sqsReceiveMessage(input: any) {
    const q = this.byUrl(input.QueueUrl);
    const now = Date.now();
    const visible = q.messages.filter((m) => m.invisibleUntil <= now).slice(0, input.MaxNumberOfMessages ?? 1);
    return {
      Messages: visible.map((m) => {
        m.receiveCount++;
        m.firstReceivedAt = m.firstReceivedAt ?? now;
        m.invisibleUntil = now + (input.VisibilityTimeout ?? 30) * 1000;
        m.receiptHandle = `rh-${m.id}-${++this.sequence}`;
        return {
          MessageId: m.id,
          ReceiptHandle: m.receiptHandle,
          Body: m.body,
          MessageAttributes: m.messageAttributes,
          Attributes: {
            SentTimestamp: String(m.sentAt),
            ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt),
            ApproximateReceiveCount: String(m.receiveCount),
            ...(m.groupId ? { MessageGroupId: m.groupId } : {}),
            ...(m.dedupId ? { MessageDeduplicationId: m.dedupId } : {}),
            ...(m.sourceArn ? { DeadLetterQueueSourceArn: m.sourceArn } : {}),
            ...(m.traceHeader ? { AWSTraceHeader: m.traceHeader } : {}),
          },
        };
      }),
    };
  }

  protected sqsChangeMessageVisibilityBatch(input: any) {
    const q = this.byUrl(input.QueueUrl);
    for (const entry of input.Entries) {
      const m = q.messages.find((x) => x.receiptHandle === entry.ReceiptHandle);
      if (m) {
        m.invisibleUntil = Date.now() + entry.VisibilityTimeout * 1000;
      }
    }
    return { Successful: input.Entries.map((e: any) => ({ Id: e.Id })), Failed: [] };
  }

  protected sqsDeleteMessageBatch(input: any) {
    const q = this.byUrl(input.QueueUrl);
    q.messages = q.messages.filter((m) => !input.Entries.some((e: any) => e.ReceiptHandle === m.receiptHandle));
    return { Successful: input.Entries.map((e: any) => ({ Id: e.Id })), Failed: [] };
  }

  /**
   * SQS refuses a FIFO message without a group id ("MessageGroupId is
   * required for FIFO queues") and a group id on a standard queue
   * (SendMessageBatch, Amazon SQS API Reference).
   */
  protected sqsSendMessageBatch(input: any) {
    const q = this.byUrl(input.QueueUrl);
    const Successful: any[] = [];
    const Failed: any[] = [];
    for (const entry of input.Entries) {
      if (q.fifo !== (entry.MessageGroupId !== undefined) || this.refused.has(entry.MessageBody)) {
        Failed.push({ Id: entry.Id, Code: 'InvalidParameterValue', SenderFault: true, Message: 'refused' });
        continue;
      }
      q.messages.push({
        id: `m-${++this.sequence}`,
        body: entry.MessageBody,
        messageAttributes: entry.MessageAttributes,
        groupId: entry.MessageGroupId,
        dedupId: entry.MessageDeduplicationId,
        traceHeader: entry.MessageSystemAttributes?.AWSTraceHeader?.StringValue,
        sentAt: Date.now(),
        receiveCount: 0,
        invisibleUntil: 0,
      });
      Successful.push({ Id: entry.Id, MessageId: `m-${this.sequence}` });
    }
    return { Successful, Failed };
  }

  protected sqsPurgeQueue(input: any) {
    this.byUrl(input.QueueUrl).messages = [];
    return {};
  }

  /** AWS's message move task: moves every message to the destination, or back to its own source queue. */
  protected sqsStartMessageMoveTask(input: any) {
    if (!this.moveTasks) {
      throw awsError('InvalidAction', 'The action StartMessageMoveTask is not valid for this endpoint.');
    }
    const dlq = [...this.queues.values()].find((q) => q.arn === input.SourceArn)!;
    const count = dlq.messages.length;
    for (const m of dlq.messages) {
      const destination = [...this.queues.values()].find((q) => q.arn === (input.DestinationArn ?? m.sourceArn))!;
      destination.messages.push({ ...m, receiveCount: 0, invisibleUntil: 0 });
    }
    dlq.messages = [];
    const task = {
      TaskHandle: `task-${++this.sequence}`,
      SourceArn: input.SourceArn,
      Status: 'RUNNING',
      ApproximateNumberOfMessagesMoved: 0,
      ApproximateNumberOfMessagesToMove: count,
      polls: 0,
    };
    this.tasks.push(task);
    return { TaskHandle: task.TaskHandle };
  }

  protected sqsListMessageMoveTasks(input: any) {
    const results = this.tasks.filter((t) => t.SourceArn === input.SourceArn).map((t) => {
      t.polls++;
      if (t.polls > 1) {
        t.Status = 'COMPLETED';
        t.ApproximateNumberOfMessagesMoved = t.ApproximateNumberOfMessagesToMove;
      }
      const { polls, ...rest } = t;
      return rest;
    });
    return { Results: results };
  }

  // CloudFormation

  protected cfnGetTemplate(input: any) {
    return { TemplateBody: JSON.stringify(this.stack(input.StackName).template) };
  }

  protected cfnListStackResources(input: any) {
    return { StackResourceSummaries: this.stack(input.StackName).resources };
  }

  protected cfnListStacks() {
    return { StackSummaries: [...this.stacks.keys()].map((StackName) => ({ StackName, StackStatus: 'CREATE_COMPLETE' })) };
  }

  // CloudWatch

  protected cwGetMetricData(input: any) {
    return {
      MetricDataResults: input.MetricDataQueries.map((q: any) => ({
        Id: q.Id,
        Values: this.metricValues.get(q.MetricStat.Metric.Dimensions[0].Value) ?? [],
      })),
    };
  }

  protected cwDescribeAlarms(input: any) {
    return {
      MetricAlarms: input.AlarmNames.filter((n: string) => this.alarms.has(n)).map((n: string) => ({ AlarmName: n, ...this.alarms.get(n) })),
    };
  }

  // EventBridge

  protected eventsDescribeArchive(input: any) {
    const archive = this.archives.get(input.ArchiveName);
    if (!archive) {
      throw awsError('ResourceNotFoundException', `Archive ${input.ArchiveName} does not exist.`);
    }
    return { ArchiveName: input.ArchiveName, ...archive, State: 'ENABLED' };
  }

  protected eventsStartReplay(input: any) {
    this.replays.set(input.ReplayName, { input, describes: 0 });
    return { ReplayArn: `arn:aws:events:${REGION}:${ACCOUNT}:replay/${input.ReplayName}`, State: 'STARTING' };
  }

  /** A replay runs, then completes: STARTING, RUNNING, COMPLETED (DescribeReplay, Amazon EventBridge API Reference). */
  protected eventsDescribeReplay(input: any) {
    const replay = this.replays.get(input.ReplayName)!;
    replay.describes++;
    const state = replay.describes === 1 ? 'RUNNING' : 'COMPLETED';
    return { ReplayName: input.ReplayName, State: state, EventLastReplayedTime: state === 'COMPLETED' ? replay.input.EventEndTime : undefined };
  }

  private stack(name: string) {
    const stack = this.stacks.get(name);
    if (!stack) {
      throw awsError('ValidationError', `Stack with id ${name} does not exist`);
    }
    return stack;
  }

  private byUrl(url: string): FakeQueue {
    const queue = this.queues.get(url);
    if (!queue) {
      throw awsError('QueueDoesNotExist', 'The specified queue does not exist.');
    }
    return queue;
  }
}

/** A terminal that records what the command writes, and answers prompts with `answer`. */
export class RecordingIo implements Io {
  public readonly output: string[] = [];
  public readonly notes: string[] = [];
  public readonly questions: string[] = [];
  public readonly sleeps: number[] = [];

  constructor(public readonly interactive = false, private readonly answer = false, private clock = new Date('2026-12-01T12:00:00Z')) {}

  public out(line: string): void {
    this.output.push(line);
  }

  public note(line: string): void {
    this.notes.push(line);
  }

  public async confirm(question: string): Promise<boolean> {
    this.questions.push(question);
    return this.answer;
  }

  public now(): Date {
    return this.clock;
  }

  /** Waiting moves the clock, and takes no time. */
  public async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.clock = new Date(this.clock.getTime() + ms);
  }

  public get text(): string {
    return this.output.join('\n');
  }
}

export { ACCOUNT, REGION };

/**
 * `status`: the queues and alarms of the library's patterns in deployed stacks.
 */
import { paginateListStacks, StackStatus } from '@aws-sdk/client-cloudformation';
import { DescribeAlarmsCommand, GetMetricDataCommand, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { Clients } from '../aws';
import { describeError } from '../errors';
import { humanSeconds, Io, table } from '../io';
import { queueInfo, QueueInfo } from '../queues';
import { StackResource, stackResources } from '../stack';

export interface StatusOptions {
  readonly stack?: string;
  readonly json: boolean;
}

/** A queue of a pattern, with its dead-letter queue. */
export interface QueueStatus {
  readonly path: string;
  readonly queue: string;
  readonly visible: number;
  readonly inFlight: number;
  /** Seconds, from CloudWatch's last 5 minutes; undefined without data. */
  readonly oldestMessageAge?: number;
  readonly deadLetterQueue?: string;
  readonly deadLetterQueueVisible?: number;
}

export interface AlarmStatus {
  readonly path: string;
  readonly name: string;
  readonly state: string;
  readonly reason?: string;
}

export interface StackStatusReport {
  readonly stack: string;
  readonly queues: QueueStatus[];
  readonly alarms: AlarmStatus[];
}

/** Stacks that hold resources: every status but those of a stack being created, deleted, rolled back after a failed creation, or in review. */
const ACTIVE: StackStatus[] = [
  'CREATE_COMPLETE', 'UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_COMPLETE', 'UPDATE_FAILED',
  'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_FAILED', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE',
  'IMPORT_IN_PROGRESS', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_IN_PROGRESS', 'IMPORT_ROLLBACK_FAILED', 'IMPORT_ROLLBACK_COMPLETE',
];

/** @returns the report of each stack */
export async function status(clients: Clients, io: Io, options: StatusOptions): Promise<StackStatusReport[]> {
  const stacks = options.stack ? [options.stack] : await activeStacks(clients);
  const reports: StackStatusReport[] = [];
  for (const stack of stacks) {
    try {
      reports.push(await stackStatus(clients, io, stack));
    } catch (error) {
      // Without --stack, one stack that cannot be read (a queue deleted by hand) does not hide the others.
      if (options.stack) {
        throw error;
      }
      io.note(`stack ${stack} skipped: ${describeError(error)}`);
    }
  }
  if (options.json) {
    io.out(JSON.stringify(reports, undefined, 2));
    return reports;
  }
  if (reports.length === 0) {
    io.out('no deployed stack in this account and region');
  }
  for (const report of reports) {
    io.out(`Stack ${report.stack}`);
    if (report.queues.length === 0) {
      io.out('  no queues');
    } else {
      io.out(table(
        ['Queue', 'Visible', 'In flight', 'Oldest', 'Dead-letter queue', 'DLQ visible'],
        report.queues.map((q) => [
          q.path,
          q.visible,
          q.inFlight,
          q.oldestMessageAge === undefined ? '-' : humanSeconds(q.oldestMessageAge),
          q.deadLetterQueue ?? '-',
          q.deadLetterQueueVisible ?? '-',
        ]),
      ));
    }
    if (report.alarms.length > 0) {
      io.out(table(['Alarm', 'State'], report.alarms.map((a) => [a.path, a.state])));
    }
  }
  return reports;
}

async function activeStacks(clients: Clients): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListStacks({ client: clients.cloudformation }, { StackStatusFilter: ACTIVE })) {
    names.push(...(page.StackSummaries ?? []).map((s) => s.StackName!));
  }
  return names.sort();
}

async function stackStatus(clients: Clients, io: Io, stack: string): Promise<StackStatusReport> {
  const resources = await stackResources(clients, stack);
  const queueResources = resources.filter((r) => r.type === 'AWS::SQS::Queue');
  const queues = new Map<string, { resource: StackResource; info: QueueInfo }>();
  for (const resource of queueResources) {
    const info = await queueInfo(clients, resource.physicalId);
    queues.set(info.arn, { resource, info });
  }
  const deadLetterArns = new Set([...queues.values()].map((q) => q.info.deadLetterTargetArn).filter((arn): arn is string => arn !== undefined));
  const shown = [...queues.values()].filter((q) => !deadLetterArns.has(q.info.arn) || q.info.deadLetterTargetArn !== undefined);
  const ages = await oldestMessageAges(clients, io, shown.map((q) => q.info.name));
  const queueStatuses = shown.map(({ resource, info }) => {
    const dlq = info.deadLetterTargetArn ? queues.get(info.deadLetterTargetArn)?.info : undefined;
    return {
      path: resource.path,
      queue: info.name,
      visible: info.visible,
      inFlight: info.inFlight,
      oldestMessageAge: ages.get(info.name),
      deadLetterQueue: info.deadLetterTargetArn ? (dlq?.name ?? info.deadLetterTargetArn) : undefined,
      deadLetterQueueVisible: dlq?.visible,
    };
  }).sort((a, b) => a.path.localeCompare(b.path));
  return { stack, queues: queueStatuses, alarms: await alarmStates(clients, resources.filter((r) => r.type === 'AWS::CloudWatch::Alarm')) };
}

/**
 * The age of each queue's oldest message: the maximum of
 * ApproximateAgeOfOldestMessage over the last 5 minutes (SQS publishes it
 * once a minute; a queue with no data is left out).
 */
async function oldestMessageAges(clients: Clients, io: Io, queueNames: string[]): Promise<Map<string, number>> {
  const ages = new Map<string, number>();
  const end = io.now();
  const start = new Date(end.getTime() - 5 * 60_000);
  for (let i = 0; i < queueNames.length; i += 500) {
    const chunk = queueNames.slice(i, i + 500);
    const { MetricDataResults = [] } = await clients.cloudwatch.send(new GetMetricDataCommand({
      StartTime: start,
      EndTime: end,
      MetricDataQueries: chunk.map((name, j) => ({
        Id: `q${i + j}`,
        MetricStat: {
          Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [{ Name: 'QueueName', Value: name }] },
          Period: 60,
          Stat: 'Maximum',
        },
      })),
    }));
    for (const result of MetricDataResults) {
      const index = Number(result.Id?.slice(1));
      if (result.Values && result.Values.length > 0) {
        ages.set(queueNames[index], Math.max(...result.Values));
      }
    }
  }
  return ages;
}

/** The state of each alarm, those in ALARM first. */
async function alarmStates(clients: Clients, alarms: StackResource[]): Promise<AlarmStatus[]> {
  const found: MetricAlarm[] = [];
  for (let i = 0; i < alarms.length; i += 100) {
    const { MetricAlarms = [] } = await clients.cloudwatch.send(new DescribeAlarmsCommand({
      AlarmNames: alarms.slice(i, i + 100).map((a) => a.physicalId),
      MaxRecords: 100,
    }));
    found.push(...MetricAlarms);
  }
  const order = ['ALARM', 'INSUFFICIENT_DATA', 'OK'];
  return alarms
    .map((a) => {
      const alarm = found.find((m) => m.AlarmName === a.physicalId);
      return { path: a.path, name: a.physicalId, state: alarm?.StateValue ?? 'NOT FOUND', reason: alarm?.StateReason };
    })
    .sort((a, b) => (order.indexOf(a.state) + 4) % 4 - (order.indexOf(b.state) + 4) % 4 || a.path.localeCompare(b.path));
}

/**
 * The fixed monthly cost of a template at zero traffic: what its resources
 * cost per month whether or not a single message flows.
 *
 * Prices are the us-east-1 list prices (USD) published on the AWS pricing
 * pages, read on the date below, before any free tier. A month is 730 hours.
 * Resources not listed have no fixed fee: they are billed by use (SQS and SNS
 * requests, Lambda invocations, EventBridge events, on-demand DynamoDB
 * requests, CloudWatch Logs ingestion, storage of queues, archives and
 * tables, which is empty at zero traffic).
 */
export const PRICES_READ_ON = '2026-11-21';
export const HOURS_PER_MONTH = 730;

export const PRICES = {
  /** AWS KMS: a customer-managed key, per month. With yearly rotation, each of the first two rotations adds $1 a month (not counted here: the figure is the first year's). */
  kmsKeyMonth: 1.0,
  /** CloudWatch: a standard-resolution alarm, per metric, per month. */
  alarmMetricMonth: 0.1,
  /** CloudWatch: a high-resolution alarm (period under 60 s), per metric, per month. */
  highResolutionAlarmMetricMonth: 0.3,
  /** CloudWatch: a composite alarm, per month. */
  compositeAlarmMonth: 0.5,
  /** CloudWatch: a dashboard, per month. */
  dashboardMonth: 3.0,
  /** Kinesis Data Streams, provisioned: a shard-hour. */
  kinesisShardHour: 0.015,
  /** Kinesis Data Streams, provisioned: extended retention (over 24 hours, up to 7 days), a shard-hour. */
  kinesisExtendedRetentionShardHour: 0.02,
  /** Kinesis Data Streams, on-demand: a stream-hour. */
  kinesisOnDemandStreamHour: 0.04,
  /** Kinesis Data Streams: an enhanced fan-out consumer, a consumer-shard-hour. */
  kinesisConsumerShardHour: 0.015,
  /** DynamoDB, provisioned capacity: a write capacity unit-hour. */
  dynamodbWcuHour: 0.00065,
  /** DynamoDB, provisioned capacity: a read capacity unit-hour. */
  dynamodbRcuHour: 0.00013,
  /** Secrets Manager: a secret, per month. */
  secretMonth: 0.4,
};

/** The fixed monthly cost of a template, in total and by kind of resource. */
export interface FixedCost {
  readonly total: number;
  readonly items: Record<string, number>;
}

type Resource = { Type: string; Properties?: Record<string, any> };

function alarmCost(properties: Record<string, any>): number {
  const metrics: any[] | undefined = properties.Metrics;
  const count = metrics ? metrics.filter((m) => m.MetricStat).length : 1;
  const period = Number(properties.Period ?? metrics?.find((m) => m.MetricStat)?.MetricStat.Period ?? 60);
  return count * (period < 60 ? PRICES.highResolutionAlarmMetricMonth : PRICES.alarmMetricMonth);
}

function shardCount(resources: Record<string, Resource>, streamArn: unknown): number {
  const logicalId = (streamArn as any)?.['Fn::GetAtt']?.[0];
  return Number(resources[logicalId]?.Properties?.ShardCount ?? 1);
}

function provisionedCapacityCost(throughput: any): number {
  if (!throughput) {
    return 0;
  }
  return HOURS_PER_MONTH * (Number(throughput.ReadCapacityUnits ?? 0) * PRICES.dynamodbRcuHour
    + Number(throughput.WriteCapacityUnits ?? 0) * PRICES.dynamodbWcuHour);
}

/** What one resource costs per month at zero traffic, and under which item. */
function resourceCost(resource: Resource, resources: Record<string, Resource>): Array<[string, number]> {
  const p = resource.Properties ?? {};
  switch (resource.Type) {
    case 'AWS::KMS::Key':
      return [['KMS keys', PRICES.kmsKeyMonth]];
    case 'AWS::CloudWatch::Alarm':
      return [['alarms', alarmCost(p)]];
    case 'AWS::CloudWatch::CompositeAlarm':
      return [['alarms', PRICES.compositeAlarmMonth]];
    case 'AWS::CloudWatch::Dashboard':
      return [['dashboards', PRICES.dashboardMonth]];
    case 'AWS::SecretsManager::Secret':
      return [['secrets', PRICES.secretMonth]];
    case 'AWS::Kinesis::Stream': {
      if (p.StreamModeDetails?.StreamMode === 'ON_DEMAND') {
        return [['Kinesis stream-hours', HOURS_PER_MONTH * PRICES.kinesisOnDemandStreamHour]];
      }
      const shards = Number(p.ShardCount ?? 1);
      const items: Array<[string, number]> = [['Kinesis shard-hours', HOURS_PER_MONTH * shards * PRICES.kinesisShardHour]];
      if (Number(p.RetentionPeriodHours ?? 24) > 24) {
        items.push(['Kinesis extended retention', HOURS_PER_MONTH * shards * PRICES.kinesisExtendedRetentionShardHour]);
      }
      return items;
    }
    case 'AWS::Kinesis::StreamConsumer':
      return [['Kinesis enhanced fan-out', HOURS_PER_MONTH * shardCount(resources, p.StreamARN) * PRICES.kinesisConsumerShardHour]];
    case 'AWS::DynamoDB::Table': {
      if (p.BillingMode === 'PAY_PER_REQUEST') {
        return [];
      }
      const indexes = [...(p.GlobalSecondaryIndexes ?? [])].map((index: any) => provisionedCapacityCost(index.ProvisionedThroughput));
      return [['DynamoDB provisioned capacity', provisionedCapacityCost(p.ProvisionedThroughput) + indexes.reduce((a, b) => a + b, 0)]];
    }
    default:
      return [];
  }
}

/** The fixed monthly cost of a synthesized template. */
export function fixedMonthlyCost(template: { Resources?: Record<string, Resource> }): FixedCost {
  const resources = template.Resources ?? {};
  const items: Record<string, number> = {};
  for (const resource of Object.values(resources)) {
    for (const [item, cost] of resourceCost(resource, resources)) {
      items[item] = (items[item] ?? 0) + cost;
    }
  }
  const total = Object.values(items).reduce((a, b) => a + b, 0);
  return { total, items };
}

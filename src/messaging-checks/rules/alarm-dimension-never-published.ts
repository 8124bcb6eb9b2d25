import { PUBLISHED_METRICS } from '../../core/published-metrics';
import { GraphResource, isObject, ResourceGraph } from '../resource-graph';
import { defineRule, eachResource, RuleFinding, RuleLevel } from '../rule';

/**
 * The dimensions whose value is a resource's name, per namespace, with the
 * characters such a name cannot contain. Queue and topic names are letters,
 * digits, hyphens and underscores (SQS CreateQueue, SNS CreateTopic); rule,
 * stream and table names add dots; function names cannot hold the `:` of an
 * ARN or qualifier; event bus names may hold `/` (partner buses) but not `:`.
 * So a value holding one of these characters (a queue URL, an ARN, the
 * `bus|rule` that `Ref` returns for a rule of a custom bus) is never published.
 */
const NAME_DIMENSIONS: Record<string, Record<string, RegExp>> = {
  'AWS/SQS': { QueueName: /[:/|]/ },
  'AWS/SNS': { TopicName: /[:/|]/ },
  'AWS/Events': { RuleName: /[:/|]/, EventBusName: /[:|]/ },
  'AWS/Lambda': { FunctionName: /[:/|]/ },
  'AWS/Kinesis': { StreamName: /[:/|]/ },
  'AWS/DynamoDB': { TableName: /[:/|]/ },
  // Pipe names are letters, digits, '.', '-' and '_' (Pipes API Reference, CreatePipe).
  'AWS/EventBridge/Pipes': { PipeName: /[:/|]/ },
};

/** Where the right value comes from, per dimension. */
const RIGHT_VALUE: Record<string, string> = {
  QueueName: 'the queue\'s name (Fn::GetAtt QueueName; aws-cdk-lib: queue.queueName or queue.metric...())',
  TopicName: 'the topic\'s name (Fn::GetAtt TopicName; aws-cdk-lib: topic.topicName or topic.metric...())',
  RuleName:
    'the rule\'s bare name: give the rule a Name and use it, or take the part after "|" of its Ref ' +
    '(Fn::Select [1, Fn::Split ["|", Fn::Join ["|", [Ref, Ref]]]] works on the default bus too; aws-cdk-lib\'s rule.ruleName is the Ref), ' +
    'with the EventBusName dimension for a rule of a custom bus',
  EventBusName: 'the bus\'s name (Ref or Fn::GetAtt Name; aws-cdk-lib: bus.eventBusName)',
  FunctionName: 'the function\'s name (Ref; aws-cdk-lib: fn.functionName or fn.metric...())',
  StreamName: 'the stream\'s name (Ref; aws-cdk-lib: stream.streamName)',
  TableName: 'the table\'s name (Ref; aws-cdk-lib: table.tableName)',
  PipeName: 'the pipe\'s name (Ref)',
};

/**
 * An alarm on an AWS service metric whose dimension value has a shape the
 * service never publishes (a queue URL as QueueName, an ARN as TopicName...):
 * the metric never has data, and the alarm never fires.
 */
export const alarmDimensionNeverPublished = defineRule('AlarmDimensionNeverPublished', RuleLevel.ERROR, eachResource('AWS::CloudWatch::Alarm'), {
  info: 'The alarm watches a metric under a dimension value the service never publishes (a URL or ARN instead of a name): it can never fire.',
  explanation:
    'AWS services publish their metrics under the bare names of their resources: QueueName is the queue\'s name, TopicName the topic\'s name, ' +
    'RuleName the rule\'s name, FunctionName, StreamName and TableName the names. Those names cannot contain ":", "/" or "|", so a dimension ' +
    'holding a queue URL (what Ref returns for a queue), an ARN (Ref of a topic, Fn::GetAtt Arn) or "bus|rule" (what Ref returns for a rule ' +
    'of a custom event bus) names a metric that never has data: the alarm stays in OK or INSUFFICIENT_DATA whatever happens. The same holds ' +
    'for an alarm on a rule of a custom bus with RuleName alone: "Metrics that specify only the RuleName dimension refer to the default event bus".',
  fix:
    'Use the resource\'s name as the dimension value (aws-cdk-lib\'s metric methods, such as queue.metricApproximateAgeOfOldestMessage() ' +
    'and fn.metricErrors(), do). For a rule of a custom event bus, use its bare name as RuleName together with the bus\'s name as ' +
    'EventBusName: metrics with RuleName alone are those of the default bus.',
  sources: [
    ...new Set(Object.keys(NAME_DIMENSIONS).map((ns) => PUBLISHED_METRICS[ns].source)),
    'https://docs.aws.amazon.com/sdkfornet/v4/apidocs/items/SQS/MCreateQueueRequestctorString.html',
    'https://docs.aws.amazon.com/sdkfornet/v3/apidocs/items/SNS/MCreateTopicRequestctorString.html',
    'https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/1131',
  ],
  check(alarm, graph): RuleFinding[] {
    const metrics: { namespace: unknown; dimensions: unknown; location: string }[] = [
      { namespace: alarm.properties.Namespace, dimensions: alarm.properties.Dimensions, location: 'Properties.Dimensions' },
    ];
    (Array.isArray(alarm.properties.Metrics) ? alarm.properties.Metrics : []).forEach((m: unknown, i: number) => {
      const metric = isObject(m) && isObject(m.MetricStat) && isObject(m.MetricStat.Metric) ? m.MetricStat.Metric : undefined;
      if (metric) {
        metrics.push({ namespace: metric.Namespace, dimensions: metric.Dimensions, location: `Properties.Metrics.${i}.MetricStat.Metric.Dimensions` });
      }
    });
    const findings: RuleFinding[] = [];
    for (const metric of metrics) {
      const namespace = typeof metric.namespace === 'string' ? metric.namespace : undefined;
      const checked = namespace === undefined ? undefined : NAME_DIMENSIONS[namespace];
      if (!checked || !Array.isArray(metric.dimensions)) {
        continue;
      }
      if (namespace === 'AWS/Events') {
        findings.push(...customBusRuleWithoutBus(alarm, graph, metric.dimensions, metric.location));
      }
      metric.dimensions.forEach((d: unknown, j: number) => {
        if (!isObject(d) || typeof d.Name !== 'string' || !checked[d.Name]) {
          return;
        }
        const value = graph.evaluate(alarm, d.Value);
        if (value === undefined || !checked[d.Name].test(value)) {
          return;
        }
        findings.push({
          message: `Its dimension ${d.Name} is ${shape(value)} (${written(d.Value)}), which ${namespace} never publishes: use ${RIGHT_VALUE[d.Name]}.`,
          location: `${metric.location}.${j}.Value`,
        });
      });
    }
    return findings;
  },
});

/**
 * An alarm on the metrics of a rule of a custom bus with RuleName and no
 * EventBusName: "Metrics that specify only the RuleName dimension refer to
 * the default event bus. Metrics that specify both the EventBusName and
 * RuleName dimensions refer to a custom event bus" (EventBridge User Guide,
 * "Monitoring Amazon EventBridge"). The rule is found among the rules of the
 * app by the name the dimension evaluates to.
 */
function customBusRuleWithoutBus(alarm: GraphResource, graph: ResourceGraph, dimensions: unknown[], location: string): RuleFinding[] {
  const named = (name: string) => dimensions.findIndex((d) => isObject(d) && d.Name === name);
  const ruleIndex = named('RuleName');
  if (ruleIndex < 0 || named('EventBusName') >= 0) {
    return [];
  }
  const ruleName = graph.evaluate(alarm, (dimensions[ruleIndex] as Record<string, unknown>).Value);
  if (ruleName === undefined) {
    return [];
  }
  return graph
    .ofType('AWS::Events::Rule')
    .filter((rule) => graph.physicalName(rule) === ruleName && rule.properties.EventBusName !== undefined)
    .filter((rule) => !['default', undefined].includes(busName(graph.evaluate(rule, rule.properties.EventBusName))))
    .map((rule) => ({
      message:
        `Its dimension RuleName names the rule ${rule.logicalId}, which is on the custom bus ${busName(graph.evaluate(rule, rule.properties.EventBusName))}, ` +
        'and it has no EventBusName dimension: AWS/Events publishes the metrics of that rule under both, so this metric never has data.',
      location: `${location}.${ruleIndex}`,
    }));
}

/** `EventBusName` of a rule holds a name or an ARN. */
function busName(value: string | undefined): string | undefined {
  return value?.startsWith('arn:') ? value.split('/').pop() : value;
}

function shape(value: string): string {
  if (value.startsWith('https://')) {
    return 'a URL';
  }
  if (value.startsWith('arn:')) {
    return 'an ARN';
  }
  if (value.includes('|')) {
    return 'of the form bus|rule';
  }
  return 'not a bare name';
}

/** How the template writes a dimension value, for messages (the evaluated value holds stand-in account and names). */
function written(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (isObject(value) && typeof value.Ref === 'string') {
    return `Ref ${value.Ref}`;
  }
  if (isObject(value) && Array.isArray(value['Fn::GetAtt'])) {
    return `Fn::GetAtt ${value['Fn::GetAtt'].join('.')}`;
  }
  return 'an expression';
}

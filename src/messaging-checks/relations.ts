import { LAMBDA_DEFAULT_TIMEOUT } from './aws-facts';
import { GraphResource, isObject, ResourceGraph, Target } from './resource-graph';

const QUEUE = 'AWS::SQS::Queue';
const TOPIC = 'AWS::SNS::Topic';
const FUNCTION = 'AWS::Lambda::Function';

/** An SNS subscription: an `AWS::SNS::Subscription`, or one listed in a topic's `Subscription` property. */
export interface SubscriptionEdge {
  /** The subscription resource, or the topic for an inline subscription. */
  readonly resource: GraphResource;
  readonly topic: Target;
  readonly protocol: string;
  readonly endpoint: Target;
  /** The queue named by the subscription's redrive policy, if any. */
  readonly deadLetterQueue?: Target;
  readonly rawMessageDelivery: boolean;
  /** Where the subscription is written: `Properties` of a subscription, `Properties.Subscription.<n>` of a topic. */
  readonly location: string;
}

/** One target of an EventBridge rule. */
export interface RuleTargetEdge {
  readonly rule: GraphResource;
  readonly target: Target;
  readonly deadLetterQueue?: Target;
  /** `Properties.Targets.<n>`. */
  readonly location: string;
  readonly properties: Record<string, any>;
}

/** A Lambda event source mapping: what it reads and the function it invokes. */
export interface EventSourceEdge {
  readonly mapping: GraphResource;
  readonly source: Target;
  /** The function, with aliases and versions followed to their function. */
  readonly function: Target;
  /** The type of the source (`AWS::SQS::Queue`, `AWS::Kinesis::Stream`, `AWS::DynamoDB::Table`), from the template or the ARN. */
  readonly sourceType?: string;
}

/** What a queue is the dead-letter queue (or failure destination) of. */
export interface DeadLetterEdge {
  readonly user: GraphResource;
  readonly queue: Target;
  readonly kind: 'queue' | 'subscription' | 'rule-target' | 'function' | 'async-destination' | 'event-source-destination';
  readonly location: string;
}

/** Whether a target is the given resource. */
export function isResource(target: Target | undefined, resource: GraphResource): boolean {
  return target?.resource === resource;
}

/** A JSON property CloudFormation accepts as an object or as a JSON string. */
export function jsonProperty(value: unknown): Record<string, any> | undefined {
  if (typeof value === 'string') {
    try {
      const parsed = JSON.parse(value);
      return isObject(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return isObject(value) ? value : undefined;
}

/** Every SNS subscription of the app. */
export function subscriptions(graph: ResourceGraph): SubscriptionEdge[] {
  return graph.memo('subscriptions', () => {
    const edges: SubscriptionEdge[] = [];
    for (const s of graph.ofType('AWS::SNS::Subscription')) {
      const p = s.properties;
      const protocol = String(p.Protocol ?? '').toLowerCase();
      const redrive = jsonProperty(p.RedrivePolicy);
      edges.push({
        resource: s,
        topic: graph.follow(s, p.TopicArn, TOPIC),
        protocol,
        endpoint: followFunction(graph, graph.follow(s, p.Endpoint, endpointType(protocol))),
        deadLetterQueue: redrive?.deadLetterTargetArn !== undefined ? graph.follow(s, redrive.deadLetterTargetArn, QUEUE) : undefined,
        rawMessageDelivery: p.RawMessageDelivery === true || p.RawMessageDelivery === 'true',
        location: 'Properties',
      });
    }
    for (const topic of graph.ofType(TOPIC)) {
      (Array.isArray(topic.properties.Subscription) ? topic.properties.Subscription : []).forEach((sub: Record<string, any>, i: number) => {
        const protocol = String(sub.Protocol ?? '').toLowerCase();
        edges.push({
          resource: topic,
          topic: { resource: topic },
          protocol,
          endpoint: followFunction(graph, graph.follow(topic, sub.Endpoint, endpointType(protocol))),
          rawMessageDelivery: false,
          location: `Properties.Subscription.${i}`,
        });
      });
    }
    return edges;
  });
}

/** The subscriptions a resource holds: the subscription itself, or a topic's inline subscriptions. */
export function subscriptionsOf(graph: ResourceGraph, resource: GraphResource): SubscriptionEdge[] {
  return subscriptions(graph).filter((s) => s.resource === resource);
}

/** Every target of every EventBridge rule of the app. */
export function ruleTargets(graph: ResourceGraph): RuleTargetEdge[] {
  return graph.memo('ruleTargets', () =>
    graph.ofType('AWS::Events::Rule').flatMap((rule) =>
      (Array.isArray(rule.properties.Targets) ? rule.properties.Targets : []).map((t: Record<string, any>, i: number) => ({
        rule,
        target: followFunction(graph, graph.follow(rule, t.Arn, arnType(graph, rule, t.Arn))),
        deadLetterQueue: t.DeadLetterConfig?.Arn !== undefined ? graph.follow(rule, t.DeadLetterConfig.Arn, QUEUE) : undefined,
        location: `Properties.Targets.${i}`,
        properties: t,
      })),
    ),
  );
}

/** A rule target for messages: its `Id`, or its place in `Targets` when it has none. */
export function targetId(t: RuleTargetEdge): string {
  return String(t.properties.Id ?? t.location);
}

/** Whether a rule target is a FIFO queue or topic (see {@link targetIsFifo}): true only when it is known to be. */
export function isFifoRuleTarget(graph: ResourceGraph, t: RuleTargetEdge): boolean {
  return targetIsFifo(graph, t.rule, t.target, t.properties.Arn) === true;
}

/** Every Lambda event source mapping of the app. */
export function eventSources(graph: ResourceGraph): EventSourceEdge[] {
  return graph.memo('eventSources', () =>
    graph.ofType('AWS::Lambda::EventSourceMapping').map((mapping) => {
      const arn = mapping.properties.EventSourceArn;
      const sourceType = arnType(graph, mapping, arn);
      const source = graph.follow(mapping, arn, sourceType);
      return {
        mapping,
        source,
        function: followFunction(graph, graph.follow(mapping, mapping.properties.FunctionName, FUNCTION)),
        sourceType: source.resource?.type ?? sourceType,
      };
    }),
  );
}

/** The function a mapping invokes, for messages: `the function Handler`, or `its function` when it is outside the app. */
export function describeInvokedFunction(edge: EventSourceEdge): string {
  return edge.function.resource ? `the function ${edge.function.resource.logicalId}` : 'its function';
}

/** The stream a mapping reads, for messages: `the stream Orders`, `the stream of the table Orders`. */
export function describeStreamSource(edge: EventSourceEdge): string {
  const r = edge.source.resource;
  if (!r) {
    return `the stream ${edge.source.external}`;
  }
  if (r.type === 'AWS::Kinesis::StreamConsumer') {
    return `the stream consumer ${r.logicalId}`;
  }
  return r.type.startsWith('AWS::DynamoDB::') ? `the stream of the table ${r.logicalId}` : `the stream ${r.logicalId}`;
}

/** Every use of a queue as a dead-letter queue or failure destination. */
export function deadLetterUses(graph: ResourceGraph): DeadLetterEdge[] {
  return graph.memo('deadLetterUses', () => {
    const edges: DeadLetterEdge[] = [];
    for (const q of graph.ofType(QUEUE)) {
      const redrive = jsonProperty(q.properties.RedrivePolicy);
      if (redrive?.deadLetterTargetArn !== undefined) {
        edges.push({ user: q, queue: graph.follow(q, redrive.deadLetterTargetArn, QUEUE), kind: 'queue', location: 'Properties.RedrivePolicy' });
      }
    }
    for (const s of subscriptions(graph)) {
      if (s.deadLetterQueue) {
        edges.push({ user: s.resource, queue: s.deadLetterQueue, kind: 'subscription', location: 'Properties.RedrivePolicy' });
      }
    }
    for (const t of ruleTargets(graph)) {
      if (t.deadLetterQueue) {
        edges.push({ user: t.rule, queue: t.deadLetterQueue, kind: 'rule-target', location: `${t.location}.DeadLetterConfig` });
      }
    }
    for (const fn of graph.ofType(FUNCTION)) {
      const arn = fn.properties.DeadLetterConfig?.TargetArn;
      if (arn !== undefined) {
        edges.push({ user: fn, queue: graph.follow(fn, arn, QUEUE), kind: 'function', location: 'Properties.DeadLetterConfig' });
      }
    }
    for (const config of graph.ofType('AWS::Lambda::EventInvokeConfig')) {
      const arn = config.properties.DestinationConfig?.OnFailure?.Destination;
      if (arn !== undefined) {
        edges.push({ user: config, queue: graph.follow(config, arn, QUEUE), kind: 'async-destination', location: 'Properties.DestinationConfig.OnFailure' });
      }
    }
    for (const mapping of graph.ofType('AWS::Lambda::EventSourceMapping')) {
      const arn = mapping.properties.DestinationConfig?.OnFailure?.Destination;
      if (arn !== undefined) {
        edges.push({ user: mapping, queue: graph.follow(mapping, arn, QUEUE), kind: 'event-source-destination', location: 'Properties.DestinationConfig.OnFailure' });
      }
    }
    return edges;
  });
}

/** An AWS service that sends messages to a queue, and how (for a finding's message). */
export interface ServiceSender {
  /** The service principal, `sns.amazonaws.com` or `events.amazonaws.com`. */
  readonly service: string;
  readonly use: string;
  /** A rule target with a `RoleArn`: EventBridge sends with that role instead of its service principal. */
  readonly withRole?: boolean;
}

/**
 * The services that send to a queue as their own principal: SNS for the
 * subscriptions it is the endpoint or dead-letter queue of, EventBridge for
 * the rule targets it is the target or dead-letter queue of.
 */
export function serviceSenders(graph: ResourceGraph, queue: GraphResource): ServiceSender[] {
  const senders: ServiceSender[] = [];
  for (const s of subscriptions(graph)) {
    if (s.protocol === 'sqs' && isResource(s.endpoint, queue)) {
      senders.push({ service: 'sns.amazonaws.com', use: `SNS delivers to it from ${describeTarget(s.topic)} (subscription ${s.resource.logicalId})` });
    }
    if (isResource(s.deadLetterQueue, queue)) {
      senders.push({ service: 'sns.amazonaws.com', use: `it is the dead-letter queue of the subscription ${s.resource.logicalId}` });
    }
  }
  for (const t of ruleTargets(graph)) {
    if (isResource(t.target, queue)) {
      senders.push({ service: 'events.amazonaws.com', use: `it is a target of the rule ${t.rule.logicalId}`, withRole: t.properties.RoleArn !== undefined });
    }
    if (isResource(t.deadLetterQueue, queue)) {
      senders.push({ service: 'events.amazonaws.com', use: `it is the dead-letter queue of a target of the rule ${t.rule.logicalId}` });
    }
  }
  return senders;
}

/** A function of the app that consumes a queue through an event source mapping, with its timeout in seconds. */
export interface LambdaConsumer {
  readonly edge: EventSourceEdge;
  readonly fn: GraphResource;
  readonly timeout: number;
}

/**
 * The functions of the app that consume the queue, with their timeouts (3 s
 * when unset); a function outside the app, or whose timeout is only known at
 * deployment, is left out.
 */
export function lambdaConsumers(graph: ResourceGraph, queue: GraphResource): LambdaConsumer[] {
  return eventSources(graph)
    .filter((e) => isResource(e.source, queue))
    .flatMap((edge) => {
      const fn = edge.function.resource?.type === FUNCTION ? edge.function.resource : undefined;
      const timeout = fn && numberProperty(fn.properties.Timeout, LAMBDA_DEFAULT_TIMEOUT);
      return fn && timeout !== undefined ? [{ edge, fn, timeout }] : [];
    });
}

/** Whether the queue receives the failures of something else (it is a dead-letter queue or failure destination). */
export function isDeadLetterQueue(graph: ResourceGraph, queue: GraphResource): boolean {
  return deadLetterUses(graph).some((edge) => isResource(edge.queue, queue));
}

/**
 * Whether a function keeps the events its asynchronous invocations fail on:
 * an on-failure destination in an `AWS::Lambda::EventInvokeConfig` of the
 * function, or a dead-letter queue or topic in its `DeadLetterConfig`.
 */
export function keepsAsyncFailures(graph: ResourceGraph, fn: GraphResource): boolean {
  if (fn.properties.DeadLetterConfig?.TargetArn !== undefined) {
    return true;
  }
  return graph
    .ofType('AWS::Lambda::EventInvokeConfig')
    .some(
      (c) =>
        c.properties.DestinationConfig?.OnFailure?.Destination !== undefined &&
        isResource(followFunction(graph, graph.follow(c, c.properties.FunctionName, FUNCTION)), fn),
    );
}

/** Aliases and versions stand for their function. */
export function followFunction(graph: ResourceGraph, target: Target): Target {
  const r = target.resource;
  if (r && (r.type === 'AWS::Lambda::Alias' || r.type === 'AWS::Lambda::Version')) {
    return graph.follow(r, r.properties.FunctionName, FUNCTION);
  }
  return target;
}

function endpointType(protocol: string): string | undefined {
  switch (protocol) {
    case 'sqs':
      return QUEUE;
    case 'lambda':
      return FUNCTION;
    default:
      return undefined;
  }
}

/** The service field of a literal ARN outside the app (`sqs`, `sns`, `lambda`...); undefined for a resource of the app or a value that is no ARN. */
export function arnService(target: Target): string | undefined {
  return target.external?.startsWith('arn:') ? target.external.split(':')[2] : undefined;
}

/** The resource type an ARN names, from the resource it references or from its service field. */
function arnType(graph: ResourceGraph, from: GraphResource, arn: unknown): string | undefined {
  const target = graph.follow(from, arn);
  if (target.resource) {
    return target.resource.type;
  }
  switch (arnService(target)) {
    case 'sqs':
      return QUEUE;
    case 'sns':
      return TOPIC;
    case 'lambda':
      return FUNCTION;
    case 'kinesis':
      return 'AWS::Kinesis::Stream';
    case 'dynamodb':
      return 'AWS::DynamoDB::Table';
    default:
      return undefined;
  }
}

/** What an event source mapping reads, as far as the rules need to know. */
export type EventSourceKind = 'sqs' | 'stream' | 'other';

/** The sources of Kinesis and DynamoDB stream mappings (a Kinesis stream, its enhanced fan-out consumer, a table's stream). */
const STREAM_SOURCE_TYPES = ['AWS::Kinesis::Stream', 'AWS::Kinesis::StreamConsumer', 'AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'];

/**
 * What a mapping reads: an SQS queue, a Kinesis or DynamoDB stream, or
 * something else (Kafka, Amazon MQ, DocumentDB), from the resource its
 * `EventSourceArn` references or the service of a literal ARN; undefined
 * when the ARN is not known at synth (a parameter, an export of another app).
 */
export function eventSourceKind(edge: EventSourceEdge): EventSourceKind | undefined {
  if (edge.sourceType === QUEUE) {
    return 'sqs';
  }
  if (edge.sourceType !== undefined) {
    return STREAM_SOURCE_TYPES.includes(edge.sourceType) ? 'stream' : 'other';
  }
  // Self-managed Kafka has no EventSourceArn; a literal ARN of a service not modelled (kafka, mq, rds) is something else.
  if (edge.mapping.properties.EventSourceArn === undefined || edge.source.external?.startsWith('arn:')) {
    return 'other';
  }
  return undefined;
}

/**
 * For a mapping whose source is unknown, what its own properties suggest:
 * only stream sources (Kinesis, DynamoDB, Kafka, DocumentDB) take a
 * `StartingPosition`, only Kafka takes `Topics`, only Amazon MQ `Queues`. A
 * guess: rules use it to say what they could not check, never to judge.
 */
export function likelyEventSourceKind(mapping: GraphResource): EventSourceKind {
  const p = mapping.properties;
  const otherSources = ['Topics', 'Queues', 'SelfManagedEventSource', 'SourceAccessConfigurations', 'AmazonManagedKafkaEventSourceConfig',
    'SelfManagedKafkaEventSourceConfig', 'DocumentDBEventSourceConfig'];
  if (otherSources.some((name) => p[name] !== undefined)) {
    return 'other';
  }
  return p.StartingPosition === undefined ? 'sqs' : 'stream';
}

/**
 * A number property as CloudFormation receives it (a number or a numeric
 * string): `absent` when the property is not set (the AWS default), undefined
 * when the value is only known at deployment (a parameter, a token).
 */
export function numberProperty(value: unknown, absent?: number): number | undefined {
  if (value === undefined) {
    return absent;
  }
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) {
    return Number(value);
  }
  return undefined;
}

/** A boolean property (a boolean or "true"/"false"): `absent` when not set, undefined when only known at deployment. */
export function booleanProperty(value: unknown, absent: boolean): boolean | undefined {
  if (value === undefined) {
    return absent;
  }
  if (value === true || value === false) {
    return value;
  }
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) {
    return value.toLowerCase() === 'true';
  }
  return undefined;
}

/** A duration in seconds for a message: `345600 s (4 days)`. */
export function describeSeconds(seconds: number): string {
  const units: Array<[number, string]> = [[86400, 'day'], [3600, 'hour'], [60, 'minute']];
  for (const [size, unit] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${seconds} s (${n} ${unit}${n === 1 ? '' : 's'})`;
    }
  }
  return `${seconds} s`;
}

/**
 * Whether a queue or topic is FIFO, or undefined when it cannot be told. A
 * resource of the app is judged by its `FifoQueue` / `FifoTopic` property
 * (absent: a standard queue or topic, the CloudFormation default); one outside
 * the app by its literal ARN or URL: only FIFO queues and topics may have a
 * dot in their name, and theirs must end with `.fifo` (SQS CreateQueue and
 * SNS CreateTopic name constraints).
 *
 * @param value the ARN or URL as `from`'s template writes it, read when the target is outside the app
 */
export function targetIsFifo(graph: ResourceGraph, from: GraphResource, target: Target | undefined, value: unknown): boolean | undefined {
  const r = target?.resource;
  if (r) {
    const flag = r.type === QUEUE ? r.properties.FifoQueue : r.type === TOPIC ? r.properties.FifoTopic : null;
    if (flag === undefined || flag === false || flag === 'false') {
      return false;
    }
    return flag === true || flag === 'true' ? true : undefined;
  }
  if (!target) {
    return undefined;
  }
  const literal = graph.evaluate(from, value);
  return literal !== undefined && /^(arn:|https:\/\/)/.test(literal) ? literal.endsWith('.fifo') : undefined;
}

/** The KMS key of a queue or topic (its `KmsMasterKeyId`). */
export type EncryptionKey =
  | { readonly kind: 'aws-managed'; readonly alias: string }
  | { readonly kind: 'key'; readonly key: GraphResource }
  | { readonly kind: 'external'; readonly description: string };

/**
 * The key named by a queue's or topic's `KmsMasterKeyId`: an AWS-managed key
 * (`alias/aws/sqs`, `alias/aws/sns`, by alias name or alias ARN), an
 * `AWS::KMS::Key` of the app (directly or through an `AWS::KMS::Alias` of the
 * app), or a key outside the app; undefined when the property is absent.
 */
export function encryptionKeyOf(graph: ResourceGraph, resource: GraphResource): EncryptionKey | undefined {
  const value = resource.properties.KmsMasterKeyId;
  if (value === undefined) {
    return undefined;
  }
  const literal = graph.evaluate(resource, value);
  const managed = literal?.match(/(?:^|:)(alias\/aws\/[\w-]+)$/);
  if (managed) {
    return { kind: 'aws-managed', alias: managed[1] };
  }
  let target = graph.follow(resource, value);
  if (!target.resource && literal !== undefined && /(?:^|:)alias\//.test(literal)) {
    target = graph.follow(resource, value, 'AWS::KMS::Alias');
  }
  if (target.resource?.type === 'AWS::KMS::Alias') {
    target = graph.follow(target.resource, target.resource.properties.TargetKeyId);
  }
  if (target.resource?.type === 'AWS::KMS::Key') {
    return { kind: 'key', key: target.resource };
  }
  return { kind: 'external', description: target.external ?? `${target.resource!.logicalId} (${target.resource!.type})` };
}

/**
 * A policy document of a template (a key policy, a topic or queue policy) as
 * an object whose `Statement` is a list, with each intrinsic function the
 * model can evaluate (a service principal written with `AWS::URLSuffix`, an
 * ARN) replaced by its value, so that statements can be compared with plain
 * strings. Intrinsics it cannot evaluate are left as they are.
 */
export function policyDocument(graph: ResourceGraph, from: GraphResource, value: unknown): { Statement: any[] } {
  const document = jsonProperty(value) ?? {};
  const resolve = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      return v.map(resolve);
    }
    if (!isObject(v)) {
      return v;
    }
    const keys = Object.keys(v);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      return graph.evaluate(from, v) ?? v;
    }
    return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, resolve(inner)]));
  };
  return { Statement: ([] as unknown[]).concat(document.Statement ?? []).map(resolve) };
}

const TYPE_NOUNS: Record<string, string> = {
  [QUEUE]: 'queue',
  [TOPIC]: 'topic',
  [FUNCTION]: 'function',
  'AWS::Kinesis::Stream': 'stream',
  'AWS::DynamoDB::Table': 'table',
  'AWS::Events::EventBus': 'event bus',
  'AWS::Events::Rule': 'rule',
  'AWS::KMS::Key': 'key',
  'AWS::StepFunctions::StateMachine': 'state machine',
};

/** A target for messages: `the queue Orders`, or what `follow` said of something outside the app. */
export function describeTarget(target: Target): string {
  if (target.resource) {
    return `the ${TYPE_NOUNS[target.resource.type] ?? target.resource.type} ${target.resource.logicalId}`;
  }
  return target.external;
}

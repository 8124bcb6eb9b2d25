import { SQS_POLLER_START_CONCURRENCY } from '../aws-facts';
import { describeTarget, eventSourceKind, eventSources, isResource, numberProperty, ruleTargets, subscriptions } from '../relations';
import { GraphResource, ResourceGraph } from '../resource-graph';
import { defineRule, eachResource, RuleFinding, RuleLevel } from '../rule';

/**
 * A function that consumes messages (an event source mapping, an SNS
 * subscription, an EventBridge target) whose reserved concurrency throttles
 * it: at 0 nothing is ever invoked; below what its SQS poller starts with, or
 * below the mapping's maximum concurrency, batches are throttled.
 */
export const reservedConcurrencyThrottlesConsumer = defineRule('ReservedConcurrencyThrottlesConsumer', RuleLevel.WARNING, eachResource('AWS::Lambda::Function'), {
  info: 'The reserved concurrency of a function that consumes messages throttles it.',
  explanation:
    'Reserved concurrency is both a minimum and a maximum. At 0 the function is never invoked: messages of an SQS source are received without ' +
    'being processed until they reach the dead-letter queue or expire, a stream shard stops, and asynchronous events (SNS, EventBridge) are ' +
    'dropped after up to 6 hours of retries. Above 0, an SQS event source mapping does not account for reserved concurrency: its poller starts ' +
    'with five concurrent batches and can read more messages than the function may take; each throttled batch returns to the queue and counts ' +
    'as a receive, so messages reach the dead-letter queue without ever failing. AWS advises limiting concurrency with the mapping\'s ' +
    'maximum concurrency instead, and not setting that above the reserved concurrency.',
  fix:
    'Remove the function\'s ReservedConcurrentExecutions (aws-cdk-lib: reservedConcurrentExecutions), or raise it to at least the mapping\'s ' +
    'MaximumConcurrency (at least 5 without one); to limit how fast an SQS queue is consumed, set the mapping\'s maximum concurrency ' +
    '(aws-cdk-lib: maxConcurrency).',
  sources: [
    'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html',
    'https://repost.aws/knowledge-center/lambda-sqs-scaling',
    'https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html',
  ],
  check(fn, graph): RuleFinding[] {
    const reserved = numberProperty(fn.properties.ReservedConcurrentExecutions);
    if (reserved === undefined) {
      return [];
    }
    const location = 'Properties.ReservedConcurrentExecutions';
    const uses = consumerUses(fn, graph);
    if (reserved === 0) {
      return uses.length === 0 ? [] : [{
        level: RuleLevel.ERROR,
        message: `Its reserved concurrency is 0, so it is never invoked, and it is ${uses.join(', ')}.`,
        location,
      }];
    }
    const findings: RuleFinding[] = [];
    for (const edge of eventSources(graph).filter((e) => isResource(e.function, fn) && eventSourceKind(e) === 'sqs')) {
      // With a maximum concurrency the poller invokes at most that many at once; without one it starts with five.
      const maximum = numberProperty(edge.mapping.properties.ScalingConfig?.MaximumConcurrency);
      const needed = maximum ?? SQS_POLLER_START_CONCURRENCY;
      if (reserved < needed) {
        const why = maximum !== undefined
          ? `the maximum concurrency of its SQS event source mapping ${edge.mapping.logicalId} is ${maximum}`
          : `its SQS event source mapping ${edge.mapping.logicalId} has no maximum concurrency and starts with ${SQS_POLLER_START_CONCURRENCY} concurrent batches`;
        findings.push({ message: `Its reserved concurrency is ${reserved}, and ${why}.`, location });
      }
    }
    return findings;
  },
});

/** How the function receives messages, for the message: `consumed from the queue X (mapping M)`, ... */
function consumerUses(fn: GraphResource, graph: ResourceGraph): string[] {
  return [
    ...eventSources(graph).filter((e) => isResource(e.function, fn)).map((e) => `invoked by the event source mapping ${e.mapping.logicalId}`),
    ...subscriptions(graph)
      .filter((s) => s.protocol === 'lambda' && isResource(s.endpoint, fn))
      .map((s) => `subscribed to ${describeTarget(s.topic)} (subscription ${s.resource.logicalId})`),
    ...ruleTargets(graph).filter((t) => isResource(t.target, fn)).map((t) => `a target of the rule ${t.rule.logicalId}`),
  ];
}

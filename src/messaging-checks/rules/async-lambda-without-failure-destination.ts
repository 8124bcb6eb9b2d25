import { arnService, describeTarget, keepsAsyncFailures, ruleTargets, subscriptions } from '../relations';
import { GraphResource, ResourceGraph, Target } from '../resource-graph';
import { defineRuleByType, RuleFinding, RuleLevel } from '../rule';

/**
 * A Lambda function that SNS or EventBridge invoke asynchronously, with
 * neither an on-failure destination nor a dead-letter queue: after Lambda's
 * retries the event is dropped. The subscription's or rule target's
 * dead-letter queue does not catch function errors: SNS and EventBridge only
 * hand the event to Lambda's asynchronous queue.
 */
export const asyncLambdaWithoutFailureDestination = defineRuleByType('AsyncLambdaWithoutFailureDestination', RuleLevel.ERROR, {
  'AWS::Lambda::Function': checkFunction,
  'AWS::SNS::Subscription': externalFunctions,
  'AWS::SNS::Topic': externalFunctions,
  'AWS::Events::Rule': externalFunctions,
}, {
  info: 'SNS or EventBridge invoke the function asynchronously, and it has no on-failure destination or dead-letter queue: events it fails on are dropped.',
  explanation:
    'SNS and EventBridge invoke Lambda asynchronously: their retries and dead-letter queues cover handing the event to Lambda\'s asynchronous ' +
    'queue, not the function\'s errors. When the function returns an error Lambda runs it two more times (one, then two minutes apart), and ' +
    'retries throttles and system errors for up to 6 hours; then "When an event fails all processing attempts or stays in the asynchronous ' +
    'invocation queue for too long, Lambda discards it", unless the function has an on-failure destination or a dead-letter queue.',
  fix:
    'Give the function an on-failure destination (AWS::Lambda::EventInvokeConfig DestinationConfig.OnFailure; aws-cdk-lib: onFailure: new ' +
    'destinations.SqsDestination(queue) in the function props, or fn.configureAsyncInvoke) or a dead-letter queue (deadLetterQueueEnabled / ' +
    'deadLetterQueue).',
  sources: [
    'https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html',
    'https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html',
    'https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-deadletterconfig.html',
  ],
});

function checkFunction(fn: GraphResource, graph: ResourceGraph): RuleFinding[] {
  const invokers = [
    ...subscriptions(graph)
      .filter((s) => s.protocol === 'lambda' && s.endpoint.resource === fn)
      .map((s) => (s.resource.type === 'AWS::SNS::Topic' ? `the topic ${s.resource.logicalId}` : `the subscription ${s.resource.logicalId}`)),
    ...ruleTargets(graph)
      .filter((t) => t.target.resource === fn)
      .map((t) => `the rule ${t.rule.logicalId}`),
  ];
  // Defaults of asynchronous invocation (no AWS::Lambda::EventInvokeConfig): 2 retries of a function error, events kept up to
  // 6 hours (Lambda Developer Guide, "How Lambda handles errors and retries with asynchronous invocation"); then discarded.
  if (invokers.length === 0 || keepsAsyncFailures(graph, fn)) {
    return [];
  }
  return [{
    message: `It is invoked asynchronously by ${[...new Set(invokers)].join(', ')}, and has neither an on-failure destination nor a dead-letter queue.`,
    location: 'Properties.DeadLetterConfig',
  }];
}

/** The functions outside the app that a subscription, a topic's inline subscriptions or a rule invoke: their asynchronous configuration cannot be read here. */
function externalFunctions(resource: GraphResource, graph: ResourceGraph): RuleFinding[] {
  const subscribed = subscriptions(graph)
    .filter((s) => s.resource === resource && s.protocol === 'lambda' && s.endpoint.external !== undefined)
    .map((s) => ({ target: s.endpoint, location: `${s.location}.Endpoint` }));
  const targeted = ruleTargets(graph)
    .filter((t) => t.rule === resource && isExternalFunction(t.target))
    .map((t) => ({ target: t.target, location: `${t.location}.Arn` }));
  return [...subscribed, ...targeted].map(({ target, location }) => ({
    message: `It invokes the function ${describeTarget(target)} asynchronously: could not check that it has an on-failure destination or a dead-letter queue.`,
    location,
    level: RuleLevel.INFO,
  }));
}

function isExternalFunction(target: Target): boolean {
  return arnService(target) === 'lambda';
}

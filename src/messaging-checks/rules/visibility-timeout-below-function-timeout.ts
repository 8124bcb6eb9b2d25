import { SQS_DEFAULT_VISIBILITY_TIMEOUT } from '../aws-facts';
import {
  describeSeconds,
  eventSourceKind,
  eventSources,
  lambdaConsumers,
  likelyEventSourceKind,
  numberProperty,
} from '../relations';
import { GraphResource, ResourceGraph } from '../resource-graph';
import { defineRuleByType, RuleFinding, RuleLevel } from '../rule';

/**
 * A queue read by a Lambda event source mapping whose function may run longer
 * than the queue's visibility timeout: Lambda rejects the mapping when it is
 * created or updated.
 *
 * This rule is also the one that says, once per mapping, what the SQS
 * event-source rules could not check: a queue outside the app (its visibility
 * timeout and redrive policy are unknown: VisibilityTimeoutBelowGuidance and
 * MaxReceiveCountBelowGuidance stay silent), a function outside the app (its
 * timeout is unknown), or a source that cannot be told at synth.
 */
export const visibilityTimeoutBelowFunctionTimeout = defineRuleByType('VisibilityTimeoutBelowFunctionTimeout', RuleLevel.ERROR, {
  'AWS::SQS::Queue': checkQueue,
  'AWS::Lambda::EventSourceMapping': unknowns,
}, {
  info: 'The queue\'s visibility timeout is shorter than the timeout of a function that consumes it.',
  explanation:
    'A function\'s timeout must be less than or equal to the visibility timeout of the queue its event source mapping reads. ' +
    'Lambda validates this when the mapping is created or updated and rejects it ' +
    '("Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds"), so the deployment fails. ' +
    'The check runs on the mapping only (users report that raising the function\'s timeout later is not rejected): messages then become ' +
    'visible again while the function still processes them, and are processed twice.',
  fix:
    'Raise the queue\'s VisibilityTimeout (aws-cdk-lib: visibilityTimeout on the queue) to at least six times the function\'s timeout, ' +
    'plus the mapping\'s batching window, or lower the function\'s timeout.',
  sources: [
    'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html',
    'https://github.com/github-aws-runners/terraform-aws-github-runner/issues/465',
    'https://github.com/github-aws-runners/terraform-aws-github-runner/pull/467',
  ],
});

function checkQueue(queue: GraphResource, graph: ResourceGraph): RuleFinding[] {
  const visibility = numberProperty(queue.properties.VisibilityTimeout, SQS_DEFAULT_VISIBILITY_TIMEOUT);
  if (visibility === undefined) {
    return [];
  }
  const findings: RuleFinding[] = [];
  for (const { edge, fn, timeout } of lambdaConsumers(graph, queue)) {
    if (visibility < timeout) {
      findings.push({
        message:
          `Visibility timeout ${describeSeconds(visibility)}, below the ${describeSeconds(timeout)} timeout of the function ${fn.logicalId}, ` +
          `which the event source mapping ${edge.mapping.logicalId} invokes: Lambda rejects the mapping.`,
        location: 'Properties.VisibilityTimeout',
      });
    }
  }
  return findings;
}

/** What the SQS event-source rules could not check on a mapping: one note, from this rule only. */
function unknowns(mapping: GraphResource, graph: ResourceGraph): RuleFinding[] {
  const edge = eventSources(graph).find((e) => e.mapping === mapping);
  if (!edge) {
    return [];
  }
  const kind = eventSourceKind(edge);
  if (kind === undefined && likelyEventSourceKind(mapping) === 'sqs') {
    return [{
      level: RuleLevel.INFO,
      message:
        `Could not tell what the mapping reads (${edge.source.external}): if it is an SQS queue, its visibility timeout against the function's timeout, ` +
        'its maxReceiveCount, the batch settings and partial batch responses were not checked.',
      location: 'Properties.EventSourceArn',
    }];
  }
  if (kind !== 'sqs') {
    return [];
  }
  if (edge.source.external !== undefined) {
    const fn = edge.function.resource ? `the function ${edge.function.resource.logicalId}'s timeout` : 'the function\'s timeout';
    return [{
      level: RuleLevel.INFO,
      message: `Could not check the visibility timeout of the queue against ${fn} nor its maxReceiveCount: the queue is ${edge.source.external}.`,
      location: 'Properties.EventSourceArn',
    }];
  }
  if (edge.function.external !== undefined) {
    return [{
      level: RuleLevel.INFO,
      message: `Could not check the visibility timeout of the queue ${edge.source.resource!.logicalId} against the function's timeout: the function is ${edge.function.external}.`,
      location: 'Properties.FunctionName',
    }];
  }
  return [];
}

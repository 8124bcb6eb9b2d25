import { describeTarget } from '../relations';
import { defineRule, eachEventSource, RuleFinding, RuleLevel } from '../rule';

/**
 * An SQS event source mapping with filter criteria: every message that
 * matches none of the filters is deleted from the queue by Lambda, without an
 * invocation, a receive counted toward the redrive policy, or a trace in the
 * dead-letter queue.
 */
export const sqsEventSourceFiltersDeleteMessages = defineRule('SqsEventSourceFiltersDeleteMessages', RuleLevel.WARNING, eachEventSource('sqs'), {
  info: 'The SQS event source mapping has filter criteria: Lambda deletes from the queue every message that matches none of them.',
  explanation:
    'For an SQS source, a message that does not satisfy the filter criteria is removed from the queue by Lambda: it is never given to the ' +
    'function, never counts a receive toward maxReceiveCount, and never reaches the dead-letter queue. A filter on fields of body also drops ' +
    'every message whose body is not valid JSON, and a filter of plain values on body drops every message whose body is JSON. Filtering suits ' +
    'a queue that only this consumer reads and whose other messages are meant to be discarded; otherwise route messages before they reach the ' +
    'queue (an SNS filter policy, an EventBridge rule), where a message that matches nothing stays with its sender.',
  fix:
    'Remove the mapping\'s FilterCriteria and route messages upstream, or keep the filters deliberately: test them offline ' +
    '(SqsEventFilterMatcher, or QueueWithDlq.matchesConsumerFilters), and count what they remove with the mapping\'s MetricsConfig ' +
    'EventCount (FilteredOutEventCount). Acknowledge this warning on the mapping once the choice is made.',
  sources: [
    'https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html',
  ],
  check(edge): RuleFinding[] {
    const filters = edge.mapping.properties.FilterCriteria?.Filters;
    if (!Array.isArray(filters) || filters.length === 0) {
      return [];
    }
    return [{
      message: `It filters the messages of ${describeTarget(edge.source)} with ${filters.length} filter${filters.length === 1 ? '' : 's'}: ` +
        'the messages that match none are deleted from the queue.',
      location: 'Properties.FilterCriteria',
    }];
  },
});

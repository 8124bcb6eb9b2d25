import { Duration, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { check } from './helpers';
import { QueueWithDlq } from '../../src';
import { userFunction } from '../helpers/nag';

/** The rule ids the construct acknowledges, read from its metadata. */
function acknowledged(construct: QueueWithDlq): string[] {
  return construct.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.keys(m.data as object));
}

// The construct acknowledges the pack's guidance warnings only when the user chose the value, and warns itself instead.
describe('QueueWithDlq and the guidance warnings of MessagingChecks', () => {
  test('a visibility timeout chosen below 6 x the consumer timeout: acknowledged on the construct, no finding', () => {
    let queue!: QueueWithDlq;
    const findings = check((stack) => {
      queue = new QueueWithDlq(stack, 'Orders', { visibilityTimeout: Duration.seconds(20), consumer: userFunction(stack, 'Fn', Duration.seconds(10)) });
    });
    expect(acknowledged(queue).join()).toContain('MessagingChecks-VisibilityTimeoutBelowGuidance');
    expect(findings).toEqual([]);
  });

  test('a maxReceiveCount chosen below 5 with a consumer: acknowledged on the construct, no finding', () => {
    let queue!: QueueWithDlq;
    const findings = check((stack) => {
      queue = new QueueWithDlq(stack, 'Orders', { maxReceiveCount: 3, consumer: userFunction(stack, 'Fn', Duration.seconds(10)) });
    });
    expect(acknowledged(queue).join()).toContain('MessagingChecks-MaxReceiveCountBelowGuidance');
    expect(findings).toEqual([]);
  });

  test('partial batch responses turned off: acknowledged on the event source mapping, no finding', () => {
    let queue!: QueueWithDlq;
    const findings = check((stack) => {
      queue = new QueueWithDlq(stack, 'Orders', {
        consumer: userFunction(stack, 'Fn', Duration.seconds(10)),
        consumerOptions: { reportBatchItemFailures: false },
      });
    });
    const onMapping = queue.eventSourceMapping!.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.keys(m.data as object));
    expect(onMapping.join()).toContain('MessagingChecks-SqsEventSourceWithoutPartialBatchResponse');
    expect(findings).toEqual([]);
  });

  test('event filters on the consumer: acknowledged on the event source mapping, no finding', () => {
    let queue!: QueueWithDlq;
    const findings = check((stack) => {
      queue = new QueueWithDlq(stack, 'Orders', {
        consumer: userFunction(stack, 'Fn', Duration.seconds(10)),
        consumerOptions: { filters: [lambda.FilterCriteria.filter({ body: { type: lambda.FilterRule.isEqual('order') } })] },
      });
    });
    const onMapping = queue.eventSourceMapping!.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.keys(m.data as object));
    expect(onMapping.join()).toContain('MessagingChecks-SqsEventSourceFiltersDeleteMessages');
    expect(findings).toEqual([]);
  });

  test('with the defaults nothing is acknowledged, and there is no finding', () => {
    let queue!: QueueWithDlq;
    const findings = check((stack) => {
      queue = new QueueWithDlq(stack, 'Orders', { consumer: userFunction(stack, 'Fn', Duration.seconds(10)) });
    });
    expect(acknowledged(queue).filter((id) => id.includes('MessagingChecks'))).toEqual([]);
    expect(findings).toEqual([]);
  });
});

import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Compliance-pack rules that this library acknowledges, each with the reason
 * written once. An acknowledgement is recorded on the construct it concerns
 * (never on a whole stack) so that every other finding still surfaces.
 */
export const ACKNOWLEDGEMENTS = {
  /** A dead-letter queue has no dead-letter queue of its own. */
  deadLetterQueueHasNoDlq: {
    ids: ['Serverless-SQSRedrivePolicy'],
    reason:
      'This queue is itself the dead-letter queue of its source; a dead-letter queue for it would only move the same messages again. It is alarmed on its depth instead.',
  },
  /** An SQS event source mapping: SQS sources take no on-failure destination. */
  sqsEventSourceMapping: {
    ids: ['Serverless-LambdaEventSourceMappingDestination'],
    reason:
      'Lambda does not support on-failure destinations for SQS event sources; a message that keeps failing is moved to the queue\'s dead-letter queue by its redrive policy instead.',
  },
  /** An alarm created without an action because the user gave none. */
  alarmWithoutAction: {
    ids: ['HIPAA.Security-CloudWatchAlarmAction', 'NIST.800.53.R5-CloudWatchAlarmAction'],
    reason:
      'No alarmAction was given, so the alarm has no action; its state is still visible in CloudWatch and it can be wired later through the exposed alarm or the alarmAction prop.',
  },
} as const;

/** Acknowledges the rules of one entry of {@link ACKNOWLEDGEMENTS} on `scope`. */
export function acknowledge(scope: IConstruct, entry: { readonly ids: readonly string[]; readonly reason: string }): void {
  Validations.of(scope).acknowledge(...entry.ids.map((id) => ({ id, reason: entry.reason })));
}

/**
 * The metrics the default projector writes in its log line (CloudWatch embedded metric format, see
 * `log.ts`), by `FunctionName`. A module of constants only, so that the construct can name the
 * metrics it alarms on without loading the projector's runtime.
 *
 * @module
 */

/** Namespace of the projector's metrics. */
export const PROJECTOR_METRICS_NAMESPACE = 'CdkMessagePatterns/Projector';

/** The projector's metrics, by name; each is written on every batch, zero included. */
export const PROJECTOR_METRICS = {
  /** Records parked as conflicts: same entity and version as a projected event, different content. */
  conflictingEvents: 'ConflictingEvents',
  /** Records parked in the failure queue, whatever the reason. */
  parkedRecords: 'ParkedRecords',
} as const;

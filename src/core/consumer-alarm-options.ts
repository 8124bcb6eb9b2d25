/**
 * Which health alarms a Lambda function gets when the library wires it to a
 * source (a queue, a topic subscription, a route). A failing or throttled
 * consumer is then noticed when it starts failing, not once messages have
 * piled up in a dead-letter queue.
 *
 * Each alarm costs $0.10 a month (a standard-resolution alarm on one metric).
 * A function wired to several sources gets each alarm once.
 */
export interface ConsumerAlarmOptions {
  /**
   * Whether to alarm when the function reports errors: the sum of its
   * `AWS/Lambda` `Errors` over 5 minutes is above 0 (an exception thrown by
   * the code, a timeout, or the runtime running out of memory).
   *
   * @default true
   */
  readonly errorsAlarm?: boolean;

  /**
   * Whether to alarm when invocations of the function are throttled: the sum
   * of its `AWS/Lambda` `Throttles` over 5 minutes is above 0 (no concurrency
   * left, or the function's reserved concurrency reached).
   *
   * @default true
   */
  readonly throttlesAlarm?: boolean;
}

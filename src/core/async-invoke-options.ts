import { Duration } from 'aws-cdk-lib';

/**
 * How a Lambda function that SNS or EventBridge invokes asynchronously keeps
 * the events it fails on. Lambda retries a failed asynchronous invocation
 * (twice by default), then drops the event unless the function has an
 * on-failure destination or a dead-letter queue
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
 */
export interface AsyncInvokeOptions {
  /**
   * Whether to give the function an on-failure destination: an SQS queue,
   * alarmed, that receives every event Lambda gives up on (with the request,
   * the response and the error). Skipped for a function that already has an
   * asynchronous invocation configuration or a dead-letter queue of its own.
   *
   * @default true
   */
  readonly failureDestination?: boolean;

  /**
   * How many times Lambda retries a failed asynchronous invocation, 0 to 2.
   *
   * @default 2
   */
  readonly retryAttempts?: number;

  /**
   * How long Lambda keeps an event for asynchronous invocation before sending
   * it to the on-failure destination, 60 seconds to 6 hours.
   *
   * @default Duration.hours(6)
   */
  readonly maxEventAge?: Duration;
}

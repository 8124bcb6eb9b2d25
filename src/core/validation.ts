import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { MessagePatternsError } from './errors';
import { withoutFifoSuffix } from './queue-facts';

/**
 * Collects the rule violations of one construct's props and throws them
 * together, so that a user sees every problem of a synth in one go.
 *
 * Every check skips unresolved tokens: a value only known at deploy time is
 * never rejected at synth.
 */
export class PropsValidator {
  private readonly violations: string[] = [];

  constructor(private readonly scope: IConstruct) {}

  /** Records `message` when `failed` is true. */
  public fail(failed: boolean, message: string): void {
    if (failed) {
      this.violations.push(message);
    }
  }

  /** `value` must be an integer within [min, max]. */
  public integerInRange(prop: string, value: number | undefined, min: number, max: number): void {
    if (value === undefined || Token.isUnresolved(value)) {
      return;
    }
    this.fail(
      !Number.isInteger(value) || value < min || value > max,
      `${prop} must be an integer between ${min} and ${max}, got ${value}`,
    );
  }

  /** `value` must lie within [min, max], compared in seconds. */
  public durationInRange(prop: string, value: Duration | undefined, min: Duration, max: Duration): void {
    if (value === undefined || value.isUnresolved()) {
      return;
    }
    const seconds = durationSeconds(value);
    this.fail(
      seconds < min.toSeconds() || seconds > max.toSeconds(),
      `${prop} must be between ${describe(min)} and ${describe(max)}, got ${describe(value)}`,
    );
  }

  /** `value` must be a whole number of seconds (the APIs that take a duration in seconds take an integer). */
  public wholeSeconds(prop: string, value: Duration | undefined): void {
    if (value === undefined || value.isUnresolved()) {
      return;
    }
    this.fail(!Number.isInteger(durationSeconds(value)), `${prop} must be a whole number of seconds, got ${describe(value)}`);
  }

  /** `name` must be a valid SQS queue name (FIFO names end in `.fifo`). */
  public queueName(prop: string, name: string | undefined): void {
    if (name === undefined || Token.isUnresolved(name)) {
      return;
    }
    const base = withoutFifoSuffix(name);
    this.fail(
      !/^[A-Za-z0-9_-]+$/.test(base) || name.length > 80,
      `${prop} must be 1 to 80 characters of letters, digits, '-' and '_' (with '.fifo' at the end for FIFO queues), got '${name}'`,
    );
  }

  /**
   * Props that configure a resource the construct would create cannot be set
   * when the user brings that resource (`brought`, a prop): each set one is
   * reported, saying where to configure it instead.
   */
  public notWithBrought(brought: string, resource: string, props: { readonly [prop: string]: unknown }): void {
    for (const [prop, value] of Object.entries(props)) {
      this.fail(value !== undefined, `${prop} cannot be set together with ${brought}: configure the ${resource} you bring where you create it`);
    }
  }

  /** Throws a {@link MessagePatternsError} listing every recorded violation. */
  public throwIfInvalid(): void {
    if (this.violations.length > 0) {
      throw new MessagePatternsError(this.scope.node.path, this.violations);
    }
  }
}

/**
 * The length of a duration in seconds, without the integral check that
 * `Duration.toSeconds()` makes for durations given in milliseconds.
 */
export function durationSeconds(value: Duration): number {
  return value.toMilliseconds() / 1000;
}

/** A duration in words, for error messages: `14 days`, `90 seconds`. */
export function describe(value: Duration): string {
  return value.isUnresolved() ? '<token>' : value.toHumanString();
}

/** True when every given duration is known at synth time. */
export function resolved(...values: (Duration | undefined)[]): boolean {
  return values.every((v) => v !== undefined && !v.isUnresolved());
}

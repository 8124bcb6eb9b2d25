/**
 * The error every construct of this library throws for invalid props.
 *
 * The message always names the construct path, the prop and the bad value, so
 * that a failed `cdk synth` says what to change. It is kept out of the jsii API
 * (jsii cannot translate subclasses of `Error`); test for it by name or message.
 */
export class MessagePatternsError extends Error {
  /** Every rule that failed, one message each. */
  public readonly violations: string[];

  constructor(constructPath: string, violations: string[]) {
    super(
      violations.length === 1
        ? `${constructPath}: ${violations[0]}`
        : `${constructPath}: ${violations.length} invalid props:\n- ${violations.join('\n- ')}`,
    );
    this.name = 'MessagePatternsError';
    this.violations = violations;
  }
}

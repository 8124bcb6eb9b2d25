import { describeInvokedFunction, EventSourceEdge } from './relations';
import { RuleFinding } from './rule';

/** A setting that an event source mapping should have, held by one of its properties. */
export interface MappingSetting {
  /** The property of `AWS::Lambda::EventSourceMapping` that holds it. */
  readonly property: string;
  /** The setting as findings name it: `FunctionResponseTypes ReportBatchItemFailures`. */
  readonly name: string;
  /** Whether a value of the property holds the setting, or may: a value only known at deployment (a token) is not judged. */
  mayHold(value: unknown): boolean;
}

/**
 * The finding on a mapping without the setting (the property absent, or a
 * value that does not hold it), naming the function it invokes and the
 * `input` it invokes it with (`batches of the queue Orders`); none when it has it.
 */
export function missingSetting(edge: EventSourceEdge, setting: MappingSetting, input: string): RuleFinding[] {
  const value = edge.mapping.properties[setting.property];
  if (value !== undefined && setting.mayHold(value)) {
    return [];
  }
  return [{ message: `It has no ${setting.name}; it invokes ${describeInvokedFunction(edge)} with ${input}.`, location: `Properties.${setting.property}` }];
}

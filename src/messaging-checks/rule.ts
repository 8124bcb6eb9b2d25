import { GraphResource, ResourceGraph } from './resource-graph';

/**
 * How serious a finding is. Errors are messages lost or a deployment that
 * fails, and fail the synth; warnings are AWS guidance; notes say what a rule
 * could not check (a resource outside the app).
 */
export enum RuleLevel {
  ERROR = 'error',
  WARNING = 'warning',
  INFO = 'info',
}

/** One thing a rule found on one resource. */
export interface RuleFinding {
  /** What is wrong with this resource, in a sentence that names the other resources involved. */
  readonly message: string;
  /** The property of the resource concerned, for example `Properties.RedrivePolicy`. */
  readonly location?: string;
  /** Set to {@link RuleLevel.INFO} when the rule could not judge (for example, the queue is imported). */
  readonly level?: RuleLevel;
}

/**
 * A check of MessagingChecks. Each rule lives in its own file under `rules/`,
 * states the AWS behaviour it relies on with its source, and how to fix what
 * it finds.
 */
export interface MessagingRule {
  /** The rule's id, without the pack's prefix. */
  readonly id: string;
  readonly level: RuleLevel;
  /** One line: what is wrong. */
  readonly info: string;
  /** The AWS behaviour behind the rule, with the consequence. */
  readonly explanation: string;
  /** What to change. */
  readonly fix: string;
  /** Where the behaviour is documented or was observed. */
  readonly sources: readonly string[];
  /** The CloudFormation resource types the rule looks at. */
  readonly resourceTypes: readonly string[];
  /** The findings on one resource of those types; empty when it complies. */
  check(resource: GraphResource, graph: ResourceGraph): RuleFinding[];
}

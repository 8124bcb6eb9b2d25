import { EventSourceEdge, EventSourceKind, eventSourceKind, eventSources, RuleTargetEdge, ruleTargets, SubscriptionEdge, subscriptionsOf } from './relations';
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

/** What the docs page and verbose findings say of a rule. */
export interface RuleDoc {
  /** One line: what is wrong. */
  readonly info: string;
  /** The AWS behaviour behind the rule, with the consequence. */
  readonly explanation: string;
  /** What to change. */
  readonly fix: string;
  /** Where the behaviour is documented or was observed. */
  readonly sources: readonly string[];
}

/**
 * A check of MessagingChecks. Each rule lives in its own file under `rules/`,
 * declared with {@link defineRule} (or {@link defineRuleByType}): its id and
 * level, what it judges, the AWS behaviour it relies on with its sources, how
 * to fix what it finds, and its check.
 */
export interface MessagingRule extends RuleDoc {
  /** The rule's id, without the pack's prefix. */
  readonly id: string;
  readonly level: RuleLevel;
  /** The CloudFormation resource types the rule looks at. */
  readonly resourceTypes: readonly string[];
  /** The findings on one resource of those types; empty when it complies. */
  check(resource: GraphResource, graph: ResourceGraph): RuleFinding[];
}

/**
 * What a rule judges: the resources of some CloudFormation types, or the
 * edges those resources hold (each subscription of a topic, each target of a
 * rule, the event source of a mapping).
 */
export interface RuleSubject<T> {
  /** The CloudFormation resource types the rule looks at. */
  readonly resourceTypes: readonly string[];
  /** What is judged on one resource of those types. */
  subjectsOf(resource: GraphResource, graph: ResourceGraph): T[];
}

/** The rule's documentation, and its check of one subject. */
export interface RuleDefinition<T> extends RuleDoc {
  /** The findings on one subject; empty when it complies. */
  check(subject: T, graph: ResourceGraph): RuleFinding[];
}

/**
 * A rule: its id and level, what it judges, and its documentation and check.
 * The check runs on each subject of a resource, in order.
 */
export function defineRule<T>(id: string, level: RuleLevel, subject: RuleSubject<T>, definition: RuleDefinition<T>): MessagingRule {
  const { info, explanation, fix, sources } = definition;
  return {
    id,
    level,
    info,
    explanation,
    fix,
    sources,
    resourceTypes: subject.resourceTypes,
    check: (resource, graph) => subject.subjectsOf(resource, graph).flatMap((s) => definition.check(s, graph)),
  };
}

/** Each resource of the given types, judged as a whole. */
export function eachResource(...resourceTypes: string[]): RuleSubject<GraphResource> {
  return { resourceTypes, subjectsOf: (resource) => [resource] };
}

/** Each SNS subscription: an `AWS::SNS::Subscription`, or each inline subscription of an `AWS::SNS::Topic`. */
export function eachSubscription(): RuleSubject<SubscriptionEdge> {
  return { resourceTypes: ['AWS::SNS::Subscription', 'AWS::SNS::Topic'], subjectsOf: (resource, graph) => subscriptionsOf(graph, resource) };
}

/** Each target of an EventBridge rule, in the order of its `Targets`. */
export function eachRuleTarget(): RuleSubject<RuleTargetEdge> {
  return { resourceTypes: ['AWS::Events::Rule'], subjectsOf: (rule, graph) => ruleTargets(graph).filter((t) => t.rule === rule) };
}

/**
 * The event source of each Lambda event source mapping; with `kind`, only
 * the mappings known to read that kind of source (see {@link eventSourceKind}).
 */
export function eachEventSource(kind?: EventSourceKind): RuleSubject<EventSourceEdge> {
  return {
    resourceTypes: ['AWS::Lambda::EventSourceMapping'],
    subjectsOf: (mapping, graph) => eventSources(graph).filter((e) => e.mapping === mapping && (kind === undefined || eventSourceKind(e) === kind)),
  };
}

/** The findings on one resource. */
export type ResourceCheck = (resource: GraphResource, graph: ResourceGraph) => RuleFinding[];

/**
 * A rule that checks each type of resource it looks at in its own way:
 * `checks` maps each type, in the order the docs list them, to its check.
 */
export function defineRuleByType(id: string, level: RuleLevel, checks: Record<string, ResourceCheck>, doc: RuleDoc): MessagingRule {
  return defineRule(id, level, eachResource(...Object.keys(checks)), { ...doc, check: (resource, graph) => checks[resource.type](resource, graph) });
}

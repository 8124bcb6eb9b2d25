import * as fs from 'fs';
import * as path from 'path';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { GraphResource, ResourceGraph } from './resource-graph';
import { MessagingRule, RuleFinding, RuleLevel } from './rule';
import { MESSAGING_RULES } from './rule-list';

/** Options of {@link MessagingChecks}. */
export interface MessagingChecksProps {
  /**
   * Adds each rule's explanation (the AWS behaviour behind it) and its sources
   * to the description of every finding.
   *
   * @default false
   */
  readonly verbose?: boolean;
}

/** The pack's name, and the prefix of its rule ids (`MessagingChecks-QueueConsumedWithoutDlq`). */
const PACK_NAME = 'MessagingChecks';

/**
 * A validation pack that finds the ways messages get lost, or a deployment
 * fails, in any CDK app: queues, subscriptions and rule targets without a
 * dead-letter queue, asynchronous Lambda endpoints without a failure
 * destination, stream event sources that retry forever, alarms that can never
 * fire or never notify, and settings AWS rejects.
 *
 * It reads the synthesized templates of the whole app (a subscription together
 * with the queue it delivers to, an alarm together with the rule its dimension
 * names), so it judges what CloudFormation deploys. What it cannot judge (a
 * resource imported from outside the app) is reported as `info`.
 *
 * Register it as cdk-nag packs are registered:
 * `Validations.of(app).addPlugins(new MessagingChecks(app))`. Errors fail the
 * synth; warnings and notes are printed and written to the validation report
 * (`cdk synth --strict` makes warnings fail too). Acknowledge a finding on the
 * construct it concerns with
 * `Validations.of(construct).acknowledge({ id: 'MessagingChecks-<Rule>', reason })`
 * (the form the report suggests, `MessagingChecks::MessagingChecks-<Rule>`, works too).
 */
export class MessagingChecks implements IPolicyValidationPlugin {
  /** The pack's name in validation reports, and the prefix of its rule ids. */
  public readonly name = PACK_NAME;
  /** The version of cdk-message-patterns. */
  public readonly version?: string;
  /** The ids of every rule of the pack. */
  public readonly ruleIds?: string[];
  private readonly scope?: IConstruct;
  private readonly verbose: boolean;

  /**
   * @param scope the app checked, used when the validation context does not carry the construct tree (aws-cdk-lib before it did)
   * @param props options
   */
  constructor(scope?: IConstruct, props: MessagingChecksProps = {}) {
    this.scope = scope;
    this.verbose = props.verbose ?? false;
    this.ruleIds = MESSAGING_RULES.map((rule) => ruleName(rule));
    this.version = packageVersion();
  }

  /** Called by the CDK after synthesis with the templates of the app. */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const root = (context as Partial<IPolicyValidationContext>).appConstruct ?? this.scope;
    if (!root) {
      throw new Error('MessagingChecks needs the construct tree: pass the app to its constructor (new MessagingChecks(app))');
    }
    const graph = ResourceGraph.fromTemplates(root.node.root, context.templatePaths);
    const violations = new Map<string, PolicyViolation & { violatingResources: PolicyViolation['violatingResources'][number][] }>();
    for (const rule of MESSAGING_RULES) {
      for (const resource of graph.resources.filter((r) => rule.resourceTypes.includes(r.type))) {
        for (const finding of checkSafely(rule, resource, graph)) {
          if (isAcknowledged(resource, ruleName(rule))) {
            continue;
          }
          const severity = finding.level ?? rule.level;
          const groupKey = `${ruleName(rule)}\u0000${severity}\u0000${finding.message}`;
          const violation = violations.get(groupKey) ?? {
            ruleName: ruleName(rule),
            description: this.describe(rule, finding.message, severity),
            // A note says what could not be checked: there is nothing to fix yet.
            fix: severity === RuleLevel.INFO ? undefined : rule.fix,
            severity,
            violatingResources: [],
          };
          violation.violatingResources.push(violatingResource(resource, finding.location));
          violations.set(groupKey, violation);
        }
      }
    }
    const all = [...violations.values()];
    return { success: all.every((v) => v.severity !== RuleLevel.ERROR), violations: all };
  }

  private describe(rule: MessagingRule, message: string, severity: string): string {
    // A note is not the finding the rule's one line states: it says what the rule could not judge.
    const summary = severity === RuleLevel.INFO ? `Not checked: ${message}` : `${rule.info} ${message}`;
    return this.verbose ? `${summary} ${rule.explanation} Sources: ${rule.sources.join(' ; ')}` : summary;
  }
}

/**
 * The rule's findings on one resource. A rule that fails on a template shape
 * it did not expect reports that as a warning on the resource, instead of
 * failing the validation of the whole app.
 */
function checkSafely(rule: MessagingRule, resource: GraphResource, graph: ResourceGraph): RuleFinding[] {
  try {
    return rule.check(resource, graph);
  } catch (e) {
    return [{ message: `The rule could not check this resource (${(e as Error).message}).`, level: RuleLevel.WARNING }];
  }
}

/** The id users acknowledge: the pack's name, a dash, the rule's id (as cdk-nag's packs name theirs). */
export function ruleName(rule: MessagingRule): string {
  return `${PACK_NAME}-${rule.id}`;
}

function violatingResource(resource: GraphResource, location?: string): PolicyViolation['violatingResources'][number] {
  const locations = [location ?? 'Properties'];
  return resource.construct
    ? { constructPath: resource.construct.node.path, locations }
    : { resourceLogicalId: resource.logicalId, templatePath: resource.templatePath, locations };
}

/**
 * Whether `Validations.of(c).acknowledge({ id })` names the rule on the
 * resource's construct or one of its scopes. The CDK stores ids without a
 * known prefix as `Annotation::<id>` (`annotation::` before aws-cdk-lib
 * 2.262.1); `MessagingChecks::<id>` is accepted too.
 */
function isAcknowledged(resource: GraphResource, id: string): boolean {
  for (let c: IConstruct | undefined = resource.construct; c; c = c.node.scope) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) {
        continue;
      }
      const ids = Object.keys(entry.data as object).map(normalizeAcknowledgedId);
      if (ids.includes(id)) {
        return true;
      }
    }
  }
  return false;
}

/** `Annotation::X` and `MessagingChecks::X` name the rule X; `MessagingChecks::Rule` names `MessagingChecks-Rule`. */
function normalizeAcknowledgedId(id: string): string {
  const bare = id.replace(/^annotation::/i, '');
  if (!bare.startsWith(`${PACK_NAME}::`)) {
    return bare;
  }
  const rest = bare.slice(PACK_NAME.length + 2);
  return rest.startsWith(`${PACK_NAME}-`) ? rest : `${PACK_NAME}-${rest}`;
}

function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
  } catch {
    return '0.0.0';
  }
}

/**
 * The validation packs the synth benchmark can register on an app before it
 * synthesizes, to measure what each adds to `app.synth()`:
 *
 * - `MessagingChecks`: this library's pack, from the compiled library (lib/);
 * - `AwsSolutions`: cdk-nag's `AwsSolutionsChecks`, the reference.
 *
 * Each is registered as users register it,
 * `Validations.of(app).addPlugins(new Pack(app))`, behind a thin wrapper that
 * times the pack's `validate()` and counts what it reports. The CDK
 * applies acknowledgements after `validate()`; the apps benchmarked
 * acknowledge nothing, so the count is what a user of such an app sees.
 */
import { performance } from 'perf_hooks';
import type { App, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { library } from './patterns';

export const PACKS = ['MessagingChecks', 'AwsSolutions'] as const;
export type PackName = typeof PACKS[number];

/** What one pack did during one synth. */
export interface PackResult {
  readonly pack: PackName;
  readonly version?: string;
  /** The number of rules the pack declares (`ruleIds`), when it declares them. */
  readonly ruleCount?: number;
  /** Time spent in the pack's `validate()`, in milliseconds (part of `appSynthMs`). */
  validateMs: number;
  /** Violating resources reported, one per rule and resource (any severity, notes included), and of these errors and warnings. */
  findings: number;
  errors: number;
  warnings: number;
  /** The rules that reported something, with their number of violating resources. */
  rules: Record<string, number>;
  /** Why `validate()` threw, if it did (the CDK then reports the plugin as failed). */
  crashed?: string;
}

/** A new instance of a pack, for `app`. */
async function createPack(app: App, pack: PackName): Promise<IPolicyValidationPlugin> {
  switch (pack) {
    case 'MessagingChecks': {
      const { MessagingChecks } = await library();
      return new MessagingChecks(app);
    }
    case 'AwsSolutions': {
      const { AwsSolutionsChecks } = await import('cdk-nag');
      return new AwsSolutionsChecks(app);
    }
  }
}

/** Counts the violating resources of a report into `result`. */
function countFindings(report: PolicyValidationPluginReport, result: PackResult): void {
  for (const violation of report.violations) {
    const resources = violation.violatingResources.length;
    result.findings += resources;
    if (violation.severity === 'error' || violation.severity === 'fatal') {
      result.errors += resources;
    } else if (violation.severity === 'warning') {
      result.warnings += resources;
    }
    result.rules[violation.ruleName] = (result.rules[violation.ruleName] ?? 0) + resources;
  }
}

/** The pack as the CDK sees it (same name, version and rules), timing and counting its `validate()`. */
function recorded(plugin: IPolicyValidationPlugin, result: PackResult): IPolicyValidationPlugin {
  return {
    name: plugin.name,
    version: plugin.version,
    ruleIds: plugin.ruleIds,
    validate: (context: IPolicyValidationContext) => {
      const started = performance.now();
      try {
        const report = plugin.validate(context);
        countFindings(report, result);
        return report;
      } catch (error) {
        result.crashed = String(error);
        throw error;
      } finally {
        result.validateMs += performance.now() - started;
      }
    },
  };
}

/**
 * Registers `packs` on `app` (loading their modules now, so that the load is
 * not counted in `app.synth()`) and returns what each will record.
 */
export async function addPacks(app: App, packs: readonly PackName[]): Promise<PackResult[]> {
  const { Validations } = await import('aws-cdk-lib');
  const results: PackResult[] = [];
  for (const pack of packs) {
    const plugin = await createPack(app, pack);
    const result: PackResult = {
      pack, version: plugin.version, ruleCount: plugin.ruleIds?.length, validateMs: 0, findings: 0, errors: 0, warnings: 0, rules: {},
    };
    Validations.of(app).addPlugins(recorded(plugin, result));
    results.push(result);
  }
  return results;
}

/** `MessagingChecks,AwsSolutions` → the pack names, checked. */
export function parsePacks(list: string): PackName[] {
  const names = list.split(',').filter((name) => name !== '');
  for (const name of names) {
    if (!(PACKS as readonly string[]).includes(name)) {
      throw new Error(`unknown pack ${name}; one of ${PACKS.join(', ')}`);
    }
  }
  return names as PackName[];
}

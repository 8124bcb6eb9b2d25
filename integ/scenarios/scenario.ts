/**
 * What every example scenario shares: the context it runs in and the report
 * it prints (the demo prints it; the suite prints it and asserts on the data).
 */
import { GapReport } from '../gaps/runner';
import { AwsClients } from '../harness/aws';
import { ProgressLog } from '../harness/cdk';
import { DeployedStack } from '../harness/stack';

export interface ScenarioContext {
  readonly clients: AwsClients;
  readonly gaps: Partial<GapReport>;
  readonly stacks: DeployedStack[];
  readonly log: ProgressLog;
  /** Distinguishes this run's messages (in bodies and ids). */
  readonly runTag: string;
}

/** A short readable report of one pattern's run. */
export interface PatternReport {
  readonly example: string;
  readonly pattern: string;
  readonly lines: string[];
}

export function formatReport(report: PatternReport): string {
  return [`── ${report.example}: ${report.pattern}`, ...report.lines.map((l) => `   ${l}`)].join('\n');
}

/** The one stack of an example that has one. */
export function onlyStack(stacks: DeployedStack[]): DeployedStack {
  if (stacks.length !== 1) {
    throw new Error(`expected one stack, found ${stacks.map((s) => s.stackName).join(', ') || 'none'}`);
  }
  return stacks[0];
}

/** The logical id an intrinsic value points at ({Ref: id} or {Fn::GetAtt: [id, ...]}), if any. */
export function referencedLogicalId(value: any): string | undefined {
  if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') {
      return value.Ref;
    }
    if (Array.isArray(value['Fn::GetAtt'])) {
      return value['Fn::GetAtt'][0];
    }
  }
  return undefined;
}

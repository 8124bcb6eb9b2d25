/**
 * CloudFormation does not support AWS::Events::Archive: a stack with an
 * archive fails and rolls back. Shimmed by removing the archives from the
 * templates before `cdk deploy`.
 */
import * as fs from 'fs';
import { StackStatus } from '@aws-sdk/client-cloudformation';
import { defineGap } from './gap';
import { deployProbeStack } from './probes';
import { assemblyStacks } from '../harness/cdk';

/** Removes the archive `id` from a template, with the DependsOn entries and the outputs that name it. */
function removeResource(template: any, id: string): void {
  delete template.Resources[id];
  for (const resource of Object.values<any>(template.Resources)) {
    if (Array.isArray(resource.DependsOn)) {
      resource.DependsOn = resource.DependsOn.filter((d: string) => d !== id);
    } else if (resource.DependsOn === id) {
      delete resource.DependsOn;
    }
  }
  for (const [outputId, output] of Object.entries<any>(template.Outputs ?? {})) {
    if (JSON.stringify(output).includes(`"${id}"`)) {
      delete template.Outputs[outputId];
    }
  }
}

export const CFN_EVENTS_ARCHIVE = defineGap({
  id: 'cfn-events-archive',
  summary: 'CloudFormation does not support AWS::Events::Archive: a stack with an archive fails and rolls back.',
  source: 'AWS CloudFormation Template Reference, AWS::Events::Archive '
    + '(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-archive.html)',
  probe: 'Creates a stack with an event bus and an archive of it.',
  handling: 'shim',
  whenPresent: 'Removes the AWS::Events::Archive resources from the synthesized templates before `cdk deploy` (printed per stack); checks of the archive are skipped with this reason.',
  async detect(clients) {
    const suffix = Date.now().toString(36);
    const result = await deployProbeStack(clients, `Archive${suffix}`, {
      Resources: {
        Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: `integ-probe-archive-${suffix}` } },
        Archive: { Type: 'AWS::Events::Archive', Properties: { SourceArn: { 'Fn::GetAtt': ['Bus', 'Arn'] }, RetentionDays: 1 } },
      },
    });
    return {
      present: result.status !== StackStatus.CREATE_COMPLETE,
      detail: `probe stack ${result.status}${result.reasons.length ? `: ${result.reasons.join('; ')}` : ''}`,
    };
  },
  shim: {
    template(assemblyDir) {
      const applied: string[] = [];
      for (const stack of assemblyStacks(assemblyDir)) {
        const template = JSON.parse(fs.readFileSync(stack.templateFile, 'utf8'));
        const archives = Object.keys(template.Resources ?? {}).filter((id) => template.Resources[id].Type === 'AWS::Events::Archive');
        if (archives.length === 0) {
          continue;
        }
        for (const id of archives) {
          removeResource(template, id);
          applied.push(`shim cfn-events-archive: removed AWS::Events::Archive ${id} from ${stack.stackName} before deploy`);
        }
        fs.writeFileSync(stack.templateFile, JSON.stringify(template, undefined, 1));
      }
      return applied;
    },
  },
});

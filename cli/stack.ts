/**
 * What a deployed stack holds, from its resources and the construct paths
 * CDK writes in their metadata (`aws:cdk:path`).
 */
import { GetTemplateCommand, paginateListStackResources, StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { Clients } from './aws';

/** A resource of the stack with its construct path. */
export interface StackResource {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
  /**
   * The construct path without the stack's own id and the trailing `/Resource`
   * ids of the main children (`Orders` for `Stack/Orders/Resource/Resource`);
   * the logical id where the app wrote no path.
   */
  readonly path: string;
}

export async function stackResources(clients: Clients, stackName: string): Promise<StackResource[]> {
  const { TemplateBody = '{}' } = await clients.cloudformation.send(new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Original' }));
  const template = parseTemplate(TemplateBody);
  const summaries: StackResourceSummary[] = [];
  for await (const page of paginateListStackResources({ client: clients.cloudformation }, { StackName: stackName })) {
    summaries.push(...(page.StackResourceSummaries ?? []));
  }
  return summaries
    .filter((s) => s.PhysicalResourceId)
    .map((s) => {
      const cdkPath = template.Resources?.[s.LogicalResourceId!]?.Metadata?.['aws:cdk:path'];
      return {
        logicalId: s.LogicalResourceId!,
        type: s.ResourceType!,
        physicalId: s.PhysicalResourceId!,
        path: typeof cdkPath === 'string' ? cdkPath.split('/').slice(1).join('/').replace(/(\/Resource)+$/, '') : s.LogicalResourceId!,
      };
    });
}

interface Template {
  Resources?: Record<string, { Metadata?: Record<string, unknown> }>;
}

/** CloudFormation returns the template as written: JSON from CDK. */
function parseTemplate(body: string): Template {
  try {
    return JSON.parse(body) as Template;
  } catch {
    return {};
  }
}

/**
 * A deployed stack: its synthesized template joined with the physical ids the
 * emulator's CloudFormation reports, addressable by construct path.
 */
import * as fs from 'fs';
import { DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { AwsClients } from './aws';
import { AssemblyStack } from './cdk';

export interface DeployedResource {
  readonly logicalId: string;
  readonly type: string;
  /** Construct path from the template metadata, e.g. `OrderProcessing/Orders/Resource`. */
  readonly path: string;
  readonly physicalId: string;
  /** Properties as synthesized (intrinsic functions unresolved). */
  readonly properties: Record<string, any>;
}

export class DeployedStack {
  /** Reads the template and the stack's resources from the emulator. */
  static async load(clients: AwsClients, stack: AssemblyStack): Promise<DeployedStack> {
    const template = JSON.parse(fs.readFileSync(stack.templateFile, 'utf8'));
    const { StackResources } = await clients.cloudformation.send(new DescribeStackResourcesCommand({ StackName: stack.stackName }));
    const physical = new Map((StackResources ?? []).map((r) => [r.LogicalResourceId!, r.PhysicalResourceId ?? '']));
    const resources = Object.entries<any>(template.Resources ?? {}).map(([logicalId, resource]) => ({
      logicalId,
      type: resource.Type,
      path: resource.Metadata?.['aws:cdk:path'] ?? logicalId,
      physicalId: physical.get(logicalId) ?? '',
      properties: resource.Properties ?? {},
    }));
    return new DeployedStack(clients, stack, template, resources);
  }

  private constructor(
    readonly clients: AwsClients,
    readonly assembly: AssemblyStack,
    readonly template: any,
    readonly resources: DeployedResource[],
  ) {}

  get stackName(): string {
    return this.assembly.stackName;
  }

  /** Resources of a type, optionally whose construct path matches. */
  ofType(type: string, path?: RegExp): DeployedResource[] {
    return this.resources.filter((r) => r.type === type && (!path || path.test(r.path)));
  }

  /** The one resource of `type` whose construct path matches; throws when not exactly one. */
  one(type: string, path: RegExp): DeployedResource {
    const found = this.ofType(type, path);
    if (found.length !== 1) {
      throw new Error(`expected one ${type} matching ${path} in ${this.stackName}, found ${found.length}: `
        + `${this.ofType(type).map((r) => r.path).join(', ')}`);
    }
    if (!found[0].physicalId) {
      throw new Error(`${found[0].path} (${found[0].logicalId}) has no physical id in the deployed stack`);
    }
    return found[0];
  }

  byLogicalId(logicalId: string): DeployedResource {
    const found = this.resources.find((r) => r.logicalId === logicalId);
    if (!found) {
      throw new Error(`no resource ${logicalId} in ${this.stackName}`);
    }
    return found;
  }

  /** The log group a function's LoggingConfig names, if any (physical name of the referenced AWS::Logs::LogGroup). */
  functionLogGroup(fn: DeployedResource): string | undefined {
    const value = fn.properties.LoggingConfig?.LogGroup;
    if (typeof value === 'string') {
      return value;
    }
    const id = value?.Ref;
    return typeof id === 'string' ? this.byLogicalId(id).physicalId : undefined;
  }

  /** The ARN of a deployed queue (its physical id is its URL). */
  async queueArn(queueUrl: string): Promise<string> {
    const { Attributes } = await this.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    return Attributes!.QueueArn!;
  }

  /** The deployed queue whose ARN is `arn`, if it belongs to this stack. */
  async queueByArn(arn: string): Promise<DeployedResource | undefined> {
    for (const queue of this.ofType('AWS::SQS::Queue')) {
      if (queue.physicalId && await this.queueArn(queue.physicalId) === arn) {
        return queue;
      }
    }
    return undefined;
  }
}

/** Short display name of a resource: its construct path without the stack and a trailing `/Resource`. */
export function displayName(resource: DeployedResource): string {
  return resource.path.split('/').slice(1).filter((part, i, all) => !(part === 'Resource' && i === all.length - 1)).join('/');
}

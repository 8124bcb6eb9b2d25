/**
 * Shared builders of the EventPipe tests: a pipe in a fresh stack, and the
 * parts of its template the tests read (the pipe's properties, the
 * statements of its role's policy).
 */
import { App, CfnElement, CfnResource, Environment, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { EventPipe, EventPipeProps, PipeSource, PipeTarget, QueueWithDlq } from '../../src';
import { testStack } from '../helpers/nag';

/** A pipe built in the stack `Test` of a fresh app, with its template. */
export interface SynthesizedPipe {
  readonly stack: Stack;
  readonly pipe: EventPipe;
  readonly template: Template;
}

/**
 * Builds the pipe `Test/Pipe` from the props `props` returns (given the
 * stack, to create the resources they refer to). Without a source or target,
 * a QueueWithDlq `Test/Orders` and an event bus `Test/Bus` are used.
 */
export function synthPipe(props: (stack: Stack) => Partial<EventPipeProps> = () => ({})): SynthesizedPipe {
  const { stack } = testStack();
  const pipe = buildPipe(stack, props);
  return { stack, pipe, template: Template.fromStack(stack) };
}

/** Builds `<stack>/Pipe` without synthesizing (for validation tests). */
export function buildPipe(stack: Stack, props: (stack: Stack) => Partial<EventPipeProps> = () => ({})): EventPipe {
  const given = props(stack);
  return new EventPipe(stack, 'Pipe', {
    source: given.source ?? PipeSource.queueWithDlq(new QueueWithDlq(stack, 'Orders')),
    target: given.target ?? PipeTarget.eventBus(new events.EventBus(stack, 'Bus')),
    ...given,
  });
}

/** A stack with an explicit environment (account and Region known at synth). */
export function stackIn(env: Environment): Stack {
  return new Stack(new App(), 'Test', { env });
}

/** The Properties of the one AWS::Pipes::Pipe of the template. */
export function pipeProperties(template: Template): Record<string, any> {
  return pipeResource(template).Properties;
}

/** The one AWS::Pipes::Pipe of the template (Properties, DependsOn...). */
export function pipeResource(template: Template): Record<string, any> {
  const pipes = Object.values(template.findResources('AWS::Pipes::Pipe'));
  expect(pipes).toHaveLength(1);
  return pipes[0];
}

/** The statements of the pipe role's customer-managed policy. */
export function roleStatements(stack: Stack, pipe: EventPipe): Array<Record<string, any>> {
  const policy = Template.fromStack(stack).toJSON().Resources[logicalId(stack, pipe.rolePolicy)];
  expect(policy.Type).toBe('AWS::IAM::ManagedPolicy');
  return policy.Properties.PolicyDocument.Statement;
}

/** The actions (always as a list) the role's policy allows on `resource` (a resolved ARN expression). */
export function actionsOn(stack: Stack, pipe: EventPipe, resource: unknown): string[] {
  return roleStatements(stack, pipe)
    .filter((s) => s.Effect === 'Allow' && asList(s.Resource).some((r) => JSON.stringify(r) === JSON.stringify(resource)))
    .flatMap((s) => asList(s.Action) as string[]);
}

export function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** The logical id of a construct's CloudFormation resource (the construct itself, or its default child). */
export function logicalId(stack: Stack, construct: IConstruct): string {
  const resource = CfnElement.isCfnElement(construct)
    ? construct
    : construct.node.defaultChild ?? construct.node.children.find((c) => CfnResource.isCfnResource(c));
  if (!resource) {
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  }
  return stack.getLogicalId(resource as CfnElement);
}

/** `{ "Fn::GetAtt": [id, attribute] }` of a construct. */
export function getAtt(stack: Stack, construct: IConstruct, attribute: string): unknown {
  return { 'Fn::GetAtt': [logicalId(stack, construct), attribute] };
}

/** `{ Ref: id }` of a construct. */
export function ref(stack: Stack, construct: IConstruct): unknown {
  return { Ref: logicalId(stack, construct) };
}

/** A DynamoDB table with a stream of new and old images. */
export function streamTable(scope: Construct, id: string, props: Partial<dynamodb.TableProps> = {}): dynamodb.Table {
  return new dynamodb.Table(scope, id, {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    ...props,
  });
}

/** A state machine of one Pass state, of the given type. */
export function passMachine(scope: Construct, id: string, type: sfn.StateMachineType): sfn.StateMachine {
  return new sfn.StateMachine(scope, id, {
    stateMachineType: type,
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(scope, `${id}Pass`)),
  });
}

/** The warnings of a construct path, as printed (message with its `[ack: id]`). */
export function warningsOf(stack: Stack, path: string): string[] {
  return stack.node
    .findAll()
    .filter((c) => `/${c.node.path}` === path)
    .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data)));
}

/** The ids (`cdk-message-patterns:...`) of the warnings on a construct path. */
export function warningIdsOf(stack: Stack, path: string): string[] {
  return warningsOf(stack, path).flatMap((w) => [...w.matchAll(/\[ack: ([^\]]+)\]/g)].map((m) => m[1]));
}

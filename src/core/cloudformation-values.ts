/**
 * What CloudFormation returns for `Ref` and `Fn::GetAtt` of the resource types
 * whose names end up in metric dimensions, so that a template's expressions
 * can be evaluated as a deployment would (by the tests, and by MessagingChecks
 * to see the value an alarm's dimension takes), instead of compared with the
 * expressions we expect. Account, region and generated names are stand-ins:
 * what matters is the shape of each value (a name, a URL, an ARN, `bus|rule`).
 *
 * Sources (the "Return values" section of each resource's page in the
 * CloudFormation template reference, https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/):
 * - AWS::SQS::Queue: Ref is the queue URL; GetAtt QueueName is the name.
 * - AWS::SNS::Topic: Ref is the topic ARN; GetAtt TopicName is the name.
 * - AWS::Lambda::Function, AWS::Kinesis::Stream, AWS::DynamoDB::Table: Ref is the name.
 * - AWS::Events::EventBus: Ref and GetAtt Name are the name.
 * - AWS::Pipes::Pipe: Ref is the pipe's name (its resource reference; aws-cdk-lib's
 *   CfnPipe reads `pipeName` from it).
 * - AWS::Lambda::EventSourceMapping: Ref is "the mapping's ID", the UUID that
 *   Lambda's metrics carry as EventSourceMappingUUID (modelled as the generated name).
 * - AWS::Events::Rule: the reference says Ref is "event rule ID, such as
 *   mystack-ScheduledRule-ABCDEFGHIJK", but for a rule on a custom bus
 *   CloudFormation returns `busName|ruleName`: reported against AWS in
 *   https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/1131
 *   (2022, confirmed again 2023), whose reporter alarms on FailedInvocations
 *   with `!Select [1, !Split ['|', !Ref Rule]]` as RuleName. What CloudFormation
 *   returns beats the reference's sentence: the model follows the report.
 */

/** The part of a CloudFormation template the model reads. */
export type TemplateJson = { Resources: Record<string, { Type: string; Properties?: Record<string, any> }> };

/** The property that holds each resource type's physical name (when the template gives one; else CloudFormation generates it). */
export const NAME_PROPERTY: Record<string, string> = {
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Kinesis::Stream': 'Name',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Events::EventBus': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::Pipes::Pipe': 'Name',
};

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';

export class CloudFormationModel {
  constructor(private readonly template: TemplateJson) {}

  /** The name AWS gives the resource (and publishes its metrics under). */
  public physicalName(logicalId: string): string {
    const resource = this.resource(logicalId);
    const given = resource.Properties?.[NAME_PROPERTY[resource.Type]];
    return given === undefined ? `${logicalId}-generated` : this.evaluate(given);
  }

  /** The physical names of every resource of `type` in the template. */
  public namesOf(type: string): string[] {
    return Object.entries(this.template.Resources)
      .filter(([, r]) => r.Type === type)
      .map(([id]) => this.physicalName(id));
  }

  /** The string CloudFormation produces for `value` at deploy time. */
  public evaluate(value: any): string {
    if (typeof value === 'string') {
      return value;
    }
    if (typeof value === 'number') {
      return String(value);
    }
    if (value === null || typeof value !== 'object') {
      throw new Error(`cannot evaluate ${JSON.stringify(value)}`);
    }
    if ('Ref' in value) {
      return this.ref(value.Ref);
    }
    if ('Fn::GetAtt' in value) {
      const [id, attribute] = value['Fn::GetAtt'];
      return this.getAtt(id, attribute);
    }
    if ('Fn::Join' in value) {
      const [separator, parts] = value['Fn::Join'];
      return this.evaluateList(parts).join(separator);
    }
    if ('Fn::Select' in value) {
      const [index, list] = value['Fn::Select'];
      const items = this.evaluateList(list);
      const i = Number(this.evaluate(index));
      if (i >= items.length) {
        // CloudFormation fails the deployment: "Fn::Select cannot select nonexistent value at index".
        throw new Error(`Fn::Select index ${i} out of range for [${items.join(', ')}]`);
      }
      return items[i];
    }
    throw new Error(`cannot evaluate ${JSON.stringify(value)}`);
  }

  private evaluateList(value: any): string[] {
    if (Array.isArray(value)) {
      return value.map((v) => this.evaluate(v));
    }
    if (value !== null && typeof value === 'object' && 'Fn::Split' in value) {
      const [separator, source] = value['Fn::Split'];
      return this.evaluate(source).split(separator);
    }
    throw new Error(`cannot evaluate the list ${JSON.stringify(value)}`);
  }

  private ref(id: string): string {
    switch (id) {
      case 'AWS::AccountId': return ACCOUNT;
      case 'AWS::Region': return REGION;
      case 'AWS::Partition': return 'aws';
      case 'AWS::URLSuffix': return 'amazonaws.com';
    }
    const resource = this.resource(id);
    const name = this.physicalName(id);
    switch (resource.Type) {
      case 'AWS::SQS::Queue': return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`;
      case 'AWS::SNS::Topic': return `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;
      case 'AWS::Events::Rule': {
        const bus = resource.Properties?.EventBusName;
        const busName = bus === undefined ? 'default' : this.busNameOf(this.evaluate(bus));
        return busName === 'default' ? name : `${busName}|${name}`;
      }
      case 'AWS::Lambda::Function':
      case 'AWS::Kinesis::Stream':
      case 'AWS::DynamoDB::Table':
      case 'AWS::Events::EventBus':
      case 'AWS::Lambda::EventSourceMapping':
      case 'AWS::Pipes::Pipe':
        return name;
    }
    throw new Error(`no model of Ref for ${resource.Type} (${id})`);
  }

  private getAtt(id: string, attribute: string): string {
    const resource = this.resource(id);
    const name = this.physicalName(id);
    const key = `${resource.Type}.${attribute}`;
    switch (key) {
      case 'AWS::SQS::Queue.QueueName':
      case 'AWS::SNS::Topic.TopicName':
      case 'AWS::Events::EventBus.Name':
        return name;
      case 'AWS::SQS::Queue.Arn': return `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
      case 'AWS::Events::EventBus.Arn': return `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${name}`;
      case 'AWS::Lambda::Function.Arn': return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
      case 'AWS::Kinesis::Stream.Arn': return `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`;
      case 'AWS::DynamoDB::Table.Arn': return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
    }
    throw new Error(`no model of Fn::GetAtt ${key} (${id})`);
  }

  /** `EventBusName` of a rule holds a name or an ARN. */
  private busNameOf(value: string): string {
    return value.startsWith('arn:') ? value.split('/').pop()! : value;
  }

  private resource(id: string) {
    const resource = this.template.Resources[id];
    if (!resource) {
      throw new Error(`no resource ${id} in the template`);
    }
    return resource;
  }
}

import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { FanoutTopic, FilteredSubscription } from '../../src';
import { userFunction } from '../helpers/nag';

/**
 * A subscriber of another stack: its queue policy (or the function's invoke
 * permission) names the topic, so the endpoint's stack depends on the topic's;
 * the subscription must then live in the endpoint's stack, or the two stacks
 * depend on each other, which CloudFormation cannot deploy. aws-cdk-lib's
 * SqsSubscription and LambdaSubscription put it there for the same reason
 * (aws-cdk-lib aws-sns-subscriptions, `subscriberScope`).
 */
function stacks() {
  const app = new App();
  return { app, endpoints: new Stack(app, 'Endpoints'), topics: new Stack(app, 'Topics') };
}

describe('subscribers in another stack', () => {
  test('FanoutTopic.addExistingQueueSubscriber with a queue of another stack synthesizes, the subscription in the queue\'s stack', () => {
    const { app, endpoints, topics } = stacks();
    const queue = new sqs.Queue(endpoints, 'Billing');
    const fanout = new FanoutTopic(topics, 'Orders');
    const subscription = fanout.addExistingQueueSubscriber('Billing', queue);
    expect(() => app.synth()).not.toThrow();
    expect(Stack.of(subscription.subscription)).toBe(endpoints);
    Template.fromStack(endpoints).resourceCountIs('AWS::SNS::Subscription', 1);
    Template.fromStack(topics).resourceCountIs('AWS::SNS::Subscription', 0);
    const [resource] = Object.values(Template.fromStack(endpoints).findResources('AWS::SNS::Subscription'));
    expect(resource.Properties).toMatchObject({
      Protocol: 'sqs',
      TopicArn: { 'Fn::ImportValue': expect.stringContaining('Orders') },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::ImportValue': expect.stringContaining('SubscriptionDeadLetterQueue') } },
    });
  });

  test('a FilteredSubscription to a function of another stack synthesizes too', () => {
    const { app, endpoints, topics } = stacks();
    const fn = userFunction(endpoints, 'Handler');
    new FilteredSubscription(topics, 'Sub', { topic: new sns.Topic(topics, 'Topic'), lambdaFunction: fn });
    expect(() => app.synth()).not.toThrow();
    Template.fromStack(endpoints).resourceCountIs('AWS::SNS::Subscription', 1);
  });

  test('a queue of the same stack keeps the subscription as the construct\'s Resource', () => {
    const { topics } = stacks();
    const fanout = new FanoutTopic(topics, 'Orders');
    const subscription = fanout.addExistingQueueSubscriber('Billing', new sqs.Queue(topics, 'Billing'));
    expect(subscription.subscription.node.id).toBe('Resource');
  });
});


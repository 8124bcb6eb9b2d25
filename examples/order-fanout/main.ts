/**
 * Order fan-out: every order placed is published once to the topic
 * `order-placed` and delivered to three queues, each consumed by its own
 * function:
 *
 * - billing receives every order;
 * - shipping receives the orders whose `country` message attribute is one the
 *   company ships to;
 * - fraud-check receives the orders whose JSON body has an `amount` above 1000.
 *
 * A message SNS cannot deliver to a queue is kept in the topic's subscription
 * dead-letter queue, and an alarm fires.
 */
import { App, Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { FanoutTopic, MessagingChecks } from 'cdk-message-patterns';
import { Construct } from 'constructs';

/** A consumer that logs each order it receives. */
function consumer(scope: Construct, id: string): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    timeout: Duration.seconds(10),
    memorySize: 256,
    code: lambda.Code.fromInline(`
exports.handler = async (event) => {
  for (const record of event.Records) {
    // Without raw message delivery, the body is the SNS envelope; the order is in its Message field.
    const order = JSON.parse(JSON.parse(record.body).Message);
    console.log(JSON.stringify({ consumer: '${id}', messageId: record.messageId, order }));
  }
  return { batchItemFailures: [] };
};`),
  });
}

export class OrderFanoutStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const orders = new FanoutTopic(this, 'OrderPlaced', {
      topicName: 'order-placed',
      subscribers: {
        billing: { consumer: consumer(this, 'Billing') },
        shipping: {
          consumer: consumer(this, 'Shipping'),
          filterPolicy: { country: sns.SubscriptionFilter.stringFilter({ allowlist: ['FR', 'DE', 'ES', 'IT'] }) },
        },
      },
    });

    orders.addQueueSubscriber('fraud-check', {
      consumer: consumer(this, 'FraudCheck'),
      filterPolicyWithMessageBody: {
        amount: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.numericFilter({ greaterThan: 1000 })),
      },
    });

    // The order service publishes with this role.
    orders.grantPublish(new iam.Role(this, 'OrderService', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
  }
}

const app = new App();
// Message-loss and deploy-time checks: errors fail the synth, warnings are reported.
Validations.of(app).addPlugins(new MessagingChecks(app));
new OrderFanoutStack(app, 'OrderFanout');
app.synth();

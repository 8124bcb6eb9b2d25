/**
 * Order processing: a standard queue whose messages are consumed by a Lambda
 * function. A message that fails three times moves to the dead-letter queue
 * `order-processing-dlq`, and an alarm fires.
 */
import { App, Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { MessagingChecks, QueueWithDlq } from 'cdk-message-patterns';
import { Construct } from 'constructs';

export class OrderProcessingStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Logs each record body; a body of "poison" fails, to show the redrive.
    const consumer = new lambda.Function(this, 'OrderConsumer', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      timeout: Duration.seconds(10),
      memorySize: 256,
      code: lambda.Code.fromInline(`
exports.handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    console.log(JSON.stringify({ messageId: record.messageId, body: record.body }));
    if (record.body.includes('poison')) {
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};`),
    });

    new QueueWithDlq(this, 'Orders', {
      queueName: 'order-processing',
      visibilityTimeout: Duration.seconds(60),
      deadLetterQueueName: 'order-processing-dlq',
      maxReceiveCount: 3,
      consumer,
    });
  }
}

const app = new App();
// Message-loss and deploy-time checks: errors fail the synth, warnings are reported.
Validations.of(app).addPlugins(new MessagingChecks(app));
new OrderProcessingStack(app, 'OrderProcessing');
app.synth();

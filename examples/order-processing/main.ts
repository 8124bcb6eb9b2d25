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

    // Prints each record body, as the lab's Python consumer does (one JSON line with the message id, so that
    // the integration suite can count deliveries); a body mentioning "poison" is reported as failed, to show
    // the redrive.
    const consumer = new lambda.Function(this, 'OrderConsumer', {
      runtime: lambda.Runtime.PYTHON_3_13,
      handler: 'index.handler',
      timeout: Duration.seconds(10),
      memorySize: 256,
      code: lambda.Code.fromInline(`
import json


def handler(event, context):
    batch_item_failures = []
    for record in event["Records"]:
        print(json.dumps({"messageId": record["messageId"], "body": record["body"]}))
        if "poison" in record["body"]:
            batch_item_failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": batch_item_failures}
`),
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

"""A Python app with a message-loss trap, checked by MessagingChecks: a queue
consumed by a Lambda function without a dead-letter queue. Its synth must fail
with the rule's id, which shows that the pack runs from Python.

    python broken_app.py <outdir>
"""
import sys

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from cdk_message_patterns import MessagingChecks

app = cdk.App(outdir=sys.argv[1])
cdk.Validations.of(app).add_plugins(MessagingChecks(app))
stack = cdk.Stack(app, "Broken")
queue = sqs.Queue(stack, "Orders", visibility_timeout=cdk.Duration.seconds(60))
consumer = lambda_.Function(
    stack,
    "Consumer",
    runtime=lambda_.Runtime.NODEJS_22_X,
    handler="index.handler",
    code=lambda_.Code.from_inline("exports.handler = async () => ({ batchItemFailures: [] });"),
    timeout=cdk.Duration.seconds(10),
)
consumer.add_event_source(sources.SqsEventSource(queue, report_batch_item_failures=True))
app.synth()

"""The Python twin of examples/ts-twin: the same stack, construct ids and options.

It uses the cdk-message-patterns wheel built by `npx projen package-all`
(dist/python), installed in .venv next to this file by
scripts/language-apps.sh. test-languages/ requires its template to equal
the TypeScript one.
"""
import aws_cdk as cdk
from aws_cdk import (
    aws_cloudwatch_actions as cloudwatch_actions,
    aws_events as events,
    aws_iam as iam,
    aws_kinesis as kinesis,
    aws_lambda as lambda_,
    aws_sns as sns,
    aws_sqs as sqs,
)
from constructs import Construct

from cdk_message_patterns import (
    EventBusRoute,
    FanoutTopic,
    FilteredSubscription,
    KinesisCqrsPipeline,
    MessagingChecks,
    QueueSubscriberOptions,
    QueueWithDlq,
    RouteTarget,
    SubscriptionFilters,
    TopicEncryption,
)

# The code of every function of the app (identical in the four languages).
HANDLER = "exports.handler = async (event) => { console.log(JSON.stringify(event)); return { batchItemFailures: [] }; };"


def handler(scope: Construct, id: str) -> lambda_.Function:
    """A small Node.js function that logs what it receives."""
    return lambda_.Function(
        scope,
        id,
        runtime=lambda_.Runtime.NODEJS_22_X,
        handler="index.handler",
        code=lambda_.Code.from_inline(HANDLER),
        timeout=cdk.Duration.seconds(10),
        memory_size=256,
    )


class MessagePatternsStack(cdk.Stack):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)

        # An on-call topic CloudWatch can notify: a key and a topic policy that let cloudwatch.amazonaws.com in.
        alerts = FanoutTopic(self, "Alerts", service_publishers=["cloudwatch.amazonaws.com"])
        alarm_action = cloudwatch_actions.SnsAction(alerts.topic)
        order_service = iam.Role(self, "OrderService", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        operator = iam.Role(self, "Operator", assumed_by=iam.AccountRootPrincipal())

        # QueueWithDlq: a KMS-encrypted queue with a consumer.
        orders = QueueWithDlq(
            self,
            "Orders",
            queue_name="orders",
            max_receive_count=3,
            retention_period=cdk.Duration.days(7),
            encryption=sqs.QueueEncryption.KMS,
            data_key_reuse=cdk.Duration.minutes(15),
            removal_policy=cdk.RemovalPolicy.RETAIN,
            consumer=handler(self, "OrderConsumer"),
            consumer_options={"batch_size": 5, "max_concurrency": 4},
            oldest_message_age_threshold=cdk.Duration.minutes(10),
            alarm_action=alarm_action,
        )
        orders.grant_redrive(operator)

        # FanoutTopic: a customer-managed key EventBridge may use, subscribers with filter policies.
        placed = FanoutTopic(
            self,
            "OrderPlaced",
            topic_name="order-placed",
            encryption=TopicEncryption.KMS,
            service_publishers=["events.amazonaws.com"],
            alarm_action=alarm_action,
            subscribers={
                "billing": QueueSubscriberOptions(consumer=handler(self, "Billing"), max_receive_count=4),
                "shipping": QueueSubscriberOptions(
                    consumer=handler(self, "Shipping"),
                    filter_policy={
                        "country": SubscriptionFilters.equals_ignore_case("fr", "de", "es"),
                        "priority": sns.SubscriptionFilter.numeric_filter(between=sns.BetweenCondition(start=1, stop=5)),
                    },
                ),
            },
        )
        placed.add_queue_subscriber(
            "fraud-check",
            consumer=handler(self, "FraudCheck"),
            retention_period=cdk.Duration.days(2),
            filter_policy_with_message_body={
                "amount": sns.FilterOrPolicy.filter(sns.SubscriptionFilter.numeric_filter(greater_than=1000)),
                "customer": sns.FilterOrPolicy.policy({
                    "tier": sns.FilterOrPolicy.filter(sns.SubscriptionFilter.string_filter(allowlist=["gold", "platinum"])),
                }),
            },
        )
        # A queue of the app's own: its dead-letter queue keeps what its consumer keeps failing on.
        audit_dlq = sqs.Queue(self, "AuditDeadLetterQueue", enforce_ssl=True, retention_period=cdk.Duration.days(14))
        audit = sqs.Queue(self, "AuditQueue", enforce_ssl=True, dead_letter_queue=sqs.DeadLetterQueue(queue=audit_dlq, max_receive_count=5))
        placed.add_existing_queue_subscriber("audit", audit, raw_message_delivery=True)
        placed.grant_publish(order_service)

        # FilteredSubscription: a Lambda function behind an `$or` policy.
        FilteredSubscription(
            self,
            "Refunds",
            topic=placed.topic,
            lambda_function=handler(self, "RefundHandler"),
            filter_policy={
                SubscriptionFilters.OR_KEY: SubscriptionFilters.or_policies([
                    {"source": SubscriptionFilters.cidr("10.0.0.0/8")},
                    {"channel": SubscriptionFilters.anything_but_prefix("test-")},
                ]),
            },
            alarm_action=alarm_action,
        )

        # EventBusRoute: a new bus, three kinds of target, an archive, another account allowed to put events.
        route = EventBusRoute(
            self,
            "LargeOrders",
            event_bus_name="orders",
            event_pattern=events.EventPattern(
                source=["shop.orders"],
                detail_type=["OrderPlaced"],
                detail={"amount": events.Match.greater_than(100)},
            ),
            targets=[
                RouteTarget.new_queue(
                    queue_props={
                        "queue_name": "large-orders",
                        "consumer": handler(self, "LargeOrderConsumer"),
                        "max_receive_count": 2,
                    },
                    retry_attempts=20,
                ),
                RouteTarget.topic(
                    placed.topic,
                    input=events.RuleTargetInput.from_event_path("$.detail"),
                    max_event_age=cdk.Duration.hours(2),
                ),
                RouteTarget.lambda_function(handler(self, "Notifier"), retry_attempts=3),
            ],
            retry_attempts=50,
            max_event_age=cdk.Duration.hours(6),
            dead_letter_retention_period=cdk.Duration.days(10),
            archive={"archive_name": "orders", "retention": cdk.Duration.days(7)},
            put_events_accounts=["111111111111"],
            alarm_action=alarm_action,
        )
        route.grant_put_events(order_service)

        # KinesisCqrsPipeline: the library's projector, and a second projection with a custom one.
        ledger = KinesisCqrsPipeline(
            self,
            "OrderLedger",
            stream_mode=kinesis.StreamMode.PROVISIONED,
            shard_count=2,
            retention_period=cdk.Duration.days(3),
            partition_key="orderId",
            projector_memory_size=512,
            batch_size=200,
            parallelization_factor=2,
            retry_attempts=5,
            alarm_action=alarm_action,
        )
        by_customer = ledger.add_projection(
            "OrdersByCustomer",
            projector=handler(self, "CustomerProjector"),
            partition_key="customerId",
            batch_size=50,
            enhanced_fan_out=True,
        )
        ledger.grant_write_events(order_service)
        by_customer.grant_query(operator)

        # What the constructs expose, read back through the Python binding.
        cdk.CfnOutput(self, "OrdersQueueUrl", value=orders.queue.queue_url)
        cdk.CfnOutput(self, "OrdersDeadLetterQueueUrl", value=orders.dead_letter_queue.queue_url)
        cdk.CfnOutput(self, "OrderPlacedTopicArn", value=placed.topic.topic_arn)
        cdk.CfnOutput(self, "EventBusArn", value=route.event_bus.event_bus_arn)
        cdk.CfnOutput(self, "ArchiveArn", value=route.archive.archive_arn)
        cdk.CfnOutput(self, "LedgerStreamArn", value=ledger.stream.stream_arn)
        cdk.CfnOutput(self, "LedgerTableName", value=ledger.table.table_name)
        cdk.CfnOutput(self, "CustomerTableName", value=by_customer.table.table_name)
        alarm_count = len(orders.alarms) + len(placed.alarms) + len(route.alarms) + len(ledger.alarms)
        cdk.CfnOutput(self, "AlarmCount", value=str(alarm_count))


app = cdk.App()
# Message-loss and deploy-time checks: errors fail the synth, warnings are reported.
cdk.Validations.of(app).add_plugins(MessagingChecks(app))
MessagePatternsStack(app, "MessagePatterns")
app.synth()

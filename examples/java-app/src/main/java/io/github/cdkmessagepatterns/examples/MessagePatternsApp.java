package io.github.cdkmessagepatterns.examples;

import java.util.List;
import java.util.Map;

import io.github.cdkmessagepatterns.EventBusRoute;
import io.github.cdkmessagepatterns.FanoutTopic;
import io.github.cdkmessagepatterns.FilteredSubscription;
import io.github.cdkmessagepatterns.KinesisCqrsPipeline;
import io.github.cdkmessagepatterns.LambdaTargetOptions;
import io.github.cdkmessagepatterns.MessagingChecks;
import io.github.cdkmessagepatterns.NewQueueTargetOptions;
import io.github.cdkmessagepatterns.Projection;
import io.github.cdkmessagepatterns.ProjectionOptions;
import io.github.cdkmessagepatterns.QueueConsumerOptions;
import io.github.cdkmessagepatterns.QueueSubscriberOptions;
import io.github.cdkmessagepatterns.QueueWithDlq;
import io.github.cdkmessagepatterns.QueueWithDlqProps;
import io.github.cdkmessagepatterns.RouteArchiveOptions;
import io.github.cdkmessagepatterns.RouteTarget;
import io.github.cdkmessagepatterns.RouteTargetOptions;
import io.github.cdkmessagepatterns.SubscriptionFilterOptions;
import io.github.cdkmessagepatterns.SubscriptionFilters;
import io.github.cdkmessagepatterns.TopicEncryption;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Match;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kinesis.StreamMode;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.sns.BetweenCondition;
import software.amazon.awscdk.services.sns.FilterOrPolicy;
import software.amazon.awscdk.services.sns.NumericConditions;
import software.amazon.awscdk.services.sns.StringConditions;
import software.amazon.awscdk.services.sns.SubscriptionFilter;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The Java twin of examples/ts-twin: the same stack, construct ids and options.
 * test-languages/ requires its template to equal the TypeScript one.
 */
public final class MessagePatternsApp {
    /** The code of every function of the app (identical in the four languages). */
    static final String HANDLER = "exports.handler = async (event) => { console.log(JSON.stringify(event)); return { batchItemFailures: [] }; };";

    /** A small Node.js function that logs what it receives. */
    static Function handler(final Construct scope, final String id) {
        return Function.Builder.create(scope, id)
                .runtime(Runtime.NODEJS_22_X)
                .handler("index.handler")
                .code(Code.fromInline(HANDLER))
                .timeout(Duration.seconds(10))
                .memorySize(256)
                .build();
    }

    public static final class MessagePatternsStack extends Stack {
        public MessagePatternsStack(final Construct scope, final String id, final StackProps props) {
            super(scope, id, props);

            // An on-call topic CloudWatch can notify: a key and a topic policy that let cloudwatch.amazonaws.com in.
            FanoutTopic alerts = FanoutTopic.Builder.create(this, "Alerts").servicePublishers(List.of("cloudwatch.amazonaws.com")).build();
            SnsAction alarmAction = new SnsAction(alerts.getTopic());
            Role orderService = Role.Builder.create(this, "OrderService")
                    .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                    .build();
            Role operator = Role.Builder.create(this, "Operator").assumedBy(new AccountRootPrincipal()).build();

            // QueueWithDlq: a KMS-encrypted queue with a consumer.
            QueueWithDlq orders = QueueWithDlq.Builder.create(this, "Orders")
                    .queueName("orders")
                    .maxReceiveCount(3)
                    .retentionPeriod(Duration.days(7))
                    .encryption(QueueEncryption.KMS)
                    .dataKeyReuse(Duration.minutes(15))
                    .removalPolicy(RemovalPolicy.RETAIN)
                    .consumer(handler(this, "OrderConsumer"))
                    .consumerOptions(QueueConsumerOptions.builder().batchSize(5).maxConcurrency(4).build())
                    .oldestMessageAgeThreshold(Duration.minutes(10))
                    .alarmAction(alarmAction)
                    .build();
            orders.grantRedrive(operator);

            // FanoutTopic: a customer-managed key EventBridge may use, subscribers with filter policies.
            FanoutTopic placed = FanoutTopic.Builder.create(this, "OrderPlaced")
                    .topicName("order-placed")
                    .encryption(TopicEncryption.KMS)
                    .servicePublishers(List.of("events.amazonaws.com"))
                    .alarmAction(alarmAction)
                    .subscribers(Map.of(
                            "billing", QueueSubscriberOptions.builder()
                                    .consumer(handler(this, "Billing"))
                                    .maxReceiveCount(4)
                                    .build(),
                            "shipping", QueueSubscriberOptions.builder()
                                    .consumer(handler(this, "Shipping"))
                                    .filterPolicy(Map.of(
                                            "country", SubscriptionFilters.equalsIgnoreCase("fr", "de", "es"),
                                            "priority", SubscriptionFilter.numericFilter(NumericConditions.builder()
                                                    .between(BetweenCondition.builder().start(1).stop(5).build())
                                                    .build())))
                                    .build()))
                    .build();
            placed.addQueueSubscriber("fraud-check", QueueSubscriberOptions.builder()
                    .consumer(handler(this, "FraudCheck"))
                    .retentionPeriod(Duration.days(2))
                    .filterPolicyWithMessageBody(Map.of(
                            "amount", FilterOrPolicy.filter(SubscriptionFilter.numericFilter(
                                    NumericConditions.builder().greaterThan(1000).build())),
                            "customer", FilterOrPolicy.policy(Map.of(
                                    "tier", FilterOrPolicy.filter(SubscriptionFilter.stringFilter(
                                            StringConditions.builder().allowlist(List.of("gold", "platinum")).build()))))))
                    .build());
            // A queue of the app's own: its dead-letter queue keeps what its consumer keeps failing on.
            Queue auditDlq = Queue.Builder.create(this, "AuditDeadLetterQueue").enforceSsl(true).retentionPeriod(Duration.days(14)).build();
            Queue audit = Queue.Builder.create(this, "AuditQueue").enforceSsl(true)
                    .deadLetterQueue(DeadLetterQueue.builder().queue(auditDlq).maxReceiveCount(5).build()).build();
            placed.addExistingQueueSubscriber("audit", audit, SubscriptionFilterOptions.builder().rawMessageDelivery(true).build());
            placed.grantPublish(orderService);

            // FilteredSubscription: a Lambda function behind an `$or` policy.
            FilteredSubscription.Builder.create(this, "Refunds")
                    .topic(placed.getTopic())
                    .lambdaFunction(handler(this, "RefundHandler"))
                    .filterPolicy(Map.of(
                            SubscriptionFilters.OR_KEY, SubscriptionFilters.orPolicies(List.of(
                                    Map.of("source", SubscriptionFilters.cidr("10.0.0.0/8")),
                                    Map.of("channel", SubscriptionFilters.anythingButPrefix("test-"))))))
                    .alarmAction(alarmAction)
                    .build();

            // EventBusRoute: a new bus, three kinds of target, an archive, another account allowed to put events.
            EventBusRoute route = EventBusRoute.Builder.create(this, "LargeOrders")
                    .eventBusName("orders")
                    .eventPattern(EventPattern.builder()
                            .source(List.of("shop.orders"))
                            .detailType(List.of("OrderPlaced"))
                            .detail(Map.of("amount", Match.greaterThan(100)))
                            .build())
                    .targets(List.of(
                            RouteTarget.newQueue(NewQueueTargetOptions.builder()
                                    .queueProps(QueueWithDlqProps.builder()
                                            .queueName("large-orders")
                                            .consumer(handler(this, "LargeOrderConsumer"))
                                            .maxReceiveCount(2)
                                            .build())
                                    .retryAttempts(20)
                                    .build()),
                            RouteTarget.topic(placed.getTopic(), RouteTargetOptions.builder()
                                    .input(RuleTargetInput.fromEventPath("$.detail"))
                                    .maxEventAge(Duration.hours(2))
                                    .build()),
                            RouteTarget.lambdaFunction(handler(this, "Notifier"),
                                    LambdaTargetOptions.builder().retryAttempts(3).build())))
                    .retryAttempts(50)
                    .maxEventAge(Duration.hours(6))
                    .deadLetterRetentionPeriod(Duration.days(10))
                    .archive(RouteArchiveOptions.builder().archiveName("orders").retention(Duration.days(7)).build())
                    .putEventsAccounts(List.of("111111111111"))
                    .alarmAction(alarmAction)
                    .build();
            route.grantPutEvents(orderService);

            // KinesisCqrsPipeline: the library's projector, and a second projection with a custom one.
            KinesisCqrsPipeline ledger = KinesisCqrsPipeline.Builder.create(this, "OrderLedger")
                    .streamMode(StreamMode.PROVISIONED)
                    .shardCount(2)
                    .retentionPeriod(Duration.days(3))
                    .partitionKey("orderId")
                    .projectorMemorySize(512)
                    .batchSize(200)
                    .parallelizationFactor(2)
                    .retryAttempts(5)
                    .alarmAction(alarmAction)
                    .build();
            Projection byCustomer = ledger.addProjection("OrdersByCustomer", ProjectionOptions.builder()
                    .projector(handler(this, "CustomerProjector"))
                    .partitionKey("customerId")
                    .batchSize(50)
                    .enhancedFanOut(true)
                    .build());
            ledger.grantWriteEvents(orderService);
            byCustomer.grantQuery(operator);

            // What the constructs expose, read back through the Java binding.
            output("OrdersQueueUrl", orders.getQueue().getQueueUrl());
            output("OrdersDeadLetterQueueUrl", orders.getDeadLetterQueue().getQueueUrl());
            output("OrderPlacedTopicArn", placed.getTopic().getTopicArn());
            output("EventBusArn", route.getEventBus().getEventBusArn());
            output("ArchiveArn", route.getArchive().getArchiveArn());
            output("LedgerStreamArn", ledger.getStream().getStreamArn());
            output("LedgerTableName", ledger.getTable().getTableName());
            output("CustomerTableName", byCustomer.getTable().getTableName());
            int alarmCount = orders.getAlarms().size() + placed.getAlarms().size()
                    + route.getAlarms().size() + ledger.getAlarms().size();
            output("AlarmCount", String.valueOf(alarmCount));
        }

        private void output(final String id, final String value) {
            CfnOutput.Builder.create(this, id).value(value).build();
        }
    }

    public static void main(final String[] args) {
        App app = new App();
        // Message-loss and deploy-time checks: errors fail the synth, warnings are reported.
        Validations.of(app).addPlugins(new MessagingChecks(app));
        new MessagePatternsStack(app, "MessagePatterns", null);
        app.synth();
    }

    private MessagePatternsApp() {
    }
}

// The Go twin of examples/ts-twin: the same stack, construct ids and options.
// test-languages/ requires its template to equal the TypeScript one.
package main

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskinesis"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	mp "github.com/cdk-message-patterns/cdk-message-patterns-go/cdkmessagepatterns"
)

// The code of every function of the app (identical in the four languages).
const handlerCode = "exports.handler = async (event) => { console.log(JSON.stringify(event)); return { batchItemFailures: [] }; };"

// handler is a small Node.js function that logs what it receives.
func handler(scope constructs.Construct, id string) awslambda.Function {
	return awslambda.NewFunction(scope, jsii.String(id), &awslambda.FunctionProps{
		Runtime:    awslambda.Runtime_NODEJS_22_X(),
		Handler:    jsii.String("index.handler"),
		Code:       awslambda.Code_FromInline(jsii.String(handlerCode)),
		Timeout:    awscdk.Duration_Seconds(jsii.Number(10)),
		MemorySize: jsii.Number(256),
	})
}

// NewMessagePatternsStack uses every construct of the library once.
func NewMessagePatternsStack(scope constructs.Construct, id string, props *awscdk.StackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, jsii.String(id), props)

	// An on-call topic CloudWatch can notify: a key and a topic policy that let cloudwatch.amazonaws.com in.
	alerts := mp.NewFanoutTopic(stack, jsii.String("Alerts"), &mp.FanoutTopicProps{
		ServicePublishers: jsii.Strings("cloudwatch.amazonaws.com"),
	})
	alarmAction := awscloudwatchactions.NewSnsAction(alerts.Topic())
	orderService := awsiam.NewRole(stack, jsii.String("OrderService"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
	})
	operator := awsiam.NewRole(stack, jsii.String("Operator"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewAccountRootPrincipal(),
	})

	// QueueWithDlq: a KMS-encrypted queue with a consumer.
	orders := mp.NewQueueWithDlq(stack, jsii.String("Orders"), &mp.QueueWithDlqProps{
		QueueName:       jsii.String("orders"),
		MaxReceiveCount: jsii.Number(3),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(7)),
		Encryption:      awssqs.QueueEncryption_KMS,
		DataKeyReuse:    awscdk.Duration_Minutes(jsii.Number(15)),
		RemovalPolicy:   awscdk.RemovalPolicy_RETAIN,
		Consumer:        handler(stack, "OrderConsumer"),
		ConsumerOptions: &mp.QueueConsumerOptions{
			BatchSize:      jsii.Number(5),
			MaxConcurrency: jsii.Number(4),
		},
		OldestMessageAgeThreshold: awscdk.Duration_Minutes(jsii.Number(10)),
		AlarmAction:               alarmAction,
	})
	orders.GrantRedrive(operator)

	// FanoutTopic: a customer-managed key EventBridge may use, subscribers with filter policies.
	placed := mp.NewFanoutTopic(stack, jsii.String("OrderPlaced"), &mp.FanoutTopicProps{
		TopicName:         jsii.String("order-placed"),
		Encryption:        mp.TopicEncryption_KMS,
		ServicePublishers: jsii.Strings("events.amazonaws.com"),
		AlarmAction:       alarmAction,
		Subscribers: &map[string]*mp.QueueSubscriberOptions{
			"billing": {
				Consumer:        handler(stack, "Billing"),
				MaxReceiveCount: jsii.Number(4),
			},
			"shipping": {
				Consumer: handler(stack, "Shipping"),
				FilterPolicy: &map[string]awssns.SubscriptionFilter{
					"country": mp.SubscriptionFilters_EqualsIgnoreCase(jsii.String("fr"), jsii.String("de"), jsii.String("es")),
					"priority": awssns.SubscriptionFilter_NumericFilter(&awssns.NumericConditions{
						Between: &awssns.BetweenCondition{Start: jsii.Number(1), Stop: jsii.Number(5)},
					}),
				},
			},
		},
	})
	placed.AddQueueSubscriber(jsii.String("fraud-check"), &mp.QueueSubscriberOptions{
		Consumer:        handler(stack, "FraudCheck"),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(2)),
		FilterPolicyWithMessageBody: &map[string]awssns.FilterOrPolicy{
			"amount": awssns.FilterOrPolicy_Filter(awssns.SubscriptionFilter_NumericFilter(&awssns.NumericConditions{
				GreaterThan: jsii.Number(1000),
			})),
			"customer": awssns.FilterOrPolicy_Policy(&map[string]awssns.FilterOrPolicy{
				"tier": awssns.FilterOrPolicy_Filter(awssns.SubscriptionFilter_StringFilter(&awssns.StringConditions{
					Allowlist: jsii.Strings("gold", "platinum"),
				})),
			}),
		},
	})
	// A queue of the app's own: its dead-letter queue keeps what its consumer keeps failing on.
	auditDlq := awssqs.NewQueue(stack, jsii.String("AuditDeadLetterQueue"), &awssqs.QueueProps{
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
	})
	auditQueue := awssqs.NewQueue(stack, jsii.String("AuditQueue"), &awssqs.QueueProps{
		EnforceSSL:      jsii.Bool(true),
		DeadLetterQueue: &awssqs.DeadLetterQueue{Queue: auditDlq, MaxReceiveCount: jsii.Number(5)},
	})
	placed.AddExistingQueueSubscriber(jsii.String("audit"), auditQueue, &mp.SubscriptionFilterOptions{
		RawMessageDelivery: jsii.Bool(true),
	})
	placed.GrantPublish(orderService)

	// FilteredSubscription: a Lambda function behind an `$or` policy.
	mp.NewFilteredSubscription(stack, jsii.String("Refunds"), &mp.FilteredSubscriptionProps{
		Topic:          placed.Topic(),
		LambdaFunction: handler(stack, "RefundHandler"),
		FilterPolicy: &map[string]awssns.SubscriptionFilter{
			*mp.SubscriptionFilters_OR_KEY(): mp.SubscriptionFilters_OrPolicies(&[]*map[string]awssns.SubscriptionFilter{
				{"source": mp.SubscriptionFilters_Cidr(jsii.String("10.0.0.0/8"))},
				{"channel": mp.SubscriptionFilters_AnythingButPrefix(jsii.String("test-"))},
			}),
		},
		AlarmAction: alarmAction,
	})

	// EventBusRoute: a new bus, three kinds of target, an archive, another account allowed to put events.
	route := mp.NewEventBusRoute(stack, jsii.String("LargeOrders"), &mp.EventBusRouteProps{
		EventBusName: jsii.String("orders"),
		EventPattern: &awsevents.EventPattern{
			Source:     jsii.Strings("shop.orders"),
			DetailType: jsii.Strings("OrderPlaced"),
			Detail: &map[string]interface{}{
				"amount": awsevents.Match_GreaterThan(jsii.Number(100)),
			},
		},
		Targets: &[]mp.RouteTarget{
			mp.RouteTarget_NewQueue(&mp.NewQueueTargetOptions{
				QueueProps: &mp.QueueWithDlqProps{
					QueueName:       jsii.String("large-orders"),
					Consumer:        handler(stack, "LargeOrderConsumer"),
					MaxReceiveCount: jsii.Number(2),
				},
				RetryAttempts: jsii.Number(20),
			}),
			mp.RouteTarget_Topic(placed.Topic(), &mp.RouteTargetOptions{
				Input:       awsevents.RuleTargetInput_FromEventPath(jsii.String("$.detail")),
				MaxEventAge: awscdk.Duration_Hours(jsii.Number(2)),
			}),
			mp.RouteTarget_LambdaFunction(handler(stack, "Notifier"), &mp.LambdaTargetOptions{
				RetryAttempts: jsii.Number(3),
			}),
		},
		RetryAttempts:             jsii.Number(50),
		MaxEventAge:               awscdk.Duration_Hours(jsii.Number(6)),
		DeadLetterRetentionPeriod: awscdk.Duration_Days(jsii.Number(10)),
		Archive: &mp.RouteArchiveOptions{
			ArchiveName: jsii.String("orders"),
			Retention:   awscdk.Duration_Days(jsii.Number(7)),
		},
		PutEventsAccounts: jsii.Strings("111111111111"),
		AlarmAction:       alarmAction,
	})
	route.GrantPutEvents(orderService)

	// KinesisCqrsPipeline: the library's projector, and a second projection with a custom one.
	ledger := mp.NewKinesisCqrsPipeline(stack, jsii.String("OrderLedger"), &mp.KinesisCqrsPipelineProps{
		StreamMode:            awskinesis.StreamMode_PROVISIONED,
		ShardCount:            jsii.Number(2),
		RetentionPeriod:       awscdk.Duration_Days(jsii.Number(3)),
		PartitionKey:          jsii.String("orderId"),
		ProjectorMemorySize:   jsii.Number(512),
		BatchSize:             jsii.Number(200),
		ParallelizationFactor: jsii.Number(2),
		RetryAttempts:         jsii.Number(5),
		AlarmAction:           alarmAction,
	})
	byCustomer := ledger.AddProjection(jsii.String("OrdersByCustomer"), &mp.ProjectionOptions{
		Projector:      handler(stack, "CustomerProjector"),
		PartitionKey:   jsii.String("customerId"),
		BatchSize:      jsii.Number(50),
		EnhancedFanOut: jsii.Bool(true),
	})
	ledger.GrantWriteEvents(orderService)
	byCustomer.GrantQuery(operator)

	// What the constructs expose, read back through the Go binding.
	output := func(id string, value *string) {
		awscdk.NewCfnOutput(stack, jsii.String(id), &awscdk.CfnOutputProps{Value: value})
	}
	output("OrdersQueueUrl", orders.Queue().QueueUrl())
	output("OrdersDeadLetterQueueUrl", orders.DeadLetterQueue().QueueUrl())
	output("OrderPlacedTopicArn", placed.Topic().TopicArn())
	output("EventBusArn", route.EventBus().EventBusArn())
	output("ArchiveArn", route.Archive().ArchiveArn())
	output("LedgerStreamArn", ledger.Stream().StreamArn())
	output("LedgerTableName", ledger.Table().TableName())
	output("CustomerTableName", byCustomer.Table().TableName())
	alarmCount := len(*orders.Alarms()) + len(*placed.Alarms()) + len(*route.Alarms()) + len(*ledger.Alarms())
	output("AlarmCount", jsii.String(fmt.Sprint(alarmCount)))

	return stack
}

func main() {
	defer jsii.Close()

	app := awscdk.NewApp(nil)
	// Message-loss and deploy-time checks: errors fail the synth, warnings are reported.
	awscdk.Validations_Of(app).AddPlugins(mp.NewMessagingChecks(app, nil))
	NewMessagePatternsStack(app, "MessagePatterns", nil)
	app.Synth(nil)
}

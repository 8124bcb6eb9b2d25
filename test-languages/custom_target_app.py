"""A Python app with a route target of its own: a subclass of RouteTarget that
delivers to a CloudWatch Logs log group with the retry policy and dead-letter
queue the route gives it. Its synth shows that RouteTarget can be extended
from Python, as from TypeScript.

    python custom_target_app.py <outdir>
"""
import sys

import aws_cdk as cdk
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_logs as logs
from cdk_message_patterns import EventBusRoute, RouteTarget, RouteTargetConfig


class LogGroupTarget(RouteTarget):
    def __init__(self, log_group: logs.ILogGroup, *, max_event_age: cdk.Duration) -> None:
        super().__init__(max_event_age=max_event_age)
        self._log_group = log_group

    def bind(self, route: EventBusRoute) -> RouteTargetConfig:
        delivery = route.delivery_for(self)
        return RouteTargetConfig(
            rule_target=targets.CloudWatchLogGroup(
                self._log_group,
                retry_attempts=delivery.retry_attempts,
                max_event_age=delivery.max_event_age,
                dead_letter_queue=delivery.dead_letter_queue,
            )
        )


app = cdk.App(outdir=sys.argv[1])
stack = cdk.Stack(app, "CustomTarget")
log_group = logs.LogGroup(stack, "OrderLog", retention=logs.RetentionDays.ONE_MONTH)
route = EventBusRoute(stack, "Orders", event_pattern={"source": ["shop"]}, targets=[RouteTarget.new_queue()])
route.add_target(LogGroupTarget(log_group, max_event_age=cdk.Duration.hours(1)))
app.synth()

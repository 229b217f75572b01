"""`AnomalyDetection`: AWS Cost Anomaly Detection monitors and an immediate alert subscription.

Children (logical names `<name>-<suffix>`, all parented to the component):

| suffix         | resource                                                                    | when          |
|----------------|-----------------------------------------------------------------------------|---------------|
| `services`     | `aws.costexplorer.AnomalyMonitor` DIMENSIONAL / `SERVICE`                    | always        |
| `tag-<key>`    | `aws.costexplorer.AnomalyMonitor` DIMENSIONAL / `TAG` on a cost allocation tag | `tag_key` set |
| `subscription` | `aws.costexplorer.AnomalySubscription` IMMEDIATE to the SNS topic            | always        |

Why the tag monitor is DIMENSIONAL, not CUSTOM: the Cost Explorer API (`AnomalyMonitor`,
`MonitorSpecification`) allows a CUSTOM monitor on a tag only for a fixed list of up to 10 tag
values, evaluated *in aggregate*; an AWS managed (DIMENSIONAL) monitor with dimension `TAG` and
`{"Tags": {"Key": "<key>"}}` evaluates each value of the key on its own and picks up new values (new
cost centres) automatically. That is what a per-cost-centre anomaly alert needs.

IMMEDIATE subscriptions can only notify SNS topics (not email), so the topic's own email
subscriptions carry the alerts. Cost Explorer is served from us-east-1: give a `provider` there.
An account can hold only one AWS managed SERVICE monitor; if the console already created one,
import it (`pulumi import aws:costexplorer/anomalyMonitor:AnomalyMonitor <name>-services <arn>`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

import pulumi
import pulumi_aws as aws

from lz.tags import check_tags

TYPE_TOKEN: Final = "lz:aws:AnomalyDetection"

THRESHOLD_DIMENSION: Final = "ANOMALY_TOTAL_IMPACT_ABSOLUTE"
_SNS_TOPIC_ARN: Final = re.compile(r"arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}")
_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


@dataclass(frozen=True, kw_only=True)
class AnomalyDetectionArgs:
    """Inputs of `AnomalyDetection`."""

    name_prefix: str
    """Required. Prefix of the monitor and subscription names (`<prefix>-services`, ...)."""
    topic_arn: pulumi.Input[str]
    """Required. ARN of the SNS topic alerts go to; its policy must let `costalerts.amazonaws.com`
    publish (as `BudgetAlerts`' topic does)."""
    threshold_usd: float
    """Required. Alert when an anomaly's total impact is at least this many US dollars."""
    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included; applied to monitors and subscription."""
    tag_key: str | None = None
    """Optional. A cost allocation tag key (e.g. `cost-centre`) to watch value by value."""


def validate_anomaly_detection_args(args: AnomalyDetectionArgs) -> list[str]:
    """Every problem with `args`, in field order; empty when an `AnomalyDetection` can be built."""
    problems: list[str] = []
    if _NAME.fullmatch(args.name_prefix) is None:
        problems.append(f"name_prefix {args.name_prefix!r} must be letters, digits, '.', '_' or '-'")
    if isinstance(args.topic_arn, str) and _SNS_TOPIC_ARN.fullmatch(args.topic_arn) is None:
        problems.append(f"topic_arn must be an SNS topic ARN, got {args.topic_arn!r}")
    if not args.threshold_usd > 0:
        problems.append(f"threshold_usd must be above zero, got {args.threshold_usd}")
    problems += [f"tags: {p}" for p in check_tags(args.tags)]
    if args.tag_key is not None and (not args.tag_key or args.tag_key.lower().startswith("aws:")):
        problems.append(f"tag_key {args.tag_key!r} must be a user-defined cost allocation tag key")
    return problems


def tag_monitor_specification(tag_key: str) -> str:
    """`MonitorSpecification` of an AWS managed TAG monitor: every value of `tag_key` on its own."""
    return json.dumps({"Tags": {"Key": tag_key}}, sort_keys=True)


def threshold_value(threshold_usd: float) -> str:
    """The threshold as Cost Explorer expects it, a decimal string: 100.0 -> "100", 12.5 -> "12.5"."""
    return format(Decimal(str(threshold_usd)).normalize(), "f")


class AnomalyDetection(pulumi.ComponentResource):
    """Machine-learning anomaly alerts on spend per AWS service (and per tag value)."""

    service_monitor_arn: pulumi.Output[str]
    """ARN of the SERVICE monitor."""
    monitor_arns: pulumi.Output[list[str]]
    """ARNs of every monitor the subscription covers."""
    subscription_arn: pulumi.Output[str]
    """ARN of the alert subscription."""

    def __init__(self, name: str, args: AnomalyDetectionArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_anomaly_detection_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        tags = dict(args.tags)
        child = pulumi.ResourceOptions(parent=self)

        services = aws.costexplorer.AnomalyMonitor(
            f"{name}-services",
            name=f"{args.name_prefix}-services",
            monitor_type="DIMENSIONAL",
            monitor_dimension="SERVICE",
            tags=tags,
            opts=child,
        )
        monitors = [services]
        if args.tag_key is not None:
            monitors.append(
                aws.costexplorer.AnomalyMonitor(
                    f"{name}-tag-{args.tag_key}",
                    name=f"{args.name_prefix}-tag-{args.tag_key}",
                    monitor_type="DIMENSIONAL",
                    monitor_dimension="TAG",
                    monitor_specification=tag_monitor_specification(args.tag_key),
                    tags=tags,
                    opts=child,
                )
            )
        subscription = aws.costexplorer.AnomalySubscription(
            f"{name}-subscription",
            name=f"{args.name_prefix}-immediate",
            frequency="IMMEDIATE",
            monitor_arn_lists=[m.arn for m in monitors],
            subscribers=[aws.costexplorer.AnomalySubscriptionSubscriberArgs(type="SNS", address=args.topic_arn)],
            threshold_expression=aws.costexplorer.AnomalySubscriptionThresholdExpressionArgs(
                dimension=aws.costexplorer.AnomalySubscriptionThresholdExpressionDimensionArgs(
                    key=THRESHOLD_DIMENSION,
                    match_options=["GREATER_THAN_OR_EQUAL"],
                    values=[threshold_value(args.threshold_usd)],
                )
            ),
            tags=tags,
            opts=child,
        )
        self.service_monitor_arn = services.arn
        self.monitor_arns = pulumi.Output.all(*(m.arn for m in monitors)).apply(list)
        self.subscription_arn = subscription.arn
        self.register_outputs(
            {
                "service_monitor_arn": self.service_monitor_arn,
                "monitor_arns": self.monitor_arns,
                "subscription_arn": self.subscription_arn,
            }
        )

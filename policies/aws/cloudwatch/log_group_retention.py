"""aws-cloudwatch-log-group-retention: log groups set a retention of at least 90 days.

Why: without `retentionInDays` CloudWatch keeps logs forever and bills for them forever — nobody
decided. Too short a retention loses the record an investigation needs: incidents are often found
weeks later. 0 means "never expire", an explicit decision, and is accepted.

Config `minimum_days` (default 90).

Messages:
* `Log group has no retentionInDays, so logs are kept (and billed) forever; set at least 90 days`
* `Log group keeps logs for 30 days; at least 90 are required`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

DEFAULT_MINIMUM_DAYS: Final = 90


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    minimum = int(args.get_config().get("minimum_days", DEFAULT_MINIMUM_DAYS))
    days = get(props, "retentionInDays")
    if days is None:
        report(
            f"Log group has no retentionInDays, so logs are kept (and billed) forever; set at least {minimum} days",
            None,
        )
    elif 0 < int(days) < minimum:
        report(f"Log group keeps logs for {int(days)} days; at least {minimum} are required", None)


POLICY, METADATA = resource_policy(
    name="aws-cloudwatch-log-group-retention",
    description="CloudWatch log groups set a retention period of at least 90 days.",
    severity="medium",
    frameworks=Frameworks(ncsc="13", cyber_essentials="Secure configuration", checkov=("CKV_AWS_66", "CKV_AWS_338")),
    remediation=(
        "Set `retention_in_days` to 90 or more (a CloudWatch-supported value: 90, 120, 150, 180, 365, "
        "400, 545, 731...; the central flow-log group keeps 400). Archive to the S3 log archive for "
        "longer, cheaper retention."
    ),
    resource_types=("aws:cloudwatch/logGroup:LogGroup",),
    validate=_validate,
    topics=("logging", "cost"),
    config_schema=PolicyConfigSchema(
        properties={
            "minimum_days": {
                "type": "integer",
                "minimum": 1,
                "default": DEFAULT_MINIMUM_DAYS,
                "description": "Fewest days a log group may keep its logs (0, never expire, is always accepted).",
            }
        }
    ),
    config_defaults={"minimum_days": DEFAULT_MINIMUM_DAYS},
)

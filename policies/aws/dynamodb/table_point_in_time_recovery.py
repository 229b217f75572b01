"""aws-dynamodb-table-point-in-time-recovery: DynamoDB tables have point-in-time recovery.

Why: without it a table cannot be restored to the moment before a faulty deployment, a bulk
mistake or a malicious delete; on-demand backups only capture the moments someone remembered.
Point-in-time recovery keeps 35 days (configurable) of continuous backups.

Message:
* `DynamoDB table has no point-in-time recovery (pointInTimeRecovery.enabled is not true)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "pointInTimeRecovery.enabled") is not True:
        report("DynamoDB table has no point-in-time recovery (pointInTimeRecovery.enabled is not true)", None)


POLICY, METADATA = resource_policy(
    name="aws-dynamodb-table-point-in-time-recovery",
    description="DynamoDB tables have point-in-time recovery enabled.",
    severity="high",
    frameworks=Frameworks(ncsc="2.6", cyber_essentials="Secure configuration", checkov=("CKV_AWS_28",)),
    remediation=(
        "Set `point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True)` (optionally "
        "`recovery_period_in_days`). It applies in place."
    ),
    resource_types=("aws:dynamodb/table:Table",),
    validate=_validate,
    topics=("resilience", "database"),
)

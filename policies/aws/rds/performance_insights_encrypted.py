"""aws-rds-performance-insights-encrypted: Performance Insights data is encrypted with a
customer-managed KMS key.

Why: Performance Insights keeps samples of the SQL the database ran — statements that often carry
residents' names, addresses and reference numbers in their literals. Without
`performanceInsightsKmsKeyId` it is encrypted with the AWS-managed `aws/rds` key, which every
principal with RDS permissions in the account can use. Applies to DB instances, cluster instances
and clusters that turn Performance Insights on. A key reference unknown during a preview comes from
a key of the program and counts as customer-managed.

Messages:
* `Performance Insights is not encrypted with a customer-managed KMS key (performanceInsightsKmsKeyId is not set)`
* `... (performanceInsightsKmsKeyId names an AWS-managed key)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws import CUSTOMER_MANAGED, NO_KEY, key_kind
from policies.aws.rds import CLUSTER, CLUSTER_INSTANCE, INSTANCE
from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "performanceInsightsEnabled") is not True:
        return
    kind = key_kind(props, "performanceInsightsKmsKeyId")
    if kind == CUSTOMER_MANAGED:
        return
    detail = "is not set" if kind == NO_KEY else "names an AWS-managed key"
    report(
        f"Performance Insights is not encrypted with a customer-managed KMS key (performanceInsightsKmsKeyId {detail})",
        None,
    )


POLICY, METADATA = resource_policy(
    name="aws-rds-performance-insights-encrypted",
    description="RDS Performance Insights, where enabled, uses a customer-managed KMS key.",
    severity="medium",
    frameworks=Frameworks(ncsc="2.3", cyber_essentials="Secure configuration", checkov=("CKV_AWS_354",)),
    remediation=(
        "Set `performance_insights_kms_key_id` to the service's customer-managed key "
        "(`modules.aws.database.Database` uses `kms_key_arn` for it). The key cannot be changed once "
        "Performance Insights is on: turn it off and on again with the new key."
    ),
    resource_types=(INSTANCE, CLUSTER_INSTANCE, CLUSTER),
    validate=_validate,
    topics=("encryption", "database"),
)

"""aws-rds-cluster-deletion-protection-production: production RDS clusters have deletion protection.

Why: as for DB instances (`aws-rds-instance-deletion-protection-production`): deleting a
production cluster, by a destroy or an unintended replacement, loses the service's system of
record. Production is read from the `environment` tag.

Message:
* `Production RDS cluster has no deletion protection (deletionProtection is not true)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws.rds import CLUSTER
from policies.lib import Frameworks, get, is_production, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if is_production(props) and get(props, "deletionProtection") is not True:
        report("Production RDS cluster has no deletion protection (deletionProtection is not true)", None)


POLICY, METADATA = resource_policy(
    name="aws-rds-cluster-deletion-protection-production",
    description="RDS clusters tagged environment=prod have deletion protection enabled.",
    severity="high",
    frameworks=Frameworks(ncsc="2.6", cyber_essentials="Secure configuration", checkov=("CKV_AWS_139",)),
    remediation=(
        "Set `deletion_protection=True` on the `aws.rds.Cluster`, with `skip_final_snapshot=False` and "
        "a `final_snapshot_identifier`, and the `protect` resource option."
    ),
    resource_types=(CLUSTER,),
    validate=_validate,
    topics=("resilience", "database"),
)

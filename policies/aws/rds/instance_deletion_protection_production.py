"""aws-rds-instance-deletion-protection-production: production RDS instances have deletion
protection.

Why: a production database is the system of record for a council service. Deletion protection
makes RDS refuse a delete — from a mistaken `pulumi destroy`, a replacement caused by a changed
argument, or the console — until someone turns it off on purpose. Production is read from the
`environment` tag.

Message:
* `Production RDS instance has no deletion protection (deletionProtection is not true)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws.rds import INSTANCE
from policies.lib import Frameworks, get, is_production, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if is_production(props) and get(props, "deletionProtection") is not True:
        report("Production RDS instance has no deletion protection (deletionProtection is not true)", None)


POLICY, METADATA = resource_policy(
    name="aws-rds-instance-deletion-protection-production",
    description="RDS DB instances tagged environment=prod have deletion protection enabled.",
    severity="high",
    frameworks=Frameworks(ncsc="2.6", cyber_essentials="Secure configuration", checkov=("CKV_AWS_293",)),
    remediation=(
        "Set `deletion_protection=True`: `DatabaseArgs.lock=True` in `modules.aws.database.Database` "
        "(service stacks lock production automatically), which also keeps a final snapshot."
    ),
    resource_types=(INSTANCE,),
    validate=_validate,
    topics=("resilience", "database"),
)

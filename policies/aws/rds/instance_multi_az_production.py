"""aws-rds-instance-multi-az-production: production RDS instances run Multi-AZ.

Why: a single-AZ instance is down for the whole of an availability-zone outage, a host failure or
much of its maintenance; Multi-AZ fails over to a synchronous standby in about a minute. Council
services that residents depend on (repairs, benefits, social care) need that in production. Read
replicas are skipped (they are recovery aids, not the system of record). Production is read from the
`environment` tag.

Message:
* `Production RDS instance is single-AZ (multiAz is not true)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws.rds import INSTANCE, is_replica
from policies.lib import Frameworks, get, is_production, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if is_production(props) and not is_replica(props) and get(props, "multiAz") is not True:
        report("Production RDS instance is single-AZ (multiAz is not true)", None)


POLICY, METADATA = resource_policy(
    name="aws-rds-instance-multi-az-production",
    description="RDS DB instances tagged environment=prod are Multi-AZ.",
    severity="high",
    frameworks=Frameworks(ncsc="2.6", cyber_essentials="Secure configuration", checkov=("CKV_AWS_157",)),
    remediation=(
        "Set `multi_az=True`: `DatabaseArgs.multi_az` (service stacks default it to True in production; "
        "the manifest's `multi_az: false` overrides that and needs an exception). SQL Server Web and "
        "Express editions cannot run Multi-AZ: use Standard or Enterprise edition in production."
    ),
    resource_types=(INSTANCE,),
    validate=_validate,
    topics=("resilience", "database"),
)

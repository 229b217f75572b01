"""aws-rds-instance-not-public: RDS DB instances are not publicly accessible.

Why: `publiclyAccessible` gives the instance a public DNS name and address; one permissive security
group rule then exposes the database listener — and residents' data — to the internet, where
database ports are brute-forced around the clock (CIS AWS 2.3.3). Council databases are reached
from their spoke VPC only.

Message:
* `RDS instance is publicly accessible (publiclyAccessible is true)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws.rds import INSTANCE
from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "publiclyAccessible") is True:
        report("RDS instance is publicly accessible (publiclyAccessible is true)", None)


POLICY, METADATA = resource_policy(
    name="aws-rds-instance-not-public",
    description="RDS DB instances are not publicly accessible.",
    severity="critical",
    frameworks=Frameworks(
        ncsc="11",
        cis="CIS AWS Foundations Benchmark v3.0.0 2.3.3",
        cyber_essentials="Firewalls",
        checkov=("CKV_AWS_17",),
    ),
    remediation=(
        "Set `publicly_accessible=False` (`modules.aws.database.Database` always does) and place the "
        "instance in the private subnets of the service's spoke VPC. Clients reach it from the VPC or "
        "through the hub; administrators through Session Manager port forwarding."
    ),
    resource_types=(INSTANCE,),
    validate=_validate,
    topics=("public-access", "database"),
)

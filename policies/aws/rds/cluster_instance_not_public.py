"""aws-rds-cluster-instance-not-public: Aurora cluster instances are not publicly accessible.

Why: as for DB instances (`aws-rds-instance-not-public`): a public cluster instance is one security
group rule away from exposing the database to the internet (CIS AWS 2.3.3).

Message:
* `RDS cluster instance is publicly accessible (publiclyAccessible is true)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws.rds import CLUSTER_INSTANCE
from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "publiclyAccessible") is True:
        report("RDS cluster instance is publicly accessible (publiclyAccessible is true)", None)


POLICY, METADATA = resource_policy(
    name="aws-rds-cluster-instance-not-public",
    description="RDS cluster instances are not publicly accessible.",
    severity="critical",
    frameworks=Frameworks(
        ncsc="11",
        cis="CIS AWS Foundations Benchmark v3.0.0 2.3.3",
        cyber_essentials="Firewalls",
        checkov=("CKV_AWS_17",),
    ),
    remediation=(
        "Set `publicly_accessible=False` on every `aws.rds.ClusterInstance` and use private subnets in "
        "the cluster's DB subnet group."
    ),
    resource_types=(CLUSTER_INSTANCE,),
    validate=_validate,
    topics=("public-access", "database"),
)

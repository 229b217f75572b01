"""aws-rds-instance-auto-minor-version-upgrade: RDS instances take minor engine upgrades
automatically.

Why: minor versions carry the engine's security fixes. With automatic minor upgrades RDS applies
them in the maintenance window; without, they wait for someone to remember (CIS AWS 2.3.2). The
setting defaults to true, so only an explicit false is reported.

Message:
* `RDS instance does not take minor engine upgrades automatically (autoMinorVersionUpgrade is false)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws.rds import CLUSTER_INSTANCE, INSTANCE
from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "autoMinorVersionUpgrade") is False:
        report(
            "RDS instance does not take minor engine upgrades automatically (autoMinorVersionUpgrade is false)",
            None,
        )


POLICY, METADATA = resource_policy(
    name="aws-rds-instance-auto-minor-version-upgrade",
    description="RDS DB instances and cluster instances keep automatic minor version upgrades on.",
    severity="medium",
    frameworks=Frameworks(
        ncsc="5.2",
        cis="CIS AWS Foundations Benchmark v3.0.0 2.3.2",
        cyber_essentials="Security update management",
        checkov=("CKV_AWS_226",),
    ),
    remediation=(
        "Leave `auto_minor_version_upgrade` at its default (True; `modules.aws.database.Database` sets "
        "it) and keep the maintenance window (`sun:03:00-04:00` in the module) outside service hours."
    ),
    resource_types=(INSTANCE, CLUSTER_INSTANCE),
    validate=_validate,
    topics=("patching", "database"),
)

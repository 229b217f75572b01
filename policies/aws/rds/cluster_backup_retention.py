"""aws-rds-cluster-backup-retention: RDS clusters keep automated backups for at least 7 days.

Why: as for DB instances (`aws-rds-instance-backup-retention`): a week of point-in-time recovery is
the least a council needs to recover from a bad change or ransomware; the cluster default is one
day.

Config `minimum_days` (default 7).

Messages:
* `RDS cluster keeps automated backups for 1 days; at least 7 are required`
* `RDS cluster does not set backupRetentionPeriod (AWS keeps 1 day); at least 7 days are required`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs

from policies.aws.rds import CLUSTER
from policies.aws.rds.instance_backup_retention import DEFAULT_MINIMUM_DAYS, SCHEMA, retention_problem
from policies.lib import Frameworks, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    problem = retention_problem("RDS cluster", props, args.get_config())
    if problem:
        report(problem, None)


POLICY, METADATA = resource_policy(
    name="aws-rds-cluster-backup-retention",
    description="RDS clusters keep automated backups for at least 7 days.",
    severity="high",
    frameworks=Frameworks(ncsc="2.6", cyber_essentials="Secure configuration", checkov=("CKV_AWS_133",)),
    remediation="Set `backup_retention_period` on the `aws.rds.Cluster` to 7-35 days.",
    resource_types=(CLUSTER,),
    validate=_validate,
    topics=("resilience", "database"),
    config_schema=PolicyConfigSchema(properties=SCHEMA),
    config_defaults={"minimum_days": DEFAULT_MINIMUM_DAYS},
)

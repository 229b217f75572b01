"""aws-rds-instance-backup-retention: RDS DB instances keep automated backups for at least 7 days.

Why: automated backups give point-in-time recovery. A council needs at least a week to notice and
recover from a bad release, a mistaken bulk update or ransomware; the AWS API default is one day
and 0 turns backups off. Read replicas (`replicateSourceDb`) rely on their source's backups and
are skipped.

Config `minimum_days` (default 7).

Messages:
* `RDS instance keeps automated backups for 1 days; at least 7 are required`
* `RDS instance does not set backupRetentionPeriod (AWS keeps 1 day); at least 7 days are required`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs

from policies.aws.rds import INSTANCE, is_replica
from policies.lib import Frameworks, get, resource_policy

DEFAULT_MINIMUM_DAYS: Final = 7
SCHEMA: Final = {
    "minimum_days": {
        "type": "integer",
        "minimum": 1,
        "maximum": 35,
        "default": DEFAULT_MINIMUM_DAYS,
        "description": "Fewest days of automated backups (RDS allows up to 35).",
    }
}


def retention_problem(what: str, props: Mapping[str, Any], config: Mapping[str, Any]) -> str | None:
    """The message when backups are kept too briefly (shared with clusters)."""
    minimum = int(config.get("minimum_days", DEFAULT_MINIMUM_DAYS))
    days = get(props, "backupRetentionPeriod")
    if days is None:
        return f"{what} does not set backupRetentionPeriod (AWS keeps 1 day); at least {minimum} days are required"
    if int(days) < minimum:
        return f"{what} keeps automated backups for {int(days)} days; at least {minimum} are required"
    return None


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if is_replica(props):
        return
    problem = retention_problem("RDS instance", props, args.get_config())
    if problem:
        report(problem, None)


POLICY, METADATA = resource_policy(
    name="aws-rds-instance-backup-retention",
    description="RDS DB instances keep automated backups for at least 7 days.",
    severity="high",
    frameworks=Frameworks(ncsc="2.6", cyber_essentials="Secure configuration", checkov=("CKV_AWS_133",)),
    remediation=(
        "Set `backup_retention_period` to 7-35 days: `DatabaseArgs.backup_retention_days` in "
        "`modules.aws.database.Database` (manifest: `backup_retention_days` of the database "
        "component, 7 to 35). Keep longer-term copies with AWS Backup where retention schedules "
        "require it."
    ),
    resource_types=(INSTANCE,),
    validate=_validate,
    topics=("resilience", "database"),
    config_schema=PolicyConfigSchema(properties=SCHEMA),
    config_defaults={"minimum_days": DEFAULT_MINIMUM_DAYS},
)

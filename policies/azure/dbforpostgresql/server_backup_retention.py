"""azure-dbforpostgresql-server-backup-retention: a PostgreSQL flexible server keeps backups long
enough to recover.

Why: point-in-time restore is the council's way back from corruption, a bad release or ransomware;
the window must be long enough to notice the problem (NCSC principle 2.6).

Checks `backup.backupRetentionDays` on `azure-native:dbforpostgresql:Server`: it must be at least the
configured minimum. Absent means Azure's default of 7 days, judged like an explicit 7.

Config: `min_backup_retention_days` (integer 7-35), default 7.

Message: `PostgreSQL flexible server keeps backups for 7 days: set backup.backupRetentionDays to at least 14`
(`7 days (the default)` when the property is absent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import PolicyConfigSchema, ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy

AZURE_DEFAULT_DAYS: Final = 7
DEFAULT_MIN_DAYS: Final = 7


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    minimum = int(args.get_config().get("min_backup_retention_days", DEFAULT_MIN_DAYS))
    days = get(props, "backup.backupRetentionDays")
    shown = f"{int(days)} days" if isinstance(days, (int, float)) else f"{AZURE_DEFAULT_DAYS} days (the default)"
    effective = days if isinstance(days, (int, float)) else AZURE_DEFAULT_DAYS
    if effective < minimum:
        report(
            f"PostgreSQL flexible server keeps backups for {shown}: "
            f"set backup.backupRetentionDays to at least {minimum}",
            None,
        )


POLICY, METADATA = resource_policy(
    name="azure-dbforpostgresql-server-backup-retention",
    description="PostgreSQL flexible servers keep automated backups for at least the configured number of days.",
    severity="high",
    frameworks=Frameworks(
        ncsc="2.6",
        cyber_essentials="Secure configuration",
    ),
    remediation="Set `backup=dbforpostgresql.BackupArgs(backup_retention_days=<days>)` (7 to 35).",
    resource_types=("azure-native:dbforpostgresql:Server",),
    validate=_validate,
    topics=("database", "resilience", "backup"),
    config_schema=PolicyConfigSchema(
        properties={
            "min_backup_retention_days": {
                "type": "integer",
                "minimum": 7,
                "maximum": 35,
                "default": DEFAULT_MIN_DAYS,
                "description": "Fewest days of point-in-time restore a PostgreSQL flexible server keeps.",
            },
        },
    ),
    config_defaults={"min_backup_retention_days": DEFAULT_MIN_DAYS},
)

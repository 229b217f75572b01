"""azure-dbforpostgresql-server-geo-redundant-backup-prod: production PostgreSQL flexible servers keep
geo-redundant backups.

Why: a production council service must survive the loss of its region. Geo-redundant backups are
copied to the paired region (UK South <-> UK West), so the data can be restored elsewhere in the
UK (NCSC principle 2.6). Geo-redundancy can only be chosen when the server is created.

Checks `azure-native:dbforpostgresql:Server` resources whose `environment` tag is a production
environment (`prod`, `production`, `live`): `backup.geoRedundantBackup` must be `Enabled`. Other
environments are not judged.

Message: `Production PostgreSQL flexible server has no geo-redundant backups (backup.geoRedundantBackup Disabled):
set it to Enabled`
(on one line; `not set` in place of the value when absent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, is_production, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not is_production(props):
        return
    setting = get(props, "backup.geoRedundantBackup")
    if setting != "Enabled":
        shown = setting if setting is not None else "not set"
        report(
            f"Production PostgreSQL flexible server has no geo-redundant backups (backup.geoRedundantBackup "
            f"{shown}): set it to Enabled",
            None,
        )


POLICY, METADATA = resource_policy(
    name="azure-dbforpostgresql-server-geo-redundant-backup-prod",
    description="Production PostgreSQL flexible servers keep geo-redundant backups in the paired UK region.",
    severity="high",
    frameworks=Frameworks(
        ncsc="2.6",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AZURE_136",),
    ),
    remediation="Create the server with `backup=dbforpostgresql.BackupArgs(geo_redundant_backup='Enabled', ...)`.",
    resource_types=("azure-native:dbforpostgresql:Server",),
    validate=_validate,
    topics=("database", "resilience", "backup"),
)

"""azure-dbforpostgresql-server-backup-retention: retention (default 7 days) at least the configured minimum."""

from __future__ import annotations

from azure_policy_fixtures import POSTGRES, POSTGRES_PROPS, SQL_SERVER, changed, without
from policy_harness import violations

from policies.azure.dbforpostgresql.server_backup_retention import METADATA, POLICY


def test_metadata() -> None:
    assert METADATA.name == "azure-dbforpostgresql-server-backup-retention"
    assert METADATA.severity == "high"
    assert METADATA.config_defaults == {"min_backup_retention_days": 7}


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, POSTGRES, POSTGRES_PROPS) == []


def test_azure_default_of_seven_days_passes() -> None:
    assert violations(POLICY, POSTGRES, without(POSTGRES_PROPS, "backup.backupRetentionDays")) == []


def test_short_retention_fails() -> None:
    props = changed(POSTGRES_PROPS, "backup.backupRetentionDays", 3)
    assert violations(POLICY, POSTGRES, props) == [
        "PostgreSQL flexible server keeps backups for 3 days: set backup.backupRetentionDays to at least 7"
    ]


def test_raised_minimum_judges_explicit_retention() -> None:
    assert violations(POLICY, POSTGRES, POSTGRES_PROPS, config={"min_backup_retention_days": 35}) == [
        "PostgreSQL flexible server keeps backups for 14 days: set backup.backupRetentionDays to at least 35"
    ]


def test_raised_minimum_judges_the_default() -> None:
    props = without(POSTGRES_PROPS, "backup")
    assert violations(POLICY, POSTGRES, props, config={"min_backup_retention_days": 14}) == [
        "PostgreSQL flexible server keeps backups for 7 days (the default): "
        "set backup.backupRetentionDays to at least 14"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, SQL_SERVER, {"backup": {"backupRetentionDays": 1}}) == []

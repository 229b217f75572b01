"""azure-dbforpostgresql-server-geo-redundant-backup-prod: production servers need geo-redundant backups."""

from __future__ import annotations

import pytest
from azure_policy_fixtures import POSTGRES, POSTGRES_PROPS, SQL_SERVER, changed, without
from policy_harness import violations

from policies.azure.dbforpostgresql.server_geo_redundant_backup_prod import METADATA, POLICY


def _message(shown: str) -> str:
    return (
        f"Production PostgreSQL flexible server has no geo-redundant backups (backup.geoRedundantBackup {shown}): "
        "set it to Enabled"
    )


def test_metadata() -> None:
    assert METADATA.name == "azure-dbforpostgresql-server-geo-redundant-backup-prod"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, POSTGRES, POSTGRES_PROPS) == []


def test_production_without_geo_backup_fails() -> None:
    props = changed(POSTGRES_PROPS, "backup.geoRedundantBackup", "Disabled")
    assert violations(POLICY, POSTGRES, props) == [_message("Disabled")]


def test_production_with_geo_backup_unset_fails() -> None:
    props = without(POSTGRES_PROPS, "backup.geoRedundantBackup")
    assert violations(POLICY, POSTGRES, props) == [_message("not set")]


@pytest.mark.parametrize("environment", ["production", "live"])
def test_every_production_name_is_judged(environment: str) -> None:
    props = changed(changed(POSTGRES_PROPS, "backup.geoRedundantBackup", "Disabled"), "tags.environment", environment)
    assert violations(POLICY, POSTGRES, props) == [_message("Disabled")]


def test_non_production_is_not_judged() -> None:
    props = changed(changed(POSTGRES_PROPS, "backup.geoRedundantBackup", "Disabled"), "tags.environment", "dev")
    assert violations(POLICY, POSTGRES, props) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, SQL_SERVER, {"tags": {"environment": "prod"}}) == []

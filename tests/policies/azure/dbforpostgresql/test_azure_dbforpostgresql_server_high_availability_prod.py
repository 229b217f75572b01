"""azure-dbforpostgresql-server-high-availability-prod: production servers run with a standby."""

from __future__ import annotations

from azure_policy_fixtures import POSTGRES, POSTGRES_PROPS, SQL_SERVER, changed, without
from policy_harness import violations

from policies.azure.dbforpostgresql.server_high_availability_prod import METADATA, POLICY


def _message(shown: str) -> str:
    return (
        f"Production PostgreSQL flexible server has no high availability (highAvailability.mode {shown}): "
        "set it to ZoneRedundant (or SameZone in UK West)"
    )


def test_metadata() -> None:
    assert METADATA.name == "azure-dbforpostgresql-server-high-availability-prod"
    assert METADATA.severity == "medium"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, POSTGRES, POSTGRES_PROPS) == []


def test_same_zone_passes() -> None:
    assert violations(POLICY, POSTGRES, changed(POSTGRES_PROPS, "highAvailability.mode", "SameZone")) == []


def test_production_without_ha_fails() -> None:
    props = changed(POSTGRES_PROPS, "highAvailability.mode", "Disabled")
    assert violations(POLICY, POSTGRES, props) == [_message("Disabled")]


def test_production_with_ha_unset_fails() -> None:
    assert violations(POLICY, POSTGRES, without(POSTGRES_PROPS, "highAvailability")) == [_message("not set")]


def test_non_production_is_not_judged() -> None:
    props = changed(without(POSTGRES_PROPS, "highAvailability"), "tags.environment", "test")
    assert violations(POLICY, POSTGRES, props) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, SQL_SERVER, {"tags": {"environment": "prod"}}) == []

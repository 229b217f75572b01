"""azure-dbforpostgresql-server-public-network-disabled: Disabled or VNet-integrated pass."""

from __future__ import annotations

from azure_policy_fixtures import POSTGRES, POSTGRES_PROPS, SQL_SERVER, SUBNET_ID, changed, without
from policy_harness import violations

from policies.azure.dbforpostgresql.server_public_network_disabled import METADATA, POLICY


def _message(shown: str) -> str:
    return (
        f"PostgreSQL flexible server public network access is enabled (network.publicNetworkAccess {shown}): "
        "set it to Disabled and use a private endpoint or VNet integration"
    )


def test_metadata() -> None:
    assert METADATA.name == "azure-dbforpostgresql-server-public-network-disabled"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, POSTGRES, POSTGRES_PROPS) == []


def test_vnet_integrated_server_passes() -> None:
    props = changed(POSTGRES_PROPS, "network", {"delegatedSubnetResourceId": SUBNET_ID})
    assert violations(POLICY, POSTGRES, props) == []


def test_enabled_fails() -> None:
    props = changed(POSTGRES_PROPS, "network.publicNetworkAccess", "Enabled")
    assert violations(POLICY, POSTGRES, props) == [_message("Enabled")]


def test_no_network_block_fails() -> None:
    assert violations(POLICY, POSTGRES, without(POSTGRES_PROPS, "network")) == [_message("not set")]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, SQL_SERVER, {}) == []

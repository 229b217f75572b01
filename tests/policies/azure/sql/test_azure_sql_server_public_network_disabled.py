"""azure-sql-server-public-network-disabled: Disabled or SecuredByPerimeter pass; Enabled or unset fail."""

from __future__ import annotations

import pytest
from azure_policy_fixtures import POSTGRES, SQL_SERVER, SQL_SERVER_PROPS, changed, without
from policy_harness import violations

from policies.azure.sql.server_public_network_disabled import METADATA, POLICY


def _message(shown: str) -> str:
    return (
        f"SQL server public network access is enabled (publicNetworkAccess {shown}): "
        "set it to Disabled and use a private endpoint"
    )


def test_metadata() -> None:
    assert METADATA.name == "azure-sql-server-public-network-disabled"
    assert METADATA.severity == "high"


@pytest.mark.parametrize("access", ["Disabled", "SecuredByPerimeter"])
def test_private_server_passes(access: str) -> None:
    assert violations(POLICY, SQL_SERVER, changed(SQL_SERVER_PROPS, "publicNetworkAccess", access)) == []


def test_enabled_fails() -> None:
    assert violations(POLICY, SQL_SERVER, changed(SQL_SERVER_PROPS, "publicNetworkAccess", "Enabled")) == [
        _message("Enabled")
    ]


def test_unset_fails() -> None:
    assert violations(POLICY, SQL_SERVER, without(SQL_SERVER_PROPS, "publicNetworkAccess")) == [_message("not set")]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, POSTGRES, {"publicNetworkAccess": "Enabled"}) == []

"""azure-keyvault-vault-public-network-disabled: `properties.publicNetworkAccess` must be Disabled."""

from __future__ import annotations

from azure_policy_fixtures import KEY_VAULT, KEY_VAULT_PROPS, STORAGE_ACCOUNT, changed, without
from policy_harness import violations

from policies.azure.keyvault.vault_public_network_disabled import METADATA, POLICY


def _message(shown: str) -> str:
    return (
        f"Key Vault public network access is enabled (properties.publicNetworkAccess {shown}): "
        "set it to Disabled and use a private endpoint"
    )


def test_metadata() -> None:
    assert METADATA.name == "azure-keyvault-vault-public-network-disabled"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, KEY_VAULT, KEY_VAULT_PROPS) == []


def test_lower_case_disabled_passes() -> None:
    assert violations(POLICY, KEY_VAULT, changed(KEY_VAULT_PROPS, "properties.publicNetworkAccess", "disabled")) == []


def test_enabled_fails() -> None:
    props = changed(KEY_VAULT_PROPS, "properties.publicNetworkAccess", "Enabled")
    assert violations(POLICY, KEY_VAULT, props) == [_message("Enabled")]


def test_unset_fails() -> None:
    props = without(KEY_VAULT_PROPS, "properties.publicNetworkAccess")
    assert violations(POLICY, KEY_VAULT, props) == [_message("not set")]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, {}) == []

"""azure-keyvault-vault-network-default-deny: `properties.networkAcls.defaultAction` must be Deny."""

from __future__ import annotations

from azure_policy_fixtures import KEY_VAULT, KEY_VAULT_PROPS, STORAGE_ACCOUNT, changed, without
from policy_harness import violations

from policies.azure.keyvault.vault_network_default_deny import METADATA, POLICY


def _message(shown: str) -> str:
    return (
        f"Key Vault firewall allows all networks by default (properties.networkAcls.defaultAction {shown}): "
        "set it to Deny"
    )


def test_metadata() -> None:
    assert METADATA.name == "azure-keyvault-vault-network-default-deny"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, KEY_VAULT, KEY_VAULT_PROPS) == []


def test_default_allow_fails() -> None:
    props = changed(KEY_VAULT_PROPS, "properties.networkAcls.defaultAction", "Allow")
    assert violations(POLICY, KEY_VAULT, props) == [_message("Allow")]


def test_no_network_acls_fails() -> None:
    assert violations(POLICY, KEY_VAULT, without(KEY_VAULT_PROPS, "properties.networkAcls")) == [_message("not set")]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, {}) == []

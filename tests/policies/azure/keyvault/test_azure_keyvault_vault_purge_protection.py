"""azure-keyvault-vault-purge-protection: `properties.enablePurgeProtection` must be true."""

from __future__ import annotations

from azure_policy_fixtures import KEY_VAULT, KEY_VAULT_PROPS, STORAGE_ACCOUNT, changed, without
from policy_harness import violations

from policies.azure.keyvault.vault_purge_protection import METADATA, POLICY

MESSAGE = "Key Vault does not have purge protection: set properties.enablePurgeProtection to true"


def test_metadata() -> None:
    assert METADATA.name == "azure-keyvault-vault-purge-protection"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, KEY_VAULT, KEY_VAULT_PROPS) == []


def test_purge_protection_off_fails() -> None:
    assert violations(POLICY, KEY_VAULT, changed(KEY_VAULT_PROPS, "properties.enablePurgeProtection", False)) == [
        MESSAGE
    ]


def test_unset_fails() -> None:
    assert violations(POLICY, KEY_VAULT, without(KEY_VAULT_PROPS, "properties.enablePurgeProtection")) == [MESSAGE]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, {}) == []

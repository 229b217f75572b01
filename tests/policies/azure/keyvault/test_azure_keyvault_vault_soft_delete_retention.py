"""azure-keyvault-vault-soft-delete-retention: soft delete stays on; retention at least the configured days."""

from __future__ import annotations

from azure_policy_fixtures import KEY_VAULT, KEY_VAULT_PROPS, STORAGE_ACCOUNT, changed, without
from policy_harness import violations

from policies.azure.keyvault.vault_soft_delete_retention import METADATA, POLICY

DISABLED = "Key Vault disables soft delete: remove properties.enableSoftDelete false"


def test_metadata() -> None:
    assert METADATA.name == "azure-keyvault-vault-soft-delete-retention"
    assert METADATA.severity == "medium"
    assert METADATA.config_defaults == {"min_retention_days": 7}


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, KEY_VAULT, KEY_VAULT_PROPS) == []


def test_azure_default_retention_passes() -> None:
    assert violations(POLICY, KEY_VAULT, without(KEY_VAULT_PROPS, "properties.softDeleteRetentionInDays")) == []


def test_minimum_retention_passes() -> None:
    assert violations(POLICY, KEY_VAULT, changed(KEY_VAULT_PROPS, "properties.softDeleteRetentionInDays", 7)) == []


def test_soft_delete_disabled_fails() -> None:
    assert violations(POLICY, KEY_VAULT, changed(KEY_VAULT_PROPS, "properties.enableSoftDelete", False)) == [DISABLED]


def test_short_retention_fails() -> None:
    assert violations(POLICY, KEY_VAULT, changed(KEY_VAULT_PROPS, "properties.softDeleteRetentionInDays", 5)) == [
        "Key Vault keeps deleted items for 5 days: set properties.softDeleteRetentionInDays to at least 7"
    ]


def test_minimum_is_configurable() -> None:
    props = changed(KEY_VAULT_PROPS, "properties.softDeleteRetentionInDays", 30)
    assert violations(POLICY, KEY_VAULT, props, config={"min_retention_days": 90}) == [
        "Key Vault keeps deleted items for 30 days: set properties.softDeleteRetentionInDays to at least 90"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, {"properties": {"enableSoftDelete": False}}) == []

"""azure-storage-account-cmk-when-sensitive: OFFICIAL-SENSITIVE accounts need a Key Vault key; other
classifications are not judged."""

from __future__ import annotations

from azure_policy_fixtures import (
    BLOB_CONTAINER,
    STORAGE_ACCOUNT,
    STORAGE_ACCOUNT_PROPS,
    TAGS,
    changed,
    without,
)
from policy_harness import violations

from policies.azure.storage.account_cmk_when_sensitive import METADATA, POLICY

#: What the storage module sends without `customer_managed_key` (as in the example estate).
MICROSOFT_KEYS = changed(
    STORAGE_ACCOUNT_PROPS,
    "encryption",
    {
        "keySource": "Microsoft.Storage",
        "requireInfrastructureEncryption": True,
        "services": {"blob": {"enabled": True, "keyType": "Account"}, "file": {"enabled": True, "keyType": "Account"}},
    },
)
MISSING_KEY = (
    "Storage account uses a customer-managed key but encryption.keyVaultProperties does not name it: "
    "set keyName and keyVaultUri"
)


def test_metadata() -> None:
    assert METADATA.name == "azure-storage-account-cmk-when-sensitive"
    assert METADATA.severity == "high"


def test_sensitive_account_with_customer_managed_key_passes() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, STORAGE_ACCOUNT_PROPS) == []


def test_sensitive_account_with_microsoft_managed_keys_fails() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, MICROSOFT_KEYS) == [
        "OFFICIAL-SENSITIVE storage account is encrypted with Microsoft-managed keys (encryption.keySource "
        "Microsoft.Storage): use a customer-managed key (encryption.keySource Microsoft.Keyvault)"
    ]


def test_sensitive_account_without_key_source_fails() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, without(STORAGE_ACCOUNT_PROPS, "encryption.keySource")) == [
        "OFFICIAL-SENSITIVE storage account is encrypted with Microsoft-managed keys (encryption.keySource "
        "not set): use a customer-managed key (encryption.keySource Microsoft.Keyvault)"
    ]


def test_key_source_is_compared_without_case() -> None:
    assert (
        violations(
            POLICY, STORAGE_ACCOUNT, changed(STORAGE_ACCOUNT_PROPS, "encryption.keySource", "Microsoft.KeyVault")
        )
        == []
    )


def test_customer_managed_key_without_key_name_fails() -> None:
    props = without(STORAGE_ACCOUNT_PROPS, "encryption.keyVaultProperties.keyName")
    assert violations(POLICY, STORAGE_ACCOUNT, props) == [MISSING_KEY]


def test_customer_managed_key_without_vault_properties_fails() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, without(STORAGE_ACCOUNT_PROPS, "encryption.keyVaultProperties")) == [
        MISSING_KEY
    ]


def test_official_account_with_microsoft_managed_keys_passes() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, changed(MICROSOFT_KEYS, "tags", TAGS)) == []


def test_untagged_account_is_not_judged() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, without(MICROSOFT_KEYS, "tags")) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, BLOB_CONTAINER, {"tags": {"data-classification": "OFFICIAL-SENSITIVE"}}) == []

"""azure-storage-account-shared-key-disabled: only an explicit `allowSharedKeyAccess: false` passes."""

from __future__ import annotations

from azure_policy_fixtures import BLOB_CONTAINER, STORAGE_ACCOUNT, STORAGE_ACCOUNT_PROPS, changed, without
from policy_harness import violations

from policies.azure.storage.account_shared_key_disabled import METADATA, POLICY

MESSAGE = "Storage account allows shared key (account key and SAS) authorisation: set allowSharedKeyAccess to false"


def test_metadata() -> None:
    assert METADATA.name == "azure-storage-account-shared-key-disabled"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, STORAGE_ACCOUNT_PROPS) == []


def test_shared_key_allowed_fails() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, changed(STORAGE_ACCOUNT_PROPS, "allowSharedKeyAccess", True)) == [
        MESSAGE
    ]


def test_unset_fails() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, without(STORAGE_ACCOUNT_PROPS, "allowSharedKeyAccess")) == [MESSAGE]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, BLOB_CONTAINER, {"allowSharedKeyAccess": True}) == []

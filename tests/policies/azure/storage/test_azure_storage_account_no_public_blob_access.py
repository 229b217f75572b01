"""azure-storage-account-no-public-blob-access: only an explicit `allowBlobPublicAccess: false` passes."""

from __future__ import annotations

from azure_policy_fixtures import BLOB_CONTAINER, STORAGE_ACCOUNT, STORAGE_ACCOUNT_PROPS, changed, without
from policy_harness import violations

from policies.azure.storage.account_no_public_blob_access import METADATA, POLICY

MESSAGE = "Storage account allows anonymous (public) blob access: set allowBlobPublicAccess to false"


def test_metadata() -> None:
    assert METADATA.name == "azure-storage-account-no-public-blob-access"
    assert METADATA.severity == "critical"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, STORAGE_ACCOUNT_PROPS) == []


def test_public_access_allowed_fails() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, changed(STORAGE_ACCOUNT_PROPS, "allowBlobPublicAccess", True)) == [
        MESSAGE
    ]


def test_unset_fails() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, without(STORAGE_ACCOUNT_PROPS, "allowBlobPublicAccess")) == [MESSAGE]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, BLOB_CONTAINER, {"allowBlobPublicAccess": True}) == []

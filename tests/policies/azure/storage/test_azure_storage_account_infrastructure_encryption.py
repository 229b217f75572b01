"""azure-storage-account-infrastructure-encryption: `encryption.requireInfrastructureEncryption` must be true."""

from __future__ import annotations

from azure_policy_fixtures import BLOB_CONTAINER, STORAGE_ACCOUNT, STORAGE_ACCOUNT_PROPS, changed, without
from policy_harness import violations

from policies.azure.storage.account_infrastructure_encryption import METADATA, POLICY

MESSAGE = (
    "Storage account does not use infrastructure (double) encryption: "
    "set encryption.requireInfrastructureEncryption to true"
)


def test_metadata() -> None:
    assert METADATA.name == "azure-storage-account-infrastructure-encryption"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, STORAGE_ACCOUNT_PROPS) == []


def test_infrastructure_encryption_off_fails() -> None:
    props = changed(STORAGE_ACCOUNT_PROPS, "encryption.requireInfrastructureEncryption", False)
    assert violations(POLICY, STORAGE_ACCOUNT, props) == [MESSAGE]


def test_no_encryption_block_fails() -> None:
    assert violations(POLICY, STORAGE_ACCOUNT, without(STORAGE_ACCOUNT_PROPS, "encryption")) == [MESSAGE]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, BLOB_CONTAINER, {}) == []

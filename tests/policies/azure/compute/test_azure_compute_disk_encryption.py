"""azure-compute-disk-encryption: customer-key types need a disk encryption set, ADE must not be turned
off, and OFFICIAL-SENSITIVE disks need a customer-managed key."""

from __future__ import annotations

import pytest
from azure_policy_fixtures import DISK, DISK_PROPS, TAGS, VM, changed, without
from policy_harness import violations

from policies.azure.compute.disk_encryption import METADATA, POLICY

ADE_OFF = "Disk switches Azure Disk Encryption off (encryptionSettingsCollection.enabled false)"
PLATFORM_KEY = {"type": "EncryptionAtRestWithPlatformKey"}


def _not_cmk(shown: str) -> str:
    return (
        f"OFFICIAL-SENSITIVE disk is not encrypted with a customer-managed key (encryption.type {shown}): "
        "use EncryptionAtRestWithCustomerKey with a disk encryption set"
    )


def test_metadata() -> None:
    assert METADATA.name == "azure-compute-disk-encryption"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, DISK, DISK_PROPS) == []


def test_platform_and_customer_keys_pass() -> None:
    props = changed(DISK_PROPS, "encryption.type", "EncryptionAtRestWithPlatformAndCustomerKeys")
    assert violations(POLICY, DISK, props) == []


@pytest.mark.parametrize(
    "encryption_type", ["EncryptionAtRestWithCustomerKey", "EncryptionAtRestWithPlatformAndCustomerKeys"]
)
def test_customer_key_without_encryption_set_fails(encryption_type: str) -> None:
    props = without(changed(DISK_PROPS, "encryption.type", encryption_type), "encryption.diskEncryptionSetId")
    assert violations(POLICY, DISK, props) == [
        f"Disk encryption type {encryption_type} needs encryption.diskEncryptionSetId"
    ]


def test_azure_disk_encryption_switched_off_fails() -> None:
    props = changed(DISK_PROPS, "encryptionSettingsCollection", {"enabled": False})
    assert violations(POLICY, DISK, props) == [ADE_OFF]


def test_sensitive_disk_with_platform_key_fails() -> None:
    props = changed(DISK_PROPS, "encryption", PLATFORM_KEY)
    assert violations(POLICY, DISK, props) == [_not_cmk("EncryptionAtRestWithPlatformKey")]


def test_sensitive_disk_without_encryption_block_fails() -> None:
    assert violations(POLICY, DISK, without(DISK_PROPS, "encryption")) == [_not_cmk("not set")]


def test_official_disk_with_platform_key_passes() -> None:
    props = changed(changed(DISK_PROPS, "encryption", PLATFORM_KEY), "tags", TAGS)
    assert violations(POLICY, DISK, props) == []


def test_official_disk_with_default_encryption_passes() -> None:
    assert violations(POLICY, DISK, changed(without(DISK_PROPS, "encryption"), "tags", TAGS)) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, VM, {"encryptionSettingsCollection": {"enabled": False}}) == []

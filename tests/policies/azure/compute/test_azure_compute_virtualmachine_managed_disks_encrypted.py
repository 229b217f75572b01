"""azure-compute-virtualmachine-managed-disks-encrypted: no unmanaged VHDs; OFFICIAL-SENSITIVE VMs use a
disk encryption set on the disks they create."""

from __future__ import annotations

from azure_policy_fixtures import DISK, TAGS, VM, VM_PROPS, changed, without
from policy_harness import violations

from policies.azure.compute.virtualmachine_managed_disks_encrypted import METADATA, POLICY

VHD = {"uri": "https://stvhds.blob.core.windows.net/vhds/osdisk.vhd"}
OS_VHD = "VM OS disk is an unmanaged VHD: use a managed disk (storageProfile.osDisk.managedDisk)"
OS_NO_CMK = (
    "OFFICIAL-SENSITIVE VM OS disk has no customer-managed key: set storageProfile.osDisk.managedDisk.diskEncryptionSet"
)


def test_metadata() -> None:
    assert METADATA.name == "azure-compute-virtualmachine-managed-disks-encrypted"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, VM, VM_PROPS) == []


def test_unmanaged_os_disk_fails() -> None:
    props = changed(without(VM_PROPS, "storageProfile.osDisk.managedDisk"), "storageProfile.osDisk.vhd", VHD)
    assert violations(POLICY, VM, props) == [OS_VHD]


def test_unmanaged_data_disk_fails() -> None:
    props = changed(without(VM_PROPS, "storageProfile.dataDisks.0.managedDisk"), "storageProfile.dataDisks.0.vhd", VHD)
    assert violations(POLICY, VM, props) == ["VM data disk at LUN 0 is an unmanaged VHD: use a managed disk"]


def test_sensitive_os_disk_without_encryption_set_fails() -> None:
    props = without(VM_PROPS, "storageProfile.osDisk.managedDisk.diskEncryptionSet")
    assert violations(POLICY, VM, props) == [OS_NO_CMK]


def test_sensitive_data_disk_without_encryption_set_fails() -> None:
    props = changed(VM_PROPS, "storageProfile.dataDisks.0.managedDisk", {"storageAccountType": "Premium_LRS"})
    assert violations(POLICY, VM, props) == [
        "OFFICIAL-SENSITIVE VM data disk at LUN 0 has no customer-managed key: set its managedDisk.diskEncryptionSet"
    ]


def test_attached_disks_are_left_to_the_disk_policy() -> None:
    attached = {"createOption": "Attach", "lun": 1, "managedDisk": {"id": "/subscriptions/x/disks/data"}}
    props = changed(VM_PROPS, "storageProfile.dataDisks", [*VM_PROPS["storageProfile"]["dataDisks"], attached])
    assert violations(POLICY, VM, props) == []


def test_official_vm_with_platform_keys_passes() -> None:
    props = without(
        without(VM_PROPS, "storageProfile.osDisk.managedDisk.diskEncryptionSet"), "storageProfile.dataDisks"
    )
    assert violations(POLICY, VM, changed(props, "tags", TAGS)) == []


def test_official_vm_with_unmanaged_disk_still_fails() -> None:
    props = changed(without(VM_PROPS, "storageProfile.osDisk.managedDisk"), "storageProfile.osDisk.vhd", VHD)
    assert violations(POLICY, VM, changed(props, "tags", TAGS)) == [OS_VHD]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, DISK, {"storageProfile": {"osDisk": {"vhd": VHD}}}) == []

"""azure-compute-virtualmachine-managed-disks-encrypted: virtual machines use managed disks, with a
customer-managed key when the data is OFFICIAL-SENSITIVE.

Why: unmanaged (VHD blob) disks live in a storage account outside the disk controls (no network
access policy, no disk encryption sets, a retired feature); managed disks are always encrypted at
rest. OFFICIAL-SENSITIVE data additionally needs a customer-managed key through a disk encryption
set (NCSC principle 2.3, CIS Azure 7.2 and 7.3).

Checks `storageProfile` of `azure-native:compute:VirtualMachine`:
* neither the OS disk nor any data disk may use `vhd` (an unmanaged disk);
* for a VM tagged `data-classification: OFFICIAL-SENSITIVE`, the OS disk and each data disk the VM
  creates must set `managedDisk.diskEncryptionSet.id`. Encryption at host
  (`securityProfile.encryptionAtHost`) covers caches and temporary disks, not the choice of key, so
  it does not replace the encryption set. Disks attached from an existing `compute:Disk`
  (`createOption: Attach`) are judged on that Disk by `azure-compute-disk-encryption`.

Messages:
* `VM OS disk is an unmanaged VHD: use a managed disk (storageProfile.osDisk.managedDisk)`;
* `VM data disk at LUN 1 is an unmanaged VHD: use a managed disk`;
* `OFFICIAL-SENSITIVE VM OS disk has no customer-managed key: set storageProfile.osDisk.managedDisk.diskEncryptionSet`;
* `OFFICIAL-SENSITIVE VM data disk at LUN 1 has no customer-managed key: set its managedDisk.diskEncryptionSet`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, as_list, get, is_sensitive, plain, resource_policy

OS_VHD: Final = "VM OS disk is an unmanaged VHD: use a managed disk (storageProfile.osDisk.managedDisk)"
OS_NO_CMK: Final = (
    "OFFICIAL-SENSITIVE VM OS disk has no customer-managed key: set storageProfile.osDisk.managedDisk.diskEncryptionSet"
)


def _lun(disk: Mapping[str, Any], index: int) -> str:
    lun = get(disk, "lun")
    return str(int(lun)) if isinstance(lun, (int, float)) else f"index {index}"


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    sensitive = is_sensitive(props)
    os_disk = get(props, "storageProfile.osDisk")
    if os_disk is not None:
        if get(os_disk, "vhd") is not None:
            report(OS_VHD, None)
        elif (
            sensitive
            and get(os_disk, "createOption") != "Attach"
            and not get(os_disk, "managedDisk.diskEncryptionSet.id")
        ):
            report(OS_NO_CMK, None)
    for index, disk in enumerate(as_list(get(props, "storageProfile.dataDisks"))):
        disk = plain(disk)
        if not isinstance(disk, Mapping):
            continue
        lun = _lun(disk, index)
        if get(disk, "vhd") is not None:
            report(f"VM data disk at LUN {lun} is an unmanaged VHD: use a managed disk", None)
        elif sensitive and get(disk, "createOption") != "Attach" and not get(disk, "managedDisk.diskEncryptionSet.id"):
            report(
                f"OFFICIAL-SENSITIVE VM data disk at LUN {lun} has no customer-managed key: "
                "set its managedDisk.diskEncryptionSet",
                None,
            )


POLICY, METADATA = resource_policy(
    name="azure-compute-virtualmachine-managed-disks-encrypted",
    description="Virtual machines use managed disks, encrypted with a customer-managed key when OFFICIAL-SENSITIVE.",
    severity="high",
    frameworks=Frameworks(
        ncsc="2.3",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 7.2, 7.3",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AZURE_92", "CKV2_AZURE_9"),
    ),
    remediation="Use `managed_disk=compute.ManagedDiskParametersArgs(disk_encryption_set="
    "compute.DiskEncryptionSetParametersArgs(id=<disk encryption set id>))` on the OS and data disks.",
    resource_types=("azure-native:compute:VirtualMachine",),
    validate=_validate,
    topics=("compute", "encryption-at-rest", "data-classification"),
)

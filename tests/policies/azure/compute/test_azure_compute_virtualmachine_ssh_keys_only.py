"""azure-compute-virtualmachine-ssh-keys-only: Linux VMs must disable password authentication."""

from __future__ import annotations

from azure_policy_fixtures import DISK, VM, VM_PROPS, changed, without
from policy_harness import violations

from policies.azure.compute.virtualmachine_ssh_keys_only import METADATA, POLICY

MESSAGE = (
    "Linux VM allows password authentication: "
    "set osProfile.linuxConfiguration.disablePasswordAuthentication to true and use SSH keys"
)


def test_metadata() -> None:
    assert METADATA.name == "azure-compute-virtualmachine-ssh-keys-only"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, VM, VM_PROPS) == []


def test_password_authentication_fails() -> None:
    props = changed(VM_PROPS, "osProfile.linuxConfiguration.disablePasswordAuthentication", False)
    assert violations(POLICY, VM, props) == [MESSAGE]


def test_linux_configuration_without_the_flag_fails() -> None:
    props = changed(VM_PROPS, "osProfile.linuxConfiguration", {"provisionVMAgent": True})
    assert violations(POLICY, VM, props) == [MESSAGE]


def test_linux_os_disk_without_linux_configuration_fails() -> None:
    props = changed(without(VM_PROPS, "osProfile.linuxConfiguration"), "storageProfile.osDisk.osType", "Linux")
    assert violations(POLICY, VM, props) == [MESSAGE]


def test_windows_vm_is_not_judged() -> None:
    props = changed(without(VM_PROPS, "osProfile.linuxConfiguration"), "osProfile.windowsConfiguration", {})
    assert violations(POLICY, VM, props) == []


def test_vm_from_specialised_disk_is_not_judged() -> None:
    assert (
        violations(POLICY, VM, changed(without(VM_PROPS, "osProfile"), "storageProfile.osDisk.osType", "Linux")) == []
    )


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, DISK, {"osProfile": {"linuxConfiguration": {}}}) == []

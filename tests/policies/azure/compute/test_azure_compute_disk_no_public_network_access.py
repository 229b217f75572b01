"""azure-compute-disk-no-public-network-access: DenyAll, or AllowPrivate with a disk access."""

from __future__ import annotations

from azure_policy_fixtures import DISK, DISK_PROPS, SUB, VM, changed, without
from policy_harness import violations

from policies.azure.compute.disk_no_public_network_access import METADATA, POLICY

DISK_ACCESS = f"{SUB}/resourceGroups/rg/providers/Microsoft.Compute/diskAccesses/da"


def _message(shown: str) -> str:
    return (
        f"Disk can be exported over the internet (networkAccessPolicy {shown}): "
        "set networkAccessPolicy to DenyAll (or AllowPrivate with a disk access)"
    )


def test_metadata() -> None:
    assert METADATA.name == "azure-compute-disk-no-public-network-access"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, DISK, DISK_PROPS) == []


def test_allow_private_with_disk_access_passes() -> None:
    props = changed(changed(DISK_PROPS, "networkAccessPolicy", "AllowPrivate"), "diskAccessId", DISK_ACCESS)
    assert violations(POLICY, DISK, props) == []


def test_allow_private_without_disk_access_fails() -> None:
    props = changed(DISK_PROPS, "networkAccessPolicy", "AllowPrivate")
    assert violations(POLICY, DISK, props) == ["Disk networkAccessPolicy AllowPrivate needs diskAccessId"]


def test_allow_all_fails() -> None:
    assert violations(POLICY, DISK, changed(DISK_PROPS, "networkAccessPolicy", "AllowAll")) == [_message("AllowAll")]


def test_unset_fails() -> None:
    assert violations(POLICY, DISK, without(DISK_PROPS, "networkAccessPolicy")) == [_message("not set")]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, VM, {}) == []

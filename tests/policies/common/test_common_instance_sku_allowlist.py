"""lz-all-instance-sku-allowlist: Azure VM, scale set and AKS node sizes from the environment's allowlist."""

from __future__ import annotations

from typing import Any

import pytest
from policy_harness import violations

from policies.common.instance_sku_allowlist import DEFAULT_NONPROD, DEFAULT_PROD, METADATA, POLICY

VM = "azure-native:compute:VirtualMachine"
VMSS = "azure-native:compute:VirtualMachineScaleSet"
AKS = "azure-native:containerservice:ManagedCluster"
POOL = "azure-native:containerservice:AgentPool"
DEV = {"environment": "dev", "data-classification": "OFFICIAL"}
PROD = {"environment": "prod", "data-classification": "OFFICIAL"}
NONPROD_LIST = ", ".join(DEFAULT_NONPROD)
PROD_LIST = ", ".join(DEFAULT_PROD)


def _vm(size: str, tags: dict[str, str] | None) -> dict[str, Any]:
    props: dict[str, Any] = {"hardwareProfile": {"vmSize": size}, "location": "uksouth"}
    if tags is not None:
        props["tags"] = tags
    return props


def test_metadata() -> None:
    assert METADATA.name == "lz-all-instance-sku-allowlist"
    assert METADATA.severity == "high"
    assert set(METADATA.resource_types) == {VM, VMSS, AKS, POOL}


@pytest.mark.parametrize(
    "size", ["Standard_B2s", "Standard_B1ms", "Standard_D2s_v5", "Standard_D4s_v3", "standard_d4as_v5"]
)
def test_small_sizes_pass_outside_production(size: str) -> None:
    assert violations(POLICY, VM, _vm(size, DEV)) == []


@pytest.mark.parametrize("size", ["Standard_D8s_v5", "Standard_E16s_v5", "Standard_D16as_v5", "Standard_B4ms"])
def test_production_sizes_pass_in_production(size: str) -> None:
    assert violations(POLICY, VM, _vm(size, PROD)) == []


def test_production_size_fails_outside_production() -> None:
    assert violations(POLICY, VM, _vm("Standard_D8s_v5", DEV)) == [
        f"VM size Standard_D8s_v5 is not allowed in non-production (environment 'dev'); allowed: {NONPROD_LIST}"
    ]


@pytest.mark.parametrize("size", ["Standard_D32s_v5", "Standard_E64s_v5", "Standard_NC6s_v3", "Standard_M128s"])
def test_large_sizes_fail_in_production(size: str) -> None:
    assert violations(POLICY, VM, _vm(size, PROD)) == [
        f"VM size {size} is not allowed in production (environment 'prod'); allowed: {PROD_LIST}"
    ]


def test_missing_environment_uses_the_non_production_list() -> None:
    assert violations(POLICY, VM, _vm("Standard_E4s_v5", None)) == [
        f"VM size Standard_E4s_v5 is not allowed in non-production (environment not set); allowed: {NONPROD_LIST}"
    ]


def test_scale_set_size_is_judged() -> None:
    props = {"sku": {"name": "Standard_D16s_v5", "capacity": 2}, "tags": DEV}
    assert violations(POLICY, VMSS, props) == [
        f"VM size Standard_D16s_v5 is not allowed in non-production (environment 'dev'); allowed: {NONPROD_LIST}"
    ]


def test_each_aks_pool_is_judged() -> None:
    props = {
        "agentPoolProfiles": [
            {"name": "system", "vmSize": "Standard_D4s_v5", "count": 2},
            {"name": "gpu", "vmSize": "Standard_NC6s_v3", "count": 1},
        ],
        "tags": PROD,
    }
    assert violations(POLICY, AKS, props) == [
        f"agent pool 'gpu' VM size Standard_NC6s_v3 is not allowed in production (environment 'prod'); "
        f"allowed: {PROD_LIST}"
    ]


def test_agent_pool_resource_is_judged() -> None:
    assert violations(POLICY, POOL, {"vmSize": "Standard_D8s_v5", "tags": DEV}) == [
        f"VM size Standard_D8s_v5 is not allowed in non-production (environment 'dev'); allowed: {NONPROD_LIST}"
    ]


def test_allowlists_are_configurable() -> None:
    config = {"nonprod_allowed_sizes": ["Standard_B2s"]}
    assert violations(POLICY, VM, _vm("Standard_B2s", DEV), config=config) == []
    assert violations(POLICY, VM, _vm("Standard_B4ms", DEV), config=config) == [
        "VM size Standard_B4ms is not allowed in non-production (environment 'dev'); allowed: Standard_B2s"
    ]


def test_vm_without_size_is_not_judged() -> None:
    assert violations(POLICY, VM, {"tags": DEV}) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:ec2/instance:Instance", {"instanceType": "p4d.24xlarge", "tags": DEV}) == []

"""azure-compute-virtualmachine-no-public-ip: VMs create no public IPs on inline network interfaces."""

from __future__ import annotations

from typing import Any

from azure_policy_fixtures import NIC, VM, VM_PROPS, changed
from policy_harness import violations

from policies.azure.compute.virtualmachine_no_public_ip import METADATA, POLICY

ADVICE = "publish through Front Door, Application Gateway or a load balancer and administer through Azure Bastion"


def _inline_nic(public: bool) -> dict[str, Any]:
    ip: dict[str, Any] = {"name": "ipconfig", "subnet": {"id": "/subscriptions/x/subnets/app"}}
    if public:
        ip["publicIPAddressConfiguration"] = {"name": "pip", "sku": {"name": "Standard"}}
    return {"name": "nic", "primary": True, "ipConfigurations": [ip]}


def test_metadata() -> None:
    assert METADATA.name == "azure-compute-virtualmachine-no-public-ip"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, VM, VM_PROPS) == []


def test_inline_private_nic_passes() -> None:
    props = changed(VM_PROPS, "networkProfile", {"networkInterfaceConfigurations": [_inline_nic(public=False)]})
    assert violations(POLICY, VM, props) == []


def test_inline_public_ip_fails() -> None:
    props = changed(VM_PROPS, "networkProfile", {"networkInterfaceConfigurations": [_inline_nic(public=True)]})
    assert violations(POLICY, VM, props) == [
        f"VM network interface 'nic' IP configuration 'ipconfig' creates a public IP address: {ADVICE}"
    ]


def test_other_types_are_ignored() -> None:
    props = {"networkProfile": {"networkInterfaceConfigurations": [_inline_nic(public=True)]}}
    assert violations(POLICY, NIC, props) == []

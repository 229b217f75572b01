"""azure-network-networkinterface-no-public-ip: no IP configuration may attach a public IP address."""

from __future__ import annotations

from azure_policy_fixtures import NIC, NIC_PROPS, NSG, SUB, changed
from policy_harness import violations

from policies.azure.network.networkinterface_no_public_ip import METADATA, POLICY

PIP = {"id": f"{SUB}/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/pip-vm"}
ADVICE = "publish through Front Door, Application Gateway or a load balancer and administer through Azure Bastion"


def test_metadata() -> None:
    assert METADATA.name == "azure-network-networkinterface-no-public-ip"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, NIC, NIC_PROPS) == []


def test_public_ip_fails() -> None:
    assert violations(POLICY, NIC, changed(NIC_PROPS, "ipConfigurations.0.publicIPAddress", PIP)) == [
        f"Network interface IP configuration 'ipconfig1' has a public IP address: {ADVICE}"
    ]


def test_each_configuration_with_a_public_ip_is_reported() -> None:
    second = {"subnet": NIC_PROPS["ipConfigurations"][0]["subnet"], "publicIPAddress": PIP}
    props = changed(NIC_PROPS, "ipConfigurations", [*NIC_PROPS["ipConfigurations"], second])
    assert violations(POLICY, NIC, props) == [
        f"Network interface IP configuration 'ipConfigurations[1]' has a public IP address: {ADVICE}"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, NSG, changed(NIC_PROPS, "ipConfigurations.0.publicIPAddress", PIP)) == []

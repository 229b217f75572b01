"""azure-compute-virtualmachine-no-public-ip: virtual machines create no public IP addresses.

Why: a VM can create its own NICs and public IPs inline (`networkProfile.networkInterfaceConfigurations`),
bypassing `azure-network-networkinterface-no-public-ip`. A public IP puts the VM directly on the
internet; council workloads are published through Front Door, Application Gateway or a load
balancer and administered through Azure Bastion (NCSC principle 11, CIS Azure 6.7).

Checks `azure-native:compute:VirtualMachine`: no
`networkProfile.networkInterfaceConfigurations[].ipConfigurations[].publicIPAddressConfiguration`.

Message, one per IP configuration: `VM network interface 'nic' IP configuration 'ipconfig' creates a
public IP address: publish through Front Door, Application Gateway or a load balancer and administer
through Azure Bastion` (on one line).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, as_list, get, plain, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    nics = as_list(get(props, "networkProfile.networkInterfaceConfigurations"))
    for nic_index, nic in enumerate(nics):
        nic = plain(nic)
        if not isinstance(nic, Mapping):
            continue
        nic_name = get(nic, "name") or f"networkInterfaceConfigurations[{nic_index}]"
        for ip_index, ip in enumerate(as_list(get(nic, "ipConfigurations"))):
            ip = plain(ip)
            if not isinstance(ip, Mapping) or get(ip, "publicIPAddressConfiguration") is None:
                continue
            ip_name = get(ip, "name") or f"ipConfigurations[{ip_index}]"
            report(
                f"VM network interface '{nic_name}' IP configuration '{ip_name}' creates a public IP address: "
                "publish through Front Door, Application Gateway or a load balancer and administer through "
                "Azure Bastion",
                None,
            )


POLICY, METADATA = resource_policy(
    name="azure-compute-virtualmachine-no-public-ip",
    description="Virtual machines do not create public IP addresses on their network interfaces.",
    severity="high",
    frameworks=Frameworks(
        ncsc="11",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 6.7",
        cyber_essentials="Firewalls",
        checkov=("CKV2_AZURE_39",),
    ),
    remediation="Remove `public_ip_address_configuration` from the VM's network interface configurations.",
    resource_types=("azure-native:compute:VirtualMachine",),
    validate=_validate,
    topics=("compute", "network", "public-access"),
)

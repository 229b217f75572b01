"""azure-network-networkinterface-no-public-ip: network interfaces carry no public IP address.

Why: a public IP on a NIC puts the virtual machine directly on the internet, next to whatever its
NSG happens to allow. Council workloads are published through Front Door, Application Gateway or
a load balancer, and administered through Azure Bastion (NCSC principle 11, CIS Azure 6.7).

Checks every `ipConfigurations[]` entry of `azure-native:network:NetworkInterface`: none may set
`publicIPAddress`.

Message, one per IP configuration: `Network interface IP configuration 'ipconfig1' has a public IP
address: publish through Front Door, Application Gateway or a load balancer and administer through
Azure Bastion` (on one line).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, as_list, get, plain, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    for index, config in enumerate(as_list(get(props, "ipConfigurations"))):
        config = plain(config)
        if not isinstance(config, Mapping) or get(config, "publicIPAddress") is None:
            continue
        name = get(config, "name") or f"ipConfigurations[{index}]"
        report(
            f"Network interface IP configuration '{name}' has a public IP address: publish through Front Door, "
            "Application Gateway or a load balancer and administer through Azure Bastion",
            None,
        )


POLICY, METADATA = resource_policy(
    name="azure-network-networkinterface-no-public-ip",
    description="Network interfaces have no public IP address.",
    severity="high",
    frameworks=Frameworks(
        ncsc="11",
        cis="CIS Microsoft Azure Foundations Benchmark v2.1.0 6.7",
        cyber_essentials="Firewalls",
        checkov=("CKV_AZURE_119",),
    ),
    remediation="Remove `public_ip_address` from the NIC's IP configurations; put a load balancer, "
    "Application Gateway or Front Door in front of the VM, and use Azure Bastion for administration.",
    resource_types=("azure-native:network:NetworkInterface",),
    validate=_validate,
    topics=("network", "public-access"),
)

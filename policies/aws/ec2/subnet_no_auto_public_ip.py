"""aws-ec2-subnet-no-auto-public-ip: subnets do not give launched instances public IP addresses.

Why: `mapPublicIpOnLaunch` silently gives every instance, container task or database-migration
instance launched in the subnet a public address, whatever the workload asked for. Even public
subnets (for load balancers and NAT gateways) do not need it.

Message:
* `Subnet gives every instance launched in it a public IP address (mapPublicIpOnLaunch is true)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "mapPublicIpOnLaunch") is True:
        report("Subnet gives every instance launched in it a public IP address (mapPublicIpOnLaunch is true)", None)


POLICY, METADATA = resource_policy(
    name="aws-ec2-subnet-no-auto-public-ip",
    description="Subnets do not map public IP addresses on launch.",
    severity="high",
    frameworks=Frameworks(ncsc="11", cyber_essentials="Firewalls", checkov=("CKV_AWS_130",)),
    remediation=(
        "Set `map_public_ip_on_launch=False` (the default; `modules.aws.spoke_vpc.SpokeVpc` creates "
        "private subnets only). Load balancers and NAT gateways get their public addresses without it."
    ),
    resource_types=("aws:ec2/subnet:Subnet",),
    validate=_validate,
    topics=("network", "public-access"),
)

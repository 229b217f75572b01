"""aws-ec2-instance-no-public-ip: EC2 instances are not given a public IP address.

Why: council workloads run in private spoke subnets and are reached through load balancers,
CloudFront or the hub; an instance with its own public address is one security group mistake away
from being on the internet. Reported when `associatePublicIpAddress` is true. When it is absent the
subnet's `mapPublicIpOnLaunch` decides, which `aws-ec2-subnet-no-auto-public-ip` checks.

Message:
* `Instance gets a public IP address (associatePublicIpAddress is true)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if get(props, "associatePublicIpAddress") is True:
        report("Instance gets a public IP address (associatePublicIpAddress is true)", None)


POLICY, METADATA = resource_policy(
    name="aws-ec2-instance-no-public-ip",
    description="EC2 instances do not associate a public IP address.",
    severity="high",
    frameworks=Frameworks(ncsc="11", cyber_essentials="Firewalls", checkov=("CKV_AWS_88",)),
    remediation=(
        "Set `associate_public_ip_address=False` and place the instance in a private subnet of the "
        "service's spoke VPC (`modules.aws.spoke_vpc.SpokeVpc` has private subnets only). Publish web "
        "services through a load balancer or CloudFront; administer through Session Manager."
    ),
    resource_types=("aws:ec2/instance:Instance",),
    validate=_validate,
    topics=("network", "public-access", "compute"),
)

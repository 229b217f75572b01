"""aws-ec2-launch-template-no-public-ip: launch templates do not give instances public IP addresses.

Why: as for single instances (`aws-ec2-instance-no-public-ip`); a template spreads a public address
to every instance of a group. Reported for each network interface with `associatePublicIpAddress`
`"true"` (launch templates model booleans as strings; a boolean `true` counts too).

Message:
* `Network interface 0 gets a public IP address (associatePublicIpAddress is "true")`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws.ec2.launch_template_block_devices_encrypted import is_true
from policies.lib import Frameworks, as_list, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    for index in range(len(as_list(get(props, "networkInterfaces")))):
        if is_true(get(props, f"networkInterfaces.{index}.associatePublicIpAddress")):
            report(f'Network interface {index} gets a public IP address (associatePublicIpAddress is "true")', None)


POLICY, METADATA = resource_policy(
    name="aws-ec2-launch-template-no-public-ip",
    description="EC2 launch templates do not associate public IP addresses with network interfaces.",
    severity="high",
    frameworks=Frameworks(ncsc="11", cyber_essentials="Firewalls", checkov=("CKV_AWS_88",)),
    remediation=(
        'Set `associate_public_ip_address="false"` on every `network_interfaces` entry (or leave it '
        "out and launch into private subnets), then roll the group onto the new template version."
    ),
    resource_types=("aws:ec2/launchTemplate:LaunchTemplate",),
    validate=_validate,
    topics=("network", "public-access", "compute"),
)

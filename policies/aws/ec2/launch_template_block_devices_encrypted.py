"""aws-ec2-launch-template-block-devices-encrypted: launch templates encrypt every EBS block device
they define.

Why: every instance an Auto Scaling group or EKS node group starts from the template inherits its
block device mappings; one unencrypted mapping multiplies into many unencrypted volumes.

Mappings without an `ebs` block (instance store `virtualName`, `noDevice`) are not volumes and are
skipped. In launch templates `ebs.encrypted` is a string, `"true"` (a boolean `true` also counts).

Message:
* `Block device mapping /dev/xvda is not encrypted (blockDeviceMappings[0].ebs.encrypted is not "true")`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, as_list, get, resource_policy


def is_true(value: Any) -> bool:
    """Launch templates model booleans as the strings "true"/"false"."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    for index in range(len(as_list(get(props, "blockDeviceMappings")))):
        if get(props, f"blockDeviceMappings.{index}.ebs") is None:
            continue
        if not is_true(get(props, f"blockDeviceMappings.{index}.ebs.encrypted")):
            device = get(props, f"blockDeviceMappings.{index}.deviceName") or f"#{index}"
            report(
                f"Block device mapping {device} is not encrypted "
                f'(blockDeviceMappings[{index}].ebs.encrypted is not "true")',
                None,
            )


POLICY, METADATA = resource_policy(
    name="aws-ec2-launch-template-block-devices-encrypted",
    description="EC2 launch templates encrypt every EBS block device mapping.",
    severity="high",
    frameworks=Frameworks(
        ncsc="2.3",
        cis="CIS AWS Foundations Benchmark v3.0.0 2.2.1",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AWS_8",),
    ),
    remediation=(
        'Set `ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(encrypted="true", kms_key_id=<key ARN>)` '
        "on every block device mapping, and publish a new template version."
    ),
    resource_types=("aws:ec2/launchTemplate:LaunchTemplate",),
    validate=_validate,
    topics=("encryption", "compute"),
)

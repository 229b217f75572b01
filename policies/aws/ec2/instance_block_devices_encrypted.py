"""aws-ec2-instance-block-devices-encrypted: an EC2 instance's root and EBS block devices are encrypted.

Why: instance volumes carry the operating system, application data and often cached credentials;
unencrypted volumes and their snapshots expose all of it. Encryption is fixed at creation.

The root device must say `rootBlockDevice.encrypted: true`, unless the instance is launched from a
launch template and sets no `rootBlockDevice` (the template's block device mappings are checked by
`aws-ec2-launch-template-block-devices-encrypted`). Every `ebsBlockDevices` entry must be encrypted.

Messages:
* `Root block device is not encrypted (rootBlockDevice.encrypted is not true)`
* `EBS block device /dev/sdf is not encrypted (ebsBlockDevices[0].encrypted is not true)`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, as_list, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    root = get(props, "rootBlockDevice")
    from_template = get(props, "launchTemplate") is not None
    if not (root is None and from_template) and get(props, "rootBlockDevice.encrypted") is not True:
        report("Root block device is not encrypted (rootBlockDevice.encrypted is not true)", None)
    for index in range(len(as_list(get(props, "ebsBlockDevices")))):
        if get(props, f"ebsBlockDevices.{index}.encrypted") is not True:
            device = get(props, f"ebsBlockDevices.{index}.deviceName") or f"#{index}"
            report(
                f"EBS block device {device} is not encrypted (ebsBlockDevices[{index}].encrypted is not true)",
                None,
            )


POLICY, METADATA = resource_policy(
    name="aws-ec2-instance-block-devices-encrypted",
    description="EC2 instances encrypt their root and EBS block devices.",
    severity="high",
    frameworks=Frameworks(
        ncsc="2.3",
        cis="CIS AWS Foundations Benchmark v3.0.0 2.2.1",
        cyber_essentials="Secure configuration",
        checkov=("CKV_AWS_8",),
    ),
    remediation=(
        "Set `root_block_device=aws.ec2.InstanceRootBlockDeviceArgs(encrypted=True, kms_key_id=<key ARN>)` "
        "and `encrypted=True` (with `kms_key_id`) on every `ebs_block_devices` entry; or launch from a "
        "launch template whose block device mappings are encrypted. Changing encryption replaces the "
        "volume: migrate data through an encrypted snapshot."
    ),
    resource_types=("aws:ec2/instance:Instance",),
    validate=_validate,
    topics=("encryption", "compute"),
)

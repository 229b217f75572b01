"""aws-ec2-instance-block-devices-encrypted: root and EBS block devices are encrypted."""

from __future__ import annotations

from policies.aws.ec2.instance_block_devices_encrypted import METADATA, POLICY
from tests.policies.policy_harness import violations

INSTANCE = "aws:ec2/instance:Instance"
BASE = {
    "ami": "ami-0123456789abcdef0",
    "instanceType": "t4g.small",
    "rootBlockDevice": {"encrypted": True, "volumeSize": 20},
    "ebsBlockDevices": [{"deviceName": "/dev/sdf", "encrypted": True, "volumeSize": 50}],
}
ROOT = "Root block device is not encrypted (rootBlockDevice.encrypted is not true)"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-ec2-instance-block-devices-encrypted"
    assert METADATA.severity == "high"


def test_encrypted_devices_pass() -> None:
    assert violations(POLICY, INSTANCE, BASE) == []


def test_root_not_encrypted() -> None:
    assert violations(POLICY, INSTANCE, {**BASE, "rootBlockDevice": {"encrypted": False}}) == [ROOT]


def test_root_device_not_declared() -> None:
    props = {k: v for k, v in BASE.items() if k != "rootBlockDevice"}
    assert violations(POLICY, INSTANCE, props) == [ROOT]


def test_root_from_launch_template_is_left_to_the_template_policy() -> None:
    props = {"launchTemplate": {"id": "lt-0123", "version": "$Latest"}}
    assert violations(POLICY, INSTANCE, props) == []


def test_ebs_device_not_encrypted() -> None:
    devices = [{"deviceName": "/dev/sdf", "encrypted": True}, {"deviceName": "/dev/sdg"}]
    assert violations(POLICY, INSTANCE, {**BASE, "ebsBlockDevices": devices}) == [
        "EBS block device /dev/sdg is not encrypted (ebsBlockDevices[1].encrypted is not true)"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:ec2/launchTemplate:LaunchTemplate", {}) == []

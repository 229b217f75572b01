"""aws-ec2-launch-template-block-devices-encrypted: EBS mappings of launch templates are encrypted."""

from __future__ import annotations

import pytest

from policies.aws.ec2.launch_template_block_devices_encrypted import METADATA, POLICY
from tests.policies.policy_harness import violations

TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
BASE = {
    "instanceType": "t4g.small",
    "blockDeviceMappings": [
        {"deviceName": "/dev/xvda", "ebs": {"encrypted": "true", "kmsKeyId": "arn:aws:kms:eu-west-2:1:key/k"}},
        {"deviceName": "/dev/sdb", "virtualName": "ephemeral0"},
    ],
}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-ec2-launch-template-block-devices-encrypted"
    assert METADATA.severity == "high"


def test_encrypted_mappings_pass() -> None:
    assert violations(POLICY, TEMPLATE, BASE) == []


def test_boolean_true_counts() -> None:
    assert (
        violations(POLICY, TEMPLATE, {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": True}}]})
        == []
    )


@pytest.mark.parametrize("ebs", [{"encrypted": "false"}, {"volumeSize": 20}], ids=["false", "absent"])
def test_unencrypted_mapping(ebs: dict[str, object]) -> None:
    props = {"blockDeviceMappings": [BASE["blockDeviceMappings"][0], {"deviceName": "/dev/sdf", "ebs": ebs}]}
    assert violations(POLICY, TEMPLATE, props) == [
        'Block device mapping /dev/sdf is not encrypted (blockDeviceMappings[1].ebs.encrypted is not "true")'
    ]


def test_template_without_mappings_passes() -> None:
    assert violations(POLICY, TEMPLATE, {"instanceType": "t4g.small"}) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:ec2/instance:Instance", {"blockDeviceMappings": [{"ebs": {}}]}) == []

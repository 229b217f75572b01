"""aws-ec2-launch-template-no-public-ip: launch template network interfaces get no public IP."""

from __future__ import annotations

import pytest

from policies.aws.ec2.launch_template_no_public_ip import METADATA, POLICY
from tests.policies.policy_harness import violations

TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
BASE = {"networkInterfaces": [{"associatePublicIpAddress": "false", "securityGroups": ["sg-0123"]}]}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-ec2-launch-template-no-public-ip"
    assert METADATA.severity == "high"


def test_private_interfaces_pass() -> None:
    assert violations(POLICY, TEMPLATE, BASE) == []


def test_template_without_interfaces_passes() -> None:
    assert violations(POLICY, TEMPLATE, {"instanceType": "t4g.small"}) == []


@pytest.mark.parametrize("value", ["true", True])
def test_public_ip(value: object) -> None:
    props = {"networkInterfaces": [BASE["networkInterfaces"][0], {"associatePublicIpAddress": value}]}
    assert violations(POLICY, TEMPLATE, props) == [
        'Network interface 1 gets a public IP address (associatePublicIpAddress is "true")'
    ]


def test_other_types_are_ignored() -> None:
    assert (
        violations(POLICY, "aws:ec2/instance:Instance", {"networkInterfaces": [{"associatePublicIpAddress": "true"}]})
        == []
    )

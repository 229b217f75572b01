"""aws-ec2-instance-no-public-ip: instances do not associate a public IP."""

from __future__ import annotations

from policies.aws.ec2.instance_no_public_ip import METADATA, POLICY
from tests.policies.policy_harness import violations

INSTANCE = "aws:ec2/instance:Instance"
BASE = {"ami": "ami-0123", "instanceType": "t4g.small", "subnetId": "subnet-0123", "associatePublicIpAddress": False}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-ec2-instance-no-public-ip"
    assert METADATA.severity == "high"


def test_private_instance_passes() -> None:
    assert violations(POLICY, INSTANCE, BASE) == []


def test_absent_is_left_to_the_subnet() -> None:
    assert violations(POLICY, INSTANCE, {"ami": "ami-0123"}) == []


def test_public_ip() -> None:
    assert violations(POLICY, INSTANCE, {**BASE, "associatePublicIpAddress": True}) == [
        "Instance gets a public IP address (associatePublicIpAddress is true)"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:ec2/subnet:Subnet", {"associatePublicIpAddress": True}) == []

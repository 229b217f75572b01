"""aws-ec2-subnet-no-auto-public-ip: subnets do not map public IPs on launch."""

from __future__ import annotations

from policies.aws.ec2.subnet_no_auto_public_ip import METADATA, POLICY
from tests.policies.policy_harness import violations

SUBNET = "aws:ec2/subnet:Subnet"
#: A private subnet as modules.aws.spoke_vpc.SpokeVpc registers it (example estate).
MODULE = {
    "availabilityZone": "eu-west-2a",
    "cidrBlock": "10.67.46.0/26",
    "mapPublicIpOnLaunch": False,
    "vpcId": "vpc-80a642443cc26708c",
}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-ec2-subnet-no-auto-public-ip"
    assert METADATA.severity == "high"


def test_module_subnet_passes() -> None:
    assert violations(POLICY, SUBNET, MODULE) == []


def test_absent_passes() -> None:
    assert violations(POLICY, SUBNET, {"vpcId": "vpc-1", "cidrBlock": "10.0.0.0/24"}) == []


def test_map_public_ip_on_launch() -> None:
    assert violations(POLICY, SUBNET, {**MODULE, "mapPublicIpOnLaunch": True}) == [
        "Subnet gives every instance launched in it a public IP address (mapPublicIpOnLaunch is true)"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:ec2/vpc:Vpc", {"mapPublicIpOnLaunch": True}) == []

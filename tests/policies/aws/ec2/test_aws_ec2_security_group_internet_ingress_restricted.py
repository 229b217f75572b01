"""aws-ec2-security-group-internet-ingress-restricted: only ports 80/443 may face the internet."""

from __future__ import annotations

from typing import Any

from policies.aws.ec2.security_group_internet_ingress_restricted import METADATA, POLICY
from tests.policies.policy_harness import violations

SG = "aws:ec2/securityGroup:SecurityGroup"
#: The interface endpoints' group modules.aws.spoke_vpc.SpokeVpc registers (example estate).
MODULE = {
    "description": "HTTPS from inside the VPC to its interface endpoints",
    "egress": [],
    "ingress": [
        {
            "cidrBlocks": ["10.76.110.0/23"],
            "description": "HTTPS from the VPC",
            "fromPort": 443,
            "protocol": "tcp",
            "toPort": 443,
        }
    ],
    "name": "ebc-prod-euw2-vpc-housing-repairs-vpce",
    "vpcId": "vpc-959c24be562fec389",
}
TAIL = "only ports 80, 443 may be open to it"


def with_rule(rule: dict[str, Any]) -> dict[str, Any]:
    return {**MODULE, "ingress": [MODULE["ingress"][0], rule]}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-ec2-security-group-internet-ingress-restricted"
    assert METADATA.severity == "high"
    assert METADATA.config_defaults == {"public_ports": [80, 443]}


def test_module_security_group_passes() -> None:
    assert violations(POLICY, SG, MODULE) == []


def test_public_web_ports_pass() -> None:
    props = {
        "ingress": [
            {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]},
            {"protocol": "tcp", "fromPort": 80, "toPort": 80, "ipv6CidrBlocks": ["::/0"]},
        ]
    }
    assert violations(POLICY, SG, props) == []


def test_other_single_port() -> None:
    assert violations(
        POLICY, SG, with_rule({"protocol": "tcp", "fromPort": 8080, "toPort": 8080, "cidrBlocks": ["0.0.0.0/0"]})
    ) == [f"Ingress rule 1 allows tcp port 8080 from the internet (0.0.0.0/0); {TAIL}"]


def test_range_including_web_ports() -> None:
    assert violations(
        POLICY, SG, with_rule({"protocol": "tcp", "fromPort": 80, "toPort": 443, "ipv6CidrBlocks": ["::/0"]})
    ) == [f"Ingress rule 1 allows tcp ports 80-443 from the internet (::/0); {TAIL}"]


def test_all_traffic() -> None:
    assert violations(
        POLICY, SG, with_rule({"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]})
    ) == [f"Ingress rule 1 allows all traffic from the internet (0.0.0.0/0); {TAIL}"]


def test_icmp() -> None:
    assert violations(
        POLICY, SG, with_rule({"protocol": "icmp", "fromPort": 8, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]})
    ) == [f"Ingress rule 1 allows icmp from the internet (0.0.0.0/0); {TAIL}"]


def test_configured_public_ports() -> None:
    props = with_rule({"protocol": "udp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]})
    assert violations(POLICY, SG, props, config={"public_ports": [443]}) == []
    assert violations(
        POLICY,
        SG,
        {"ingress": [{"protocol": "tcp", "fromPort": 80, "toPort": 80, "cidrBlocks": ["0.0.0.0/0"]}]},
        config={"public_ports": [443]},
    ) == ["Ingress rule 0 allows tcp port 80 from the internet (0.0.0.0/0); only ports 443 may be open to it"]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", {"ingress": []}) == []

"""aws-ec2-security-group-rule-internet-ingress-restricted: SecurityGroupRule lets the internet in on 80/443 only."""

from __future__ import annotations

from policies.aws.ec2.security_group_rule_internet_ingress_restricted import METADATA, POLICY
from tests.policies.policy_harness import violations

RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
BASE = {
    "type": "ingress",
    "securityGroupId": "sg-0123",
    "protocol": "tcp",
    "fromPort": 443,
    "toPort": 443,
    "cidrBlocks": ["0.0.0.0/0"],
    "ipv6CidrBlocks": ["::/0"],
}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-ec2-security-group-rule-internet-ingress-restricted"
    assert METADATA.severity == "high"


def test_https_from_the_internet_passes() -> None:
    assert violations(POLICY, RULE, BASE) == []


def test_other_port() -> None:
    assert violations(POLICY, RULE, {**BASE, "fromPort": 8443, "toPort": 8443}) == [
        "Security group rule allows tcp port 8443 from the internet (0.0.0.0/0, ::/0); "
        "only ports 80, 443 may be open to it"
    ]


def test_other_ip_protocol() -> None:
    assert violations(POLICY, RULE, {**BASE, "protocol": "50", "ipv6CidrBlocks": []}) == [
        "Security group rule allows IP protocol 50 from the internet (0.0.0.0/0); only ports 80, 443 may be open to it"
    ]


def test_egress_rules_are_not_ingress() -> None:
    assert violations(POLICY, RULE, {**BASE, "type": "egress", "protocol": "-1"}) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:ec2/instance:Instance", {**BASE, "protocol": "-1"}) == []

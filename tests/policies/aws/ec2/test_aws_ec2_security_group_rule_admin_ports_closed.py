"""aws-ec2-security-group-rule-admin-ports-closed: SecurityGroupRule never opens admin ports to the internet."""

from __future__ import annotations

from policies.aws.ec2.security_group_rule_admin_ports_closed import METADATA, POLICY
from tests.policies.policy_harness import violations

RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
BASE = {
    "type": "ingress",
    "securityGroupId": "sg-0123",
    "protocol": "tcp",
    "fromPort": 5432,
    "toPort": 5432,
    "cidrBlocks": ["10.76.110.0/23"],
}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-ec2-security-group-rule-admin-ports-closed"
    assert METADATA.severity == "critical"


def test_rule_from_the_vpc_passes() -> None:
    assert violations(POLICY, RULE, BASE) == []


def test_database_port_from_the_internet() -> None:
    assert violations(POLICY, RULE, {**BASE, "cidrBlocks": ["0.0.0.0/0"]}) == [
        "Security group rule opens administration port 5432 (PostgreSQL) to the internet (0.0.0.0/0)"
    ]


def test_ipv6_internet() -> None:
    props = {**BASE, "fromPort": 22, "toPort": 22, "ipv6CidrBlocks": ["::/0"]}
    assert violations(POLICY, RULE, props) == [
        "Security group rule opens administration port 22 (SSH) to the internet (::/0)"
    ]


def test_egress_rules_are_not_ingress() -> None:
    assert violations(POLICY, RULE, {**BASE, "type": "egress", "cidrBlocks": ["0.0.0.0/0"]}) == []


def test_source_security_group_is_not_the_internet() -> None:
    props = {k: v for k, v in BASE.items() if k != "cidrBlocks"} | {"sourceSecurityGroupId": "sg-0456"}
    assert violations(POLICY, RULE, props) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:ec2/securityGroup:SecurityGroup", {**BASE, "cidrBlocks": ["0.0.0.0/0"]}) == []

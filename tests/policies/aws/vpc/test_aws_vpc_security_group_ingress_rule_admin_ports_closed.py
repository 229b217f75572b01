"""aws-vpc-security-group-ingress-rule-admin-ports-closed: vpc.SecurityGroupIngressRule never opens admin ports."""

from __future__ import annotations

from policies.aws.vpc.security_group_ingress_rule_admin_ports_closed import METADATA, POLICY
from tests.policies.policy_harness import violations

RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
BASE = {"securityGroupId": "sg-0123", "ipProtocol": "tcp", "fromPort": 3389, "toPort": 3389, "cidrIpv4": "10.0.0.0/8"}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-vpc-security-group-ingress-rule-admin-ports-closed"
    assert METADATA.severity == "critical"


def test_rule_from_a_private_range_passes() -> None:
    assert violations(POLICY, RULE, BASE) == []


def test_rdp_from_the_internet() -> None:
    assert violations(POLICY, RULE, {**BASE, "cidrIpv4": "0.0.0.0/0"}) == [
        "Security group ingress rule opens administration port 3389 (RDP) to the internet (0.0.0.0/0)"
    ]


def test_all_protocols_from_ipv6_internet() -> None:
    props = {"securityGroupId": "sg-0123", "ipProtocol": "-1", "cidrIpv6": "::/0"}
    assert violations(POLICY, RULE, props) == [
        "Security group ingress rule opens all ports, administration ports included, to the internet (::/0)"
    ]


def test_referenced_security_group_passes() -> None:
    props = {
        "securityGroupId": "sg-0123",
        "ipProtocol": "tcp",
        "fromPort": 22,
        "toPort": 22,
        "referencedSecurityGroupId": "sg-0456",
    }
    assert violations(POLICY, RULE, props) == []


def test_other_types_are_ignored() -> None:
    assert (
        violations(POLICY, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", {**BASE, "cidrIpv4": "0.0.0.0/0"})
        == []
    )

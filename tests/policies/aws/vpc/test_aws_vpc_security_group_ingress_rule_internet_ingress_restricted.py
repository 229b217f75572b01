"""aws-vpc-security-group-ingress-rule-internet-ingress-restricted: the internet gets in on 80/443 only."""

from __future__ import annotations

from policies.aws.vpc.security_group_ingress_rule_internet_ingress_restricted import METADATA, POLICY
from tests.policies.policy_harness import violations

RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
BASE = {"securityGroupId": "sg-0123", "ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": "0.0.0.0/0"}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-vpc-security-group-ingress-rule-internet-ingress-restricted"
    assert METADATA.severity == "high"


def test_https_from_the_internet_passes() -> None:
    assert violations(POLICY, RULE, BASE) == []


def test_port_range_from_the_internet() -> None:
    assert violations(POLICY, RULE, {**BASE, "fromPort": 1024, "toPort": 65535}) == [
        "Security group ingress rule allows tcp ports 1024-65535 from the internet (0.0.0.0/0); "
        "only ports 80, 443 may be open to it"
    ]


def test_private_source_passes() -> None:
    assert violations(POLICY, RULE, {**BASE, "fromPort": 8080, "toPort": 8080, "cidrIpv4": "192.168.0.0/16"}) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:ec2/securityGroupRule:SecurityGroupRule", {**BASE, "fromPort": 1}) == []

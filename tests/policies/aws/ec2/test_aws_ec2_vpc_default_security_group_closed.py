"""aws-ec2-vpc-default-security-group-closed: every VPC adopts its default security group without rules."""

from __future__ import annotations

from typing import Any

from pulumi_policy.proxy import UNKNOWN_ARRAY_VALUE

from policies.aws.ec2.vpc_default_security_group_closed import METADATA, POLICY
from tests.policies.policy_harness import stack_violations

VPC = "aws:ec2/vpc:Vpc"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
URN = f"urn:pulumi:test::lz::{VPC}::dev-vpc"


def spoke(**group: Any) -> list[Any]:
    # modules.aws.spoke_vpc.SpokeVpc: DefaultSecurityGroup(vpc_id=vpc.id, ingress=[], egress=[])
    return [
        (VPC, "dev-vpc", {"ipv4NetmaskLength": 24}),
        (
            DEFAULT_SG,
            "dev-default-sg",
            {"egress": [], "ingress": [], "vpcId": "vpc-80a6", **group},
            {"vpcId": ["dev-vpc"]},
        ),
    ]


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-ec2-vpc-default-security-group-closed"
    assert (METADATA.kind, METADATA.severity) == ("stack", "medium")
    assert METADATA.frameworks.cis == "CIS AWS Foundations Benchmark v3.0.0 5.4"


def test_module_vpc_passes() -> None:
    assert stack_violations(POLICY, spoke()) == []


def test_unmanaged_default_group() -> None:
    assert stack_violations(POLICY, spoke()[:1]) == [
        (
            "VPC 'dev-vpc' leaves its default security group unmanaged, with AWS's allow-all rules: adopt it with "
            "aws.ec2.DefaultSecurityGroup and no rules",
            URN,
        )
    ]


def test_default_group_with_rules() -> None:
    rule = {"protocol": "-1", "fromPort": 0, "toPort": 0, "self": True}
    assert stack_violations(POLICY, spoke(ingress=[rule], egress=[{**rule, "cidrBlocks": ["0.0.0.0/0"]}])) == [
        ("Default security group of VPC 'dev-vpc' has 1 ingress and 1 egress rules; it must have none", URN)
    ]


def test_rules_unknown_during_preview_are_judged_at_the_update() -> None:
    assert stack_violations(POLICY, spoke(ingress=UNKNOWN_ARRAY_VALUE)) == []


def test_other_types_are_ignored() -> None:
    assert stack_violations(POLICY, [(DEFAULT_SG, "orphan", {"ingress": [{"protocol": "-1"}]})]) == []

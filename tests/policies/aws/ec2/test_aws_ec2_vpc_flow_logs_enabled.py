"""aws-ec2-vpc-flow-logs-enabled: every VPC has a flow log (ALL or REJECT traffic)."""

from __future__ import annotations

from typing import Any

from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from policies.aws.ec2.vpc_flow_logs_enabled import METADATA, POLICY
from tests.policies.policy_harness import stack_violations

VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
LOG_GROUP = "arn:aws:logs:eu-west-2:123456789012:log-group:/ebc/network/vpc-flow-logs"
#: As modules.aws.spoke_vpc.SpokeVpc registers them (example estate); during a preview the id is unknown.
VPC_PROPS = {
    "enableDnsHostnames": True,
    "enableDnsSupport": True,
    "ipv4IpamPoolId": "ipam-pool-3bde90cb3bf884d19",
    "ipv4NetmaskLength": 24,
}
FLOW_LOG_PROPS = {
    "iamRoleArn": "arn:aws:iam::123456789012:role/ebc-shared-euw2-iam-vpc-flow-logs",
    "logDestination": LOG_GROUP,
    "logDestinationType": "cloud-watch-logs",
    "maxAggregationInterval": 60,
    "trafficType": "ALL",
    "vpcId": UNKNOWN_STRING_VALUE,
}


def spoke(name: str, **flow_log: Any) -> list[Any]:
    return [
        (VPC, f"{name}-vpc", VPC_PROPS),
        (FLOW_LOG, f"{name}-flow-log", {**FLOW_LOG_PROPS, **flow_log}, {"vpcId": [f"{name}-vpc"]}),
    ]


def urn(name: str) -> str:
    return f"urn:pulumi:test::lz::{VPC}::{name}"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-ec2-vpc-flow-logs-enabled"
    assert (METADATA.kind, METADATA.severity) == ("stack", "high")
    assert METADATA.frameworks.cis == "CIS AWS Foundations Benchmark v3.0.0 3.7"


def test_module_spokes_pass() -> None:
    assert stack_violations(POLICY, [*spoke("dev"), *spoke("prod")]) == []


def test_vpc_without_flow_log() -> None:
    assert stack_violations(POLICY, [*spoke("dev"), (VPC, "sandbox-vpc", {"cidrBlock": "10.9.0.0/16"})]) == [
        ("VPC 'sandbox-vpc' has no flow log: no aws.ec2.FlowLog has it as vpcId", urn("sandbox-vpc"))
    ]


def test_flow_log_found_by_vpc_id() -> None:
    assert (
        stack_violations(
            POLICY,
            [
                (VPC, "a-vpc", {"id": "vpc-0123"}),
                (FLOW_LOG, "a-flow-log", {**FLOW_LOG_PROPS, "vpcId": "vpc-0123"}),
            ],
        )
        == []
    )


def test_reject_only_passes() -> None:
    assert stack_violations(POLICY, spoke("dev", trafficType="REJECT")) == []


def test_accept_only() -> None:
    assert stack_violations(POLICY, spoke("dev", trafficType="ACCEPT")) == [
        (
            "VPC 'dev-vpc' only logs ACCEPT traffic; its flow log must record ALL (or at least REJECT) traffic",
            urn("dev-vpc"),
        )
    ]


def test_subnet_flow_log_does_not_cover_the_vpc() -> None:
    assert stack_violations(
        POLICY,
        [
            (VPC, "a-vpc", {"id": "vpc-0123"}),
            (FLOW_LOG, "a-subnet-flow-log", {**FLOW_LOG_PROPS, "vpcId": None, "subnetId": "subnet-1"}),
        ],
    ) == [("VPC 'a-vpc' has no flow log: no aws.ec2.FlowLog has it as vpcId", urn("a-vpc"))]


def test_other_types_are_ignored() -> None:
    assert stack_violations(POLICY, [("aws:ec2/subnet:Subnet", "s", {"vpcId": "vpc-1"})]) == []

"""aws-ec2-instance-imdsv2-required: instances require IMDSv2."""

from __future__ import annotations

from policies.aws.ec2.instance_imdsv2_required import METADATA, POLICY
from tests.policies.policy_harness import violations

INSTANCE = "aws:ec2/instance:Instance"
BASE = {
    "ami": "ami-0123",
    "instanceType": "t4g.small",
    "metadataOptions": {"httpTokens": "required", "httpEndpoint": "enabled", "httpPutResponseHopLimit": 1},
}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-ec2-instance-imdsv2-required"
    assert METADATA.severity == "high"
    assert METADATA.frameworks.cis == "CIS AWS Foundations Benchmark v3.0.0 5.6"


def test_required_tokens_pass() -> None:
    assert violations(POLICY, INSTANCE, BASE) == []


def test_disabled_endpoint_passes() -> None:
    assert violations(POLICY, INSTANCE, {"metadataOptions": {"httpEndpoint": "disabled"}}) == []


def test_optional_tokens() -> None:
    props = {**BASE, "metadataOptions": {"httpTokens": "optional"}}
    assert violations(POLICY, INSTANCE, props) == [
        "Instance metadata allows IMDSv1 (metadataOptions.httpTokens is 'optional'); it must be 'required'"
    ]


def test_no_metadata_options() -> None:
    assert violations(POLICY, INSTANCE, {"ami": "ami-0123", "instanceType": "t4g.small"}) == [
        "Instance metadata allows IMDSv1 (metadataOptions.httpTokens is not set); it must be 'required'"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:ec2/launchTemplate:LaunchTemplate", {}) == []

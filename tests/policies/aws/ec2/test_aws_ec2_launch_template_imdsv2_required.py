"""aws-ec2-launch-template-imdsv2-required: launch templates require IMDSv2."""

from __future__ import annotations

from policies.aws.ec2.launch_template_imdsv2_required import METADATA, POLICY
from tests.policies.policy_harness import violations

TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
BASE = {"instanceType": "t4g.small", "metadataOptions": {"httpTokens": "required", "httpEndpoint": "enabled"}}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-ec2-launch-template-imdsv2-required"
    assert METADATA.severity == "high"


def test_required_tokens_pass() -> None:
    assert violations(POLICY, TEMPLATE, BASE) == []


def test_optional_tokens() -> None:
    assert violations(POLICY, TEMPLATE, {"metadataOptions": {"httpTokens": "optional"}}) == [
        "Instance metadata allows IMDSv1 (metadataOptions.httpTokens is 'optional'); it must be 'required'"
    ]


def test_no_metadata_options() -> None:
    assert violations(POLICY, TEMPLATE, {"instanceType": "t4g.small"}) == [
        "Instance metadata allows IMDSv1 (metadataOptions.httpTokens is not set); it must be 'required'"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:ec2/instance:Instance", {"metadataOptions": {"httpTokens": "required"}}) == []

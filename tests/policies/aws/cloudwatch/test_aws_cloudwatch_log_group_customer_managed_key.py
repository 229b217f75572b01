"""aws-cloudwatch-log-group-customer-managed-key: OFFICIAL-SENSITIVE log groups use a customer-managed key."""

from __future__ import annotations

from policies.aws.cloudwatch.log_group_customer_managed_key import METADATA, POLICY
from tests.policies.policy_harness import violations

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
SENSITIVE = {"data-classification": "OFFICIAL-SENSITIVE"}
KEY = "arn:aws:kms:eu-west-2:123456789012:key/k"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-cloudwatch-log-group-customer-managed-key"
    assert METADATA.severity == "high"
    assert METADATA.frameworks.checkov == ("CKV_AWS_158",)


def test_customer_key_passes() -> None:
    assert (
        violations(POLICY, LOG_GROUP, {"name": "/app", "retentionInDays": 400, "kmsKeyId": KEY, "tags": SENSITIVE})
        == []
    )


def test_platform_flow_log_group_is_official_and_passes() -> None:
    # The central flow-log group of the platform-aws-network layer (example estate).
    props = {"name": "/ebc/network/vpc-flow-logs", "retentionInDays": 400, "tags": {"data-classification": "OFFICIAL"}}
    assert violations(POLICY, LOG_GROUP, props) == []


def test_no_key() -> None:
    assert violations(POLICY, LOG_GROUP, {"name": "/app", "tags": SENSITIVE}) == [
        "Log group holds OFFICIAL-SENSITIVE data but is not encrypted with a customer-managed KMS key "
        "(kmsKeyId is not set)"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:cloudwatch/logStream:LogStream", {"tags": SENSITIVE}) == []

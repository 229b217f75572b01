"""aws-cloudwatch-log-group-retention: retention set, at least 90 days."""

from __future__ import annotations

import pytest

from policies.aws.cloudwatch.log_group_retention import METADATA, POLICY
from tests.policies.policy_harness import violations

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-cloudwatch-log-group-retention"
    assert METADATA.severity == "medium"
    assert METADATA.config_defaults == {"minimum_days": 90}


@pytest.mark.parametrize("days", [400, 90, 0], ids=["platform-flow-logs", "minimum", "never-expire"])
def test_retention_passes(days: int) -> None:
    assert violations(POLICY, LOG_GROUP, {"name": "/ebc/network/vpc-flow-logs", "retentionInDays": days}) == []


def test_no_retention() -> None:
    assert violations(POLICY, LOG_GROUP, {"name": "/app"}) == [
        "Log group has no retentionInDays, so logs are kept (and billed) forever; set at least 90 days"
    ]


def test_too_short() -> None:
    assert violations(POLICY, LOG_GROUP, {"name": "/app", "retentionInDays": 30}) == [
        "Log group keeps logs for 30 days; at least 90 are required"
    ]


def test_configured_minimum() -> None:
    assert violations(POLICY, LOG_GROUP, {"name": "/app", "retentionInDays": 180}, config={"minimum_days": 365}) == [
        "Log group keeps logs for 180 days; at least 365 are required"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:s3/bucket:Bucket", {}) == []

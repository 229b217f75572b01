"""aws-sns-topic-encrypted: topics have a KMS key."""

from __future__ import annotations

from policies.aws.sns.topic_encrypted import METADATA, POLICY
from tests.policies.policy_harness import violations

TOPIC = "aws:sns/topic:Topic"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-sns-topic-encrypted"
    assert METADATA.severity == "high"


def test_encrypted_passes() -> None:
    assert violations(POLICY, TOPIC, {"name": "alerts", "kmsMasterKeyId": "alias/housing-repairs"}) == []


def test_unencrypted() -> None:
    assert violations(POLICY, TOPIC, {"name": "alerts"}) == [
        "SNS topic is not encrypted at rest (kmsMasterKeyId is not set)"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:sqs/queue:Queue", {}) == []

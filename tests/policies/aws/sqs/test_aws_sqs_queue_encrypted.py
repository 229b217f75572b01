"""aws-sqs-queue-encrypted: queues use SSE-SQS or SSE-KMS."""

from __future__ import annotations

import pytest

from policies.aws.sqs.queue_encrypted import METADATA, POLICY
from tests.policies.policy_harness import violations

QUEUE = "aws:sqs/queue:Queue"
MESSAGE = "SQS queue is not encrypted: set sqsManagedSseEnabled to true or kmsMasterKeyId to a KMS key"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-sqs-queue-encrypted"
    assert METADATA.severity == "high"


@pytest.mark.parametrize(
    "props",
    [
        {"sqsManagedSseEnabled": True},
        {"kmsMasterKeyId": "arn:aws:kms:eu-west-2:123456789012:key/k"},
        {"kmsMasterKeyId": "alias/aws/sqs"},
    ],
    ids=["sse-sqs", "cmk", "aws-managed-kms"],
)
def test_encrypted_queue_passes(props: dict[str, object]) -> None:
    assert violations(POLICY, QUEUE, {"name": "repairs", **props}) == []


@pytest.mark.parametrize(
    "props", [{}, {"sqsManagedSseEnabled": False}, {"kmsMasterKeyId": ""}], ids=["absent", "off", "empty-key"]
)
def test_unencrypted(props: dict[str, object]) -> None:
    assert violations(POLICY, QUEUE, {"name": "repairs", **props}) == [MESSAGE]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:sns/topic:Topic", {}) == []

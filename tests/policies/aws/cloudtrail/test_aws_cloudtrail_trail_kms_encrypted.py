"""aws-cloudtrail-trail-kms-encrypted: trails use a customer-managed key."""

from __future__ import annotations

from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from policies.aws.cloudtrail.trail_kms_encrypted import METADATA, POLICY
from tests.policies.policy_harness import violations

TRAIL = "aws:cloudtrail/trail:Trail"
BASE = {"s3BucketName": "ebc-shared-euw2-s3-log-archive", "kmsKeyId": "arn:aws:kms:eu-west-2:123456789012:key/k"}
PREFIX = "Trail logs are not encrypted with a customer-managed KMS key (kmsKeyId"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-cloudtrail-trail-kms-encrypted"
    assert METADATA.severity == "high"
    assert METADATA.frameworks.cis == "CIS AWS Foundations Benchmark v3.0.0 3.5"


def test_customer_key_passes() -> None:
    assert violations(POLICY, TRAIL, BASE) == []


def test_key_of_the_program_unknown_during_preview_passes() -> None:
    assert violations(POLICY, TRAIL, {**BASE, "kmsKeyId": UNKNOWN_STRING_VALUE}) == []


def test_no_key() -> None:
    assert violations(POLICY, TRAIL, {"s3BucketName": "b"}) == [f"{PREFIX} is not set)"]


def test_aws_managed_alias() -> None:
    assert violations(POLICY, TRAIL, {**BASE, "kmsKeyId": "alias/aws/s3"}) == [f"{PREFIX} names an AWS-managed key)"]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:s3/bucket:Bucket", {}) == []

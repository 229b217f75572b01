"""aws-s3-bucket-customer-managed-key: OFFICIAL-SENSITIVE buckets use SSE-KMS with a customer key."""

from __future__ import annotations

from typing import Any

from pulumi_policy.proxy import UNKNOWN_ARRAY_VALUE, UNKNOWN_STRING_VALUE

from policies.aws.s3.bucket_customer_managed_key import METADATA, POLICY
from tests.policies.policy_harness import stack_violations

BUCKET = "aws:s3/bucket:Bucket"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
URN = f"urn:pulumi:test::lz::{BUCKET}::files-bucket"
NAME = "ebc-prod-euw2-s3-housing-repairs-files"
KEY_ARN = "arn:aws:kms:eu-west-2:123456789012:key/34703c1d-d99b-4dee-8358-b5fbbba551e1"
SENSITIVE = {"data-classification": "OFFICIAL-SENSITIVE", "environment": "prod"}
PREFIX = "S3 bucket 'files-bucket' holds OFFICIAL-SENSITIVE data but is not encrypted with a customer-managed KMS key"


def graph(default: Any, tags: dict[str, str] = SENSITIVE) -> list[Any]:
    rules = [{"applyServerSideEncryptionByDefault": default, "bucketKeyEnabled": True}]
    return [
        (BUCKET, "files-bucket", {"bucket": NAME, "tags": tags}),
        (SSE, "files-encryption", {"bucket": NAME, "rules": rules}, {"bucket": ["files-bucket"]}),
    ]


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-s3-bucket-customer-managed-key"
    assert (METADATA.kind, METADATA.severity) == ("stack", "high")


def test_module_bucket_with_service_key_passes() -> None:
    assert stack_violations(POLICY, graph({"kmsMasterKeyId": KEY_ARN, "sseAlgorithm": "aws:kms"})) == []


def test_dsse_kms_with_customer_key_passes() -> None:
    assert stack_violations(POLICY, graph({"kmsMasterKeyId": KEY_ARN, "sseAlgorithm": "aws:kms:dsse"})) == []


def test_sse_s3() -> None:
    assert stack_violations(POLICY, graph({"sseAlgorithm": "AES256"})) == [
        (f"{PREFIX} (default encryption: AES256)", URN)
    ]


def test_sse_kms_without_key_uses_the_aws_managed_key() -> None:
    assert stack_violations(POLICY, graph({"sseAlgorithm": "aws:kms"})) == [
        (f"{PREFIX} (default encryption: aws:kms with the AWS-managed key)", URN)
    ]


def test_sse_kms_with_the_aws_s3_alias() -> None:
    assert stack_violations(POLICY, graph({"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "alias/aws/s3"})) == [
        (f"{PREFIX} (default encryption: aws:kms with the AWS-managed key)", URN)
    ]


def test_no_encryption_configuration_at_all() -> None:
    assert stack_violations(POLICY, graph(None)[:1]) == [(f"{PREFIX} (default encryption: none)", URN)]


def test_official_buckets_are_not_judged() -> None:
    official = {"data-classification": "OFFICIAL"}
    assert stack_violations(POLICY, graph({"sseAlgorithm": "AES256"}, official)) == []


def test_key_reference_unknown_during_preview_counts_as_customer_managed() -> None:
    assert stack_violations(POLICY, graph({"kmsMasterKeyId": UNKNOWN_STRING_VALUE, "sseAlgorithm": "aws:kms"})) == []


def test_wholly_unknown_configuration_is_judged_at_the_update() -> None:
    assert (
        stack_violations(
            POLICY,
            [
                (BUCKET, "files-bucket", {"bucket": NAME, "tags": SENSITIVE}),
                (SSE, "files-encryption", {"bucket": NAME, "rules": UNKNOWN_ARRAY_VALUE}, {"bucket": ["files-bucket"]}),
            ],
        )
        == []
    )


def test_other_types_are_ignored() -> None:
    assert stack_violations(POLICY, [("aws:ebs/volume:Volume", "v", {"tags": SENSITIVE})]) == []

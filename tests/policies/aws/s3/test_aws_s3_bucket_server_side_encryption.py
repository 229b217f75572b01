"""aws-s3-bucket-server-side-encryption: every bucket needs a default encryption configuration."""

from __future__ import annotations

from pulumi_policy.proxy import UNKNOWN_ARRAY_VALUE, UNKNOWN_STRING_VALUE

from policies.aws.s3.bucket_server_side_encryption import METADATA, POLICY
from tests.policies.policy_harness import stack_violations

BUCKET = "aws:s3/bucket:Bucket"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
URN = f"urn:pulumi:test::lz::{BUCKET}::files-bucket"
NAME = "ebc-prod-euw2-s3-housing-repairs-files"
KEY_ARN = "arn:aws:kms:eu-west-2:123456789012:key/34703c1d-d99b-4dee-8358-b5fbbba551e1"
RULES = [
    {
        "applyServerSideEncryptionByDefault": {"kmsMasterKeyId": KEY_ARN, "sseAlgorithm": "aws:kms"},
        "bucketKeyEnabled": True,
    }
]
MISSING = "S3 bucket 'files-bucket' has no default encryption: no BucketServerSideEncryptionConfiguration refers to it"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-s3-bucket-server-side-encryption"
    assert (METADATA.kind, METADATA.severity) == ("stack", "high")
    assert METADATA.frameworks.checkov == ("CKV_AWS_19",)


def test_module_bucket_with_its_configuration_passes() -> None:
    # What modules.aws.bucket.Bucket registers: the configuration depends on the bucket.
    assert (
        stack_violations(
            POLICY,
            [
                (BUCKET, "files-bucket", {"bucket": NAME, "forceDestroy": False}),
                (SSE, "files-encryption", {"bucket": NAME, "rules": RULES}, {"bucket": ["files-bucket"]}),
            ],
        )
        == []
    )


def test_bucket_without_configuration() -> None:
    assert stack_violations(POLICY, [(BUCKET, "files-bucket", {"bucket": NAME})]) == [(MISSING, URN)]


def test_configuration_of_another_bucket_does_not_count() -> None:
    assert stack_violations(
        POLICY,
        [
            (BUCKET, "files-bucket", {"bucket": NAME}),
            (BUCKET, "other-bucket", {"bucket": "other"}),
            (SSE, "other-encryption", {"bucket": "other", "rules": RULES}, {"bucket": ["other-bucket"]}),
        ],
    ) == [(MISSING, URN)]


def test_configuration_found_by_literal_bucket_name() -> None:
    assert (
        stack_violations(
            POLICY,
            [
                (BUCKET, "files-bucket", {"bucket": NAME}),
                (SSE, "files-encryption", {"bucket": NAME, "rules": RULES}),
            ],
        )
        == []
    )


def test_v2_alias_and_deprecated_inline_configuration_count() -> None:
    inline = {"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}}
    assert (
        stack_violations(
            POLICY,
            [
                (
                    "aws:s3/bucketV2:BucketV2",
                    "legacy",
                    {"bucket": "legacy", "serverSideEncryptionConfiguration": inline},
                ),
            ],
        )
        == []
    )


def test_unknown_values_during_preview_count_as_present() -> None:
    assert (
        stack_violations(
            POLICY,
            [
                (BUCKET, "files-bucket", {"bucket": UNKNOWN_STRING_VALUE}),
                (
                    SSE,
                    "files-encryption",
                    {"bucket": UNKNOWN_STRING_VALUE, "rules": UNKNOWN_ARRAY_VALUE},
                    {"bucket": ["files-bucket"]},
                ),
            ],
        )
        == []
    )


def test_other_types_are_ignored() -> None:
    assert stack_violations(POLICY, [("aws:s3/bucketPolicy:BucketPolicy", "p", {"bucket": "x", "policy": "{}"})]) == []

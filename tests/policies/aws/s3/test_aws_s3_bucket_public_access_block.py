"""aws-s3-bucket-public-access-block: every bucket has a BucketPublicAccessBlock."""

from __future__ import annotations

from policies.aws.s3.bucket_public_access_block import METADATA, POLICY
from tests.policies.policy_harness import stack_violations

BUCKET = "aws:s3/bucket:Bucket"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
NAME = "ebc-prod-euw2-s3-council-website-media"
ALL_ON = {
    "bucket": NAME,
    "blockPublicAcls": True,
    "blockPublicPolicy": True,
    "ignorePublicAcls": True,
    "restrictPublicBuckets": True,
}
MISSING = "S3 bucket 'media-bucket' has no public access block: no BucketPublicAccessBlock refers to it"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-s3-bucket-public-access-block"
    assert (METADATA.kind, METADATA.severity) == ("stack", "high")
    assert METADATA.frameworks.cis == "CIS AWS Foundations Benchmark v3.0.0 2.1.4"


def test_module_bucket_passes() -> None:
    assert (
        stack_violations(
            POLICY,
            [
                (BUCKET, "media-bucket", {"bucket": NAME}),
                (PAB, "media-public-access-block", ALL_ON, {"bucket": ["media-bucket"]}),
            ],
        )
        == []
    )


def test_bucket_without_block() -> None:
    assert stack_violations(POLICY, [(BUCKET, "media-bucket", {"bucket": NAME})]) == [
        (MISSING, f"urn:pulumi:test::lz::{BUCKET}::media-bucket")
    ]


def test_each_bucket_needs_its_own_block() -> None:
    assert stack_violations(
        POLICY,
        [
            (BUCKET, "media-bucket", {"bucket": NAME}),
            (BUCKET, "site-bucket", {"bucket": "site"}),
            (PAB, "site-pab", {**ALL_ON, "bucket": "site"}, {"bucket": ["site-bucket"]}),
        ],
    ) == [(MISSING, f"urn:pulumi:test::lz::{BUCKET}::media-bucket")]


def test_block_found_by_bucket_id() -> None:
    # Stack policies see outputs: a bucket's id is its name.
    assert (
        stack_violations(
            POLICY,
            [
                (BUCKET, "media-bucket", {"id": NAME}),
                (PAB, "media-public-access-block", ALL_ON),
            ],
        )
        == []
    )


def test_other_types_are_ignored() -> None:
    assert stack_violations(POLICY, [(PAB, "orphan", ALL_ON)]) == []

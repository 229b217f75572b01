"""aws-s3-bucket-versioning-production: production buckets have versioning Enabled."""

from __future__ import annotations

from typing import Any

from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from policies.aws.s3.bucket_versioning_production import METADATA, POLICY
from tests.policies.policy_harness import stack_violations

BUCKET = "aws:s3/bucket:Bucket"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
NAME = "ebc-prod-euw2-s3-housing-repairs-files"
URN = f"urn:pulumi:test::lz::{BUCKET}::files-bucket"
PROD = {"environment": "prod"}


def graph(status: Any, tags: dict[str, str] = PROD) -> list[Any]:
    return [
        (BUCKET, "files-bucket", {"bucket": NAME, "tags": tags}),
        (
            VERSIONING,
            "files-versioning",
            {"bucket": NAME, "versioningConfiguration": {"status": status}},
            {"bucket": ["files-bucket"]},
        ),
    ]


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-s3-bucket-versioning-production"
    assert (METADATA.kind, METADATA.severity) == ("stack", "medium")


def test_module_bucket_passes() -> None:
    assert stack_violations(POLICY, graph("Enabled")) == []


def test_suspended() -> None:
    assert stack_violations(POLICY, graph("Suspended")) == [
        ("Production S3 bucket 'files-bucket' has versioning 'Suspended'; it must be 'Enabled'", URN)
    ]


def test_no_versioning_resource() -> None:
    assert stack_violations(POLICY, graph("Enabled")[:1]) == [
        ("Production S3 bucket 'files-bucket' has no versioning: no BucketVersioning refers to it", URN)
    ]


def test_non_production_is_not_judged() -> None:
    assert stack_violations(POLICY, graph("Suspended", {"environment": "dev"})) == []


def test_tags_all_from_provider_default_tags_count() -> None:
    assert stack_violations(
        POLICY, [(BUCKET, "files-bucket", {"bucket": NAME, "tagsAll": {"environment": "live"}})]
    ) == [("Production S3 bucket 'files-bucket' has no versioning: no BucketVersioning refers to it", URN)]


def test_deprecated_inline_versioning_counts() -> None:
    assert stack_violations(POLICY, [(BUCKET, "b", {"tags": PROD, "versioning": {"enabled": True}})]) == []


def test_unknown_status_is_judged_at_the_update() -> None:
    assert stack_violations(POLICY, graph(UNKNOWN_STRING_VALUE)) == []


def test_other_types_are_ignored() -> None:
    assert stack_violations(POLICY, [("aws:dynamodb/table:Table", "t", {"tags": PROD})]) == []

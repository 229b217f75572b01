"""aws-s3-bucket-policy-tls-only: every bucket's policy denies s3:* without TLS."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from policies.aws.s3.bucket_policy_tls_only import METADATA, POLICY
from tests.policies.policy_harness import stack_violations

BUCKET = "aws:s3/bucket:Bucket"
POLICY_TYPE = "aws:s3/bucketPolicy:BucketPolicy"
NAME = "ebc-prod-euw2-s3-housing-repairs-files"
ARNS = [f"arn:aws:s3:::{NAME}", f"arn:aws:s3:::{NAME}/*"]
URN = f"urn:pulumi:test::lz::{BUCKET}::files-bucket"
#: The statements modules.aws.bucket.Bucket writes (from the example estate's plan).
DENY_HTTP = {
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ARNS,
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
DENY_OLD_TLS = {
    "Sid": "DenyOutdatedTls",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ARNS,
    "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}},
}
NO_POLICY = "S3 bucket 'files-bucket' has no bucket policy; add one that denies s3:* when aws:SecureTransport is false"
NO_STATEMENT = (
    "S3 bucket 'files-bucket' has a bucket policy, but no statement denies s3:* when aws:SecureTransport is false"
)


def graph(*statements: dict[str, Any]) -> list[Any]:
    document = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
    return [
        (BUCKET, "files-bucket", {"bucket": NAME}),
        (
            POLICY_TYPE,
            "files-policy",
            {"bucket": NAME, "policy": document},
            {"bucket": ["files-bucket"], "policy": ["files-bucket"]},
        ),
    ]


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-s3-bucket-policy-tls-only"
    assert (METADATA.kind, METADATA.severity) == ("stack", "high")
    assert METADATA.frameworks.cis == "CIS AWS Foundations Benchmark v3.0.0 2.1.1"


def test_module_policy_passes() -> None:
    assert stack_violations(POLICY, graph(DENY_HTTP, DENY_OLD_TLS)) == []


@pytest.mark.parametrize(
    "variant",
    [
        {"Principal": {"AWS": "*"}},
        {"Action": ["s3:GetObject", "s3:*"]},
        {"Action": "*"},
        {"Condition": {"BoolIfExists": {"aws:securetransport": False}}},
    ],
    ids=["aws-star-principal", "action-list", "all-actions", "bool-if-exists"],
)
def test_equivalent_statements_pass(variant: dict[str, Any]) -> None:
    assert stack_violations(POLICY, graph({**DENY_HTTP, **variant})) == []


def test_bucket_without_policy() -> None:
    assert stack_violations(POLICY, graph()[:1]) == [(NO_POLICY, URN)]


def test_policy_without_tls_statement() -> None:
    assert stack_violations(POLICY, graph(DENY_OLD_TLS)) == [(NO_STATEMENT, URN)]


@pytest.mark.parametrize(
    "variant",
    [
        {"Effect": "Allow"},
        {"Principal": {"AWS": "arn:aws:iam::123456789012:root"}},
        {"Action": "s3:GetObject"},
        {"Condition": {"Bool": {"aws:SecureTransport": "true"}}},
    ],
    ids=["allow", "one-principal", "one-action", "wrong-value"],
)
def test_statements_that_do_not_deny_all_insecure_requests(variant: dict[str, Any]) -> None:
    assert stack_violations(POLICY, graph({**DENY_HTTP, **variant})) == [(NO_STATEMENT, URN)]


def test_deprecated_inline_policy_counts() -> None:
    document = json.dumps({"Statement": DENY_HTTP})
    assert stack_violations(POLICY, [(BUCKET, "files-bucket", {"bucket": NAME, "policy": document})]) == []


def test_policy_unknown_during_preview_is_judged_at_the_update() -> None:
    assert (
        stack_violations(
            POLICY,
            [
                (BUCKET, "files-bucket", {"bucket": NAME}),
                (
                    POLICY_TYPE,
                    "files-policy",
                    {"bucket": NAME, "policy": UNKNOWN_STRING_VALUE},
                    {"bucket": ["files-bucket"]},
                ),
            ],
        )
        == []
    )


def test_other_types_are_ignored() -> None:
    assert stack_violations(POLICY, [(POLICY_TYPE, "orphan", {"bucket": "x", "policy": "{}"})]) == []

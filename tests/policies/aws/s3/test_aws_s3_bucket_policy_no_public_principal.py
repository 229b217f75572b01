"""aws-s3-bucket-policy-no-public-principal: no unconditioned Allow to Principal "*"."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

from policies.aws.s3.bucket_policy_no_public_principal import METADATA, POLICY
from tests.policies.policy_harness import violations

POLICY_TYPE = "aws:s3/bucketPolicy:BucketPolicy"
SITE = "ebc-prod-euw2-s3-council-website-site"
#: The StaticSite bucket policy from the example estate: TLS-only denies, CloudFront read pinned by SourceArn.
STATIC_SITE = [
    {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{SITE}", f"arn:aws:s3:::{SITE}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    },
    {
        "Sid": "AllowCloudFrontRead",
        "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{SITE}/*",
        "Condition": {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E70BAE28D"}},
    },
]
PUBLIC_READ = {
    "Sid": "PublicRead",
    "Effect": "Allow",
    "Principal": "*",
    "Action": "s3:GetObject",
    "Resource": f"arn:aws:s3:::{SITE}/*",
}


def props(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"bucket": SITE, "policy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)})}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-s3-bucket-policy-no-public-principal"
    assert METADATA.severity == "critical"


def test_module_policy_passes() -> None:
    assert violations(POLICY, POLICY_TYPE, props(*STATIC_SITE)) == []


def test_public_read() -> None:
    assert violations(POLICY, POLICY_TYPE, props(*STATIC_SITE, PUBLIC_READ)) == [
        'Statement 2 (PublicRead) allows s3:GetObject to everyone ("*") without a condition restricting the caller'
    ]


def test_aws_star_principal_without_sid() -> None:
    statement = {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:GetObject", "s3:PutObject"]}
    assert violations(POLICY, POLICY_TYPE, props(statement)) == [
        'Statement 0 allows s3:GetObject, s3:PutObject to everyone ("*") without a condition restricting the caller'
    ]


def test_condition_that_does_not_restrict_the_caller() -> None:
    statement = {**PUBLIC_READ, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
    assert violations(POLICY, POLICY_TYPE, props(statement)) == [
        'Statement 0 (PublicRead) allows s3:GetObject to everyone ("*") without a condition restricting the caller'
    ]


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
        {"StringEquals": {"aws:SourceVpce": "vpce-0123"}},
        {"ArnLike": {"AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/*"}},
    ],
)
def test_restricting_conditions_pass(condition: dict[str, Any]) -> None:
    assert violations(POLICY, POLICY_TYPE, props({**PUBLIC_READ, "Condition": condition})) == []


def test_not_principal() -> None:
    statement = {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:role/x"}, "Action": "s3:*"}
    assert violations(POLICY, POLICY_TYPE, props(statement)) == [
        "Statement 0 allows access with NotPrincipal, which grants everyone not listed"
    ]


def test_deprecated_inline_bucket_policy() -> None:
    assert violations(POLICY, "aws:s3/bucket:Bucket", props(PUBLIC_READ)) == [
        'Statement 0 (PublicRead) allows s3:GetObject to everyone ("*") without a condition restricting the caller'
    ]


def test_not_json() -> None:
    assert violations(POLICY, POLICY_TYPE, {"bucket": SITE, "policy": "not json"}) == [
        "Bucket policy is not a valid JSON policy document"
    ]


def test_bucket_without_policy_passes() -> None:
    assert violations(POLICY, "aws:s3/bucket:Bucket", {"bucket": SITE}) == []


def test_unknown_policy_defers_to_the_update() -> None:
    with pytest.raises(UnknownValueError):
        violations(POLICY, POLICY_TYPE, {"bucket": SITE, "policy": UNKNOWN_STRING_VALUE})


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:iam/policy:Policy", props(PUBLIC_READ)) == []

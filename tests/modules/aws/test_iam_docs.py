"""Table-driven tests of the pure policy-document builders (no Pulumi runtime involved)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modules.aws.iam_docs import (
    GRANT_NAME_RE,
    IAM_PRINCIPAL_ARN_RE,
    KMS_KEY_ARN_RE,
    BucketGrant,
    bucket_policy_document,
    duplicate_grant_sids,
    grant_sid,
    service_assume_role_policy,
)

BUCKET = "arn:aws:s3:::bcc-dev-euw2-s3-docs"
OBJECTS = f"{BUCKET}/*"
DISTRIBUTION = "arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL"
READER = "arn:aws:iam::123456789012:role/app-reader"
WRITER = "arn:aws:iam::123456789012:role/deployer"

DENY_INSECURE = {
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": [BUCKET, OBJECTS],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
DENY_OLD_TLS = {
    "Sid": "DenyOutdatedTls",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": [BUCKET, OBJECTS],
    "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}},
}
CLOUDFRONT_READ = {
    "Sid": "AllowCloudFrontRead",
    "Effect": "Allow",
    "Principal": {"Service": "cloudfront.amazonaws.com"},
    "Action": "s3:GetObject",
    "Resource": OBJECTS,
    "Condition": {"StringEquals": {"AWS:SourceArn": DISTRIBUTION}},
}


def reader_statements(sid: str, principal: str) -> list[dict[str, Any]]:
    return [
        {
            "Sid": f"{sid}Bucket",
            "Effect": "Allow",
            "Principal": {"AWS": principal},
            "Action": ["s3:ListBucket"],
            "Resource": BUCKET,
        },
        {
            "Sid": f"{sid}Objects",
            "Effect": "Allow",
            "Principal": {"AWS": principal},
            "Action": ["s3:GetObject"],
            "Resource": OBJECTS,
        },
    ]


def writer_statements(sid: str, principal: str) -> list[dict[str, Any]]:
    return [
        {
            "Sid": f"{sid}Bucket",
            "Effect": "Allow",
            "Principal": {"AWS": principal},
            "Action": ["s3:ListBucket"],
            "Resource": BUCKET,
        },
        {
            "Sid": f"{sid}Objects",
            "Effect": "Allow",
            "Principal": {"AWS": principal},
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": OBJECTS,
        },
    ]


def admin_wildcards(document: str) -> list[dict[str, Any]]:
    """Allow statements granting every action on every resource: what no document may contain."""
    found = []
    for statement in json.loads(document)["Statement"]:
        actions = statement.get("Action", [])
        resources = statement.get("Resource", [])
        actions = [actions] if isinstance(actions, str) else actions
        resources = [resources] if isinstance(resources, str) else resources
        if statement["Effect"] == "Allow" and {"*", "*:*"} & set(actions) and "*" in resources:
            found.append(statement)
    return found


def test_admin_wildcard_check_catches_what_it_must() -> None:
    doc = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Allow", "Action": ["s3:GetObject", "*:*"], "Resource": ["*"]},
                {"Effect": "Deny", "Action": "*", "Resource": "*"},
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            ],
        }
    )
    assert len(admin_wildcards(doc)) == 2


@pytest.mark.parametrize(
    ("name", "sid"),
    [
        ("app", "GrantApp"),
        ("app-reader", "GrantAppReader"),
        ("etl-2", "GrantEtl2"),
        ("a-b-c", "GrantABC"),
    ],
)
def test_grant_sid(name: str, sid: str) -> None:
    assert grant_sid(name) == sid


@pytest.mark.parametrize(
    ("names", "clashes"),
    [
        (["app", "reader"], []),
        (["a-1b", "a1b"], ["'a-1b' and 'a1b'"]),
        ([], []),
    ],
)
def test_duplicate_grant_sids(names: list[str], clashes: list[str]) -> None:
    assert duplicate_grant_sids(names) == clashes


@pytest.mark.parametrize(
    ("grants", "distribution", "statements"),
    [
        pytest.param({}, None, [DENY_INSECURE, DENY_OLD_TLS], id="tls-only"),
        pytest.param({}, DISTRIBUTION, [DENY_INSECURE, DENY_OLD_TLS, CLOUDFRONT_READ], id="cloudfront"),
        pytest.param(
            {"app-reader": BucketGrant(principal_arn=READER, access="read")},
            None,
            [DENY_INSECURE, DENY_OLD_TLS, *reader_statements("GrantAppReader", READER)],
            id="read",
        ),
        pytest.param(
            # Given out of order: statements come in name order so the text is stable.
            {
                "deployer": BucketGrant(principal_arn=WRITER, access="read_write"),
                "app-reader": BucketGrant(principal_arn=READER, access="read"),
            },
            DISTRIBUTION,
            [
                DENY_INSECURE,
                DENY_OLD_TLS,
                CLOUDFRONT_READ,
                *reader_statements("GrantAppReader", READER),
                *writer_statements("GrantDeployer", WRITER),
            ],
            id="cloudfront-read-and-write",
        ),
    ],
)
def test_bucket_policy_document(
    grants: dict[str, BucketGrant], distribution: str | None, statements: list[dict[str, Any]]
) -> None:
    document = bucket_policy_document(BUCKET, grants=grants, cloudfront_distribution_arn=distribution)
    assert json.loads(document) == {"Version": "2012-10-17", "Statement": statements}
    assert admin_wildcards(document) == []


def test_bucket_policy_document_rejects_clashing_sids() -> None:
    grants = {
        "a-1b": BucketGrant(principal_arn=READER, access="read"),
        "a1b": BucketGrant(principal_arn=WRITER, access="read"),
    }
    with pytest.raises(ValueError) as caught:
        bucket_policy_document(BUCKET, grants=grants)
    assert str(caught.value) == "role assignment names give the same statement id: 'a-1b' and 'a1b'"


@pytest.mark.parametrize(
    ("service", "account", "statement"),
    [
        pytest.param(
            "monitoring.rds.amazonaws.com",
            None,
            {"Effect": "Allow", "Principal": {"Service": "monitoring.rds.amazonaws.com"}, "Action": "sts:AssumeRole"},
            id="no-condition",
        ),
        pytest.param(
            "monitoring.rds.amazonaws.com",
            "123456789012",
            {
                "Effect": "Allow",
                "Principal": {"Service": "monitoring.rds.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
            },
            id="source-account",
        ),
    ],
)
def test_service_assume_role_policy(service: str, account: str | None, statement: dict[str, Any]) -> None:
    document = service_assume_role_policy(service, source_account=account)
    assert json.loads(document) == {"Version": "2012-10-17", "Statement": [statement]}
    assert admin_wildcards(document) == []


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        (KMS_KEY_ARN_RE, "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", True),
        (KMS_KEY_ARN_RE, "arn:aws:kms:eu-west-2:123456789012:alias/app", False),
        (KMS_KEY_ARN_RE, "1234abcd-12ab-34cd-56ef-1234567890ab", False),
        (IAM_PRINCIPAL_ARN_RE, "arn:aws:iam::123456789012:role/app", True),
        (IAM_PRINCIPAL_ARN_RE, "arn:aws:iam::123456789012:role/path/app", True),
        (IAM_PRINCIPAL_ARN_RE, "arn:aws:iam::123456789012:user/ci", True),
        (IAM_PRINCIPAL_ARN_RE, "arn:aws:iam::123456789012:root", True),
        (IAM_PRINCIPAL_ARN_RE, "*", False),
        (IAM_PRINCIPAL_ARN_RE, "arn:aws:iam::123456789012:policy/app", False),
        (GRANT_NAME_RE, "app-reader", True),
        (GRANT_NAME_RE, "App", False),
        (GRANT_NAME_RE, "app--reader", False),
        (GRANT_NAME_RE, "-app", False),
    ],
)
def test_patterns(pattern: Any, value: str, matches: bool) -> None:
    assert (pattern.fullmatch(value) is not None) is matches


# Built from parts rather than `from_regex`, which is slow to generate from.
segments = st.text(alphabet="abc019", min_size=1, max_size=4)
slugs = st.lists(segments, min_size=1, max_size=3).map("-".join)
principals = st.integers(min_value=0, max_value=10**12 - 1).map(lambda n: f"arn:aws:iam::{n:012d}:role/app")
grant_maps = st.dictionaries(
    slugs,
    st.builds(BucketGrant, principal_arn=principals, access=st.sampled_from(["read", "read_write"])),
    max_size=8,
)


@given(grants=grant_maps, distribution=st.none() | st.just(DISTRIBUTION))
def test_bucket_policy_document_invariants(grants: dict[str, BucketGrant], distribution: str | None) -> None:
    """Any assignment map gives a well-formed policy or, only for clashing Sids, a ValueError."""
    if duplicate_grant_sids(grants):
        with pytest.raises(ValueError):
            bucket_policy_document(BUCKET, grants=grants, cloudfront_distribution_arn=distribution)
        return
    document = bucket_policy_document(BUCKET, grants=grants, cloudfront_distribution_arn=distribution)
    statements = json.loads(document)["Statement"]
    assert statements[:2] == [DENY_INSECURE, DENY_OLD_TLS]
    assert len(statements) == 2 + (distribution is not None) + 2 * len(grants)
    sids = [s["Sid"] for s in statements]
    assert len(sids) == len(set(sids))
    assert all(s["Sid"].isalnum() for s in statements)
    assert admin_wildcards(document) == []
    for statement in statements:
        if statement["Effect"] == "Allow":
            assert statement["Resource"] in (BUCKET, OBJECTS)

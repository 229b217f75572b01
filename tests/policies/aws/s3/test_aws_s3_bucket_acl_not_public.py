"""aws-s3-bucket-acl-not-public: no public canned ACLs and no grants to AllUsers/AuthenticatedUsers."""

from __future__ import annotations

import pytest

from policies.aws.s3.bucket_acl_not_public import METADATA, POLICY
from tests.policies.policy_harness import violations

ACL = "aws:s3/bucketAcl:BucketAcl"
BUCKET = "aws:s3/bucket:Bucket"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
OWNER_GRANT = {"grantee": {"type": "CanonicalUser", "id": "abc123"}, "permission": "FULL_CONTROL"}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-s3-bucket-acl-not-public"
    assert METADATA.severity == "critical"
    assert ACL in METADATA.resource_types and BUCKET in METADATA.resource_types


def test_module_bucket_without_acl_passes() -> None:
    # modules.aws.bucket.Bucket disables ACLs and sets neither `acl` nor `grants`.
    assert violations(POLICY, BUCKET, {"bucket": "ebc-prod-euw2-s3-housing-repairs-files", "forceDestroy": False}) == []


def test_private_acl_resource_passes() -> None:
    props = {
        "bucket": "b",
        "acl": "private",
        "accessControlPolicy": {"owner": {"id": "abc123"}, "grants": [OWNER_GRANT]},
    }
    assert violations(POLICY, ACL, props) == []


@pytest.mark.parametrize("acl", ["public-read", "public-read-write", "authenticated-read"])
def test_public_canned_acl(acl: str) -> None:
    assert violations(POLICY, ACL, {"bucket": "b", "acl": acl}) == [f"Canned ACL '{acl}' makes the bucket public"]


def test_grant_to_all_users() -> None:
    grants = [OWNER_GRANT, {"grantee": {"type": "Group", "uri": ALL_USERS}, "permission": "READ"}]
    props = {"bucket": "b", "accessControlPolicy": {"owner": {"id": "abc123"}, "grants": grants}}
    assert violations(POLICY, "aws:s3/bucketAclV2:BucketAclV2", props) == [
        "ACL grants READ to AllUsers (anyone on the internet)"
    ]


def test_inline_bucket_acl_and_grants() -> None:
    props = {
        "acl": "public-read",
        "grants": [{"type": "Group", "uri": AUTHENTICATED, "permissions": ["READ", "WRITE"]}],
    }
    assert violations(POLICY, BUCKET, props) == [
        "Canned ACL 'public-read' makes the bucket public",
        "ACL grants READ to AuthenticatedUsers (any AWS account)",
        "ACL grants WRITE to AuthenticatedUsers (any AWS account)",
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:s3/bucketPolicy:BucketPolicy", {"acl": "public-read"}) == []

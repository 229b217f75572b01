"""`AccessLogBucket` under the offline planner, its policy and its validation."""

from __future__ import annotations

from typing import Any

import pytest

from lz.plan import StackPlan
from lz.tags import is_taggable
from modules.aws.access_log_bucket import (
    TYPE_TOKEN,
    AccessLogBucket,
    AccessLogBucketArgs,
    access_log_bucket_policy,
    validate_access_log_bucket_args,
)
from tests.modules.aws.component_helpers import PLATFORM_TAGS as TAGS
from tests.modules.aws.component_helpers import plan_component
from tests.modules.aws.policy_checks import check_policy

NAME = "ebc-shared-euw2-s3-access-logs-network"
ARN = f"arn:aws:s3:::{NAME}"
ACCOUNT = "444444444444"


def args_with(**changes: Any) -> AccessLogBucketArgs:
    return AccessLogBucketArgs(**{"bucket_name": NAME, "account_id": ACCOUNT, "tags": TAGS, **changes})


def plan_bucket(args: AccessLogBucketArgs) -> StackPlan:
    return plan_component(lambda: AccessLogBucket("logs", args))


@pytest.fixture(scope="module")
def plan() -> StackPlan:
    return plan_bucket(args_with())


def test_children(plan: StackPlan) -> None:
    component = plan.one(TYPE_TOKEN, "logs")
    assert {r.name for r in plan.managed()} == {
        "logs", "logs-bucket", "logs-versioning", "logs-encryption", "logs-public-access-block", "logs-ownership",
        "logs-lifecycle", "logs-policy",
    }
    for resource in plan.managed():
        if resource is not component:
            assert resource.parent == component.urn


def test_sse_s3_because_access_logging_cannot_use_sse_kms(plan: StackPlan) -> None:
    rule = plan.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    assert rule.inputs["rules"] == [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"},
                                     "bucketKeyEnabled": False}]
    assert "objectLockEnabled" not in plan.one("aws:s3/bucket:Bucket").inputs


@pytest.mark.parametrize(("cloudfront", "ownership"), [(False, "BucketOwnerEnforced"), (True, "BucketOwnerPreferred")])
def test_ownership_enables_acls_only_for_cloudfront(cloudfront: bool, ownership: str) -> None:
    plan = plan_bucket(args_with(cloudfront_logging=cloudfront))
    assert plan.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs["rule"] == {
        "objectOwnership": ownership
    }
    block = plan.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert block.inputs["blockPublicAcls"] is True and block.inputs["ignorePublicAcls"] is True


def test_lifecycle_expires_logs(plan: StackPlan) -> None:
    rules = {r["id"]: r for r in plan.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
             .inputs["rules"]}
    assert rules["expire"]["expiration"] == {"days": 400}
    assert rules["expire-noncurrent-versions"]["noncurrentVersionExpiration"] == {"noncurrentDays": 30}
    assert rules["abort-incomplete-multipart-uploads"]["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}


@pytest.mark.parametrize(("lock", "protect"), [(True, True), (False, None)])
def test_lock_protects_the_bucket(lock: bool, protect: bool | None) -> None:
    plan = plan_bucket(args_with(lock=lock))
    bucket = plan.one("aws:s3/bucket:Bucket")
    assert bucket.options["protect"] is protect and bucket.options["retain_on_delete"] is protect


def test_tags(plan: StackPlan) -> None:
    taggable = [r for r in plan.managed() if is_taggable(r.type)]
    assert [r.type for r in taggable] == ["aws:s3/bucket:Bucket"]
    assert taggable[0].inputs["tags"] == TAGS


def test_policy() -> None:
    statements = check_policy(access_log_bucket_policy(bucket_arn=ARN, account_id=ACCOUNT))
    assert list(statements) == ["DenyInsecureTransport", "DenyOutdatedTls", "AllowS3ServerAccessLogs"]
    assert statements["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statements["AllowS3ServerAccessLogs"] == {
        "Sid": "AllowS3ServerAccessLogs", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": f"{ARN}/*",
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}, "ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}},
    }


def test_policy_in_plan(plan: StackPlan) -> None:
    assert plan.one("aws:s3/bucketPolicy:BucketPolicy").inputs["policy"] == access_log_bucket_policy(
        bucket_arn=ARN, account_id=ACCOUNT)


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        pytest.param({}, [], id="valid"),
        pytest.param({"bucket_name": "ab"}, ["bucket_name 'ab' is 2 characters long; S3 bucket names are 3-63"],
                     id="name"),
        pytest.param({"account_id": "12"}, ["account_id must be a 12-digit AWS account id, got '12'"], id="account"),
        pytest.param({"tags": {**TAGS, "environment": "Shared"}},
                     ["tags: Tag 'environment' has value 'Shared'; it must be a lowercase slug (letters, digits and "
                      "single hyphens, e.g. 'prod')"], id="tags"),
        pytest.param({"expire_after_days": 30}, ["expire_after_days must be more than 30, got 30"], id="expiry"),
    ],
)
def test_validate(changes: dict[str, Any], problems: list[str]) -> None:
    assert validate_access_log_bucket_args(args_with(**changes)) == problems

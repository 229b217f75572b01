"""`Bucket` under the offline planner: children, key inputs, tags, lock and validation."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from lz.plan import ProgramError, StackPlan, plan_callable
from lz.tags import is_taggable
from modules.aws.bucket import TYPE_TOKEN, Bucket, BucketAccess, BucketArgs, validate_bucket_args
from tests.modules.aws.component_helpers import CONFIG, plan_component

TAGS = {
    "service": "housing-repairs",
    "cost-centre": "CC1234",
    "owner": "digital-team",
    "environment": "dev",
    "business-unit": "housing",
    "data-classification": "OFFICIAL",
    "managed-by": "pulumi",
}
NAME = "bcc-dev-euw2-s3-docs"
ARN = f"arn:aws:s3:::{NAME}"
KMS_KEY = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
READER = "arn:aws:iam::123456789012:role/app-reader"
WRITER = "arn:aws:iam::123456789012:role/deployer"

S3 = "aws:s3/"
BUCKET = "aws:s3/bucket:Bucket"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
LOGGING = "aws:s3/bucketLogging:BucketLogging"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"


def plan_bucket(args: BucketArgs) -> StackPlan:
    return plan_component(lambda: Bucket("docs", args), "bucket_name", "arn", "regional_domain_name")


@pytest.fixture(scope="module")
def default_plan() -> StackPlan:
    return plan_bucket(BucketArgs(bucket_name=NAME, tags=TAGS))


@pytest.fixture(scope="module")
def full_plan() -> StackPlan:
    return plan_bucket(
        BucketArgs(
            bucket_name=NAME,
            tags=TAGS,
            kms_key_arn=KMS_KEY,
            lock=True,
            access_log_bucket="bcc-prod-euw2-s3-access-logs",
            archive_after_days=30,
            expire_after_days=365,
            role_assignments={
                "deployer": BucketAccess(principal_arn=WRITER, access="read_write"),
                "app-reader": BucketAccess(principal_arn=READER, access="read"),
            },
        )
    )


@pytest.fixture(scope="module")
def bare_plan() -> StackPlan:
    """Unversioned, SSE-S3, policy owned by the caller."""
    return plan_bucket(
        BucketArgs(bucket_name=NAME, tags=TAGS, versioning=False, sse_algorithm="AES256", manage_policy=False)
    )


def children(plan: StackPlan) -> set[tuple[str, str]]:
    return {(r.type, r.name) for r in plan.managed()}


def policy_statements(plan: StackPlan) -> dict[str, dict[str, Any]]:
    policy = json.loads(plan.one(POLICY).inputs["policy"])
    assert policy["Version"] == "2012-10-17"
    return {s["Sid"]: s for s in policy["Statement"]}


BASE_CHILDREN = {
    (TYPE_TOKEN, "docs"),
    (BUCKET, "docs-bucket"),
    (VERSIONING, "docs-versioning"),
    (ENCRYPTION, "docs-encryption"),
    (PUBLIC_ACCESS_BLOCK, "docs-public-access-block"),
    (OWNERSHIP, "docs-ownership"),
    (LIFECYCLE, "docs-lifecycle"),
}


def test_default_children(default_plan: StackPlan) -> None:
    assert children(default_plan) == BASE_CHILDREN | {(POLICY, "docs-policy")}


def test_full_children(full_plan: StackPlan) -> None:
    assert children(full_plan) == BASE_CHILDREN | {(POLICY, "docs-policy"), (LOGGING, "docs-logging")}


def test_bare_children(bare_plan: StackPlan) -> None:
    assert children(bare_plan) == BASE_CHILDREN


@pytest.mark.parametrize("plan_name", ["default_plan", "full_plan", "bare_plan"])
def test_every_child_is_parented_to_the_component_and_tagged(plan_name: str, request: pytest.FixtureRequest) -> None:
    plan: StackPlan = request.getfixturevalue(plan_name)
    component = plan.one(TYPE_TOKEN, "docs")
    taggable = 0
    for resource in plan.managed():
        if resource is component:
            continue
        assert resource.parent == component.urn, resource.name
        assert resource.type.startswith(S3)
        if is_taggable(resource.type):
            taggable += 1
            assert resource.inputs["tags"].items() >= TAGS.items(), resource.name
    assert taggable == 1  # only the bucket itself takes tags among the S3 configuration resources


def test_bucket_is_never_force_destroyed(full_plan: StackPlan) -> None:
    bucket = full_plan.one(BUCKET)
    assert bucket.inputs["bucket"] == NAME
    assert bucket.inputs["forceDestroy"] is False


def test_default_encryption_is_sse_kms_with_the_aws_managed_key(default_plan: StackPlan) -> None:
    assert default_plan.one(ENCRYPTION).inputs["rules"] == [
        {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}, "bucketKeyEnabled": True}
    ]


def test_customer_key_encryption(full_plan: StackPlan) -> None:
    assert full_plan.one(ENCRYPTION).inputs["rules"] == [
        {
            "applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KMS_KEY},
            "bucketKeyEnabled": True,
        }
    ]


def test_sse_s3_encryption(bare_plan: StackPlan) -> None:
    assert bare_plan.one(ENCRYPTION).inputs["rules"] == [
        {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}, "bucketKeyEnabled": False}
    ]


def test_public_access_is_blocked_and_acls_are_off(default_plan: StackPlan) -> None:
    block = default_plan.one(PUBLIC_ACCESS_BLOCK).inputs
    assert block == {
        "bucket": NAME,
        "blockPublicAcls": True,
        "blockPublicPolicy": True,
        "ignorePublicAcls": True,
        "restrictPublicBuckets": True,
    }
    assert default_plan.one(OWNERSHIP).inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}


@pytest.mark.parametrize(("plan_name", "status"), [("default_plan", "Enabled"), ("bare_plan", "Suspended")])
def test_versioning(plan_name: str, status: str, request: pytest.FixtureRequest) -> None:
    plan: StackPlan = request.getfixturevalue(plan_name)
    assert plan.one(VERSIONING).inputs["versioningConfiguration"] == {"status": status}


ABORT_RULE = {
    "id": "abort-incomplete-multipart-uploads",
    "status": "Enabled",
    "filter": {},
    "abortIncompleteMultipartUpload": {"daysAfterInitiation": 7},
}
NONCURRENT_RULE = {
    "id": "expire-noncurrent-versions",
    "status": "Enabled",
    "filter": {},
    "noncurrentVersionExpiration": {"noncurrentDays": 90},
    "expiration": {"expiredObjectDeleteMarker": True},
}


@pytest.mark.parametrize(
    ("plan_name", "rules"),
    [
        ("default_plan", [ABORT_RULE, NONCURRENT_RULE]),
        ("bare_plan", [ABORT_RULE]),
        (
            "full_plan",
            [
                ABORT_RULE,
                NONCURRENT_RULE,
                {
                    "id": "archive",
                    "status": "Enabled",
                    "filter": {},
                    "transitions": [{"days": 30, "storageClass": "GLACIER_IR"}],
                },
                {"id": "expire", "status": "Enabled", "filter": {}, "expiration": {"days": 365}},
            ],
        ),
    ],
)
def test_lifecycle_rules(plan_name: str, rules: list[dict[str, Any]], request: pytest.FixtureRequest) -> None:
    plan: StackPlan = request.getfixturevalue(plan_name)
    lifecycle = plan.one(LIFECYCLE)
    assert lifecycle.inputs["rules"] == rules
    # Applied after the versioning state the noncurrent-version rule depends on.
    assert plan.one(VERSIONING).urn in lifecycle.dependencies


def test_access_logging(full_plan: StackPlan) -> None:
    assert full_plan.one(LOGGING).inputs == {
        "bucket": NAME,
        "targetBucket": "bcc-prod-euw2-s3-access-logs",
        "targetPrefix": f"s3/{NAME}/",
    }


def test_policy_is_tls_only(default_plan: StackPlan) -> None:
    statements = policy_statements(default_plan)
    assert list(statements) == ["DenyInsecureTransport", "DenyOutdatedTls"]
    insecure, old_tls = statements["DenyInsecureTransport"], statements["DenyOutdatedTls"]
    for statement in (insecure, old_tls):
        assert statement["Effect"] == "Deny"
        assert statement["Principal"] == "*"
        assert statement["Action"] == "s3:*"
        assert statement["Resource"] == [ARN, f"{ARN}/*"]
    assert insecure["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert old_tls["Condition"] == {"NumericLessThan": {"s3:TlsVersion": "1.2"}}
    policy = default_plan.one(POLICY)
    assert policy.inputs["bucket"] == NAME
    assert default_plan.one(PUBLIC_ACCESS_BLOCK).urn in policy.dependencies


def test_policy_grants_role_assignments_least_privilege(full_plan: StackPlan) -> None:
    statements = policy_statements(full_plan)
    assert list(statements) == [
        "DenyInsecureTransport",
        "DenyOutdatedTls",
        "GrantAppReaderBucket",
        "GrantAppReaderObjects",
        "GrantDeployerBucket",
        "GrantDeployerObjects",
    ]
    expected = {
        "GrantAppReaderBucket": (READER, ["s3:ListBucket"], ARN),
        "GrantAppReaderObjects": (READER, ["s3:GetObject"], f"{ARN}/*"),
        "GrantDeployerBucket": (WRITER, ["s3:ListBucket"], ARN),
        "GrantDeployerObjects": (WRITER, ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], f"{ARN}/*"),
    }
    for sid, (principal, actions, resource) in expected.items():
        assert statements[sid] == {
            "Sid": sid,
            "Effect": "Allow",
            "Principal": {"AWS": principal},
            "Action": actions,
            "Resource": resource,
        }


@pytest.mark.parametrize(("plan_name", "locked"), [("default_plan", False), ("full_plan", True)])
def test_lock_protects_the_bucket_only(plan_name: str, locked: bool, request: pytest.FixtureRequest) -> None:
    plan: StackPlan = request.getfixturevalue(plan_name)
    for resource in plan.managed():
        stateful = locked and resource.type == BUCKET
        assert resource.options["protect"] is (True if stateful else None), resource.name
        assert resource.options["retain_on_delete"] is (True if stateful else None), resource.name


def test_outputs(default_plan: StackPlan) -> None:
    assert default_plan.outputs == {
        "bucket_name": NAME,
        "arn": ARN,
        "regional_domain_name": f"{NAME}.s3.eu-west-2.amazonaws.com",
    }


def args_with(**changes: Any) -> BucketArgs:
    return BucketArgs(**{"bucket_name": NAME, "tags": TAGS, **changes})


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        pytest.param({}, [], id="valid"),
        pytest.param(
            {"bucket_name": "Docs"},
            [
                "bucket_name 'Docs' has characters or a shape S3 bucket names do not allow (lowercase letters, "
                "digits and hyphens; start and end with a letter or digit (dots are legal but break virtual-host "
                "TLS, so the toolkit never uses them))",
                "bucket_name 'Docs' must be lowercase",
            ],
            id="bucket-name",
        ),
        pytest.param(
            {"tags": {k: v for k, v in TAGS.items() if k != "owner"}},
            ["tags: Missing mandatory tags: owner"],
            id="missing-tag",
        ),
        pytest.param(
            {"kms_key_arn": "alias/aws/s3"},
            ["kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), got 'alias/aws/s3'"],
            id="kms-alias",
        ),
        pytest.param(
            {"kms_key_arn": KMS_KEY, "sse_algorithm": "AES256"},
            ["kms_key_arn needs sse_algorithm 'aws:kms' (AES256 is SSE-S3, without a KMS key)"],
            id="kms-with-sse-s3",
        ),
        pytest.param(
            {"sse_algorithm": "aws:kms:dsse"},
            ["sse_algorithm must be 'aws:kms' or 'AES256', got 'aws:kms:dsse'"],
            id="sse-algorithm",
        ),
        pytest.param(
            {"archive_after_days": 0, "expire_after_days": -1},
            [
                "archive_after_days must be at least 1, got 0",
                "expire_after_days must be at least 1, got -1",
                "expire_after_days must be greater than archive_after_days",
            ],
            id="days",
        ),
        pytest.param(
            {"archive_after_days": 90, "expire_after_days": 90},
            ["expire_after_days must be greater than archive_after_days"],
            id="expire-before-archive",
        ),
        pytest.param(
            {
                "role_assignments": {
                    "App": BucketAccess(principal_arn=READER, access="read"),
                    "ci": BucketAccess(principal_arn="*", access="admin"),  # type: ignore[arg-type]
                }
            },
            [
                "role_assignments: name 'App' must be a lowercase slug (letters, digits, single hyphens)",
                "role_assignments.ci.access must be 'read' or 'read_write', got 'admin'",
                "role_assignments.ci.principal_arn must be an IAM role, user or account root ARN, got '*'",
            ],
            id="role-assignments",
        ),
        pytest.param(
            {
                "role_assignments": {
                    "a-1b": BucketAccess(principal_arn=READER, access="read"),
                    "a1b": BucketAccess(principal_arn=WRITER, access="read"),
                }
            },
            ["role_assignments: names 'a-1b' and 'a1b' give the same policy statement id"],
            id="clashing-names",
        ),
        pytest.param(
            {"manage_policy": False, "role_assignments": {"app": BucketAccess(principal_arn=READER, access="read")}},
            ["role_assignments need manage_policy=True: they are granted in the bucket policy"],
            id="grants-without-policy",
        ),
        pytest.param(
            # Values computed by other resources cannot be checked before deployment.
            {
                "kms_key_arn": pulumi.Output.from_input("anything"),
                "role_assignments": {
                    "app": BucketAccess(principal_arn=pulumi.Output.from_input("anything"), access="read")
                },
            },
            [],
            id="outputs-not-checked",
        ),
    ],
)
def test_validate_bucket_args(changes: dict[str, Any], problems: list[str]) -> None:
    assert validate_bucket_args(args_with(**changes)) == problems


def capture_failure(build: Callable[[], object]) -> tuple[StackPlan, list[str]]:
    """Plan a program whose component construction fails; return the plan and the error messages."""
    errors: list[str] = []

    def program() -> None:
        with pytest.raises(ValueError) as caught:
            build()
        errors.append(str(caught.value))

    return plan_callable(program, project="lz", stack="test", config=CONFIG), errors


def test_invalid_args_register_nothing() -> None:
    plan, errors = capture_failure(lambda: Bucket("docs", args_with(bucket_name="x", archive_after_days=0)))
    assert errors == [
        "bucket_name 'x' is 1 characters long; S3 bucket names are 3-63; archive_after_days must be at least 1, got 0"
    ]
    assert [r.type for r in plan.resources] == ["pulumi:pulumi:Stack"]


def test_invalid_args_fail_the_program() -> None:
    def program() -> None:
        Bucket("docs", args_with(archive_after_days=0))

    with pytest.raises(ProgramError, match=r"^ValueError: archive_after_days must be at least 1, got 0\n"):
        plan_callable(program, project="lz", stack="test", config=CONFIG)

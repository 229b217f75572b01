"""`CostReportStaging` under the offline planner, and its pure policy documents."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lz.plan import StackPlan
from modules.aws.cost_report_staging import (
    TYPE_TOKEN,
    CostReportStaging,
    CostReportStagingArgs,
    replication_role_policy,
    replication_trust_policy,
    staging_bucket_policy,
    validate_cost_report_staging_args,
)
from tests.modules.aws.component_helpers import PLATFORM_TAGS as TAGS
from tests.modules.aws.component_helpers import assert_exact_children, plan_component
from tests.modules.aws.policy_checks import check_policy

MGMT = "111111111111"
ARCHIVE_ACCOUNT = "222222222222"
STAGING = "ebc-shared-euw2-s3-cur-staging"
STAGING_ARN = f"arn:aws:s3:::{STAGING}"
DESTINATION_ARN = "arn:aws:s3:::ebc-shared-euw2-s3-cost-reports"
ROLE = "lz-cost-reports-replication"

BUCKET = "aws:s3/bucket:Bucket"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
IAM_ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"


def args(**changes: Any) -> CostReportStagingArgs:
    base: dict[str, Any] = {"bucket_name": STAGING, "account_id": MGMT, "destination_bucket_arn": DESTINATION_ARN,
                            "destination_account_id": ARCHIVE_ACCOUNT, "replication_role_name": ROLE, "tags": TAGS}
    base.update(changes)
    return CostReportStagingArgs(**base)


def plan_staging(a: CostReportStagingArgs) -> StackPlan:
    return plan_component(lambda: CostReportStaging("cur", a), "bucket_name", "replication_role_arn")


@pytest.fixture(scope="module")
def plan() -> StackPlan:
    return plan_staging(args())


def test_exact_children(plan: StackPlan) -> None:
    assert_exact_children(plan, TYPE_TOKEN, "cur", {
        (BUCKET, "cur-bucket"),
        (VERSIONING, "cur-versioning"),
        (ENCRYPTION, "cur-encryption"),
        (PAB, "cur-public-access-block"),
        (OWNERSHIP, "cur-ownership"),
        (LIFECYCLE, "cur-lifecycle"),
        (POLICY, "cur-policy"),
        (IAM_ROLE, "cur-replication-role"),
        (ROLE_POLICY, "cur-replication-role-policy"),
        (REPLICATION, "cur-replication"),
    })


def test_staging_bucket_is_hardened(plan: StackPlan) -> None:
    bucket = plan.one(BUCKET)
    assert bucket.inputs["bucket"] == STAGING
    assert bucket.inputs["forceDestroy"] is False
    assert bucket.inputs["tags"] == TAGS
    assert bucket.options["protect"] is True and bucket.options["retain_on_delete"] is True
    assert plan.one(VERSIONING).inputs["versioningConfiguration"] == {"status": "Enabled"}
    [rule] = plan.one(ENCRYPTION).inputs["rules"]
    assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}
    pab = plan.one(PAB).inputs
    assert all(pab[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                        "restrictPublicBuckets"))
    assert plan.one(OWNERSHIP).inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    assert plan.outputs["bucket_name"] == STAGING


def test_staged_objects_expire_after_a_week(plan: StackPlan) -> None:
    rules = {r["id"]: r for r in plan.one(LIFECYCLE).inputs["rules"]}
    assert rules["expire"]["expiration"] == {"days": 7}
    assert rules["expire-noncurrent-versions"]["noncurrentVersionExpiration"] == {"noncurrentDays": 7}
    assert rules["abort-incomplete-multipart-uploads"]["status"] == "Enabled"


def test_bucket_policy_is_tls_only_and_data_exports_for_this_account(plan: StackPlan) -> None:
    text = plan.one(POLICY).inputs["policy"]
    assert json.loads(text) == json.loads(staging_bucket_policy(bucket_arn=STAGING_ARN, account_id=MGMT))
    statements = check_policy(text)
    assert list(statements) == ["DenyInsecureTransport", "DenyOutdatedTls", "AllowDataExportsDelivery"]
    grant = statements["AllowDataExportsDelivery"]
    assert grant["Principal"] == {"Service": "bcm-data-exports.amazonaws.com"}
    assert grant["Action"] == ["s3:PutObject", "s3:GetBucketPolicy"]
    assert grant["Resource"] == [STAGING_ARN, f"{STAGING_ARN}/*"]
    assert grant["Condition"] == {"StringLike": {
        "aws:SourceAccount": MGMT, "aws:SourceArn": f"arn:aws:bcm-data-exports:us-east-1:{MGMT}:export/*"}}


def test_replication_role_trusts_only_s3(plan: StackPlan) -> None:
    role = plan.one(IAM_ROLE).inputs
    assert role["name"] == ROLE and role["path"] == "/"
    assert role["tags"] == TAGS
    statements = check_policy(role["assumeRolePolicy"])
    assert statements == {"AllowS3Replication": {"Sid": "AllowS3Replication", "Effect": "Allow",
                                                 "Principal": {"Service": "s3.amazonaws.com"},
                                                 "Action": "sts:AssumeRole"}}
    assert json.loads(role["assumeRolePolicy"]) == json.loads(replication_trust_policy())


def test_replication_role_policy_is_least_privilege(plan: StackPlan) -> None:
    text = plan.one(ROLE_POLICY).inputs["policy"]
    assert json.loads(text) == json.loads(
        replication_role_policy(source_bucket_arn=STAGING_ARN, destination_bucket_arn=DESTINATION_ARN))
    statements = check_policy(text)
    assert statements == {
        "ReadSourceBucket": {"Sid": "ReadSourceBucket", "Effect": "Allow",
                             "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": STAGING_ARN},
        "ReadSourceObjectVersions": {"Sid": "ReadSourceObjectVersions", "Effect": "Allow",
                                     "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl",
                                                "s3:GetObjectVersionTagging"],
                                     "Resource": f"{STAGING_ARN}/*"},
        "ReplicateToDestination": {"Sid": "ReplicateToDestination", "Effect": "Allow",
                                   "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags",
                                              "s3:ObjectOwnerOverrideToBucketOwner"],
                                   "Resource": f"{DESTINATION_ARN}/*"},
    }
    assert not any("*" in a for s in statements.values() for a in s["Action"])


def test_replication_copies_everything_to_the_destination_account(plan: StackPlan) -> None:
    replication = plan.one(REPLICATION)
    assert replication.inputs["role"] == plan.one(IAM_ROLE).outputs["arn"]
    assert plan.outputs["replication_role_arn"] == plan.one(IAM_ROLE).outputs["arn"]
    [rule] = replication.inputs["rules"]
    assert rule["id"] == "cost-reports-to-log-archive"
    assert rule["status"] == "Enabled"
    assert rule["filter"] == {}
    assert rule["deleteMarkerReplication"] == {"status": "Enabled"}
    assert rule["destination"] == {
        "bucket": DESTINATION_ARN,
        "account": ARCHIVE_ACCOUNT,
        "accessControlTranslation": {"owner": "Destination"},
        "storageClass": "STANDARD",
    }
    # Replication needs versioning on first, and the role's permissions in place.
    urns = {r.name: r.urn for r in plan.managed()}
    assert {urns["cur-versioning"], urns["cur-replication-role-policy"]} <= set(replication.dependencies)


def test_unlocked_bucket_is_not_protected() -> None:
    assert not plan_staging(args(lock=False)).one(BUCKET).options.get("protect")


def test_valid_args_have_no_problems() -> None:
    assert validate_cost_report_staging_args(args()) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"bucket_name": "Bad_Name"}, "bucket_name 'Bad_Name'"),
        ({"account_id": "1234"}, "account_id must be a 12-digit AWS account id, got '1234'"),
        ({"destination_bucket_arn": "ebc-bucket"},
         "destination_bucket_arn must be an S3 bucket ARN (arn:aws:s3:::<bucket>), got 'ebc-bucket'"),
        ({"destination_bucket_arn": STAGING_ARN}, "destination_bucket_arn must not be the staging bucket itself"),
        ({"destination_account_id": MGMT}, "destination_account_id must differ from account_id"),
        ({"replication_role_name": "has space"}, "replication_role_name 'has space'"),
        ({"tags": {}}, "tags: "),
        ({"expire_after_days": 0}, "expire_after_days must be between 1 and 30, got 0"),
        ({"expire_after_days": 31}, "expire_after_days must be between 1 and 30, got 31"),
    ],
)
def test_invalid_args(changes: dict[str, Any], message: str) -> None:
    problems = validate_cost_report_staging_args(args(**changes))
    assert any(message in p for p in problems), problems
    with pytest.raises(ValueError, match=r"expire_after_days|bucket|account|role|tags"):
        CostReportStaging("x", args(**changes))


def test_every_problem_is_reported_at_once() -> None:
    problems = validate_cost_report_staging_args(args(account_id="1", destination_account_id="2",
                                                      expire_after_days=99))
    assert len(problems) == 3

"""`LogArchive` under the offline planner, and its pure policy documents table-style."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lz.plan import StackPlan, plan_callable
from lz.tags import is_taggable
from modules.aws.log_archive import (
    TYPE_TOKEN,
    LogArchive,
    LogArchiveArgs,
    archive_bucket_policy,
    cost_reports_bucket_policy,
    log_key_policy,
    validate_log_archive_args,
)
from tests.modules.aws.component_helpers import CONFIG, plan_component
from tests.modules.aws.component_helpers import PLATFORM_TAGS as TAGS
from tests.modules.aws.policy_checks import check_policy

ARCHIVE = "ebc-shared-euw2-s3-log-archive"
ARCHIVE_ARN = f"arn:aws:s3:::{ARCHIVE}"
REPORTS = "ebc-shared-euw2-s3-cost-reports"
REPORTS_ARN = f"arn:aws:s3:::{REPORTS}"
ACCESS_LOGS = "ebc-shared-euw2-s3-access-logs-log-archive"
ORG = "o-exampleorg1"
MGMT = "111111111111"
ARCHIVE_ACCOUNT = "222222222222"
AUDIT = "333333333333"
TRAIL = "ebc-shared-euw2-ct-organisation"
TRAIL_ARN = f"arn:aws:cloudtrail:eu-west-2:{MGMT}:trail/{TRAIL}"
REPLICATION_ROLE = f"arn:aws:iam::{MGMT}:role/lz-cost-reports-replication"

BUCKET = "aws:s3/bucket:Bucket"
KEY = "aws:kms/key:Key"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
OBJECT_LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"


def args_with(**changes: Any) -> LogArchiveArgs:
    base: dict[str, Any] = {
        "archive_bucket_name": ARCHIVE,
        "cost_reports_bucket_name": REPORTS,
        "key_alias": "alias/ebc-shared-euw2-kms-logs",
        "account_id": ARCHIVE_ACCOUNT,
        "organisation_id": ORG,
        "management_account_id": MGMT,
        "region": "eu-west-2",
        "trail_name": TRAIL,
        "access_log_bucket": ACCESS_LOGS,
        "reader_account_ids": [AUDIT],
        "tags": TAGS,
        "cost_reports_replication_role_arn": REPLICATION_ROLE,
    }
    return LogArchiveArgs(**{**base, **changes})


def plan_archive(args: LogArchiveArgs) -> StackPlan:
    return plan_component(lambda: LogArchive("logs", args), "flow_logs_arn", "cost_reports_arn", "key_arn")


@pytest.fixture(scope="module")
def plan() -> StackPlan:
    return plan_archive(args_with(object_lock_mode="COMPLIANCE", object_lock_days=400))


def buckets(plan: StackPlan) -> dict[str, Any]:
    return {r.inputs["bucket"]: r for r in plan.find(BUCKET)}


def by_bucket(plan: StackPlan, type_: str) -> dict[str, Any]:
    urn_to_name = {r.id: r.inputs["bucket"] for r in plan.find(BUCKET)}
    return {urn_to_name.get(r.inputs["bucket"], r.inputs["bucket"]): r for r in plan.find(type_)}


def test_children_and_outputs(plan: StackPlan) -> None:
    component = plan.one(TYPE_TOKEN, "logs")
    assert set(buckets(plan)) == {ARCHIVE, REPORTS}
    for resource in plan.managed():
        if resource is not component:
            assert resource.parent == component.urn, resource.name
    assert plan.one("aws:kms/alias:Alias").inputs["name"] == "alias/ebc-shared-euw2-kms-logs"
    outputs = plan.outputs
    assert outputs["key_arn"] == plan.one(KEY).outputs["arn"]
    assert outputs["flow_logs_arn"] == f"{ARCHIVE_ARN}/vpc-flow-logs"
    assert outputs["cost_reports_arn"] == REPORTS_ARN


def test_key_rotates_and_is_protected(plan: StackPlan) -> None:
    key = plan.one(KEY)
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["deletionWindowInDays"] == 30
    assert key.options["protect"] is True and key.options["retain_on_delete"] is True
    statements = check_policy(key.inputs["policy"])
    assert statements["EnableRootAdministration"]["Principal"] == {"AWS": f"arn:aws:iam::{ARCHIVE_ACCOUNT}:root"}


def test_buckets_are_protected_and_never_force_destroyed(plan: StackPlan) -> None:
    for bucket in plan.find(BUCKET):
        assert bucket.options["protect"] is True and bucket.options["retain_on_delete"] is True
        assert bucket.inputs["forceDestroy"] is False


def test_unlocked_archive_is_not_protected() -> None:
    unlocked = plan_archive(args_with(lock=False))
    for resource in unlocked.managed():
        assert resource.options["protect"] is None, resource.name


def test_object_lock_on_the_archive_only(plan: StackPlan) -> None:
    archive = buckets(plan)[ARCHIVE]
    assert archive.inputs["objectLockEnabled"] is True
    assert "objectLockEnabled" not in buckets(plan)[REPORTS].inputs
    lock = plan.one(OBJECT_LOCK)
    assert lock.inputs["bucket"] == ARCHIVE
    assert lock.inputs["rule"] == {"defaultRetention": {"mode": "COMPLIANCE", "days": 400}}


def test_encryption_versioning_ownership_and_public_access(plan: StackPlan) -> None:
    key_arn = plan.one(KEY).outputs["arn"]
    encryption = by_bucket(
        plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    )
    archive_rule = encryption[ARCHIVE].inputs["rules"][0]
    assert archive_rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key_arn}
    assert archive_rule["bucketKeyEnabled"] is True
    assert encryption[REPORTS].inputs["rules"][0]["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}
    for versioning in plan.find("aws:s3/bucketVersioning:BucketVersioning"):
        assert versioning.inputs["versioningConfiguration"] == {"status": "Enabled"}
    for ownership in plan.find("aws:s3/bucketOwnershipControls:BucketOwnershipControls"):
        assert ownership.inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    for block in plan.find("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"):
        assert all(block.inputs[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                                       "restrictPublicBuckets"))


def test_server_access_logs_go_to_the_access_log_bucket(plan: StackPlan) -> None:
    logging = by_bucket(plan, "aws:s3/bucketLogging:BucketLogging")
    assert set(logging) == {ARCHIVE, REPORTS}
    for name, resource in logging.items():
        assert resource.inputs["targetBucket"] == ACCESS_LOGS
        assert resource.inputs["targetPrefix"] == f"s3/{name}/"


def test_archive_lifecycle_days(plan: StackPlan) -> None:
    rules = {r["id"]: r for r in by_bucket(plan, LIFECYCLE)[ARCHIVE].inputs["rules"]}
    assert list(rules) == ["abort-incomplete-multipart-uploads", "expire-noncurrent-versions", "archive", "expire"]
    assert rules["archive"]["transitions"] == [
        {"days": 90, "storageClass": "GLACIER_IR"},
        {"days": 365, "storageClass": "DEEP_ARCHIVE"},
    ]
    assert rules["expire"]["expiration"] == {"days": 2557}
    assert rules["expire-noncurrent-versions"]["noncurrentVersionExpiration"] == {"noncurrentDays": 90}
    reports = {r["id"]: r for r in by_bucket(plan, LIFECYCLE)[REPORTS].inputs["rules"]}
    assert reports["expire"]["expiration"] == {"days": 2557}
    assert "archive" not in reports


def test_without_deep_archive() -> None:
    plan = plan_archive(args_with(deep_archive_after_days=None, archive_after_days=30, expire_after_days=400))
    rules = {r["id"]: r for r in by_bucket(plan, LIFECYCLE)[ARCHIVE].inputs["rules"]}
    assert rules["archive"]["transitions"] == [{"days": 30, "storageClass": "GLACIER_IR"}]


def test_every_taggable_resource_is_tagged(plan: StackPlan) -> None:
    taggable = [r for r in plan.managed() if is_taggable(r.type)]
    assert {r.type for r in taggable} == {BUCKET, KEY}
    for resource in taggable:
        assert resource.inputs["tags"] == TAGS, resource.name


def test_bucket_policies_in_the_plan_are_the_pure_documents(plan: StackPlan) -> None:
    policies = by_bucket(plan, POLICY)
    assert json.loads(policies[ARCHIVE].inputs["policy"]) == json.loads(
        archive_bucket_policy(bucket_arn=ARCHIVE_ARN, organisation_id=ORG, management_account_id=MGMT,
                              region="eu-west-2", trail_name=TRAIL, reader_account_ids=[AUDIT])
    )
    assert json.loads(policies[REPORTS].inputs["policy"]) == json.loads(
        cost_reports_bucket_policy(bucket_arn=REPORTS_ARN, management_account_id=MGMT,
                                   replication_role_arn=REPLICATION_ROLE)
    )


def test_cost_reports_bucket_is_versioned_for_replication(plan: StackPlan) -> None:
    versioning = by_bucket(plan, "aws:s3/bucketVersioning:BucketVersioning")[REPORTS]
    assert versioning.inputs["versioningConfiguration"] == {"status": "Enabled"}


def test_cost_reports_policy_without_a_replication_role_is_tls_only() -> None:
    unreplicated = plan_archive(args_with(cost_reports_replication_role_arn=None))
    statements = check_policy(by_bucket(unreplicated, POLICY)[REPORTS].inputs["policy"])
    assert list(statements) == ["DenyInsecureTransport", "DenyOutdatedTls"]


# -- pure documents ---------------------------------------------------------------------------------

def archive_statements() -> dict[str, Any]:
    return check_policy(archive_bucket_policy(bucket_arn=ARCHIVE_ARN, organisation_id=ORG, management_account_id=MGMT,
                                              region="eu-west-2", trail_name=TRAIL, reader_account_ids=[AUDIT]))


def test_archive_policy_denies_plain_http() -> None:
    deny = archive_statements()["DenyInsecureTransport"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*" and deny["Action"] == "s3:*"
    assert deny["Resource"] == [ARCHIVE_ARN, f"{ARCHIVE_ARN}/*"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_archive_policy_grants_only_the_intended_principals() -> None:
    statements = archive_statements()
    allows = {sid: s["Principal"] for sid, s in statements.items() if s["Effect"] == "Allow"}
    assert allows == {
        "AllowCloudTrailAclCheck": {"Service": "cloudtrail.amazonaws.com"},
        "AllowCloudTrailWrite": {"Service": "cloudtrail.amazonaws.com"},
        "AllowConfigAclCheck": {"Service": "config.amazonaws.com"},
        "AllowConfigWrite": {"Service": "config.amazonaws.com"},
        "AllowFlowLogsAclCheck": {"Service": "delivery.logs.amazonaws.com"},
        "AllowFlowLogsWrite": {"Service": "delivery.logs.amazonaws.com"},
        "AllowLogReaders": {"AWS": [f"arn:aws:iam::{AUDIT}:root"]},
    }
    assert statements["AllowLogReaders"]["Action"] == ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"]


@pytest.mark.parametrize(
    ("sid", "resource", "condition"),
    [
        ("AllowCloudTrailWrite",
         [f"{ARCHIVE_ARN}/cloudtrail/AWSLogs/{MGMT}/*", f"{ARCHIVE_ARN}/cloudtrail/AWSLogs/{ORG}/*"],
         {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": TRAIL_ARN}}),
        ("AllowConfigWrite", f"{ARCHIVE_ARN}/config/AWSLogs/*/Config/*",
         {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceOrgID": ORG}}),
        ("AllowFlowLogsWrite", f"{ARCHIVE_ARN}/vpc-flow-logs/AWSLogs/*",
         {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceOrgID": ORG}}),
        ("AllowCloudTrailAclCheck", ARCHIVE_ARN, {"StringEquals": {"aws:SourceArn": TRAIL_ARN}}),
        ("AllowConfigAclCheck", ARCHIVE_ARN, {"StringEquals": {"aws:SourceOrgID": ORG}}),
        ("AllowFlowLogsAclCheck", ARCHIVE_ARN, {"StringEquals": {"aws:SourceOrgID": ORG}}),
    ],
)
def test_archive_writes_are_scoped(sid: str, resource: Any, condition: dict[str, Any]) -> None:
    statement = archive_statements()[sid]
    assert statement["Resource"] == resource
    assert statement["Condition"] == condition
    if sid.endswith("Write"):
        assert statement["Action"] == "s3:PutObject"


def test_archive_policy_without_readers_has_no_reader_grant() -> None:
    statements = check_policy(archive_bucket_policy(bucket_arn=ARCHIVE_ARN, organisation_id=ORG,
                                                    management_account_id=MGMT, region="eu-west-2", trail_name=TRAIL))
    assert "AllowLogReaders" not in statements


def test_cost_reports_policy_allows_only_the_replication_role() -> None:
    statements = check_policy(cost_reports_bucket_policy(bucket_arn=REPORTS_ARN, management_account_id=MGMT,
                                                         replication_role_arn=REPLICATION_ROLE))
    assert list(statements) == ["DenyInsecureTransport", "DenyOutdatedTls", "AllowCostReportsReplication",
                                "AllowCostReportsReplicationVersioning"]
    role_only = {"ArnEquals": {"aws:PrincipalArn": REPLICATION_ROLE}}
    assert statements["AllowCostReportsReplication"] == {
        "Sid": "AllowCostReportsReplication",
        "Effect": "Allow",
        # The account root narrowed to the role: S3 rejects a policy naming a role that does not exist yet.
        "Principal": {"AWS": f"arn:aws:iam::{MGMT}:root"},
        "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags",
                   "s3:ObjectOwnerOverrideToBucketOwner"],
        "Resource": f"{REPORTS_ARN}/*",
        "Condition": role_only,
    }
    assert statements["AllowCostReportsReplicationVersioning"] == {
        "Sid": "AllowCostReportsReplicationVersioning",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{MGMT}:root"},
        "Action": ["s3:GetBucketVersioning", "s3:PutBucketVersioning"],
        "Resource": REPORTS_ARN,
        "Condition": role_only,
    }
    # Data Exports no longer delivers here (it delivers to the management account's staging bucket).
    assert not any("Service" in s["Principal"] for s in statements.values() if s["Effect"] == "Allow")


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("lz-cost-reports-replication", "cost_reports_replication_role_arn must be an IAM role ARN, got "
                                        "'lz-cost-reports-replication'"),
        ("arn:aws:iam::999999999999:role/lz-cost-reports-replication",
         "cost_reports_replication_role_arn must be a role of the management account 111111111111"),
    ],
)
def test_replication_role_must_be_a_management_account_role(role: str, message: str) -> None:
    problems = validate_log_archive_args(args_with(cost_reports_replication_role_arn=role))
    assert [p for p in problems if message in p], problems


def test_log_key_policy() -> None:
    statements = check_policy(log_key_policy(account_id=ARCHIVE_ACCOUNT, organisation_id=ORG,
                                             management_account_id=MGMT, region="eu-west-2", trail_name=TRAIL,
                                             reader_account_ids=[AUDIT]))
    assert statements["AllowCloudTrailEncrypt"]["Condition"] == {
        "StringEquals": {"aws:SourceArn": TRAIL_ARN},
        "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{MGMT}:trail/*"},
    }
    assert statements["AllowConfigDelivery"]["Principal"] == {"Service": "config.amazonaws.com"}
    assert statements["AllowConfigDelivery"]["Condition"] == {"StringEquals": {"aws:SourceOrgID": ORG}}
    assert statements["AllowFlowLogDelivery"]["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert statements["AllowFlowLogDelivery"]["Condition"] == {"StringEquals": {"aws:SourceOrgID": ORG}}
    readers = statements["AllowLogReadersThroughS3"]
    assert readers["Action"] == ["kms:Decrypt", "kms:DescribeKey"]
    assert readers["Condition"] == {"StringEquals": {"kms:ViaService": "s3.eu-west-2.amazonaws.com"}}


# -- validation -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        pytest.param({}, [], id="valid"),
        pytest.param({"archive_bucket_name": "x"},
                     ["archive_bucket_name 'x' is 1 characters long; S3 bucket names are 3-63"], id="bucket-name"),
        pytest.param({"cost_reports_bucket_name": ARCHIVE},
                     ["archive_bucket_name and cost_reports_bucket_name must differ"], id="same-buckets"),
        pytest.param({"key_alias": "alias/aws/logs"},
                     ["key_alias 'alias/aws/logs' must not start with 'alias/aws/'"], id="alias"),
        pytest.param({"account_id": "1234"}, ["account_id must be a 12-digit AWS account id, got '1234'"],
                     id="account"),
        pytest.param({"organisation_id": "org-1"},
                     ["organisation_id must look like 'o-' and 10-32 lowercase letters or digits, got 'org-1'"],
                     id="organisation"),
        pytest.param({"management_account_id": "x"},
                     ["management_account_id must be a 12-digit AWS account id, got 'x'"], id="management"),
        pytest.param({"region": "mars-1"}, ["region 'mars-1' is not an AWS region"], id="region"),
        pytest.param({"access_log_bucket": "Logs"},
                     ["access_log_bucket 'Logs' has characters or a shape S3 bucket names do not allow (lowercase "
                      "letters, digits and hyphens; start and end with a letter or digit (dots are legal but break "
                      "virtual-host TLS, so the toolkit never uses them))",
                      "access_log_bucket 'Logs' must be lowercase"], id="access-log-bucket"),
        pytest.param({"tags": {}}, ["tags: Missing mandatory tags: service, cost-centre, owner, environment, "
                                    "business-unit, data-classification, managed-by"], id="tags"),
        pytest.param({"reader_account_ids": ["abc"]},
                     ["reader_account_ids[0] must be a 12-digit AWS account id, got 'abc'"], id="readers"),
        pytest.param({"archive_after_days": 0, "deep_archive_after_days": None},
                     ["archive_after_days must be at least 1, got 0"], id="archive-days"),
        pytest.param({"deep_archive_after_days": 100},
                     ["deep_archive_after_days must be at least archive_after_days + 90 (180), got 100"],
                     id="deep-archive-too-soon"),
        pytest.param({"expire_after_days": 365},
                     ["expire_after_days must be greater than 365 (the last storage class move), got 365"],
                     id="expire-before-deep-archive"),
        pytest.param({"object_lock_mode": "LEGAL"},
                     ["object_lock_mode must be 'GOVERNANCE' or 'COMPLIANCE', got 'LEGAL'"], id="lock-mode"),
        pytest.param({"object_lock_days": 3000},
                     ["object_lock_days must be between 1 and expire_after_days (2557), got 3000"], id="lock-days"),
        pytest.param({"cost_reports_expire_after_days": 30},
                     ["cost_reports_expire_after_days must be more than 90, got 30"], id="reports-expiry"),
    ],
)
def test_validate_log_archive_args(changes: dict[str, Any], problems: list[str]) -> None:
    assert validate_log_archive_args(args_with(**changes)) == problems


def test_invalid_args_register_nothing() -> None:
    errors: list[str] = []

    def program() -> None:
        with pytest.raises(ValueError) as caught:
            LogArchive("logs", args_with(region="mars-1", object_lock_days=0))
        errors.append(str(caught.value))

    plan = plan_callable(program, project="lz", stack="test", config=CONFIG)
    assert errors == ["region 'mars-1' is not an AWS region; "
                      "object_lock_days must be between 1 and expire_after_days (2557), got 0"]
    assert [r.type for r in plan.resources] == ["pulumi:pulumi:Stack"]

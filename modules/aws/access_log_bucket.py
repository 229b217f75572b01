"""`AccessLogBucket`: the bucket in one account that receives S3 server access logs (and, where a
CloudFront distribution uses standard logging, its access logs), plus `hardened_bucket_parts`, the
building block the log archive buckets share, and the pieces it shares with `modules.aws.bucket`
(`private_bucket_configuration`, `bucket_policy_after` and the lifecycle rules).

S3 server access logs can only be delivered to a bucket in the same account and region as the
source bucket, so the logging layer creates one of these per account. Two S3 rules shape it:

* Server access logging does not support SSE-KMS on the target bucket, nor an Object Lock default
  retention, so access-log buckets use SSE-S3 (`AES256`) and no Object Lock.
* CloudFront *standard logging (legacy)* writes through the `awslogsdelivery` account and needs
  the target bucket's ACLs enabled: with `cloudfront_logging=True` the bucket's ownership is
  `BucketOwnerPreferred` (ACLs on; objects written with `bucket-owner-full-control` belong to the
  bucket owner). CloudFront adds its own FULL_CONTROL grant to the bucket ACL when a distribution
  is pointed at the bucket, so this module does not manage the ACL (it would remove that grant).
  All other access-log buckets keep `BucketOwnerEnforced` (ACLs off).

Children of `AccessLogBucket` (logical names `<name>-<suffix>`, parented to the component):

| suffix                | resource                                                 |
|-----------------------|----------------------------------------------------------|
| `bucket`              | `aws.s3.Bucket` (protected and retained when `lock`)     |
| `versioning`          | `aws.s3.BucketVersioning` (Enabled)                      |
| `encryption`          | `aws.s3.BucketServerSideEncryptionConfiguration` (AES256)|
| `public-access-block` | `aws.s3.BucketPublicAccessBlock` (all four on)           |
| `ownership`           | `aws.s3.BucketOwnershipControls`                         |
| `lifecycle`           | `aws.s3.BucketLifecycleConfiguration` (expiry)           |
| `policy`              | `aws.s3.BucketPolicy` (TLS only + S3 logging service)    |
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

import pulumi
import pulumi_aws as aws

from lz.naming import NAME_RULES, check_name
from lz.tags import check_tags
from modules.aws.iam_docs import POLICY_VERSION, tls_only_statements

TYPE_TOKEN: Final = "lz:aws:AccessLogBucket"

#: The service principal delivering S3 server access logs.
S3_LOGGING_SERVICE: Final = "logging.s3.amazonaws.com"
#: Incomplete multipart uploads are invisible but billed: always clean them up after this long.
ABORT_INCOMPLETE_UPLOADS_DAYS: Final = 7
#: Overwritten or deleted log objects stay recoverable this long.
NONCURRENT_VERSION_DAYS: Final = 30

ACCOUNT_ID_RE: Final = re.compile(r"\d{12}")

ObjectLockMode = Literal["GOVERNANCE", "COMPLIANCE"]
ObjectOwnership = Literal["BucketOwnerEnforced", "BucketOwnerPreferred"]
SseAlgorithm = Literal["aws:kms", "AES256"]


def policy_document(statements: Sequence[Mapping[str, Any]]) -> str:
    """An IAM-style policy document, serialised with stable key order."""
    return json.dumps({"Version": POLICY_VERSION, "Statement": list(statements)})


def access_log_bucket_policy(*, bucket_arn: str, account_id: str) -> str:
    """TLS-only, and S3 server access log delivery from buckets of `account_id` only.

    `aws:SourceAccount` is the confused-deputy guard: without it any account's bucket could log
    into this one.
    """
    statements = tls_only_statements(bucket_arn)
    statements.append(
        {
            "Sid": "AllowS3ServerAccessLogs",
            "Effect": "Allow",
            "Principal": {"Service": S3_LOGGING_SERVICE},
            "Action": "s3:PutObject",
            "Resource": f"{bucket_arn}/*",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": account_id},
                "ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"},
            },
        }
    )
    return policy_document(statements)


def bucket_name_problems(field_name: str, bucket_name: str) -> list[str]:
    return [f"{field_name} {bucket_name!r} {p}" for p in check_name(NAME_RULES["aws"]["s3_bucket"], bucket_name)]


def account_id_problems(field_name: str, value: object) -> list[str]:
    """A literal account id must be 12 digits; values computed by other resources are not checked."""
    if isinstance(value, str) and ACCOUNT_ID_RE.fullmatch(value) is None:
        return [f"{field_name} must be a 12-digit AWS account id, got {value!r}"]
    return []


def abort_incomplete_uploads_rule() -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    """Clean up incomplete multipart uploads (invisible but billed) after a week."""
    s3 = aws.s3
    return s3.BucketLifecycleConfigurationRuleArgs(
        id="abort-incomplete-multipart-uploads",
        status="Enabled",
        filter=s3.BucketLifecycleConfigurationRuleFilterArgs(),
        abort_incomplete_multipart_upload=s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
            days_after_initiation=ABORT_INCOMPLETE_UPLOADS_DAYS
        ),
    )


def noncurrent_versions_rule(noncurrent_days: int) -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    """Expire overwritten and deleted versions after `noncurrent_days`, and the delete markers they leave."""
    s3 = aws.s3
    return s3.BucketLifecycleConfigurationRuleArgs(
        id="expire-noncurrent-versions",
        status="Enabled",
        filter=s3.BucketLifecycleConfigurationRuleFilterArgs(),
        noncurrent_version_expiration=s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
            noncurrent_days=noncurrent_days
        ),
        # Once all of an object's old versions have expired only its delete marker is left.
        expiration=s3.BucketLifecycleConfigurationRuleExpirationArgs(expired_object_delete_marker=True),
    )


def transition_rule(
    transitions: Sequence[tuple[int, str]],
) -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    """The `archive` rule: move every object to each (days, storage class) in turn."""
    s3 = aws.s3
    return s3.BucketLifecycleConfigurationRuleArgs(
        id="archive",
        status="Enabled",
        filter=s3.BucketLifecycleConfigurationRuleFilterArgs(),
        transitions=[
            s3.BucketLifecycleConfigurationRuleTransitionArgs(days=days, storage_class=storage_class)
            for days, storage_class in transitions
        ],
    )


def expire_rule(days: int) -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    """The `expire` rule: delete every object `days` after it was written."""
    s3 = aws.s3
    return s3.BucketLifecycleConfigurationRuleArgs(
        id="expire",
        status="Enabled",
        filter=s3.BucketLifecycleConfigurationRuleFilterArgs(),
        expiration=s3.BucketLifecycleConfigurationRuleExpirationArgs(days=days),
    )


def private_bucket_configuration(
    name: str,
    *,
    parent: pulumi.Resource,
    bucket: aws.s3.Bucket,
    bucket_name: str,
    versioning: aws.s3.BucketVersioning,
    sse_algorithm: SseAlgorithm,
    kms_key_arn: pulumi.Input[str] | None,
    object_ownership: ObjectOwnership,
    rules: Sequence[aws.s3.BucketLifecycleConfigurationRuleArgs],
    access_log_bucket: pulumi.Input[str] | None,
) -> aws.s3.BucketPublicAccessBlock:
    """The children that make `bucket` private: encryption, public access block, ownership,
    lifecycle (after `versioning`) and, with `access_log_bucket`, server access logging.

    Children are named `<name>-<suffix>` and parented to `parent`. Returns the public access block,
    which a bucket policy must wait for (`bucket_policy_after`).
    """
    child = pulumi.ResourceOptions(parent=parent)
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{name}-encryption",
        bucket=bucket.id,
        rules=[
            aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm=sse_algorithm,
                    kms_master_key_id=kms_key_arn,
                ),
                # Bucket keys only apply to SSE-KMS; S3 reports false for SSE-S3 whatever is sent.
                bucket_key_enabled=sse_algorithm == "aws:kms",
            )
        ],
        opts=child,
    )
    public_access_block = aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access-block",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=child,
    )
    aws.s3.BucketOwnershipControls(
        f"{name}-ownership",
        bucket=bucket.id,
        rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership=object_ownership),
        opts=child,
    )
    aws.s3.BucketLifecycleConfiguration(
        f"{name}-lifecycle",
        bucket=bucket.id,
        rules=list(rules),
        # Noncurrent-version rules act on the versioning state: apply them after it.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[versioning]),
    )
    if access_log_bucket is not None:
        aws.s3.BucketLogging(
            f"{name}-logging",
            bucket=bucket.id,
            target_bucket=access_log_bucket,
            target_prefix=f"s3/{bucket_name}/",
            opts=child,
        )
    return public_access_block


def bucket_policy_after(
    name: str,
    *,
    parent: pulumi.Resource,
    bucket: aws.s3.Bucket,
    policy: pulumi.Input[str],
    public_access_block: aws.s3.BucketPublicAccessBlock,
) -> aws.s3.BucketPolicy:
    """`<name>-policy`: the bucket's policy, written once its public access block is in place."""
    return aws.s3.BucketPolicy(
        f"{name}-policy",
        bucket=bucket.id,
        policy=policy,
        # S3 rejects policy writes racing the public access block update on a new bucket.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[public_access_block]),
    )


@dataclass(frozen=True)
class HardenedBucket:
    """The resources of `hardened_bucket_parts` that callers may need to refer to."""

    bucket: aws.s3.Bucket
    versioning: aws.s3.BucketVersioning
    """S3 replication needs versioning on first: a replication configuration depends on it."""
    policy: aws.s3.BucketPolicy
    """Services that check the bucket policy when they are configured (Data Exports) depend on it."""


def hardened_bucket_parts(
    name: str,
    *,
    parent: pulumi.Resource,
    bucket_name: str,
    tags: Mapping[str, str],
    lifecycle_rules: Sequence[aws.s3.BucketLifecycleConfigurationRuleArgs],
    policy: pulumi.Input[str],
    kms_key_arn: pulumi.Input[str] | None = None,
    object_ownership: ObjectOwnership = "BucketOwnerEnforced",
    object_lock: tuple[ObjectLockMode, int] | None = None,
    access_log_bucket: pulumi.Input[str] | None = None,
    lock: bool = True,
) -> HardenedBucket:
    """One private, versioned, encrypted, TLS-only bucket with the given lifecycle and policy.

    `kms_key_arn` None means SSE-S3 (AES256); otherwise SSE-KMS with an S3 bucket key (one KMS
    call per bucket and object batch instead of per object: cheaper and within KMS quotas).
    `object_lock` is (mode, days) of the default retention; Object Lock can only be switched on
    when the bucket is created. Children are named `<name>-<suffix>` and parented to `parent`.
    """
    child = pulumi.ResourceOptions(parent=parent)
    stateful = pulumi.ResourceOptions(parent=parent, protect=True, retain_on_delete=True) if lock else child
    bucket = aws.s3.Bucket(
        f"{name}-bucket",
        bucket=bucket_name,
        force_destroy=False,
        object_lock_enabled=True if object_lock is not None else None,
        tags=dict(tags),
        opts=stateful,
    )
    versioning = aws.s3.BucketVersioning(
        f"{name}-versioning",
        bucket=bucket.id,
        versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
        opts=child,
    )
    if object_lock is not None:
        mode, days = object_lock
        aws.s3.BucketObjectLockConfiguration(
            f"{name}-object-lock",
            bucket=bucket.id,
            object_lock_enabled="Enabled",
            rule=aws.s3.BucketObjectLockConfigurationRuleArgs(
                default_retention=aws.s3.BucketObjectLockConfigurationRuleDefaultRetentionArgs(mode=mode, days=days)
            ),
            # Object Lock needs versioning to be on first.
            opts=pulumi.ResourceOptions(parent=parent, depends_on=[versioning]),
        )
    public_access_block = private_bucket_configuration(
        name,
        parent=parent,
        bucket=bucket,
        bucket_name=bucket_name,
        versioning=versioning,
        sse_algorithm="aws:kms" if kms_key_arn is not None else "AES256",
        kms_key_arn=kms_key_arn,
        object_ownership=object_ownership,
        rules=lifecycle_rules,
        access_log_bucket=access_log_bucket,
    )
    bucket_policy = bucket_policy_after(
        name, parent=parent, bucket=bucket, policy=policy, public_access_block=public_access_block
    )
    return HardenedBucket(bucket=bucket, versioning=versioning, policy=bucket_policy)


def base_lifecycle_rules(*, noncurrent_days: int) -> list[aws.s3.BucketLifecycleConfigurationRuleArgs]:
    """Rules every log bucket has: abort stale multipart uploads, expire old versions and their
    orphaned delete markers."""
    return [abort_incomplete_uploads_rule(), noncurrent_versions_rule(noncurrent_days)]


@dataclass(frozen=True, kw_only=True)
class AccessLogBucketArgs:
    """Inputs of `AccessLogBucket`."""

    bucket_name: str
    """Required. Physical bucket name (normally `physical_name(..., name="access-logs-<account>")`)."""
    account_id: pulumi.Input[str]
    """Required. The account the bucket lives in; only its buckets may deliver access logs here."""
    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included."""
    expire_after_days: int = 400
    """Optional. Days access logs are kept (default 400: a year plus an audit cycle's margin)."""
    cloudfront_logging: bool = False
    """Optional. Enable ACLs (`BucketOwnerPreferred`) so CloudFront standard logging (legacy) can
    deliver here. Default False: ACLs off (`BucketOwnerEnforced`)."""
    lock: bool = True
    """Optional. `protect` and `retain_on_delete` on the bucket (default True)."""


def validate_access_log_bucket_args(args: AccessLogBucketArgs) -> list[str]:
    """Every problem with `args`; empty when an `AccessLogBucket` can be built from them."""
    problems = bucket_name_problems("bucket_name", args.bucket_name)
    problems += account_id_problems("account_id", args.account_id)
    problems += [f"tags: {p}" for p in check_tags(args.tags)]
    if args.expire_after_days <= NONCURRENT_VERSION_DAYS:
        problems.append(
            f"expire_after_days must be more than {NONCURRENT_VERSION_DAYS}, got {args.expire_after_days}"
        )
    return problems


def access_log_lifecycle_rules(expire_after_days: int) -> list[aws.s3.BucketLifecycleConfigurationRuleArgs]:
    return [*base_lifecycle_rules(noncurrent_days=NONCURRENT_VERSION_DAYS), expire_rule(expire_after_days)]


class AccessLogBucket(pulumi.ComponentResource):
    """An account's access-log bucket: SSE-S3, versioned, private, TLS only, expiring."""

    bucket_name: pulumi.Output[str]
    """The bucket's name."""
    arn: pulumi.Output[str]
    """The bucket's ARN."""
    region: pulumi.Output[str]
    """The bucket's region (access logs must come from buckets in the same region)."""

    def __init__(self, name: str, args: AccessLogBucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_access_log_bucket_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        bucket_arn = f"arn:aws:s3:::{args.bucket_name}"
        policy = pulumi.Output.from_input(args.account_id).apply(
            lambda account: access_log_bucket_policy(bucket_arn=bucket_arn, account_id=account)
        )
        bucket = hardened_bucket_parts(
            name,
            parent=self,
            bucket_name=args.bucket_name,
            tags=args.tags,
            lifecycle_rules=access_log_lifecycle_rules(args.expire_after_days),
            policy=policy,
            object_ownership="BucketOwnerPreferred" if args.cloudfront_logging else "BucketOwnerEnforced",
            lock=args.lock,
        ).bucket
        self.bucket_name = bucket.bucket
        self.arn = bucket.arn
        self.region = bucket.region
        self.register_outputs({"bucket_name": self.bucket_name, "arn": self.arn, "region": self.region})

"""Bootstrap an empty management account for Pulumi: the state bucket and the secrets key.

Pulumi cannot create the bucket that holds its own state, so this is the one thing done with
plain boto3 before the first `pulumi up` (see docs/platform-aws.md, "Bootstrap"). It is
idempotent: run it again and it checks, and repairs, the settings instead of failing.

What it makes, secure by default:

* a customer-managed KMS key with rotation (alias `alias/<prefix>-pulumi`), used both for the
  bucket's SSE-KMS and as the stacks' secrets provider (`awskms://alias/<prefix>-pulumi`);
* the state bucket `<prefix>-pulumi-state-<account id>`: versioning (every state file can be
  recovered), SSE-KMS with a bucket key, all four public access blocks, object ownership
  `BucketOwnerEnforced` (no ACLs), a policy denying non-TLS requests and deletion of state object
  versions by anyone but the account's administrators, and a lifecycle rule that keeps
  non-current versions for `noncurrent_days` (default 365).

AWS references: S3 "Blocking public access", "Controlling ownership of objects", "Using S3 Bucket
Keys", "Enforce encryption in transit" (aws:SecureTransport); KMS "Rotating AWS KMS keys"; Pulumi
"State and backends" (s3:// backend) and "Secrets" (awskms:// provider).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lz.problems import InputError

#: Versions of state kept after they are replaced: a year covers an annual audit and any rollback.
DEFAULT_NONCURRENT_DAYS = 365


@dataclass(frozen=True)
class StateBackend:
    """What `bootstrap_state` made or found, and how to use it."""

    bucket: str
    region: str
    key_arn: str
    key_alias: str
    changes: list[str] = field(default_factory=list)

    @property
    def login_url(self) -> str:
        return f"s3://{self.bucket}?region={self.region}&awssdk=v2"

    @property
    def secrets_provider(self) -> str:
        return f"awskms://{self.key_alias}?region={self.region}"


def state_bucket_name(prefix: str, account_id: str) -> str:
    """Globally unique and deterministic: the account id makes it so without a random suffix."""
    return f"{prefix}-pulumi-state-{account_id}"


def state_bucket_policy(bucket: str, account_id: str) -> dict[str, Any]:
    """TLS only; state versions can only be deleted by the account's own principals."""
    arn = f"arn:aws:s3:::{bucket}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn, f"{arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "DenyOtherAccounts",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn, f"{arn}/*"],
                "Condition": {"StringNotEquals": {"aws:PrincipalAccount": account_id}},
            },
            {
                "Sid": "DenyVersionDeletionWithoutMfa",
                "Effect": "Deny",
                "Principal": "*",
                "Action": ["s3:DeleteObjectVersion", "s3:DeleteBucket"],
                "Resource": [arn, f"{arn}/*"],
                "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
            },
        ],
    }


def state_key_policy(account_id: str) -> dict[str, Any]:
    """The account administers and uses the key through IAM; nothing outside the account can."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountAdministersThroughIam",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }


def _lifecycle(noncurrent_days: int) -> dict[str, Any]:
    return {
        "Rules": [
            {
                "ID": "keep-noncurrent-state",
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "NoncurrentVersionExpiration": {"NoncurrentDays": noncurrent_days},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
            }
        ]
    }


def bootstrap_state(
    session: Any,
    *,
    prefix: str,
    region: str,
    noncurrent_days: int = DEFAULT_NONCURRENT_DAYS,
) -> StateBackend:
    """Create or repair the state bucket and secrets key in the session's account.

    `session` is a `boto3.session.Session` (credentials for the management account). Raises
    `InputError` with a clear message for credentials or permission problems.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    if noncurrent_days < 1:
        raise InputError(f"noncurrent_days must be at least 1, not {noncurrent_days}")
    try:
        account_id = session.client("sts", region_name=region).get_caller_identity()["Account"]
        kms = session.client("kms", region_name=region)
        s3 = session.client("s3", region_name=region)
        changes: list[str] = []
        alias = f"alias/{prefix}-pulumi"
        key_arn = _ensure_key(kms, alias, account_id, prefix, changes)
        bucket = state_bucket_name(prefix, account_id)
        _ensure_bucket(s3, bucket, region, key_arn, account_id, noncurrent_days, changes)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise InputError(
            f"bootstrap failed: {error.get('Code', 'error')}: {error.get('Message', exc)} "
            "(use credentials of the management account with S3 and KMS administration)"
        ) from None
    except BotoCoreError as exc:
        raise InputError(f"bootstrap failed: {exc}") from None
    return StateBackend(bucket=bucket, region=region, key_arn=key_arn, key_alias=alias, changes=changes)


def _ensure_key(kms: Any, alias: str, account_id: str, prefix: str, changes: list[str]) -> str:
    aliases = [a for page in kms.get_paginator("list_aliases").paginate() for a in page["Aliases"]]
    target = next((a.get("TargetKeyId") for a in aliases if a["AliasName"] == alias), None)
    if target is None:
        key = kms.create_key(
            Description=f"{prefix}: Pulumi state encryption and stack secrets",
            KeyUsage="ENCRYPT_DECRYPT",
            Policy=json.dumps(state_key_policy(account_id)),
            Tags=[{"TagKey": "managed-by", "TagValue": "lz-bootstrap"}],
        )["KeyMetadata"]
        target = key["KeyId"]
        kms.create_alias(AliasName=alias, TargetKeyId=target)
        changes.append(f"created KMS key {alias}")
    if not kms.get_key_rotation_status(KeyId=target)["KeyRotationEnabled"]:
        kms.enable_key_rotation(KeyId=target)
        changes.append(f"enabled rotation of {alias}")
    return str(kms.describe_key(KeyId=target)["KeyMetadata"]["Arn"])


def _ensure_bucket(
    s3: Any, bucket: str, region: str, key_arn: str, account_id: str, noncurrent_days: int, changes: list[str]
) -> None:
    from botocore.exceptions import ClientError

    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
            raise
        kwargs: dict[str, Any] = {"Bucket": bucket, "ObjectOwnership": "BucketOwnerEnforced"}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**kwargs)
        changes.append(f"created bucket {bucket}")

    def ensure(what: str, current: Any, wanted: Any, apply: Any) -> None:
        if current != wanted:
            apply()
            changes.append(f"set {what} on {bucket}")

    ensure(
        "versioning",
        s3.get_bucket_versioning(Bucket=bucket).get("Status"),
        "Enabled",
        lambda: s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}),
    )
    block = {k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")}
    ensure(
        "public access block",
        _read(s3.get_public_access_block, bucket, "PublicAccessBlockConfiguration"),
        block,
        lambda: s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=block),
    )
    encryption = {
        "Rules": [
            {
                "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn},
                "BucketKeyEnabled": True,
            }
        ]
    }
    current = _read(s3.get_bucket_encryption, bucket, "ServerSideEncryptionConfiguration")
    rule = (current or {}).get("Rules", [{}])[0]
    ensure(
        "SSE-KMS",
        (rule.get("ApplyServerSideEncryptionByDefault", {}).get("KMSMasterKeyID"), rule.get("BucketKeyEnabled")),
        (key_arn, True),
        lambda: s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=encryption),
    )
    ownership = _read(s3.get_bucket_ownership_controls, bucket, "OwnershipControls")
    ensure(
        "object ownership",
        (ownership or {}).get("Rules", [{}])[0].get("ObjectOwnership"),
        "BucketOwnerEnforced",
        lambda: s3.put_bucket_ownership_controls(
            Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        ),
    )
    policy = state_bucket_policy(bucket, account_id)
    raw = _read(s3.get_bucket_policy, bucket, "Policy")
    ensure(
        "bucket policy",
        json.loads(raw) if raw else None,
        policy,
        lambda: s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy)),
    )
    lifecycle = _lifecycle(noncurrent_days)
    ensure(
        "lifecycle",
        _read(s3.get_bucket_lifecycle_configuration, bucket, "Rules"),
        lifecycle["Rules"],
        lambda: s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=lifecycle),
    )


def _read(call: Any, bucket: str, key: str) -> Any:
    """A bucket setting, or None where S3 says it is not set."""
    from botocore.exceptions import ClientError

    try:
        return call(Bucket=bucket).get(key)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code.startswith("NoSuch") or code in (
            "ServerSideEncryptionConfigurationNotFoundError",
            "OwnershipControlsNotFoundError",
        ):
            return None
        raise

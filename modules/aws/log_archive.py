"""`LogArchive`: the organisation's tamper-resistant log store in the log archive account.

What it owns (logical names `<name>-<suffix>`, all parented to the component):

- `key`, `key-alias`: the customer-managed KMS key (rotation on) of CloudTrail, Config and flow logs;
- `archive-*`: the archive bucket: versioning, Object Lock default retention, SSE-KMS with a bucket
  key, `BucketOwnerEnforced`, public access blocked, lifecycle (Glacier Instant Retrieval, then
  Deep Archive, then expiry), server access logging and the bucket policy;
- `cost-reports-*`: the CUR 2.0 bucket, hardened the same way (SSE-S3: see below). AWS Data Exports
  delivers to a staging bucket in the management account (`modules/aws/cost_report_staging.py`),
  and S3 replication copies every object here, handing it to this account.

The server access logs of both buckets go to the account's access-log bucket, a dependency that
comes in by name (`modules/aws/access_log_bucket.py`); the trail that writes here is
`modules/aws/org_trail.py`.

The policies are pure functions of plain strings: `log_key_policy`, `archive_bucket_policy` and
`cost_reports_bucket_policy`. Every service grant is pinned to this organisation (`aws:SourceOrgID`)
or to the one trail (`aws:SourceArn`), and every write must hand the object to the bucket owner
(`s3:x-amz-acl = bucket-owner-full-control`), the confused-deputy guards AWS documents for each
service.

The cost-reports bucket uses SSE-S3, not the log key: billing data holds no personal data, and the
replicas keep the SSE-S3 encryption Data Exports delivered them with (no KMS grants across accounts).
Its policy lets the management account's replication role (named in advance: the role is created
later, by the cost layer) replicate objects and delete markers, hand replicas to this account and
read and set the bucket's versioning, as the Amazon S3 User Guide documents for cross-account
replication. The grant names the management account's root with an `aws:PrincipalArn` condition
rather than the role itself: S3 rejects a bucket policy naming a role that does not exist yet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import pulumi
import pulumi_aws as aws

from lz.naming import NAME_RULES, check_name
from lz.regions import KNOWN_REGIONS
from lz.tags import check_tags
from modules.aws.access_log_bucket import (
    ACCOUNT_ID_RE,
    ObjectLockMode,
    account_id_problems,
    base_lifecycle_rules,
    bucket_name_problems,
    expire_rule,
    hardened_bucket_parts,
    policy_document,
    transition_rule,
)
from modules.aws.iam_docs import tls_only_statements
from modules.aws.org_trail import DEFAULT_S3_KEY_PREFIX, trail_arn
from modules.aws.service_key import rotating_key_with_alias

TYPE_TOKEN: Final = "lz:aws:LogArchive"

CLOUDTRAIL_SERVICE: Final = "cloudtrail.amazonaws.com"
CONFIG_SERVICE: Final = "config.amazonaws.com"
LOG_DELIVERY_SERVICE: Final = "delivery.logs.amazonaws.com"
#: What the replication role does to the cost-reports bucket's objects (cross-account replication
#: with owner override, Amazon S3 User Guide "Setting up permissions for live replication")...
REPLICATION_OBJECT_ACTIONS: Final = (
    "s3:ReplicateObject",
    "s3:ReplicateDelete",
    "s3:ReplicateTags",
    "s3:ObjectOwnerOverrideToBucketOwner",
)
#: ...and to the bucket itself (the S3 console's cross-account destination policy grants these).
REPLICATION_BUCKET_ACTIONS: Final = ("s3:GetBucketVersioning", "s3:PutBucketVersioning")

#: Key prefixes of each writer in the archive bucket.
CLOUDTRAIL_PREFIX: Final = DEFAULT_S3_KEY_PREFIX
CONFIG_PREFIX: Final = "config"
FLOW_LOGS_PREFIX: Final = "vpc-flow-logs"
#: The condition that hands every delivered object to the bucket owner.
OWNER_FULL_CONTROL: Final = {"s3:x-amz-acl": "bucket-owner-full-control"}

#: Overwritten or deleted log versions stay recoverable this long.
ARCHIVE_NONCURRENT_DAYS: Final = 90
#: Glacier Instant Retrieval bills at least 90 days of storage per object: moving objects on to
#: Deep Archive sooner only adds an early-deletion charge.
GLACIER_IR_MINIMUM_DAYS: Final = 90
ARCHIVE_STORAGE_CLASS: Final = "GLACIER_IR"
DEEP_ARCHIVE_STORAGE_CLASS: Final = "DEEP_ARCHIVE"

ORGANISATION_ID_RE: Final = re.compile(r"o-[a-z0-9]{10,32}")
REPLICATION_ROLE_ARN_RE: Final = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}")
OBJECT_LOCK_MODES: Final = ("GOVERNANCE", "COMPLIANCE")


def _root(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:root"


def log_key_policy(
    *,
    account_id: str,
    organisation_id: str,
    management_account_id: str,
    region: str,
    trail_name: str,
    reader_account_ids: Sequence[str] = (),
) -> str:
    """Key policy of the log archive key.

    The log archive account's root administers it (so IAM in that account decides who manages
    it); CloudTrail may encrypt only for the organisation trail, Config and VPC flow-log delivery
    only for accounts of this organisation; reader accounts (audit) may decrypt through S3 only.
    """
    trail = trail_arn(region, management_account_id, trail_name)
    org = {"aws:SourceOrgID": organisation_id}
    statements: list[dict[str, Any]] = [
        {
            "Sid": "EnableRootAdministration",
            "Effect": "Allow",
            "Principal": {"AWS": _root(account_id)},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "AllowCloudTrailEncrypt",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL_SERVICE},
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceArn": trail},
                "StringLike": {
                    "kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{management_account_id}:trail/*"
                },
            },
        },
        {
            "Sid": "AllowCloudTrailDescribeKey",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL_SERVICE},
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": trail}},
        },
        {
            "Sid": "AllowConfigDelivery",
            "Effect": "Allow",
            "Principal": {"Service": CONFIG_SERVICE},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": "*",
            "Condition": {"StringEquals": org},
        },
        {
            "Sid": "AllowFlowLogDelivery",
            "Effect": "Allow",
            "Principal": {"Service": LOG_DELIVERY_SERVICE},
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": {"StringEquals": org},
        },
    ]
    readers = sorted(set(reader_account_ids))
    if readers:
        statements.append(
            {
                "Sid": "AllowLogReadersThroughS3",
                "Effect": "Allow",
                "Principal": {"AWS": [_root(a) for a in readers]},
                "Action": ["kms:Decrypt", "kms:DescribeKey"],
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            }
        )
    return policy_document(statements)


def _organisation_delivery_statements(
    label: str, service: str, bucket_arn: str, objects: str, org: Mapping[str, str]
) -> list[dict[str, Any]]:
    """`Allow<label>AclCheck` and `Allow<label>Write`: `service` may check the bucket and write
    `objects`, only for the organisation `org` names and only handing each object to the bucket owner."""
    return [
        {
            "Sid": f"Allow{label}AclCheck",
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
            "Resource": bucket_arn,
            "Condition": {"StringEquals": dict(org)},
        },
        {
            "Sid": f"Allow{label}Write",
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "s3:PutObject",
            "Resource": objects,
            "Condition": {"StringEquals": {**OWNER_FULL_CONTROL, **org}},
        },
    ]


def archive_bucket_policy(
    *,
    bucket_arn: str,
    organisation_id: str,
    management_account_id: str,
    region: str,
    trail_name: str,
    reader_account_ids: Sequence[str] = (),
) -> str:
    """Bucket policy of the archive: TLS only; writes from the organisation trail, Config and VPC
    flow-log delivery, each under its own prefix, only for this organisation and only handing the
    object to the bucket owner; list/read for reader accounts."""
    trail = trail_arn(region, management_account_id, trail_name)
    org = {"aws:SourceOrgID": organisation_id}
    statements = tls_only_statements(bucket_arn)
    statements += [
        {
            "Sid": "AllowCloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL_SERVICE},
            "Action": "s3:GetBucketAcl",
            "Resource": bucket_arn,
            "Condition": {"StringEquals": {"aws:SourceArn": trail}},
        },
        {
            "Sid": "AllowCloudTrailWrite",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL_SERVICE},
            "Action": "s3:PutObject",
            "Resource": [
                f"{bucket_arn}/{CLOUDTRAIL_PREFIX}/AWSLogs/{management_account_id}/*",
                f"{bucket_arn}/{CLOUDTRAIL_PREFIX}/AWSLogs/{organisation_id}/*",
            ],
            "Condition": {"StringEquals": {**OWNER_FULL_CONTROL, "aws:SourceArn": trail}},
        },
        *_organisation_delivery_statements(
            "Config", CONFIG_SERVICE, bucket_arn, f"{bucket_arn}/{CONFIG_PREFIX}/AWSLogs/*/Config/*", org
        ),
        *_organisation_delivery_statements(
            "FlowLogs", LOG_DELIVERY_SERVICE, bucket_arn, f"{bucket_arn}/{FLOW_LOGS_PREFIX}/AWSLogs/*", org
        ),
    ]
    readers = sorted(set(reader_account_ids))
    if readers:
        statements.append(
            {
                "Sid": "AllowLogReaders",
                "Effect": "Allow",
                "Principal": {"AWS": [_root(a) for a in readers]},
                "Action": ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"],
                "Resource": [bucket_arn, f"{bucket_arn}/*"],
            }
        )
    return policy_document(statements)


def cost_reports_bucket_policy(
    *, bucket_arn: str, management_account_id: str, replication_role_arn: str | None = None
) -> str:
    """TLS only, and replication into the bucket by `replication_role_arn` of the management account.

    The principal is the management account's root narrowed by `aws:PrincipalArn` to the one role:
    the role may not exist yet when this policy is written, and S3 rejects a policy whose principal
    is a role that does not exist. Without a role, the bucket accepts no writes but its owner's.
    """
    statements = tls_only_statements(bucket_arn)
    if replication_role_arn is not None:
        role_only = {"ArnEquals": {"aws:PrincipalArn": replication_role_arn}}
        statements += [
            {
                "Sid": "AllowCostReportsReplication",
                "Effect": "Allow",
                "Principal": {"AWS": _root(management_account_id)},
                "Action": list(REPLICATION_OBJECT_ACTIONS),
                "Resource": f"{bucket_arn}/*",
                "Condition": role_only,
            },
            {
                "Sid": "AllowCostReportsReplicationVersioning",
                "Effect": "Allow",
                "Principal": {"AWS": _root(management_account_id)},
                "Action": list(REPLICATION_BUCKET_ACTIONS),
                "Resource": bucket_arn,
                "Condition": role_only,
            },
        ]
    return policy_document(statements)


@dataclass(frozen=True, kw_only=True)
class LogArchiveArgs:
    """Inputs of `LogArchive`."""

    archive_bucket_name: str
    """Required. Physical name of the archive bucket (`physical_name(..., name="log-archive")`)."""
    cost_reports_bucket_name: str
    """Required. Physical name of the cost-reports bucket."""
    key_alias: str
    """Required. Alias of the log key, `alias/...`."""
    account_id: pulumi.Input[str]
    """Required. The log archive account's id: its root administers the key."""
    organisation_id: pulumi.Input[str]
    """Required. The organisation id (`o-...`) every service grant is scoped to."""
    management_account_id: pulumi.Input[str]
    """Required. The management account: home of the organisation trail and the cost exports."""
    region: str
    """Required. Home region, where the trail and the buckets live."""
    trail_name: str
    """Required. Name of the organisation trail allowed to write (`aws:SourceArn`)."""
    access_log_bucket: pulumi.Input[str]
    """Required. NAME of the access-log bucket of this account, receiving S3 server access logs."""
    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included."""
    reader_account_ids: Sequence[pulumi.Input[str]] = ()
    """Optional. Accounts (normally audit) allowed to read and decrypt the logs."""
    archive_after_days: int = 90
    """Optional. Days before logs move to S3 Glacier Instant Retrieval."""
    deep_archive_after_days: int | None = 365
    """Optional. Days before logs move on to S3 Glacier Deep Archive; None keeps them in Instant
    Retrieval. At least `archive_after_days` + 90 (Instant Retrieval's minimum storage duration)."""
    expire_after_days: int = 2557
    """Optional. Days logs are kept (default 7 years); noncurrent versions go 90 days later."""
    object_lock_mode: ObjectLockMode = "GOVERNANCE"
    """Optional. `GOVERNANCE` (privileged users can shorten) or `COMPLIANCE` (nobody can)."""
    object_lock_days: int = 365
    """Optional. Default Object Lock retention of every new log object, in days."""
    cost_reports_expire_after_days: int = 2557
    """Optional. Days cost reports are kept (default 7 years: six years plus the current one)."""
    cost_reports_replication_role_arn: pulumi.Input[str] | None = None
    """Optional. ARN of the management account's role that replicates CUR 2.0 into the cost-reports
    bucket (`lz.stacks.contracts.cost_reports_replication_role_arn`); None: no replication grant."""
    lock: bool = True
    """Optional. `protect` and `retain_on_delete` on the key and both buckets (default True)."""


def validate_log_archive_args(args: LogArchiveArgs) -> list[str]:
    """Every problem with `args`, in field order; empty when a `LogArchive` can be built."""
    problems = bucket_name_problems("archive_bucket_name", args.archive_bucket_name)
    problems += bucket_name_problems("cost_reports_bucket_name", args.cost_reports_bucket_name)
    if args.archive_bucket_name == args.cost_reports_bucket_name:
        problems.append("archive_bucket_name and cost_reports_bucket_name must differ")
    problems += [
        f"key_alias {args.key_alias!r} {p}" for p in check_name(NAME_RULES["aws"]["kms_alias"], args.key_alias)
    ]
    problems += account_id_problems("account_id", args.account_id)
    if isinstance(args.organisation_id, str) and ORGANISATION_ID_RE.fullmatch(args.organisation_id) is None:
        problems.append(f"organisation_id must look like 'o-' and 10-32 lowercase letters or digits, got "
                        f"{args.organisation_id!r}")
    problems += account_id_problems("management_account_id", args.management_account_id)
    if args.region not in KNOWN_REGIONS["aws"]:
        problems.append(f"region {args.region!r} is not an AWS region")
    problems += [f"trail_name {args.trail_name!r} {p}"
                 for p in check_name(NAME_RULES["aws"]["cloudtrail_trail"], args.trail_name)]
    if isinstance(args.access_log_bucket, str):
        problems += bucket_name_problems("access_log_bucket", args.access_log_bucket)
    problems += [f"tags: {p}" for p in check_tags(args.tags)]
    for i, reader in enumerate(args.reader_account_ids):
        problems += account_id_problems(f"reader_account_ids[{i}]", reader)
    if args.archive_after_days < 1:
        problems.append(f"archive_after_days must be at least 1, got {args.archive_after_days}")
    if args.deep_archive_after_days is not None:
        earliest = args.archive_after_days + GLACIER_IR_MINIMUM_DAYS
        if args.deep_archive_after_days < earliest:
            problems.append(
                f"deep_archive_after_days must be at least archive_after_days + {GLACIER_IR_MINIMUM_DAYS} "
                f"({earliest}), got {args.deep_archive_after_days}"
            )
    last_move = args.deep_archive_after_days or args.archive_after_days
    if args.expire_after_days <= last_move:
        problems.append(f"expire_after_days must be greater than {last_move} (the last storage class move), "
                        f"got {args.expire_after_days}")
    if args.object_lock_mode not in OBJECT_LOCK_MODES:
        problems.append(f"object_lock_mode must be 'GOVERNANCE' or 'COMPLIANCE', got {args.object_lock_mode!r}")
    if not 1 <= args.object_lock_days <= args.expire_after_days:
        problems.append(
            f"object_lock_days must be between 1 and expire_after_days ({args.expire_after_days}), "
            f"got {args.object_lock_days}"
        )
    role = args.cost_reports_replication_role_arn
    if isinstance(role, str) and REPLICATION_ROLE_ARN_RE.fullmatch(role) is None:
        problems.append(f"cost_reports_replication_role_arn must be an IAM role ARN, got {role!r}")
    elif (isinstance(role, str) and isinstance(args.management_account_id, str)
          and ACCOUNT_ID_RE.fullmatch(args.management_account_id) and role.split(":")[4] != args.management_account_id):
        problems.append("cost_reports_replication_role_arn must be a role of the management account "
                        f"{args.management_account_id}, got {role!r}")
    if args.cost_reports_expire_after_days <= ARCHIVE_NONCURRENT_DAYS:
        problems.append(f"cost_reports_expire_after_days must be more than {ARCHIVE_NONCURRENT_DAYS}, "
                        f"got {args.cost_reports_expire_after_days}")
    return problems


def archive_lifecycle_rules(
    *, archive_after_days: int, deep_archive_after_days: int | None, expire_after_days: int
) -> list[aws.s3.BucketLifecycleConfigurationRuleArgs]:
    """Abort stale uploads, expire noncurrent versions, archive, then expire; stable rule ids."""
    transitions = [(archive_after_days, ARCHIVE_STORAGE_CLASS)]
    if deep_archive_after_days is not None:
        transitions.append((deep_archive_after_days, DEEP_ARCHIVE_STORAGE_CLASS))
    return [
        *base_lifecycle_rules(noncurrent_days=ARCHIVE_NONCURRENT_DAYS),
        transition_rule(transitions),
        expire_rule(expire_after_days),
    ]


class LogArchive(pulumi.ComponentResource):
    """The log archive: its KMS key, the Object Lock archive bucket and the cost-reports bucket."""

    bucket_name: pulumi.Output[str]
    """Name of the archive bucket."""
    arn: pulumi.Output[str]
    """ARN of the archive bucket."""
    flow_logs_arn: pulumi.Output[str]
    """S3 ARN (bucket + prefix) VPC flow logs are delivered to."""
    key_arn: pulumi.Output[str]
    """ARN of the log key (CloudTrail, Config, flow logs)."""
    cost_reports_bucket_name: pulumi.Output[str]
    """Name of the cost-reports bucket."""
    cost_reports_arn: pulumi.Output[str]
    """ARN of the cost-reports bucket."""

    def __init__(self, name: str, args: LogArchiveArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_log_archive_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        tags = dict(args.tags)
        ids = pulumi.Output.all(
            pulumi.Output.from_input(args.account_id),
            pulumi.Output.from_input(args.organisation_id),
            pulumi.Output.from_input(args.management_account_id),
            *(pulumi.Output.from_input(r) for r in args.reader_account_ids),
        )
        stateful = (
            pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True)
            if args.lock
            else pulumi.ResourceOptions(parent=self)
        )

        key, _ = rotating_key_with_alias(
            f"{name}-key",
            parent=self,
            alias=args.key_alias,
            description="Log archive: CloudTrail, AWS Config and VPC flow logs",
            policy=ids.apply(
                lambda v: log_key_policy(
                    account_id=str(v[0]),
                    organisation_id=str(v[1]),
                    management_account_id=str(v[2]),
                    region=args.region,
                    trail_name=args.trail_name,
                    reader_account_ids=[str(r) for r in v[3:]],
                )
            ),
            tags=tags,
            opts=stateful,
        )

        archive_arn = f"arn:aws:s3:::{args.archive_bucket_name}"
        archive = hardened_bucket_parts(
            f"{name}-archive",
            parent=self,
            bucket_name=args.archive_bucket_name,
            tags=tags,
            kms_key_arn=key.arn,
            object_lock=(args.object_lock_mode, args.object_lock_days),
            lifecycle_rules=archive_lifecycle_rules(
                archive_after_days=args.archive_after_days,
                deep_archive_after_days=args.deep_archive_after_days,
                expire_after_days=args.expire_after_days,
            ),
            access_log_bucket=args.access_log_bucket,
            policy=ids.apply(
                lambda v: archive_bucket_policy(
                    bucket_arn=archive_arn,
                    organisation_id=str(v[1]),
                    management_account_id=str(v[2]),
                    region=args.region,
                    trail_name=args.trail_name,
                    reader_account_ids=[str(r) for r in v[3:]],
                )
            ),
            lock=args.lock,
        ).bucket

        reports_arn = f"arn:aws:s3:::{args.cost_reports_bucket_name}"
        reports = hardened_bucket_parts(
            f"{name}-cost-reports",
            parent=self,
            bucket_name=args.cost_reports_bucket_name,
            tags=tags,
            lifecycle_rules=[
                *base_lifecycle_rules(noncurrent_days=ARCHIVE_NONCURRENT_DAYS),
                expire_rule(args.cost_reports_expire_after_days),
            ],
            access_log_bucket=args.access_log_bucket,
            policy=pulumi.Output.all(
                pulumi.Output.from_input(args.management_account_id),
                pulumi.Output.from_input(args.cost_reports_replication_role_arn),
            ).apply(
                lambda v: cost_reports_bucket_policy(
                    bucket_arn=reports_arn,
                    management_account_id=str(v[0]),
                    replication_role_arn=None if v[1] is None else str(v[1]),
                )
            ),
            lock=args.lock,
        ).bucket

        self.bucket_name = archive.bucket
        self.arn = archive.arn
        self.flow_logs_arn = archive.arn.apply(lambda a: f"{a}/{FLOW_LOGS_PREFIX}")
        self.key_arn = key.arn
        self.cost_reports_bucket_name = reports.bucket
        self.cost_reports_arn = reports.arn
        self.register_outputs(
            {
                "bucket_name": self.bucket_name,
                "arn": self.arn,
                "flow_logs_arn": self.flow_logs_arn,
                "key_arn": self.key_arn,
                "cost_reports_bucket_name": self.cost_reports_bucket_name,
                "cost_reports_arn": self.cost_reports_arn,
            }
        )

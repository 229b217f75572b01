"""`CostReportStaging`: where AWS Data Exports delivers CUR 2.0 in the management account, and the S3
replication that copies every object on to the log archive's cost-reports bucket.

Why a staging bucket: Data Exports delivers to another account's bucket only when the export names
the bucket's owner (`S3BucketOwner`), which pulumi_aws 7.x's `bcmdata.Export` does not expose
(hashicorp/terraform-provider-aws issues #47613 and #49892). So the export writes to a bucket its
own (management) account owns, and S3 replication, which is built for cross-account copies, hands
each object to the log archive account (`access_control_translation` owner `Destination`).

Children (logical names `<name>-<suffix>`, parented to the component):

| suffix                    | resource                                                                  |
|---------------------------|---------------------------------------------------------------------------|
| `bucket`                  | `aws.s3.Bucket` (protected and retained when `lock`)                      |
| `versioning`              | `aws.s3.BucketVersioning` (Enabled: replication needs it)                 |
| `encryption`              | `aws.s3.BucketServerSideEncryptionConfiguration` (SSE-S3, `AES256`)       |
| `public-access-block`     | `aws.s3.BucketPublicAccessBlock` (all four on)                            |
| `ownership`               | `aws.s3.BucketOwnershipControls` (`BucketOwnerEnforced`)                  |
| `lifecycle`               | `aws.s3.BucketLifecycleConfiguration` (expiry after `expire_after_days`)  |
| `policy`                  | `aws.s3.BucketPolicy` (TLS only + Data Exports delivery)                  |
| `replication-role`        | `aws.iam.Role` named `replication_role_name`, trusted by `s3.amazonaws.com` |
| `replication-role-policy` | `aws.iam.RolePolicy` (`replication_role_policy`)                          |
| `replication`             | `aws.s3.BucketReplicationConfig` (every object → the destination)         |

Choices:

* SSE-S3: the encryption the Data Exports User Guide documents for delivery, and replicas of SSE-S3
  objects need no KMS grants across accounts. Billing data holds no personal data.
* The staging copy is transient: objects (and overwritten versions) expire after
  `expire_after_days` (default 7: replication normally takes minutes; a week leaves time to repair a
  broken replication and re-drive it with S3 Batch Replication). Expiry does not reach the archive:
  S3 never replicates delete markers that lifecycle rules add.
* Delete markers that Data Exports itself causes are replicated (`delete_marker_replication`
  Enabled), so the archive mirrors what the export currently holds, and the archive's versioning
  keeps the previous files recoverable.
* No server access logging: the management account has no access-log bucket (server access logs
  must stay in the source bucket's account), and CloudTrail records the bucket's management events.

The destination bucket's policy must let this role replicate (the log archive's
`cost_reports_bucket_policy`); the role's ARN is fixed by its name so that the logging layer, which
deploys first, can name it before it exists.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import pulumi
import pulumi_aws as aws

from lz.naming import NAME_RULES, check_name
from lz.tags import check_tags
from modules.aws.access_log_bucket import (
    account_id_problems,
    base_lifecycle_rules,
    bucket_name_problems,
    expire_rule,
    hardened_bucket_parts,
    policy_document,
)
from modules.aws.cost_report_export import data_exports_bucket_policy_statement
from modules.aws.iam_docs import tls_only_statements

TYPE_TOKEN: Final = "lz:aws:CostReportStaging"

S3_SERVICE: Final = "s3.amazonaws.com"
#: Id of the one replication rule.
REPLICATION_RULE_ID: Final = "cost-reports-to-log-archive"
#: Longest time a staged object may wait in the management account before it expires.
MAX_STAGING_DAYS: Final = 30

#: What S3 needs on the source bucket to replicate (Amazon S3 User Guide, "Setting up permissions
#: for live replication"): the configuration and the listing on the bucket, each version's data,
#: ACL and tags on its objects.
SOURCE_BUCKET_ACTIONS: Final = ("s3:GetReplicationConfiguration", "s3:ListBucket")
SOURCE_OBJECT_ACTIONS: Final = (
    "s3:GetObjectVersionForReplication",
    "s3:GetObjectVersionAcl",
    "s3:GetObjectVersionTagging",
)
#: What S3 does to the destination's objects: write replicas (and replicated delete markers) with
#: their tags, and hand ownership to the destination account.
DESTINATION_OBJECT_ACTIONS: Final = (
    "s3:ReplicateObject",
    "s3:ReplicateDelete",
    "s3:ReplicateTags",
    "s3:ObjectOwnerOverrideToBucketOwner",
)

_S3_BUCKET_ARN: Final = re.compile(r"arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def staging_bucket_policy(*, bucket_arn: str, account_id: str) -> str:
    """TLS only, and Data Exports delivery for the exports of `account_id` only."""
    statements = tls_only_statements(bucket_arn)
    statements.append(data_exports_bucket_policy_statement(bucket_arn, account_id))
    return policy_document(statements)


def replication_trust_policy() -> str:
    """Only Amazon S3 may assume the replication role (the trust policy AWS documents; S3 cannot be
    made to pass it from another account, since PutBucketReplication needs iam:PassRole here)."""
    return policy_document(
        [
            {
                "Sid": "AllowS3Replication",
                "Effect": "Allow",
                "Principal": {"Service": S3_SERVICE},
                "Action": "sts:AssumeRole",
            }
        ]
    )


def replication_role_policy(*, source_bucket_arn: str, destination_bucket_arn: str) -> str:
    """Least privilege for S3 replication from one bucket to one bucket: no wildcard resources."""
    return policy_document(
        [
            {
                "Sid": "ReadSourceBucket",
                "Effect": "Allow",
                "Action": list(SOURCE_BUCKET_ACTIONS),
                "Resource": source_bucket_arn,
            },
            {
                "Sid": "ReadSourceObjectVersions",
                "Effect": "Allow",
                "Action": list(SOURCE_OBJECT_ACTIONS),
                "Resource": f"{source_bucket_arn}/*",
            },
            {
                "Sid": "ReplicateToDestination",
                "Effect": "Allow",
                "Action": list(DESTINATION_OBJECT_ACTIONS),
                "Resource": f"{destination_bucket_arn}/*",
            },
        ]
    )


@dataclass(frozen=True, kw_only=True)
class CostReportStagingArgs:
    """Inputs of `CostReportStaging`."""

    bucket_name: str
    """Required. Physical name of the staging bucket (`physical_name(..., name="cur-staging")`)."""
    account_id: pulumi.Input[str]
    """Required. The account the bucket and role live in, which must be the account that creates
    the export (the management account): Data Exports delivers only for its exports."""
    destination_bucket_arn: pulumi.Input[str]
    """Required. ARN of the bucket every object is replicated to (the log archive's cost-reports
    bucket); its policy must allow the replication role."""
    destination_account_id: pulumi.Input[str]
    """Required. The account owning the destination bucket; replicas are handed to it."""
    replication_role_name: str
    """Required. Name of the replication role (path `/`), fixed so the destination's policy can
    name it in advance (`lz.stacks.contracts.COST_REPORTS_REPLICATION_ROLE_NAME`)."""
    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included."""
    expire_after_days: int = 7
    """Optional. Days a staged object (and an overwritten version) is kept in the staging bucket,
    1-30 (default 7)."""
    lock: bool = True
    """Optional. `protect` and `retain_on_delete` on the staging bucket (default True)."""


def validate_cost_report_staging_args(args: CostReportStagingArgs) -> list[str]:
    """Every problem with `args`, in field order; empty when a `CostReportStaging` can be built."""
    problems = bucket_name_problems("bucket_name", args.bucket_name)
    problems += account_id_problems("account_id", args.account_id)
    if isinstance(args.destination_bucket_arn, str):
        if _S3_BUCKET_ARN.fullmatch(args.destination_bucket_arn) is None:
            problems.append(f"destination_bucket_arn must be an S3 bucket ARN (arn:aws:s3:::<bucket>), got "
                            f"{args.destination_bucket_arn!r}")
        elif args.destination_bucket_arn.rsplit(":", 1)[1] == args.bucket_name:
            problems.append("destination_bucket_arn must not be the staging bucket itself")
    problems += account_id_problems("destination_account_id", args.destination_account_id)
    if (isinstance(args.account_id, str) and isinstance(args.destination_account_id, str)
            and args.account_id == args.destination_account_id):
        problems.append("destination_account_id must differ from account_id: in one account, let the export "
                        "deliver to the destination bucket directly")
    problems += [f"replication_role_name {args.replication_role_name!r} {p}"
                 for p in check_name(NAME_RULES["aws"]["iam_role"], args.replication_role_name)]
    problems += [f"tags: {p}" for p in check_tags(args.tags)]
    if not 1 <= args.expire_after_days <= MAX_STAGING_DAYS:
        problems.append(f"expire_after_days must be between 1 and {MAX_STAGING_DAYS}, got {args.expire_after_days}")
    return problems


def staging_lifecycle_rules(expire_after_days: int) -> list[aws.s3.BucketLifecycleConfigurationRuleArgs]:
    """Abort stale uploads, expire overwritten versions and staged objects after `expire_after_days`."""
    return [
        *base_lifecycle_rules(noncurrent_days=expire_after_days),
        expire_rule(expire_after_days),
    ]


class CostReportStaging(pulumi.ComponentResource):
    """The Data Exports staging bucket and its replication to the log archive."""

    bucket_name: pulumi.Output[str]
    """Name of the staging bucket: the export's `bucket_name`. Resolves only once the bucket policy
    is in place, so an export created from it passes Data Exports' policy check."""
    bucket_arn: pulumi.Output[str]
    """ARN of the staging bucket."""
    replication_role_arn: pulumi.Output[str]
    """ARN of the replication role."""

    def __init__(self, name: str, args: CostReportStagingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_cost_report_staging_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        tags = dict(args.tags)
        child = pulumi.ResourceOptions(parent=self)
        source_arn = f"arn:aws:s3:::{args.bucket_name}"

        staging = hardened_bucket_parts(
            name,
            parent=self,
            bucket_name=args.bucket_name,
            tags=tags,
            lifecycle_rules=staging_lifecycle_rules(args.expire_after_days),
            policy=pulumi.Output.from_input(args.account_id).apply(
                lambda account: staging_bucket_policy(bucket_arn=source_arn, account_id=account)
            ),
            lock=args.lock,
        )
        role = aws.iam.Role(
            f"{name}-replication-role",
            name=args.replication_role_name,
            path="/",
            description="S3 replication of the CUR 2.0 staging bucket to the log archive",
            assume_role_policy=replication_trust_policy(),
            tags=tags,
            opts=child,
        )
        role_policy = aws.iam.RolePolicy(
            f"{name}-replication-role-policy",
            role=role.id,
            name="replicate-cost-reports",
            policy=pulumi.Output.from_input(args.destination_bucket_arn).apply(
                lambda destination: replication_role_policy(
                    source_bucket_arn=source_arn, destination_bucket_arn=destination
                )
            ),
            opts=child,
        )
        aws.s3.BucketReplicationConfig(
            f"{name}-replication",
            bucket=staging.bucket.id,
            role=role.arn,
            rules=[
                aws.s3.BucketReplicationConfigRuleArgs(
                    id=REPLICATION_RULE_ID,
                    status="Enabled",
                    priority=1,
                    # An empty filter: every object, whatever its key.
                    filter=aws.s3.BucketReplicationConfigRuleFilterArgs(),
                    delete_marker_replication=aws.s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(
                        status="Enabled"
                    ),
                    destination=aws.s3.BucketReplicationConfigRuleDestinationArgs(
                        bucket=args.destination_bucket_arn,
                        account=args.destination_account_id,
                        access_control_translation=aws.s3.BucketReplicationConfigRuleDestinationAccessControlTranslationArgs(
                            owner="Destination"
                        ),
                        storage_class="STANDARD",
                    ),
                )
            ],
            # S3 refuses a replication configuration until versioning is on; S3 checks the role's
            # permissions on the first object, so the policy goes first too.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[staging.versioning, role_policy]),
        )

        self.bucket_name = pulumi.Output.all(staging.bucket.bucket, staging.policy.id).apply(lambda v: str(v[0]))
        self.bucket_arn = staging.bucket.arn
        self.replication_role_arn = role.arn
        self.register_outputs(
            {"bucket_name": self.bucket_name, "bucket_arn": self.bucket_arn,
             "replication_role_arn": self.replication_role_arn}
        )

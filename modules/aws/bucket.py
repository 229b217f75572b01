"""`Bucket`: one private, encrypted, TLS-only S3 bucket and everything that makes it usable.

Children (logical names `<name>-<suffix>`, all parented to the component):

| suffix                | resource                                   | when                      |
|-----------------------|--------------------------------------------|---------------------------|
| `bucket`              | `aws.s3.Bucket` (`force_destroy` off)      | always                    |
| `versioning`          | `aws.s3.BucketVersioning`                  | always                    |
| `encryption`          | `aws.s3.BucketServerSideEncryptionConfiguration` | always              |
| `public-access-block` | `aws.s3.BucketPublicAccessBlock` (all four on) | always                |
| `ownership`           | `aws.s3.BucketOwnershipControls` (`BucketOwnerEnforced`: ACLs off) | always |
| `lifecycle`           | `aws.s3.BucketLifecycleConfiguration`      | always                    |
| `logging`             | `aws.s3.BucketLogging`                     | `access_log_bucket` given |
| `policy`              | `aws.s3.BucketPolicy` (TLS-only + grants)  | `manage_policy`           |

The KMS key and the access-log bucket are dependencies, not children: they come in by ARN/name.
The separate `aws.s3.Bucket*` configuration resources are the provider v7 way; their `...V2`
twins are deprecated aliases and the inline arguments of `aws.s3.Bucket` are deprecated too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import pulumi
import pulumi_aws as aws

from lz.naming import NAME_RULES, check_name
from lz.tags import check_tags
from modules.aws.access_log_bucket import (
    SseAlgorithm,
    abort_incomplete_uploads_rule,
    bucket_policy_after,
    expire_rule,
    noncurrent_versions_rule,
    private_bucket_configuration,
    transition_rule,
)
from modules.aws.iam_docs import (
    GRANT_NAME_RE,
    IAM_PRINCIPAL_ARN_RE,
    KMS_KEY_ARN_RE,
    BucketAccessLevel,
    BucketGrant,
    bucket_policy_document,
    duplicate_grant_sids,
)

TYPE_TOKEN: Final = "lz:aws:Bucket"


#: Overwritten and deleted versions are kept this long when versioning is on, then expire.
NONCURRENT_VERSION_DAYS: Final = 90
#: Storage class objects move to after `archive_after_days`: millisecond reads, archive pricing.
ARCHIVE_STORAGE_CLASS: Final = "GLACIER_IR"


@dataclass(frozen=True, kw_only=True)
class BucketAccess:
    """One role assignment: a principal and how much of the bucket it may use."""

    principal_arn: pulumi.Input[str]
    """Required. ARN of the IAM role or user (or `arn:aws:iam::<account>:root`) granted access."""
    access: BucketAccessLevel
    """Required. `read` (s3:ListBucket, s3:GetObject) or `read_write` (adds s3:PutObject and
    s3:DeleteObject)."""


@dataclass(frozen=True, kw_only=True)
class BucketArgs:
    """Inputs of `Bucket`."""

    bucket_name: str
    """Required. Physical bucket name, given by the caller (normally from `lz.naming.physical_name`);
    globally unique, 3-63 lowercase letters, digits and hyphens."""
    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included; applied to every taggable child."""
    kms_key_arn: pulumi.Input[str] | None = None
    """Optional. Customer-managed KMS key ARN for SSE-KMS. None: SSE-KMS with the AWS-managed
    `aws/s3` key. The bucket key is enabled either way (fewer KMS calls, lower cost). Readers need
    kms:Decrypt on a customer key through its key policy, which this module does not manage."""
    sse_algorithm: SseAlgorithm = "aws:kms"
    """Optional. `aws:kms` (default) or `AES256` (SSE-S3) for buckets read by a service that cannot
    be granted use of the AWS-managed key, such as CloudFront Origin Access Control. `AES256` cannot
    be combined with `kms_key_arn`."""
    versioning: bool = True
    """Optional. Keep object versions (default True). Noncurrent versions expire after 90 days.
    False suspends versioning (S3 cannot turn it off once it has been on)."""
    lock: bool = False
    """Optional. Protect the bucket: `protect` and `retain_on_delete` on the bucket resource, so
    neither `pulumi destroy` nor removing it from the program deletes it."""
    access_log_bucket: pulumi.Input[str] | None = None
    """Optional. NAME of the bucket receiving S3 server access logs, under `s3/<bucket_name>/`. That
    bucket's policy must allow `logging.s3.amazonaws.com` to write there (the log archive layer's)."""
    archive_after_days: int | None = None
    """Optional. Move objects to S3 Glacier Instant Retrieval this many days after creation."""
    expire_after_days: int | None = None
    """Optional. Delete objects this many days after creation (with versioning, they become
    noncurrent versions, removed 90 days later). Must be greater than `archive_after_days`."""
    role_assignments: Mapping[str, BucketAccess] = field(default_factory=dict)
    """Optional. Access grants in the bucket policy, keyed by stable lowercase slugs
    (`app-reader`). Principals in the same account also need no identity policy for these actions."""
    manage_policy: bool = True
    """Optional. Create the bucket policy (default True). False lets a caller that must add its own
    statements (such as `StaticSite`) own the bucket's single policy; `role_assignments` must then
    be empty."""


def validate_bucket_args(args: BucketArgs) -> list[str]:
    """Every problem with `args`, in field order; empty when a `Bucket` can be built from them."""
    problems = [f"bucket_name {args.bucket_name!r} {p}" for p in _bucket_name_problems(args.bucket_name)]
    problems += [f"tags: {p}" for p in check_tags(args.tags)]
    if isinstance(args.kms_key_arn, str) and KMS_KEY_ARN_RE.fullmatch(args.kms_key_arn) is None:
        problems.append(
            f"kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), got {args.kms_key_arn!r}"
        )
    if args.sse_algorithm not in ("aws:kms", "AES256"):
        problems.append(f"sse_algorithm must be 'aws:kms' or 'AES256', got {args.sse_algorithm!r}")
    elif args.sse_algorithm == "AES256" and args.kms_key_arn is not None:
        problems.append("kms_key_arn needs sse_algorithm 'aws:kms' (AES256 is SSE-S3, without a KMS key)")
    for field_name in ("archive_after_days", "expire_after_days"):
        days = getattr(args, field_name)
        if days is not None and days < 1:
            problems.append(f"{field_name} must be at least 1, got {days}")
    if (
        args.archive_after_days is not None
        and args.expire_after_days is not None
        and args.expire_after_days <= args.archive_after_days
    ):
        problems.append("expire_after_days must be greater than archive_after_days")
    problems += role_assignment_problems(args.role_assignments)
    if args.role_assignments and not args.manage_policy:
        problems.append("role_assignments need manage_policy=True: they are granted in the bucket policy")
    return problems


def _bucket_name_problems(bucket_name: str) -> list[str]:
    return check_name(NAME_RULES["aws"]["s3_bucket"], bucket_name)


def role_assignment_problems(role_assignments: Mapping[str, BucketAccess]) -> list[str]:
    """Problems with bucket role assignments: names, access levels and literal principal ARNs."""
    problems: list[str] = []
    for name in sorted(role_assignments):
        grant = role_assignments[name]
        if GRANT_NAME_RE.fullmatch(name) is None:
            problems.append(
                f"role_assignments: name {name!r} must be a lowercase slug (letters, digits, single hyphens)"
            )
        if grant.access not in ("read", "read_write"):
            problems.append(f"role_assignments.{name}.access must be 'read' or 'read_write', got {grant.access!r}")
        principal = grant.principal_arn
        if isinstance(principal, str) and IAM_PRINCIPAL_ARN_RE.fullmatch(principal) is None:
            problems.append(
                f"role_assignments.{name}.principal_arn must be an IAM role, user or account root ARN, "
                f"got {principal!r}"
            )
    problems += [
        f"role_assignments: names {clash} give the same policy statement id"
        for clash in duplicate_grant_sids(role_assignments)
    ]
    return problems


def bucket_policy_json(
    bucket_arn: pulumi.Input[str],
    grants: Mapping[str, BucketAccess],
    cloudfront_distribution_arn: pulumi.Input[str] | None = None,
) -> pulumi.Output[str]:
    """The bucket policy document once the bucket ARN, principal ARNs and distribution ARN are known."""
    names = sorted(grants)
    resolved = pulumi.Output.all(
        pulumi.Output.from_input(bucket_arn),
        pulumi.Output.from_input(cloudfront_distribution_arn),
        *(pulumi.Output.from_input(grants[n].principal_arn) for n in names),
    )

    def render(values: list[str | None]) -> str:
        arn, distribution, *principals = values
        return bucket_policy_document(
            str(arn),
            grants={
                n: BucketGrant(principal_arn=str(p), access=grants[n].access)
                for n, p in zip(names, principals, strict=True)
            },
            cloudfront_distribution_arn=distribution,
        )

    return resolved.apply(render)


def lifecycle_rules(
    *, versioning: bool, archive_after_days: int | None, expire_after_days: int | None
) -> list[aws.s3.BucketLifecycleConfigurationRuleArgs]:
    """The lifecycle rules, with stable ids; each applies to the whole bucket (an empty filter)."""
    rules = [abort_incomplete_uploads_rule()]
    if versioning:
        rules.append(noncurrent_versions_rule(NONCURRENT_VERSION_DAYS))
    if archive_after_days is not None:
        rules.append(transition_rule([(archive_after_days, ARCHIVE_STORAGE_CLASS)]))
    if expire_after_days is not None:
        rules.append(expire_rule(expire_after_days))
    return rules


class Bucket(pulumi.ComponentResource):
    """A private S3 bucket: encrypted, versioned, ACLs off, public access blocked, TLS 1.2+ only."""

    bucket_name: pulumi.Output[str]
    """The bucket's name."""
    arn: pulumi.Output[str]
    """The bucket's ARN (`arn:aws:s3:::<name>`)."""
    regional_domain_name: pulumi.Output[str]
    """`<name>.s3.<region>.amazonaws.com`, the origin domain for CloudFront."""

    def __init__(self, name: str, args: BucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_bucket_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        tags = dict(args.tags)
        child = pulumi.ResourceOptions(parent=self)
        # Only set when locked, so that a `protect` the caller puts on the component still inherits.
        stateful = pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True) if args.lock else child

        bucket = aws.s3.Bucket(
            f"{name}-bucket",
            bucket=args.bucket_name,
            force_destroy=False,
            tags=tags,
            opts=stateful,
        )
        versioning = aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(
                # "Suspended", not "Disabled": S3 cannot return a bucket to unversioned, and the
                # provider only accepts "Disabled" for buckets that never had versioning.
                status="Enabled" if args.versioning else "Suspended",
            ),
            opts=child,
        )
        public_access_block = private_bucket_configuration(
            name,
            parent=self,
            bucket=bucket,
            bucket_name=args.bucket_name,
            versioning=versioning,
            sse_algorithm=args.sse_algorithm,
            kms_key_arn=args.kms_key_arn,
            object_ownership="BucketOwnerEnforced",
            rules=lifecycle_rules(
                versioning=args.versioning,
                archive_after_days=args.archive_after_days,
                expire_after_days=args.expire_after_days,
            ),
            access_log_bucket=args.access_log_bucket,
        )
        if args.manage_policy:
            bucket_policy_after(
                name,
                parent=self,
                bucket=bucket,
                policy=bucket_policy_json(bucket.arn, args.role_assignments),
                public_access_block=public_access_block,
            )

        self.bucket_name = bucket.bucket
        self.arn = bucket.arn
        self.regional_domain_name = bucket.bucket_regional_domain_name
        self.register_outputs(
            {
                "bucket_name": self.bucket_name,
                "arn": self.arn,
                "regional_domain_name": self.regional_domain_name,
            }
        )

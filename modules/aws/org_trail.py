"""`OrganisationTrail`: the CloudTrail trail recording every account of the organisation.

It lives in the management account (an organisation trail can only be created there, or by a
delegated administrator) and delivers to the log archive bucket in the log archive account,
encrypted with the log archive's KMS key. The bucket policy and key policy that allow this are the
log archive's (`modules/aws/log_archive.py`); the trail only needs their names and ARNs, and the
caller makes the trail depend on the log archive so that the policies exist first (CloudTrail
checks them when the trail is created).

One child, `<name>-trail` (`aws.cloudtrail.Trail`): organisation-wide, multi-region, with global
service events (IAM, STS, CloudFront), log file validation and SSE-KMS; protected and retained.
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
from modules.aws.access_log_bucket import bucket_name_problems
from modules.aws.iam_docs import KMS_KEY_ARN_RE

TYPE_TOKEN: Final = "lz:aws:OrganisationTrail"

#: Prefix of CloudTrail's objects in the archive bucket (CloudTrail appends `/AWSLogs/...`).
DEFAULT_S3_KEY_PREFIX: Final = "cloudtrail"
S3_PREFIX_RE: Final = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


def trail_arn(region: str, account_id: str, trail_name: str) -> str:
    """The ARN CloudTrail gives a trail: what `aws:SourceArn` conditions on its bucket and key name."""
    return f"arn:aws:cloudtrail:{region}:{account_id}:trail/{trail_name}"


@dataclass(frozen=True, kw_only=True)
class OrganisationTrailArgs:
    """Inputs of `OrganisationTrail`."""

    trail_name: str
    """Required. The trail's name (normally `physical_name("aws", "cloudtrail_trail", ...)`)."""
    bucket_name: pulumi.Input[str]
    """Required. NAME of the log archive bucket the trail delivers to."""
    kms_key_arn: pulumi.Input[str]
    """Required. ARN of the log archive key the trail encrypts log files with."""
    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included."""
    s3_key_prefix: str = DEFAULT_S3_KEY_PREFIX
    """Optional. Prefix of the trail's objects in the bucket (default `cloudtrail`)."""
    lock: bool = True
    """Optional. `protect` and `retain_on_delete` on the trail (default True)."""


def validate_organisation_trail_args(args: OrganisationTrailArgs) -> list[str]:
    """Every problem with `args`; empty when an `OrganisationTrail` can be built from them."""
    problems = [
        f"trail_name {args.trail_name!r} {p}"
        for p in check_name(NAME_RULES["aws"]["cloudtrail_trail"], args.trail_name)
    ]
    if isinstance(args.bucket_name, str):
        problems += bucket_name_problems("bucket_name", args.bucket_name)
    if isinstance(args.kms_key_arn, str) and KMS_KEY_ARN_RE.fullmatch(args.kms_key_arn) is None:
        problems.append(
            f"kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), got {args.kms_key_arn!r}"
        )
    if S3_PREFIX_RE.fullmatch(args.s3_key_prefix) is None:
        problems.append(
            f"s3_key_prefix must be a lowercase slug without slashes (e.g. 'cloudtrail'), got {args.s3_key_prefix!r}"
        )
    problems += [f"tags: {p}" for p in check_tags(args.tags)]
    return problems


class OrganisationTrail(pulumi.ComponentResource):
    """The organisation's CloudTrail: all accounts, all regions, validated and KMS-encrypted."""

    arn: pulumi.Output[str]
    """The trail's ARN."""
    name: pulumi.Output[str]
    """The trail's name."""

    def __init__(
        self, name: str, args: OrganisationTrailArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        problems = validate_organisation_trail_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        trail = aws.cloudtrail.Trail(
            f"{name}-trail",
            name=args.trail_name,
            s3_bucket_name=args.bucket_name,
            s3_key_prefix=args.s3_key_prefix,
            kms_key_id=args.kms_key_arn,
            is_organization_trail=True,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            enable_logging=True,
            tags=dict(args.tags),
            opts=(
                pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True)
                if args.lock
                else pulumi.ResourceOptions(parent=self)
            ),
        )
        self.arn = trail.arn
        self.name = trail.name
        self.register_outputs({"arn": self.arn, "name": self.name})

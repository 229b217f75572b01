"""aws-s3-bucket-public-access-block: every S3 bucket has its own public access block.

Why: a bucket-level public access block is the backstop that keeps a mistaken ACL or bucket policy
from publishing residents' data. The account-level block lives in another layer and another team's
hands; each bucket carries its own so that the protection travels with it. (Whether all four
settings are on is checked on the block itself by `aws-s3-bucket-public-access-block-settings`.)

A stack policy: the block is the separate `aws.s3.BucketPublicAccessBlock` resource, linked by its
`bucket` argument.

Message (reported on the bucket):
* `S3 bucket '<name>' has no public access block: no BucketPublicAccessBlock refers to it`
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, StackValidationArgs

from policies.aws.s3 import BUCKET_TYPES, PUBLIC_ACCESS_BLOCK_TYPES, Satellites, buckets
from policies.lib import Frameworks, stack_policy


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    satellites = Satellites(args.resources)
    for bucket in buckets(args.resources):
        if not satellites.of(bucket, PUBLIC_ACCESS_BLOCK_TYPES):
            report(
                f"S3 bucket '{bucket.name}' has no public access block: no BucketPublicAccessBlock refers to it",
                bucket.urn,
            )


POLICY, METADATA = stack_policy(
    name="aws-s3-bucket-public-access-block",
    description="Every S3 bucket has a bucket-level public access block.",
    severity="high",
    frameworks=Frameworks(
        ncsc="11",
        cis="CIS AWS Foundations Benchmark v3.0.0 2.1.4",
        cyber_essentials="Access control",
        checkov=("CKV2_AWS_6",),
    ),
    remediation=(
        "Create buckets with `modules.aws.bucket.Bucket`, which always adds a public access block with "
        "all four settings on. For a bare bucket add `aws.s3.BucketPublicAccessBlock(bucket=bucket.id, "
        "block_public_acls=True, block_public_policy=True, ignore_public_acls=True, "
        "restrict_public_buckets=True)`."
    ),
    clouds=("aws",),
    validate=_validate,
    resource_types=(*BUCKET_TYPES, *PUBLIC_ACCESS_BLOCK_TYPES),
    topics=("public-access", "storage"),
)

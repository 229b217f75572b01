"""aws-s3-bucket-customer-managed-key: OFFICIAL-SENSITIVE buckets are encrypted with a
customer-managed KMS key.

Why: with a customer-managed key the council decides who may decrypt (the key policy), can revoke
access to every object at once by disabling the key, and gets a CloudTrail record of each use.
SSE-S3 (AES256) and the AWS-managed `aws/s3` key give none of that. Buckets are judged by their
`data-classification` tag.

A stack policy: the default encryption lives in `aws.s3.BucketServerSideEncryptionConfiguration`
resources (or the deprecated inline block). A key reference that is unknown during a preview comes
from a key of the program and counts as customer-managed; a configuration that is wholly unknown is
not judged until the update.

Message (reported on the bucket), with what is there now:
* `S3 bucket '<name>' holds OFFICIAL-SENSITIVE data but is not encrypted with a customer-managed KMS
  key (default encryption: none)` — or `AES256`, or `aws:kms with the AWS-managed key`
"""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import ReportViolation, StackValidationArgs

from policies.aws import CUSTOMER_MANAGED, key_kind
from policies.aws.s3 import (
    BUCKET_TYPES,
    ENCRYPTION_TYPES,
    UNKNOWN,
    Satellites,
    buckets,
    default_encryption_rules,
    read,
)
from policies.lib import Frameworks, is_sensitive, stack_policy

_KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


def _describe(rule: object) -> str:
    if not isinstance(rule, Mapping):
        return "none"
    algorithm = read(rule, "sseAlgorithm")
    if algorithm in _KMS_ALGORITHMS:
        # Without a customer key, SSE-KMS uses the AWS-managed aws/s3 key.
        return f"{algorithm} with the AWS-managed key"
    return str(algorithm)


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    satellites = Satellites(args.resources)
    for bucket in buckets(args.resources):
        if not is_sensitive(bucket.props):
            continue
        rules = default_encryption_rules(bucket, satellites)
        if UNKNOWN in rules:
            continue
        compliant = [
            r
            for r in rules
            if isinstance(r, Mapping)
            and read(r, "sseAlgorithm") in (*_KMS_ALGORITHMS, UNKNOWN)
            and key_kind(r, "kmsMasterKeyId") == CUSTOMER_MANAGED
        ]
        if compliant:
            continue
        found = ", ".join(dict.fromkeys(_describe(r) for r in rules)) or "none"
        report(
            f"S3 bucket '{bucket.name}' holds OFFICIAL-SENSITIVE data but is not encrypted with a "
            f"customer-managed KMS key (default encryption: {found})",
            bucket.urn,
        )


POLICY, METADATA = stack_policy(
    name="aws-s3-bucket-customer-managed-key",
    description="S3 buckets tagged OFFICIAL-SENSITIVE use SSE-KMS with a customer-managed key.",
    severity="high",
    frameworks=Frameworks(ncsc="2.3", cyber_essentials="Secure configuration", checkov=("CKV_AWS_145",)),
    remediation=(
        "Pass the service's customer-managed key to the module: `BucketArgs(kms_key_arn=key.arn)` "
        "(SSE-KMS with a bucket key). `StaticSite` buckets use SSE-S3 unless `StaticSiteArgs.kms_key_arn` "
        "is given; then the key policy must allow `cloudfront.amazonaws.com` kms:Decrypt for the "
        "distribution. For a bare bucket set `sse_algorithm='aws:kms'` and `kms_master_key_id` to a "
        "key you manage (not `alias/aws/s3`) in its `BucketServerSideEncryptionConfiguration`."
    ),
    clouds=("aws",),
    validate=_validate,
    resource_types=(*BUCKET_TYPES, *ENCRYPTION_TYPES),
    topics=("encryption", "storage", "data-classification"),
)

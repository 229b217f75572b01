"""aws-s3-bucket-server-side-encryption: every S3 bucket has default encryption configured.

Why: council buckets hold case files, forms and exports. S3 has encrypted new objects with SSE-S3 by
default since 2023, but only an explicit configuration records the decision in code, fixes the
algorithm (and key) the council chose, and is what auditors and the CMK policy for
OFFICIAL-SENSITIVE data (`aws-s3-bucket-customer-managed-key`) look at.

A stack policy: in provider v7 the configuration is its own resource
(`aws.s3.BucketServerSideEncryptionConfiguration`, linked by its `bucket` argument); the deprecated
inline `serverSideEncryptionConfiguration` of the bucket also counts. A configuration that is still
unknown during a preview counts as present.

Message (reported on the bucket):
* `S3 bucket '<name>' has no default encryption: no BucketServerSideEncryptionConfiguration refers to it`
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, StackValidationArgs

from policies.aws.s3 import BUCKET_TYPES, ENCRYPTION_TYPES, Satellites, buckets, default_encryption_rules
from policies.lib import Frameworks, stack_policy


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    satellites = Satellites(args.resources)
    for bucket in buckets(args.resources):
        if not default_encryption_rules(bucket, satellites):
            report(
                f"S3 bucket '{bucket.name}' has no default encryption: "
                "no BucketServerSideEncryptionConfiguration refers to it",
                bucket.urn,
            )


POLICY, METADATA = stack_policy(
    name="aws-s3-bucket-server-side-encryption",
    description="Every S3 bucket has a default (server-side) encryption configuration.",
    severity="high",
    frameworks=Frameworks(ncsc="2.3", cyber_essentials="Secure configuration", checkov=("CKV_AWS_19",)),
    remediation=(
        "Create buckets with `modules.aws.bucket.Bucket`, which always adds an "
        "`aws.s3.BucketServerSideEncryptionConfiguration` (SSE-KMS by default; `kms_key_arn` picks the "
        "customer-managed key, `sse_algorithm='AES256'` selects SSE-S3). For a bare `aws.s3.Bucket`, add "
        "`aws.s3.BucketServerSideEncryptionConfiguration(bucket=bucket.id, rules=[...])` with "
        "`apply_server_side_encryption_by_default.sse_algorithm` set to `aws:kms`."
    ),
    clouds=("aws",),
    validate=_validate,
    resource_types=(*BUCKET_TYPES, *ENCRYPTION_TYPES),
    topics=("encryption", "storage"),
)

"""aws-s3-bucket-versioning-production: every production S3 bucket has versioning enabled.

Why: councils must be able to recover records that were overwritten or deleted, by mistake or by
ransomware, for as long as retention schedules require. Versioning keeps every prior version
(`modules.aws.bucket.Bucket` expires noncurrent versions after 90 days). Production is read from the
bucket's `environment` tag.

A stack policy: versioning is the separate `aws.s3.BucketVersioning` resource (status `Enabled`),
linked by its `bucket` argument; the deprecated inline `versioning.enabled` also counts. A status
that is unknown during a preview is judged at the update.

Messages (reported on the bucket):
* `Production S3 bucket '<name>' has no versioning: no BucketVersioning refers to it`
* `Production S3 bucket '<name>' has versioning 'Suspended'; it must be 'Enabled'`
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, StackValidationArgs

from policies.aws.s3 import BUCKET_TYPES, UNKNOWN, VERSIONING_TYPES, Satellites, buckets, read
from policies.lib import Frameworks, is_production, stack_policy


def _validate(args: StackValidationArgs, report: ReportViolation) -> None:
    satellites = Satellites(args.resources)
    for bucket in buckets(args.resources):
        if not is_production(bucket.props):
            continue
        inline = read(bucket.props, "versioning.enabled")
        statuses = [read(v.props, "versioningConfiguration.status") for v in satellites.of(bucket, VERSIONING_TYPES)]
        if inline is True or inline is UNKNOWN or "Enabled" in statuses or UNKNOWN in statuses:
            continue
        if not statuses:
            report(
                f"Production S3 bucket '{bucket.name}' has no versioning: no BucketVersioning refers to it",
                bucket.urn,
            )
        else:
            report(
                f"Production S3 bucket '{bucket.name}' has versioning '{statuses[0]}'; it must be 'Enabled'",
                bucket.urn,
            )


POLICY, METADATA = stack_policy(
    name="aws-s3-bucket-versioning-production",
    description="S3 buckets tagged environment=prod have versioning enabled.",
    severity="medium",
    frameworks=Frameworks(ncsc="2.6", cyber_essentials="Secure configuration", checkov=("CKV_AWS_21",)),
    remediation=(
        "Keep `BucketArgs.versioning=True` (the default of `modules.aws.bucket.Bucket`; in a manifest, "
        "`versioning: true` or `holds_records: true` on the bucket component). For a bare bucket add "
        "`aws.s3.BucketVersioning(bucket=bucket.id, versioning_configuration={'status': 'Enabled'})`."
    ),
    clouds=("aws",),
    validate=_validate,
    resource_types=(*BUCKET_TYPES, *VERSIONING_TYPES),
    topics=("resilience", "storage"),
)

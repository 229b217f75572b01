"""aws-s3-bucket-public-access-block-settings: public access blocks turn on all four settings.

Why: each setting closes a different door. `blockPublicAcls`/`ignorePublicAcls` stop public ACLs
being set and honoured, `blockPublicPolicy`/`restrictPublicBuckets` do the same for bucket policies.
A block with any of them off still lets a single mistaken grant publish council data. Applies to
bucket-level blocks and to the account-level `aws.s3.AccountPublicAccessBlock`.

A setting that is absent defaults to false in S3, so it counts as off.

Message (settings in the S3 order, only those not true):
* `Public access block leaves blockPublicPolicy, restrictPublicBuckets off; all four settings must be true`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.aws.s3 import PUBLIC_ACCESS_BLOCK_SETTINGS, PUBLIC_ACCESS_BLOCK_TYPES
from policies.lib import Frameworks, get, resource_policy


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    off = [s for s in PUBLIC_ACCESS_BLOCK_SETTINGS if get(props, s) is not True]
    if off:
        report(f"Public access block leaves {', '.join(off)} off; all four settings must be true", None)


POLICY, METADATA = resource_policy(
    name="aws-s3-bucket-public-access-block-settings",
    description="S3 public access blocks (bucket and account level) have all four settings turned on.",
    severity="high",
    frameworks=Frameworks(
        ncsc="11",
        cis="CIS AWS Foundations Benchmark v3.0.0 2.1.4",
        cyber_essentials="Access control",
        checkov=("CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"),
    ),
    remediation=(
        "Set `block_public_acls`, `block_public_policy`, `ignore_public_acls` and "
        "`restrict_public_buckets` to True (`modules.aws.bucket.Bucket` always does). Public content "
        "is served through CloudFront with Origin Access Control (`modules.aws.static_site.StaticSite`), "
        "never by opening the bucket."
    ),
    resource_types=(*PUBLIC_ACCESS_BLOCK_TYPES, "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"),
    validate=_validate,
    topics=("public-access", "storage"),
)

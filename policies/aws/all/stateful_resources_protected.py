"""aws-all-stateful-resources-protected: production stateful resources carry Pulumi's `protect`
option.

Why: buckets, databases, file systems, tables and KMS keys hold (or unlock) a council's records.
Pulumi deletes a resource when it leaves the program, when a stack is destroyed, or when a changed
argument forces a replacement; `protect` makes it refuse all of these until the option is removed
in a reviewed change. A deleted KMS key makes everything it encrypted unreadable. Production is read
from the `environment` tag.

Types: `aws.s3.Bucket` (and `BucketV2`), `aws.rds.Instance`, `aws.rds.Cluster`, `aws.dynamodb.Table`,
`aws.efs.FileSystem`, `aws.kms.Key`.

Message:
* `Production aws:s3/bucket:Bucket is not protected: set the protect resource option so that Pulumi never deletes it`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies.lib import Frameworks, is_production, resource_policy

STATEFUL_TYPES: Final = (
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:dynamodb/table:Table",
    "aws:efs/fileSystem:FileSystem",
    "aws:kms/key:Key",
)


def _validate(props: Mapping[str, Any], args: ResourceValidationArgs, report: ReportViolation) -> None:
    if is_production(props) and not args.opts.protect:
        report(
            f"Production {args.resource_type} is not protected: set the protect resource option so that "
            "Pulumi never deletes it",
            None,
        )


POLICY, METADATA = resource_policy(
    name="aws-all-stateful-resources-protected",
    description="Stateful resources (buckets, databases, tables, file systems, KMS keys) in production are protected.",
    severity="high",
    frameworks=Frameworks(ncsc="5.1", cyber_essentials="Secure configuration"),
    remediation=(
        "Pass `lock=True` to the module (`BucketArgs`, `DatabaseArgs`, `StaticSiteArgs`, `SpokeVpcArgs`; "
        "service stacks lock production automatically), which sets `protect` and `retain_on_delete`. "
        "For other resources use `opts=pulumi.ResourceOptions(protect=True, retain_on_delete=True)`."
    ),
    resource_types=STATEFUL_TYPES,
    validate=_validate,
    topics=("resilience",),
)

"""`CostReportExport`: a CUR 2.0 Data Export (daily, with resource ids, parquet) into S3.

Children (logical names `<name>-<suffix>`, parented to the component):

| suffix   | resource                                                          | when   |
|----------|-------------------------------------------------------------------|--------|
| `export` | `aws.bcmdata.Export` (`COST_AND_USAGE_REPORT`, parquet, overwrite) | always |

The export selects `CUR_COLUMNS`, a superset of every column `lz report cost --source aws-cur`
reads (`lz.reports.cost.cur`), from the CUR 2.0 table with resource ids and daily granularity.
Data Exports writes to `s3://<bucket>/<prefix>/<export name>/data/BILLING_PERIOD=YYYY-MM/*.parquet`
(and a manifest under `.../metadata/`); with `OVERWRITE_REPORT` each refresh replaces the files of
its billing period rather than adding versions, so summing every file counts each line once.
`cur_uri` is the glob to hand to `lz report cost --cur`.

Where the bucket must be: the Data Exports API takes an optional `S3BucketOwner` for delivery to a
bucket in another account (AWS Data Exports User Guide, "Setting up an Amazon S3 bucket for data
exports"); without it, Data Exports requires the creating account to own the bucket. The installed
provider (pulumi_aws 7.x, bridged from terraform-provider-aws) does not expose `S3BucketOwner` yet
(hashicorp/terraform-provider-aws issues #47613 and #49892), so the destination must be owned by the
account that creates the export. To land the files in another account (the log archive), deliver to
a `CostReportStaging` bucket in the export's account, which replicates every object, under the same
keys, to the final bucket (`modules/aws/cost_report_staging.py`). The delivery bucket's policy must
let `bcm-data-exports.amazonaws.com` put objects, scoped to the source account's exports:
`data_exports_bucket_policy_statement` gives that statement (`CostReportStaging` includes it).
Data Exports is served from us-east-1: give a `provider` there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import pulumi
import pulumi_aws as aws

from lz.tags import check_tags

TYPE_TOKEN: Final = "lz:aws:CostReportExport"

TABLE: Final = "COST_AND_USAGE_REPORT"
DATA_EXPORTS_SERVICE: Final = "bcm-data-exports.amazonaws.com"

#: CUR 2.0 columns exported: what `lz report cost` reads (`lz.reports.cost.cur`) plus the line
#: item identity, billing period, payer, resource id, usage type and region that auditors need to
#: trace a figure back to a resource. Names from the AWS Data Exports CUR 2.0 table dictionary.
CUR_COLUMNS: Final[tuple[str, ...]] = (
    "identity_line_item_id",
    "identity_time_interval",
    "bill_billing_period_start_date",
    "bill_payer_account_id",
    "line_item_usage_start_date",
    "line_item_usage_end_date",
    "line_item_usage_account_id",
    "line_item_product_code",
    "line_item_usage_type",
    "line_item_resource_id",
    "line_item_currency_code",
    "line_item_line_item_type",
    "line_item_unblended_cost",
    "product_region_code",
    "resource_tags",
    "savings_plan_savings_plan_effective_cost",
    "savings_plan_total_commitment_to_date",
    "savings_plan_used_commitment",
    "reservation_effective_cost",
    "reservation_unused_amortized_upfront_fee_for_billing_period",
    "reservation_unused_recurring_fee",
    "reservation_reservation_a_r_n",
)

_COLUMN: Final = re.compile(r"[a-z][a-z0-9_]*")
_EXPORT_NAME: Final = re.compile(r"[0-9A-Za-z!\-_.*'()]{1,128}")
_PREFIX: Final = re.compile(r"[0-9A-Za-z!\-_.*'()/]{1,512}")
_BILLING_VIEW: Final = re.compile(r"arn:aws[a-z-]*:billing::\d{12}:billingview/[A-Za-z0-9_:+=.@-]+")
_REGION: Final = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")


@dataclass(frozen=True, kw_only=True)
class CostReportExportArgs:
    """Inputs of `CostReportExport`."""

    export_name: str
    """Required. Name of the export, unique in the account; also the S3 folder under `prefix`."""
    bucket_name: pulumi.Input[str]
    """Required. NAME of the destination bucket (see the module docs on who must own it)."""
    bucket_region: str
    """Required. Region of the destination bucket."""
    billing_view_arn: pulumi.Input[str]
    """Required. Billing view the export reads, `arn:aws:billing::<payer>:billingview/primary` for the
    payer account's whole-organisation view (the provider requires it with table configurations)."""
    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included."""
    prefix: str = "cur2"
    """Optional. Key prefix in the bucket, without leading or trailing `/`."""
    columns: Sequence[str] = CUR_COLUMNS
    """Optional. CUR 2.0 columns to select; default `CUR_COLUMNS`."""
    lock: bool = True
    """Optional. Protect the export (`protect`, `retain_on_delete`): auditors depend on it."""


def validate_cost_report_export_args(args: CostReportExportArgs) -> list[str]:
    """Every problem with `args`, in field order; empty when a `CostReportExport` can be built."""
    problems: list[str] = []
    if _EXPORT_NAME.fullmatch(args.export_name) is None:
        problems.append(f"export_name {args.export_name!r} must be 1-128 letters, digits or !-_.*'()")
    if isinstance(args.bucket_name, str) and not args.bucket_name:
        problems.append("bucket_name must not be empty")
    if _REGION.fullmatch(args.bucket_region) is None:
        problems.append(f"bucket_region {args.bucket_region!r} is not an AWS region")
    if isinstance(args.billing_view_arn, str) and _BILLING_VIEW.fullmatch(args.billing_view_arn) is None:
        problems.append(f"billing_view_arn must be a billing view ARN, got {args.billing_view_arn!r}")
    problems += [f"tags: {p}" for p in check_tags(args.tags)]
    if (_PREFIX.fullmatch(args.prefix) is None or args.prefix.startswith("/") or args.prefix.endswith("/")
            or "//" in args.prefix):
        problems.append(f"prefix {args.prefix!r} must be an S3 key prefix without leading or trailing '/'")
    if not args.columns:
        problems.append("columns must select at least one column")
    bad = [c for c in args.columns if _COLUMN.fullmatch(c) is None]
    if bad:
        problems.append(f"columns: {bad} are not CUR 2.0 column names")
    dupes = sorted({c for c in args.columns if list(args.columns).count(c) > 1})
    if dupes:
        problems.append(f"columns: {dupes} appear more than once")
    return problems


def export_query(columns: Sequence[str]) -> str:
    """The export's SQL: the columns, in order, from the CUR 2.0 table."""
    return f"SELECT {', '.join(columns)} FROM {TABLE}"


def table_configuration(billing_view_arn: pulumi.Input[str]) -> dict[str, pulumi.Input[str]]:
    """CUR 2.0 table settings: daily lines with resource ids; the provider wants every key set."""
    return {
        "BILLING_VIEW_ARN": billing_view_arn,
        "INCLUDE_RESOURCES": "TRUE",
        "INCLUDE_MANUAL_DISCOUNT_COMPATIBILITY": "FALSE",
        "INCLUDE_SPLIT_COST_ALLOCATION_DATA": "FALSE",
        "TIME_GRANULARITY": "DAILY",
    }


def cur_uri(bucket_name: str, prefix: str, export_name: str) -> str:
    """Where Data Exports puts the parquet files, as a glob for `lz report cost --cur`."""
    return f"s3://{bucket_name}/{prefix}/{export_name}/data/BILLING_PERIOD=*/*.parquet"


def data_exports_bucket_policy_statement(bucket_arn: str, source_account_id: str) -> dict[str, Any]:
    """The statement the destination bucket's policy needs (AWS Data Exports User Guide): Data
    Exports may put objects only for exports of `source_account_id`, and read the bucket policy."""
    return {
        "Sid": "AllowDataExportsDelivery",
        "Effect": "Allow",
        "Principal": {"Service": DATA_EXPORTS_SERVICE},
        "Action": ["s3:PutObject", "s3:GetBucketPolicy"],
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {
            "StringLike": {
                "aws:SourceAccount": source_account_id,
                "aws:SourceArn": f"arn:aws:bcm-data-exports:us-east-1:{source_account_id}:export/*",
            }
        },
    }


class CostReportExport(pulumi.ComponentResource):
    """The CUR 2.0 export `lz report cost --source aws-cur` reads."""

    arn: pulumi.Output[str]
    """ARN of the export."""
    cur_uri: pulumi.Output[str]
    """`s3://.../data/BILLING_PERIOD=*/*.parquet`, the `--cur` argument of `lz report cost`."""

    def __init__(self, name: str, args: CostReportExportArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_cost_report_export_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        keep = (pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True) if args.lock
                else pulumi.ResourceOptions(parent=self))
        export = aws.bcmdata.Export(
            f"{name}-export",
            export=aws.bcmdata.ExportExportArgs(
                name=args.export_name,
                description="CUR 2.0 for lz report cost: daily, with resource ids and cost allocation tags",
                data_queries=[
                    aws.bcmdata.ExportExportDataQueryArgs(
                        query_statement=export_query(args.columns),
                        table_configurations={TABLE: table_configuration(args.billing_view_arn)},
                    )
                ],
                destination_configurations=[
                    aws.bcmdata.ExportExportDestinationConfigurationArgs(
                        s3_destinations=[
                            aws.bcmdata.ExportExportDestinationConfigurationS3DestinationArgs(
                                s3_bucket=args.bucket_name,
                                s3_prefix=args.prefix,
                                s3_region=args.bucket_region,
                                s3_output_configurations=[
                                    aws.bcmdata.ExportExportDestinationConfigurationS3DestinationS3OutputConfigurationArgs(
                                        format="PARQUET",
                                        compression="PARQUET",
                                        output_type="CUSTOM",
                                        overwrite="OVERWRITE_REPORT",
                                    )
                                ],
                            )
                        ]
                    )
                ],
                refresh_cadences=[aws.bcmdata.ExportExportRefreshCadenceArgs(frequency="SYNCHRONOUS")],
            ),
            tags=dict(args.tags),
            opts=keep,
        )
        self.arn = export.arn
        self.cur_uri = pulumi.Output.from_input(args.bucket_name).apply(
            lambda bucket: cur_uri(bucket, args.prefix, args.export_name)
        )
        self.register_outputs({"arn": self.arn, "cur_uri": self.cur_uri})

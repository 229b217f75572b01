"""`CostReportExport` under the offline planner, and the export's columns against `lz report cost`."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from lz.plan import StackPlan
from lz.reports.cost.cur import CurTable, build_cur_sql
from modules.aws.cost_report_export import (
    CUR_COLUMNS,
    TYPE_TOKEN,
    CostReportExport,
    CostReportExportArgs,
    cur_uri,
    data_exports_bucket_policy_statement,
    export_query,
    validate_cost_report_export_args,
)
from tests.modules.aws.component_helpers import PLATFORM_TAGS as TAGS
from tests.modules.aws.component_helpers import assert_exact_children, plan_component

VIEW = "arn:aws:billing::111122223333:billingview/primary"
EXPORT = "aws:bcmdata/export:Export"


def args(**changes: Any) -> CostReportExportArgs:
    base: dict[str, Any] = {"export_name": "ebc-cur2", "bucket_name": "ebc-shared-euw2-s3-cost-reports",
                            "bucket_region": "eu-west-2", "billing_view_arn": VIEW, "tags": TAGS}
    base.update(changes)
    return CostReportExportArgs(**base)


def plan_export(a: CostReportExportArgs) -> StackPlan:
    return plan_component(lambda: CostReportExport("cur", a), "arn", "cur_uri")


@pytest.fixture(scope="module")
def plan() -> StackPlan:
    return plan_export(args())


def test_one_protected_tagged_export(plan: StackPlan) -> None:
    assert_exact_children(plan, TYPE_TOKEN, "cur", {(EXPORT, "cur-export")})
    export = plan.one(EXPORT, "cur-export")
    assert export.inputs["tags"] == TAGS
    assert export.options["protect"] is True and export.options["retain_on_delete"] is True
    assert plan.outputs["arn"] == export.outputs["arn"]


def test_unlocked_export_is_not_protected() -> None:
    assert not plan_export(args(lock=False)).one(EXPORT).options.get("protect")


def test_cur2_daily_with_resources(plan: StackPlan) -> None:
    export = plan.one(EXPORT).inputs["export"]
    assert export["name"] == "ebc-cur2"
    [query] = export["dataQueries"]
    assert query["queryStatement"] == export_query(CUR_COLUMNS)
    assert query["tableConfigurations"] == {
        "COST_AND_USAGE_REPORT": {
            "BILLING_VIEW_ARN": VIEW,
            "INCLUDE_RESOURCES": "TRUE",
            "INCLUDE_MANUAL_DISCOUNT_COMPATIBILITY": "FALSE",
            "INCLUDE_SPLIT_COST_ALLOCATION_DATA": "FALSE",
            "TIME_GRANULARITY": "DAILY",
        }
    }
    assert export["refreshCadences"] == [{"frequency": "SYNCHRONOUS"}]


def test_parquet_overwrite_to_the_bucket(plan: StackPlan) -> None:
    [destination] = plan.one(EXPORT).inputs["export"]["destinationConfigurations"]
    assert destination["s3Destinations"] == [
        {
            "s3Bucket": "ebc-shared-euw2-s3-cost-reports",
            "s3Prefix": "cur2",
            "s3Region": "eu-west-2",
            "s3OutputConfigurations": [
                {"format": "PARQUET", "compression": "PARQUET", "outputType": "CUSTOM", "overwrite": "OVERWRITE_REPORT"}
            ],
        }
    ]
    assert plan.outputs["cur_uri"] == "s3://ebc-shared-euw2-s3-cost-reports/cur2/ebc-cur2/data/BILLING_PERIOD=*/*.parquet"


def test_export_query() -> None:
    assert export_query(["a_b", "c"]) == "SELECT a_b, c FROM COST_AND_USAGE_REPORT"


def test_cur_uri() -> None:
    assert cur_uri("b", "p/q", "e") == "s3://b/p/q/e/data/BILLING_PERIOD=*/*.parquet"


#: Column groups of the CUR 2.0 table dictionary; SQL aliases and functions never start with them.
_CUR_COLUMN = re.compile(
    r"\b(?:resource_tags|(?:identity|bill|line_item|pricing|product|reservation|savings_plan|discount|"
    r"split_line_item)_[a-z0-9_]+)\b"
)


def columns_lz_report_cost_reads() -> set[str]:
    """Derived from the SQL `lz report cost` really runs, for both metrics, with a tag column."""
    found: set[str] = set()
    for metric in ("amortised", "unblended"):
        sql = build_cur_sql(CurTable(), start=date(2025, 1, 1), end=date(2025, 2, 1), metric=metric,
                            tag_keys=["cost-centre"])
        # Drop output aliases (`AS product_code`) and casts (`AS DECIMAL`): only input columns remain.
        found |= set(_CUR_COLUMN.findall(re.sub(r"\bAS\s+[A-Za-z_][A-Za-z0-9_]*", "", sql)))
    return found


def test_export_has_every_column_lz_report_cost_reads() -> None:
    needed = columns_lz_report_cost_reads()
    assert {"line_item_usage_start_date", "resource_tags", "line_item_unblended_cost",
            "reservation_reservation_a_r_n"} <= needed  # the derivation itself works
    assert needed <= set(CUR_COLUMNS), sorted(needed - set(CUR_COLUMNS))


def test_bucket_policy_statement() -> None:
    statement = data_exports_bucket_policy_statement("arn:aws:s3:::b", "111122223333")
    assert statement["Principal"] == {"Service": "bcm-data-exports.amazonaws.com"}
    assert statement["Action"] == ["s3:PutObject", "s3:GetBucketPolicy"]
    assert statement["Resource"] == ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]
    assert statement["Condition"] == {"StringLike": {
        "aws:SourceAccount": "111122223333",
        "aws:SourceArn": "arn:aws:bcm-data-exports:us-east-1:111122223333:export/*",
    }}


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ({}, []),
        ({"export_name": "bad name"}, ["export_name 'bad name' must be 1-128 letters, digits or !-_.*'()"]),
        ({"bucket_name": ""}, ["bucket_name must not be empty"]),
        ({"bucket_region": "london"}, ["bucket_region 'london' is not an AWS region"]),
        ({"billing_view_arn": "arn:aws:s3:::x"}, ["billing_view_arn must be a billing view ARN, got 'arn:aws:s3:::x'"]),
        ({"prefix": "/cur2/"}, ["prefix '/cur2/' must be an S3 key prefix without leading or trailing '/'"]),
        ({"columns": []}, ["columns must select at least one column"]),
        ({"columns": ["Bad Column"]}, ["columns: ['Bad Column'] are not CUR 2.0 column names"]),
        ({"columns": ["a", "a"]}, ["columns: ['a'] appear more than once"]),
    ],
)
def test_validation(changes: dict[str, Any], problems: list[str]) -> None:
    assert validate_cost_report_export_args(args(**changes)) == problems


def test_invalid_args_raise_before_anything_is_created() -> None:
    with pytest.raises(Exception, match=r"bucket_region 'london'.*columns must select"):
        plan_export(args(bucket_region="london", columns=[]))

"""CUR 2.0 source: the generated SQL on DuckDB (local files, s3:// via moto server) and Athena (moto)."""

from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pyarrow.parquet as pq
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from lz.problems import InputError
from lz.reports.cost.cur import (
    AthenaOptions,
    CurTable,
    build_cur_sql,
    cur_tag_map_key,
    duckdb_s3_secret_sql,
    expand_cur_paths,
    read_cur,
    run_athena,
)
from lz.reports.cost.report import MISTAGGED_LABEL, UNTAGGED_LABEL, build_cost_report
from lz.reports.cost.sample import expected_totals, sample_line_items, table_from_rows

D = Decimal
START, END = date(2025, 1, 1), date(2025, 3, 1)
IN_PROCESS = "http://motoapi.amazonaws.com"


def item(
    month: str, cost: float, *, kind: str = "Usage", tags: dict[str, str] | None = None, **extra: Any
) -> dict[str, Any]:
    when = datetime(2025, int(month[5:]), 3, 10)
    return {
        "bill_billing_period_start_date": when.replace(day=1, hour=0),
        "line_item_usage_start_date": when,
        "line_item_usage_account_id": extra.pop("account", "111111111111"),
        "line_item_product_code": extra.pop("product", "AmazonEC2"),
        "line_item_line_item_type": kind,
        "line_item_currency_code": "USD",
        "line_item_unblended_cost": cost,
        "reservation_reservation_a_r_n": extra.pop("ri_arn", ""),
        "resource_tags": {cur_tag_map_key(k): v for k, v in (tags or {}).items()},
        **extra,
    }


#: Hand-checked line items. Amortised per cost-centre:
#:   CC-1001: 2025-01 100.1234 + 40.0000 (SP effective, not 55.5) = 140.1234; 2025-02 210.0000
#:   CC-1002: 2025-01 30.0000 (RI effective, not 0) ; 2025-02 12.5000 (RI fee unused part) + 0 (upfront Fee)
#:   untagged: 2025-01 9.9999 ; 2025-02 20.0001 ; mis-tagged data-classification SECRET on CC-1001's Feb item
ITEMS = [
    item("2025-01", 100.1234, tags={"cost-centre": "CC-1001", "data-classification": "OFFICIAL"}),
    item(
        "2025-01",
        55.5,
        kind="SavingsPlanCoveredUsage",
        tags={"cost-centre": "CC-1001", "data-classification": "OFFICIAL"},
        savings_plan_savings_plan_effective_cost=40.0,
    ),
    item("2025-01", -55.5, kind="SavingsPlanNegation", tags={"cost-centre": "CC-1001"}),
    item("2025-02", 210.0, tags={"cost-centre": "CC-1001", "data-classification": "SECRET"}, product="AmazonS3"),
    item(
        "2025-01",
        0.0,
        kind="DiscountedUsage",
        tags={"cost-centre": "CC-1002", "data-classification": "OFFICIAL-SENSITIVE"},
        reservation_effective_cost=30.0,
        account="222222222222",
    ),
    item(
        "2025-02",
        25.0,
        kind="RIFee",
        tags={"cost-centre": "CC-1002"},
        reservation_unused_amortized_upfront_fee_for_billing_period=10.0,
        reservation_unused_recurring_fee=2.5,
        account="222222222222",
    ),
    item("2025-02", 300.0, kind="Fee", tags={"cost-centre": "CC-1002"}, ri_arn="arn:aws:ec2:eu-west-2:2:ri/x"),
    item("2025-01", 9.9999),
    item("2025-02", 20.0001, tags={"environment": "prod"}),
    item("2025-03", 1000.0, tags={"cost-centre": "CC-1001"}),  # outside the period
]
AMORTISED = {"CC-1001": D("350.1234"), "CC-1002": D("42.5"), "": D("30.0000")}
UNBLENDED_TOTAL = (
    D("100.1234") + D("55.5") - D("55.5") + D("210") + D("0") + D("25") + D("300") + D("9.9999") + D("20.0001")
)


@pytest.fixture
def cur_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "cur" / "BILLING_PERIOD=2025-01"
    folder.mkdir(parents=True)
    pq.write_table(table_from_rows(ITEMS[:5]), folder / "part-0.parquet")
    pq.write_table(table_from_rows(ITEMS[5:]), folder / "part-1.parquet")
    return tmp_path / "cur"


def test_amortised_totals_per_tag_value_are_exact(cur_dir: Path) -> None:
    result = read_cur(paths=[str(cur_dir)], start=START, end=END, group_by=["cost-centre", "data-classification"])
    assert result.gaps == []
    report = build_cost_report(result.rows, group_by=["cost-centre", "data-classification"])
    section = report.section("USD")
    assert section.total == sum(AMORTISED.values()) == sum((r.amount for r in result.rows), D(0))
    cost_centre = section.breakdown("cost-centre")
    assert cost_centre.line("CC-1001").by_month == {"2025-01": D("140.1234"), "2025-02": D("210")}
    assert cost_centre.line("CC-1002").by_month == {"2025-01": D("30"), "2025-02": D("12.5")}
    assert cost_centre.line(UNTAGGED_LABEL).total == D("30")
    assert cost_centre.line(UNTAGGED_LABEL).share == (D("30") / D("422.6234")).quantize(D("0.000001"))
    classification = section.breakdown("data-classification")
    assert classification.line(MISTAGGED_LABEL).total == D("210")
    assert classification.mistagged_values[0].value == "SECRET"


def test_unblended_sums_every_line_item(cur_dir: Path) -> None:
    result = read_cur(paths=[str(cur_dir)], start=START, end=END, group_by=["cost-centre"], metric="unblended")
    assert sum((r.amount for r in result.rows), D(0)) == UNBLENDED_TOTAL


def test_generated_sample_reconciles_with_a_row_by_row_sum(tmp_path: Path) -> None:
    table = sample_line_items(5000, months=("2025-01", "2025-02"))
    pq.write_table(table, tmp_path / "sample.parquet")
    result = read_cur(paths=[str(tmp_path / "*.parquet")], start=START, end=END, group_by=["environment", "account"])
    report = build_cost_report(result.rows, group_by=["environment", "account"])
    expected = expected_totals(table, "environment")
    environment = report.section("USD").breakdown("environment")
    assert report.section("USD").total == sum(expected.values())
    assert environment.line("prod").total == sum(v for (_m, tag), v in expected.items() if tag == "prod")
    assert environment.line(UNTAGGED_LABEL).total == sum(v for (_m, tag), v in expected.items() if tag == "")
    assert environment.line(MISTAGGED_LABEL).total == sum(v for (_m, tag), v in expected.items() if tag == "Prod")


def test_an_unreadable_file_is_a_gap_naming_it_and_the_rest_is_read(cur_dir: Path) -> None:
    broken = cur_dir / "BILLING_PERIOD=2025-01" / "part-2.parquet"
    broken.write_bytes(b"PAR1 this is not parquet")
    result = read_cur(paths=[str(cur_dir)], start=START, end=END, group_by=["cost-centre"])
    assert len(result.gaps) == 1 and "part-2.parquet" in result.gaps[0] and "1 of 3" in result.gaps[0]
    assert sum((r.amount for r in result.rows), D(0)) == sum(AMORTISED.values())


def test_missing_paths_are_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        expand_cur_paths([str(tmp_path / "nope")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no parquet files"):
        expand_cur_paths([str(tmp_path / "empty")])


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("cost-centre", "user_cost_centre"),
        ("data-classification", "user_data_classification"),
        ("managed-by", "user_managed_by"),
        ("Owner", "user_owner"),
        ("app:tier.1", "user_app_tier_1"),
    ],
)
def test_cur_tag_map_key(key: str, expected: str) -> None:
    assert cur_tag_map_key(key) == expected


def test_secret_for_a_local_endpoint_uses_path_style_without_tls() -> None:
    sql = duckdb_s3_secret_sql(
        key_id="AKIA", secret="s'cret", session_token="tok", region="eu-west-2", endpoint_url="http://127.0.0.1:5123"
    )
    assert "ENDPOINT '127.0.0.1:5123'" in sql and "URL_STYLE 'path'" in sql and "USE_SSL false" in sql
    assert "SECRET 's''cret'" in sql and "SESSION_TOKEN 'tok'" in sql
    aws = duckdb_s3_secret_sql(
        key_id="AKIA",
        secret="x",
        session_token=None,
        region="eu-west-2",
        endpoint_url="https://s3.eu-west-2.amazonaws.com",
    )
    assert "ENDPOINT" not in aws and "SESSION_TOKEN" not in aws


def test_s3_uris_are_read_through_aws_endpoint_url(moto_server: str, tmp_path: Path) -> None:
    s3 = boto3.client("s3", region_name="eu-west-2")
    s3.create_bucket(Bucket="council-cur", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    for index, chunk in enumerate((ITEMS[:5], ITEMS[5:])):
        path = tmp_path / f"part-{index}.parquet"
        pq.write_table(table_from_rows(chunk), path)
        s3.upload_file(str(path), "council-cur", f"cur2/data/BILLING_PERIOD=2025-01/part-{index}.parquet")
    s3.put_object(Bucket="council-cur", Key="cur2/metadata/manifest.json", Body=b"{}")
    result = read_cur(paths=["s3://council-cur/cur2/data/"], start=START, end=END, group_by=["cost-centre"])
    assert result.gaps == []
    assert sum((r.amount for r in result.rows), D(0)) == sum(AMORTISED.values())
    globbed = read_cur(
        paths=["s3://council-cur/cur2/data/*/part-1.parquet"], start=START, end=END, group_by=["cost-centre"]
    )
    assert sum((r.amount for r in globbed.rows), D(0)) == D("12.5") + D("9.9999") + D("20.0001")


def athena_payload(region: str, rows: list[list[str | None]]) -> dict[str, Any]:
    names = ["usage_month", "account_id", "product_code", "currency", "tag_0", "amount"]
    header = {"Data": [{"VarCharValue": n} for n in names]}
    data = [{"Data": [{"VarCharValue": v} if v is not None else {} for v in r]} for r in rows]
    columns = [{"Name": n, "Label": n, "Type": "varchar"} for n in names]
    return {"region": region, "results": [{"rows": [header, *data], "column_info": columns}]}


ATHENA_ROWS: list[list[str | None]] = [
    ["2025-01", "111111111111", "AmazonEC2", "USD", "CC-1001", "140.1234000000"],
    ["2025-01", "222222222222", "AmazonEC2", "USD", "CC-1002", "30.0000000000"],
    ["2025-01", "111111111111", "AmazonEC2", "USD", "", "9.9999000000"],
    ["2025-02", "111111111111", "AmazonS3", "USD", "CC-1001", "210.0000000000"],
    ["2025-02", "222222222222", "AmazonEC2", "USD", "CC-1002", "12.5000000000"],
    ["2025-02", "111111111111", "AmazonEC2", "USD", "CC-1002", "0.0000000000"],  # the RI upfront Fee, amortised away
    ["2025-02", "111111111111", "AmazonEC2", "USD", None, "20.0001000000"],
]


def test_athena_runs_the_same_sql_text_and_reads_every_row(seed_moto: Any, cur_dir: Path) -> None:
    table = CurTable(database="data_export", table="cur2")
    with mock_aws():
        seed_moto(IN_PROCESS, "athena", athena_payload("eu-west-2", ATHENA_ROWS))
        client = boto3.client("athena", region_name="eu-west-2")
        result = read_cur(
            start=START,
            end=END,
            group_by=["cost-centre"],
            engine="athena",
            table=table,
            athena=AthenaOptions(output="s3://athena-results/lz/", poll_interval=0),
            client=client,
            sleep=lambda _s: None,
        )
        executions = client.list_query_executions()["QueryExecutionIds"]
        sent = client.get_query_execution(QueryExecutionId=executions[0])["QueryExecution"]
    assert result.gaps == []
    sql = build_cur_sql(table, start=START, end=END, metric="amortised", tag_keys=["cost-centre"])
    assert sent["Query"] == sql
    assert sent["QueryExecutionContext"]["Database"] == "data_export"
    athena_total = sum((r.amount for r in result.rows), D(0))
    duckdb_rows = read_cur(paths=[str(cur_dir)], start=START, end=END, group_by=["cost-centre"]).rows
    assert athena_total == sum((r.amount for r in duckdb_rows), D(0)) == sum(AMORTISED.values())
    assert {(r.month, r.tags["cost-centre"], r.amount) for r in result.rows} == {
        (r.month, r.tags["cost-centre"], r.amount) for r in duckdb_rows
    }


class PagedAthena:
    """Wraps an Athena client so get_query_results returns ``size`` rows per page with NextToken."""

    def __init__(self, client: Any, size: int) -> None:
        self._client = client
        self._size = size
        self.pages = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def get_query_results(self, **kwargs: Any) -> Any:
        full = self._client.get_query_results(QueryExecutionId=kwargs["QueryExecutionId"])
        rows = full["ResultSet"]["Rows"]
        offset = int(kwargs.get("NextToken") or 0)
        page = dict(full)
        page["ResultSet"] = {**full["ResultSet"], "Rows": rows[offset : offset + self._size]}
        if offset + self._size < len(rows):
            page["NextToken"] = str(offset + self._size)
        self.pages += 1
        return page


def test_athena_results_are_read_across_pages(seed_moto: Any) -> None:
    with mock_aws():
        seed_moto(IN_PROCESS, "athena", athena_payload("eu-west-2", ATHENA_ROWS))
        client = PagedAthena(boto3.client("athena", region_name="eu-west-2"), size=2)
        records = run_athena(
            "SELECT 1", table=CurTable(), options=AthenaOptions(poll_interval=0), client=client, sleep=lambda _s: None
        )
    assert client.pages == 4  # header + 7 rows, 2 per page
    assert len(records) == len(ATHENA_ROWS) and records[0][4] == "CC-1001" and records[-1][4] is None


def test_a_failed_athena_query_is_a_gap() -> None:
    client = boto3.client("athena", region_name="eu-west-2")
    with Stubber(client) as stub:
        stub.add_client_error("start_query_execution", "ThrottlingException", "slow down", 400)
        stub.add_response("start_query_execution", {"QueryExecutionId": "q-1"})
        stub.add_response("get_query_execution", {"QueryExecution": {"Status": {"State": "RUNNING"}}})
        stub.add_response(
            "get_query_execution",
            {"QueryExecution": {"Status": {"State": "FAILED", "StateChangeReason": "COLUMN_NOT_FOUND: resource_tags"}}},
        )
        slept: list[float] = []
        result = read_cur(
            start=START,
            end=END,
            group_by=["cost-centre"],
            engine="athena",
            athena=AthenaOptions(poll_interval=2),
            client=client,
            sleep=slept.append,
        )
    assert slept == [0.5, 2]  # one backoff after throttling, one poll interval
    assert result.rows == [] and "FAILED: COLUMN_NOT_FOUND: resource_tags" in result.gaps[0]


def test_expired_credentials_in_athena_are_flagged() -> None:
    client = boto3.client("athena", region_name="eu-west-2")
    with Stubber(client) as stub:
        stub.add_client_error("start_query_execution", "ExpiredTokenException", "expired", 400)
        result = read_cur(start=START, end=END, group_by=["cost-centre"], engine="athena", client=client)
    assert result.credentials_expired and "CREDENTIALS EXPIRED" in result.gaps[0]


def test_sql_uses_only_shared_constructs() -> None:
    sql = build_cur_sql(CurTable(), start=START, end=END, metric="amortised", tag_keys=["cost-centre", "owner"])
    assert 'FROM "data_export"."cur2"' in sql
    assert "contains(map_keys(resource_tags), 'user_owner')" in sql
    assert "element_at" not in sql and "strftime" not in sql and "date_format" not in sql
    assert "GROUP BY 1, 2, 3, 4, 5, 6" in sql
    with pytest.raises(InputError):
        CurTable(database="data-export")
    partial = functools.partial(build_cur_sql, CurTable(), start=START, end=END, tag_keys=[])
    with pytest.raises(ValueError, match="metric"):
        partial(metric="blended")

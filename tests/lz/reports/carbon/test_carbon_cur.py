"""Carbon from CUR 2.0 rows: generated rows in memory, and Parquet/CSV exports read with DuckDB."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from carbon_expect import storage_gb_months, t4g_small_hours

from lz.estimate.carbon import load_coefficients
from lz.reports.carbon.report import build_report
from lz.reports.carbon.usage import CurReadError, load_cur_rows, read_cur_file

COEFFS = load_coefficients()
DIMENSIONS = ["cost-centre", "service"]


def row(usage_type: str, amount: float, product: str, tags: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "line_item_usage_type": usage_type,
        "line_item_usage_amount": amount,
        "line_item_product_code": product,
        "product_region_code": "eu-west-2",
        "resource_tags": tags,
        "line_item_line_item_type": "Usage",
        "line_item_usage_start_date": datetime(2026, 10, 3),
        **extra,
    }


def on(day: int) -> dict[str, Any]:
    return {"line_item_usage_start_date": datetime(2026, 10, day)}


def generated_rows() -> list[dict[str, Any]]:
    """A month of a small estate: two databases, a bucket, keys; tags as CUR 2.0 writes them."""
    rows = []
    for day in range(1, 31):  # daily line items, as CUR has them
        rows += [
            row("EUW2-InstanceUsage:db.t4g.small", 24, "AmazonRDS", {"user_cost_centre": "CC-1001"}, **on(day)),
            row("EUW2-InstanceUsage:db.t4g.small", 24, "AmazonRDS", {"user_cost_centre": "CC-2002"}, **on(day)),
            row("EUW2-RDS:GP3-Storage", 20 / 30, "AmazonRDS", {"user_cost_centre": "CC-1001"}, **on(day)),
        ]
    rows += [
        row("EUW2-TimedStorage-ByteHrs", 250, "AmazonS3", {"user_cost_centre": "CC-1001"}),
        row("EUW2-TimedStorage-ByteHrs", 50, "AmazonS3", {}),
        row("eu-west-2-KMS-Keys", 2, "awskms", {"user_cost_centre": "CC-2002"}),
        row("EUW2-Requests-Tier1", 120_000, "AmazonS3", {"user_cost_centre": "CC-1001"}),
        # Not usage: a tax line and a credit are skipped.
        row("EUW2-InstanceUsage:db.t4g.small", 999, "AmazonRDS", {}, line_item_line_item_type="Tax"),
        row("EUW2-InstanceUsage:db.t4g.small", 999, "AmazonRDS", {}, line_item_line_item_type="Credit"),
    ]
    return rows


EXPECTED = {
    "CC-1001": t4g_small_hours(720) + storage_gb_months(20, "ssd", "default") + storage_gb_months(250, "hdd", "s3"),
    "CC-2002": t4g_small_hours(720),
    "": storage_gb_months(50, "hdd", "s3"),
}


def test_generated_rows_by_tag_recomputed_by_hand() -> None:
    data = load_cur_rows(generated_rows(), dimensions=DIMENSIONS)
    report = build_report(data, COEFFS, DIMENSIONS)
    assert {g.value: g.total_kgco2e for g in report.groups["cost-centre"]} == pytest.approx(EXPECTED)
    by_service = {g.value: g.total_kgco2e for g in report.groups["service"]}
    assert by_service["AmazonRDS"] == pytest.approx(2 * t4g_small_hours(720) + storage_gb_months(20, "ssd", "default"))
    assert report.total_kgco2e == pytest.approx(sum(EXPECTED.values()))
    not_estimated = {(i.usage_type, i.quantity) for i in report.not_estimated}
    assert not_estimated == {("eu-west-2-KMS-Keys", 2), ("EUW2-Requests-Tier1", 120_000)}
    assert report.complete


@pytest.mark.parametrize(
    "tags",
    [
        {"cost-centre": "CC-9"},
        {"user_cost-centre": "CC-9"},
        {"user_cost_centre": "CC-9"},
        json.dumps({"user_cost_centre": "CC-9"}),
        [("user_cost_centre", "CC-9")],
        {"key": ["user_cost_centre"], "value": ["CC-9"]},
    ],
)
def test_tag_map_shapes(tags: Any) -> None:
    data = load_cur_rows([row("EUW2-TimedStorage-ByteHrs", 1, "AmazonS3", tags)], dimensions=["cost-centre"])
    assert data.partitions["cost-centre"][0].tags == {"cost-centre": "CC-9"}


def _write_parquet(path: Path, rows: list[dict[str, Any]]) -> None:
    columns: dict[str, list[Any]] = {key: [r[key] for r in rows] for key in rows[0]}
    arrays = {key: values for key, values in columns.items() if key != "resource_tags"}
    table = pa.table(
        {
            **arrays,
            "resource_tags": pa.array(
                [list(r["resource_tags"].items()) for r in rows], type=pa.map_(pa.string(), pa.string())
            ),
        }
    )
    pq.write_table(table, path)


def test_parquet_export_read_with_duckdb(tmp_path: Path) -> None:
    rows = generated_rows()
    rows.append(
        row(
            "EUW2-InstanceUsage:db.t4g.small",
            5000,
            "AmazonRDS",
            {"user_cost_centre": "CC-1001"},
            line_item_usage_start_date=datetime(2026, 11, 2),
        )
    )  # outside the period
    path = tmp_path / "cur.parquet"
    _write_parquet(path, rows)
    read = read_cur_file(path, start=date(2026, 10, 1), end=date(2026, 11, 1))
    assert len(read) == len(rows) - 1
    report = build_report(load_cur_rows(read, dimensions=DIMENSIONS), COEFFS, DIMENSIONS)
    assert {g.value: g.total_kgco2e for g in report.groups["cost-centre"]} == pytest.approx(EXPECTED)


def test_csv_export_read_with_duckdb(tmp_path: Path) -> None:
    path = tmp_path / "cur.csv"
    rows = generated_rows()
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for item in rows:
            writer.writerow(
                {
                    **item,
                    "resource_tags": json.dumps(item["resource_tags"]),
                    "line_item_usage_start_date": item["line_item_usage_start_date"].isoformat(),
                }
            )
    read = read_cur_file(path, start=date(2026, 10, 1), end=date(2026, 11, 1))
    report = build_report(load_cur_rows(read, dimensions=DIMENSIONS), COEFFS, DIMENSIONS)
    assert {g.value: g.total_kgco2e for g in report.groups["cost-centre"]} == pytest.approx(EXPECTED)


def test_unreadable_exports_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(CurReadError, match="no such file"):
        read_cur_file(tmp_path / "missing.parquet")
    with pytest.raises(CurReadError, match=r"expected a \.parquet or \.csv"):
        read_cur_file(tmp_path / "cur.xlsx")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(CurReadError, match="missing columns"):
        read_cur_file(bad)

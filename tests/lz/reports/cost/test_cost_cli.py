"""``lz report cost`` through typer's CliRunner on an app with ``register``: exit codes and files."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pyarrow.parquet as pq
import pytest
import typer
from botocore.stub import Stubber
from moto import mock_aws
from typer.testing import CliRunner

from lz.reports.cost.cli import SourceFactories, default_period, register
from lz.reports.cost.cur import cur_tag_map_key
from lz.reports.cost.sample import table_from_rows

D = Decimal
IN_PROCESS = "http://motoapi.amazonaws.com"


def make_app(**factories: Any) -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def report() -> None:
        """Reports (as the lead mounts them under ``lz report``)."""

    register(app, factories=SourceFactories(sleep=lambda _s: None, today=lambda: date(2025, 4, 15), **factories))
    return app


def invoke(app: typer.Typer, *args: str) -> Any:
    return CliRunner().invoke(app, ["cost", *args], catch_exceptions=False)


def line(month: str, cost: float, cost_centre: str | None) -> dict[str, Any]:
    from datetime import datetime

    tags = {cur_tag_map_key("cost-centre"): cost_centre} if cost_centre is not None else {}
    return {
        "line_item_usage_start_date": datetime(2025, int(month[5:]), 2),
        "line_item_usage_account_id": "111111111111",
        "line_item_product_code": "AmazonEC2",
        "line_item_line_item_type": "Usage",
        "line_item_currency_code": "USD",
        "line_item_unblended_cost": cost,
        "resource_tags": tags,
    }


@pytest.fixture
def cur_file(tmp_path: Path) -> Path:
    path = tmp_path / "cur.parquet"
    rows = [
        line("2025-01", 100.25, "CC-1001"),
        line("2025-02", 80.5, "CC-1001"),
        line("2025-03", 120.75, "CC-1001"),
        line("2025-03", 10.0, None),
        line("2025-03", 5.5, "bad#value"),
    ]
    pq.write_table(table_from_rows(rows), path)
    return path


def test_default_period_is_the_last_three_full_months() -> None:
    assert default_period(date(2025, 4, 15)) == (date(2025, 1, 1), date(2025, 4, 1))
    assert default_period(date(2025, 2, 1)) == (date(2024, 11, 1), date(2025, 2, 1))


def test_cur_report_writes_three_files_and_exits_0(tmp_path: Path, cur_file: Path) -> None:
    out = tmp_path / "out"
    result = invoke(make_app(), "--source", "aws-cur", "--cur", str(cur_file), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["cost-report.csv", "cost-report.html", "cost-report.json"]
    data = json.loads((out / "cost-report.json").read_text())
    assert data["complete"] is True and data["gaps"] == []
    assert data["months"] == ["2025-01", "2025-02", "2025-03"]  # the default period
    section = data["sections"][0]
    assert section["currency"] == "USD" and D(section["total"]) == D("317")
    lines = {entry["label"]: entry for entry in section["breakdowns"][0]["lines"]}
    assert D(lines["CC-1001"]["total"]) == D("301.5") and D(lines["CC-1001"]["change"]) == D("40.25")
    assert D(lines["(untagged)"]["total"]) == D("10") and lines["(untagged)"]["kind"] == "untagged"
    assert D(lines["(mis-tagged)"]["total"]) == D("5.5")
    assert sum(D(entry["total"]) for entry in lines.values()) == D(section["total"])
    html = (out / "cost-report.html").read_text()
    assert "<svg" in html and "Complete: every requested source was read" in html and "<script" not in html
    rows = list(csv.DictReader(io.StringIO((out / "cost-report.csv").read_text())))
    assert rows[0]["record"] == "TOTAL" and D(rows[0]["total"]) == D("317")
    assert "total USD: 317" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--group-by", "cost-center"], "did you mean 'cost-centre'"),
        (["--source", "aws-ce", "--source", "aws-cur"], "count it twice"),
        (["--metric", "blended"], "unknown --metric"),
        (["--start", "2025-13-01"], "not a date"),
        (["--start", "2025-03-01", "--end", "2025-01-01"], "must be before"),
        (["--source", "azure"], "needs --azure-scope"),
        (["--engine", "spark"], "unknown --engine"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_writes_nothing(
    tmp_path: Path, cur_file: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "out"
    base = ["--out", str(out)]
    if "--source" not in args:
        base += ["--source", "aws-cur", "--cur", str(cur_file)]
    result = invoke(make_app(), *base, *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output + result.stderr
    assert not out.exists()


def test_missing_cur_path_is_bad_input(tmp_path: Path) -> None:
    result = invoke(make_app(), "--source", "aws-cur", "--cur", str(tmp_path / "none.parquet"), "--out", str(tmp_path))
    assert result.exit_code == 2 and "no such file or directory" in result.stderr


def test_an_unreadable_source_file_exits_3_with_the_gap_in_every_output(tmp_path: Path, cur_file: Path) -> None:
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet at all")
    out = tmp_path / "out"
    result = invoke(make_app(), "--source", "aws-cur", "--cur", str(cur_file), "--cur", str(broken), "--out", str(out))
    assert result.exit_code == 3
    assert "PARTIAL REPORT" in result.stderr and "broken.parquet" in result.stderr
    data = json.loads((out / "cost-report.json").read_text())
    assert data["complete"] is False and "broken.parquet" in data["gaps"][0]
    assert D(data["sections"][0]["total"]) == D("317")
    first = next(csv.DictReader(io.StringIO((out / "cost-report.csv").read_text())))
    assert first["record"] == "GAP" and "broken.parquet" in first["detail"]
    html = (out / "cost-report.html").read_text()
    assert "PARTIAL REPORT: 1 gap" in html and html.index("broken.parquet") < html.index("<svg")


def test_cost_explorer_expired_token_mid_pagination_exits_3_loudly(tmp_path: Path) -> None:
    page_1 = {
        "ResultsByTime": [
            {
                "TimePeriod": {"Start": "2025-01-01", "End": "2025-02-01"},
                "Total": {},
                "Groups": [
                    {
                        "Keys": ["cost-centre$CC-1", "111111111111"],
                        "Metrics": {"AmortizedCost": {"Amount": "5", "Unit": "USD"}},
                    }
                ],
                "Estimated": False,
            }
        ],
        "NextPageToken": "2",
    }
    client = boto3.client("ce", region_name="us-east-1")
    stub = Stubber(client)
    stub.add_response("get_cost_and_usage", page_1)
    stub.add_client_error("get_cost_and_usage", "ExpiredTokenException", "expired", 400)
    stub.activate()
    out = tmp_path / "out"
    result = invoke(make_app(ce_client=lambda _session: client), "--source", "aws-ce", "--out", str(out))
    assert result.exit_code == 3
    assert "CREDENTIALS EXPIRED" in result.stderr
    data = json.loads((out / "cost-report.json").read_text())
    assert data["gaps"][0].startswith("CREDENTIALS EXPIRED") and data["sections"] == []


def test_cost_explorer_through_moto_with_the_default_client(tmp_path: Path, seed_moto: Any) -> None:
    payload = {
        "results": [
            {
                "ResultsByTime": [
                    {
                        "TimePeriod": {"Start": f"2025-0{m}-01", "End": f"2025-0{m + 1}-01"},
                        "Total": {},
                        "Groups": [
                            {
                                "Keys": ["cost-centre$CC-1", "111111111111"],
                                "Metrics": {"AmortizedCost": {"Amount": f"{m}0.5", "Unit": "USD"}},
                            }
                        ],
                        "Estimated": False,
                    }
                    for m in (1, 2, 3)
                ],
                "GroupDefinitions": [],
                "DimensionValueAttributes": [],
            }
        ]
    }
    out = tmp_path / "out"
    with mock_aws():
        seed_moto(IN_PROCESS, "ce", payload)
        result = invoke(make_app(), "--source", "aws-ce", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    data = json.loads((out / "cost-report.json").read_text())
    assert D(data["sections"][0]["total"]) == D("61.5")


def test_a_failed_write_leaves_nothing_half_written(
    tmp_path: Path, cur_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "cost-report.json").write_text("previous report")
    real_replace = os.replace
    calls = {"n": 0}

    def flaky_replace(src: Any, dst: Any) -> None:
        calls["n"] += 1
        if str(dst).endswith("cost-report.csv"):
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    result = invoke(make_app(), "--source", "aws-cur", "--cur", str(cur_file), "--out", str(out))
    assert result.exit_code == 2 and "disk full" in result.stderr and "nothing was written" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["cost-report.json"]
    assert (out / "cost-report.json").read_text() == "previous report"

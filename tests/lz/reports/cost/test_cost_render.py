"""Rendering (HTML/SVG, CSV, JSON), the shared atomic writers, and the benchmark's doc update."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from lz.reports import write_atomic, write_report_files
from lz.reports.cost.model import CostRow
from lz.reports.cost.render import bar_chart_svg, csv_rows, fmt_exact, json_data, render_html
from lz.reports.cost.report import build_cost_report

D = Decimal
ROOT = Path(__file__).resolve().parents[4]


def report(gaps: tuple[str, ...] = ()) -> Any:
    rows = [
        CostRow("aws-cur", "aws", "1", "AmazonEC2", "2025-01", {"cost-centre": "CC-1"}, D("10.10"), "USD"),
        CostRow("aws-cur", "aws", "1", "AmazonEC2", "2025-02", {"cost-centre": "<script>"}, D("2.5"), "USD"),
        CostRow("aws-cur", "aws", "1", "AmazonEC2", "2025-02", {"cost-centre": ""}, D("-1"), "USD"),
    ]
    return build_cost_report(rows, group_by=["cost-centre", "month"], gaps=gaps, meta={"metric": "amortised"})


def test_html_is_self_contained_escaped_and_puts_gaps_first() -> None:
    html = render_html(report(gaps=("azure: /subscriptions/x: HTTP 500 after 5 attempts",)))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")  # nothing fetched from anywhere
    assert html.index("PARTIAL REPORT") < html.index("<svg") < html.index("By cost-centre")
    assert html.count("<svg") == 3  # months + two breakdowns


def test_svg_chart_is_well_formed_and_draws_credits_left_of_the_axis() -> None:
    svg = bar_chart_svg([("spend", D("100"), "#1d70b8"), ("credit", D("-50"), "#1d70b8")], title="t & <u>")
    root = ET.fromstring(svg)
    rects = [el for el in root.iter() if el.tag.endswith("rect")]
    spend, credit = (float(r.get("width", 0)) for r in rects)
    assert abs(spend - 2 * credit) <= 1  # whole pixels
    assert float(rects[1].get("x", 0)) < float(rects[0].get("x", 0))
    assert rects[1].get("fill") == "#00703c"


def test_json_and_csv_carry_exact_amounts_and_gaps() -> None:
    data = json_data(report(gaps=("a gap",)))
    assert data["complete"] is False and data["gaps"] == ["a gap"]
    section = data["sections"][0]
    assert section["total"] == "11.6" and section["by_month"] == {"2025-01": "10.1", "2025-02": "1.5"}
    json.dumps(data)  # plain JSON types only
    rows = csv_rows(report(gaps=("a gap",)))
    assert rows[0]["record"] == "GAP" and rows[0]["detail"] == "a gap"
    assert rows[1]["record"] == "TOTAL" and rows[1]["amount_2025-02"] == "1.5"
    assert {row["kind"] for row in rows[2:]} >= {"value", "untagged", "mis-tagged"}


@pytest.mark.parametrize(
    ("amount", "text"), [(D("12.3400"), "12.34"), (D("100"), "100"), (D("0E-10"), "0"), (D("-0.50"), "-0.5")]
)
def test_exact_formatting(amount: Decimal, text: str) -> None:
    assert fmt_exact(amount) == text


def test_write_atomic_replaces_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "file.txt"
    write_atomic(target, "one")
    write_atomic(target, "two")
    assert target.read_text() == "two" and os.listdir(target.parent) == ["file.txt"]


def test_write_report_files_is_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = write_report_files(tmp_path, "r", html="<p>1</p>", csv_rows=[{"a": 1}], json_data={"v": D("1.50")})
    assert [p.name for p in paths] == ["r.html", "r.csv", "r.json"]
    assert json.loads((tmp_path / "r.json").read_text()) == {"v": "1.50"}
    real_replace = os.replace
    failed: list[str] = []

    def fail_on_json(src: Any, dst: Any) -> None:
        if str(dst).endswith("r.json") and not failed:  # the disk fills up once, mid-write
            failed.append(str(dst))
            raise OSError("no space left")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fail_on_json)
    with pytest.raises(OSError, match="no space"):
        write_report_files(tmp_path, "r", html="<p>2</p>", csv_rows=[{"a": 2}], json_data={"v": 2})
    monkeypatch.setattr(os, "replace", real_replace)
    assert (tmp_path / "r.html").read_text() == "<p>1</p>"  # the previous set is back
    assert (tmp_path / "r.csv").read_text() == "a\n1\n"
    assert sorted(os.listdir(tmp_path)) == ["r.csv", "r.html", "r.json"]


def test_write_report_files_renders_everything_before_writing(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        write_report_files(tmp_path, "r", html="x", csv_rows=[], json_data={"bad": object()})
    assert os.listdir(tmp_path) == []

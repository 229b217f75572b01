"""The carbon report's HTML (inline SVG chart), CSV and JSON files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from lz.estimate.carbon import UsageRecord, load_coefficients
from lz.reports.carbon.render import bar_chart, render_html, write_carbon_report
from lz.reports.carbon.report import build_report, report_to_json
from lz.reports.carbon.usage import UsageData

COEFFS = load_coefficients()


def _data(gaps: list[str] | None = None) -> UsageData:
    records = [
        UsageRecord("AmazonRDS", "EUW2-InstanceUsage:db.t4g.small", 730, "Hrs", tags={"cost-centre": "CC-1001"}),
        UsageRecord("AmazonS3", "EUW2-TimedStorage-ByteHrs", 100, "GB-Mo", tags={"cost-centre": ""}),
        UsageRecord("AmazonS3", "EUW2-TimedStorage-ByteHrs", 100, "GB-Mo", tags={"cost-centre": "<script>x</script>"}),
        UsageRecord("awskms", "eu-west-2-KMS-Keys", 2, "Keys", tags={"cost-centre": "CC-1001"}),
        UsageRecord("AmazonCloudFront", "EU-DataTransfer-Out-Bytes", 40, "GB", tags={"cost-centre": "CC-1001"}),
    ]
    return UsageData(
        source="cur", start=None, end=None, partitions={"cost-centre": records, "service": records}, gaps=gaps or []
    )


def test_html_has_an_inline_svg_chart_per_dimension_and_the_not_estimated_table() -> None:
    report = build_report(_data(), COEFFS, ["cost-centre", "service"])
    html = render_html(report)
    assert html.count("<svg") == 2 and "<script" not in html  # no scripts, tag values escaped
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "(untagged)" in html and "CC-1001" in html
    assert "eu-west-2-KMS-Keys" in html and "excluded" in html and "not estimated" in html
    assert "Incomplete" not in html


def test_gaps_are_stated_in_the_html() -> None:
    report = build_report(
        _data(["Cost Explorer usage by tag 'cost-centre' for AmazonS3: ThrottlingException"]), COEFFS, ["cost-centre"]
    )
    html = render_html(report)
    assert "Incomplete" in html and "ThrottlingException" in html and "lower bounds" in html


def test_bar_widths_are_proportional() -> None:
    report = build_report(_data(), COEFFS, ["cost-centre"])
    bars, height = bar_chart(report.groups["cost-centre"])
    assert height == len(bars) * 22
    largest = bars[0]
    for bar in bars[1:]:
        assert bar.width == pytest.approx(largest.width * bar.value / largest.value)


def test_files_written_together(tmp_path: Path) -> None:
    report = build_report(_data(), COEFFS, ["cost-centre", "service"])
    paths = write_carbon_report(report, tmp_path / "out")
    assert [p.name for p in paths] == ["carbon.html", "carbon.csv", "carbon.json"]
    data = json.loads((tmp_path / "out" / "carbon.json").read_text())
    assert data == json.loads(json.dumps(report_to_json(report)))
    assert data["totals"]["total_kgco2e"] == pytest.approx(report.total_kgco2e)
    assert sum(u["total_kgco2e"] for u in data["usage"]) == pytest.approx(report.total_kgco2e)
    s3 = next(u for u in data["usage"] if u["usage_type"] == "EUW2-TimedStorage-ByteHrs")
    assert s3["quantity"] == 200 and s3["lines"] == 2  # summed per usage type
    with (tmp_path / "out" / "carbon.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    groups = [r for r in rows if r["row"] == "group" and r["dimension"] == "cost-centre"]
    assert {r["value"] for r in groups} == {"CC-1001", "(untagged)", "<script>x</script>"}
    assert sum(float(r["total_kgco2e"]) for r in groups) == pytest.approx(report.total_kgco2e, rel=1e-6)
    assert {r["row"] for r in rows} >= {"group", "not_estimated", "excluded"}

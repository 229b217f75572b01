"""Rendering: what the three files say, escaping, and the chart."""

from __future__ import annotations

import json
from pathlib import Path

from estate_helpers import iter_rows

from lz.reports.estate.model import CloudResource, Gap
from lz.reports.estate.render import chart_svg, csv_rows, json_data, render_html, write_estate_report
from lz.reports.estate.report import build_estate_report
from lz.reports.estate.state import StateResource

HOSTILE = '<script>alert("x")</script>'


def hostile_report() -> object:
    cloud = [
        CloudResource(
            "aws",
            "111122223333",
            "eu-west-2",
            "sqs:queue",
            "q",
            "arn:aws:sqs:eu-west-2:111122223333:q",
            HOSTILE,
            {"owner": "+cmd|' /C calc'!A0"},
        ),
    ]
    gone = [
        StateResource(
            stack="svc/prod",
            urn="urn:pulumi:prod::svc::aws:sqs/queue:Queue::old",
            type="aws:sqs/queue:Queue",
            id="u",
            arn="arn:aws:sqs:eu-west-2:111122223333:old",
            name="old",
            display_name="old",
        )
    ]
    gaps = [Gap("aws", account="444455556666", reason=f"cannot assume {HOSTILE}")]
    return build_estate_report(cloud, gone, gaps)


def test_html_escapes_everything_that_came_from_a_cloud() -> None:
    html = render_html(hostile_report())  # type: ignore[arg-type]
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert html.count("<svg") == 1 and "<script" not in html


def test_csv_neutralises_formulas_and_keeps_gaps_first() -> None:
    rows = csv_rows(hostile_report())  # type: ignore[arg-type]
    assert [r["record"] for r in rows] == ["gap", "finding", "finding"]
    finding = rows[1]
    assert finding["owner"] == "'+cmd|' /C calc'!A0"
    assert json.loads(finding["tags"]) == {"owner": "+cmd|' /C calc'!A0"}  # JSON text starts with "{": unchanged
    assert finding["missing_tags"] == "service;cost-centre;environment;business-unit;data-classification;managed-by"


def test_json_keeps_values_exact() -> None:
    data = json_data(hostile_report())  # type: ignore[arg-type]
    assert data["findings"][0]["owner"] == "+cmd|' /C calc'!A0"
    assert data["summary"] == {
        "cloud_resources": 1,
        "unmanaged": 1,
        "orphaned": 1,
        "managed": 0,
        "tag_compliant": 0,
        "tag_non_compliant": 1,
        "unchecked": 0,
        "gaps": 1,
        "stacks": 1,
    }
    assert data["by_account"] == [
        {"cloud": "aws", "account": "111122223333", "unmanaged": 1, "orphaned": 1, "managed": 0, "non_compliant": 1},
    ]


def test_chart_draws_one_bar_per_account_scaled_to_the_largest() -> None:
    svg = chart_svg(
        [
            {"cloud": "aws", "account": "1", "unmanaged": 2, "orphaned": 0, "managed": 8, "non_compliant": 2},
            {"cloud": "azure", "account": "s", "unmanaged": 5, "orphaned": 0, "managed": 0, "non_compliant": 5},
        ]
    )
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" role="img"')
    assert "<title>aws 1: 8 managed</title>" in svg and "<title>azure s: 5 unmanaged</title>" in svg
    # The plot is 350 px wide and the largest bar (aws: 10) fills it: 2 -> 70 px, 8 -> 280 px, 5 -> 175 px.
    assert 'width="70" height="18" fill="#D55E00"' in svg and 'width="280" height="18" fill="#009E73"' in svg
    assert 'width="175" height="18" fill="#D55E00"' in svg
    assert "2 / 0 / 8" in svg and "5 / 0 / 0" in svg


def test_an_empty_estate_still_writes_three_files(tmp_path: Path) -> None:
    files = write_estate_report(build_estate_report([], [], []), tmp_path)
    assert [p.name for p in files] == ["estate-report.html", "estate-report.csv", "estate-report.json"]
    assert [r["record"] for r in iter_rows(tmp_path / "estate-report.csv")] == ["none"]
    assert "No resources found." in (tmp_path / "estate-report.html").read_text(encoding="utf-8")

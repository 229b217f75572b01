"""Render the carbon report as HTML (inline SVG bar charts, no scripts), CSV and JSON files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from lz.reports import write_report_files
from lz.reports.carbon.report import CarbonReport, GroupTotal, report_csv_rows, report_to_json

__all__ = ["Bar", "bar_chart", "render_html", "write_carbon_report"]

TEMPLATES: Final = Path(__file__).parent / "templates"
STEM: Final = "carbon"

_CHART_WIDTH: Final = 640
_LABEL_WIDTH: Final = 220
_ROW_HEIGHT: Final = 22
_MAX_BARS: Final = 25


@dataclass(frozen=True)
class Bar:
    """One bar of a chart, in SVG user units."""

    label: str
    value: float
    y: float
    width: float


def bar_chart(groups: Sequence[GroupTotal]) -> tuple[list[Bar], float]:
    """Bars for the largest groups (kgCO2e) and the chart height; widths are proportional."""
    shown = list(groups)[:_MAX_BARS]
    largest = max((g.total_kgco2e for g in shown), default=0.0)
    span = _CHART_WIDTH - _LABEL_WIDTH - 90
    bars = [
        Bar(
            label=g.label,
            value=g.total_kgco2e,
            y=index * _ROW_HEIGHT,
            width=(g.total_kgco2e / largest * span) if largest > 0 else 0.0,
        )
        for index, g in enumerate(shown)
    ]
    return bars, max(_ROW_HEIGHT, len(bars) * _ROW_HEIGHT)


def _quantity(value: float) -> str:
    """Quantities as people read them: thousands separated, no exponent, at most 3 decimals."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["kg"] = lambda value: f"{value:,.3f}"
    env.filters["qty"] = _quantity
    return env


def render_html(report: CarbonReport) -> str:
    charts = {}
    for dimension in report.dimensions:
        bars, height = bar_chart(report.groups[dimension])
        charts[dimension] = {"bars": bars, "height": height, "more": max(0, len(report.groups[dimension]) - len(bars))}
    template = _environment().get_template("carbon.html.j2")
    return template.render(
        report=report,
        charts=charts,
        chart_width=_CHART_WIDTH,
        label_width=_LABEL_WIDTH,
        row_height=_ROW_HEIGHT,
    )


def write_carbon_report(report: CarbonReport, out_dir: Path) -> list[Path]:
    """Write carbon.html, carbon.csv and carbon.json into ``out_dir`` (all or nothing)."""
    return write_report_files(
        out_dir, STEM, html=render_html(report), csv_rows=report_csv_rows(report), json_data=report_to_json(report)
    )

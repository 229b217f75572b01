"""Render a `CostReport` as HTML (with server-side SVG charts), CSV rows and JSON data.

Nothing here computes a number the report does not already hold: rendering only formats.
CSV and JSON carry exact decimal strings; HTML shows amounts rounded to pence/cents for reading
(so displayed lines may differ from the displayed total in the last digit; the CSV and JSON do
not). Gaps come first in all three outputs: a partial report must be impossible to miss.

Charts are inline SVG built here (no JavaScript, nothing fetched from the internet), so the
HTML file is self-contained and can be archived as audit evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any, Final
from xml.sax.saxutils import escape, quoteattr

from lz.reports.cost.report import Breakdown, CostReport, CurrencySection, Line, Mover

__all__ = ["SCHEMA_VERSION", "TEMPLATE_DIR", "bar_chart_svg", "csv_rows", "fmt_exact", "json_data", "render_html"]

#: Bumped when the JSON shape changes incompatibly.
SCHEMA_VERSION: Final = 1

TEMPLATE_DIR: Final = Path(__file__).parent / "templates"

_CENT: Final = Decimal("0.01")
_KIND_COLOURS: Final[dict[str, str]] = {
    "value": "#1d70b8",
    "untagged": "#d4351c",
    "mis-tagged": "#f47738",
    "not-available": "#505a5f",
    "difference": "#912b88",
}
_NEGATIVE_COLOUR: Final = "#00703c"
_CHART_LINES: Final = 15


def fmt_exact(amount: Decimal | None) -> str | None:
    """An exact decimal string without exponent or trailing zeros (``12.3400`` -> ``12.34``)."""
    if amount is None:
        return None
    text = format(amount.normalize(), "f")
    return "0" if text in ("-0", "") else text


def fmt_money(amount: Decimal | None) -> str:
    if amount is None:
        return "–"
    return f"{amount.quantize(_CENT, rounding=ROUND_HALF_EVEN):,}"


def fmt_share(share: Decimal | None) -> str:
    if share is None:
        return "–"
    return f"{(share * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_EVEN)}%"


def fmt_change(change: Decimal | None, pct: Decimal | None) -> str:
    if change is None:
        return "–"
    sign = "+" if change > 0 else ""
    text = f"{sign}{fmt_money(change)}"
    if pct is not None:
        text += f" ({'+' if pct > 0 else ''}{pct}%)"
    return text


def bar_chart_svg(items: Sequence[tuple[str, Decimal, str]], *, title: str, width: int = 720) -> str:
    """A horizontal bar chart as an inline SVG element: (label, amount, colour) per bar.

    Bars scale to the largest absolute amount; negative amounts (credits) are drawn green,
    leftwards from the same axis, so they are never mistaken for spend.
    """
    bar_height, gap, label_width, value_width = 18, 6, 230, 120
    height = max(1, len(items)) * (bar_height + gap) + 30
    plot = width - label_width - value_width - 20
    largest = max((abs(amount) for _label, amount, _colour in items), default=Decimal(0))
    has_negative = any(amount < 0 for _label, amount, _colour in items)
    axis = label_width + (plot // 2 if has_negative else 0)
    span = plot // 2 if has_negative else plot
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label={quoteattr(title)}>',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, amount, colour) in enumerate(items):
        y = 20 + index * (bar_height + gap)
        length = int(Decimal(span) * abs(amount) / largest) if largest else 0
        x = axis - length if amount < 0 else axis
        fill = _NEGATIVE_COLOUR if amount < 0 else colour
        short = label if len(label) <= 32 else label[:31] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end" font-size="12">{escape(short)}</text>'
        )
        parts.append(
            f'<rect x="{x}" y="{y}" width="{max(length, 1)}" height="{bar_height}" fill="{fill}">'
            f"<title>{escape(label)}: {escape(fmt_money(amount))}</title></rect>"
        )
        parts.append(
            f'<text x="{label_width + plot + 8}" y="{y + 13}" font-size="12">{escape(fmt_money(amount))}</text>'
        )
    parts.append(f'<line x1="{axis}" y1="14" x2="{axis}" y2="{height - 8}" stroke="#0b0c0c" stroke-width="1"/>')
    parts.append("</svg>")
    return "".join(parts)


def _breakdown_chart(section: CurrencySection, breakdown: Breakdown) -> str:
    lines = list(breakdown.lines)
    value_lines = [line for line in lines if line.kind == "value"]
    special = [line for line in lines if line.kind != "value"]
    if breakdown.dimension == "month":
        shown = value_lines
    else:
        shown = value_lines[: _CHART_LINES - 1]
        rest = value_lines[_CHART_LINES - 1 :]
        if rest:
            total = sum((line.total for line in rest), Decimal(0))
            shown = [*shown, Line(f"{len(rest)} others", "value", {}, total, None, None, None)]
    items = [(line.label, line.total, _KIND_COLOURS[line.kind]) for line in [*shown, *special]]
    return bar_chart_svg(items, title=f"Spend by {breakdown.dimension} ({section.currency})")


def _month_chart(report: CostReport, section: CurrencySection) -> str:
    items = [(month, section.by_month[month], _KIND_COLOURS["value"]) for month in report.months]
    return bar_chart_svg(items, title=f"Spend by month ({section.currency})")


def render_html(report: CostReport) -> str:
    """The HTML report (self-contained: inline CSS and SVG)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    environment = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["money"] = fmt_money
    environment.filters["share"] = fmt_share
    environment.globals["fmt_change"] = fmt_change
    charts = {
        section.currency: {
            "months": Markup(_month_chart(report, section)),
            **{b.dimension: Markup(_breakdown_chart(section, b)) for b in section.breakdowns},
        }
        for section in report.sections
    }
    template = environment.get_template("cost_report.html.j2")
    return template.render(report=report, charts=charts)


def _line_json(line: Line) -> dict[str, Any]:
    return {
        "label": line.label,
        "kind": line.kind,
        "total": fmt_exact(line.total),
        "share": fmt_exact(line.share),
        "change": fmt_exact(line.change),
        "change_pct": fmt_exact(line.change_pct),
        "by_month": {month: fmt_exact(amount) for month, amount in line.by_month.items()},
        "detail": list(line.detail),
    }


def _mover_json(mover: Mover) -> dict[str, Any]:
    return {
        "label": mover.label,
        "kind": mover.kind,
        "previous": fmt_exact(mover.previous),
        "current": fmt_exact(mover.current),
        "change": fmt_exact(mover.change),
        "change_pct": fmt_exact(mover.change_pct),
    }


def json_data(report: CostReport) -> dict[str, Any]:
    """The report as JSON-ready data; amounts are exact decimal strings."""
    return {
        "report": "cost",
        "schema_version": SCHEMA_VERSION,
        "complete": report.complete,
        "gaps": list(report.gaps),
        "meta": dict(report.meta),
        "group_by": list(report.group_by),
        "months": list(report.months),
        "row_count": report.row_count,
        "sections": [
            {
                "currency": section.currency,
                "total": fmt_exact(section.total),
                "by_month": {month: fmt_exact(amount) for month, amount in section.by_month.items()},
                "by_source": {source: fmt_exact(amount) for source, amount in section.by_source.items()},
                "breakdowns": [
                    {
                        "dimension": breakdown.dimension,
                        "total": fmt_exact(breakdown.total),
                        "lines": [_line_json(line) for line in breakdown.lines],
                        "mistagged_values": [
                            {"value": item.value, "total": fmt_exact(item.total), "problem": item.problem}
                            for item in breakdown.mistagged_values
                        ],
                        "top_movers": {
                            "increases": [_mover_json(m) for m in breakdown.movers_up],
                            "decreases": [_mover_json(m) for m in breakdown.movers_down],
                        },
                    }
                    for breakdown in section.breakdowns
                ],
            }
            for section in report.sections
        ],
    }


def csv_rows(report: CostReport) -> list[dict[str, Any]]:
    """One CSV row per breakdown line, after a GAP row per gap and a TOTAL row per currency."""
    month_columns = [f"amount_{month}" for month in report.months]

    def row(**values: Any) -> dict[str, Any]:
        base: dict[str, Any] = {
            "record": "",
            "currency": "",
            "dimension": "",
            "label": "",
            "kind": "",
            "total": "",
            "share": "",
            "change": "",
            "change_pct": "",
            **dict.fromkeys(month_columns, ""),
            "detail": "",
        }
        base.update(values)
        return base

    rows = [row(record="GAP", detail=gap) for gap in report.gaps]
    for section in report.sections:
        rows.append(
            row(
                record="TOTAL",
                currency=section.currency,
                total=fmt_exact(section.total),
                **{f"amount_{m}": fmt_exact(a) for m, a in section.by_month.items()},
            )
        )
        for breakdown in section.breakdowns:
            for line in breakdown.lines:
                rows.append(
                    row(
                        record="LINE",
                        currency=section.currency,
                        dimension=breakdown.dimension,
                        label=line.label,
                        kind=line.kind,
                        total=fmt_exact(line.total),
                        share=fmt_exact(line.share) or "",
                        change=fmt_exact(line.change) or "",
                        change_pct=fmt_exact(line.change_pct) or "",
                        detail="; ".join(line.detail),
                        **{f"amount_{m}": fmt_exact(a) for m, a in line.by_month.items()},
                    )
                )
    return rows

"""Render an `EstateReport` as HTML (with an inline SVG chart), CSV rows and JSON data.

Rendering only formats what the report holds. Gaps come first in all three outputs (the HTML's
first section, the CSV's first rows, the JSON's `gaps` key before the findings), so a partial
report cannot be mistaken for a complete one. The HTML is self-contained (inline CSS and SVG, no
JavaScript, nothing fetched), so it can be archived as audit evidence.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final
from xml.sax.saxutils import escape, quoteattr

from lz.reports.estate.classify import Unchecked
from lz.reports.estate.model import CloudResource, Finding, Gap
from lz.reports.estate.report import EstateReport

__all__ = ["REPORT_STEM", "SCHEMA_VERSION", "chart_svg", "csv_rows", "json_data", "render_html", "write_estate_report"]

#: Files written: `<out>/estate-report.{html,csv,json}`.
REPORT_STEM: Final = "estate-report"

#: Bumped when the JSON shape changes incompatibly.
SCHEMA_VERSION: Final = 1

TEMPLATE_DIR: Final = Path(__file__).parent / "templates"

#: Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
STATUS_COLOURS: Final[dict[str, str]] = {"unmanaged": "#D55E00", "orphaned": "#0072B2", "managed": "#009E73"}

# Spreadsheet programs run cells starting with these as formulas; cloud names and tags are
# written by whoever created the resource, so the CSV neutralises them (the JSON keeps them as is).
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _resource_fields(resource: CloudResource) -> dict[str, Any]:
    return {
        "cloud": resource.cloud,
        "account": resource.account,
        "region": resource.region,
        "type": resource.type,
        "name": resource.name,
        "id": resource.id,
        "arn_or_id": resource.arn_or_id,
        "tags": dict(resource.tags),
    }


def _finding_data(finding: Finding) -> dict[str, Any]:
    return {
        "status": finding.status,
        "tag_compliant": finding.tag_compliant,
        "missing_tags": list(finding.missing_tags),
        "invalid_tags": list(finding.invalid_tags),
        "owner": finding.owner,
        "stack": finding.stack,
        **_resource_fields(finding.resource),
    }


def _gap_data(gap: str) -> dict[str, Any]:
    parsed = Gap.parse(gap)
    return {
        "text": str(gap),
        "cloud": parsed.cloud,
        "account": parsed.account,
        "region": parsed.region,
        "service": parsed.service,
        "reason": parsed.reason,
    }


def _unchecked_data(item: Unchecked) -> dict[str, Any]:
    return {"stack": item.stack, "reason": item.reason, **_resource_fields(item.resource)}


def json_data(report: EstateReport) -> dict[str, Any]:
    """The JSON document: gaps first, then summary, findings, unchecked state, not-compared types."""
    scope = report.scope
    return {
        "schema_version": SCHEMA_VERSION,
        "report": "estate",
        "complete": report.complete,
        "gaps": [_gap_data(g) for g in report.gaps],
        "generated_at": report.generated_at,
        "scope": {
            "aws_accounts": None if scope.aws_accounts is None else list(scope.aws_accounts),
            "aws_regions": None if scope.aws_regions is None else list(scope.aws_regions),
            "azure_subscriptions": None if scope.azure_subscriptions is None else list(scope.azure_subscriptions),
            "aws_accounts_complete": scope.aws_accounts_complete,
        },
        "stacks": list(report.stacks),
        "summary": report.summary(),
        "by_account": report.by_place(),
        "findings": [_finding_data(f) for f in report.findings],
        "unchecked": [_unchecked_data(u) for u in report.unchecked],
        "not_compared": dict(report.not_compared),
    }


_CSV_COLUMNS: Final = (
    "record",
    "status",
    "tag_compliant",
    "cloud",
    "account",
    "region",
    "type",
    "name",
    "id",
    "arn_or_id",
    "owner",
    "stack",
    "missing_tags",
    "invalid_tags",
    "tags",
    "detail",
)


def _row(**values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for column in _CSV_COLUMNS:
        value = values.get(column, "")
        row[column] = _cell(value) if isinstance(value, str) else value
    return row


def csv_rows(report: EstateReport) -> list[dict[str, Any]]:
    """One row per gap (first), finding and unchecked state resource; `record` says which."""
    rows = [
        _row(
            record="gap",
            cloud=g["cloud"],
            account=g["account"] or "",
            region=g["region"] or "",
            type=g["service"] or "",
            detail=g["reason"],
        )
        for g in map(_gap_data, report.gaps)
    ]
    for finding in report.findings:
        r = finding.resource
        rows.append(
            _row(
                record="finding",
                status=finding.status,
                tag_compliant="yes" if finding.tag_compliant else "no",
                cloud=r.cloud,
                account=r.account,
                region=r.region,
                type=r.type,
                name=r.name,
                id=r.id,
                arn_or_id=r.arn_or_id,
                owner=finding.owner or "",
                stack=finding.stack or "",
                missing_tags=";".join(finding.missing_tags),
                invalid_tags=";".join(finding.invalid_tags),
                tags=json.dumps(dict(r.tags), sort_keys=True) if r.tags else "",
            )
        )
    for item in report.unchecked:
        r = item.resource
        rows.append(
            _row(
                record="unchecked",
                cloud=r.cloud,
                account=r.account,
                region=r.region,
                type=r.type,
                name=r.name,
                id=r.id,
                arn_or_id=r.arn_or_id,
                stack=item.stack,
                detail=item.reason,
            )
        )
    if not rows:  # keep the header even for an empty estate
        rows.append(_row(record="none", detail="no resources, state or gaps"))
    return rows


def chart_svg(places: Sequence[dict[str, Any]], *, width: int = 760) -> str:
    """Horizontal stacked bars per account/subscription: unmanaged, orphaned, managed."""
    statuses = list(STATUS_COLOURS)
    bar, gap, label_width, count_width = 18, 8, 250, 150
    plot = width - label_width - count_width - 10
    legend_height = 28
    height = legend_height + max(1, len(places)) * (bar + gap) + 10
    largest = max((sum(p[s] for s in statuses) for p in places), default=0)
    title = "Resources by account and status"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label={quoteattr(title)}>',
        f"<title>{escape(title)}</title>",
    ]
    x = label_width
    for status in statuses:
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{STATUS_COLOURS[status]}"/>')
        parts.append(f'<text x="{x + 16}" y="14" font-size="12">{status}</text>')
        x += 110
    if not places:
        parts.append(f'<text x="{label_width}" y="{legend_height + 14}" font-size="12">No resources found.</text>')
    for index, place in enumerate(places):
        y = legend_height + index * (bar + gap)
        label = f"{place['cloud']} {place['account']}"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end" font-size="12">{escape(label)}</text>'
        )
        x = label_width
        for status in statuses:
            count = place[status]
            if not count:
                continue
            length = max(1, round(plot * count / largest)) if largest else 0
            parts.append(
                f'<rect x="{x}" y="{y}" width="{length}" height="{bar}" fill="{STATUS_COLOURS[status]}">'
                f"<title>{escape(label)}: {count} {status}</title></rect>"
            )
            x += length
        counts = " / ".join(str(place[s]) for s in statuses)
        parts.append(f'<text x="{label_width + plot + 8}" y="{y + 13}" font-size="12">{counts}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(report: EstateReport) -> str:
    """The HTML report (self-contained: inline CSS and SVG)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
    from markupsafe import Markup

    environment = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = environment.get_template("estate_report.html.j2")
    non_compliant = [f for f in report.findings if f.status != "orphaned" and not f.tag_compliant]
    return template.render(
        report=report,
        gaps=[_gap_data(g) for g in report.gaps],
        summary=report.summary(),
        chart=Markup(chart_svg(report.by_place())),
        unmanaged=report.with_status("unmanaged"),
        orphaned=report.with_status("orphaned"),
        managed=report.with_status("managed"),
        non_compliant=non_compliant,
        colours=STATUS_COLOURS,
    )


def write_estate_report(report: EstateReport, out_dir: Path) -> list[Path]:
    """Render all three outputs, then write them together or not at all."""
    from lz.reports import write_report_files

    html = render_html(report)
    return write_report_files(out_dir, REPORT_STEM, html=html, csv_rows=csv_rows(report), json_data=json_data(report))

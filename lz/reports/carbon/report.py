"""The carbon report: CCF estimates of every usage record, totalled by tag value and by service.

`build_report` runs `lz.estimate.carbon.estimate_usage` over each partition of a `UsageData`
and keeps three kinds of line apart: *estimated* (counted), *not estimated* (the method has no
coefficient, or a factor is missing) and *excluded* (traffic CCF does not count). The last two
are listed with their quantities and reasons, never folded into the totals as zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lz.estimate.carbon import CarbonLine, Coefficients, estimate_usage
from lz.reports.carbon.usage import SERVICE, UNTAGGED, UsageData

__all__ = ["CarbonReport", "GroupTotal", "NotEstimated", "build_report", "report_csv_rows", "report_to_json"]

UNTAGGED_LABEL = "(untagged)"


@dataclass
class GroupTotal:
    """Totals of one value of one dimension (a tag value or a service)."""

    value: str
    kwh: float = 0.0
    operational_kgco2e: float = 0.0
    embodied_kgco2e: float = 0.0
    estimated_lines: int = 0
    other_lines: int = 0

    @property
    def total_kgco2e(self) -> float:
        return self.operational_kgco2e + self.embodied_kgco2e

    @property
    def label(self) -> str:
        return self.value if self.value != UNTAGGED else UNTAGGED_LABEL

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "label": self.label,
            "kwh": self.kwh,
            "operational_kgco2e": self.operational_kgco2e,
            "embodied_kgco2e": self.embodied_kgco2e,
            "total_kgco2e": self.total_kgco2e,
            "estimated_lines": self.estimated_lines,
            "not_estimated_or_excluded_lines": self.other_lines,
        }


@dataclass
class NotEstimated:
    """Usage the report could not turn into emissions, summed per (status, service, usage type)."""

    status: str
    service: str
    usage_type: str
    unit: str
    quantity: float
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "service": self.service,
            "usage_type": self.usage_type,
            "unit": self.unit,
            "quantity": self.quantity,
            "reason": self.reason,
        }


@dataclass
class CarbonReport:
    source: str
    period: tuple[str | None, str | None]
    coefficients_version: str
    basis: str
    dimensions: list[str]
    lines: dict[str, list[CarbonLine]]
    groups: dict[str, list[GroupTotal]]
    not_estimated: list[NotEstimated]
    gaps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def total_lines(self) -> list[CarbonLine]:
        """The partition totals are taken from: ``service``, always present."""
        return self.lines[SERVICE]

    @property
    def kwh(self) -> float:
        return sum(line.kwh for line in self.total_lines if line.status == "estimated")

    @property
    def operational_kgco2e(self) -> float:
        return sum(line.operational_kgco2e for line in self.total_lines)

    @property
    def embodied_kgco2e(self) -> float:
        return sum(line.embodied_kgco2e for line in self.total_lines if line.status == "estimated")

    @property
    def total_kgco2e(self) -> float:
        return self.operational_kgco2e + self.embodied_kgco2e

    @property
    def complete(self) -> bool:
        return not self.gaps


def _group(lines: Sequence[CarbonLine], dimension: str) -> list[GroupTotal]:
    totals: dict[str, GroupTotal] = {}
    for line in lines:
        value = line.record.service if dimension == SERVICE else line.record.tags.get(dimension, UNTAGGED)
        group = totals.setdefault(value, GroupTotal(value=value))
        if line.status == "estimated":
            group.kwh += line.kwh
            group.operational_kgco2e += line.operational_kgco2e
            group.embodied_kgco2e += line.embodied_kgco2e
            group.estimated_lines += 1
        else:
            group.other_lines += 1
    return sorted(totals.values(), key=lambda g: (-g.total_kgco2e, g.value))


def _not_estimated(lines: Sequence[CarbonLine]) -> list[NotEstimated]:
    summed: dict[tuple[str, str, str, str, str], float] = defaultdict(float)
    for line in lines:
        if line.status != "estimated":
            key = (line.status, line.record.service, line.record.usage_type, line.record.unit, line.reason)
            summed[key] += line.record.quantity
    return [
        NotEstimated(status=k[0], service=k[1], usage_type=k[2], unit=k[3], quantity=q, reason=k[4])
        for k, q in sorted(summed.items())
    ]


def build_report(data: UsageData, coeffs: Coefficients, dimensions: Sequence[str]) -> CarbonReport:
    """Estimate every record of every requested dimension and total them."""
    wanted = list(dict.fromkeys([*dimensions]))
    lines: dict[str, list[CarbonLine]] = {}
    for dimension in {*wanted, SERVICE}:
        lines[dimension] = [estimate_usage(record, coeffs) for record in data.partitions.get(dimension, [])]
    report = CarbonReport(
        source=data.source,
        period=(data.start.isoformat() if data.start else None, data.end.isoformat() if data.end else None),
        coefficients_version=coeffs.version,
        basis=str(coeffs.data.get("basis", "location-based")),
        dimensions=wanted,
        lines=lines,
        groups={d: _group(lines[d], d) for d in wanted},
        not_estimated=_not_estimated(lines[SERVICE]),
        gaps=list(data.gaps),
        notes=list(data.notes),
    )
    total = report.total_kgco2e
    for dimension in wanted:
        if dimension == SERVICE or (not data.partitions.get(dimension) and data.gaps):
            continue
        partition_total = sum(g.total_kgco2e for g in report.groups[dimension])
        if abs(partition_total - total) > max(1e-9, 1e-6 * abs(total)):
            report.notes.append(
                f"the {dimension!r} partition totals {partition_total:.6f} kgCO2e, the service partition "
                f"{total:.6f} kgCO2e: the source returned different usage for the two queries"
            )
    return report


def report_to_json(report: CarbonReport) -> dict[str, Any]:
    """The documented JSON shape of the carbon report."""
    return {
        "report": "carbon",
        "source": report.source,
        "period": {"start": report.period[0], "end": report.period[1]},
        "method": "Cloud Carbon Footprint (operational: kWh x PUE x replication x grid; embodied: SCI M term)",
        "basis": report.basis,
        "coefficients_version": report.coefficients_version,
        "complete": report.complete,
        "gaps": list(report.gaps),
        "notes": list(report.notes),
        "totals": {
            "kwh": report.kwh,
            "operational_kgco2e": report.operational_kgco2e,
            "embodied_kgco2e": report.embodied_kgco2e,
            "total_kgco2e": report.total_kgco2e,
        },
        "by": {dimension: [g.to_json() for g in report.groups[dimension]] for dimension in report.dimensions},
        "not_estimated": [item.to_json() for item in report.not_estimated],
        "usage": _usage_summary(report.total_lines),
    }


def _usage_summary(lines: Sequence[CarbonLine]) -> list[dict[str, Any]]:
    """Lines summed per (service, usage type, unit, region, status, reason): a CUR export has a
    line per resource and day, far more than a reader needs."""
    summed: dict[tuple[str, str, str, str, str, str], dict[str, Any]] = {}
    for line in lines:
        key = (
            line.record.service,
            line.record.usage_type,
            line.record.unit,
            line.region or "",
            line.status,
            line.reason if line.status != "estimated" else line.category,
        )
        entry = summed.setdefault(
            key,
            {
                "service": key[0],
                "usage_type": key[1],
                "unit": key[2],
                "region": line.region,
                "status": key[4],
                "category": line.category,
                "reason": line.reason if line.status != "estimated" else None,
                "quantity": 0.0,
                "kwh": 0.0,
                "operational_kgco2e": 0.0,
                "embodied_kgco2e": 0.0,
                "total_kgco2e": 0.0,
                "lines": 0,
            },
        )
        entry["quantity"] += line.record.quantity
        entry["lines"] += 1
        if line.status == "estimated":
            entry["kwh"] += line.kwh
            entry["operational_kgco2e"] += line.operational_kgco2e
            entry["embodied_kgco2e"] += line.embodied_kgco2e
            entry["total_kgco2e"] += line.total_kgco2e
    return sorted(summed.values(), key=lambda e: (-e["total_kgco2e"], e["service"], e["usage_type"]))


def report_csv_rows(report: CarbonReport) -> list[dict[str, Any]]:
    """Group totals for each dimension, then the not-estimated and excluded usage."""
    rows: list[dict[str, Any]] = []
    for dimension in report.dimensions:
        for group in report.groups[dimension]:
            rows.append(
                {
                    "row": "group",
                    "dimension": dimension,
                    "value": group.label,
                    "kwh": round(group.kwh, 9),
                    "operational_kgco2e": round(group.operational_kgco2e, 9),
                    "embodied_kgco2e": round(group.embodied_kgco2e, 9),
                    "total_kgco2e": round(group.total_kgco2e, 9),
                    "estimated_lines": group.estimated_lines,
                    "not_estimated_or_excluded_lines": group.other_lines,
                }
            )
    for item in report.not_estimated:
        rows.append(
            {
                "row": item.status,
                "dimension": SERVICE,
                "value": item.service,
                "usage_type": item.usage_type,
                "quantity": item.quantity,
                "unit": item.unit,
                "reason": item.reason,
            }
        )
    for gap in report.gaps:
        rows.append({"row": "gap", "reason": gap})
    return rows

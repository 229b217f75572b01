"""Turn `CostRow`s into a `CostReport`: totals, breakdowns, untagged/mis-tagged spend, movers.

The report is pure data (no I/O), so every number in the HTML, CSV and JSON comes from here
and is tested here. Rules:

* **Exact totals.** Amounts are summed as `Decimal`. A currency section's total is the sum of
  each source's rows, counting every unit of spend once (see `lz.reports.cost.model` on
  alternative partitions). Every breakdown adds up to that total exactly: spend a source could
  not break down by a dimension appears as its own "not available" line, and a partition that
  disagrees with the source's reference partition gets a "difference" line and a gap.
* **Currencies are never mixed.** Each currency gets its own section.
* **Untagged and mis-tagged spend** are their own lines with their share of the total. A value
  is mis-tagged when `lz.tags.check_tag_value` rejects it (e.g. data-classification outside
  OFFICIAL / OFFICIAL-SENSITIVE, an environment that is not a lowercase slug).
* **Month on month.** Each line carries its amount per month and the change from the
  second-to-last to the last month of the report; top movers are the lines with the largest
  increases and decreases in that change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Final, Literal

from lz.reports.cost.model import DIMENSIONS, NON_TAG_DIMENSIONS, CostRow, Partition, partition_of
from lz.tags import check_tag_value

__all__ = [
    "TOP_MOVERS",
    "Breakdown",
    "CostReport",
    "CurrencySection",
    "Line",
    "LineKind",
    "MistaggedValue",
    "Mover",
    "build_cost_report",
]

LineKind = Literal["value", "untagged", "mis-tagged", "not-available", "difference"]

#: How many increases and decreases the movers list shows per breakdown.
TOP_MOVERS: Final = 5

UNTAGGED_LABEL: Final = "(untagged)"
MISTAGGED_LABEL: Final = "(mis-tagged)"

_ZERO: Final = Decimal(0)
_SHARE_PLACES: Final = Decimal("0.000001")
_PCT_PLACES: Final = Decimal("0.01")


@dataclass(frozen=True)
class Line:
    """One line of a breakdown: a tag value, account, service or month, or a special line."""

    label: str
    kind: LineKind
    by_month: Mapping[str, Decimal]
    """Amount per report month (every month present, zero where there was no spend)."""
    total: Decimal
    share: Decimal | None
    """Fraction of the section total (6 places); None when the section total is zero."""
    change: Decimal | None
    """Last month minus the month before; None when the report covers one month."""
    change_pct: Decimal | None
    """``change`` as a percentage of the earlier month (2 places); None when that was zero."""
    detail: tuple[str, ...] = ()
    """Why the line is special, e.g. the rejected values of a mis-tagged line."""


@dataclass(frozen=True)
class MistaggedValue:
    """A tag value `lz.tags.check_tag_value` rejected, with its spend."""

    value: str
    total: Decimal
    problem: str


@dataclass(frozen=True)
class Mover:
    """A line whose spend changed between the last two months of the report."""

    dimension: str
    label: str
    kind: LineKind
    previous: Decimal
    current: Decimal
    change: Decimal
    change_pct: Decimal | None


@dataclass(frozen=True)
class Breakdown:
    """Spend of one currency section broken down by one dimension; lines add up to the total."""

    dimension: str
    lines: tuple[Line, ...]
    mistagged_values: tuple[MistaggedValue, ...] = ()
    movers_up: tuple[Mover, ...] = ()
    movers_down: tuple[Mover, ...] = ()

    @property
    def untagged(self) -> Line | None:
        return next((line for line in self.lines if line.kind == "untagged"), None)

    @property
    def mis_tagged(self) -> Line | None:
        return next((line for line in self.lines if line.kind == "mis-tagged"), None)

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), _ZERO)

    def line(self, label: str) -> Line:
        """The line with this label (KeyError when there is none)."""
        for line in self.lines:
            if line.label == label:
                return line
        raise KeyError(label)


@dataclass(frozen=True)
class CurrencySection:
    """Everything the report says about spend in one currency."""

    currency: str
    total: Decimal
    by_month: Mapping[str, Decimal]
    by_source: Mapping[str, Decimal]
    breakdowns: tuple[Breakdown, ...]

    def breakdown(self, dimension: str) -> Breakdown:
        for breakdown in self.breakdowns:
            if breakdown.dimension == dimension:
                return breakdown
        raise KeyError(dimension)


@dataclass(frozen=True)
class CostReport:
    """A cost report: one section per currency, plus every gap in what could be read."""

    group_by: tuple[str, ...]
    months: tuple[str, ...]
    sections: tuple[CurrencySection, ...]
    gaps: tuple[str, ...] = ()
    row_count: int = 0
    meta: Mapping[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """False when any account, scope or file could not be read: the report is partial."""
        return not self.gaps

    @property
    def totals(self) -> Mapping[str, Decimal]:
        return {section.currency: section.total for section in self.sections}

    def section(self, currency: str) -> CurrencySection:
        for section in self.sections:
            if section.currency == currency:
                return section
        raise KeyError(currency)


def _sum_by_month(rows: Iterable[CostRow], months: Sequence[str]) -> dict[str, Decimal]:
    sums = dict.fromkeys(months, _ZERO)
    for row in rows:
        sums[row.month] = sums.get(row.month, _ZERO) + row.amount
    return sums


def _make_line(
    label: str,
    kind: LineKind,
    by_month: Mapping[str, Decimal],
    months: Sequence[str],
    section_total: Decimal,
    detail: tuple[str, ...] = (),
) -> Line:
    amounts = {month: by_month.get(month, _ZERO) for month in months}
    total = sum(amounts.values(), _ZERO)
    share = (total / section_total).quantize(_SHARE_PLACES) if section_total else None
    change: Decimal | None = None
    change_pct: Decimal | None = None
    if len(months) >= 2:
        previous, current = amounts[months[-2]], amounts[months[-1]]
        change = current - previous
        if previous:
            change_pct = (change / abs(previous) * 100).quantize(_PCT_PLACES)
    return Line(
        label=label,
        kind=kind,
        by_month=MappingProxyType(amounts),
        total=total,
        share=share,
        change=change,
        change_pct=change_pct,
        detail=detail,
    )


def _label_of(row: CostRow, dimension: str) -> str:
    if dimension == "account":
        return row.account
    if dimension == "service":
        return row.service
    if dimension == "month":
        return row.month
    return row.tags[dimension]


def _movers(
    dimension: str, lines: Sequence[Line], months: Sequence[str]
) -> tuple[tuple[Mover, ...], tuple[Mover, ...]]:
    if len(months) < 2:
        return (), ()
    movers = [
        Mover(
            dimension=dimension,
            label=line.label,
            kind=line.kind,
            previous=line.by_month[months[-2]],
            current=line.by_month[months[-1]],
            change=line.change,
            change_pct=line.change_pct,
        )
        for line in lines
        if line.change is not None and line.change != 0
    ]
    up = sorted((m for m in movers if m.change > 0), key=lambda m: (-m.change, m.label))[:TOP_MOVERS]
    down = sorted((m for m in movers if m.change < 0), key=lambda m: (m.change, m.label))[:TOP_MOVERS]
    return tuple(up), tuple(down)


def _breakdown(
    dimension: str,
    partitions_by_source: Mapping[str, list[Partition]],
    rows_by_partition: Mapping[Partition, list[CostRow]],
    reference_by_month: Mapping[str, Mapping[str, Decimal]],
    months: Sequence[str],
    section_total: Decimal,
) -> Breakdown:
    is_tag = dimension not in NON_TAG_DIMENSIONS
    values: dict[str, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(months, _ZERO))
    untagged = dict.fromkeys(months, _ZERO)
    mistagged = dict.fromkeys(months, _ZERO)
    bad_values: dict[tuple[str, str], Decimal] = defaultdict(lambda: _ZERO)
    specials: list[Line] = []
    seen_untagged = seen_mistagged = False

    for source, partitions in partitions_by_source.items():
        partition = next((p for p in partitions if p.resolves(dimension)), None)
        reference = reference_by_month[source]
        if partition is None:
            specials.append(
                _make_line(
                    f"(not available from {source})",
                    "not-available",
                    reference,
                    months,
                    section_total,
                    (f"{source} was not grouped by {dimension}; its spend is shown here so the breakdown adds up",),
                )
            )
            continue
        rows = rows_by_partition[partition]
        for row in rows:
            label = _label_of(row, dimension)
            if is_tag and label == "":
                untagged[row.month] += row.amount
                seen_untagged = True
                continue
            problem = check_tag_value(dimension, label) if is_tag else None
            if problem is not None:
                mistagged[row.month] += row.amount
                bad_values[(label, problem)] += row.amount
                seen_mistagged = True
                continue
            values[label][row.month] += row.amount
        got = _sum_by_month(rows, months)
        difference = {month: reference.get(month, _ZERO) - got.get(month, _ZERO) for month in months}
        if any(difference.values()):
            specials.append(
                _make_line(
                    f"(difference: {source})",
                    "difference",
                    difference,
                    months,
                    section_total,
                    (f"{source}'s {partition.describe()} query did not add up to its reference total; see the gaps",),
                )
            )

    lines = [_make_line(label, "value", by_month, months, section_total) for label, by_month in values.items()]
    if dimension == "month":
        lines.sort(key=lambda line: line.label)
    else:
        lines.sort(key=lambda line: (-line.total, line.label))
    if seen_untagged:
        lines.append(_make_line(UNTAGGED_LABEL, "untagged", untagged, months, section_total))
    mistagged_values = tuple(
        MistaggedValue(value=value, total=total, problem=problem)
        for (value, problem), total in sorted(bad_values.items(), key=lambda item: (-item[1], item[0]))
    )
    if seen_mistagged:
        detail = tuple(f"{item.value!r}: {item.problem}" for item in mistagged_values)
        lines.append(_make_line(MISTAGGED_LABEL, "mis-tagged", mistagged, months, section_total, detail))
    lines.extend(specials)
    up, down = _movers(dimension, lines, months)
    return Breakdown(
        dimension=dimension,
        lines=tuple(lines),
        mistagged_values=mistagged_values,
        movers_up=up,
        movers_down=down,
    )


def _section(
    currency: str,
    rows: Sequence[CostRow],
    group_by: Sequence[str],
    months: Sequence[str],
    gaps: list[str],
) -> CurrencySection:
    rows_by_partition: dict[Partition, list[CostRow]] = defaultdict(list)
    for row in rows:
        rows_by_partition[partition_of(row)].append(row)
    partitions_by_source: dict[str, list[Partition]] = defaultdict(list)
    for partition in rows_by_partition:
        partitions_by_source[partition.source].append(partition)

    reference_by_month: dict[str, dict[str, Decimal]] = {}
    for source, partitions in partitions_by_source.items():
        # The partition resolving the most dimensions is the reference: it is the one a reader
        # would pick to check the total, and ties go to the first the source produced.
        partitions.sort(key=lambda p: -(len(p.tag_keys) + p.account + p.service))
        reference = partitions[0]
        reference_by_month[source] = _sum_by_month(rows_by_partition[reference], months)
        ref_total = sum(reference_by_month[source].values(), _ZERO)
        for other in partitions[1:]:
            other_by_month = _sum_by_month(rows_by_partition[other], months)
            other_total = sum(other_by_month.values(), _ZERO)
            if other_by_month != reference_by_month[source]:
                gaps.append(
                    f"{source} ({currency}): the {other.describe()} query totals {other_total} but the "
                    f"{reference.describe()} query totals {ref_total}; the difference is shown as its own line"
                )

    by_month = dict.fromkeys(months, _ZERO)
    for source_by_month in reference_by_month.values():
        for month, amount in source_by_month.items():
            by_month[month] += amount
    total = sum(by_month.values(), _ZERO)
    by_source = {source: sum(m.values(), _ZERO) for source, m in reference_by_month.items()}
    breakdowns = tuple(
        _breakdown(dimension, partitions_by_source, rows_by_partition, reference_by_month, months, total)
        for dimension in group_by
    )
    return CurrencySection(
        currency=currency,
        total=total,
        by_month=MappingProxyType(by_month),
        by_source=MappingProxyType(by_source),
        breakdowns=breakdowns,
    )


def build_cost_report(
    rows: Sequence[CostRow],
    *,
    group_by: Sequence[str],
    gaps: Sequence[str] = (),
    months: Sequence[str] | None = None,
    meta: Mapping[str, str] | None = None,
) -> CostReport:
    """Build the report from source rows.

    ``group_by`` lists the breakdowns, each a mandatory tag key or ``account``, ``service`` or
    ``month``. ``gaps`` lists what the sources could not read (shown prominently; the report
    is then not `complete`). ``months`` fixes the report's months (``YYYY-MM``, e.g. every month
    of the requested period, so a month without spend still shows as zero); by default the
    months present in ``rows``. ``meta`` carries display facts such as the period and metric.
    """
    unknown = [d for d in group_by if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown group-by dimension(s) {', '.join(unknown)}; allowed: {', '.join(DIMENSIONS)}")
    if not group_by:
        raise ValueError("group_by needs at least one dimension")
    if len(set(group_by)) != len(group_by):
        raise ValueError("group_by lists a dimension twice")
    row_months = sorted({row.month for row in rows})
    report_months = sorted(set(months or ()) | set(row_months))
    all_gaps = list(gaps)
    by_currency: dict[str, list[CostRow]] = defaultdict(list)
    for row in rows:
        by_currency[row.currency].append(row)
    sections = tuple(
        _section(currency, by_currency[currency], group_by, report_months, all_gaps) for currency in sorted(by_currency)
    )
    return CostReport(
        group_by=tuple(group_by),
        months=tuple(report_months),
        sections=sections,
        gaps=tuple(all_gaps),
        row_count=len(rows),
        meta=MappingProxyType(dict(meta or {})),
    )

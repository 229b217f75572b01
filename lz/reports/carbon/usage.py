"""Usage quantities for the carbon report, from three sources, as `UsageRecord` partitions.

* **Cost Explorer** (``aws-ce``): ``get_cost_and_usage`` with the ``UsageQuantity`` metric. One
  query grouped by SERVICE and USAGE_TYPE gives the whole account's usage; Cost Explorer allows
  only two GroupBy dimensions, so each tag key is then asked per service (filtered by SERVICE,
  grouped by the tag and USAGE_TYPE) so that every tagged quantity keeps its service. Every page
  goes through `call_with_retries`; a query that still fails becomes a stated gap.
* **CUR 2.0 rows** (``cur``): ``line_item_usage_type``, ``line_item_usage_amount``,
  ``line_item_product_code``, ``product_region_code`` (or legacy ``product_region``) and the
  ``resource_tags`` map, from a list of dicts or a Parquet/CSV export read with DuckDB.
* **A plan** (``plan``): the usage every planned resource would have in a month, from
  `lz.estimate.plan_estimate.plan_usage_records` (usage-based quantities are labelled
  assumptions).

Each source yields one record list per *dimension* (``service`` or a tag key). For CUR and plans
the lists are the same records; for Cost Explorer they are alternative partitions of the same
usage, one per query.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final, TypeVar

from lz.estimate.carbon import UsageRecord, infer_unit, product_code
from lz.reports.retry import ExpiredCredentialsError, ReportSourceError, call_with_retries

__all__ = [
    "SERVICE",
    "UNTAGGED",
    "CurReadError",
    "UsageData",
    "load_ce_usage",
    "load_cur_rows",
    "load_plan_json",
    "plan_usage",
    "read_cur_file",
]

T = TypeVar("T")

#: The non-tag dimension.
SERVICE: Final = "service"
#: Tag value of usage on resources without the tag.
UNTAGGED: Final = ""

#: CUR line item types that are usage (the rest are fees, credits, taxes and refunds).
USAGE_LINE_ITEM_TYPES: Final = frozenset({"Usage", "DiscountedUsage", "SavingsPlanCoveredUsage"})

Retry = Callable[..., Any]


class CurReadError(ValueError):
    """A CUR export could not be read at all (bad path, format or columns)."""


@dataclass
class UsageData:
    """Usage records per dimension, plus what could not be read."""

    source: str
    """Required. ``aws-ce``, ``cur`` or ``plan``."""
    start: date | None
    end: date | None
    partitions: dict[str, list[UsageRecord]]
    """Required. Dimension (``service`` or a tag key) -> records."""
    gaps: list[str] = field(default_factory=list)
    """Reads that failed; a report with gaps is incomplete and says so."""
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.gaps


# -- Cost Explorer ----------------------------------------------------------------------------


def _amount(metrics: Mapping[str, Any]) -> tuple[float, str]:
    usage = metrics.get("UsageQuantity") or {}
    return float(usage.get("Amount") or 0.0), str(usage.get("Unit") or "")


def _tag_value(key: str) -> str:
    """Cost Explorer labels tag groups ``<key>$<value>``; ``<key>$`` is the untagged bucket."""
    _, sep, value = key.partition("$")
    return value if sep else key


def _pages(client: Any, request: Mapping[str, Any], what: str, retry: Retry) -> list[Mapping[str, Any]]:
    """Every page of one get_cost_and_usage query."""
    pages: list[Mapping[str, Any]] = []
    token: str | None = None
    number = 1
    while True:
        kwargs = dict(request)
        if token:
            kwargs["NextPageToken"] = token
        page = retry(lambda kwargs=kwargs: client.get_cost_and_usage(**kwargs), what=f"{what}, page {number}")
        pages.append(page)
        token = page.get("NextPageToken")
        if not token:
            return pages
        number += 1


def _sum_groups(pages: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], tuple[float, str]]:
    """(first key, second key) -> (quantity summed over the periods, unit)."""
    totals: dict[tuple[str, str], tuple[float, str]] = {}
    for page in pages:
        for period in page.get("ResultsByTime", []):
            for group in period.get("Groups", []):
                keys = list(group.get("Keys", []))
                if len(keys) != 2:
                    continue
                quantity, unit = _amount(group.get("Metrics", {}))
                pair = (str(keys[0]), str(keys[1]))
                previous, previous_unit = totals.get(pair, (0.0, ""))
                chosen = previous_unit if previous_unit and previous_unit != "N/A" else unit
                totals[pair] = (previous + quantity, chosen)
    return totals


def load_ce_usage(
    client: Any,
    *,
    start: date,
    end: date,
    dimensions: Sequence[str],
    retry: Retry = call_with_retries,
) -> UsageData:
    """Usage quantities from Cost Explorer for [start, end), one partition per dimension.

    ``client`` is a boto3 Cost Explorer client (its own retries switched off, see
    `lz.reports.retry`). ``retry`` is `call_with_retries` or a test's wrapper of it.
    """
    period = {"Start": start.isoformat(), "End": end.isoformat()}
    base = {"TimePeriod": period, "Granularity": "MONTHLY", "Metrics": ["UsageQuantity"]}
    data = UsageData(source="aws-ce", start=start, end=end, partitions={})
    what = "Cost Explorer usage by service and usage type"
    try:
        pages = _pages(
            client,
            {**base, "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}]},
            what,
            retry,
        )
    except ReportSourceError as error:
        data.gaps.append(str(error))
        for dimension in dimensions:
            data.partitions[dimension] = []
        if any(d != SERVICE for d in dimensions):
            data.gaps.append("Cost Explorer usage by tag: not read (the service list could not be read)")
        return data
    by_service = _sum_groups(pages)
    data.partitions[SERVICE] = [
        UsageRecord(service=service, usage_type=usage_type, quantity=quantity, unit=unit)
        for (service, usage_type), (quantity, unit) in sorted(by_service.items())
    ]
    services = sorted({service for service, _ in by_service})
    stopped: str | None = None
    for tag in (d for d in dimensions if d != SERVICE):
        records: list[UsageRecord] = []
        for service in services:
            what = f"Cost Explorer usage by tag {tag!r} for {service}"
            if stopped is not None:
                data.gaps.append(f"{what}: not read ({stopped})")
                continue
            request = {
                **base,
                "Filter": {"Dimensions": {"Key": "SERVICE", "Values": [service], "MatchOptions": ["EQUALS"]}},
                "GroupBy": [{"Type": "TAG", "Key": tag}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}],
            }
            try:
                tag_pages = _pages(client, request, what, retry)
            except ExpiredCredentialsError as error:
                data.gaps.append(str(error))
                stopped = "credentials expired"
                continue
            except ReportSourceError as error:
                data.gaps.append(str(error))
                continue
            for (tag_key, usage_type), (quantity, unit) in sorted(_sum_groups(tag_pages).items()):
                records.append(
                    UsageRecord(
                        service=service,
                        usage_type=usage_type,
                        quantity=quantity,
                        unit=unit,
                        tags={tag: _tag_value(tag_key)},
                    )
                )
        data.partitions[tag] = records
    if SERVICE not in dimensions:
        data.notes.append("totals come from the service partition, which is always read")
    return data


# -- CUR ----------------------------------------------------------------------------------------


def _normalise_tag_key(key: str) -> str:
    return "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in key)


def _tags_of(value: Any) -> dict[str, str]:
    """The resource_tags map as a dict, whatever shape the reader gave it."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    if isinstance(value, Mapping):
        if set(value) == {"key", "value"} and isinstance(value.get("key"), list):
            return {str(k): str(v) for k, v in zip(value["key"], value["value"], strict=False) if v is not None}
        return {str(k): str(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        pairs: dict[str, str] = {}
        for item in value:
            if isinstance(item, Mapping) and "key" in item:
                if item.get("value") is not None:
                    pairs[str(item["key"])] = str(item["value"])
            elif isinstance(item, list | tuple) and len(item) == 2 and item[1] is not None:
                pairs[str(item[0])] = str(item[1])
        return pairs
    return {}


def _tag(tags: Mapping[str, str], key: str) -> str:
    """A tag's value from a CUR tag map: plain key, ``user_<key>`` or its normalised form."""
    for candidate in (
        key,
        f"user_{key}",
        f"user_{_normalise_tag_key(key)}",
        f"resource_tags_user_{_normalise_tag_key(key)}",
    ):
        value = tags.get(candidate)
        if value:
            return value
    return UNTAGGED


def load_cur_rows(
    rows: Iterable[Mapping[str, Any]], *, dimensions: Sequence[str], start: date | None = None, end: date | None = None
) -> UsageData:
    """Usage records from CUR 2.0 rows (dicts keyed by column name)."""
    records: list[UsageRecord] = []
    skipped = 0
    tag_keys = [d for d in dimensions if d != SERVICE]
    for row in rows:
        item_type = row.get("line_item_line_item_type")
        if item_type and item_type not in USAGE_LINE_ITEM_TYPES:
            continue
        usage_type = row.get("line_item_usage_type")
        amount = row.get("line_item_usage_amount")
        if not usage_type or amount is None:
            skipped += 1
            continue
        tags = _tags_of(row.get("resource_tags"))
        region = row.get("product_region_code") or row.get("product_region") or None
        unit = str(row.get("pricing_unit") or infer_unit(str(usage_type)))
        records.append(
            UsageRecord(
                service=str(row.get("line_item_product_code") or ""),
                usage_type=str(usage_type),
                quantity=float(amount),
                unit=unit,
                region=str(region) if region else None,
                tags={key: _tag(tags, key) for key in tag_keys},
                label=str(row.get("line_item_resource_id") or ""),
            )
        )
    data = UsageData(source="cur", start=start, end=end, partitions={d: records for d in dimensions})
    if SERVICE not in data.partitions:
        data.partitions[SERVICE] = records
    if skipped:
        data.notes.append(f"{skipped} CUR rows without a usage type or amount were skipped")
    return data


def _to_datetime(value: date) -> datetime:
    return datetime(value.year, value.month, value.day)


def read_cur_file(path: Path, *, start: date | None = None, end: date | None = None) -> list[dict[str, Any]]:
    """CUR 2.0 rows from a Parquet or CSV export (a file, or a glob such as ``export/*.parquet``),
    filtered to line items that started in [start, end) when the export has the date column."""
    import duckdb

    text = str(path)
    if text.endswith((".parquet", ".parq")) or text.endswith("*.parquet"):
        reader = "read_parquet(?)"
    elif text.endswith((".csv", ".csv.gz")) or text.endswith("*.csv"):
        reader = "read_csv_auto(?, header = true)"
    else:
        raise CurReadError(f"{path}: expected a .parquet or .csv CUR export")
    if "*" not in text and not Path(text).is_file():
        raise CurReadError(f"{path}: no such file")
    connection = duckdb.connect()
    try:
        columns = [row[0] for row in connection.execute(f"DESCRIBE SELECT * FROM {reader}", [text]).fetchall()]
        required = {"line_item_usage_type", "line_item_usage_amount", "line_item_product_code"}
        missing = sorted(required - set(columns))
        if missing:
            raise CurReadError(f"{path}: not a CUR 2.0 export, missing columns {', '.join(missing)}")
        wanted = [
            c
            for c in (
                "line_item_usage_type",
                "line_item_usage_amount",
                "line_item_product_code",
                "product_region_code",
                "product_region",
                "resource_tags",
                "line_item_line_item_type",
                "line_item_resource_id",
                "pricing_unit",
            )
            if c in columns
        ]
        where: list[str] = []
        params: list[Any] = [text]
        if "line_item_usage_start_date" in columns and start is not None and end is not None:
            started = "CAST(line_item_usage_start_date AS TIMESTAMP)"
            where.append(f"{started} >= ? AND {started} < ?")
            params += [_to_datetime(start), _to_datetime(end)]
        query = f"SELECT {', '.join(wanted)} FROM {reader}" + (f" WHERE {' AND '.join(where)}" if where else "")
        result = connection.execute(query, params)
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    except duckdb.Error as error:
        raise CurReadError(f"{path}: cannot read the CUR export: {error}") from None
    finally:
        connection.close()


# -- plans --------------------------------------------------------------------------------------


def load_plan_json(path: Path) -> list[Any]:
    """The stacks of an ``lz plan --json`` file as `StackPlan` objects (resources rebuilt from
    their recorded inputs; secrets stay masked, which the estimate never needs)."""
    from lz.plan.model import PlannedResource, StackPlan

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"{path}: cannot read the plan JSON: {error}") from None
    stacks = data.get("stacks") if isinstance(data, Mapping) else None
    if not isinstance(stacks, list):
        raise ValueError(f"{path}: expected an `lz plan --json` file with a 'stacks' list")
    plans = []
    for index, stack in enumerate(stacks):
        if not isinstance(stack, Mapping) or not isinstance(stack.get("resources"), list):
            raise ValueError(f"{path}: stacks[{index}] has no resources list")
        resources = []
        for item in stack["resources"]:
            if not isinstance(item, Mapping) or "type" not in item:
                raise ValueError(f"{path}: stacks[{index}] has a resource without a type")
            resources.append(
                PlannedResource(
                    urn=str(item.get("urn", "")),
                    type=str(item["type"]),
                    name=str(item.get("name", "")),
                    custom=bool(item.get("custom", True)),
                    parent=item.get("parent"),
                    provider=item.get("provider"),
                    dependencies=list(item.get("dependencies", [])),
                    property_dependencies=dict(item.get("property_dependencies", {})),
                    raw_inputs=dict(item.get("inputs", {})),
                    options=dict(item.get("options", {})),
                )
            )
        plans.append(
            StackPlan(
                name=str(stack.get("name", f"stack-{index}")),
                kind=stack.get("kind", "program"),
                project=str(stack.get("project", "")),
                resources=resources,
                outputs=dict(stack.get("outputs", {})),
                source=str(stack.get("source", "")),
                metadata=dict(stack.get("metadata", {})),
            )
        )
    return plans


def plan_usage(plans: Sequence[Any], *, dimensions: Sequence[str], hours_per_month: float) -> UsageData:
    """Usage records of planned stacks (one month), tagged from each resource's ``tags`` input."""
    from lz.estimate.plan_estimate import plan_usage_records

    records: list[UsageRecord] = []
    tag_keys = [d for d in dimensions if d != SERVICE]
    for plan in plans:
        for record in plan_usage_records(plan, hours_per_month=hours_per_month):
            tags = {key: record.tags.get(key, UNTAGGED) for key in tag_keys}
            records.append(
                UsageRecord(
                    service=product_code(record.service),
                    usage_type=record.usage_type,
                    quantity=record.quantity,
                    unit=record.unit,
                    cloud=record.cloud,
                    region=record.region,
                    tags=tags,
                    label=f"{plan.name}/{record.label}",
                    assumption=record.assumption,
                )
            )
    data = UsageData(source="plan", start=None, end=None, partitions={d: records for d in dimensions})
    if SERVICE not in data.partitions:
        data.partitions[SERVICE] = records
    data.notes.append("planned usage for one month; usage-based quantities are the estimator's labelled defaults")
    return data

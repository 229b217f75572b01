"""The dated list-price table (`lz/data/prices.json`): loading, lookup and currency conversion.

The table is small on purpose: a row per thing the landing-zone modules create, each with the
source it was confirmed against. A row that could not be confirmed is absent (it is listed under
``not_included`` with the reason), so the estimator reports the item as *unpriced* instead of
guessing. AWS rows are USD, as AWS lists them; Azure rows are GBP, as the Azure Retail Prices
API returns them with ``currencyCode=GBP``. USD amounts become GBP with the one exchange rate
stored in the file (``fx``), so every figure can be recomputed from the file alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Final

__all__ = [
    "PRICE_UNITS",
    "PriceRow",
    "PriceTable",
    "PriceTableError",
    "load_price_table",
]

#: Units a row may be priced in (our vocabulary; the refresh script maps the API units onto it).
PRICE_UNITS: Final[frozenset[str]] = frozenset(
    {"hour", "GB-month", "GB", "request", "key-month", "secret-month", "10K operations"}
)
_CURRENCIES: Final = frozenset({"USD", "GBP"})


class PriceTableError(ValueError):
    """The price table is malformed; `problems` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class PriceRow:
    """One confirmed list price."""

    id: str
    """Required. Stable key, e.g. ``aws/eu-west-2/rds/storage/gp3``; line items cite it."""
    provider: str
    """Required. ``aws`` or ``azure``."""
    region: str
    """Required. Cloud region, or ``global`` for services priced globally (CloudFront)."""
    service: str
    """Required. AWS offer code or Azure service name."""
    description: str
    """Required. What the price is for, in words."""
    unit: str
    """Required. One of `PRICE_UNITS`."""
    unit_price: float
    """Required. Price per `unit` in `currency`."""
    currency: str
    """Required. ``USD`` or ``GBP``."""
    source: str
    """Required. Key into `PriceTable.sources`."""
    usage_type: str = ""
    """Optional. The AWS usage type (or Azure meter name) the price belongs to."""
    selector: Mapping[str, Any] = field(default_factory=dict)
    """Optional. How scripts/refresh_prices.py finds the row in the price API."""


@dataclass(frozen=True)
class PriceTable:
    """The whole table: rows by id, their sources, the exchange rate and the dates."""

    version: str
    as_of: date
    hours_per_month: float
    usd_per_gbp: float
    fx: Mapping[str, Any]
    sources: Mapping[str, Mapping[str, Any]]
    rows: Mapping[str, PriceRow]
    not_included: Mapping[str, str]
    """Row ids deliberately absent (not confirmed), with the reason."""

    def get(self, row_id: str) -> PriceRow | None:
        return self.rows.get(row_id)

    def why_missing(self, row_id: str) -> str:
        """The reason a row is absent, for the estimator's "unpriced" entries."""
        reason = self.not_included.get(row_id)
        if reason:
            return f"no confirmed price for {row_id} in the price table ({reason})"
        return f"no row {row_id} in the price table"

    def to_gbp(self, amount: float, currency: str) -> float:
        """Convert an amount in a row's currency to GBP at the table's stored rate."""
        if currency == "GBP":
            return amount
        if currency == "USD":
            return amount / self.usd_per_gbp
        raise PriceTableError([f"cannot convert currency {currency!r} to GBP"])

    def age_days(self, today: date) -> int:
        return (today - self.as_of).days

    def source_summary(self, row: PriceRow) -> str:
        source = self.sources.get(row.source, {})
        title = str(source.get("title", row.source))
        retrieved = source.get("retrieved")
        return f"{title} (retrieved {retrieved})" if retrieved else title


def _problems(data: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    for key in ("version", "as_of", "fx", "sources", "rows", "hours_per_month"):
        if key not in data:
            problems.append(f"missing top-level key {key!r}")
    if problems:
        return problems
    fx = data["fx"]
    if not isinstance(fx, Mapping) or not isinstance(fx.get("usd_per_gbp"), int | float) or fx["usd_per_gbp"] <= 0:
        problems.append("fx.usd_per_gbp must be a positive number")
    elif fx.get("source") not in data["sources"]:
        problems.append(f"fx.source {fx.get('source')!r} is not a key of sources")
    for key, source in data["sources"].items():
        if not isinstance(source, Mapping) or not source.get("title") or not source.get("url"):
            problems.append(f"source {key!r} needs a title and a url")
        elif not source.get("retrieved"):
            problems.append(f"source {key!r} needs a retrieval date")
    seen: set[str] = set()
    for index, row in enumerate(data["rows"]):
        where = f"rows[{index}]"
        if not isinstance(row, Mapping):
            problems.append(f"{where} is not an object")
            continue
        row_id = row.get("id")
        if not isinstance(row_id, str) or not row_id:
            problems.append(f"{where} has no id")
            continue
        if row_id in seen:
            problems.append(f"{where}: duplicate id {row_id!r}")
        seen.add(row_id)
        for key in ("provider", "region", "service", "description", "unit", "currency", "source"):
            if not isinstance(row.get(key), str) or not row.get(key):
                problems.append(f"{row_id}: missing {key}")
        price = row.get("unit_price")
        if not isinstance(price, int | float) or isinstance(price, bool) or price < 0:
            problems.append(f"{row_id}: unit_price must be a number >= 0")
        if row.get("unit") not in PRICE_UNITS:
            problems.append(f"{row_id}: unit {row.get('unit')!r} is not one of {sorted(PRICE_UNITS)}")
        if row.get("currency") not in _CURRENCIES:
            problems.append(f"{row_id}: currency must be USD or GBP")
        if row.get("source") not in data["sources"]:
            problems.append(f"{row_id}: source {row.get('source')!r} is not a key of sources")
    for entry in data.get("not_included", []):
        if not isinstance(entry, Mapping) or not entry.get("id") or not entry.get("reason"):
            problems.append("not_included entries need an id and a reason")
        elif entry["id"] in seen:
            problems.append(f"{entry['id']} is both a row and not_included")
    return problems


def parse_price_table(data: Mapping[str, Any]) -> PriceTable:
    """Validate the decoded JSON and build a `PriceTable`; `PriceTableError` lists all problems."""
    problems = _problems(data)
    if problems:
        raise PriceTableError(problems)
    try:
        as_of = date.fromisoformat(str(data["as_of"]))
    except ValueError:
        raise PriceTableError([f"as_of {data['as_of']!r} is not an ISO date"]) from None
    rows = {
        row["id"]: PriceRow(
            id=row["id"],
            provider=row["provider"],
            region=row["region"],
            service=row["service"],
            description=row["description"],
            unit=row["unit"],
            unit_price=float(row["unit_price"]),
            currency=row["currency"],
            source=row["source"],
            usage_type=str(row.get("usage_type", "")),
            selector=dict(row.get("selector", {})),
        )
        for row in data["rows"]
    }
    return PriceTable(
        version=str(data["version"]),
        as_of=as_of,
        hours_per_month=float(data["hours_per_month"]),
        usd_per_gbp=float(data["fx"]["usd_per_gbp"]),
        fx=dict(data["fx"]),
        sources={k: dict(v) for k, v in data["sources"].items()},
        rows=rows,
        not_included={e["id"]: e["reason"] for e in data.get("not_included", [])},
    )


def load_price_table(path: Path | None = None) -> PriceTable:
    """The table from ``path``, or the packaged ``lz/data/prices.json`` by default."""
    if path is None:
        text = resources.files("lz").joinpath("data", "prices.json").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise PriceTableError([f"price table is not valid JSON: {exc}"]) from None
    if not isinstance(data, Mapping):
        raise PriceTableError(["price table must be a JSON object"])
    return parse_price_table(data)

"""The one shape every cost source produces: `CostRow`, an amount of spend in one month.

Sources (Cost Explorer, CUR 2.0, Azure Cost Management) return rows already aggregated by the
dimensions the report needs. Two conventions make rows from different sources comparable:

* **Tags.** ``tags`` holds the tag keys the source query grouped by. A value of ``""``
  (`UNTAGGED`) means the resource had no value for that key; a key that is absent means the
  query did not group by it at all.
* **Dimensions not grouped.** The API sources can only group by two things per query (Cost
  Explorer and Cost Management both cap ``GroupBy`` at two), so a query grouped by tag and
  account cannot also say which service the spend was for. Such rows carry `NOT_GROUPED` in
  ``service`` (or ``account``).

Because of that cap, an API source answers a report grouped by several tag keys with one
query per key, and each query's rows add up to the same spend: they are *alternative
partitions* of it, not extra spend. `partition_of` names the partition a row belongs to;
`lz.reports.cost.report` counts each source's spend once and checks the partitions agree.

Amounts are `decimal.Decimal`, never float: totals must reconcile exactly with the sources.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Final, Literal

from lz.tags import MANDATORY_TAG_KEYS

__all__ = [
    "DIMENSIONS",
    "NON_TAG_DIMENSIONS",
    "NOT_GROUPED",
    "UNTAGGED",
    "ApiQuery",
    "Cloud",
    "CostRow",
    "Partition",
    "SourceResult",
    "partition_of",
    "plan_api_queries",
]

Cloud = Literal["aws", "azure"]

#: The tag value of spend on resources that do not carry the tag key.
UNTAGGED: Final = ""

#: The value of ``account`` or ``service`` when the source query did not group by it.
NOT_GROUPED: Final = "*"

#: Dimensions a report can be grouped by besides the mandatory tag keys.
NON_TAG_DIMENSIONS: Final[tuple[str, ...]] = ("account", "service", "month")

#: Every accepted ``--group-by`` value, tag keys first (in the contract's order).
DIMENSIONS: Final[tuple[str, ...]] = (*MANDATORY_TAG_KEYS, *NON_TAG_DIMENSIONS)

_MONTH: Final = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class CostRow:
    """Spend of one (source, account, service, month, tag values, currency) combination."""

    source: str
    """Required. Where the row came from, e.g. ``aws-ce``, ``aws-cur``, ``azure``."""
    cloud: Cloud
    """Required. ``aws`` or ``azure``."""
    account: str
    """Required. AWS account ID or Azure subscription ID, or `NOT_GROUPED`."""
    service: str
    """Required. Cloud service (CE service name, CUR product code, Azure ServiceName), or `NOT_GROUPED`."""
    month: str
    """Required. Usage month as ``YYYY-MM``."""
    tags: Mapping[str, str]
    """Required. Tag key -> value for the keys the source grouped by; `UNTAGGED` for no value."""
    amount: Decimal
    """Required. Spend in ``currency``; may be negative (credits, refunds)."""
    currency: str
    """Required. ISO 4217 code as the source reports it, e.g. ``USD``, ``GBP``."""

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"CostRow.amount must be a Decimal, got {type(self.amount).__name__}")
        if not self.amount.is_finite():
            raise ValueError(f"CostRow.amount must be finite, got {self.amount}")
        if _MONTH.fullmatch(self.month) is None:
            raise ValueError(f"CostRow.month must be YYYY-MM, got {self.month!r}")
        if self.cloud not in ("aws", "azure"):
            raise ValueError(f"CostRow.cloud must be 'aws' or 'azure', got {self.cloud!r}")
        # A read-only copy: rows are shared between report sections and must not change.
        object.__setattr__(self, "tags", MappingProxyType(dict(self.tags)))


@dataclass(frozen=True, order=True)
class Partition:
    """Which dimensions a row's source query resolved: rows of one partition never overlap."""

    source: str
    currency: str
    tag_keys: tuple[str, ...]
    account: bool
    service: bool

    def resolves(self, dimension: str) -> bool:
        """True when rows of this partition can be broken down by ``dimension``."""
        if dimension == "month":
            return True
        if dimension == "account":
            return self.account
        if dimension == "service":
            return self.service
        return dimension in self.tag_keys

    def describe(self) -> str:
        parts = [*self.tag_keys]
        if self.account:
            parts.append("account")
        if self.service:
            parts.append("service")
        return " × ".join(parts) if parts else "total"


def partition_of(row: CostRow) -> Partition:
    """The partition a row belongs to (see the module docstring)."""
    return Partition(
        source=row.source,
        currency=row.currency,
        tag_keys=tuple(sorted(row.tags)),
        account=row.account != NOT_GROUPED,
        service=row.service != NOT_GROUPED,
    )


@dataclass(frozen=True)
class ApiQuery:
    """One grouped query for an API source that allows at most two group-bys per call."""

    tag_key: str | None
    """Optional. The tag key grouped by, or None for a query grouped by dimensions only."""
    dimensions: tuple[Literal["account", "service"], ...]
    """Required. The non-tag dimensions grouped by (month comes from monthly granularity)."""

    def describe(self) -> str:
        parts = ([f"tag {self.tag_key}"] if self.tag_key else []) + list(self.dimensions)
        return " × ".join(parts)


def plan_api_queries(group_by: tuple[str, ...] | list[str]) -> list[ApiQuery]:
    """The queries an API source runs for a report grouped by ``group_by``.

    One query per tag key, grouped by that key and the account; plus one grouped by account and
    service when the report breaks down by service or by no tag at all. Month is never a group-by:
    every query uses monthly granularity.
    """
    tag_keys = [d for d in group_by if d not in NON_TAG_DIMENSIONS]
    queries = [ApiQuery(tag_key=key, dimensions=("account",)) for key in tag_keys]
    if "service" in group_by or not tag_keys:
        queries.append(ApiQuery(tag_key=None, dimensions=("account", "service")))
    return queries


@dataclass
class SourceResult:
    """What one source read: its rows, and every part it could not read (``gaps``)."""

    rows: list[CostRow]
    gaps: list[str]
    credentials_expired: bool = False

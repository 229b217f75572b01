"""Azure Cost Management source: the Query API grouped by tag and subscription, every page.

Uses the real ``azure-mgmt-costmanagement`` client (``CostManagementClient.query.usage``) so
request serialisation, authentication and error mapping are the SDK's. Two things the SDK does
not do are done here:

* **Paging.** The Query API returns ``properties.nextLink`` but the operation is not marked
  pageable in the REST spec, so the SDK returns the first page only (Azure/azure-sdk-for-python
  issue #23175, Azure/azure-rest-api-specs issue #22528: "invoke the Cost management query API,
  get the NextLink marker and enumerate through it until the provided nextLink is null"). The
  ``$skiptoken`` of each ``nextLink`` is sent back with the same query body.
* **Exact amounts.** The SDK deserialises row values as floats; the raw JSON body is parsed here
  with ``parse_float=Decimal`` instead, so amounts are exactly what the service sent.

Like Cost Explorer, a query takes at most two groupings, so one query runs per tag key
(``TagKey`` + ``SubscriptionId``), plus ``SubscriptionId`` + ``ServiceName`` when services are
needed. ``AmortizedCost`` or ``ActualCost`` with ``Monthly`` granularity (REST reference:
"Query - Usage", learn.microsoft.com/rest/api/cost-management/query/usage).

The SDK's own retry policy is disabled (``retry_total=0``): `call_with_retries` retries 429s
(honouring ``Retry-After``) and 5xx with injectable sleeps. Credentials come from
``DefaultAzureCredential`` unless a credential is passed in.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

from lz.reports.cost.model import NOT_GROUPED, UNTAGGED, ApiQuery, CostRow, SourceResult, plan_api_queries
from lz.reports.retry import ExpiredCredentialsError, ReportSourceError, call_with_retries

__all__ = ["AZURE_COST_TYPES", "SOURCE", "cost_management_client", "parse_query_page", "read_azure_costs"]

SOURCE: Final = "azure"

#: ``--metric`` value -> Cost Management query type.
AZURE_COST_TYPES: Final[dict[str, str]] = {"amortised": "AmortizedCost", "unblended": "ActualCost"}

_DIMENSIONS: Final[dict[str, str]] = {"account": "SubscriptionId", "service": "ServiceName"}
_COST_COLUMNS: Final[tuple[str, ...]] = ("Cost", "PreTaxCost", "CostUSD", "PreTaxCostUSD")
_MONTH_COLUMNS: Final[tuple[str, ...]] = ("BillingMonth", "UsageDate")


def cost_management_client(credential: Any | None = None, **kwargs: Any) -> Any:
    """A Cost Management client with the SDK's retries off (ours count and sleep instead)."""
    from azure.mgmt.costmanagement import CostManagementClient

    if credential is None:
        from azure.identity import DefaultAzureCredential

        credential = DefaultAzureCredential()
    kwargs.setdefault("retry_total", 0)
    return CostManagementClient(credential, **kwargs)


def _definition(query: ApiQuery, *, start: date, end: date, cost_type: str, cost_column: str) -> Any:
    from azure.mgmt.costmanagement.models import (
        QueryAggregation,
        QueryDataset,
        QueryDefinition,
        QueryGrouping,
        QueryTimePeriod,
    )

    grouping = []
    if query.tag_key is not None:
        grouping.append(QueryGrouping(type="TagKey", name=query.tag_key))
    grouping.extend(QueryGrouping(type="Dimension", name=_DIMENSIONS[d]) for d in query.dimensions)
    last_day = end - timedelta(days=1)
    return QueryDefinition(
        type=cost_type,
        timeframe="Custom",
        time_period=QueryTimePeriod(
            from_property=datetime(start.year, start.month, start.day, tzinfo=UTC),
            to=datetime(last_day.year, last_day.month, last_day.day, 23, 59, 59, tzinfo=UTC),
        ),
        dataset=QueryDataset(
            granularity="Monthly",
            aggregation={"totalCost": QueryAggregation(name=cost_column, function="Sum")},
            grouping=grouping,
        ),
    )


def _month(value: Any) -> str:
    """``BillingMonth``/``UsageDate`` -> ``YYYY-MM``: ISO text (``2025-01-01T00:00:00``) or ``20250101``."""
    text = str(value).strip()
    if text.isdigit() and len(text) == 8:
        return f"{text[:4]}-{text[4:6]}"
    if len(text) >= 7 and text[4] == "-":
        return text[:7]
    raise ValueError(f"unrecognised month value {value!r}")


def parse_query_page(body: dict[str, Any], query: ApiQuery, scope: str) -> tuple[list[CostRow], str | None]:
    """Rows of one Query API response body (parsed with Decimal floats), and its nextLink."""
    properties = body.get("properties") or {}
    columns = [str(c["name"]) for c in properties.get("columns") or []]
    index = {name.lower(): i for i, name in enumerate(columns)}

    def column(*names: str) -> int | None:
        return next((index[n.lower()] for n in names if n.lower() in index), None)

    cost_at = column(*_COST_COLUMNS)
    month_at = column(*_MONTH_COLUMNS)
    currency_at = column("Currency", "BillingCurrency")
    if cost_at is None or month_at is None:
        raise ValueError(f"the response for {scope} has no cost or month column (columns: {', '.join(columns)})")
    tag_at = column("TagValue", query.tag_key) if query.tag_key else None
    dim_at = {d: column(_DIMENSIONS[d]) for d in query.dimensions}
    rows: list[CostRow] = []
    for raw in properties.get("rows") or []:
        amount = raw[cost_at]
        tags: dict[str, str] = {}
        if query.tag_key is not None:
            value = raw[tag_at] if tag_at is not None else None
            tags[query.tag_key] = str(value) if value not in (None, "") else UNTAGGED
        values = {"account": NOT_GROUPED, "service": NOT_GROUPED}
        for dimension, at in dim_at.items():
            values[dimension] = str(raw[at]) if at is not None and raw[at] is not None else ""
        rows.append(
            CostRow(
                source=SOURCE,
                cloud="azure",
                account=values["account"],
                service=values["service"],
                month=_month(raw[month_at]),
                tags=tags,
                amount=amount if isinstance(amount, Decimal) else Decimal(str(amount)),
                currency=str(raw[currency_at]) if currency_at is not None else "USD",
            )
        )
    next_link = properties.get("nextLink")
    return rows, str(next_link) if next_link else None


def _skiptoken(next_link: str) -> str:
    values = parse_qs(urlsplit(next_link).query).get("$skiptoken")
    if not values:
        raise ValueError(f"nextLink has no $skiptoken: {next_link}")
    return values[0]


def _raw_body(pipeline_response: Any, _deserialized: Any, _headers: Any) -> dict[str, Any]:
    body = json.loads(pipeline_response.http_response.text(), parse_float=Decimal)
    return body if isinstance(body, dict) else {}


def read_azure_costs(
    *,
    scopes: Sequence[str],
    start: date,
    end: date,
    group_by: Sequence[str],
    metric: str = "amortised",
    client: Any | None = None,
    credential: Any | None = None,
    cost_column: str = "PreTaxCost",
    attempts: int = 5,
    base_delay: float = 0.5,
    sleep: Callable[[float], Any] = time.sleep,
) -> SourceResult:
    """Read spend for each scope (e.g. ``/subscriptions/<id>``), every page of every query.

    A scope/query that fails after retries is a gap and contributes no rows; expired
    credentials stop the source (every later read would fail the same way) and are flagged.
    """
    if metric not in AZURE_COST_TYPES:
        raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(AZURE_COST_TYPES)}")
    client = client if client is not None else cost_management_client(credential)
    result = SourceResult(rows=[], gaps=[])
    queries = plan_api_queries(list(group_by))
    work = [(scope.strip("/"), query) for scope in scopes for query in queries]
    for position, (scope, query) in enumerate(work):
        definition = _definition(
            query, start=start, end=end, cost_type=AZURE_COST_TYPES[metric], cost_column=cost_column
        )
        what = f"{SOURCE}: /{scope} query grouped by {query.describe()}"
        rows: list[CostRow] = []
        params: dict[str, str] = {}
        page_number = 1
        try:
            while True:
                body = call_with_retries(
                    functools.partial(client.query.usage, scope, definition, params=dict(params), cls=_raw_body),
                    what=f"{what}, page {page_number}",
                    attempts=attempts,
                    base_delay=base_delay,
                    sleep=sleep,
                )
                page_rows, next_link = parse_query_page(body or {}, query, scope)
                rows.extend(page_rows)
                if not next_link:
                    break
                params = {"$skiptoken": _skiptoken(next_link)}
                page_number += 1
        except ExpiredCredentialsError as error:
            result.credentials_expired = True
            result.gaps.append(f"{error} ({len(rows)} rows from earlier pages discarded)")
            result.gaps.extend(
                f"{SOURCE}: /{later_scope} query grouped by {later.describe()}: not read, credentials expired"
                for later_scope, later in work[position + 1 :]
            )
            return result
        except ReportSourceError as error:
            result.gaps.append(f"{error} (scope skipped for this query; {len(rows)} rows from earlier pages discarded)")
            continue
        except ValueError as error:
            result.gaps.append(f"{what}: {error}")
            continue
        result.rows.extend(rows)
    return result

"""AWS Cost Explorer source: ``GetCostAndUsage`` grouped by tag and linked account, every page.

Cost Explorer groups by at most two keys per call (``GroupBy`` takes "up to two different
groups"), so the report runs one query per tag key, grouped by that key and ``LINKED_ACCOUNT``,
and one grouped by ``LINKED_ACCOUNT`` and ``SERVICE`` when it needs services
(`lz.reports.cost.model.plan_api_queries`). Granularity is ``MONTHLY``; every page is read by
following ``NextPageToken`` until it is absent.

Tag group keys come back as ``"<key>$<value>"``; ``"<key>$"`` is spend on resources without the
tag (Cost Explorer's "No tag" bucket). Metrics: ``AmortizedCost`` (reservations and savings
plans spread over their term) or ``UnblendedCost`` (charged when incurred).

A query is all or nothing: if any page fails after retries its rows are dropped and the query
is listed as a gap, so no breakdown is silently built from part of the pages.

References: AWS Cost Explorer API Reference, GetCostAndUsage (request ``GroupBy``, ``NextPageToken``;
response ``ResultsByTime[].Groups[].Keys`` / ``Metrics``) and the Cost Explorer user guide on
cost allocation tags ("No tag" values).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final

from lz.reports.cost.model import NOT_GROUPED, UNTAGGED, ApiQuery, CostRow, SourceResult, plan_api_queries
from lz.reports.retry import ExpiredCredentialsError, ReportSourceError, call_with_retries

if TYPE_CHECKING:
    import boto3

__all__ = ["CE_METRICS", "SOURCE", "ce_client", "read_cost_explorer"]

SOURCE: Final = "aws-ce"

#: ``--metric`` value -> Cost Explorer metric name.
CE_METRICS: Final[dict[str, str]] = {"amortised": "AmortizedCost", "unblended": "UnblendedCost"}

_DIMENSION_KEYS: Final[dict[str, str]] = {"account": "LINKED_ACCOUNT", "service": "SERVICE"}


def ce_client(session: boto3.Session | None = None) -> Any:
    """A Cost Explorer client from the standard credential chain.

    Cost Explorer is served from us-east-1 whatever the session's region. ``AWS_ENDPOINT_URL``
    (and ``AWS_ENDPOINT_URL_COST_EXPLORER``) are honoured by botocore itself: no endpoint is
    passed here. botocore's own retries are off so `call_with_retries` counts every attempt.
    """
    import boto3
    from botocore.config import Config

    session = session or boto3.Session()
    return session.client("ce", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1}))


def _group_by(query: ApiQuery) -> list[dict[str, str]]:
    groups: list[dict[str, str]] = []
    if query.tag_key is not None:
        groups.append({"Type": "TAG", "Key": query.tag_key})
    groups.extend({"Type": "DIMENSION", "Key": _DIMENSION_KEYS[d]} for d in query.dimensions)
    return groups


def _rows_from_page(page: dict[str, Any], query: ApiQuery, metric: str) -> list[CostRow]:
    rows: list[CostRow] = []
    for result in page.get("ResultsByTime", []):
        month = str(result["TimePeriod"]["Start"])[:7]
        for group in result.get("Groups", []):
            keys = list(group.get("Keys", []))
            tags: dict[str, str] = {}
            values = {"account": NOT_GROUPED, "service": NOT_GROUPED}
            if query.tag_key is not None:
                raw = keys.pop(0)
                prefix = f"{query.tag_key}$"
                # "key$value"; Cost Explorer puts the key before the first '$'.
                tags[query.tag_key] = raw[len(prefix) :] if raw.startswith(prefix) else raw.partition("$")[2]
                tags[query.tag_key] = tags[query.tag_key] or UNTAGGED
            for dimension, value in zip(query.dimensions, keys, strict=True):
                values[dimension] = str(value)
            metric_value = group["Metrics"][metric]
            try:
                amount = Decimal(str(metric_value["Amount"]))
            except (InvalidOperation, KeyError) as error:
                raise ValueError(f"Cost Explorer returned an unreadable amount {metric_value!r}") from error
            rows.append(
                CostRow(
                    source=SOURCE,
                    cloud="aws",
                    account=values["account"],
                    service=values["service"],
                    month=month,
                    tags=tags,
                    amount=amount,
                    currency=str(metric_value.get("Unit") or "USD"),
                )
            )
    return rows


def read_cost_explorer(
    *,
    start: date,
    end: date,
    group_by: Sequence[str],
    metric: str = "amortised",
    client: Any | None = None,
    session: boto3.Session | None = None,
    attempts: int = 5,
    base_delay: float = 0.5,
    sleep: Callable[[float], Any] = time.sleep,
) -> SourceResult:
    """Read spend from ``start`` (inclusive) to ``end`` (exclusive), every page of every query."""
    if metric not in CE_METRICS:
        raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(CE_METRICS)}")
    ce_metric = CE_METRICS[metric]
    client = client if client is not None else ce_client(session)
    result = SourceResult(rows=[], gaps=[])
    queries = plan_api_queries(list(group_by))
    for index, query in enumerate(queries):
        what = f"{SOURCE}: GetCostAndUsage grouped by {query.describe()}"
        request: dict[str, Any] = {
            "TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()},
            "Granularity": "MONTHLY",
            "Metrics": [ce_metric],
            "GroupBy": _group_by(query),
        }
        rows: list[CostRow] = []
        page_number = 1
        try:
            while True:
                page = call_with_retries(
                    functools.partial(client.get_cost_and_usage, **request),
                    what=f"{what}, page {page_number}",
                    attempts=attempts,
                    base_delay=base_delay,
                    sleep=sleep,
                )
                rows.extend(_rows_from_page(page, query, ce_metric))
                token = page.get("NextPageToken")
                if not token:
                    break
                request["NextPageToken"] = token
                page_number += 1
        except ExpiredCredentialsError as error:
            result.credentials_expired = True
            result.gaps.append(f"{error} ({len(rows)} rows from earlier pages discarded)")
            result.gaps.extend(
                f"{SOURCE}: GetCostAndUsage grouped by {later.describe()}: not read, credentials expired"
                for later in queries[index + 1 :]
            )
            return result
        except ReportSourceError as error:
            result.gaps.append(f"{error} (query skipped; {len(rows)} rows from earlier pages discarded)")
            continue
        except ValueError as error:
            result.gaps.append(f"{what}: {error}")
            continue
        result.rows.extend(rows)
    return result

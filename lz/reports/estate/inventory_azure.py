"""Every resource in some Azure subscriptions, from Azure Resource Graph.

Resource Graph's `Resources` table holds every tracked ARM resource, tagged or not, so one query
per subscription finds shadow IT as well. Pages are followed with `$skipToken` until the service
stops returning one. Subscriptions are queried one at a time so that a subscription the caller
cannot read (403) becomes a gap naming it, while the others are still read. Calls go through
`lz.reports.retry.call_with_retries` (429/5xx retried with backoff, honouring Retry-After);
azure-core's own retry policy is switched off in `graph_client` so attempts are counted once and
tests can inject `sleep`. An authentication failure (expired or missing credentials) raises
`ExpiredCredentialsError`: every other subscription would fail the same way.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from lz.reports.estate.model import CloudResource, Gap
from lz.reports.retry import ExpiredCredentialsError, ReportSourceError, call_with_retries

__all__ = ["QUERY", "AzureInventory", "graph_client", "inventory_azure", "read_azure_estate", "resource_from_row"]

#: The Resource Graph query: every resource with the columns the report needs.
QUERY: Final = "Resources | project id, name, type, location, resourceGroup, subscriptionId, tags"

#: Rows per page; the service's maximum is 1,000.
PAGE_SIZE: Final = 1000

Sleep = Callable[[float], Any]
Progress = Callable[[str], None]


def graph_client(credential: Any, **kwargs: Any) -> Any:
    """A `ResourceGraphClient` with azure-core's retries off (ours count them; see module doc).

    Extra keyword arguments go to the client (tests pass `transport=` to serve recorded responses).
    """
    from azure.mgmt.resourcegraph import ResourceGraphClient

    kwargs.setdefault("retry_total", 0)
    return ResourceGraphClient(credential, **kwargs)


def resource_from_row(row: dict[str, Any], subscription: str) -> CloudResource:
    """A `CloudResource` from one `objectArray` row of `QUERY`."""
    rid = str(row.get("id") or "")
    tags = row.get("tags") or {}
    return CloudResource(
        cloud="azure",
        account=str(row.get("subscriptionId") or subscription),
        region=str(row.get("location") or ""),
        type=str(row.get("type") or "").lower(),
        id=rid,
        arn_or_id=rid,
        name=str(row.get("name") or rid.rsplit("/", 1)[-1]),
        tags={str(k): "" if v is None else str(v) for k, v in tags.items()} if isinstance(tags, dict) else {},
    )


def _read_subscription(client: Any, subscription: str, sleep: Sleep, resources: list[CloudResource]) -> None:
    """Append every page's resources to `resources` (pages read before a failure are kept)."""
    from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

    read = 0
    skip_token: str | None = None
    page = 0
    while True:
        page += 1
        request = QueryRequest(
            subscriptions=[subscription],
            query=QUERY,
            options=QueryRequestOptions(skip_token=skip_token, top=PAGE_SIZE, result_format="objectArray"),
        )
        response = call_with_retries(
            functools.partial(client.resources, request),
            what=f"Resource Graph query (page {page})",
            sleep=sleep,
        )
        rows = response.data or []
        if not isinstance(rows, list):
            raise ReportSourceError(
                f"Resource Graph query (page {page})", None, reason="answer was not an object array"
            )
        resources.extend(resource_from_row(row, subscription) for row in rows)
        read += len(rows)
        skip_token = response.skip_token
        if not skip_token:
            # Without a skip token a truncated answer cannot be continued: say so, never truncate silently.
            if str(response.result_truncated).lower() == "true":
                raise ReportSourceError(
                    f"Resource Graph query (page {page})",
                    None,
                    reason=f"results truncated at {read} of {response.total_records} rows",
                )
            return


@dataclass
class AzureInventory:
    """What one run read: resources, gaps, and whether credentials expired part-way."""

    resources: list[CloudResource] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    subscriptions: list[str] = field(default_factory=list)
    expired: ExpiredCredentialsError | None = None


def read_azure_estate(
    credential: Any,
    subscriptions: Sequence[str],
    *,
    client_factory: Callable[[Any], Any] = graph_client,
    sleep: Sleep = time.sleep,
    progress: Progress | None = None,
) -> AzureInventory:
    """Read each subscription; on expired credentials stop, keep what was read, and record a loud
    gap for the subscription being read and one for each left unread (see `inventory_azure`)."""
    inventory = AzureInventory(subscriptions=list(dict.fromkeys(subscriptions)))
    if not inventory.subscriptions:
        return inventory
    client = client_factory(credential)
    for position, subscription in enumerate(inventory.subscriptions):
        if progress:
            progress(f"Azure subscription {subscription}")
        try:
            _read_subscription(client, subscription, sleep, inventory.resources)
        except ExpiredCredentialsError as error:
            inventory.expired = ExpiredCredentialsError(
                f"Azure subscription {subscription}: {error.what}",
                error.cause,
                attempts=error.attempts,
                reason=error.reason,
            )
            inventory.gaps.append(
                Gap("azure", account=subscription, reason=f"CREDENTIALS EXPIRED, reading stopped: {inventory.expired}")
            )
            for unread in inventory.subscriptions[position + 1 :]:
                inventory.gaps.append(
                    Gap("azure", account=unread, reason="not read: credentials expired earlier in the run")
                )
            break
        except ReportSourceError as error:
            inventory.gaps.append(Gap("azure", account=subscription, reason=str(error)))
    return inventory


def inventory_azure(
    credential: Any,
    subscriptions: Sequence[str],
    *,
    client_factory: Callable[[Any], Any] = graph_client,
    sleep: Sleep = time.sleep,
    progress: Progress | None = None,
) -> tuple[list[CloudResource], list[str]]:
    """Every resource of each subscription: `(resources, gaps)`.

    `client_factory(credential)` builds the Resource Graph client (the default: `graph_client`).
    A subscription that cannot be read (403, retries exhausted, truncated answer) is a gap.
    Expired or missing credentials raise `ExpiredCredentialsError` naming the subscription;
    `read_azure_estate` returns what was read up to that point instead.
    """
    result = read_azure_estate(credential, subscriptions, client_factory=client_factory, sleep=sleep, progress=progress)
    if result.expired is not None:
        raise result.expired
    return result.resources, result.gaps

"""Garbage-collector tuning for the planner and the policy gate: both allocate many short-lived objects."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

#: Allocations between young collections while a large plan or graph is processed (default 700).
YOUNG_THRESHOLD = 50_000


@contextlib.contextmanager
def batched_collections() -> Iterator[None]:
    """Collect garbage less often while thousands of resources are registered or judged.

    The Pulumi SDK allocates many short-lived asyncio objects per resource; with the default
    thresholds the collector ran thousands of times and scanned the whole imported SDK on each full
    pass, about half of a large plan's time. Freezing what exists first keeps the imported modules
    out of those scans; a higher first threshold batches the young collections. Both are restored.
    There is no collection first: a full pass over the imported SDK costs more than a small plan,
    and anything frozen that is garbage goes back to the collector at unfreeze.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, thresholds[1], thresholds[2])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()

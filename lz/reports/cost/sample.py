"""Generated CUR 2.0 line items for demos, tests and the benchmark (never real billing data).

The columns are those `lz.reports.cost.cur` reads, named and typed as in the AWS Data Exports
CUR 2.0 table dictionary (``resource_tags`` is a ``map<string,string>`` keyed ``user_<key>``).
Amounts are whole multiples of 0.0001 so their exact decimal sums are known: a test can compare
the report's totals with `expected_totals` to the last digit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from lz.reports.cost.cur import cur_tag_map_key

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["CUR_SCHEMA_FIELDS", "expected_totals", "sample_line_items"]

#: (column, pyarrow type name) of the generated table.
CUR_SCHEMA_FIELDS: Final[tuple[tuple[str, str], ...]] = (
    ("bill_billing_period_start_date", "timestamp"),
    ("line_item_usage_start_date", "timestamp"),
    ("line_item_usage_account_id", "string"),
    ("line_item_product_code", "string"),
    ("line_item_line_item_type", "string"),
    ("line_item_resource_id", "string"),
    ("line_item_currency_code", "string"),
    ("line_item_unblended_cost", "double"),
    ("line_item_net_unblended_cost", "double"),
    ("pricing_public_on_demand_cost", "double"),
    ("reservation_effective_cost", "double"),
    ("reservation_unused_amortized_upfront_fee_for_billing_period", "double"),
    ("reservation_unused_recurring_fee", "double"),
    ("reservation_reservation_a_r_n", "string"),
    ("savings_plan_savings_plan_effective_cost", "double"),
    ("savings_plan_total_commitment_to_date", "double"),
    ("savings_plan_used_commitment", "double"),
    ("resource_tags", "map"),
)

_ACCOUNTS: Final = ("111111111111", "222222222222", "333333333333")
_PRODUCTS: Final = ("AmazonEC2", "AmazonS3", "AmazonRDS", "AWSLambda", "AmazonVPC")
_COST_CENTRES: Final = ("CC-1001", "CC-1002", "CC-2001", "CC-3005")
_ENVIRONMENTS: Final = ("prod", "test", "dev", "Prod")  # "Prod" is mis-tagged (not a slug)
_CLASSIFICATIONS: Final = ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET")  # SECRET is not allowed


def schema() -> pa.Schema:
    import pyarrow as pa

    types: dict[str, Any] = {
        "timestamp": pa.timestamp("ms"),
        "string": pa.string(),
        "double": pa.float64(),
        "map": pa.map_(pa.string(), pa.string()),
    }
    return pa.schema([(name, types[kind]) for name, kind in CUR_SCHEMA_FIELDS])


def table_from_rows(rows: Sequence[dict[str, Any]]) -> pa.Table:
    """A CUR table from dicts; missing columns are null, ``resource_tags`` takes a plain dict."""
    import pyarrow as pa

    columns: dict[str, list[Any]] = {name: [] for name, _kind in CUR_SCHEMA_FIELDS}
    for row in rows:
        for name, kind in CUR_SCHEMA_FIELDS:
            value = row.get(name)
            if kind == "map":
                value = list((value or {}).items())
            columns[name].append(value)
    return pa.Table.from_pydict(columns, schema=schema())


def sample_line_items(
    count: int, *, months: Sequence[str] = ("2025-01", "2025-02", "2025-03"), seed: int = 7
) -> pa.Table:
    """``count`` usage line items spread over ``months``, with a realistic mix of tag problems.

    About 10% of items have no cost-centre, some carry a mis-tagged environment (``Prod``) or
    data-classification (``SECRET``), and a few are savings-plan or reservation lines so the
    amortised and unblended metrics differ. Vectorised (numpy), so a million rows take seconds.
    """
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    month_starts = np.array([np.datetime64(f"{m}-01T00:00", "ms") for m in months])
    index = np.arange(count)
    start = month_starts[index % len(month_starts)]
    usage = (
        start
        + rng.integers(0, 28, count) * np.timedelta64(1, "D")
        + rng.integers(0, 24, count) * np.timedelta64(1, "h")
    )
    kinds = np.array(["Usage", "SavingsPlanCoveredUsage", "DiscountedUsage", "Tax"])
    kind = kinds[rng.choice(4, size=count, p=[0.90, 0.05, 0.04, 0.01])]
    unblended = rng.integers(1, 5_000_000, count) / 10_000
    effective = rng.integers(1, 4_000_000, count) / 10_000
    zeros = np.zeros(count)

    # resource_tags: up to four keys per row, each present with its own probability.
    tag_columns = [
        (cur_tag_map_key("cost-centre"), np.array(_COST_CENTRES)[rng.integers(0, len(_COST_CENTRES), count)], 0.9),
        (cur_tag_map_key("environment"), np.array(_ENVIRONMENTS)[rng.integers(0, len(_ENVIRONMENTS), count)], 0.95),
        (
            cur_tag_map_key("data-classification"),
            np.array(_CLASSIFICATIONS)[rng.integers(0, len(_CLASSIFICATIONS), count)],
            0.8,
        ),
        (cur_tag_map_key("service"), np.char.add("svc-", (rng.integers(0, 40, count)).astype(str)), 1.0),
    ]
    present = np.stack([rng.random(count) < probability for _key, _values, probability in tag_columns], axis=1)
    keys = np.stack([np.full(count, key, dtype=object) for key, _values, _p in tag_columns], axis=1)
    values = np.stack([values.astype(object) for _key, values, _p in tag_columns], axis=1)
    offsets = np.concatenate([[0], np.cumsum(present.sum(axis=1))]).astype(np.int32)
    tags = pa.MapArray.from_arrays(
        pa.array(offsets, pa.int32()),
        pa.array(keys[present], pa.string()),
        pa.array(values[present], pa.string()),
    )
    data: dict[str, Any] = {
        "bill_billing_period_start_date": pa.array(start, pa.timestamp("ms")),
        "line_item_usage_start_date": pa.array(usage, pa.timestamp("ms")),
        "line_item_usage_account_id": pa.array(np.array(_ACCOUNTS)[rng.integers(0, len(_ACCOUNTS), count)]),
        "line_item_product_code": pa.array(np.array(_PRODUCTS)[rng.integers(0, len(_PRODUCTS), count)]),
        "line_item_line_item_type": pa.array(kind),
        "line_item_resource_id": pa.array(np.char.add("i-", index.astype(str))),
        "line_item_currency_code": pa.array(np.full(count, "USD")),
        "line_item_unblended_cost": pa.array(unblended),
        "line_item_net_unblended_cost": pa.array(unblended),
        "pricing_public_on_demand_cost": pa.array(unblended),
        "reservation_effective_cost": pa.array(np.where(kind == "DiscountedUsage", effective, zeros)),
        "reservation_unused_amortized_upfront_fee_for_billing_period": pa.array(zeros),
        "reservation_unused_recurring_fee": pa.array(zeros),
        "reservation_reservation_a_r_n": pa.array(np.full(count, "")),
        "savings_plan_savings_plan_effective_cost": pa.array(
            np.where(kind == "SavingsPlanCoveredUsage", effective, zeros)
        ),
        "savings_plan_total_commitment_to_date": pa.array(zeros),
        "savings_plan_used_commitment": pa.array(zeros),
        "resource_tags": tags,
    }
    return pa.Table.from_pydict(data, schema=schema())


def _exact(value: Any) -> Decimal:
    # The engines cast DOUBLE to DECIMAL(38,10); generated amounts have at most 4 places, so
    # rounding the float's exact binary value to 10 places gives the intended decimal.
    return Decimal(value if value is not None else 0).quantize(Decimal("1e-10"))


def amortised_amount(row: dict[str, Any]) -> Decimal:
    """The amortised cost of one line item, by the same rules as the report's SQL."""
    kind = row.get("line_item_line_item_type")
    if kind == "SavingsPlanCoveredUsage":
        return _exact(row.get("savings_plan_savings_plan_effective_cost"))
    if kind == "SavingsPlanRecurringFee":
        return _exact(row.get("savings_plan_total_commitment_to_date")) - _exact(
            row.get("savings_plan_used_commitment")
        )
    if kind in ("SavingsPlanNegation", "SavingsPlanUpfrontFee"):
        return Decimal(0)
    if kind == "DiscountedUsage":
        return _exact(row.get("reservation_effective_cost"))
    if kind == "RIFee":
        return _exact(row.get("reservation_unused_amortized_upfront_fee_for_billing_period")) + _exact(
            row.get("reservation_unused_recurring_fee")
        )
    if kind == "Fee" and (row.get("reservation_reservation_a_r_n") or ""):
        return Decimal(0)
    return _exact(row.get("line_item_unblended_cost"))


def expected_totals(table: pa.Table, tag_key: str, *, metric: str = "amortised") -> dict[tuple[str, str], Decimal]:
    """(month, tag value or "") -> exact spend, computed row by row in Python for comparison."""
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    map_key = cur_tag_map_key(tag_key)
    for row in table.to_pylist():
        tags = dict(row["resource_tags"] or [])
        month = row["line_item_usage_start_date"].strftime("%Y-%m")
        amount = amortised_amount(row) if metric == "amortised" else _exact(row["line_item_unblended_cost"])
        totals[(month, tags.get(map_key, ""))] += amount
    return dict(totals)

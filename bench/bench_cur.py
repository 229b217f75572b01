#!/usr/bin/env python3
# ruff: noqa: E501  (the report table rows are long by nature)
"""CUR grouping benchmark: DuckDB (the report's engine) against a pandas baseline, in one run.

    .venv/bin/python bench/bench_cur.py                 # 1,000,000 line items, prints a Markdown table
    .venv/bin/python bench/bench_cur.py --write         # ... and replaces its section of docs/performance.md
    .venv/bin/python bench/bench_cur.py --rows 100000   # a quick look

Both sides answer the same question from the same generated CUR 2.0 parquet file: amortised
spend per month, account, service, currency and cost-centre tag. DuckDB runs the report's own
path (`lz.reports.cost.cur.read_cur`: the generated SQL, DECIMAL sums, `CostRow`s); pandas
reads the file, pulls the tag out of the `resource_tags` map and groups with float sums.
Targets: DuckDB ≤ 2 s and ≥ 5× faster than pandas. Runs are interleaved and the medians
reported, so both sides see the same machine load.

Never run as tests: timings depend on the machine; the ratio is what carries over.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECTION = "## CUR grouping (bench/bench_cur.py)"
START, END = date(2025, 1, 1), date(2025, 4, 1)


def run_duckdb(path: Path) -> tuple[float, Decimal, int]:
    from lz.reports.cost.cur import read_cur

    began = time.perf_counter()
    result = read_cur(paths=[str(path)], start=START, end=END, group_by=["cost-centre"], metric="amortised")
    elapsed = time.perf_counter() - began
    if result.gaps:
        raise SystemExit(f"DuckDB run reported gaps: {result.gaps}")
    return elapsed, sum((row.amount for row in result.rows), Decimal(0)), len(result.rows)


def run_pandas(path: Path) -> tuple[float, float, int]:
    import numpy as np
    import pandas as pd

    began = time.perf_counter()
    frame = pd.read_parquet(path)
    frame = frame[
        (frame["line_item_usage_start_date"] >= pd.Timestamp(START))
        & (frame["line_item_usage_start_date"] < pd.Timestamp(END))
    ]
    # pyarrow maps arrive in pandas as lists of (key, value) tuples.
    tag = frame["resource_tags"].map(lambda pairs: dict(pairs).get("user_cost_centre", "") if pairs is not None else "")
    kind = frame["line_item_line_item_type"]
    amount = np.select(
        [
            kind == "SavingsPlanCoveredUsage",
            kind == "SavingsPlanRecurringFee",
            kind.isin(["SavingsPlanNegation", "SavingsPlanUpfrontFee"]),
            kind == "DiscountedUsage",
            kind == "RIFee",
            (kind == "Fee") & (frame["reservation_reservation_a_r_n"].fillna("") != ""),
        ],
        [
            frame["savings_plan_savings_plan_effective_cost"],
            frame["savings_plan_total_commitment_to_date"] - frame["savings_plan_used_commitment"],
            0.0,
            frame["reservation_effective_cost"],
            frame["reservation_unused_amortized_upfront_fee_for_billing_period"]
            + frame["reservation_unused_recurring_fee"],
            0.0,
        ],
        default=frame["line_item_unblended_cost"],
    )
    grouped = (
        pd.DataFrame(
            {
                "month": frame["line_item_usage_start_date"].dt.strftime("%Y-%m"),
                "account": frame["line_item_usage_account_id"],
                "service": frame["line_item_product_code"],
                "currency": frame["line_item_currency_code"],
                "tag": tag,
                "amount": amount,
            }
        )
        .groupby(["month", "account", "service", "currency", "tag"], sort=True)["amount"]
        .sum()
    )
    elapsed = time.perf_counter() - began
    return elapsed, float(grouped.sum()), len(grouped)


def markdown(rows: int, duck: list[float], pandas_times: list[float], groups: int, total: Decimal) -> str:
    duck_s, pandas_s = statistics.median(duck), statistics.median(pandas_times)
    ratio = pandas_s / duck_s

    def mark(ok: bool) -> str:
        return "met" if ok else "**missed**"

    return (
        f"{SECTION}\n\n"
        f"Measured on {date.today().isoformat()} ({os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.machine()}): {rows:,} generated CUR 2.0 line items in one parquet file "
        f"(`lz.reports.cost.sample`), amortised spend grouped by month, account, service, currency and "
        f"cost-centre tag ({groups:,} groups, total {total:,.2f} USD). Medians of {len(duck)} interleaved runs.\n\n"
        "| engine | time | vs pandas | target | |\n"
        "|---|---|---|---|---|\n"
        f"| DuckDB (`read_cur`: generated SQL, DECIMAL sums, CostRows) | {duck_s:.2f} s | {ratio:.1f}× faster | ≤ 2 s, ≥ 5× | {mark(duck_s <= 2 and ratio >= 5)} |\n"
        f"| pandas (`read_parquet`, tag from the map per row, float `groupby().sum()`) | {pandas_s:.2f} s | 1.0× | – | – |\n\n"
        "DuckDB reads only the columns the query names and extracts the tag inside the scan; pandas must\n"
        "materialise every map as Python objects first, which is where most of its time goes.\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="replace this benchmark's section of docs/performance.md")
    args = parser.parse_args()

    import pyarrow.parquet as pq

    from lz.reports.cost.sample import sample_line_items

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cur.parquet"
        pq.write_table(sample_line_items(args.rows), path)
        run_duckdb(path)  # warm-up: imports and the OS file cache, for both sides
        duck: list[float] = []
        pandas_times: list[float] = []
        for _ in range(args.repeat):
            seconds, total, groups = run_duckdb(path)
            duck.append(seconds)
            seconds_pd, total_pd, groups_pd = run_pandas(path)
            pandas_times.append(seconds_pd)
            if groups != groups_pd or abs(float(total) - total_pd) > 0.01:
                raise SystemExit(
                    f"engines disagree: DuckDB {groups} groups {total}, pandas {groups_pd} groups {total_pd}"
                )
    text = markdown(args.rows, duck, pandas_times, groups, total)
    print(text)
    if args.write:
        from perfdoc import DOC, write_section

        write_section(SECTION, text)
        print(f"section written to {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

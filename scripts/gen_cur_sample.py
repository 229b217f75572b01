#!/usr/bin/env python3
"""Write a generated CUR 2.0 parquet file, to try `lz report cost --source aws-cur` without AWS.

    .venv/bin/python scripts/gen_cur_sample.py out/cur-sample.parquet --rows 100000
    lz report cost --source aws-cur --cur out/cur-sample.parquet --start 2025-01-01 --end 2025-04-01 --out out/cost

The data is invented (see `lz.reports.cost.sample`): three accounts, five services, four cost
centres, and a share of untagged and mis-tagged line items so every part of the report shows.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", type=Path, help="parquet file to write")
    parser.add_argument("--rows", type=int, default=100_000, help="line items (default 100,000)")
    parser.add_argument("--months", nargs="+", default=["2025-01", "2025-02", "2025-03"], help="YYYY-MM months")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    import pyarrow.parquet as pq

    from lz.reports.cost.sample import sample_line_items

    args.output.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(sample_line_items(args.rows, months=args.months, seed=args.seed), args.output)
    print(f"wrote {args.rows:,} line items to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Request-time cost and carbon estimates from a plan, and the carbon method shared with reports.

* `lz.estimate.prices`: the dated list-price table ``lz/data/prices.json``;
* `lz.estimate.carbon`: the Cloud Carbon Footprint formulas over ``lz/data/carbon_coefficients.json``;
* `lz.estimate.plan_estimate`: `estimate_plan(plan)` for one planned stack.
"""

from lz.estimate.carbon import CarbonLine, Coefficients, UsageRecord, estimate_usage, load_coefficients
from lz.estimate.plan_estimate import StackEstimate, estimate_plan, estimate_summary, estimate_to_json
from lz.estimate.prices import PriceRow, PriceTable, load_price_table

__all__ = [
    "CarbonLine",
    "Coefficients",
    "PriceRow",
    "PriceTable",
    "StackEstimate",
    "UsageRecord",
    "estimate_plan",
    "estimate_summary",
    "estimate_to_json",
    "estimate_usage",
    "load_coefficients",
    "load_price_table",
]

"""Expected kgCO2e, computed by hand from lz/data/carbon_coefficients.json (not with lz.estimate).

The report tests compare the code's figures with these, so a mistake in a formula cannot hide
behind the same mistake in the expectation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[4]
C: dict[str, Any] = json.loads((ROOT / "lz" / "data" / "carbon_coefficients.json").read_text(encoding="utf-8"))
PUE = C["pue"]["aws"]
GRID = C["grid_kgco2e_per_kwh"]["eu-west-2"]
HOURS = C["hours_per_month"]


def t4g_small_hours(hours: float) -> float:
    """kgCO2e of a db.t4g.small (burstable Graviton2: no memory uplift) running ``hours``."""
    family = C["instance_families"]["aws"]["t4g"]
    vcpus = family["sizes"]["small"][0]
    largest = max(v for v, _ in family["sizes"].values())
    watts = C["compute_watts"]["by_processor"]["graviton2"]
    u = C["default_cpu_utilisation"]
    kwh = (watts["min"] + u * (watts["max"] - watts["min"])) * vcpus * hours * PUE / 1000
    embodied = family["embodied_tco2e"] * 1000 * hours / C["embodied"]["server_lifespan_hours"] * vcpus / largest
    return kwh * GRID + embodied


def storage_gb_months(gb_months: float, medium: str, replication_key: str) -> float:
    replication = C["replication_factors"]["aws"][replication_key]
    kwh = gb_months * HOURS / 1000 * C["storage_wh_per_tb_hour"][medium] * PUE * replication / 1000
    return kwh * GRID


def inter_region_gb(gigabytes: float) -> float:
    return gigabytes * C["network_kwh_per_gb"] * PUE * GRID

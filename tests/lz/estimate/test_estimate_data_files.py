"""Every price row and every carbon coefficient carries its public source."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lz.estimate.carbon import load_coefficients
from lz.estimate.prices import PRICE_UNITS, load_price_table

ROOT = Path(__file__).resolve().parents[3]
PRICES = json.loads((ROOT / "lz" / "data" / "prices.json").read_text(encoding="utf-8"))
COEFFICIENTS = json.loads((ROOT / "lz" / "data" / "carbon_coefficients.json").read_text(encoding="utf-8"))


def _script() -> Any:
    spec = importlib.util.spec_from_file_location("refresh_prices", ROOT / "scripts" / "refresh_prices.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("refresh_prices", module)
    spec.loader.exec_module(module)
    return module


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, float]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _leaves(child, f"{path}[{index}]")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield path, float(value)


@pytest.mark.parametrize("row", PRICES["rows"], ids=lambda r: r["id"])
def test_every_price_row_has_a_dated_public_source(row: dict[str, Any]) -> None:
    source = PRICES["sources"][row["source"]]
    assert source["title"] and source["url"].startswith("https://")
    assert source["retrieved"][:4] == "2026"
    assert source.get("verification"), "say how the value was confirmed"
    assert row["currency"] == ("USD" if row["provider"] == "aws" else "GBP")
    assert row["unit"] in PRICE_UNITS
    assert row["unit_price"] > 0


def test_exchange_rate_has_source_and_period() -> None:
    fx = PRICES["fx"]
    assert fx["usd_per_gbp"] > 0 and fx["period"]
    assert PRICES["sources"][fx["source"]]["url"].startswith("https://")


def test_not_included_rows_say_why() -> None:
    ids = {row["id"] for row in PRICES["rows"]}
    for entry in PRICES["not_included"]:
        assert entry["reason"] and entry["id"] not in ids


def test_price_table_matches_the_refresh_catalogue() -> None:
    """The committed table has exactly the rows the refresh script would look for, found the same way."""
    script = _script()
    catalogue = {entry.id: entry for entry in script.CATALOGUE}
    listed = {row["id"] for row in PRICES["rows"]} | {e["id"] for e in PRICES["not_included"]}
    assert listed == set(catalogue)
    for row in PRICES["rows"]:
        entry = catalogue[row["id"]]
        assert row["selector"] == dict(entry.selector), row["id"]
        assert (row["unit"], row["service"], row["region"], row["usage_type"]) == (
            entry.unit,
            entry.service,
            entry.region,
            entry.usage_type,
        )


def test_price_table_loads() -> None:
    table = load_price_table()
    assert table.as_of.isoformat() == PRICES["as_of"]
    assert table.to_gbp(table.usd_per_gbp, "USD") == pytest.approx(1.0)


def test_every_coefficient_has_a_source() -> None:
    provenance = COEFFICIENTS["provenance"]
    sources = COEFFICIENTS["sources"]
    uncovered = []
    for path, _value in _leaves({k: v for k, v in COEFFICIENTS.items() if k not in ("sources", "provenance")}):
        parts = path.replace("[", ".[").split(".")
        prefixes = {".".join(parts[:n]) for n in range(1, len(parts) + 1)}
        if not prefixes & set(provenance):
            uncovered.append(path)
    assert uncovered == []
    for key, entry in provenance.items():
        assert entry["source"] in sources, key
        for extra in entry.get("also", []):
            assert extra in sources, key
        node: Any = COEFFICIENTS
        for part in key.split("."):
            node = node[part]  # every provenance key names a real value
    for key, source in sources.items():
        assert source["title"] and source["url"] and source["retrieved"], key


def test_coefficient_file_shape_requested_by_the_issue() -> None:
    coeffs = load_coefficients()
    data = coeffs.data
    assert data["pue"] == {"aws": 1.135, "azure": 1.185}
    assert {"eu-west-2", "uksouth", "ukwest"} <= set(data["grid_kgco2e_per_kwh"])
    assert set(data["storage_wh_per_tb_hour"]) == {"ssd", "hdd"}
    for key in (
        "version",
        "sources",
        "compute_watts",
        "memory_kwh_per_gb_hour",
        "network_kwh_per_gb",
        "embodied",
        "replication_factors",
    ):
        assert key in data


def _doc_rows(prefix: str) -> list[list[str]]:
    text = (ROOT / "docs" / "carbon-method.md").read_text(encoding="utf-8")
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith(f"| `{prefix}")
    ]


def test_docs_coefficient_table_matches_the_file() -> None:
    rows = _doc_rows("")
    checked = 0
    for cells in rows:
        key = cells[0].strip("`")
        if "/" in key or key.split(".")[0] not in COEFFICIENTS:
            continue
        node: Any = COEFFICIENTS
        for part in key.split("."):
            node = node[part]
        assert float(cells[1]) == pytest.approx(node), key
        checked += 1
    assert checked >= 20


def test_docs_price_table_matches_the_file() -> None:
    documented = {cells[0].strip("`"): cells[1] for cells in _doc_rows("aws/")}
    for row in PRICES["rows"]:
        price, currency, _per, unit = documented[row["id"]].split(" ", 3)
        assert float(price) == pytest.approx(row["unit_price"]) and currency == row["currency"]
        assert unit == row["unit"], row["id"]

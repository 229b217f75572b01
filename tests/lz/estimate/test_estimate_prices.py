"""The price table loader: all problems at once, currency conversion, reasons for missing rows."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from lz.estimate.prices import PriceTableError, load_price_table, parse_price_table

ROOT = Path(__file__).resolve().parents[3]
DATA = json.loads((ROOT / "lz" / "data" / "prices.json").read_text(encoding="utf-8"))


def broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(DATA)
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("fx"), "missing top-level key 'fx'"),
        (lambda d: d["fx"].update(usd_per_gbp=0), "fx.usd_per_gbp must be a positive number"),
        (lambda d: d["rows"][0].update(source="nowhere"), "source 'nowhere' is not a key of sources"),
        (lambda d: d["rows"][0].update(unit_price=-1), "unit_price must be a number >= 0"),
        (lambda d: d["rows"][0].update(unit="fortnight"), "unit 'fortnight' is not one of"),
        (lambda d: d["rows"][0].update(currency="EUR"), "currency must be USD or GBP"),
        (lambda d: d["rows"].append(dict(d["rows"][0])), "duplicate id"),
        (lambda d: d["sources"][d["rows"][0]["source"]].pop("retrieved"), "needs a retrieval date"),
        (lambda d: d["not_included"].append({"id": d["rows"][0]["id"], "reason": "x"}), "both a row and not_included"),
    ],
)
def test_malformed_tables_list_every_problem(change: Any, message: str) -> None:
    with pytest.raises(PriceTableError) as info:
        parse_price_table(broken(change))
    assert any(message in problem for problem in info.value.problems)


def test_two_problems_reported_together() -> None:
    def change(d: dict[str, Any]) -> None:
        d["rows"][0]["unit"] = "fortnight"
        d["rows"][1]["currency"] = "EUR"

    with pytest.raises(PriceTableError) as info:
        parse_price_table(broken(change))
    assert len(info.value.problems) == 2


def test_conversion_and_missing_reasons(tmp_path: Path) -> None:
    table = load_price_table()
    assert table.to_gbp(13.399, "USD") == pytest.approx(13.399 / DATA["fx"]["usd_per_gbp"])
    assert table.to_gbp(5, "GBP") == 5
    with pytest.raises(PriceTableError):
        table.to_gbp(1, "EUR")
    assert "not confirmed" in table.why_missing("aws/eu-west-2/rds/instance/mysql/db.m7g.large/multi-az")
    assert table.why_missing("aws/eu-west-2/nothing") == "no row aws/eu-west-2/nothing in the price table"
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(PriceTableError, match="not valid JSON"):
        load_price_table(path)

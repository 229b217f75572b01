"""scripts/refresh_prices.py: its parsers on recorded-format excerpts, selection rules, and offline behaviour."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).parent / "fixtures"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("refresh_prices", ROOT / "scripts" / "refresh_prices.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["refresh_prices"] = module
    spec.loader.exec_module(module)
    return module


rp = _load_script()


def _entry(row_id: str) -> Any:
    return next(e for e in rp.CATALOGUE if e.id == row_id)


@pytest.fixture
def rds_offer() -> dict[str, Any]:
    return json.loads((FIXTURES / "aws_offer_AmazonRDS_eu-west-2.json").read_text())


@pytest.fixture
def ec2_csv() -> list[str]:
    return (FIXTURES / "aws_offer_AmazonEC2_eu-west-2.csv").read_text().splitlines(keepends=True)


def test_offer_json_on_demand_only_and_attribute_match(rds_offer: dict[str, Any]) -> None:
    entry = _entry("aws/eu-west-2/rds/instance/postgres/db.t4g.small/single-az")
    prices = rp.parse_offer_json(rds_offer, entry.selector)
    # The Reserved 0.02 for the same SKU is not read.
    assert [(p.unit_price, p.unit, p.currency) for p in prices] == [(0.036, "Hrs", "USD")]
    assert rp.select(entry, prices).unit_price == 0.036


@pytest.mark.parametrize(
    ("row_id", "expected"),
    [
        ("aws/eu-west-2/rds/instance/postgres/db.t4g.small/multi-az", 0.07),
        ("aws/eu-west-2/rds/instance/mysql/db.t4g.small/single-az", 0.035),
        ("aws/eu-west-2/rds/storage/gp3", 0.133),  # two SKUs (PostgreSQL, MySQL) agree
    ],
)
def test_offer_json_selects_by_engine_deployment_and_usage_type(
    rds_offer: dict[str, Any], row_id: str, expected: float
) -> None:
    entry = _entry(row_id)
    assert rp.select(entry, rp.parse_offer_json(rds_offer, entry.selector)).unit_price == expected


def test_conflicting_prices_are_refused(rds_offer: dict[str, Any]) -> None:
    sku = "TESTSKU0000000005"
    dimension = next(iter(next(iter(rds_offer["terms"]["OnDemand"][sku].values()))["priceDimensions"].values()))
    dimension["pricePerUnit"]["USD"] = "0.1400000000"
    entry = _entry("aws/eu-west-2/rds/storage/gp3")
    with pytest.raises(rp.SelectionError, match="conflicting prices"):
        rp.select(entry, rp.parse_offer_json(rds_offer, entry.selector))


def test_no_match_and_wrong_unit_are_refused(rds_offer: dict[str, Any]) -> None:
    entry = _entry("aws/eu-west-2/rds/instance/postgres/db.m7g.large/single-az")
    with pytest.raises(rp.SelectionError, match="no matching"):
        rp.select(entry, rp.parse_offer_json(rds_offer, entry.selector))
    storage = _entry("aws/eu-west-2/rds/storage/gp3")
    wrong = [rp.Price(0.133, "Hrs", "USD", "x")]
    with pytest.raises(rp.SelectionError, match="unit 'Hrs'"):
        rp.select(storage, wrong)


def test_offer_csv_streams_rows_and_reads_publication(ec2_csv: list[str]) -> None:
    hours = _entry("aws/eu-west-2/ec2/nat-gateway/hour")
    data = _entry("aws/eu-west-2/ec2/nat-gateway/data-processed")
    assert rp.select(hours, rp.parse_offer_csv(ec2_csv, hours.selector)).unit_price == 0.05
    assert rp.select(data, rp.parse_offer_csv(ec2_csv, data.selector)).unit == "GB"
    assert rp.offer_publication(ec2_csv[:5]) == "2026-09-25T18:02:11Z"
    # The regional NAT gateway variant and the reserved EC2 row are different SKUs/terms.
    assert len(rp.parse_offer_csv(ec2_csv, hours.selector)) == 1


def test_azure_items_first_tier_consumption_only() -> None:
    page1 = json.loads((FIXTURES / "azure_retail_storage_uksouth_page1.json").read_text())
    entry = _entry("azure/uksouth/storage/hot-lrs/data-stored")
    prices = rp.parse_azure_items(page1["Items"], entry.selector)
    assert [(p.unit_price, p.unit, p.currency) for p in prices] == [(0.015, "1 GB/Month", "GBP")]
    assert rp.select(entry, prices).unit_price == 0.015


def test_azure_pages_follow_next_page_link() -> None:
    pages = [
        json.loads((FIXTURES / "azure_retail_storage_uksouth_page1.json").read_text()),
        json.loads((FIXTURES / "azure_retail_storage_uksouth_page2.json").read_text()),
    ]
    asked: list[str] = []

    def get_json(url: str) -> Any:
        asked.append(url)
        return pages[len(asked) - 1]

    fetcher = rp.Fetcher(get_json=get_json)
    entry = _entry("azure/uksouth/storage/hot/read-operations")
    price = rp.find_price(entry, fetcher)
    assert price.unit_price == 0.0031 and price.unit == "10K"
    assert asked[0].startswith("https://prices.azure.com/api/retail/prices?currencyCode=GBP&$filter=")
    assert "%27General%20Block%20Blob%20v2%27" in asked[0]
    assert asked[1] == pages[0]["NextPageLink"]


def test_offer_urls() -> None:
    assert rp.offer_url("AmazonRDS", "eu-west-2") == (
        "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonRDS/current/eu-west-2/index.json"
    )
    assert rp.offer_url("AmazonCloudFront", "global").endswith("/AmazonCloudFront/current/index.json")
    assert rp.offer_url("AmazonEC2", "eu-west-2", "csv").endswith("/AmazonEC2/current/eu-west-2/index.csv")


def _fake_fetcher(rds_offer: dict[str, Any], ec2_csv: list[str]) -> Any:
    def get_json(url: str) -> Any:
        if "/AmazonRDS/" in url:
            return rds_offer
        if "prices.azure.com" in url:
            return {"Items": [], "NextPageLink": None}
        return {"publicationDate": "2026-11-01T00:00:00Z", "products": {}, "terms": {}}

    return rp.Fetcher(get_json=get_json, get_lines=lambda url: ec2_csv)


def test_build_table_writes_the_table_shape(rds_offer: dict[str, Any], ec2_csv: list[str]) -> None:
    from lz.estimate.prices import parse_price_table

    current = json.loads((ROOT / "lz" / "data" / "prices.json").read_text())
    table = rp.build_table(current, _fake_fetcher(rds_offer, ec2_csv), date(2026, 12, 1))
    parsed = parse_price_table(table)  # the estimator can read what the script writes
    assert parsed.get("aws/eu-west-2/rds/instance/postgres/db.t4g.small/single-az").unit_price == 0.036
    assert parsed.get("aws/eu-west-2/ec2/nat-gateway/hour").unit_price == 0.05
    assert "aws/eu-west-2/s3/standard/storage" in parsed.not_included  # empty offer in the fake: listed, not zero
    assert parsed.fx["usd_per_gbp"] == current["fx"]["usd_per_gbp"]
    assert {r.id for r in parsed.rows.values()} | set(parsed.not_included) == {e.id for e in rp.CATALOGUE}
    source = parsed.sources[parsed.get("aws/eu-west-2/rds/storage/gp3").source]
    assert "publication 2026-10-06" in source["title"] and source["retrieved"] == "2026-12-01"


def test_main_offline_fails_clearly_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def offline(url: str) -> Any:
        raise rp.OfflineError(f"cannot reach {url}: [Errno -2] Name or service not known")

    out = tmp_path / "prices.json"
    code = rp.main(["--out", str(out)], fetcher=rp.Fetcher(get_json=offline, get_lines=offline))
    assert code == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert "needs network access" in err and "pricing.us-east-1.amazonaws.com" in err and "Nothing was written" in err


def test_main_without_network_patch_reports_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The real urlopen path: a DNS failure becomes OfflineError, not a traceback."""
    import urllib.error

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise urllib.error.URLError("[Errno -2] Name or service not known")

    monkeypatch.setattr(rp.urllib.request, "urlopen", refuse)
    assert rp.main(["--out", str(tmp_path / "p.json")]) == 1


def test_main_writes_with_new_exchange_rate(tmp_path: Path, rds_offer: dict[str, Any], ec2_csv: list[str]) -> None:
    out = tmp_path / "prices.json"
    code = rp.main(
        ["--out", str(out), "--usd-per-gbp", "1.25", "--fx-period", "2026-11"],
        fetcher=_fake_fetcher(rds_offer, ec2_csv),
        today=date(2026, 12, 1),
    )
    assert code == 0
    written = json.loads(out.read_text())
    assert written["fx"]["usd_per_gbp"] == 1.25 and written["fx"]["period"] == "2026-11"
    assert written["as_of"] == "2026-12-01"

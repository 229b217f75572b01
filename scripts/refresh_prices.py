"""Regenerate lz/data/prices.json from the AWS Price List Bulk API and the Azure Retail Prices API.

Run by a maintainer with network access, never in CI:

    python scripts/refresh_prices.py                  # rewrite lz/data/prices.json
    python scripts/refresh_prices.py --dry-run        # show what would change
    python scripts/refresh_prices.py --usd-per-gbp 1.3399 --fx-period 2026-06

Sources:
* AWS offer files: ``https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<offer>/current/<region>/index.json``
  (``.../current/index.json`` for global services such as CloudFront; the large AmazonEC2 file
  is streamed as ``index.csv``). Only ``OnDemand`` terms are read.
* Azure: ``https://prices.azure.com/api/retail/prices?currencyCode=GBP&$filter=...``, following
  ``NextPageLink``; only ``Consumption`` items at the first tier (``tierMinimumUnits`` 0).

Every row of `CATALOGUE` must match exactly one price (several matching SKUs must agree); a row
that matches nothing, or matches conflicting prices, is written under ``not_included`` with the
reason, so the estimator shows it as unpriced. The exchange rate is kept from the current file
unless ``--usd-per-gbp`` and ``--fx-period`` give a new one (HMRC monthly rate:
https://www.trade-tariff.service.gov.uk/exchange_rates).

Without network access the script stops with a message and exit code 1, leaving the file as is.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PRICES = ROOT / "lz" / "data" / "prices.json"
AWS_BASE = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws"
AZURE_BASE = "https://prices.azure.com/api/retail/prices"
TIMEOUT = 60

#: AWS price-list units -> the table's units.
AWS_UNITS: Mapping[str, str] = {
    "hrs": "hour",
    "hours": "hour",
    "gb-mo": "GB-month",
    "gb-month": "GB-month",
    "gb": "GB",
    "requests": "request",
    "request": "request",
    "api requests": "request",
    "keys": "key-month",
    "secrets": "secret-month",
}
#: Azure unitOfMeasure -> the table's units.
AZURE_UNITS: Mapping[str, str] = {"1 hour": "hour", "1 gb/month": "GB-month", "10k": "10K operations"}


class OfflineError(RuntimeError):
    """A price API could not be reached."""


class SelectionError(ValueError):
    """A catalogue row matched no price, or conflicting prices."""


@dataclass(frozen=True)
class Entry:
    """One wanted row of the price table and how to find it."""

    id: str
    provider: str
    region: str
    service: str
    description: str
    unit: str
    selector: Mapping[str, Any]
    usage_type: str = ""


@dataclass(frozen=True)
class Price:
    """A price found in an API response."""

    unit_price: float
    unit: str
    currency: str
    reference: str
    """SKU/rate code (AWS) or meterId (Azure), for the reviewer."""
    effective_date: str = ""


# -- catalogue --------------------------------------------------------------------------------

RDS_ENGINES: Mapping[str, Mapping[str, str]] = {
    "postgres": {"databaseEngine": "PostgreSQL"},
    "mysql": {"databaseEngine": "MySQL"},
    "sqlserver-web": {"databaseEngine": "SQL Server", "databaseEdition": "Web", "licenseModel": "License included"},
}
RDS_CLASSES: Mapping[str, tuple[str, ...]] = {
    "postgres": ("db.t4g.small", "db.m7g.large", "db.r7g.xlarge"),
    "mysql": ("db.t4g.small", "db.m7g.large", "db.r7g.xlarge"),
    "sqlserver-web": ("db.t3.xlarge", "db.r6i.xlarge"),
}
AZURE_PG_SKUS: Mapping[str, str] = {
    "Standard_B1ms": "B1ms",
    "Standard_B2s": "B2s",
    "Standard_D2ds_v5": "D2ds v5",
    "Standard_D4ds_v5": "D4ds v5",
}


def _aws(
    row_id: str, offer: str, region: str, description: str, unit: str, usage_type: str = "", **selector: Any
) -> Entry:
    full = {"offer": offer, "region": region, **selector}
    return Entry(row_id, "aws", region, offer, description, unit, full, usage_type)


def _catalogue() -> list[Entry]:
    r = "eu-west-2"
    entries: list[Entry] = []
    for engine, attributes in RDS_ENGINES.items():
        for klass in RDS_CLASSES[engine]:
            for az, option in (("single-az", "Single-AZ"), ("multi-az", "Multi-AZ")):
                name = {"postgres": "PostgreSQL", "mysql": "MySQL", "sqlserver-web": "SQL Server Web"}[engine]
                usage = f"EUW2-{'InstanceUsage' if az == 'single-az' else 'Multi-AZUsage'}:{klass}"
                entries.append(
                    _aws(
                        f"aws/{r}/rds/instance/{engine}/{klass}/{az}",
                        "AmazonRDS",
                        r,
                        f"RDS for {name} {klass}, {option}, on demand",
                        "hour",
                        usage,
                        product_family="Database Instance",
                        attributes={"instanceType": klass, **attributes, "deploymentOption": option},
                    )
                )
    entries += [
        _aws(
            f"aws/{r}/rds/storage/gp3",
            "AmazonRDS",
            r,
            "RDS gp3 storage, per GB-month of allocated storage in one Availability Zone (a Multi-AZ instance is "
            "billed for the primary and the standby)",
            "GB-month",
            "EUW2-RDS:GP3-Storage",
            usagetype="EUW2-RDS:GP3-Storage",
        ),
        _aws(
            f"aws/{r}/s3/standard/storage",
            "AmazonS3",
            r,
            "S3 Standard storage, first 50 TB per month",
            "GB-month",
            "EUW2-TimedStorage-ByteHrs",
            usagetype="EUW2-TimedStorage-ByteHrs",
            tier_start=0,
            attributes={"volumeType": "Standard"},
        ),
        _aws(
            f"aws/{r}/s3/standard/requests-tier1",
            "AmazonS3",
            r,
            "S3 Standard PUT, COPY, POST and LIST requests",
            "request",
            "EUW2-Requests-Tier1",
            usagetype="EUW2-Requests-Tier1",
        ),
        _aws(
            f"aws/{r}/s3/standard/requests-tier2",
            "AmazonS3",
            r,
            "S3 Standard GET and other read requests",
            "request",
            "EUW2-Requests-Tier2",
            usagetype="EUW2-Requests-Tier2",
        ),
        _aws(
            "aws/global/cloudfront/europe/data-transfer-out",
            "AmazonCloudFront",
            "global",
            "CloudFront data transfer out to viewers in Europe (incl. UK), first 10 TB per month",
            "GB",
            "EU-DataTransfer-Out-Bytes",
            usagetype="EU-DataTransfer-Out-Bytes",
            tier_start=0,
        ),
        _aws(
            "aws/global/cloudfront/europe/https-requests",
            "AmazonCloudFront",
            "global",
            "CloudFront HTTPS requests from viewers in Europe (incl. UK)",
            "request",
            "EU-Requests-Tier2-HTTPS",
            usagetype="EU-Requests-Tier2-HTTPS",
        ),
        _aws(
            "aws/global/cloudfront/europe/http-requests",
            "AmazonCloudFront",
            "global",
            "CloudFront HTTP requests from viewers in Europe (incl. UK)",
            "request",
            "EU-Requests-Tier1",
            usagetype="EU-Requests-Tier1",
        ),
        _aws(
            f"aws/{r}/kms/key-month",
            "awskms",
            r,
            "KMS customer managed key, per key-month (prorated hourly)",
            "key-month",
            "eu-west-2-KMS-Keys",
            usagetype="eu-west-2-KMS-Keys",
        ),
        _aws(
            f"aws/{r}/kms/requests",
            "awskms",
            r,
            "KMS API requests (symmetric keys)",
            "request",
            "eu-west-2-KMS-Requests",
            usagetype="eu-west-2-KMS-Requests",
            tier_start=0,
        ),
        _aws(
            f"aws/{r}/secretsmanager/secret-month",
            "AWSSecretsManager",
            r,
            "Secrets Manager secret, per secret-month (prorated)",
            "secret-month",
            "EUW2-AWSSecretsManager-Secrets",
            usagetype="EUW2-AWSSecretsManager-Secrets",
        ),
        _aws(
            f"aws/{r}/secretsmanager/api-requests",
            "AWSSecretsManager",
            r,
            "Secrets Manager API requests",
            "request",
            "EUW2-AWSSecretsManagerAPIRequest",
            usagetype="EUW2-AWSSecretsManagerAPIRequest",
        ),
        _aws(
            f"aws/{r}/vpc/interface-endpoint/hour",
            "AmazonVPC",
            r,
            "VPC interface endpoint, per endpoint per Availability Zone per hour",
            "hour",
            "EUW2-VpcEndpoint-Hours",
            usagetype="EUW2-VpcEndpoint-Hours",
        ),
        _aws(
            f"aws/{r}/vpc/interface-endpoint/data-processed",
            "AmazonVPC",
            r,
            "VPC interface endpoint data processed, first 1 PB per month",
            "GB",
            "EUW2-VpcEndpoint-Bytes",
            usagetype="EUW2-VpcEndpoint-Bytes",
            tier_start=0,
        ),
        _aws(
            f"aws/{r}/logs/ingestion",
            "AmazonCloudWatch",
            r,
            "CloudWatch Logs ingestion, Standard log class",
            "GB",
            "EUW2-DataProcessing-Bytes",
            usagetype="EUW2-DataProcessing-Bytes",
            tier_start=0,
        ),
        _aws(
            f"aws/{r}/logs/storage",
            "AmazonCloudWatch",
            r,
            "CloudWatch Logs storage (archived log data)",
            "GB-month",
            "EUW2-TimedStorage-ByteHrs",
            usagetype="EUW2-TimedStorage-ByteHrs",
        ),
        _aws(
            f"aws/{r}/ec2/nat-gateway/hour",
            "AmazonEC2",
            r,
            "NAT gateway, per gateway-hour",
            "hour",
            "EUW2-NatGateway-Hours",
            format="csv",
            usagetype="EUW2-NatGateway-Hours",
        ),
        _aws(
            f"aws/{r}/ec2/nat-gateway/data-processed",
            "AmazonEC2",
            r,
            "NAT gateway data processed",
            "GB",
            "EUW2-NatGateway-Bytes",
            format="csv",
            usagetype="EUW2-NatGateway-Bytes",
        ),
        _aws(
            f"aws/{r}/tgw/vpc-attachment/hour",
            "AmazonVPC",
            r,
            "Transit Gateway VPC attachment, per attachment-hour",
            "hour",
            "EUW2-TransitGateway-Hours",
            usagetype="EUW2-TransitGateway-Hours",
        ),
        _aws(
            f"aws/{r}/tgw/data-processed",
            "AmazonVPC",
            r,
            "Transit Gateway data processed",
            "GB",
            "EUW2-TransitGateway-Bytes",
            usagetype="EUW2-TransitGateway-Bytes",
        ),
    ]
    az = "uksouth"
    storage_filter = (
        "serviceName eq 'Storage' and armRegionName eq '{region}' and priceType eq 'Consumption' "
        "and productName eq 'General Block Blob v2' and skuName eq '{sku}'"
    )
    for redundancy in ("LRS", "ZRS", "GRS"):
        sku = f"Hot {redundancy}"
        for kind, meter, unit in (
            ("data-stored", f"Hot {redundancy} Data Stored", "GB-month"),
            ("write-operations", f"Hot {redundancy} Write Operations", "10K operations"),
        ):
            entries.append(
                Entry(
                    f"azure/{az}/storage/hot-{redundancy.lower()}/{kind}",
                    "azure",
                    az,
                    "Storage",
                    f"Blob storage (General Purpose v2) {meter.lower()}",
                    unit,
                    {"api": "azure-retail", "filter": storage_filter.format(region=az, sku=sku), "meterName": meter},
                    meter,
                )
            )
    entries.append(
        Entry(
            f"azure/{az}/storage/hot/read-operations",
            "azure",
            az,
            "Storage",
            "Blob storage (General Purpose v2) hot read operations",
            "10K operations",
            {
                "api": "azure-retail",
                "filter": storage_filter.format(region=az, sku="Hot LRS"),
                "meterName": "Hot Read Operations",
            },
            "Hot Read Operations",
        )
    )
    pg_filter = (
        f"serviceName eq 'Azure Database for PostgreSQL' and armRegionName eq '{az}' and priceType eq 'Consumption'"
    )
    for sku, meter in AZURE_PG_SKUS.items():
        entries.append(
            Entry(
                f"azure/{az}/postgres-flexible/{sku}/compute",
                "azure",
                az,
                "Azure Database for PostgreSQL",
                f"PostgreSQL flexible server {sku} compute",
                "hour",
                {
                    "api": "azure-retail",
                    "filter": pg_filter,
                    "productNameContains": "Flexible Server",
                    "meterName": meter,
                },
                meter,
            )
        )
    entries.append(
        Entry(
            f"azure/{az}/postgres-flexible/storage",
            "azure",
            az,
            "Azure Database for PostgreSQL",
            "PostgreSQL flexible server storage",
            "GB-month",
            {
                "api": "azure-retail",
                "filter": pg_filter,
                "productNameContains": "Flexible Server",
                "meterName": "Storage Data Stored",
            },
            "Storage Data Stored",
        )
    )
    return entries


CATALOGUE: list[Entry] = _catalogue()


# -- AWS offer files --------------------------------------------------------------------------


def offer_url(offer: str, region: str, fmt: str = "json") -> str:
    if region == "global":
        return f"{AWS_BASE}/{offer}/current/index.{fmt}"
    return f"{AWS_BASE}/{offer}/current/{region}/index.{fmt}"


def _norm(name: str) -> str:
    """Attribute names compare without case or spaces: JSON ``instanceType`` = CSV ``Instance Type``."""
    return "".join(name.split()).lower()


def _attributes_match(attributes: Mapping[str, str], selector: Mapping[str, Any]) -> bool:
    normalised = {_norm(k): str(v) for k, v in attributes.items()}
    if "usagetype" in selector and normalised.get("usagetype") != selector["usagetype"]:
        return False
    if "product_family" in selector and normalised.get("productfamily") != selector["product_family"]:
        return False
    return all(normalised.get(_norm(k)) == str(v) for k, v in selector.get("attributes", {}).items())


def _tier_ok(start: str | None, selector: Mapping[str, Any]) -> bool:
    if "tier_start" not in selector:
        return True
    try:
        return float(start or 0) == float(selector["tier_start"])
    except ValueError:
        return False


def parse_offer_json(offer: Mapping[str, Any], selector: Mapping[str, Any]) -> list[Price]:
    """On-demand prices of the products in an offer file (JSON) that match ``selector``."""
    prices: list[Price] = []
    products = offer.get("products", {})
    on_demand = offer.get("terms", {}).get("OnDemand", {})
    for sku, product in products.items():
        attributes = dict(product.get("attributes", {}))
        attributes.setdefault("productFamily", product.get("productFamily", ""))
        if not _attributes_match(attributes, selector):
            continue
        for term in on_demand.get(sku, {}).values():
            for dimension in term.get("priceDimensions", {}).values():
                if not _tier_ok(dimension.get("beginRange"), selector):
                    continue
                usd = dimension.get("pricePerUnit", {}).get("USD")
                if usd is None:
                    continue
                prices.append(
                    Price(
                        float(usd),
                        str(dimension.get("unit", "")),
                        "USD",
                        str(dimension.get("rateCode", sku)),
                        str(term.get("effectiveDate", "")),
                    )
                )
    return prices


def parse_offer_csv(lines: Iterable[str], selector: Mapping[str, Any]) -> list[Price]:
    """On-demand prices from an offer file in CSV form: five metadata lines, a header, then rows
    that combine the term and the product columns."""
    reader = csv.reader(lines)
    for _ in range(5):
        next(reader, None)
    header = next(reader, None)
    if header is None:
        return []
    prices: list[Price] = []
    for values in reader:
        row = dict(zip(header, values, strict=False))
        if row.get("TermType") != "OnDemand" or not _attributes_match(row, selector):
            continue
        if not _tier_ok(row.get("StartingRange"), selector):
            continue
        prices.append(
            Price(
                float(row["PricePerUnit"]),
                row.get("Unit", ""),
                row.get("Currency", "USD"),
                row.get("RateCode", row.get("SKU", "")),
                row.get("EffectiveDate", ""),
            )
        )
    return prices


def offer_publication(header_lines: Sequence[str]) -> str:
    """The publication date from a CSV offer file's metadata lines."""
    for values in csv.reader(header_lines):
        if len(values) >= 2 and values[0] == "Publication Date":
            return values[1]
    return ""


# -- Azure Retail Prices API ------------------------------------------------------------------


def azure_url(api_filter: str) -> str:
    return f"{AZURE_BASE}?currencyCode=GBP&$filter={urllib.parse.quote(api_filter, safe='')}"


def parse_azure_items(items: Iterable[Mapping[str, Any]], selector: Mapping[str, Any]) -> list[Price]:
    """Consumption prices at the first tier whose meter (and product) match ``selector``."""
    prices: list[Price] = []
    meter = str(selector.get("meterName", "")).lower()
    contains = str(selector.get("productNameContains", ""))
    for item in items:
        if item.get("type") != "Consumption" or float(item.get("tierMinimumUnits", 0) or 0) != 0:
            continue
        if str(item.get("meterName", "")).lower() != meter:
            continue
        if contains and contains not in str(item.get("productName", "")):
            continue
        if "spot" in str(item.get("skuName", "")).lower() or "low priority" in str(item.get("skuName", "")).lower():
            continue
        prices.append(
            Price(
                float(item["retailPrice"]),
                str(item.get("unitOfMeasure", "")),
                str(item.get("currencyCode", "")),
                str(item.get("meterId", "")),
                str(item.get("effectiveStartDate", "")),
            )
        )
    return prices


# -- selection --------------------------------------------------------------------------------


def select(entry: Entry, prices: Sequence[Price]) -> Price:
    """The one price for ``entry``: matches must exist and agree, in the expected unit."""
    if not prices:
        raise SelectionError("no matching on-demand price")
    distinct = sorted({(p.unit_price, p.unit, p.currency) for p in prices})
    if len(distinct) > 1:
        listed = ", ".join(f"{price} {currency}/{unit}" for price, unit, currency in distinct)
        raise SelectionError(f"conflicting prices: {listed}")
    price = prices[0]
    units = AWS_UNITS if entry.provider == "aws" else AZURE_UNITS
    unit = units.get(price.unit.strip().lower())
    if unit != entry.unit:
        raise SelectionError(f"unit {price.unit!r} is not the expected {entry.unit}")
    expected = "USD" if entry.provider == "aws" else "GBP"
    if price.currency != expected:
        raise SelectionError(f"currency {price.currency} is not {expected}")
    return price


# -- network ----------------------------------------------------------------------------------


def _open(url: str) -> Any:
    try:
        return urllib.request.urlopen(url, timeout=TIMEOUT)
    except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise OfflineError(f"cannot reach {url}: {reason}") from None


def fetch_json(url: str) -> Any:
    with _open(url) as response:
        return json.load(response)


def fetch_lines(url: str) -> Iterator[str]:
    with _open(url) as response:
        yield from io.TextIOWrapper(response, encoding="utf-8", newline="")


@dataclass
class Fetcher:
    """Network access, replaceable in tests; caches each document for the run."""

    get_json: Callable[[str], Any] = fetch_json
    get_lines: Callable[[str], Iterable[str]] = fetch_lines
    _json: dict[str, Any] = field(default_factory=dict)
    _lines: dict[str, list[str]] = field(default_factory=dict)

    def json(self, url: str) -> Any:
        if url not in self._json:
            self._json[url] = self.get_json(url)
        return self._json[url]

    def lines(self, url: str) -> list[str]:
        if url not in self._lines:
            self._lines[url] = list(self.get_lines(url))
        return self._lines[url]

    def azure_items(self, api_filter: str) -> list[Mapping[str, Any]]:
        items: list[Mapping[str, Any]] = []
        url: str | None = azure_url(api_filter)
        while url:
            page = self.json(url)
            items.extend(page.get("Items", []))
            url = page.get("NextPageLink")
        return items


def _source_for(entry: Entry, fetcher: Fetcher, today: date) -> tuple[str, dict[str, Any]]:
    if entry.provider == "aws":
        fmt = str(entry.selector.get("format", "json"))
        url = offer_url(str(entry.selector["offer"]), entry.region, fmt)
        if fmt == "csv":
            published = offer_publication(fetcher.lines(url)[:5])
        else:
            published = str(fetcher.json(url).get("publicationDate", ""))
        key = f"aws-offer-{entry.selector['offer']}-{entry.region}"
        title = f"AWS Price List Bulk API offer file: {entry.selector['offer']}, {entry.region}"
        return key, {
            "title": f"{title} (publication {published[:10]})",
            "url": url,
            "retrieved": today.isoformat(),
            "verification": "fetched by scripts/refresh_prices.py",
        }
    url = azure_url(str(entry.selector["filter"]))
    key = f"azure-retail-{entry.service.replace(' ', '-').lower()}-{entry.region}"
    return key, {
        "title": f"Azure Retail Prices API (currencyCode=GBP): {entry.service}, {entry.region}",
        "url": url,
        "retrieved": today.isoformat(),
        "verification": "fetched by scripts/refresh_prices.py",
    }


def find_price(entry: Entry, fetcher: Fetcher) -> Price:
    if entry.provider == "aws":
        fmt = str(entry.selector.get("format", "json"))
        url = offer_url(str(entry.selector["offer"]), entry.region, fmt)
        found = (
            parse_offer_csv(fetcher.lines(url), entry.selector)
            if fmt == "csv"
            else parse_offer_json(fetcher.json(url), entry.selector)
        )
    else:
        found = parse_azure_items(fetcher.azure_items(str(entry.selector["filter"])), entry.selector)
    return select(entry, found)


def build_table(
    current: Mapping[str, Any],
    fetcher: Fetcher,
    today: date,
    *,
    catalogue: Sequence[Entry] = CATALOGUE,
    fx: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The new table: every catalogue row priced from the APIs or listed as not included."""
    sources: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    missing: list[dict[str, str]] = []
    for entry in catalogue:
        try:
            price = find_price(entry, fetcher)
        except SelectionError as error:
            missing.append({"id": entry.id, "reason": f"{error} ({entry.selector.get('offer') or 'Azure retail'})"})
            continue
        key, source = _source_for(entry, fetcher, today)
        sources.setdefault(key, source)
        rows.append(
            {
                "id": entry.id,
                "provider": entry.provider,
                "region": entry.region,
                "service": entry.service,
                "description": entry.description,
                "usage_type": entry.usage_type,
                "unit": entry.unit,
                "unit_price": price.unit_price,
                "currency": price.currency,
                "selector": dict(entry.selector),
                "source": key,
                "reference": price.reference,
                "effective_date": price.effective_date,
            }
        )
    fx_block = dict(fx) if fx is not None else dict(current.get("fx", {}))
    fx_source = fx_block.get("source")
    if fx_source and fx_source in current.get("sources", {}):
        sources[fx_source] = current["sources"][fx_source]
    return {
        "_about": current.get("_about", "List-price table for lz.estimate; see docs/carbon-method.md."),
        "version": f"{today.isoformat()}-1",
        "as_of": today.isoformat(),
        "generated_by": "scripts/refresh_prices.py",
        "hours_per_month": current.get("hours_per_month", 730),
        "fx": fx_block,
        "sources": sources,
        "rows": rows,
        "not_included": missing,
    }


def summarise(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    before = {r["id"]: r["unit_price"] for r in old.get("rows", [])}
    after = {r["id"]: r["unit_price"] for r in new.get("rows", [])}
    lines = []
    for row_id in sorted(before.keys() | after.keys()):
        if before.get(row_id) != after.get(row_id):
            lines.append(f"{row_id}: {before.get(row_id, '-')} -> {after.get(row_id, '-')}")
    return lines


def main(argv: Sequence[str] | None = None, *, fetcher: Fetcher | None = None, today: date | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=PRICES, help="Where to write (default: lz/data/prices.json).")
    parser.add_argument("--dry-run", action="store_true", help="Show the changes; write nothing.")
    parser.add_argument("--usd-per-gbp", type=float, help="New HMRC monthly rate, USD per GBP 1.")
    parser.add_argument("--fx-period", help="Month of that rate, YYYY-MM.")
    args = parser.parse_args(argv)
    if (args.usd_per_gbp is None) != (args.fx_period is None):
        parser.error("--usd-per-gbp and --fx-period go together")
    current = json.loads(PRICES.read_text(encoding="utf-8")) if PRICES.is_file() else {}
    fx = None
    if args.usd_per_gbp is not None:
        fx = {
            **current.get("fx", {}),
            "usd_per_gbp": args.usd_per_gbp,
            "period": args.fx_period,
            "description": f"HMRC monthly exchange rate (customs and VAT), US dollar per pound sterling, for "
            f"{args.fx_period}",
        }
    try:
        table = build_table(current, fetcher or Fetcher(), today or date.today(), fx=fx)
    except OfflineError as error:
        sys.stderr.write(
            f"refresh_prices: {error}\n"
            "This script needs network access to the AWS Price List Bulk API (pricing.us-east-1.amazonaws.com) "
            "and the Azure Retail Prices API (prices.azure.com). Nothing was written; "
            f"{args.out} is unchanged.\n"
        )
        return 1
    for line in summarise(current, table):
        print(line)
    print(f"{len(table['rows'])} rows priced, {len(table['not_included'])} not included")
    if not args.dry_run:
        args.out.write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Carbon estimates with the Cloud Carbon Footprint (CCF) method, from one coefficient file.

Everything here is a pure function of a `UsageRecord` (a quantity of one usage type, as Cost
Explorer, a CUR row or a planned resource reports it) and the `Coefficients` loaded from
``lz/data/carbon_coefficients.json``. No number is written in this module: change the file and
every estimate changes with it, so a test (or an auditor) can recompute any figure by hand.

Formulas (docs/carbon-method.md has the derivations and sources):

* compute kWh = (Wmin + u x (Wmax - Wmin)) x vCPU-hours x PUE x replication / 1000
* memory kWh = GB-hours above the SPECpower baseline x 0.000392 x PUE x replication
* storage kWh = TB-hours x Wh/TB-h (SSD or HDD) x PUE x replication / 1000
* network kWh = inter-region GB x 0.001 x PUE
* operational kgCO2e = kWh x grid factor (location-based, kgCO2e/kWh)
* embodied kgCO2e = TE(t) x 1000 x hours / lifespan x vCPUs / largest vCPUs of the family

A usage type the method has no coefficient for is *not estimated* and says why; internet, CDN
and intra-region traffic is *excluded* (CCF counts inter-region transfer only). Neither is
ever counted as zero emissions silently.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

__all__ = [
    "UNMAPPED_PREFIX",
    "CarbonLine",
    "Cloud",
    "Coefficients",
    "CoefficientsError",
    "InstanceSpec",
    "LineStatus",
    "UsageRecord",
    "compute_kwh",
    "embodied_kg",
    "estimate_usage",
    "infer_unit",
    "instance_spec",
    "load_coefficients",
    "memory_gigabyte_hours",
    "network_kwh",
    "product_code",
    "region_from_usage_type",
    "split_usage_type",
    "storage_kwh",
]

Cloud = Literal["aws", "azure"]
LineStatus = Literal["estimated", "not_estimated", "excluded"]

#: AWS usage-type region prefixes (as in CUR/Cost Explorer usage types) for the regions this
#: toolkit meets. A usage type without a prefix is us-east-1 or global; it is only given a
#: region when the source names one (CUR's product_region_code does).
USAGE_TYPE_PREFIXES: Final[Mapping[str, str]] = {
    "EUW2": "eu-west-2",
    "EU": "eu-west-1",
    "EUC1": "eu-central-1",
    "EUN1": "eu-north-1",
    "EUW3": "eu-west-3",
    "USE1": "us-east-1",
    "USE2": "us-east-2",
    "USW1": "us-west-1",
    "USW2": "us-west-2",
}
#: Cost Explorer SERVICE dimension names -> the CUR product codes the rules below use.
SERVICE_CODES: Final[Mapping[str, str]] = {
    "Amazon Elastic Compute Cloud - Compute": "AmazonEC2",
    "EC2 - Other": "AmazonEC2",
    "Amazon Relational Database Service": "AmazonRDS",
    "Amazon Simple Storage Service": "AmazonS3",
    "AmazonCloudWatch": "AmazonCloudWatch",
    "Amazon CloudFront": "AmazonCloudFront",
    "AWS Key Management Service": "awskms",
    "AWS Secrets Manager": "AWSSecretsManager",
    "Amazon Virtual Private Cloud": "AmazonVPC",
    "Amazon ElastiCache": "AmazonElastiCache",
    "AWS Lambda": "AWSLambda",
    "Amazon Elastic Container Service": "AmazonECS",
    "Amazon EC2 Container Registry (ECR)": "AmazonECR",
    "Amazon Elastic File System": "AmazonEFS",
    "Amazon DynamoDB": "AmazonDynamoDB",
}
#: Usage type of a planned resource the estimator does not map to usage (``resource:<type token>``).
UNMAPPED_PREFIX: Final = "resource:"
_REGION_CODE: Final = re.compile(r"^(?P<region>[a-z]{2}-[a-z]+-\d)-(?P<rest>.+)$")
_PREFIXED: Final = re.compile(r"^(?P<prefix>[A-Z]{2,4}\d?)-(?P<rest>.+)$")

_EC2_COMPUTE: Final = re.compile(
    r"^(?:BoxUsage|SpotUsage|DedicatedUsage|UnusedBox|DedicatedRes):(?P<type>[a-z0-9-]+\.[a-z0-9]+)$"
)
_RDS_COMPUTE: Final = re.compile(
    r"^(?P<kind>InstanceUsage|Multi-AZUsage)(?:IOOptimized)?:(?P<type>db\.[a-z0-9-]+\.[a-z0-9]+)$"
)
_CACHE_COMPUTE: Final = re.compile(r"^NodeUsage:(?P<type>cache\.[a-z0-9-]+\.[a-z0-9]+)$")
_AZURE_PG_COMPUTE: Final = re.compile(r"^Compute:(?P<sku>Standard_[A-Za-z0-9_]+)$")
_AZURE_STORAGE: Final = re.compile(
    r"^(?:(?P<tier>Hot|Cool|Cold|Archive|Premium) )?(?P<red>RA-GZRS|RA-GRS|GZRS|GRS|ZRS|LRS) Data Stored$"
)

_HOUR_UNITS: Final = frozenset({"hrs", "hours", "hour", "hr", "h"})
_GB_MONTH_UNITS: Final = frozenset({"gb-mo", "gb-month", "gb-months", "gb-mp", "gbmonth", "1 gb/month"})
_GB_UNITS: Final = frozenset({"gb", "gigabytes"})
_GB_HOUR_UNITS: Final = frozenset({"gb-hours", "gb-hour", "gb-hrs"})
_GB_SECOND_UNITS: Final = frozenset({"gb-second", "gb-seconds", "lambda-gb-second", "seconds", "second"})
_VCPU_HOUR_UNITS: Final = frozenset({"vcpu-hours", "hrs", "hours", "hour"})

#: Traffic CCF does not count (it estimates data-centre-to-data-centre transfer only).
_EXCLUDED_TRAFFIC: Final = (
    "DataTransfer-Out-Bytes",
    "DataTransfer-In-Bytes",
    "DataTransfer-Regional-Bytes",
    "AWS-In-Bytes",
    "NatGateway-Bytes",
    "VpcEndpoint-Bytes",
    "TransitGateway-Bytes",
    "CloudFront-Out-Bytes",
    "CloudFront-In-Bytes",
)


class CoefficientsError(ValueError):
    """The coefficient file is malformed; `problems` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class InstanceSpec:
    """Size facts of one instance type, from the coefficient file's family table."""

    instance_type: str
    family: str
    size: str
    vcpus: float
    memory_gb: float
    largest_vcpus: float
    largest_memory_gb: float
    processors: tuple[str, ...]
    burstable: bool
    embodied_tco2e: float | None


@dataclass(frozen=True)
class Coefficients:
    """The decoded coefficient file with the lookups the formulas need."""

    data: Mapping[str, Any] = field(repr=False)

    @property
    def version(self) -> str:
        return str(self.data["version"])

    @property
    def hours_per_month(self) -> float:
        return float(self.data["hours_per_month"])

    @property
    def utilisation(self) -> float:
        return float(self.data["default_cpu_utilisation"])

    def pue(self, cloud: Cloud) -> float:
        return float(self.data["pue"][cloud])

    def grid(self, region: str | None) -> float | None:
        """kgCO2e per kWh for a region, or None when the file has no factor for it."""
        if region is None:
            return None
        value = self.data["grid_kgco2e_per_kwh"].get(region)
        return None if value is None else float(value)

    def watts(self, cloud: Cloud, processors: Sequence[str]) -> tuple[float, float]:
        """(min, max) watts per vCPU: CCF's average over the processors (median when Sandy or
        Ivy Bridge is among them), or the provider average when none is known."""
        table = self.data["compute_watts"]["by_processor"]
        known = [table[p] for p in processors if p in table]
        if not known:
            fallback = self.data["compute_watts"][cloud]
            return float(fallback["min"]), float(fallback["max"])
        mins = [float(k["min"]) for k in known]
        maxs = [float(k["max"]) for k in known]
        if any(p in ("sandy_bridge", "ivy_bridge") for p in processors):
            return statistics.median(mins), statistics.median(maxs)
        return statistics.fmean(mins), statistics.fmean(maxs)

    def memory_gb_per_chip(self, cloud: Cloud, processors: Sequence[str]) -> float:
        table = self.data["memory_gb_per_chip"]
        known = [float(table[p]) for p in processors if p in table]
        if not known:
            return float(table[f"{cloud}_average"])
        return statistics.fmean(known)

    def replication(self, cloud: Cloud, key: str) -> float:
        factors = self.data["replication_factors"][cloud]
        return float(factors.get(key, factors["default"]))

    def storage_wh_per_tb_hour(self, medium: str) -> float:
        return float(self.data["storage_wh_per_tb_hour"][medium])

    @property
    def memory_kwh_per_gb_hour(self) -> float:
        return float(self.data["memory_kwh_per_gb_hour"])

    @property
    def network_kwh_per_gb(self) -> float:
        return float(self.data["network_kwh_per_gb"])

    @property
    def lifespan_hours(self) -> float:
        return float(self.data["embodied"]["server_lifespan_hours"])

    @property
    def vcpus_per_chip(self) -> float:
        return float(self.data["vcpus_per_physical_chip"])

    def azure_postgres_sku(self, sku: str) -> Mapping[str, Any] | None:
        table: Mapping[str, Any] = self.data["instance_families"].get("azure_postgres_flexible", {})
        return table.get(sku)


def _check(data: Mapping[str, Any]) -> list[str]:
    problems = []
    required = (
        "version",
        "sources",
        "pue",
        "grid_kgco2e_per_kwh",
        "compute_watts",
        "storage_wh_per_tb_hour",
        "memory_kwh_per_gb_hour",
        "memory_gb_per_chip",
        "network_kwh_per_gb",
        "embodied",
        "replication_factors",
        "hours_per_month",
        "default_cpu_utilisation",
        "instance_families",
        "vcpus_per_physical_chip",
        "provenance",
    )
    for key in required:
        if key not in data:
            problems.append(f"missing top-level key {key!r}")
    if problems:
        return problems
    for cloud in ("aws", "azure"):
        if cloud not in data["pue"]:
            problems.append(f"pue has no {cloud!r}")
        if cloud not in data["compute_watts"]:
            problems.append(f"compute_watts has no {cloud!r}")
        if "default" not in data["replication_factors"].get(cloud, {}):
            problems.append(f"replication_factors.{cloud} needs a 'default'")
    for medium in ("ssd", "hdd"):
        if medium not in data["storage_wh_per_tb_hour"]:
            problems.append(f"storage_wh_per_tb_hour has no {medium!r}")
    for key, entry in data["provenance"].items():
        if not isinstance(entry, Mapping) or entry.get("source") not in data["sources"]:
            problems.append(f"provenance {key!r} names no known source")
    return problems


def load_coefficients(path: Path | None = None) -> Coefficients:
    """The coefficient file at ``path``, or the packaged ``lz/data/carbon_coefficients.json``."""
    if path is None:
        text = resources.files("lz").joinpath("data", "carbon_coefficients.json").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise CoefficientsError([f"coefficient file is not valid JSON: {exc}"]) from None
    if not isinstance(data, Mapping):
        raise CoefficientsError(["coefficient file must be a JSON object"])
    problems = _check(data)
    if problems:
        raise CoefficientsError(problems)
    return Coefficients(data)


# -- instance types ---------------------------------------------------------------------------


def instance_spec(coeffs: Coefficients, instance_type: str) -> InstanceSpec | None:
    """Facts for an EC2 type (``m5.large``), an RDS class (``db.m5.large``) or an ElastiCache node
    (``cache.m5.large``): RDS and ElastiCache classes run on the EC2 family of the same name."""
    name = instance_type.strip()
    for prefix in ("db.", "cache."):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    family, sep, size = name.partition(".")
    if not sep:
        return None
    families = coeffs.data["instance_families"]["aws"]
    spec = families.get(family)
    if spec is None or size not in spec["sizes"]:
        return None
    vcpus, memory = spec["sizes"][size]
    largest_vcpus, largest_memory = max(spec["sizes"].values(), key=lambda pair: (pair[0], pair[1]))
    embodied = spec.get("embodied_tco2e")
    return InstanceSpec(
        instance_type=instance_type,
        family=family,
        size=size,
        vcpus=float(vcpus),
        memory_gb=float(memory),
        largest_vcpus=float(largest_vcpus),
        largest_memory_gb=float(largest_memory),
        processors=tuple(spec.get("processors", ())),
        burstable=bool(spec.get("burstable", False)),
        embodied_tco2e=None if embodied is None else float(embodied),
    )


# -- formulas ---------------------------------------------------------------------------------


def compute_kwh(
    coeffs: Coefficients, cloud: Cloud, processors: Sequence[str], vcpu_hours: float, replication: float = 1.0
) -> float:
    """CCF compute energy: average watts at the default utilisation x vCPU-hours, with PUE."""
    low, high = coeffs.watts(cloud, processors)
    average = low + coeffs.utilisation * (high - low)
    return average * vcpu_hours * coeffs.pue(cloud) * replication / 1000


def memory_gigabyte_hours(coeffs: Coefficients, spec: InstanceSpec, hours: float) -> float:
    """CCF's memory above the SPECpower baseline: the family's largest size per physical chip,
    less the processor's GB per chip, scaled by this size's share of the largest's memory."""
    chips = max(1, math.ceil(spec.largest_vcpus / coeffs.vcpus_per_chip))
    per_chip = spec.largest_memory_gb / chips
    delta = per_chip - coeffs.memory_gb_per_chip("aws", spec.processors)
    if delta <= 0 or spec.memory_gb <= 0:
        return 0.0
    return delta / (spec.largest_memory_gb / spec.memory_gb) * hours


def storage_kwh(coeffs: Coefficients, cloud: Cloud, medium: str, gb_months: float, replication: float) -> float:
    """Storage energy of allocated GB-months (TB-hours = GB-months x hours/month / 1000)."""
    tb_hours = gb_months * coeffs.hours_per_month / 1000
    return tb_hours * coeffs.storage_wh_per_tb_hour(medium) * coeffs.pue(cloud) * replication / 1000


def network_kwh(coeffs: Coefficients, cloud: Cloud, gigabytes: float) -> float:
    """Inter-region transfer energy."""
    return gigabytes * coeffs.network_kwh_per_gb * coeffs.pue(cloud)


def embodied_kg(coeffs: Coefficients, spec: InstanceSpec, hours: float, replication: float = 1.0) -> float | None:
    """SCI M term for the instance's share of a server over ``hours``; None when the family has
    no embodied figure in the file."""
    if spec.embodied_tco2e is None:
        return None
    share = spec.vcpus / spec.largest_vcpus
    return spec.embodied_tco2e * 1000 * (hours / coeffs.lifespan_hours) * share * replication


# -- usage records ----------------------------------------------------------------------------


@dataclass(frozen=True)
class UsageRecord:
    """A quantity of one usage type, the unit every carbon source is reduced to."""

    service: str
    """Required. AWS product code (``AmazonRDS``) or Azure service name (``Storage``)."""
    usage_type: str
    """Required. AWS usage type, with or without its region prefix; for Azure the meter name."""
    quantity: float
    """Required. Amount in `unit`."""
    unit: str
    """Required. Unit as the source states it (``Hrs``, ``GB-Mo``, ``GB`` ...)."""
    cloud: Cloud = "aws"
    """Optional. ``aws`` or ``azure``."""
    region: str | None = None
    """Optional. Region when the source names it; otherwise taken from the usage-type prefix."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Optional. Tag key -> value (``""`` for untagged) for the keys the source can tell."""
    label: str = ""
    """Optional. What the usage belongs to (a planned resource's name, a CUR resource id)."""
    assumption: str | None = None
    """Optional. Set when the quantity is an assumed default, not a measurement."""


@dataclass(frozen=True)
class CarbonLine:
    """The estimate for one `UsageRecord`."""

    record: UsageRecord
    status: LineStatus
    category: str
    """``compute``, ``storage``, ``memory``, ``network`` or ``none``."""
    region: str | None
    reason: str
    """How the figure was made (estimated) or why there is none (not estimated / excluded)."""
    compute_kwh: float = 0.0
    memory_kwh: float = 0.0
    storage_kwh: float = 0.0
    network_kwh: float = 0.0
    grid_kgco2e_per_kwh: float | None = None
    embodied_kgco2e: float = 0.0
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def kwh(self) -> float:
        return self.compute_kwh + self.memory_kwh + self.storage_kwh + self.network_kwh

    @property
    def operational_kgco2e(self) -> float:
        return self.kwh * (self.grid_kgco2e_per_kwh or 0.0) if self.status == "estimated" else 0.0

    @property
    def total_kgco2e(self) -> float:
        return self.operational_kgco2e + (self.embodied_kgco2e if self.status == "estimated" else 0.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.record.service,
            "usage_type": self.record.usage_type,
            "quantity": self.record.quantity,
            "unit": self.record.unit,
            "region": self.region,
            "label": self.record.label,
            "tags": dict(self.record.tags),
            "assumption": self.record.assumption,
            "status": self.status,
            "category": self.category,
            "reason": self.reason,
            "kwh": self.kwh,
            "compute_kwh": self.compute_kwh,
            "memory_kwh": self.memory_kwh,
            "storage_kwh": self.storage_kwh,
            "network_kwh": self.network_kwh,
            "grid_kgco2e_per_kwh": self.grid_kgco2e_per_kwh,
            "operational_kgco2e": self.operational_kgco2e,
            "embodied_kgco2e": self.embodied_kgco2e if self.status == "estimated" else 0.0,
            "total_kgco2e": self.total_kgco2e,
            "detail": dict(self.detail),
        }


def split_usage_type(usage_type: str) -> tuple[str | None, str]:
    """(region or None, usage type without its region prefix)."""
    match = _REGION_CODE.match(usage_type)
    if match:
        return match.group("region"), match.group("rest")
    match = _PREFIXED.match(usage_type)
    if match:
        # An unknown prefix (a region this file has no name for) is still stripped, so the usage
        # type is recognised and the line says the region is the problem.
        return USAGE_TYPE_PREFIXES.get(match.group("prefix")), match.group("rest")
    return None, usage_type


def region_from_usage_type(usage_type: str) -> str | None:
    return split_usage_type(usage_type)[0]


def _not(record: UsageRecord, region: str | None, reason: str, status: LineStatus = "not_estimated") -> CarbonLine:
    return CarbonLine(record=record, status=status, category="none", region=region, reason=reason)


def _unit(record: UsageRecord) -> str:
    return record.unit.strip().lower()


def _aws_storage_class(service: str, usage: str) -> tuple[str, str] | None:
    """(medium, replication key) for an AWS storage usage type, after CCF's SSD/HDD lists and
    replication rules; None when the usage type is not storage."""
    if service == "AmazonS3":
        if any(t in usage for t in ("TimedStorage-ZIA", "EarlyDelete-ZIA", "TimedStorage-RRS")):
            return "hdd", "s3_one_zone_or_rrs"
        if "TimedStorage" in usage or "EarlyDelete" in usage:
            return "hdd", "s3"
        return None
    if usage.startswith("EBS:VolumeUsage"):
        kind = usage.removeprefix("EBS:VolumeUsage").lstrip(".")
        if kind in ("gp2", "gp3", "io1", "io2", "piops"):
            return "ssd", "ebs_volume"
        return "hdd", "ebs_volume"
    if usage.startswith("EBS:SnapshotUsage"):
        return "hdd", "ebs_snapshot"
    if service == "AmazonRDS":
        if usage.startswith("Aurora:StorageUsage"):
            return "ssd", "rds_aurora"
        if usage in ("Aurora:BackupUsage", "RDS:ChargedBackupUsage") or usage.endswith("BackupUsage"):
            return "hdd", "rds_backup"
        if usage.startswith("RDS:Multi-AZ-"):
            return "ssd", "rds_multi_az"  # CCF lists RDS:Multi-AZ-StorageUsage as SSD
        if usage in ("RDS:StorageUsage",):
            return "hdd", "default"
        if usage.startswith("RDS:") and usage.endswith("-Storage"):
            return "ssd", "default"
        return None
    if "TimedStorage" in usage:
        if service == "AmazonECR":
            return "hdd", "ecr"
        if service == "AmazonEFS":
            return "ssd", "efs_one_zone" if "ZIA" in usage else "efs"
        if service == "AmazonDynamoDB":
            return "ssd", "dynamodb"
        return "hdd", "default"
    return None


def _estimate_instance(
    record: UsageRecord, coeffs: Coefficients, region: str, grid: float, instance_type: str, replication_key: str
) -> CarbonLine:
    if _unit(record) not in _HOUR_UNITS:
        return _not(record, region, f"unit {record.unit!r} is not hours for instance usage")
    spec = instance_spec(coeffs, instance_type)
    if spec is None:
        return _not(record, region, f"instance type {instance_type} is not in the coefficient file")
    cloud: Cloud = record.cloud
    replication = coeffs.replication(cloud, replication_key)
    hours = record.quantity
    vcpu_hours = hours * spec.vcpus
    c_kwh = compute_kwh(coeffs, cloud, spec.processors, vcpu_hours, replication)
    m_kwh = 0.0
    gb_hours = 0.0
    if not spec.burstable:
        gb_hours = memory_gigabyte_hours(coeffs, spec, hours)
        m_kwh = gb_hours * coeffs.memory_kwh_per_gb_hour * coeffs.pue(cloud) * replication
    embodied = embodied_kg(coeffs, spec, hours, replication)
    low, high = coeffs.watts(cloud, spec.processors)
    notes = []
    if not spec.processors or not any(p in coeffs.data["compute_watts"]["by_processor"] for p in spec.processors):
        notes.append(f"processor unknown: {cloud} average watts")
    if spec.burstable:
        notes.append("burstable: no memory uplift (CCF)")
    if embodied is None:
        notes.append("embodied not estimated: no figure for this family")
    return CarbonLine(
        record=record,
        status="estimated",
        category="compute",
        region=region,
        reason=f"{spec.vcpus:g} vCPU x {hours:g} h, {low:g}-{high:g} W/vCPU"
        + (f"; {'; '.join(notes)}" if notes else ""),
        compute_kwh=c_kwh,
        memory_kwh=m_kwh,
        grid_kgco2e_per_kwh=grid,
        embodied_kgco2e=embodied or 0.0,
        detail={
            "instance_type": instance_type,
            "vcpus": spec.vcpus,
            "vcpu_hours": vcpu_hours,
            "min_watts": low,
            "max_watts": high,
            "replication": replication,
            "memory_gb_hours": gb_hours,
            "embodied_estimated": embodied is not None,
        },
    )


def _estimate_storage(
    record: UsageRecord, coeffs: Coefficients, region: str, grid: float, medium: str, replication_key: str
) -> CarbonLine:
    if _unit(record) not in _GB_MONTH_UNITS:
        return _not(record, region, f"unit {record.unit!r} is not GB-months for storage")
    replication = coeffs.replication(record.cloud, replication_key)
    kwh = storage_kwh(coeffs, record.cloud, medium, record.quantity, replication)
    return CarbonLine(
        record=record,
        status="estimated",
        category="storage",
        region=region,
        reason=f"{record.quantity:g} GB-month {medium.upper()}, replication {replication:g}",
        storage_kwh=kwh,
        grid_kgco2e_per_kwh=grid,
        detail={
            "medium": medium,
            "replication": replication,
            "tb_hours": record.quantity * coeffs.hours_per_month / 1000,
        },
    )


def _estimate_vcpu_hours(
    record: UsageRecord, coeffs: Coefficients, region: str, grid: float, vcpu_hours: float, what: str
) -> CarbonLine:
    kwh = compute_kwh(coeffs, record.cloud, (), vcpu_hours)
    low, high = coeffs.watts(record.cloud, ())
    return CarbonLine(
        record=record,
        status="estimated",
        category="compute",
        region=region,
        reason=f"{what}: {vcpu_hours:g} vCPU-hours at the {record.cloud} average {low:g}-{high:g} W/vCPU",
        compute_kwh=kwh,
        grid_kgco2e_per_kwh=grid,
        detail={"vcpu_hours": vcpu_hours, "min_watts": low, "max_watts": high, "replication": 1.0},
    )


def _estimate_memory(
    record: UsageRecord, coeffs: Coefficients, region: str, grid: float, gb_hours: float
) -> CarbonLine:
    kwh = gb_hours * coeffs.memory_kwh_per_gb_hour * coeffs.pue(record.cloud)
    return CarbonLine(
        record=record,
        status="estimated",
        category="memory",
        region=region,
        reason=f"{gb_hours:g} GB-hours of memory",
        memory_kwh=kwh,
        grid_kgco2e_per_kwh=grid,
        detail={"memory_gb_hours": gb_hours},
    )


def _estimate_aws(record: UsageRecord, coeffs: Coefficients, region: str, grid: float, usage: str) -> CarbonLine | None:
    service = record.service
    match = _EC2_COMPUTE.match(usage)
    if match and service == "AmazonEC2":
        return _estimate_instance(record, coeffs, region, grid, match.group("type"), "default")
    match = _RDS_COMPUTE.match(usage)
    if match:
        key = "rds_multi_az" if match.group("kind") == "Multi-AZUsage" else "default"
        return _estimate_instance(record, coeffs, region, grid, match.group("type"), key)
    match = _CACHE_COMPUTE.match(usage)
    if match:
        return _estimate_instance(record, coeffs, region, grid, match.group("type"), "default")
    if "Fargate-vCPU-Hours" in usage:
        if _unit(record) not in _VCPU_HOUR_UNITS:
            return _not(record, region, f"unit {record.unit!r} is not vCPU-hours")
        return _estimate_vcpu_hours(record, coeffs, region, grid, record.quantity, "Fargate")
    if "Fargate-GB-Hours" in usage:
        if _unit(record) not in _GB_HOUR_UNITS | _HOUR_UNITS:
            return _not(record, region, f"unit {record.unit!r} is not GB-hours")
        return _estimate_memory(record, coeffs, region, grid, record.quantity)
    if usage.startswith("Lambda-GB-Second") or usage.startswith("Lambda-Edge-GB-Second"):
        if _unit(record) not in _GB_SECOND_UNITS:
            return _not(record, region, f"unit {record.unit!r} is not GB-seconds")
        # CCF: a Lambda function has memory MB / 1,792 vCPUs.
        vcpu_hours = record.quantity / 3600 * 1024 / 1792
        return _estimate_vcpu_hours(record, coeffs, region, grid, vcpu_hours, "Lambda (vCPU = MB / 1792)")
    storage = _aws_storage_class(service, usage)
    if storage is not None:
        return _estimate_storage(record, coeffs, region, grid, storage[0], storage[1])
    if usage.endswith("-AWS-Out-Bytes") or usage == "AWS-Out-Bytes":
        if _unit(record) not in _GB_UNITS:
            return _not(record, region, f"unit {record.unit!r} is not GB for transfer")
        kwh = network_kwh(coeffs, record.cloud, record.quantity)
        return CarbonLine(
            record=record,
            status="estimated",
            category="network",
            region=region,
            reason=f"{record.quantity:g} GB inter-region transfer",
            network_kwh=kwh,
            grid_kgco2e_per_kwh=grid,
            detail={"gigabytes": record.quantity},
        )
    if (service == "AmazonCloudFront" and "Bytes" in usage) or any(usage.endswith(t) for t in _EXCLUDED_TRAFFIC):
        return _not(
            record,
            region,
            "excluded by the method: CCF counts inter-region transfer only "
            "(internet, CDN and in-region traffic are not estimated)",
            status="excluded",
        )
    return None


def _estimate_azure(record: UsageRecord, coeffs: Coefficients, region: str, grid: float) -> CarbonLine | None:
    usage = record.usage_type
    match = _AZURE_STORAGE.match(usage)
    if match:
        redundancy = match.group("red").removeprefix("RA-").lower()
        medium = "ssd" if match.group("tier") == "Premium" else "hdd"
        return _estimate_storage(record, coeffs, region, grid, medium, f"storage_{redundancy}")
    match = _AZURE_PG_COMPUTE.match(usage)
    if match:
        sku = coeffs.azure_postgres_sku(match.group("sku"))
        if sku is None:
            return _not(record, region, f"SKU {match.group('sku')} is not in the coefficient file")
        if _unit(record) not in _HOUR_UNITS:
            return _not(record, region, f"unit {record.unit!r} is not hours")
        line = _estimate_vcpu_hours(
            record,
            coeffs,
            region,
            grid,
            record.quantity * float(sku["vcpus"]),
            f"{match.group('sku')} ({sku['vcpus']} vCore)",
        )
        return line
    if usage == "Storage Data Stored" and record.service == "Azure Database for PostgreSQL":
        return _estimate_storage(record, coeffs, region, grid, "ssd", "default")
    return None


def product_code(service: str) -> str:
    """The CUR product code for a Cost Explorer SERVICE name (CUR rows already carry codes)."""
    return SERVICE_CODES.get(service, service)


def infer_unit(usage_type: str) -> str:
    """The unit a usage type is measured in, for sources (CUR rows) that give no unit column."""
    _, usage = split_usage_type(usage_type)
    if _EC2_COMPUTE.match(usage) or _RDS_COMPUTE.match(usage) or _CACHE_COMPUTE.match(usage):
        return "Hrs"
    if "GB-Second" in usage:
        return "Second"
    if "Fargate-GB-Hours" in usage:
        return "GB-Hours"
    if "vCPU-Hours" in usage:
        return "vCPU-Hours"
    if usage.endswith("Bytes"):
        return "GB"
    if any(t in usage for t in ("ByteHrs", "Storage", "VolumeUsage", "SnapshotUsage", "BackupUsage")):
        return "GB-Mo"
    if usage.endswith("Hours") or usage.endswith("Hrs"):
        return "Hrs"
    return ""


def estimate_usage(record: UsageRecord, coeffs: Coefficients) -> CarbonLine:
    """The CCF estimate for one usage record (see the module docstring for the formulas)."""
    if record.cloud == "aws":
        prefix_region, usage = split_usage_type(record.usage_type)
        record_for_rules = (
            record
            if record.service == product_code(record.service)
            else UsageRecord(
                service=product_code(record.service),
                usage_type=record.usage_type,
                quantity=record.quantity,
                unit=record.unit,
                cloud=record.cloud,
                region=record.region,
                tags=record.tags,
                label=record.label,
                assumption=record.assumption,
            )
        )
    else:
        prefix_region, usage = None, record.usage_type
        record_for_rules = record
    region = record.region or prefix_region
    grid = coeffs.grid(region)
    # Classify first (with a stand-in factor) so that a usage type the method cannot estimate, or
    # excludes, says so whatever its region; only an estimable line needs the region's factor.
    stand_in = grid if grid is not None else 0.0
    line = (
        _estimate_aws(record_for_rules, coeffs, region or "", stand_in, usage)
        if record.cloud == "aws"
        else _estimate_azure(record_for_rules, coeffs, region or "", stand_in)
    )
    if line is None and record.usage_type.startswith(UNMAPPED_PREFIX):
        return _not(
            record,
            region,
            f"resource type {record.usage_type.removeprefix(UNMAPPED_PREFIX)} is not mapped to usage by the estimator",
        )
    if line is None:
        return _not(
            record, region, f"no CCF coefficient for usage type {record.usage_type!r} ({record.unit or 'no unit'})"
        )
    line = replace(line, record=record, region=region)
    if line.status == "estimated" and grid is None:
        where = region or "an unknown region"
        return _not(record, region, f"no grid emissions factor for {where} in the coefficient file")
    return line

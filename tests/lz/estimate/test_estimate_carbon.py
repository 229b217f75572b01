"""The CCF formulas, recomputed by hand from lz/data/carbon_coefficients.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lz.estimate.carbon import (
    Coefficients,
    UsageRecord,
    estimate_usage,
    infer_unit,
    instance_spec,
    load_coefficients,
    split_usage_type,
)

ROOT = Path(__file__).resolve().parents[3]
C = json.loads((ROOT / "lz" / "data" / "carbon_coefficients.json").read_text(encoding="utf-8"))
COEFFS = load_coefficients()
PUE = C["pue"]["aws"]
GRID = C["grid_kgco2e_per_kwh"]["eu-west-2"]
U = C["default_cpu_utilisation"]
H = C["hours_per_month"]
REPL = C["replication_factors"]["aws"]


def _watts(processors: list[str]) -> tuple[float, float]:
    table = C["compute_watts"]["by_processor"]
    if not processors:
        return C["compute_watts"]["aws"]["min"], C["compute_watts"]["aws"]["max"]
    mins = [table[p]["min"] for p in processors]
    maxs = [table[p]["max"] for p in processors]
    return sum(mins) / len(mins), sum(maxs) / len(maxs)


def _family(name: str) -> dict[str, Any]:
    return C["instance_families"]["aws"][name]  # type: ignore[no-any-return]


def _expected_instance(family: str, size: str, hours: float, replication: float) -> dict[str, float]:
    spec = _family(family)
    vcpus, memory = spec["sizes"][size]
    largest_vcpus, largest_memory = max(spec["sizes"].values())
    low, high = _watts(spec["processors"])
    compute = (low + U * (high - low)) * vcpus * hours * PUE * replication / 1000
    memory_kwh = 0.0
    if not spec["burstable"]:
        chips = -(-largest_vcpus // C["vcpus_per_physical_chip"])
        per_chip = largest_memory / chips
        gb_chip = (
            sum(C["memory_gb_per_chip"][p] for p in spec["processors"]) / len(spec["processors"])
            if spec["processors"]
            else C["memory_gb_per_chip"]["aws_average"]
        )
        delta = per_chip - gb_chip
        gb_hours = delta / (largest_memory / memory) * hours if delta > 0 else 0.0
        memory_kwh = gb_hours * C["memory_kwh_per_gb_hour"] * PUE * replication
    embodied = 0.0
    if spec["embodied_tco2e"] is not None:
        embodied = (
            spec["embodied_tco2e"]
            * 1000
            * hours
            / C["embodied"]["server_lifespan_hours"]
            * vcpus
            / largest_vcpus
            * replication
        )
    return {
        "compute": compute,
        "memory": memory_kwh,
        "embodied": embodied,
        "kg": (compute + memory_kwh) * GRID + embodied,
    }


@pytest.mark.parametrize(
    ("service", "usage_type", "family", "size", "replication"),
    [
        ("AmazonEC2", "EUW2-BoxUsage:m5.large", "m5", "large", 1),
        ("AmazonEC2", "EUW2-BoxUsage:m6g.large", "m6g", "large", 1),
        ("AmazonEC2", "EUW2-BoxUsage:t3.micro", "t3", "micro", 1),
        ("AmazonEC2", "EUW2-BoxUsage:c5.xlarge", "c5", "xlarge", 1),
        ("AmazonRDS", "EUW2-InstanceUsage:db.t4g.small", "t4g", "small", 1),
        ("AmazonRDS", "EUW2-Multi-AZUsage:db.m7g.large", "m7g", "large", REPL["rds_multi_az"]),
        ("AmazonRDS", "EUW2-InstanceUsage:db.r7g.xlarge", "r7g", "xlarge", 1),
        ("AmazonRDS", "EUW2-Multi-AZUsage:db.r6i.xlarge", "r6i", "xlarge", REPL["rds_multi_az"]),
        ("AmazonRDS", "EUW2-InstanceUsage:db.t3.xlarge", "t3", "xlarge", 1),
        ("Amazon Relational Database Service", "EUW2-InstanceUsage:db.m5.large", "m5", "large", 1),
    ],
)
def test_compute_lines(service: str, usage_type: str, family: str, size: str, replication: float) -> None:
    line = estimate_usage(UsageRecord(service, usage_type, 730, "Hrs"), COEFFS)
    expected = _expected_instance(family, size, 730, replication)
    assert line.status == "estimated" and line.region == "eu-west-2"
    assert line.compute_kwh == pytest.approx(expected["compute"])
    assert line.memory_kwh == pytest.approx(expected["memory"])
    assert line.embodied_kgco2e == pytest.approx(expected["embodied"])
    assert line.total_kgco2e == pytest.approx(expected["kg"])


@pytest.mark.parametrize(
    ("service", "usage_type", "medium", "replication"),
    [
        ("AmazonS3", "EUW2-TimedStorage-ByteHrs", "hdd", REPL["s3"]),
        ("AmazonS3", "EUW2-TimedStorage-ZIA-ByteHrs", "hdd", REPL["s3_one_zone_or_rrs"]),
        ("AmazonEC2", "EUW2-EBS:VolumeUsage.gp3", "ssd", REPL["ebs_volume"]),
        ("AmazonEC2", "EUW2-EBS:VolumeUsage.st1", "hdd", REPL["ebs_volume"]),
        ("AmazonEC2", "EUW2-EBS:SnapshotUsage", "hdd", REPL["ebs_snapshot"]),
        ("AmazonRDS", "EUW2-RDS:GP3-Storage", "ssd", REPL["default"]),
        ("AmazonRDS", "EUW2-RDS:Multi-AZ-GP3-Storage", "ssd", REPL["rds_multi_az"]),
        ("AmazonRDS", "EUW2-RDS:ChargedBackupUsage", "hdd", REPL["rds_backup"]),
        ("AmazonCloudWatch", "EUW2-TimedStorage-ByteHrs", "hdd", REPL["default"]),
        ("AmazonECR", "EUW2-TimedStorage-ByteHrs", "hdd", REPL["ecr"]),
    ],
)
def test_storage_lines(service: str, usage_type: str, medium: str, replication: float) -> None:
    line = estimate_usage(UsageRecord(service, usage_type, 250, "GB-Mo"), COEFFS)
    kwh = 250 * H / 1000 * C["storage_wh_per_tb_hour"][medium] * PUE * replication / 1000
    assert line.status == "estimated" and line.category == "storage"
    assert line.storage_kwh == pytest.approx(kwh)
    assert line.total_kgco2e == pytest.approx(kwh * GRID)


def test_inter_region_transfer() -> None:
    line = estimate_usage(UsageRecord("AmazonEC2", "EUW2-USE1-AWS-Out-Bytes", 100, "GB"), COEFFS)
    assert line.network_kwh == pytest.approx(100 * C["network_kwh_per_gb"] * PUE)
    assert line.total_kgco2e == pytest.approx(100 * C["network_kwh_per_gb"] * PUE * GRID)


def test_lambda_and_fargate() -> None:
    low, high = _watts([])
    lam = estimate_usage(UsageRecord("AWSLambda", "EUW2-Lambda-GB-Second", 3_600_000, "Second"), COEFFS)
    vcpu_hours = 3_600_000 / 3600 * 1024 / 1792
    assert lam.compute_kwh == pytest.approx((low + U * (high - low)) * vcpu_hours * PUE / 1000)
    mem = estimate_usage(UsageRecord("AmazonECS", "EUW2-Fargate-GB-Hours", 1000, "GB-Hours"), COEFFS)
    assert mem.memory_kwh == pytest.approx(1000 * C["memory_kwh_per_gb_hour"] * PUE)


def test_research_note_worked_example() -> None:
    """shared/reference/carbon-and-cost.md section 3.3 (memory uplift left out there)."""
    m5 = estimate_usage(UsageRecord("AmazonEC2", "EUW2-BoxUsage:m5.large", 730, "Hrs"), COEFFS)
    assert round(m5.compute_kwh, 2) == 4.07 and round(m5.compute_kwh * GRID, 2) == 0.92
    assert round(m5.embodied_kgco2e, 2) == 0.70
    m6g = estimate_usage(UsageRecord("AmazonEC2", "EUW2-BoxUsage:m6g.large", 730, "Hrs"), COEFFS)
    assert round(m6g.compute_kwh, 2) == 1.79 and round(m6g.embodied_kgco2e, 2) == 0.87
    s3 = estimate_usage(UsageRecord("AmazonS3", "EUW2-TimedStorage-ByteHrs", 1000, "GB-Mo"), COEFFS)
    assert round(s3.storage_kwh, 2) == 3.23 and round(s3.total_kgco2e, 2) == 0.73
    ebs = estimate_usage(UsageRecord("AmazonEC2", "EUW2-EBS:VolumeUsage.gp3", 100, "GB-Mo"), COEFFS)
    assert round(ebs.storage_kwh, 2) == 0.20
    azure = estimate_usage(
        UsageRecord(
            "Azure Database for PostgreSQL", "Compute:Standard_D2ds_v5", 730, "Hrs", cloud="azure", region="uksouth"
        ),
        COEFFS,
    )
    assert round(azure.compute_kwh, 2) == 3.70 and round(azure.total_kgco2e, 2) == 0.83


@pytest.mark.parametrize(
    ("record", "status", "reason"),
    [
        (UsageRecord("Amazon CloudFront", "EU-DataTransfer-Out-Bytes", 50, "GB"), "excluded", "inter-region"),
        (UsageRecord("AmazonEC2", "EUW2-DataTransfer-Out-Bytes", 50, "GB"), "excluded", "inter-region"),
        (UsageRecord("AmazonEC2", "EUW2-NatGateway-Bytes", 50, "GB"), "excluded", "inter-region"),
        (UsageRecord("awskms", "eu-west-2-KMS-Keys", 3, "Keys"), "not_estimated", "no CCF coefficient"),
        (UsageRecord("AmazonS3", "EUW2-Requests-Tier1", 10_000, "Requests"), "not_estimated", "no CCF coefficient"),
        (UsageRecord("AmazonEC2", "EUW2-BoxUsage:x9z.large", 730, "Hrs"), "not_estimated", "not in the coefficient"),
        (UsageRecord("AmazonEC2", "APS9-BoxUsage:m5.large", 730, "Hrs"), "not_estimated", "grid emissions factor"),
        (UsageRecord("AmazonEC2", "EUW2-BoxUsage:m5.large", 10, "GB"), "not_estimated", "is not hours"),
        (UsageRecord("sns", "resource:aws:sns/topic:Topic", 1, "resource"), "not_estimated", "not mapped"),
    ],
)
def test_never_silently_zero(record: UsageRecord, status: str, reason: str) -> None:
    line = estimate_usage(record, COEFFS)
    assert line.status == status
    assert reason in line.reason
    assert line.total_kgco2e == 0.0


def test_region_prefixes_and_units() -> None:
    assert split_usage_type("EUW2-BoxUsage:m5.large") == ("eu-west-2", "BoxUsage:m5.large")
    assert split_usage_type("eu-west-2-KMS-Keys") == ("eu-west-2", "KMS-Keys")
    assert split_usage_type("BoxUsage:m5.large") == (None, "BoxUsage:m5.large")
    assert infer_unit("EUW2-InstanceUsage:db.t4g.small") == "Hrs"
    assert infer_unit("EUW2-TimedStorage-ByteHrs") == "GB-Mo"
    assert infer_unit("EUW2-USE1-AWS-Out-Bytes") == "GB"
    assert infer_unit("EUW2-Requests-Tier1") == ""


def test_region_from_record_wins_over_prefix() -> None:
    line = estimate_usage(UsageRecord("AmazonEC2", "BoxUsage:m5.large", 730, "Hrs", region="eu-west-2"), COEFFS)
    assert line.grid_kgco2e_per_kwh == GRID


def test_instance_spec_for_rds_and_cache_classes() -> None:
    spec = instance_spec(COEFFS, "db.r7g.xlarge")
    assert spec is not None and (spec.vcpus, spec.memory_gb, spec.largest_vcpus) == (4, 32, 64)
    assert instance_spec(COEFFS, "cache.m5.large") is not None
    assert instance_spec(COEFFS, "db.z9.large") is None


def test_a_changed_coefficient_file_changes_the_estimate(tmp_path: Path) -> None:
    changed = json.loads(json.dumps(C))
    changed["grid_kgco2e_per_kwh"]["eu-west-2"] = GRID * 2
    path = tmp_path / "c.json"
    path.write_text(json.dumps(changed))
    record = UsageRecord("AmazonS3", "EUW2-TimedStorage-ByteHrs", 100, "GB-Mo")
    base = estimate_usage(record, COEFFS).total_kgco2e
    assert estimate_usage(record, load_coefficients(path)).total_kgco2e == pytest.approx(2 * base)


@given(
    quantity=st.floats(min_value=0, max_value=1e7, allow_nan=False),
    usage_type=st.sampled_from(
        [
            "EUW2-BoxUsage:m5.large",
            "EUW2-InstanceUsage:db.t4g.small",
            "EUW2-TimedStorage-ByteHrs",
            "EUW2-EBS:VolumeUsage.gp3",
            "EUW2-USE1-AWS-Out-Bytes",
        ]
    ),
)
def test_estimates_are_non_negative_and_linear(quantity: float, usage_type: str) -> None:
    unit = {"Box": "Hrs", "Ins": "Hrs", "Tim": "GB-Mo", "EBS": "GB-Mo", "USE": "GB"}[usage_type[5:8]]
    service = "AmazonS3" if "Timed" in usage_type else ("AmazonRDS" if "db." in usage_type else "AmazonEC2")
    one = estimate_usage(UsageRecord(service, usage_type, 1.0, unit), COEFFS).total_kgco2e
    many = estimate_usage(UsageRecord(service, usage_type, quantity, unit), COEFFS).total_kgco2e
    assert many >= 0
    assert many == pytest.approx(one * quantity, rel=1e-9, abs=1e-12)


def test_coefficients_type() -> None:
    assert isinstance(COEFFS, Coefficients) and COEFFS.version == C["version"]

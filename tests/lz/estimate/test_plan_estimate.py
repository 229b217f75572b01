"""`estimate_plan` over hand-built plans: every priced type, unpriced items, the fixed/usage split,
the budget flag, and carbon recomputed from the coefficient file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lz.estimate import estimate_plan, estimate_to_json
from lz.estimate.plan_estimate import DEFAULT_USAGE, StackEstimate
from lz.plan.model import PlannedResource, StackPlan

ROOT = Path(__file__).resolve().parents[3]
PRICES = json.loads((ROOT / "lz" / "data" / "prices.json").read_text(encoding="utf-8"))
C = json.loads((ROOT / "lz" / "data" / "carbon_coefficients.json").read_text(encoding="utf-8"))
ROWS = {row["id"]: row for row in PRICES["rows"]}
FX = PRICES["fx"]["usd_per_gbp"]
HOURS = PRICES["hours_per_month"]
TAGS = {"service": "housing-repairs", "cost-centre": "CC1234", "environment": "dev"}


def res(type_: str, name: str, **inputs: Any) -> PlannedResource:
    return PlannedResource(
        urn=f"urn:pulumi:dev::lz::{type_}::{name}",
        type=type_,
        name=name,
        custom=True,
        parent=None,
        provider=None,
        dependencies=[],
        property_dependencies={},
        raw_inputs=inputs,
        options={},
    )


def plan(*resources: PlannedResource, **metadata: Any) -> StackPlan:
    meta = {"cloud": "aws", "region": "eu-west-2", **metadata}
    return StackPlan(
        name="housing-repairs-dev", kind="service", project="lz", resources=list(resources), outputs={}, metadata=meta
    )


def gbp(row_id: str, quantity: float) -> float:
    row = ROWS[row_id]
    amount = quantity * row["unit_price"]
    return amount / FX if row["currency"] == "USD" else amount


def usage(key: str) -> float:
    return DEFAULT_USAGE[key].quantity


R = "aws/eu-west-2"

#: (resource, [(price row, quantity, kind)], number of unpriced charges)
CASES: list[tuple[str, PlannedResource, list[tuple[str, float, str]], int]] = [
    (
        "rds-postgres-small-single",
        res(
            "aws:rds/instance:Instance",
            "db",
            engine="postgres",
            instanceClass="db.t4g.small",
            allocatedStorage=20,
            storageType="gp3",
            multiAz=False,
        ),
        [(f"{R}/rds/instance/postgres/db.t4g.small/single-az", HOURS, "fixed"), (f"{R}/rds/storage/gp3", 20, "fixed")],
        0,
    ),
    (
        "rds-multi-az-instance-unpriced",
        res(
            "aws:rds/instance:Instance",
            "db",
            engine="postgres",
            instanceClass="db.t4g.small",
            allocatedStorage=100,
            storageType="gp3",
            multiAz=True,
        ),
        [(f"{R}/rds/storage/gp3", 200, "fixed")],
        1,
    ),
    (
        "rds-sqlserver-unpriced",
        res(
            "aws:rds/instance:Instance",
            "db",
            engine="sqlserver-web",
            instanceClass="db.t3.xlarge",
            allocatedStorage=20,
            storageType="gp3",
            multiAz=False,
        ),
        [(f"{R}/rds/storage/gp3", 20, "fixed")],
        1,
    ),
    (
        "s3-bucket",
        res("aws:s3/bucket:Bucket", "files", tags=TAGS),
        [
            (f"{R}/s3/standard/storage", usage("s3.storage_gb"), "usage"),
            (f"{R}/s3/standard/requests-tier1", usage("s3.write_requests"), "usage"),
            (f"{R}/s3/standard/requests-tier2", usage("s3.read_requests"), "usage"),
        ],
        0,
    ),
    (
        "cloudfront",
        res("aws:cloudfront/distribution:Distribution", "cdn", priceClass="PriceClass_100"),
        [
            ("aws/global/cloudfront/europe/data-transfer-out", usage("cloudfront.data_out_gb"), "usage"),
            ("aws/global/cloudfront/europe/https-requests", usage("cloudfront.https_requests"), "usage"),
        ],
        0,
    ),
    (
        "kms-key",
        res("aws:kms/key:Key", "key"),
        [(f"{R}/kms/key-month", 1, "fixed"), (f"{R}/kms/requests", usage("kms.requests"), "usage")],
        0,
    ),
    (
        "secret",
        res("aws:secretsmanager/secret:Secret", "secret"),
        [
            (f"{R}/secretsmanager/secret-month", 1, "fixed"),
            (f"{R}/secretsmanager/api-requests", usage("secretsmanager.api_requests"), "usage"),
        ],
        0,
    ),
    (
        "interface-endpoint",
        res(
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            "ssm",
            vpcEndpointType="Interface",
            subnetIds=["subnet-a", "subnet-b", "subnet-c"],
        ),
        [
            (f"{R}/vpc/interface-endpoint/hour", 3 * HOURS, "fixed"),
            (f"{R}/vpc/interface-endpoint/data-processed", usage("vpc_endpoint.data_gb"), "usage"),
        ],
        0,
    ),
    (
        "interface-endpoint-subnets-unknown",
        res("aws:ec2/vpcEndpoint:VpcEndpoint", "ssm", vpcEndpointType="Interface", subnetIds="[unknown]"),
        [
            (f"{R}/vpc/interface-endpoint/hour", usage("vpc_endpoint.azs_if_unknown") * HOURS, "fixed"),
            (f"{R}/vpc/interface-endpoint/data-processed", usage("vpc_endpoint.data_gb"), "usage"),
        ],
        0,
    ),
    (
        "log-group",
        res("aws:cloudwatch/logGroup:LogGroup", "flow-logs", retentionInDays=400),
        [
            (f"{R}/logs/ingestion", usage("logs.ingested_gb"), "usage"),
            (f"{R}/logs/storage", usage("logs.stored_gb"), "usage"),
        ],
        0,
    ),
    (
        "nat-gateway",
        res("aws:ec2/natGateway:NatGateway", "nat"),
        [
            (f"{R}/ec2/nat-gateway/hour", HOURS, "fixed"),
            (f"{R}/ec2/nat-gateway/data-processed", usage("nat.data_gb"), "usage"),
        ],
        0,
    ),
    (
        "tgw-attachment",
        res("aws:ec2transitgateway/vpcAttachment:VpcAttachment", "tgw"),
        [(f"{R}/tgw/vpc-attachment/hour", HOURS, "fixed"), (f"{R}/tgw/data-processed", usage("tgw.data_gb"), "usage")],
        0,
    ),
    ("flow-log-unpriced", res("aws:ec2/flowLog:FlowLog", "flow", logDestinationType="s3"), [], 1),
    ("ipam-advanced-unpriced", res("aws:ec2/vpcIpam:VpcIpam", "ipam"), [], 1),
    (
        "azure-storage-unpriced",
        res("azure-native:storage:StorageAccount", "st", sku={"name": "Standard_ZRS"}, location="uksouth"),
        [],
        3,
    ),
    (
        "azure-postgres-unpriced",
        res(
            "azure-native:dbforpostgresql:Server",
            "pg",
            sku={"name": "Standard_B1ms"},
            storage={"storageSizeGB": 32},
            location="uksouth",
        ),
        [],
        2,
    ),
]


@pytest.mark.parametrize(("resource", "expected", "unpriced"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_priced_type(resource: PlannedResource, expected: list[tuple[str, float, str]], unpriced: int) -> None:
    est = estimate_plan(plan(resource))
    got = [(item.price_row, item.quantity, item.kind) for item in est.line_items]
    assert got == [(row, pytest.approx(q), kind) for row, q, kind in expected]
    for item, (row, quantity, _kind) in zip(est.line_items, expected, strict=True):
        assert item.monthly_gbp == pytest.approx(gbp(row, quantity))
        assert item.unit_price == ROWS[row]["unit_price"] and item.currency == ROWS[row]["currency"]
        assert item.source and item.urn == resource.urn and item.type == resource.type
        assert (item.assumption is not None) == (item.kind == "usage" or "unknown" in str(resource.inputs))
    assert len(est.unpriced) == unpriced
    for item in est.unpriced:
        assert item.reason and item.urn == resource.urn


def test_unpriced_items_are_listed_never_zero() -> None:
    est = estimate_plan(
        plan(
            res(
                "aws:rds/instance:Instance",
                "db",
                engine="postgres",
                instanceClass="db.m7g.large",
                allocatedStorage=50,
                storageType="gp3",
                multiAz=True,
            ),
            res("aws:sns/topic:Topic", "alerts"),
            res(
                "aws:rds/instance:Instance",
                "later",
                engine="postgres",
                instanceClass="[unknown]",
                allocatedStorage=20,
                storageType="gp3",
            ),
        )
    )
    reasons = {(item.name, item.what): item.reason for item in est.unpriced}
    assert "not confirmed" in reasons[("db", "postgres db.m7g.large multi-az, 730 h")]
    assert reasons[("alerts", "the resource")] == "resource type not in the estimator's price mapping"
    assert "unknown at plan time" in next(r for (n, _), r in reasons.items() if n == "later")
    assert all(item.monthly_gbp > 0 for item in est.line_items)
    data = estimate_to_json(est)
    assert data["totals"]["complete"] is False and data["totals"]["unpriced_count"] == 3


def test_unknown_region_prices_nothing() -> None:
    est = estimate_plan(plan(res("aws:kms/key:Key", "key"), region=None))
    assert est.line_items == []
    assert [item.reason for item in est.unpriced] == ["region unknown: the stack names no region"] * 2


def test_no_charge_types_are_listed() -> None:
    est = estimate_plan(
        plan(
            res("aws:ec2/vpc:Vpc", "vpc"),
            res("aws:iam/role:Role", "role"),
            res("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", vpcEndpointType="Gateway"),
            res("aws:ec2/vpcIpam:VpcIpam", "ipam", tier="free"),
            res("azure-native:authorization:ManagementLockByScope", "lock"),
        )
    )
    assert [item.name for item in est.no_charge] == ["vpc", "role", "s3", "ipam", "lock"]
    assert "gateway endpoints" in est.no_charge[2].reason
    assert est.line_items == [] and est.unpriced == []


def _stack() -> list[PlannedResource]:
    return [
        res(
            "aws:rds/instance:Instance",
            "db",
            engine="postgres",
            instanceClass="db.t4g.small",
            allocatedStorage=20,
            storageType="gp3",
            multiAz=False,
            tags=TAGS,
        ),
        res("aws:s3/bucket:Bucket", "files", tags=TAGS),
        res("aws:kms/key:Key", "key"),
    ]


def test_fixed_and_usage_costs_are_separated() -> None:
    est = estimate_plan(plan(*_stack()))
    fixed = (
        gbp(f"{R}/rds/instance/postgres/db.t4g.small/single-az", HOURS)
        + gbp(f"{R}/rds/storage/gp3", 20)
        + gbp(f"{R}/kms/key-month", 1)
    )
    usage_based = (
        gbp(f"{R}/s3/standard/storage", 10)
        + gbp(f"{R}/s3/standard/requests-tier1", 10_000)
        + gbp(f"{R}/s3/standard/requests-tier2", 100_000)
        + gbp(f"{R}/kms/requests", 10_000)
    )
    assert est.fixed_gbp == pytest.approx(fixed)
    assert est.usage_gbp == pytest.approx(usage_based)
    assert est.total_gbp == pytest.approx(fixed + usage_based)
    totals = estimate_to_json(est)["totals"]
    assert totals["fixed_gbp"] == pytest.approx(fixed, abs=1e-6)
    assert totals["usage_gbp"] == pytest.approx(usage_based, abs=1e-6)


def test_usage_overrides_change_only_usage_lines() -> None:
    base = estimate_plan(plan(*_stack()))
    more = estimate_plan(plan(*_stack()), usage={"s3.storage_gb": 1000})
    assert more.fixed_gbp == pytest.approx(base.fixed_gbp)
    assert more.usage_gbp - base.usage_gbp == pytest.approx(gbp(f"{R}/s3/standard/storage", 990))
    line = next(i for i in more.line_items if i.price_row.endswith("s3/standard/storage"))
    assert line.assumption == "assumed: 1,000 GB stored per month"
    with pytest.raises(KeyError, match="unknown usage key"):
        estimate_plan(plan(*_stack()), usage={"s3.nonsense": 1})


def test_summary_line() -> None:
    from lz.estimate import estimate_summary

    est = estimate_plan(plan(*_stack(), res("aws:sns/topic:Topic", "alerts"), monthly_budget_gbp=10))
    text = estimate_summary(est)
    assert text.startswith(f"£{est.total_gbp:,.2f}/month (fixed £{est.fixed_gbp:,.2f}")
    assert "1 item unpriced, so at least this" in text and "budget £10.00: OVER BUDGET" in text
    assert text.endswith(f"{est.kgco2e:,.2f} kgCO2e/month")


@pytest.mark.parametrize(("budget", "over"), [(10, True), (100, False), (None, False), ("not a number", False)])
def test_budget_flag(budget: Any, over: bool) -> None:
    meta = {} if budget is None else {"monthly_budget_gbp": budget}
    est = estimate_plan(plan(*_stack(), **meta))
    assert est.over_budget is over
    data = estimate_to_json(est)
    assert data["over_budget"] is over
    assert data["budget_gbp"] == (budget if isinstance(budget, int) else None)


def test_carbon_recomputed_from_the_coefficient_file() -> None:
    est: StackEstimate = estimate_plan(plan(*_stack()))
    pue, grid, u = C["pue"]["aws"], C["grid_kgco2e_per_kwh"]["eu-west-2"], C["default_cpu_utilisation"]
    t4g = C["instance_families"]["aws"]["t4g"]
    vcpus, _memory = t4g["sizes"]["small"]
    largest = max(v for v, _ in t4g["sizes"].values())
    watts = C["compute_watts"]["by_processor"]["graviton2"]
    compute_kwh = (watts["min"] + u * (watts["max"] - watts["min"])) * vcpus * HOURS * pue / 1000
    embodied = t4g["embodied_tco2e"] * 1000 * HOURS / C["embodied"]["server_lifespan_hours"] * vcpus / largest
    rds_storage_kwh = 20 * HOURS / 1000 * C["storage_wh_per_tb_hour"]["ssd"] * pue / 1000
    s3_kwh = 10 * HOURS / 1000 * C["storage_wh_per_tb_hour"]["hdd"] * pue * C["replication_factors"]["aws"]["s3"] / 1000
    expected = (compute_kwh + rds_storage_kwh + s3_kwh) * grid + embodied
    assert est.kgco2e == pytest.approx(expected)
    assert est.embodied_kgco2e == pytest.approx(embodied)
    carbon = estimate_to_json(est)["carbon"]
    assert carbon["kgco2e_month"] == pytest.approx(expected, rel=1e-6)
    assert carbon["coefficients_version"] == C["version"]
    assert [line["usage_type"] for line in carbon["not_estimated"]] == ["KMS-Keys"]
    s3 = next(line for line in carbon["lines"] if line["label"] == "files")
    assert s3["assumption"] == "assumed: 10 GB stored per month" and s3["tags"]["cost-centre"] == "CC1234"


def test_json_shape() -> None:
    data = estimate_to_json(estimate_plan(plan(*_stack(), monthly_budget_gbp=50)))
    assert set(data) >= {
        "stack",
        "currency",
        "price_table",
        "fx",
        "line_items",
        "unpriced",
        "no_charge",
        "totals",
        "budget_gbp",
        "over_budget",
        "assumptions",
        "carbon",
    }
    assert data["currency"] == "GBP" and data["price_table"]["as_of"] == PRICES["as_of"]
    assert set(data["line_items"][0]) == {
        "urn",
        "name",
        "type",
        "priced",
        "quantity",
        "unit",
        "unit_price",
        "currency",
        "monthly_gbp",
        "kind",
        "assumption",
        "price_row",
        "source",
    }
    json.dumps(data)  # serialisable as is


def test_real_module_under_the_planner() -> None:
    """The Database module's registrations, as `lz plan` captures them, are priced by the estimator."""
    from lz.plan import plan_callable
    from modules.aws.database import Database, DatabaseArgs

    tags = {
        "service": "housing-repairs",
        "cost-centre": "CC1234",
        "owner": "digital-team",
        "environment": "dev",
        "business-unit": "housing",
        "data-classification": "OFFICIAL",
        "managed-by": "pulumi",
    }

    def program() -> None:
        Database(
            "repairs",
            DatabaseArgs(
                identifier="bcc-dev-euw2-rds-repairs",
                engine="postgres",
                size="small",
                storage_gb=20,
                multi_az=False,
                backup_retention_days=7,
                vpc_id="vpc-0a1b2c3d4e5f60718",
                subnet_ids=["subnet-0a1b2c3d4e5f60718", "subnet-18f5e4d3c2b1a0987"],
                allowed_cidr_blocks=["10.20.0.0/16"],
                tags=tags,
            ),
        )

    captured = plan_callable(program, stack="dev", config={"aws:region": "eu-west-2"})
    captured.metadata.update({"cloud": "aws", "region": "eu-west-2", "monthly_budget_gbp": 50})
    est = estimate_plan(captured)
    rows = {item.price_row for item in est.line_items}
    assert f"{R}/rds/instance/postgres/db.t4g.small/single-az" in rows and f"{R}/rds/storage/gp3" in rows
    assert f"{R}/secretsmanager/secret-month" in rows
    assert est.unpriced == []
    assert est.over_budget is False

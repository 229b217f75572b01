"""`lz demo reports`: the three reports against the emulated council estate, checked against the
seeded ground truth with expectations computed here (by hand, not with the reports' own code).

The demo runs once for the module (about 15 s); the CLI tests reuse its result.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import typer
from typer.testing import CliRunner

from lz.demo import run as demo_run
from lz.demo import seed
from lz.demo.cli import register
from lz.demo.run import DemoError, DemoMismatch, DemoResult, run_demo

TODAY = date(2026, 11, 29)
MONTHS = ("2026-08", "2026-09", "2026-10")
ROOT = Path(__file__).resolve().parents[3]
COEFFICIENTS: dict[str, Any] = json.loads((ROOT / "lz" / "data" / "carbon_coefficients.json").read_text("utf-8"))

#: Set before the run: the demo must hide them while it runs and give them back afterwards.
DEVELOPER_ENV = {
    "AWS_PROFILE": "someone-elses-profile",
    "AWS_ACCESS_KEY_ID": "AKIADEVELOPERSOWNKEY",
    "AWS_SECRET_ACCESS_KEY": "developers-own-secret",
    "AWS_ENDPOINT_URL_S3": "https://s3.example.invalid",
}


@dataclass
class Ran:
    result: DemoResult
    out: Path
    env_before: dict[str, str]
    env_after: dict[str, str]


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ran]:
    out = tmp_path_factory.mktemp("demo") / "reports"
    real_connect = socket.socket.connect

    def loopback_only(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if host not in ("127.0.0.1", "::1", "localhost") and not str(host).startswith("/"):
            raise OSError(f"the demo tried to connect to {address!r}")
        return real_connect(self, address)

    with pytest.MonkeyPatch.context() as patch:
        for name, value in DEVELOPER_ENV.items():
            patch.setenv(name, value)
        patch.delenv("AWS_ENDPOINT_URL", raising=False)
        patch.setattr(socket.socket, "connect", loopback_only)
        before = dict(os.environ)
        result = run_demo(out, today=TODAY)
        after = dict(os.environ)
        yield Ran(result=result, out=out, env_before=before, env_after=after)


@pytest.fixture(scope="module")
def items() -> list[seed.LineItem]:
    return seed.spend_line_items(seed.council_estate(), MONTHS)


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _cost_section(ran: Ran) -> dict[str, Any]:
    report = _json(ran.out / "cost" / "cost-report.json")
    assert report["complete"] is True and report["gaps"] == []
    (section,) = report["sections"]
    assert section["currency"] == "USD"
    return dict(section)


def _breakdown(section: dict[str, Any], dimension: str) -> dict[str, dict[str, Any]]:
    (found,) = [b for b in section["breakdowns"] if b["dimension"] == dimension]
    return {line["label"]: line for line in found["lines"]}


# --- files -----------------------------------------------------------------------------------------


def test_the_three_reports_and_the_index_are_written(ran: Ran) -> None:
    for stem in ("cost/cost-report", "estate/estate-report", "carbon/carbon"):
        for ext in ("html", "csv", "json"):
            path = ran.out / f"{stem}.{ext}"
            assert path.is_file() and path.stat().st_size > 0, path
    index = (ran.out / "index.html").read_text(encoding="utf-8")
    for target in ("cost/cost-report.html", "estate/estate-report.html", "carbon/carbon.html"):
        assert f'href="{target}"' in index
    assert "SYNTHETIC DATA" in index
    assert "synthetic" in (ran.out / "README.txt").read_text(encoding="utf-8").lower()
    assert ran.result.index == ran.out / "index.html"
    assert {p.name for p in ran.result.input_files} >= {"spend-line-items.csv", "ground-truth.json"}
    assert all(p.is_file() for p in ran.result.input_files)


def test_the_period_is_the_last_three_full_months(ran: Ran) -> None:
    assert ran.result.period.months == MONTHS
    assert (ran.result.period.start, ran.result.period.end) == (date(2026, 8, 1), date(2026, 11, 1))


# --- cost ------------------------------------------------------------------------------------------


def test_cost_total_is_the_seeded_spend_to_the_cent(ran: Ran, items: list[seed.LineItem]) -> None:
    section = _cost_section(ran)
    expected = sum((item.amount for item in items), Decimal(0))
    assert Decimal(section["total"]) == expected
    assert ran.result.total_spend == expected
    for month in MONTHS:
        spent = sum((item.amount for item in items if item.month == month), Decimal(0))
        assert Decimal(section["by_month"][month]) == spent
    # Every breakdown adds up to the same total: no "difference" or "not available" lines.
    for breakdown in section["breakdowns"]:
        assert Decimal(breakdown["total"]) == expected
        assert {line["kind"] for line in breakdown["lines"]} <= {"value", "untagged", "mis-tagged"}


def test_untagged_spend_is_the_spend_on_resources_without_a_cost_centre(ran: Ran, items: list[seed.LineItem]) -> None:
    estate = seed.council_estate()
    untagged_resources = {r.key for r in estate.resources if "cost-centre" not in r.tags}
    expected = sum((item.amount for item in items if item.resource in untagged_resources), Decimal(0))
    assert expected > 0
    line = _breakdown(_cost_section(ran), "cost-centre")["(untagged)"]
    assert line["kind"] == "untagged"
    assert Decimal(line["total"]) == expected
    assert ran.result.untagged_spend == expected
    assert ran.result.untagged_share == (expected / ran.result.total_spend).quantize(Decimal("0.000001"))


def test_mis_tagged_spend_is_the_spend_with_values_the_contract_rejects(ran: Ran, items: list[seed.LineItem]) -> None:
    section = _cost_section(ran)
    public = sum((i.amount for i in items if i.tags.get("data-classification") == "PUBLIC"), Decimal(0))
    production = sum((i.amount for i in items if i.tags.get("environment") == "Production"), Decimal(0))
    assert Decimal(_breakdown(section, "data-classification")["(mis-tagged)"]["total"]) == public
    assert Decimal(_breakdown(section, "environment")["(mis-tagged)"]["total"]) == production


def test_spend_by_account_uses_the_emulated_account_ids(ran: Ran, items: list[seed.LineItem]) -> None:
    by_account: dict[str, Decimal] = defaultdict(Decimal)
    for item in items:
        by_account[ran.result.account_ids[item.account]] += item.amount
    lines = _breakdown(_cost_section(ran), "account")
    assert {label: Decimal(line["total"]) for label, line in lines.items()} == by_account


# --- estate ----------------------------------------------------------------------------------------


def _findings(ran: Ran, status: str) -> set[tuple[str, str, str]]:
    report = _json(ran.out / "estate" / "estate-report.json")
    assert report["complete"] is True and report["gaps"] == []
    return {(f["account"], f["type"], f["name"]) for f in report["findings"] if f["status"] == status}


def test_unmanaged_resources_are_exactly_the_seeded_shadow_it(ran: Ran) -> None:
    ids = ran.result.account_ids
    shadow = {
        (ids["housing"], "s3:bucket", "housing-tenancy-export-2026"),
        (ids["housing"], "sqs:queue", "repairs-test-queue"),
        (ids["adult-social-care"], "sns:topic", "asc-manual-alerts"),
        (ids["web"], "ec2:security-group", "launch-wizard-1"),
        (ids["sandbox"], "s3:bucket", "jb-chatbot-poc"),
        (ids["sandbox"], "sqs:queue", "chatbot-poc-queue"),
        (ids["sandbox"], "dynamodb:table", "chatbot-sessions"),
    }
    # The hand-written list is the seed's: every resource without a stack, and only those.
    seeded = {(ids[r.account], r.inventory_type, r.name) for r in seed.council_estate().resources if r.stack is None}
    assert seeded == shadow
    assert _findings(ran, "unmanaged") == shadow
    assert ran.result.unmanaged_count == len(shadow)


def test_the_orphan_is_the_queue_deleted_from_the_cloud(ran: Ran) -> None:
    orphan = (ran.result.account_ids["housing"], "sqs:queue", "ebc-prod-euw2-sqs-housing-repairs-dlq")
    assert _findings(ran, "orphaned") == {orphan}
    assert ran.result.orphaned_count == 1


def test_managed_resources_include_the_drifted_bucket_as_not_tag_compliant(ran: Ran) -> None:
    report = _json(ran.out / "estate" / "estate-report.json")
    managed = [f for f in report["findings"] if f["status"] == "managed"]
    in_cloud = [r for r in seed.council_estate().resources if r.stack and r.in_cloud]
    assert len(managed) == len(in_cloud)
    non_compliant = {f["name"] for f in managed if not f["tag_compliant"]}
    assert non_compliant == {"ebc-prod-euw2-s3-council-website-logs"}


# --- carbon ----------------------------------------------------------------------------------------

PUE = COEFFICIENTS["pue"]["aws"]
GRID = COEFFICIENTS["grid_kgco2e_per_kwh"]["eu-west-2"]


def _storage_kg(gb_months: float, medium: str, replication_key: str) -> float:
    """CCF storage: TB-hours x Wh per TB-hour x PUE x replication, at London's grid factor."""
    replication = COEFFICIENTS["replication_factors"]["aws"][replication_key]
    tb_hours = gb_months * COEFFICIENTS["hours_per_month"] / 1000
    return tb_hours * COEFFICIENTS["storage_wh_per_tb_hour"][medium] * PUE * replication / 1000 * GRID


def _t3_kg(size: str, hours: float) -> float:
    """A burstable t3 (Cascade Lake, no memory uplift): compute at 50% plus the embodied share."""
    family = COEFFICIENTS["instance_families"]["aws"]["t3"]
    vcpus = family["sizes"][size][0]
    largest = max(v for v, _ in family["sizes"].values())
    watts = COEFFICIENTS["compute_watts"]["by_processor"]["cascade_lake"]
    average = watts["min"] + COEFFICIENTS["default_cpu_utilisation"] * (watts["max"] - watts["min"])
    operational = average * vcpus * hours * PUE / 1000 * GRID
    embodied = family["embodied_tco2e"] * 1000 * hours / COEFFICIENTS["embodied"]["server_lifespan_hours"]
    return operational + embodied * vcpus / largest


def _quantity(items: list[seed.LineItem], usage_type: str, service: str | None = None) -> float:
    return float(sum(i.quantity for i in items if i.usage_type == usage_type and service in (None, i.service)))


def _usage_line(ran: Ran, service: str, usage_type: str) -> dict[str, Any]:
    report = _json(ran.out / "carbon" / "carbon.json")
    (line,) = [u for u in report["usage"] if u["service"] == service and u["usage_type"] == usage_type]
    return dict(line)


def test_carbon_of_london_s3_storage_recomputed_by_hand(ran: Ran, items: list[seed.LineItem]) -> None:
    gb_months = _quantity(items, "EUW2-TimedStorage-ByteHrs", seed.S3)
    line = _usage_line(ran, seed.S3, "EUW2-TimedStorage-ByteHrs")
    assert line["quantity"] == pytest.approx(gb_months)
    assert line["total_kgco2e"] == pytest.approx(_storage_kg(gb_months, "hdd", "s3"), rel=1e-9)


def test_carbon_of_a_db_t3_medium_recomputed_by_hand(ran: Ran) -> None:
    hours = (31 + 30 + 31) * 24  # August, September, October, always on
    line = _usage_line(ran, seed.RDS, "EUW2-InstanceUsage:db.t3.medium")
    assert line["quantity"] == hours
    assert line["total_kgco2e"] == pytest.approx(_t3_kg("medium", hours), rel=1e-9)


def test_carbon_total_is_the_seeded_usage_recomputed_by_hand(ran: Ran, items: list[seed.LineItem]) -> None:
    hours = (31 + 30 + 31) * 24
    expected = (
        _storage_kg(_quantity(items, "EUW2-TimedStorage-ByteHrs", seed.S3), "hdd", "s3")
        + _storage_kg(_quantity(items, "EUW2-TimedStorage-ByteHrs", seed.DYNAMODB), "ssd", "dynamodb")
        + _storage_kg(_quantity(items, "EUW2-RDS:GP3-Storage"), "ssd", "default")
        + _t3_kg("medium", hours)
        + _t3_kg("xlarge", hours)
    )
    report = _json(ran.out / "carbon" / "carbon.json")
    assert report["complete"] is True and report["gaps"] == []
    assert report["totals"]["total_kgco2e"] == pytest.approx(expected, rel=1e-9)
    assert ran.result.total_kgco2e == pytest.approx(expected, rel=1e-9)
    # Everything else is listed, never counted as zero: requests, keys, traffic, and the
    # N. Virginia bucket (its usage type names no region, so no grid factor applies).
    not_counted = {(u["usage_type"], u["status"]) for u in report["not_estimated"]}
    assert ("EUW2-DataTransfer-Out-Bytes", "excluded") in not_counted
    assert ("TimedStorage-ByteHrs", "not_estimated") in not_counted


def test_carbon_by_cost_centre_adds_up_to_the_total(ran: Ran) -> None:
    report = _json(ran.out / "carbon" / "carbon.json")
    groups = {g["value"]: g["total_kgco2e"] for g in report["by"]["cost-centre"]}
    assert sum(groups.values()) == pytest.approx(report["totals"]["total_kgco2e"], rel=1e-9)
    # The case-records database and its storage belong to adult social care.
    assert groups["CC-2210"] > groups["CC-1042"] > 0


# --- the run leaves nothing behind -----------------------------------------------------------------


def test_the_environment_is_restored(ran: Ran) -> None:
    assert ran.env_after == ran.env_before
    assert "AWS_ENDPOINT_URL" not in ran.env_after
    for name, value in DEVELOPER_ENV.items():
        assert ran.env_after[name] == value


def _refused(endpoint: str) -> bool:
    port = urlsplit(endpoint).port
    assert urlsplit(endpoint).hostname == "127.0.0.1" and port
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def test_the_server_is_stopped(ran: Ran) -> None:
    assert _refused(ran.result.endpoint)


def test_a_failure_mid_run_still_restores_the_environment_and_stops_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    seen: dict[str, str] = {}

    def broken(*_args: Any) -> Any:
        seen["endpoint"] = os.environ["AWS_ENDPOINT_URL"]
        raise ClientError({"Error": {"Code": "InternalError", "Message": "boom"}}, "CreateOrganization")

    monkeypatch.setenv("AWS_PROFILE", "someone-elses-profile")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setattr(demo_run, "_seed_cloud", broken)
    before = dict(os.environ)
    with pytest.raises(DemoError, match="emulated AWS failed"):
        run_demo(tmp_path / "out", today=TODAY)
    assert dict(os.environ) == before
    assert _refused(seen["endpoint"])


# --- the seed on its own ---------------------------------------------------------------------------


def test_the_seed_is_deterministic() -> None:
    assert seed.council_estate() == seed.council_estate()
    assert seed.spend_line_items(seed.council_estate(), MONTHS) == seed.spend_line_items(seed.council_estate(), MONTHS)


def test_cost_explorer_answers_use_cost_explorer_tag_keys(items: list[seed.LineItem]) -> None:
    estate = seed.council_estate()
    ids = {account.key: f"{n:012d}" for n, account in enumerate(estate.accounts, start=1)}
    answers = seed.cost_results(estate, items, months=MONTHS, account_ids=ids)
    first = answers[0]
    assert first["GroupDefinitions"] == [
        {"Type": "TAG", "Key": "cost-centre"},
        {"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"},
    ]
    keys = {tuple(g["Keys"]) for period in first["ResultsByTime"] for g in period["Groups"]}
    assert ("cost-centre$", ids["sandbox"]) in keys  # untagged: the key with an empty value
    assert ("cost-centre$CC-1042", ids["housing"]) in keys
    for answer in answers:  # each query is a full partition of the same spend
        total = sum(
            Decimal(g["Metrics"]["AmortizedCost"]["Amount"]) for p in answer["ResultsByTime"] for g in p["Groups"]
        )
        assert total == sum((i.amount for i in items), Decimal(0))


# --- the command -----------------------------------------------------------------------------------


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Demo commands (the lead mounts them under `lz demo`)."""

    return app


def test_cli_prints_the_headline_numbers(ran: Ran, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[Path] = []

    def fake(out: Path, **_kwargs: Any) -> DemoResult:
        calls.append(out)
        return ran.result

    monkeypatch.setattr(demo_run, "run_demo", fake)
    result = CliRunner().invoke(_app(), ["reports", "--out", str(tmp_path / "x")])
    assert result.exit_code == 0, result.output
    assert calls == [tmp_path / "x"]
    assert f"USD {ran.result.total_spend:,.2f}" in result.stdout
    assert "unmanaged (shadow IT)      7" in result.stdout
    assert str(ran.result.index) in result.stdout


def test_cli_json(ran: Ran, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo_run, "run_demo", lambda out, **_kwargs: ran.result)
    result = CliRunner().invoke(_app(), ["reports", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert Decimal(summary["total_spend"]) == ran.result.total_spend
    assert summary["orphaned_count"] == 1 and summary["data"] == "synthetic"


def test_cli_default_out_is_build_demo_reports(ran: Ran, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []
    monkeypatch.setattr(demo_run, "run_demo", lambda out, **_kwargs: calls.append(out) or ran.result)
    assert CliRunner().invoke(_app(), ["reports"]).exit_code == 0
    assert calls == [Path("build/demo-reports")]


def test_cli_out_that_is_a_file_is_bad_input(tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("not a directory\n", encoding="utf-8")
    result = CliRunner().invoke(_app(), ["reports", "--out", str(target)])
    assert result.exit_code == 2
    assert f"error: --out {target} exists and is not a directory" in result.stderr
    assert "Traceback" not in result.output
    assert target.read_text(encoding="utf-8") == "not a directory\n"


def test_cli_out_under_a_file_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    result = CliRunner().invoke(_app(), ["reports", "--out", str(tmp_path / "a-file" / "reports")])
    assert result.exit_code == 2
    assert "cannot create the directory" in result.stderr
    assert "Traceback" not in result.output


def test_cli_without_moto_server_is_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "moto.server", None)  # as if moto[server] were not installed
    result = CliRunner().invoke(_app(), ["reports", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "the demo needs moto's server" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_cli_reports_a_mismatch_with_exit_3(ran: Ran, monkeypatch: pytest.MonkeyPatch) -> None:
    def mismatch(out: Path, **_kwargs: Any) -> DemoResult:
        raise DemoMismatch(["cost report totals {}; the seeded spend is USD 1"], ran.result)

    monkeypatch.setattr(demo_run, "run_demo", mismatch)
    result = CliRunner().invoke(_app(), ["reports"])
    assert result.exit_code == 3
    assert "disagree with the seeded data" in result.stderr
    assert "the seeded spend is USD 1" in result.stderr

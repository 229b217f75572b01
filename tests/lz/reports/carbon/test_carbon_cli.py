"""`lz report carbon` through Typer's CliRunner: each source, and the exit codes 0/2/3."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import requests
import typer
from botocore.exceptions import ClientError
from carbon_expect import storage_gb_months, t4g_small_hours
from moto import mock_aws
from typer.testing import CliRunner

from lz.estimate import estimate_plan
from lz.plan.model import PlannedResource, StackPlan
from lz.reports.carbon.cli import EXIT_INPUT, EXIT_OK, EXIT_SOURCE, Source, default_period, register, run_carbon

runner = CliRunner()
TAGS = {"service": "housing-repairs", "cost-centre": "CC-1001", "environment": "prod"}


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def report() -> None:
        """Reports."""

    register(app)
    return app


def _res(type_: str, name: str, **inputs: Any) -> PlannedResource:
    return PlannedResource(
        urn=f"urn:pulumi:prod::lz::{type_}::{name}",
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


def _plan() -> StackPlan:
    return StackPlan(
        name="housing-repairs-prod",
        kind="service",
        project="lz",
        outputs={},
        metadata={"cloud": "aws", "region": "eu-west-2", "monthly_budget_gbp": 200},
        resources=[
            _res(
                "aws:rds/instance:Instance",
                "db",
                engine="postgres",
                instanceClass="db.t4g.small",
                allocatedStorage=20,
                storageType="gp3",
                multiAz=False,
                tags=TAGS,
            ),
            _res("aws:s3/bucket:Bucket", "files", tags={**TAGS, "cost-centre": "CC-2002"}),
            _res("aws:kms/key:Key", "key"),
        ],
    )


def test_plan_source(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps({"stacks": [_plan().to_json()]}))
    out = tmp_path / "out"
    result = runner.invoke(
        _app(),
        [
            "carbon",
            "--source",
            "plan",
            "--plan-json",
            str(plan_file),
            "--out",
            str(out),
            "--group-by",
            "cost-centre,service",
        ],
    )
    assert result.exit_code == EXIT_OK, result.output
    data = json.loads((out / "carbon.json").read_text())
    assert data["totals"]["total_kgco2e"] == pytest.approx(estimate_plan(_plan()).kgco2e)
    by_tag = {g["value"]: g["total_kgco2e"] for g in data["by"]["cost-centre"]}
    assert by_tag["CC-1001"] == pytest.approx(t4g_small_hours(730) + storage_gb_months(20, "ssd", "default"))
    assert by_tag["CC-2002"] == pytest.approx(storage_gb_months(10, "hdd", "s3"))
    assert by_tag[""] == 0  # the KMS key: untagged, and not estimated
    assert [i["usage_type"] for i in data["not_estimated"]] == ["KMS-Keys"]
    assert "wrote" in result.output and (out / "carbon.html").is_file() and (out / "carbon.csv").is_file()


def test_cur_source(tmp_path: Path) -> None:
    path = tmp_path / "cur.parquet"
    pq.write_table(
        pa.table(
            {
                "line_item_usage_type": ["EUW2-InstanceUsage:db.t4g.small", "EUW2-TimedStorage-ByteHrs"],
                "line_item_usage_amount": [730.0, 400.0],
                "line_item_product_code": ["AmazonRDS", "AmazonS3"],
                "product_region_code": ["eu-west-2", "eu-west-2"],
                "resource_tags": pa.array(
                    [[("user_cost_centre", "CC-1001")], []], type=pa.map_(pa.string(), pa.string())
                ),
            }
        ),
        path,
    )
    out = tmp_path / "out"
    result = runner.invoke(
        _app(),
        [
            "carbon",
            "--source",
            "cur",
            "--cur",
            str(path),
            "--out",
            str(out),
            "--start",
            "2026-10-01",
            "--end",
            "2026-11-01",
        ],
    )
    assert result.exit_code == EXIT_OK, result.output
    data = json.loads((out / "carbon.json").read_text())
    by_tag = {g["value"]: g["total_kgco2e"] for g in data["by"]["cost-centre"]}
    assert by_tag == pytest.approx({"CC-1001": t4g_small_hours(730), "": storage_gb_months(400, "hdd", "s3")})
    assert data["period"] == {"start": "2026-10-01", "end": "2026-11-01"}


@pytest.fixture
def moto_ce(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    period = {"Start": "2026-10-01", "End": "2026-11-01"}

    def result(groups: list[tuple[list[str], float, str]]) -> dict[str, Any]:
        return {
            "ResultsByTime": [
                {
                    "TimePeriod": period,
                    "Total": {},
                    "Estimated": False,
                    "Groups": [
                        {"Keys": keys, "Metrics": {"UsageQuantity": {"Amount": str(amount), "Unit": unit}}}
                        for keys, amount, unit in groups
                    ],
                }
            ],
            "DimensionValueAttributes": [],
        }

    rds = "Amazon Relational Database Service"
    with mock_aws():
        payload = {
            "results": [
                result([([rds, "EUW2-InstanceUsage:db.t4g.small"], 730, "Hrs")]),
                result([(["cost-centre$CC-1001", "EUW2-InstanceUsage:db.t4g.small"], 730, "Hrs")]),
            ]
        }
        assert (
            requests.post(
                "http://motoapi.amazonaws.com/moto-api/static/ce/cost-and-usage-results", json=payload, timeout=10
            ).status_code
            == 201
        )
        yield


def test_cost_explorer_source(moto_ce: None, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(_app(), ["carbon", "--out", str(out), "--start", "2026-10-01", "--end", "2026-11-01"])
    assert result.exit_code == EXIT_OK, result.output
    data = json.loads((out / "carbon.json").read_text())
    assert data["source"] == "aws-ce" and data["complete"] is True
    assert {g["value"]: g["total_kgco2e"] for g in data["by"]["cost-centre"]} == pytest.approx(
        {"CC-1001": t4g_small_hours(730)}
    )


class ExpiredCE:
    def get_cost_and_usage(self, **kwargs: Any) -> Any:
        raise ClientError(
            {
                "Error": {"Code": "ExpiredToken", "Message": "The security token included in the request is expired"},
                "ResponseMetadata": {"HTTPStatusCode": 400},
            },
            "GetCostAndUsage",
        )


def test_unreadable_source_writes_the_report_and_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run_carbon(
        source=Source.aws_ce,
        out=tmp_path,
        start=date(2026, 10, 1),
        end=date(2026, 11, 1),
        ce_client=lambda profile: ExpiredCE(),
    )
    assert code == EXIT_SOURCE
    data = json.loads((tmp_path / "carbon.json").read_text())
    assert data["complete"] is False and "CREDENTIALS EXPIRED" in data["gaps"][0]
    assert "incomplete" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [
        ["carbon", "--source", "cur"],
        ["carbon", "--source", "cur", "--cur", "nowhere.parquet"],
        ["carbon", "--source", "plan"],
        ["carbon", "--source", "plan", "--plan-json", "nowhere.json"],
        ["carbon", "--source", "azure"],
        ["carbon", "--start", "2026-13-01"],
        ["carbon", "--start", "2026-11-01", "--end", "2026-10-01"],
        ["carbon", "--group-by", "cost$centre"],
    ],
)
def test_bad_input_exits_2(args: list[str], tmp_path: Path) -> None:
    result = runner.invoke(_app(), [*args, "--out", str(tmp_path)])
    assert result.exit_code == EXIT_INPUT, result.output
    assert not (tmp_path / "carbon.json").exists()


def test_default_period_is_last_full_month() -> None:
    assert default_period(date(2026, 11, 29)) == (date(2026, 10, 1), date(2026, 11, 1))
    assert default_period(date(2026, 1, 1)) == (date(2025, 12, 1), date(2026, 1, 1))

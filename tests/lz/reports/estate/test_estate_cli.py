"""`lz report estate` as a user runs it: options, exit codes, the three files, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
import typer
from estate_helpers import (
    FIXTURES,
    HOUSING_TAGS,
    MANAGEMENT,
    FakeCredential,
    Faults,
    RecordedTransport,
    SleepRecorder,
    graph_factory,
    inject,
    iter_rows,
    load_recordings,
)
from typer.testing import CliRunner

from lz.reports.estate.cli import EstateFactories, register

SUB = "11111111-1111-4111-8111-111111111111"
DENIED = "22222222-2222-4222-8222-222222222222"


def app(factories: EstateFactories | None = None) -> typer.Typer:
    report = typer.Typer()
    register(report, factories=factories)

    @report.callback()
    def _group() -> None:
        """Reports."""

    return report


def run(args: list[str], factories: EstateFactories | None = None) -> Any:
    return CliRunner().invoke(app(factories), ["estate", *args])


def test_bad_input_is_reported_all_at_once_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(
        [
            "--out",
            str(out),
            "--account",
            "12345",
            "--region",
            "eu-west-22",
            "--azure-subscription",
            "not-a-guid",
            "--state",
            str(tmp_path / "missing.json"),
            "--role-name",
            "bad role",
        ]
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert lines == [
        "error: <command line>:0:0: --account: '12345' is not a 12-digit AWS account ID",
        "error: <command line>:0:0: --region: 'eu-west-22' is not an AWS region; did you mean 'eu-west-2'?",
        "error: <command line>:0:0: --azure-subscription: 'not-a-guid' is not a subscription ID (a GUID)",
        "error: <command line>:0:0: --role-name: 'bad role' is not an IAM role name",
        f"error: <command line>:0:0: --state: {tmp_path / 'missing.json'}: no such file "
        "(give `pulumi stack export` JSON or s3://bucket/prefix)",
        "5 problems found",
    ]
    assert not out.exists()


def test_nothing_to_read_is_bad_input(tmp_path: Path) -> None:
    result = run(["--out", str(tmp_path), "--no-aws"])
    assert (result.exit_code, result.output.splitlines()[0]) == (
        2,
        "error: <command line>:0:0: --no-aws: nothing to read: give --azure-subscription, or leave AWS on",
    )


def test_an_unknown_profile_is_bad_input(tmp_path: Path) -> None:
    result = run(["--out", str(tmp_path / "out"), "--profile", "no-such-profile"])
    assert result.exit_code == 2
    assert "--profile" in result.output and "no-such-profile" in result.output
    assert "Traceback" not in result.output


@pytest.mark.usefixtures("moto")
def test_a_malformed_state_file_is_bad_input(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"deployment": 3}', encoding="utf-8")
    result = run(["--out", str(tmp_path / "out"), "--state", str(broken)])
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == f"error: <input>:0:0: {broken}: 'deployment' is not an object"
    assert not (tmp_path / "out").exists()


@pytest.mark.usefixtures("moto")
def test_a_complete_report_exits_0_with_three_files(tmp_path: Path) -> None:
    session = boto3.Session(region_name="eu-west-2")
    session.client("sqs").create_queue(QueueName="jobs", tags=HOUSING_TAGS)
    session.client("secretsmanager").create_secret(Name="=1+1", SecretString="x")  # a name a spreadsheet would run
    export = tmp_path / "svc.json"
    export.write_text(
        json.dumps(
            {
                "version": 3,
                "deployment": {
                    "resources": [
                        {
                            "urn": "urn:pulumi:prod::svc::aws:sqs/queue:Queue::jobs",
                            "custom": True,
                            "type": "aws:sqs/queue:Queue",
                            "id": f"https://sqs.eu-west-2.amazonaws.com/{MANAGEMENT}/jobs",
                            "outputs": {"arn": f"arn:aws:sqs:eu-west-2:{MANAGEMENT}:jobs", "tagsAll": HOUSING_TAGS},
                        }
                    ]
                },
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run(["--out", str(out), "--state", str(export)], EstateFactories(sleep=SleepRecorder()))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"wrote {out / 'estate-report.html'}",
        f"wrote {out / 'estate-report.csv'}",
        f"wrote {out / 'estate-report.json'}",
        "2 resources: 1 managed, 1 unmanaged; 0 orphaned in state; 1 not tag-compliant",
    ]
    data = json.loads((out / "estate-report.json").read_text(encoding="utf-8"))
    assert (data["complete"], data["gaps"], data["scope"]) == (
        True,
        [],
        {
            "aws_accounts": [MANAGEMENT],
            "aws_regions": ["eu-west-2"],
            "azure_subscriptions": [],
            "aws_accounts_complete": True,
        },
    )
    assert [(f["status"], f["name"], f["tag_compliant"]) for f in data["findings"]] == [
        ("unmanaged", "=1+1", False),
        ("managed", "jobs", True),
    ]
    rows = list(iter_rows(out / "estate-report.csv"))
    assert [(r["record"], r["status"], r["name"]) for r in rows] == [
        ("finding", "unmanaged", "'=1+1"),  # neutralised for spreadsheets
        ("finding", "managed", "jobs"),
    ]
    html = (out / "estate-report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "Complete: every account" in html


def test_gaps_exit_3_and_appear_in_all_three_files(tmp_path: Path, moto: None) -> None:
    session = boto3.Session(region_name="eu-west-2")
    org = session.client("organizations")
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(Email="m@example.gov.uk", AccountName="m")["CreateAccountStatus"]["AccountId"]
    inject(session, "sts", "AssumeRole", Faults(always=("AccessDenied", 403)))
    out = tmp_path / "out"
    result = run(
        ["--out", str(out), "--role-name", "lz-estate-read"],
        EstateFactories(boto3_session=lambda profile: session, sleep=SleepRecorder()),
    )
    assert result.exit_code == 3
    gap = (
        f"aws account={member}: cannot assume arn:aws:iam::{member}:role/lz-estate-read: "
        "sts AssumeRole: AccessDenied (HTTP 403): injected"
    )
    assert f"gap: {gap}" in result.output
    assert "PARTIAL REPORT: 1 gap(s)" in result.output
    data = json.loads((out / "estate-report.json").read_text(encoding="utf-8"))
    assert data["complete"] is False
    assert data["gaps"] == [
        {
            "text": gap,
            "cloud": "aws",
            "account": member,
            "region": None,
            "service": None,
            "reason": gap.split(": ", 1)[1],
        },
    ]
    assert list(data)[:4] == ["schema_version", "report", "complete", "gaps"]  # gaps before findings
    first = next(iter_rows(out / "estate-report.csv"))
    assert (first["record"], first["account"], first["detail"]) == ("gap", member, gap.split(": ", 1)[1])
    html = (out / "estate-report.html").read_text(encoding="utf-8")
    assert "PARTIAL REPORT: 1 gap" in html and html.index('id="gaps"') < html.index('id="summary"')


@pytest.mark.usefixtures("moto")
def test_expired_credentials_are_loud_and_exit_3(tmp_path: Path) -> None:
    session = boto3.Session(region_name="eu-west-2")
    session.client("sqs").create_queue(QueueName="jobs")
    inject(session, "sqs", "ListQueues", Faults(always=("ExpiredToken", 400)))
    out = tmp_path / "out"
    result = run(["--out", str(out)], EstateFactories(boto3_session=lambda profile: session, sleep=SleepRecorder()))
    assert result.exit_code == 3
    assert "CREDENTIALS EXPIRED, reading stopped" in result.output
    assert "Traceback" not in result.output
    data = json.loads((out / "estate-report.json").read_text(encoding="utf-8"))
    assert data["gaps"][0]["account"] == MANAGEMENT
    assert data["gaps"][0]["reason"].startswith(
        f"CREDENTIALS EXPIRED, reading stopped: AWS account {MANAGEMENT} region eu-west-2: sqs ListQueues"
    )


def test_azure_only_with_a_denied_subscription(tmp_path: Path) -> None:
    transport = RecordedTransport(load_recordings("resource-graph-housing.json", "resource-graph-denied.json"))
    factories = EstateFactories(
        azure_credential=FakeCredential, graph_client=graph_factory(transport), sleep=SleepRecorder()
    )
    out = tmp_path / "out"
    result = run(
        [
            "--out",
            str(out),
            "--no-aws",
            "--azure-subscription",
            SUB,
            "--azure-subscription",
            DENIED.upper(),
            "--state",
            str(FIXTURES / "state" / "council-azure-prod.json"),
        ],
        factories,
    )
    assert result.exit_code == 3, result.output
    assert "5 resources: 2 managed, 3 unmanaged; 1 orphaned in state; 3 not tag-compliant" in result.output
    data = json.loads((out / "estate-report.json").read_text(encoding="utf-8"))
    assert [g["account"] for g in data["gaps"]] == [DENIED]
    assert data["scope"]["aws_accounts"] == []
    assert {u["name"]: u["reason"].split(":")[0] for u in data["unchecked"]} == {
        "stadultsfiles": "in a gap",
        "stelsewhere": "subscription 33333333-3333-4333-8333-333333333333 was not read",
    }


def test_the_default_factories_read_through_aws_endpoint_url(moto_server: str, tmp_path: Path) -> None:
    """No injected clients: the standard credential chain and AWS_ENDPOINT_URL (moto server)."""
    session = boto3.Session(region_name="eu-west-2")
    session.client("sqs").create_queue(QueueName="shadow")
    session.client("s3").create_bucket(
        Bucket="council-pulumi-state", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    session.client("s3").put_object(
        Bucket="council-pulumi-state",
        Key=".pulumi/stacks/sandbox-lab/dev.json",
        Body=(FIXTURES / "state" / "sandbox-lab-dev.json").read_bytes().replace(b"${SANDBOX}", MANAGEMENT.encode()),
    )
    out = tmp_path / "out"
    result = run(["--out", str(out), "--state", "s3://council-pulumi-state"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "estate-report.json").read_text(encoding="utf-8"))
    assert sorted((f["status"], f["name"]) for f in data["findings"]) == [
        ("orphaned", "sandbox-experiments"),
        ("unmanaged", "council-pulumi-state"),
        ("unmanaged", "shadow"),
    ]
    assert data["stacks"] == ["sandbox-lab/dev"]


@pytest.mark.usefixtures("moto")
def test_expired_credentials_reading_the_state_backend_are_bad_input(tmp_path: Path) -> None:
    session = boto3.Session(region_name="eu-west-2")
    inject(session, "s3", "ListObjectsV2", Faults(always=("ExpiredToken", 400)))
    out = tmp_path / "out"
    result = run(
        ["--out", str(out), "--state", "s3://council-pulumi-state"],
        EstateFactories(boto3_session=lambda profile: session, sleep=SleepRecorder()),
    )
    assert result.exit_code == 2
    assert result.output.startswith("error: s3 ListObjectsV2: CREDENTIALS EXPIRED OR MISSING (ExpiredToken")
    assert "Traceback" not in result.output and not out.exists()

"""run_checkov: finding checkov, its command line, reading its report; and a real run when installed."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from lz.plan import plan_callable
from lz.policy import checkov_export
from lz.policy.checkov_export import (
    EXPENSIVE_CHECKS,
    INSTALL_HINT,
    CheckovFailed,
    CheckovNotInstalled,
    checkov_command,
    find_checkov,
    parse_report,
    run_checkov,
    to_terraform_plan,
)

REPO_ROOT = Path(__file__).resolve().parents[3]

FAILED_SG: dict[str, Any] = {
    "check_id": "CKV_AWS_24",
    "check_name": "Ensure no security groups allow ingress from 0.0.0.0:0 to port 22",
    "check_result": {"result": "FAILED"},
    "resource": "aws_security_group.web",
    "resource_address": "aws_security_group.web",
    "file_path": "/plan.json",
    "guideline": "https://docs.prismacloud.io/x",
}
PASSED_BUCKET: dict[str, Any] = {
    "check_id": "CKV2_AWS_6",
    "check_name": "Ensure that S3 bucket has a Public Access block",
    "check_result": {"result": "PASSED"},
    "resource": "aws_s3_bucket.logs",
}
REPORT: dict[str, Any] = {
    "check_type": "terraform_plan",
    "results": {"failed_checks": [FAILED_SG], "passed_checks": [PASSED_BUCKET], "skipped_checks": []},
    "summary": {"passed": 1, "failed": 1},
}


@pytest.fixture
def no_checkov(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No checkov on PATH, none in the working tree, none next to the toolkit."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.setattr(checkov_export, "TOOLKIT_ROOT", tmp_path / "toolkit")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_missing_checkov_explains_how_to_install_it(no_checkov: Path) -> None:
    with pytest.raises(CheckovNotInstalled) as info:
        find_checkov()
    message = str(info.value)
    assert INSTALL_HINT in message
    assert "python3 -m venv .venv-checkov && .venv-checkov/bin/pip install 'checkov==3.*'" in message
    assert str(no_checkov / ".venv-checkov") in message


def test_run_checkov_without_checkov_raises_before_writing_anything(no_checkov: Path) -> None:
    with pytest.raises(CheckovNotInstalled):
        run_checkov({"terraform_version": "1.9.8", "planned_values": {}})


def test_explicit_checkov_path_that_does_not_exist(no_checkov: Path) -> None:
    with pytest.raises(CheckovNotInstalled, match="nowhere/checkov"):
        find_checkov("nowhere/checkov")


def _executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.mark.skipif(os.name == "nt", reason="POSIX executables")
def test_venv_checkov_is_found_from_a_subdirectory(no_checkov: Path) -> None:
    exe = _executable(no_checkov / ".venv-checkov" / "bin" / "checkov", "#!/bin/sh\n")
    deeper = no_checkov / "stacks" / "team"
    deeper.mkdir(parents=True)
    assert find_checkov(search_from=deeper) == str(exe)


@pytest.mark.skipif(os.name == "nt", reason="POSIX executables")
def test_checkov_on_path_wins(no_checkov: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exe = _executable(no_checkov / "bin" / "checkov", "#!/bin/sh\n")
    monkeypatch.setenv("PATH", str(exe.parent))
    assert find_checkov() == str(exe)


def test_command_skips_the_expensive_iam_checks_and_passed_results_by_default() -> None:
    cmd = checkov_command("checkov", "plan.json")
    assert cmd[:7] == ["checkov", "-f", "plan.json", "--framework", "terraform_plan", "-o", "json"]
    assert "--compact" in cmd and "--quiet" in cmd
    assert cmd[cmd.index("--skip-check") + 1] == ",".join(EXPENSIVE_CHECKS)
    assert set(EXPENSIVE_CHECKS) == {"CKV_AWS_286", "CKV_AWS_287", "CKV_AWS_288", "CKV_AWS_289", "CKV_AWS_290",
                                     "CKV_AWS_355", "CKV2_AWS_40"}


def test_command_options() -> None:
    cmd = checkov_command("checkov", "plan.json", include_expensive=True, include_passed=True,
                          checks=["CKV_AWS_24", "CKV2_AWS_6"], skip_checks=["CKV_AWS_23"])
    assert "--quiet" not in cmd
    assert cmd[cmd.index("--check") + 1] == "CKV_AWS_24,CKV2_AWS_6"
    assert cmd[cmd.index("--skip-check") + 1] == "CKV_AWS_23"
    assert "--skip-check" not in checkov_command("checkov", "p.json", include_expensive=True)


def test_parse_report_one_framework() -> None:
    urns = {"aws_security_group.web": "urn:pulumi:dev::lz::aws:ec2/securityGroup:SecurityGroup::web"}
    assert parse_report(REPORT, urns) == [
        {"check_id": "CKV_AWS_24", "check_name": FAILED_SG["check_name"], "resource": "aws_security_group.web",
         "result": "failed", "urn": urns["aws_security_group.web"], "guideline": FAILED_SG["guideline"]},
        {"check_id": "CKV2_AWS_6", "check_name": PASSED_BUCKET["check_name"], "resource": "aws_s3_bucket.logs",
         "result": "passed", "urn": None, "guideline": None},
    ]


def test_parse_report_list_and_empty() -> None:
    assert len(parse_report([REPORT, {"check_type": "secrets", "results": {}}])) == 2
    # checkov prints only a summary when nothing was scanned
    assert parse_report({"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0}) == []


@pytest.mark.skipif(os.name == "nt", reason="POSIX executables")
def test_run_checkov_through_a_stand_in(tmp_path: Path) -> None:
    """A stand-in checkov records its arguments and the plan it was given, and prints a report."""
    record = tmp_path / "record.json"
    script = f"""#!{sys.executable}
import json, sys
args = sys.argv[1:]
plan = json.load(open(args[args.index("-f") + 1]))
json.dump({{"args": args, "plan": plan}}, open({str(record)!r}, "w"))
print({json.dumps(REPORT)!r})
sys.exit(1)  # checkov exits 1 when a check failed
"""
    exe = _executable(tmp_path / "checkov", script)
    tf_plan = {"terraform_version": "1.9.8",
               "planned_values": {"root_module": {"resources": [{"address": "aws_security_group.web"}]}},
               "pulumi": {"urns": {"aws_security_group.web": "urn:x"}}}
    results = run_checkov(tf_plan, checkov_bin=str(exe))
    assert [(r["check_id"], r["result"], r["urn"]) for r in results] == [
        ("CKV_AWS_24", "failed", "urn:x"), ("CKV2_AWS_6", "passed", None)]
    seen = json.loads(record.read_text())
    assert seen["plan"] == tf_plan
    assert seen["args"][seen["args"].index("--framework") + 1] == "terraform_plan"


@pytest.mark.skipif(os.name == "nt", reason="POSIX executables")
def test_run_checkov_without_a_report_fails_clearly(tmp_path: Path) -> None:
    exe = _executable(tmp_path / "checkov", "#!/bin/sh\necho 'Traceback: boom' >&2\nexit 2\n")
    tf_plan = {"terraform_version": "1.9.8", "planned_values": {"root_module": {"resources": [{"address": "x"}]}}}
    with pytest.raises(CheckovFailed, match="exited 2 without a report:\nTraceback: boom"):
        run_checkov(tf_plan, checkov_bin=str(exe))


@pytest.mark.skipif(os.name == "nt", reason="POSIX executables")
def test_nothing_exported_means_nothing_to_run(tmp_path: Path) -> None:
    exe = _executable(tmp_path / "checkov", "#!/bin/sh\nexit 3\n")  # would fail if it ran
    empty = {"terraform_version": "1.9.8", "planned_values": {"root_module": {"resources": []}}}
    assert run_checkov(empty, checkov_bin=str(exe)) == []


# -- the real checkov -----------------------------------------------------------------------------

_REAL = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"
needs_checkov = pytest.mark.skipif(
    not _REAL.is_file(),
    reason=f"checkov is not installed in {_REAL.parent.parent} (install: {INSTALL_HINT})",
)


def _known_bad() -> None:
    guarded = aws.s3.Bucket("guarded")
    aws.s3.BucketPublicAccessBlock("guarded-pab", bucket=guarded.id, block_public_acls=True,
                                   block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True)
    aws.s3.Bucket("exposed", acl="public-read")
    vpc = aws.ec2.Vpc("core", cidr_block="10.0.0.0/16")
    aws.ec2.SecurityGroup("ssh", vpc_id=vpc.id, description="admin",
                          ingress=[{"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"],
                                    "description": "ssh"}])
    aws.ec2.SecurityGroup("rdp", vpc_id=vpc.id, description="admin",
                          ingress=[{"from_port": 3389, "to_port": 3389, "protocol": "tcp",
                                    "cidr_blocks": ["0.0.0.0/0"], "description": "rdp"}])
    aws.ebs.Volume("data", availability_zone="eu-west-2a", size=20, encrypted=False)
    aws.rds.Instance("db", instance_class="db.t3.micro", engine="postgres", allocated_storage=20, username="app",
                     password=pulumi.Output.secret("not-a-real-one"), publicly_accessible=True,
                     storage_encrypted=False)
    aws.kms.Key("key", enable_key_rotation=False)


@pytest.fixture(scope="module")
def checkov_results() -> dict[tuple[str, str], str]:
    tf_plan = to_terraform_plan(plan_callable(_known_bad))
    results = run_checkov(tf_plan, checkov_bin=str(_REAL), include_passed=True, timeout=600)
    return {(r["check_id"], r["resource"]): r["result"] for r in results}


@pytest.mark.slow
@needs_checkov
@pytest.mark.parametrize(
    ("check", "resource", "result"),
    [
        ("CKV_AWS_24", "aws_security_group.ssh", "failed"),  # SSH from the Internet
        ("CKV_AWS_25", "aws_security_group.rdp", "failed"),  # RDP from the Internet
        ("CKV_AWS_24", "aws_security_group.rdp", "passed"),
        ("CKV_AWS_20", "aws_s3_bucket.exposed", "failed"),  # public-read ACL
        ("CKV_AWS_3", "aws_ebs_volume.data", "failed"),
        ("CKV_AWS_16", "aws_db_instance.db", "failed"),
        ("CKV_AWS_17", "aws_db_instance.db", "failed"),
        ("CKV_AWS_7", "aws_kms_key.key", "failed"),
        # Graph checks see the references: the guarded bucket has its public access block.
        ("CKV2_AWS_6", "aws_s3_bucket.guarded", "passed"),
        ("CKV2_AWS_6", "aws_s3_bucket.exposed", "failed"),
        ("CKV2_AWS_11", "aws_vpc.core", "failed"),  # no flow log
    ],
)
def test_checkov_judges_the_export(checkov_results: dict[tuple[str, str], str], check: str, resource: str,
                                   result: str) -> None:
    assert checkov_results.get((check, resource)) == result


@pytest.mark.slow
@needs_checkov
def test_expensive_checks_are_not_run_by_default(checkov_results: dict[tuple[str, str], str]) -> None:
    assert not {check for check, _ in checkov_results} & set(EXPENSIVE_CHECKS)

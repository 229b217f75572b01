"""The `lz` command as service teams, platform engineers and CI use it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lz import __version__
from lz.cli import app
from lz.manifest import discover_manifests, load_manifest
from lz.tags import MANDATORY_TAG_KEYS, is_taggable

ROOT = Path(__file__).resolve().parent.parent.parent
LZ = Path(sys.executable).parent / "lz"
runner = CliRunner()

BROKEN = """\
version: 1
service: housing-repairs
description: Tenants report repairs online
owner: {team: housing-digital, email: not-an-email}
cost_centre: CC-1042
business_unit: housing
data_classification: OFFICIAL
criticality: high
cloud: aws
request: {requested_by: jo.bloggs@example.gov.uk, reason: Replace the form, change_ref: CHG-1}
environments:
  dev: {region: eu-west-1, monthly_budget_gbp: 150}
  prod: {region: eu-west-2, monthly_budget_gbp: -5}
components:
  files: {type: bucket, versoning: true}
"""


def invoke(*args: str) -> object:
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def estate_json(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("plan") / "plan.json"
    result = runner.invoke(app, ["plan", "--all", "--quiet", "--json", str(out), "--root", str(ROOT)])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text())


def test_version() -> None:
    result = invoke("version")
    assert result.exit_code == 0
    assert result.output == f"lz {__version__}\n"


def test_validate_the_example_estate() -> None:
    result = invoke("validate", "--root", str(ROOT))
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "4 files valid"


def test_a_manifest_with_several_mistakes_gets_every_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "housing-repairs.yaml"
    path.write_text(BROKEN)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines() if result.stderr else result.output.splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert errors == [
        f"error: {path}:4:39: owner.email: 'not-an-email' is not a valid email address (expected e.g. "
        "team@example.gov.uk)",
        f"error: {path}:12:17: environments.dev.region: 'eu-west-1' is outside the UK, where service stacks keep "
        "their data; allowed for aws: eu-west-2",
        f"error: {path}:13:49: environments.prod.monthly_budget_gbp: must be more than 0 (got -5)",
        f"error: {path}:15:25: components.files.versoning: unknown key 'versoning' (did you mean 'versioning'?)",
    ]
    assert lines[-1] == "4 problems found"
    assert "Traceback" not in result.output


def test_bad_input_through_the_real_entry_point_has_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "housing-repairs.yaml"
    path.write_text(BROKEN)
    proc = subprocess.run([str(LZ), "validate", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr.count("error: ") == 4


def test_validate_json_output(tmp_path: Path) -> None:
    path = tmp_path / "housing-repairs.yaml"
    path.write_text(BROKEN)
    result = runner.invoke(app, ["validate", "--json", str(path)])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert [p["path"] for p in data["problems"]] == [
        "owner.email", "environments.dev.region", "environments.prod.monthly_budget_gbp",
        "components.files.versoning",
    ]


def test_plan_all_json_covers_every_example_manifest(estate_json: dict) -> None:
    names = [s["name"] for s in estate_json["stacks"]]
    from lz.stacks import LAYERS

    expected = [layer.name for layer in LAYERS]
    for path in discover_manifests(ROOT / "stacks"):
        manifest = load_manifest(path)
        expected += [f"{manifest.service}-{env}" for env in ("dev", "prod") if env in manifest.environments]
    assert sorted(names) == sorted(expected)
    for stack in estate_json["stacks"]:
        assert set(stack) >= {"name", "kind", "resources", "outputs", "violations"}
        for r in stack["resources"]:
            assert set(r) >= {"urn", "type", "name", "parent", "inputs", "options"}


def test_every_taggable_resource_carries_the_manifest_tags(estate_json: dict) -> None:
    manifests = {m.service: m for m in (load_manifest(p) for p in discover_manifests(ROOT / "stacks"))}
    checked = 0
    for stack in estate_json["stacks"]:
        if stack["kind"] != "service":
            continue
        m = manifests[stack["metadata"]["service"]]
        env = stack["metadata"]["environment"]
        by_urn = {r["urn"]: r for r in stack["resources"]}

        def component_of(resource: dict, by_urn: dict = by_urn) -> str | None:
            # the top-most lz component above the resource is the manifest component it belongs to
            found = None
            while resource is not None:
                if resource["type"].startswith("lz:"):
                    found = resource["name"]
                resource = by_urn.get(resource["parent"])
            return found

        for r in stack["resources"]:
            if r["custom"] and is_taggable(r["type"]):
                component = component_of(r)
                expected = {
                    "service": m.service, "cost-centre": m.cost_centre, "owner": m.owner.email, "environment": env,
                    "business-unit": m.business_unit, "managed-by": "pulumi",
                    "data-classification": m.classification_of(component) if component in m.components
                    else m.data_classification,
                }
                tags = r["inputs"].get("tags") or {}
                assert {k: tags.get(k) for k in MANDATORY_TAG_KEYS} == expected, (stack["name"], r["name"])
                checked += 1
    assert checked >= 25
    site = next(r for s in estate_json["stacks"] if s["name"] == "housing-repairs-prod" for r in s["resources"]
                if r["type"] == "aws:cloudfront/distribution:Distribution")
    assert site["inputs"]["tags"]["data-classification"] == "OFFICIAL"  # the component's own classification


def test_platform_layer_resources_carry_platform_tags(estate_json: dict) -> None:
    network = next(s for s in estate_json["stacks"] if s["name"] == "platform-aws-network")
    ipam = next(r for r in network["resources"] if r["type"] == "aws:ec2/vpcIpam:VpcIpam")
    assert ipam["inputs"]["tags"]["service"] == "platform"
    assert ipam["inputs"]["tags"]["cost-centre"] == "CC-0100"


def test_plan_json_is_identical_across_two_runs(estate_json: dict, tmp_path: Path) -> None:
    out = tmp_path / "again.json"
    result = runner.invoke(app, ["plan", "--all", "--quiet", "--json", str(out), "--root", str(ROOT)])
    assert result.exit_code == 0
    assert json.loads(out.read_text()) == estate_json


def test_plan_console_tree_and_summary() -> None:
    result = runner.invoke(app, ["plan", "council-website-prod", "--root", str(ROOT)])
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Stack council-website-prod (service, aws eu-west-2, from stacks/council-website.yaml)\n")
    assert "  pulumi:pulumi:Stack  council-lz-council-website-prod\n" in out
    assert "      + lz:aws:StaticSite  site\n" in out
    assert "          + aws:cloudfront/distribution:Distribution  site-distribution\n" in out
    assert "+ aws:s3/bucket:Bucket  site-bucket-bucket [protect; retain]\n" in out
    assert out.rstrip().splitlines()[-1].startswith("Summary: 1 stack, ")


def test_plan_a_manifest_plans_its_environments_and_feeds_references(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    html = tmp_path / "plan.html"
    result = runner.invoke(
        app, ["plan", str(ROOT / "stacks" / "housing-repairs.yaml"), "--json", str(out), "--html", str(html),
              "--root", str(ROOT), "--quiet"],
    )
    assert result.exit_code == 0, result.output
    stacks = json.loads(out.read_text())["stacks"]
    assert [s["name"] for s in stacks] == ["housing-repairs-dev", "housing-repairs-prod"]
    prod = stacks[1]
    db = next(r for r in prod["resources"] if r["type"] == "aws:rds/instance:Instance")
    subnet_group = next(r for r in prod["resources"] if r["type"] == "aws:rds/subnetGroup:SubnetGroup")
    assert db["inputs"]["deletionProtection"] is True
    assert db["inputs"]["multiAz"] is True
    assert all(s.startswith("subnet-") for s in subnet_group["inputs"]["subnetIds"])
    assert "housing-repairs-prod" in html.read_text()


def test_plan_a_program_outside_this_repository(tmp_path: Path) -> None:
    program = tmp_path / "someone-elses-program"
    shutil.copytree(ROOT / "tests" / "lz" / "plan" / "programs" / "configured", program)
    out = tmp_path / "plan.json"
    proc = subprocess.run(
        [str(LZ), "plan", str(program), "-s", "test", "-c", "configured:size=2", "--json", str(out)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    # Its buckets carry no council tags and no encryption: the gate blocks it (exit 1), plan still written.
    assert proc.returncode == 1, proc.stderr
    stack = json.loads(out.read_text())["stacks"][0]
    mandatory = {v["policy"] for v in stack["violations"] if v["level"] == "mandatory"}
    assert {"lz-all-resources-mandatory-tags", "aws-s3-bucket-server-side-encryption"} <= mandatory
    assert stack["project"] == "configured"
    assert [r["name"] for r in stack["resources"] if r["type"] == "aws:s3/bucket:Bucket"] == [
        "acme-gold-0", "acme-gold-1",
    ]


def test_program_failure_is_reported_without_a_traceback() -> None:
    result = runner.invoke(app, ["plan", str(ROOT / "tests" / "lz" / "plan" / "programs" / "failing")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: the program failed while planning:\nValueError: bucket name missing")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan"], "error: give one target (stack, manifest or program directory) or --all"),
        (["plan", "nope-prod"], "error: <input>:0:0: no stack named 'nope-prod' in this estate"),
        (["plan", "housing-repairs-prd"], "(did you mean 'housing-repairs-prod'?)"),
        (["plan", "missing.yaml"], "missing.yaml: no such file"),
        (["plan", "council-website-dev", "--all"], "error: give one target"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, [*args, "--root", str(ROOT)])
    assert result.exit_code == 2
    assert message in result.stderr


def test_unknown_option_is_a_usage_error() -> None:
    result = runner.invoke(app, ["plan", "--frobnicate"])
    assert result.exit_code == 2


def test_schema_command_prints_the_committed_schema() -> None:
    result = invoke("schema")
    assert result.exit_code == 0
    committed = json.loads((ROOT / "schemas" / "service-manifest.schema.json").read_text())
    committed.pop("$comment")
    assert json.loads(result.stdout) == committed


def test_new_writes_a_valid_manifest_and_refuses_to_overwrite(tmp_path: Path) -> None:
    for part in ("templates", "stacks", "platform"):
        shutil.copytree(ROOT / part, tmp_path / part)
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    args = ["new", "bin-collections", "--team", "waste", "--email", "waste@example.gov.uk",
            "--cost-centre", "CC-4001", "--business-unit", "environment", "--component", "site=static_site",
            "--root", str(tmp_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    manifest = load_manifest(tmp_path / "stacks" / "bin-collections.yaml")
    assert manifest.owner.email == "waste@example.gov.uk"
    assert list(manifest.components) == ["site"]
    again = runner.invoke(app, args)
    assert again.exit_code == 2
    assert "already exists" in again.stderr


def test_new_with_an_invalid_component_writes_nothing(tmp_path: Path) -> None:
    for part in ("templates", "stacks", "platform"):
        shutil.copytree(ROOT / part, tmp_path / part)
    result = runner.invoke(app, ["new", "parking", "--cloud", "azure", "--component", "site=static_site",
                                 "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert "not available on azure" in result.stderr
    assert not (tmp_path / "stacks" / "parking.yaml").exists()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_malformed_files_never_produce_a_traceback(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzzed.yaml"
    path.write_bytes(data)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def test_stacks_lists_every_stack_with_its_committed_config_file() -> None:
    result = runner.invoke(app, ["stacks", "--json", "--root", str(ROOT)])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert rows[0]["name"] == "platform-aws-organisation"
    assert all(r["config_file"] == f"stacks/Pulumi.{r['name']}.yaml" for r in rows)


def test_committed_stack_config_files_match_the_estate() -> None:
    import yaml

    from lz.stacks import load_estate, stack_config_text

    for spec in load_estate(ROOT).specs():
        path = ROOT / "stacks" / f"Pulumi.{spec.name}.yaml"
        assert yaml.safe_load(path.read_text())["config"] == yaml.safe_load(stack_config_text(spec))["config"]


def test_stacks_write_config_creates_only_missing_files(tmp_path: Path) -> None:
    for part in ("stacks", "platform"):
        shutil.copytree(ROOT / part, tmp_path / part)
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "stacks" / "Pulumi.council-website-dev.yaml").unlink()
    kept = tmp_path / "stacks" / "Pulumi.council-website-prod.yaml"
    kept.write_text(kept.read_text() + "  council-lz:extra: kept\n")
    result = runner.invoke(app, ["stacks", "--write-config", "--root", str(tmp_path)])
    assert result.exit_code == 0
    assert (tmp_path / "stacks" / "Pulumi.council-website-dev.yaml").read_text().endswith("aws:region: eu-west-2\n")
    assert kept.read_text().endswith("council-lz:extra: kept\n")


def _estate_copy(tmp_path: Path) -> Path:
    for part in ("stacks", "platform", "templates"):
        shutil.copytree(ROOT / part, tmp_path / part)
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    return tmp_path


def test_plan_shows_the_monthly_estimate_per_stack(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["plan", "council-website-prod", "-q", "--json", str(out), "--root", str(ROOT)])
    assert result.exit_code == 0
    line = next(x for x in result.stdout.splitlines() if x.startswith("  Estimate: "))
    assert "budget £250.00: within budget" in line
    estimate = json.loads(out.read_text())["stacks"][0]["estimate"]
    assert estimate["budget_gbp"] == 250
    assert estimate["over_budget"] is False
    assert {li["type"] for li in estimate["line_items"]} >= {
        "aws:cloudfront/distribution:Distribution", "aws:s3/bucket:Bucket"}


def test_over_budget_is_a_mandatory_finding_and_exits_1(tmp_path: Path) -> None:
    root = _estate_copy(tmp_path)
    manifest = root / "stacks" / "council-website.yaml"
    manifest.write_text(manifest.read_text().replace("monthly_budget_gbp: 40", "monthly_budget_gbp: 0.5"))
    result = runner.invoke(app, ["plan", "council-website-dev", "-q", "--root", str(root)])
    assert result.exit_code == 1
    finding = next(x for x in result.stdout.splitlines() if "lz-stack-within-budget" in x)
    assert finding.startswith("  mandatory: lz-stack-within-budget: council-website-dev: Estimated £")
    assert "is over the environment's budget of £0.50 (monthly_budget_gbp in stacks/council-website.yaml)" in finding


def test_plan_checkov_without_checkov_is_a_clear_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import lz.policy.checkov_export as export

    def missing(*args: object, **kwargs: object) -> str:
        raise export.CheckovNotInstalled("checkov is not installed: python3 -m venv .venv-checkov && ...")

    monkeypatch.setattr(export, "find_checkov", missing)
    result = runner.invoke(app, ["plan", "council-website-dev", "--checkov", "-q", "--root", str(ROOT)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --checkov: checkov is not installed")

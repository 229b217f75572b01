"""templates/ci: the GitHub Actions workflow a council copies, and the plain-shell gate for other CIs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
CI = REPO_ROOT / "templates" / "ci"
WORKFLOW = CI / "github-actions.yml"
GATE = CI / "plan-gate.sh"
BASH = shutil.which("bash")


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    steps = job["steps"]
    assert isinstance(steps, list)
    return steps


def _runs(job: dict[str, Any]) -> str:
    return "\n".join(str(s.get("run", "")) for s in _steps(job))


def _uses(job: dict[str, Any]) -> list[str]:
    return [str(s["uses"]) for s in _steps(job) if "uses" in s]


def test_triggers_and_default_permissions(workflow: dict[Any, Any]) -> None:
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) >= {"pull_request", "push"}
    assert triggers["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {}  # nothing unless a job asks


def test_jobs_run_in_order(workflow: dict[Any, Any]) -> None:
    jobs = workflow["jobs"]
    assert list(jobs) == ["validate", "plan", "preview", "deploy-platform", "deploy-services"]
    assert jobs["plan"]["needs"] == "validate"
    assert jobs["preview"]["needs"] == "plan"
    assert set(jobs["deploy-platform"]["needs"]) == {"plan", "preview"}
    assert set(jobs["deploy-services"]["needs"]) == {"plan", "preview", "deploy-platform"}


def test_least_privilege_permissions(workflow: dict[Any, Any]) -> None:
    jobs = workflow["jobs"]
    assert jobs["validate"]["permissions"] == {"contents": "read"}
    assert jobs["plan"]["permissions"] == {
        "contents": "read", "security-events": "write", "actions": "read", "pull-requests": "write"}
    for name in ("preview", "deploy-platform", "deploy-services"):
        assert jobs[name]["permissions"] == {"contents": "read", "id-token": "write"}, name
    for name, job in jobs.items():
        assert all(v in ("read", "none") or k in ("security-events", "pull-requests", "id-token")
                   for k, v in job["permissions"].items()), name


def test_validate_sets_up_with_dev_py_then_validates(workflow: dict[Any, Any]) -> None:
    runs = _runs(workflow["jobs"]["validate"])
    assert "python3 scripts/dev.py" in runs
    assert runs.index("python3 scripts/dev.py") < runs.index("lz validate")


def test_plan_runs_the_gate_and_publishes_it(workflow: dict[Any, Any]) -> None:
    plan = workflow["jobs"]["plan"]
    runs = _runs(plan)
    assert "lz plan --all --sarif lz.sarif --junit lz.xml --markdown summary.md" in runs
    uses = _uses(plan)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    sarif = next(s for s in _steps(plan) if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@"))
    assert sarif["with"]["sarif_file"] == "lz.sarif"
    assert "$GITHUB_STEP_SUMMARY" in runs
    assert "gh pr comment" in runs
    # The gate's own exit code fails the job, after the reports are out.
    names = [s.get("name", "") for s in _steps(plan)]
    assert names.index("Stop here if the gate failed") > names.index("Upload the findings to code scanning")


def test_preview_per_changed_stack_with_oidc(workflow: dict[Any, Any]) -> None:
    preview = workflow["jobs"]["preview"]
    assert preview["strategy"]["matrix"]["include"] == "${{ fromJSON(needs.plan.outputs.all-stacks) }}"
    assert "pulumi preview" in _runs(preview) and "--policy-pack policies" in _runs(preview)
    aws = next(s for s in _steps(preview)
               if str(s.get("uses", "")).startswith("aws-actions/configure-aws-credentials@"))
    assert "role-to-assume" in aws["with"] and "aws-access-key-id" not in aws["with"]
    azure = next(s for s in _steps(preview) if str(s.get("uses", "")).startswith("azure/login@"))
    assert set(azure["with"]) == {"client-id", "tenant-id", "subscription-id"}  # OIDC: no secret


def test_deploys_only_on_main_behind_production_approval(workflow: dict[Any, Any]) -> None:
    for name in ("deploy-platform", "deploy-services"):
        job = workflow["jobs"][name]
        assert job["environment"] == "production"
        assert "github.ref == 'refs/heads/main'" in job["if"]
        assert "github.event_name == 'push'" in job["if"]
        assert "pulumi up" in _runs(job) and "--policy-pack policies" in _runs(job)
    assert workflow["jobs"]["deploy-platform"]["strategy"]["max-parallel"] == 1


def test_one_pulumi_operation_per_stack_at_a_time(workflow: dict[Any, Any]) -> None:
    assert workflow["concurrency"]["group"] == "landing-zone-${{ github.ref }}"
    for name in ("preview", "deploy-platform", "deploy-services"):
        concurrency = workflow["jobs"][name]["concurrency"]
        assert concurrency == {"group": "pulumi-${{ matrix.stack }}", "cancel-in-progress": False}, name


def test_every_action_is_pinned_to_a_commit(workflow: dict[Any, Any]) -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    uses = re.findall(r"uses:\s*(\S+)(.*)", text)
    assert uses
    for ref, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", ref), ref
        assert re.search(r"#\s*v\d", comment), f"{ref}: say which version the SHA is"


def _changed_stacks_script(workflow: dict[Any, Any]) -> str:
    step = next(s for s in _steps(workflow["jobs"]["plan"]) if s.get("id") == "changed")
    after = str(step["run"]).split("<<'EOF'", 1)[1]
    return after.split("\n", 1)[1].split("\nEOF", 1)[0]


PLANNED = {"stacks": [
    {"name": "platform-aws-network", "kind": "platform", "source": "platform/aws.yaml", "metadata": {"cloud": "aws"}},
    {"name": "housing-repairs-dev", "kind": "service", "source": "stacks/housing-repairs.yaml",
     "metadata": {"cloud": "aws"}},
    {"name": "housing-repairs-prod", "kind": "service", "source": "stacks/housing-repairs.yaml",
     "metadata": {"cloud": "aws"}},
    {"name": "planning-documents-prod", "kind": "service", "source": "stacks/planning-documents.yaml",
     "metadata": {"cloud": "azure"}},
]}


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        (["README.md"], []),
        (["stacks/Pulumi.housing-repairs-prod.yaml"], ["housing-repairs-prod"]),
        # A manifest changes its service's stacks and the platform layers that read every manifest.
        (["stacks/planning-documents.yaml"], ["platform-aws-network", "planning-documents-prod"]),
        (["modules/aws/bucket.py"], ["platform-aws-network", "housing-repairs-dev", "housing-repairs-prod",
                                     "planning-documents-prod"]),
        (["*"], ["platform-aws-network", "housing-repairs-dev", "housing-repairs-prod", "planning-documents-prod"]),
    ],
)
def test_changed_stacks(workflow: dict[Any, Any], tmp_path: Path, changed: list[str], expected: list[str]) -> None:
    build = tmp_path / "build"
    build.mkdir()
    (build / "plan.json").write_text(json.dumps(PLANNED), encoding="utf-8")
    (build / "changed.txt").write_text("\n".join(changed) + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", _changed_stacks_script(workflow)], cwd=tmp_path,
                            capture_output=True, text=True, check=True)
    outputs = dict(line.split("=", 1) for line in result.stdout.splitlines())
    assert set(outputs) == {"platform", "services", "all"}
    every = json.loads(outputs["all"])
    assert [e["stack"] for e in every] == expected
    assert json.loads(outputs["platform"]) + json.loads(outputs["services"]) == every
    clouds = {e["stack"]: e["cloud"] for e in every}
    if "planning-documents-prod" in clouds:
        assert clouds["planning-documents-prod"] == "azure"


# -- plan-gate.sh -----------------------------------------------------------------------------


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
def test_gate_script_parses() -> None:
    assert BASH is not None
    subprocess.run([BASH, "-n", str(GATE)], check=True)
    if shutil.which("dash"):  # and as plain POSIX sh
        subprocess.run(["dash", "-n", str(GATE)], check=True)


def _fake_lz(bin_dir: Path, code: int) -> Path:
    """An `lz` that records its arguments, writes a summary and exits with `code`."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    fake = bin_dir / "lz"
    fake.write_text(
        "#!/bin/sh\n"
        'printf "%s\\n" "$@" > "$LZ_ARGS_FILE"\n'
        'while [ $# -gt 0 ]; do\n'
        '  if [ "$1" = "--markdown" ]; then echo "# summary" > "$2"; fi\n'
        "  shift\n"
        "done\n"
        f"exit {code}\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    return fake


def _run_gate(tmp_path: Path, code: int, *args: str) -> subprocess.CompletedProcess[str]:
    assert BASH is not None
    bin_dir = tmp_path / "bin"
    _fake_lz(bin_dir, code)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "LZ_ARGS_FILE": str(tmp_path / "args.txt"), "LZ_GATE_OUT": str(tmp_path / "out")}
    env.pop("LZ", None)
    return subprocess.run([BASH, str(GATE), *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                          check=False, timeout=60)


@pytest.mark.skipif(BASH is None or os.name == "nt", reason="needs bash and POSIX executables")
@pytest.mark.parametrize(("lz_exit", "gate_exit"), [(0, 0), (1, 1), (2, 2), (3, 2), (127, 2)])
def test_gate_propagates_lz_exit_codes(tmp_path: Path, lz_exit: int, gate_exit: int) -> None:
    result = _run_gate(tmp_path, lz_exit)
    assert result.returncode == gate_exit, result.stderr
    assert "# summary" in result.stdout


@pytest.mark.skipif(BASH is None or os.name == "nt", reason="needs bash and POSIX executables")
def test_gate_passes_the_report_options_and_extra_arguments(tmp_path: Path) -> None:
    result = _run_gate(tmp_path, 0, "--policy-config", "council.yaml")
    assert result.returncode == 0, result.stderr
    args = (tmp_path / "args.txt").read_text().splitlines()
    out = str(tmp_path / "out")
    assert args == ["plan", "--all", "--sarif", f"{out}/lz.sarif", "--junit", f"{out}/lz.xml",
                    "--markdown", f"{out}/summary.md", "--json", f"{out}/plan.json",
                    "--policy-config", "council.yaml"]


@pytest.mark.skipif(BASH is None or os.name == "nt", reason="needs bash and POSIX executables")
def test_gate_without_lz_is_bad_input(tmp_path: Path) -> None:
    assert BASH is not None
    env = {"PATH": "/usr/bin:/bin", "LZ_GATE_OUT": str(tmp_path / "out")}
    result = subprocess.run([BASH, str(GATE)], cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "lz not found" in result.stderr

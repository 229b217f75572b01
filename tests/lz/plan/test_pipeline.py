"""The two-process verdict pipeline and the SDK-name scanner behind it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from lz.plan.estate import EstatePlanner
from lz.plan.pipeline import chain, parallel_enabled, plan_split, single_threaded, split_point
from lz.plan.warm import sdk_names, warm
from lz.stacks import load_estate

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def focused():
    estate = load_estate(ROOT)
    path = next(p for p in estate.manifests if p.name == "housing-repairs.yaml")
    return estate.focused_on(path), path


def services(estate, path) -> list[str]:
    return [s.name for s in estate.service_specs(path)]


def test_chain_puts_dependencies_first(focused) -> None:
    estate, path = focused
    planner = EstatePlanner(estate)
    order = chain(planner, services(estate, path))
    assert order == ["platform-aws-organisation", "platform-aws-logging", "platform-aws-network",
                     "housing-repairs-dev", "housing-repairs-prod"]
    assert split_point(planner, order) == 2  # the parent plans organisation and logging


def run_fresh(code: str, parallel: str = "1") -> subprocess.CompletedProcess[str]:
    """Run `code` in a new interpreter: a fork is only safe from a single-threaded process."""
    prelude = (
        "import sys\n"
        "from pathlib import Path\n"
        "from lz.plan.estate import EstatePlanner\n"
        "from lz.plan.pipeline import plan_split, single_threaded\n"
        "from lz.plan.render import plan_json\n"
        "from lz.stacks import load_estate\n"
        f"estate = load_estate(Path({str(ROOT)!r}))\n"
        "path = next(p for p in estate.manifests if p.name == 'housing-repairs.yaml')\n"
        "estate = estate.focused_on(path)\n"
        "names = [s.name for s in estate.service_specs(path)]\n"
    )
    env = {**os.environ, "LZ_PARALLEL": parallel}
    return subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True, env=env,
                          timeout=300, check=False)


needs_fork = pytest.mark.skipif(not parallel_enabled(), reason="needs os.fork and two CPUs")

PLAN = (
    "seen = []\n"
    "planner = EstatePlanner(estate, progress=seen.append)\n"
    "assert single_threaded()\n"
    "plan_split(planner, names)\n"
    "print(seen)\n"
    "print(plan_json(planner.result()))\n"
)


@needs_fork
def test_two_processes_give_the_same_plan_as_one() -> None:
    single, double = run_fresh(PLAN, parallel="0"), run_fresh(PLAN, parallel="1")
    assert single.returncode == 0 and double.returncode == 0, single.stderr + double.stderr
    assert double.stdout == single.stdout  # progress in order, then byte-identical plans
    assert double.stdout.startswith("['platform-aws-organisation', 'platform-aws-logging', 'platform-aws-network'")


BREAK = (
    "import lz.stacks.service as service\n"
    "from lz.plan.runner import ProgramError\n"
    "from lz.problems import InputError\n"
    "def broken(*a, **k):\n"
    "    raise {error}\n"
    "service.run_service = broken\n"
    "try:\n"
    "    plan_split(EstatePlanner(estate), names)\n"
    "except (ProgramError, InputError) as exc:\n"
    "    print(type(exc).__name__, [getattr(p, 'message', '') for p in getattr(exc, 'problems', [])], exc)\n"
)


@needs_fork
def test_a_failing_program_in_the_helper_is_reported_by_the_parent() -> None:
    result = run_fresh(BREAK.format(error="ValueError('the service program broke')"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ProgramError [] ")
    assert "ValueError: the service program broke" in result.stdout


@needs_fork
def test_an_input_error_in_the_helper_keeps_its_problems() -> None:
    result = run_fresh(BREAK.format(error="InputError('stacks/housing-repairs.yaml: no such region')"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("InputError ['stacks/housing-repairs.yaml: no such region'] ")


def test_a_process_with_threads_plans_in_one_process(focused) -> None:
    estate, path = focused
    started = threading.Event()
    stop = threading.Event()
    worker = threading.Thread(target=lambda: (started.set(), stop.wait(60)))
    worker.start()
    try:
        started.wait()
        assert not single_threaded()
        planner = EstatePlanner(estate)
        plan_split(planner, services(estate, path))  # would hang if it forked now; it plans in-process
        assert planner.order[-2:] == ["housing-repairs-dev", "housing-repairs-prod"]
    finally:
        stop.set()
        worker.join()


def test_a_stack_without_platform_layers_plans_in_one_process(monkeypatch) -> None:
    estate = load_estate(ROOT)
    path = next(p for p in estate.manifests if p.name == "planning-documents.yaml")
    focused = estate.focused_on(path)
    planner = EstatePlanner(focused)
    names = services(focused, path)
    assert split_point(planner, chain(planner, names)) == 0
    plan_split(planner, names)
    assert planner.order == names


def test_the_scanner_finds_the_sdk_names_a_program_uses() -> None:
    names = sdk_names(["lz.stacks.service"], ["pulumi_aws", "pulumi_random"])
    # service.py itself, and the modules it imports through the lazy `modules.aws` package.
    assert ("pulumi_aws", "", "Provider") in names
    assert ("pulumi_aws", "s3", "BucketPublicAccessBlock") in names  # modules/aws/bucket.py
    assert ("pulumi_aws", "rds", "Instance") in names  # modules/aws/database.py
    assert ("pulumi_random", "", "RandomPassword") in names
    assert not any(n[0] == "pulumi_azure_native" for n in names)
    network = sdk_names(["lz.stacks.aws_network"], ["pulumi_aws"])
    assert ("pulumi_aws", "ec2transitgateway", "RouteTable") in network  # modules/aws/transit_hub.py


def test_the_scanner_covers_what_the_program_really_registers(focused) -> None:
    estate, path = focused
    planner = EstatePlanner(estate)
    for name in services(estate, path):
        planner.plan_stack(name)
    names = sdk_names(["lz.stacks.service", "lz.stacks.aws_network"], ["pulumi_aws", "pulumi_random"])
    classes = {n[2] for n in names}
    for stack in ("platform-aws-network", "housing-repairs-prod"):
        for resource in planner.plans[stack].managed():
            if resource.type.startswith(("aws:", "random:")):
                assert resource.type.rsplit(":", 1)[-1] in classes, resource.type


def test_warm_skips_names_the_sdk_does_not_have() -> None:
    assert warm([("pulumi_aws", "s3", "Bucket"), ("pulumi_aws", "s3", "NoSuchThing")]) == 1


@needs_fork
def test_cli_plan_of_a_manifest_is_the_same_in_both_modes(tmp_path: Path) -> None:
    outputs = {}
    for mode in ("0", "1"):
        out = tmp_path / f"plan-{mode}.json"
        result = subprocess.run(
            [sys.executable, "-m", "lz.cli", "plan", "stacks/housing-repairs.yaml", "-q", "--json", str(out)],
            cwd=ROOT, capture_output=True, text=True, env={**os.environ, "LZ_PARALLEL": mode}, timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        outputs[mode] = (result.stdout.replace(str(out), "OUT"), out.read_bytes())
    assert outputs["0"] == outputs["1"]

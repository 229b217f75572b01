"""Every policy file of the pack is complete: a policy, its metadata, a docstring, a test; names unique.

A policy file is any `.py` under policies/ except the pack machinery (`lib.py`, `pack.py`,
`__main__.py`, `__init__.py`) and private helpers (`_*.py`). For each one:

* it defines `POLICY` and `METADATA` (a `policies.lib.PolicyMetadata`), with one name for both;
* the name is `<cloud>-<service>-<resource>-<check>` (`lz-...` for cross-cloud policies) and the file
  lives where the name says: `policies/aws/<service>/...`, `policies/azure/<service>/...`, or
  `policies/common/` / `policies/tags/` for `lz-` policies (`lambda_/` stands for `lambda`);
* it has a module docstring, a description, a remediation, a severity and an NCSC principle 1-14;
* it has a test at the mirrored path: `tests/policies/<same dirs>/test_*<file stem>.py` or
  `test_<policy name with underscores>.py`.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from policies import pack
from policies.lib import NCSC_PRINCIPLES, PolicyMetadata

ROOT = Path(__file__).resolve().parents[2]
PACK_DIR = ROOT / "policies"
TESTS_DIR = ROOT / "tests" / "policies"
NAME = re.compile(r"^(aws|azure|lz)-[a-z0-9]+(-[a-z0-9]+)+$")
NCSC = re.compile(r"^(\d{1,2})(\.\d{1,2})?$")
SEVERITIES = ("critical", "high", "medium", "low")
MIN_RESOURCE_POLICIES = 60


def all_policy_files() -> list[Path]:
    """Every file under policies/ that must be a policy, wherever it is (not only where the pack looks)."""
    return sorted(
        p for p in PACK_DIR.rglob("*.py")
        if "__pycache__" not in p.parts and pack.is_policy_module(p) and p.parent != PACK_DIR
    )


FILES = all_policy_files()


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def load(path: Path) -> tuple[object, PolicyMetadata]:
    entry, problems = pack.load_entry(path)
    assert problems == []
    assert entry is not None
    return entry.policy, entry.metadata


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_file_defines_a_policy_and_its_metadata(path: Path) -> None:
    policy, metadata = load(path)
    assert getattr(policy, "name") == metadata.name  # noqa: B009 - POLICY is typed loosely here


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_name_is_well_formed_and_follows_the_path(path: Path) -> None:
    _, metadata = load(path)
    name = metadata.name
    assert NAME.fullmatch(name), f"{name!r} is not <cloud>-<service>-<resource>-<check> in kebab-case"
    parts = path.relative_to(PACK_DIR).parts
    cloud, service = name.split("-")[:2]
    if cloud == "lz":
        assert parts[0] in ("common", "tags"), f"lz- policies live in policies/common or policies/tags, not {parts[0]}/"
        return
    assert parts[0] == cloud, f"{name} belongs under policies/{cloud}/"
    assert len(parts) == 3, f"{name}: expected policies/{cloud}/<service>/<file>.py"
    directory = parts[1].rstrip("_")  # `lambda_`: `lambda` is a Python keyword
    assert directory == service, f"{name}: the service segment {service!r} must match the directory {parts[1]!r}"
    assert cloud in metadata.clouds


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_metadata_is_complete(path: Path) -> None:
    policy, metadata = load(path)
    module = importlib.import_module(pack.module_name(path))
    assert (module.__doc__ or "").strip(), "the module needs a docstring saying what is checked and why"
    assert metadata.description.strip()
    assert getattr(policy, "description") == metadata.description  # noqa: B009
    assert metadata.remediation.strip()
    assert metadata.severity in SEVERITIES
    match = NCSC.fullmatch(metadata.frameworks.ncsc)
    assert match, f"NCSC reference {metadata.frameworks.ncsc!r} is not a principle number (e.g. '11' or '2.3')"
    assert match.group(1) in NCSC_PRINCIPLES, "NCSC cloud security principles are numbered 1-14"
    assert metadata.clouds, "METADATA.clouds names the clouds the policy applies to"
    assert set(metadata.clouds) <= {"aws", "azure"}


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_file_has_a_test_at_the_mirrored_path(path: Path) -> None:
    _, metadata = load(path)
    test_dir = TESTS_DIR / path.parent.relative_to(PACK_DIR)
    by_stem = sorted(test_dir.glob(f"test_*{path.stem}.py"))
    by_name = test_dir / f"test_{metadata.name.replace('-', '_')}.py"
    assert by_stem or by_name.is_file(), (
        f"no test for {rel(path)}: add {rel(test_dir / ('test_' + path.stem + '.py'))} "
        f"or {rel(by_name)}"
    )


def test_the_pack_finds_every_policy_file() -> None:
    assert pack.policy_files() == FILES, "policy files outside policies/{aws,azure,common,tags} are never run"


def test_names_are_unique_and_discovery_is_clean() -> None:
    entries, problems = pack.discover()
    assert problems == []
    names = [e.name for e in entries]
    assert len(names) == len(set(names))


def test_the_pack_has_enough_resource_policies() -> None:
    entries, _ = pack.discover()
    resource = [e for e in entries if e.metadata.kind == "resource"]
    assert len(resource) >= MIN_RESOURCE_POLICIES, f"{len(resource)} resource policies"

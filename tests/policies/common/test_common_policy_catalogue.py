"""The cross-cloud policy files as a whole: one policy per file, `lz-<area>-<check>` names matching the
file, complete metadata, and a test file for every policy."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType

import pytest
from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

from policies.lib import DEFAULT_LEVELS, NCSC_PRINCIPLES, PolicyMetadata

ROOT = Path(__file__).resolve().parents[3]
POLICY_DIR = ROOT / "policies" / "common"
TEST_DIR = ROOT / "tests" / "policies" / "common"
FILES = sorted(p for p in POLICY_DIR.glob("*.py") if p.name != "__init__.py")


def _module(path: Path) -> ModuleType:
    return importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))


def test_expected_policies_exist() -> None:
    assert {_module(p).METADATA.name for p in FILES} >= {
        "lz-all-location-uk-only",
        "lz-stack-budget-required",
        "lz-all-sensitive-data-private-endpoints",
        "lz-all-instance-sku-allowlist",
    }


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_policy_file_is_complete(path: Path) -> None:
    module = _module(path)
    metadata, policy = module.METADATA, module.POLICY
    assert isinstance(metadata, PolicyMetadata)
    assert isinstance(policy, (ResourceValidationPolicy, StackValidationPolicy))
    assert policy.name == metadata.name
    assert policy.enforcement_level == DEFAULT_LEVELS[metadata.severity]
    assert isinstance(policy, StackValidationPolicy) == (metadata.kind == "stack")
    match = re.fullmatch(r"lz-([a-z]+)-([a-z0-9-]+)", metadata.name)
    assert match, metadata.name
    assert match.group(2).replace("-", "_") == path.stem
    assert module.__doc__ and module.__doc__.startswith(f"{metadata.name}: ")
    assert metadata.description and metadata.remediation and metadata.topics
    assert metadata.clouds and set(metadata.clouds) <= {"aws", "azure"}
    assert metadata.frameworks.ncsc.split(".")[0] in NCSC_PRINCIPLES


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_policy_has_a_test(path: Path) -> None:
    assert (TEST_DIR / f"test_common_{path.stem}.py").is_file()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_config_defaults_match_the_schema(path: Path) -> None:
    module = _module(path)
    schema = module.POLICY.config_schema
    declared = {k: v["default"] for k, v in schema.properties.items()} if schema is not None else {}
    assert declared == dict(module.METADATA.config_defaults)

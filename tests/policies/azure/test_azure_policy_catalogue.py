"""The Azure policy files as a whole: one policy per file at the path its name gives, complete
metadata, real azure-native v3 type tokens, and a test file for every policy."""

from __future__ import annotations

import importlib
import importlib.util
import re
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

from policies.lib import DEFAULT_LEVELS, NCSC_PRINCIPLES, PolicyMetadata

ROOT = Path(__file__).resolve().parents[3]
POLICY_DIR = ROOT / "policies" / "azure"
TEST_DIR = ROOT / "tests" / "policies" / "azure"
CIS_PREFIX = "CIS Microsoft Azure Foundations Benchmark v2.1.0 "
FILES = sorted(p for p in POLICY_DIR.rglob("*.py") if p.name != "__init__.py")


def _module(path: Path) -> ModuleType:
    return importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))


@cache
def _sdk_sources(sdk_module: str) -> str:
    spec = importlib.util.find_spec("pulumi_azure_native")
    assert spec is not None and spec.submodule_search_locations
    folder = Path(next(iter(spec.submodule_search_locations))) / sdk_module
    return "\n".join(p.read_text() for p in folder.glob("*.py"))


def test_there_are_at_least_22_azure_policies() -> None:
    assert len(FILES) >= 22


def test_names_are_unique() -> None:
    names = [_module(p).METADATA.name for p in FILES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(POLICY_DIR)))
def test_policy_file_is_complete(path: Path) -> None:
    module = _module(path)
    metadata, policy = module.METADATA, module.POLICY
    assert isinstance(metadata, PolicyMetadata)
    assert isinstance(policy, (ResourceValidationPolicy, StackValidationPolicy))
    assert policy.name == metadata.name
    assert policy.enforcement_level == DEFAULT_LEVELS[metadata.severity]
    assert isinstance(policy, StackValidationPolicy) == (metadata.kind == "stack")
    # azure-<service>-<resource>-<check>, at policies/azure/<service>/<resource>_<check>.py
    service = path.parent.name
    assert re.fullmatch(r"azure-[a-z]+-[a-z]+-[a-z0-9]+(-[a-z0-9]+)*", metadata.name)
    assert metadata.name == f"azure-{service}-" + path.stem.replace("_", "-")
    assert module.__doc__ and module.__doc__.startswith(f"{metadata.name}: ")
    assert metadata.description and metadata.remediation
    assert metadata.clouds == ("azure",)
    assert metadata.frameworks.ncsc.split(".")[0] in NCSC_PRINCIPLES
    assert metadata.frameworks.cis is None or metadata.frameworks.cis.startswith(CIS_PREFIX)
    assert all(re.fullmatch(r"CKV2?_AZURE_\d+", c) for c in metadata.frameworks.checkov)
    assert metadata.topics


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(POLICY_DIR)))
def test_resource_types_are_azure_native_v3_tokens(path: Path) -> None:
    metadata = _module(path).METADATA
    assert metadata.resource_types
    for token in metadata.resource_types:
        provider, sdk_module, resource = token.split(":")
        assert provider == "azure-native"
        # every resource class registers itself with its token, e.g. `__init__('azure-native:sql:Server', ...`
        assert f"'{token}'" in _sdk_sources(sdk_module), token
        assert resource[0].isupper()


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(POLICY_DIR)))
def test_every_policy_has_a_test_at_the_mirrored_path(path: Path) -> None:
    service = path.parent.name
    assert (TEST_DIR / service / f"test_azure_{service}_{path.stem}.py").is_file()


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(POLICY_DIR)))
def test_config_defaults_match_the_schema(path: Path) -> None:
    module = _module(path)
    schema = module.POLICY.config_schema
    declared = {k: v["default"] for k, v in schema.properties.items()} if schema is not None else {}
    assert declared == dict(module.METADATA.config_defaults)

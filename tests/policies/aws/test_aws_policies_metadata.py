"""The AWS policies as a set: every file under policies/aws is one policy with complete metadata, a
name that follows its path, real pulumi-aws type tokens, and a test at the mirrored path."""

from __future__ import annotations

import importlib
import inspect
import json
import re
from collections import Counter
from pathlib import Path
from types import ModuleType

import pulumi_aws
import pytest
from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

from policies.lib import DEFAULT_LEVELS, NCSC_PRINCIPLES, PolicyMetadata

ROOT = Path(__file__).resolve().parents[3]
POLICY_DIR = ROOT / "policies" / "aws"
TEST_DIR = ROOT / "tests" / "policies" / "aws"
CIS_PREFIX = "CIS AWS Foundations Benchmark v3.0.0 "
CYBER_ESSENTIALS = {
    "Secure configuration",
    "Access control",
    "Malware protection",
    "Security update management",
    "Firewalls",
}


def _policy_files() -> list[Path]:
    return sorted(p for p in POLICY_DIR.rglob("*.py") if p.name != "__init__.py")


def _module(path: Path) -> ModuleType:
    return importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))


def _aws_type_tokens() -> set[str]:
    source = inspect.getsource(pulumi_aws)
    block = re.search(r'resource_modules="""(.*?)"""', source, re.S)
    assert block is not None
    return {token for module in json.loads(block.group(1)) for token in module["classes"]}


FILES = _policy_files()
IDS = [str(p.relative_to(POLICY_DIR)) for p in FILES]


def test_there_are_enough_policies_and_names_are_unique() -> None:
    names = [_module(p).METADATA.name for p in FILES]
    assert len(names) >= 42
    assert [n for n, c in Counter(names).items() if c > 1] == []


def test_every_package_directory_has_an_init() -> None:
    for directory in {p.parent for p in FILES} | {POLICY_DIR}:
        assert (directory / "__init__.py").is_file(), directory


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_policy_file(path: Path) -> None:
    module = _module(path)
    policy, metadata = module.POLICY, module.METADATA
    service = path.parent.name.rstrip("_")  # lambda_ -> lambda, as in pulumi_aws
    expected = f"aws-{service}-{path.stem.replace('_', '-')}"
    assert isinstance(metadata, PolicyMetadata)
    assert metadata.name == policy.name == expected
    assert module.__doc__ and module.__doc__.startswith(f"{expected}: ")
    assert "Message" in module.__doc__
    assert metadata.clouds == ("aws",)
    assert metadata.description and metadata.description == policy.description
    assert len(metadata.remediation) > 40
    assert policy.enforcement_level == DEFAULT_LEVELS[metadata.severity]
    if metadata.kind == "stack":
        assert isinstance(policy, StackValidationPolicy)
    else:
        assert isinstance(policy, ResourceValidationPolicy)
        assert metadata.resource_types, "resource policies name their types"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_frameworks(path: Path) -> None:
    frameworks = _module(path).METADATA.frameworks
    assert frameworks.ncsc.split(".")[0] in NCSC_PRINCIPLES
    assert re.fullmatch(r"\d+(\.\d+)?", frameworks.ncsc)
    if frameworks.cis is not None:
        assert frameworks.cis.startswith(CIS_PREFIX)
    if frameworks.cyber_essentials is not None:
        assert frameworks.cyber_essentials in CYBER_ESSENTIALS
    assert all(re.fullmatch(r"CKV2?_AWS_\d+", c) for c in frameworks.checkov)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_resource_types_are_pulumi_aws_v7_tokens(path: Path) -> None:
    unknown = set(_module(path).METADATA.resource_types) - _aws_type_tokens()
    assert unknown == set()


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_config_defaults_match_the_schema(path: Path) -> None:
    module = _module(path)
    schema = module.POLICY.config_schema
    declared = {k: v["default"] for k, v in schema.properties.items()} if schema is not None else {}
    assert dict(module.METADATA.config_defaults) == declared


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_each_policy_has_a_test_at_the_mirrored_path(path: Path) -> None:
    service = path.parent.name
    test = TEST_DIR / service / f"test_aws_{service.rstrip('_')}_{path.stem}.py"
    assert test.is_file(), test
    assert f"from {'.'.join(path.relative_to(ROOT).with_suffix('').parts)} import" in test.read_text()


def test_test_basenames_are_unique_across_the_tests_tree() -> None:
    mine = {p.name for p in TEST_DIR.rglob("test_*.py")}
    others = Counter(p.name for p in (ROOT / "tests").rglob("test_*.py"))
    assert [name for name in mine if others[name] > 1] == []

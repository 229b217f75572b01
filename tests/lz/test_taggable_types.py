"""The taggable-types data file: known cases, and no drift from the installed provider SDKs."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from lz.tags import is_taggable, taggable_types

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "gen_taggable_types.py"
DATA = REPO_ROOT / "lz" / "data" / "taggable_types.json"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_taggable_types", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "token",
    [
        "aws:s3/bucket:Bucket",
        "aws:ec2/vpc:Vpc",
        "aws:rds/instance:Instance",
        "aws:kms/key:Key",
        "azure-native:storage:StorageAccount",
        "azure-native:resources:ResourceGroup",
    ],
)
def test_known_taggable_types(token: str) -> None:
    assert is_taggable(token)


@pytest.mark.parametrize(
    "token",
    [
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:autoscaling/group:Group",  # `tags` is a list of tag blocks, not a map
        "azure-native:authorization:RoleAssignment",
        "azure-native:operationalinsights:Query",  # `tags` maps to lists of strings
        "azure-native:storage:BlobContainerLegalHold",  # `tags` is a list of strings
        "aws:kms/alias:Alias",
        "pulumi:providers:aws",
        "random:index/randomPet:RandomPet",  # other packages are never taggable here
        "lz:aws:Network",
        "",
    ],
)
def test_known_non_taggable_types(token: str) -> None:
    assert not is_taggable(token)


def test_data_file_shape() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert set(data) == {"_generated", "_counts", "aws", "azure-native"}
    assert "scripts/gen_taggable_types.py" in data["_generated"]
    for package in ("aws", "azure-native"):
        tokens = data[package]
        assert tokens == sorted(set(tokens))
        assert all(token.startswith(f"{package}:") for token in tokens)
        assert data["_counts"][package] == len(tokens)
    assert taggable_types()["aws"] == frozenset(data["aws"])


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        ("pulumi.Input[Optional[Mapping[str, pulumi.Input[_builtins.str]]]]", True),
        ("pulumi.Input[Optional[Optional[Mapping[str, _builtins.str]]]]", True),
        ("Optional[Mapping[str, str]]", True),
        ("pulumi.Input[Optional[Sequence[pulumi.Input['GroupTagArgs']]]]", False),
        ("pulumi.Input[Optional[Sequence[pulumi.Input[_builtins.str]]]]", False),
        ("pulumi.Input[Optional[Mapping[str, pulumi.Input[Sequence[pulumi.Input[_builtins.str]]]]]]", False),
        ("Optional[Any]", False),
        ("pulumi.Input[Optional[Union['MigrateProjectTagsArgs', 'MigrateProjectTagsArgsDict']]]", False),
    ],
)
def test_is_string_map(annotation: str, expected: bool) -> None:
    assert _load_script().is_string_map(annotation) is expected


def test_scanner_reads_generated_resource_classes() -> None:
    source = '''
@pulumi.type_token("aws:x/thing:Thing")
class Thing(pulumi.CustomResource):
    def _internal_init(__self__,
                 resource_name: str,
                 opts: Optional[pulumi.ResourceOptions] = None,
                 tags: pulumi.Input[Optional[Mapping[str, pulumi.Input[_builtins.str]]]] = None,
                 __props__=None):
        pass

    @staticmethod
    def get(resource_name: str,
            tags: pulumi.Input[Optional[Mapping[str, pulumi.Input[_builtins.str]]]] = None) -> 'Thing':
        pass


@pulumi.type_token("aws:x/other:Other")
class Other(pulumi.CustomResource):
    def _internal_init(__self__,
                 resource_name: str,
                 __props__=None):
        pass

    @staticmethod
    def get(resource_name: str,
            tags: pulumi.Input[Optional[Mapping[str, pulumi.Input[_builtins.str]]]] = None) -> 'Other':
        pass


@pulumi.type_token("aws:x/mode:Mode")
class Mode(_builtins.str, Enum):
    A = "a"
'''
    # `Other` only has tags in its state lookup (`get`), which is an output, not an input.
    assert list(_load_script().taggable_tokens(source)) == ["aws:x/thing:Thing"]


# Not marked `slow`: it must run in every normal test run, and scanning both SDKs takes seconds.
def test_data_file_matches_installed_sdks(tmp_path: Path) -> None:
    regenerated = tmp_path / "taggable_types.json"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--output", str(regenerated)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert regenerated.read_text(encoding="utf-8") == DATA.read_text(encoding="utf-8"), (
        "lz/data/taggable_types.json is stale: run `python scripts/gen_taggable_types.py`"
    )


def test_check_mode_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = _load_script()
    document = {"_generated": "test", "_counts": {"aws": 1}, "aws": ["aws:s3/bucket:Bucket"]}
    monkeypatch.setattr(script, "generate", lambda: (document, {"aws": 2}))
    target = tmp_path / "taggable_types.json"

    target.write_text("{}\n", encoding="utf-8")
    assert script.main(["--check", "--output", str(target)]) == 1

    assert script.main(["--output", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == document
    assert script.main(["--check", "--output", str(target)]) == 0

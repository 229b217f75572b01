"""Whatever is in a manifest file, validation answers with problems, never with an exception."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from manifest_helpers import FIXTURES, TODAY

from lz.manifest import validate_paths
from lz.problems import Problem

EXAMPLE: dict[str, Any] = yaml.safe_load((FIXTURES / "housing-repairs.yaml").read_text(encoding="utf-8"))
SETTINGS = settings(max_examples=200, deadline=None)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.dates(),
    st.sampled_from(["eu-west-2", "uksouth", "bucket", "database", "static_site", "prod", "", "a@b.gov.uk"]),
)
keys = st.one_of(st.text(max_size=12), st.sampled_from([*EXAMPLE, "type", "engine", "region", "dev", "db"]))
structures = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=20,
)


@pytest.fixture(scope="module")
def manifest_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One file rewritten by every example: Hypothesis does not mix with function-scoped fixtures.
    return tmp_path_factory.mktemp("stacks") / "housing-repairs.yaml"


def _validate(path: Path, content: str | bytes) -> list[Problem]:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    manifests, problems = validate_paths([path], today=TODAY)
    assert problems == sorted(problems)
    assert all(p.file == str(path) and p.line >= 1 and p.col >= 1 and p.message for p in problems)
    assert bool(manifests) != bool(problems)
    return problems


@SETTINGS
@given(content=st.binary(max_size=300))
def test_random_bytes(manifest_file: Path, content: bytes) -> None:
    _validate(manifest_file, content)


@SETTINGS
@given(content=st.text(max_size=300))
def test_random_text(manifest_file: Path, content: str) -> None:
    _validate(manifest_file, content)


@SETTINGS
@given(content=st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!<>,'\"\n #|?%@")), max_size=200))
def test_random_yaml_punctuation(manifest_file: Path, content: str) -> None:
    _validate(manifest_file, content)


@SETTINGS
@given(data=structures)
def test_random_structures(manifest_file: Path, data: Any) -> None:
    _validate(manifest_file, yaml.safe_dump(data))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


EXAMPLE_WITH_EVERYTHING = copy.deepcopy(EXAMPLE)
EXAMPLE_WITH_EVERYTHING["exceptions"] = [
    {
        "policy": "aws-s3-bucket-access-logging",
        "reason": "SIEM",
        "approved_by": "security@example.gov.uk",
        "expires": date(2026, 9, 30),
        "environments": ["dev"],
        "resources": ["files"],
    }
]
EXAMPLE_WITH_EVERYTHING["tags"] = {"project": "repairs"}
EXAMPLE_WITH_EVERYTHING["environments"]["dev"]["budget_alert_emails"] = ["finance@example.gov.uk"]
PATHS = [path for path in _paths(EXAMPLE_WITH_EVERYTHING) if path]


@SETTINGS
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(PATHS), st.sampled_from(["replace", "delete", "add"]), keys, structures),
        min_size=1,
        max_size=4,
    )
)
def test_mutations_of_the_example(manifest_file: Path, edits: list[tuple[tuple[Any, ...], str, str, Any]]) -> None:
    data = copy.deepcopy(EXAMPLE_WITH_EVERYTHING)
    for path, action, key, value in edits:
        parent: Any = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            if action == "replace":
                parent[path[-1]] = value
            elif action == "delete":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[key] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced this path
    _validate(manifest_file, yaml.safe_dump(data, sort_keys=False))


def test_the_example_with_everything_is_valid(manifest_file: Path) -> None:
    assert _validate(manifest_file, yaml.safe_dump(EXAMPLE_WITH_EVERYTHING, sort_keys=False)) == []

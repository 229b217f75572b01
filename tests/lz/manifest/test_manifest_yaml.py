"""Reading the YAML: files that are not a usable mapping, syntax errors, and what YAML lets through
silently (duplicate keys, non-text keys) but the loader does not."""

from __future__ import annotations

from pathlib import Path

import pytest
from manifest_helpers import TODAY, Stacks

from lz.manifest import validate_paths

F = "stacks/housing-repairs.yaml"
EMPTY = f"{F}:1:1: the file is empty: a service manifest is a mapping of fields (docs/manifest-reference.md)"
BILLION_LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)

# (case id, whole file text, expected problems)
FILES: list[tuple[str, str | bytes, list[str]]] = [
    ("empty file", "", [EMPTY]),
    ("only the schema comment", "# yaml-language-server: $schema=../schemas/service-manifest.schema.json\n", [EMPTY]),
    (
        "a list",
        "- version: 1\n- service: x\n",
        [f"{F}:1:1: a service manifest must be a mapping of fields (version, service, ...), not a list"],
    ),
    (
        "a single value",
        "\nhousing-repairs\n",
        [f"{F}:2:1: a service manifest must be a mapping of fields (version, service, ...), not a single value"],
    ),
    (
        "two documents",
        "version: 1\n---\nversion: 1\n",
        [f"{F}:2:1: invalid YAML: but found another document (expected a single document in the stream on line 1)"],
    ),
    (
        "a control character",
        "version: 1\ndescription: a\x00b\n",
        [f"{F}:2:15: invalid YAML: character U+0000 is not allowed"],
    ),
    (
        "not UTF-8",
        b"version: 1\ndescription: caf\xe9\n",
        [f"{F}:2:1: the file is not UTF-8 text (byte 0xe9 on line 2)"],
    ),
    (
        "aliases expanding exponentially",
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + BILLION_LAUGHS,
        [f"{F}:1:1: the YAML is too deeply nested or expands too many aliases to be a service manifest"],
    ),
    (
        "deep nesting",
        "a: " + "[" * 1000 + "]" * 1000 + "\n",
        [f"{F}:1:1: the YAML is too deeply nested or expands too many aliases to be a service manifest"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [(t, x) for _, t, x in FILES], ids=[c[0] for c in FILES])
def test_unusable_file(stacks: Stacks, text: str | bytes, expected: list[str]) -> None:
    assert stacks.problems(text) == expected


# (case id, replacements applied to the valid example, expected problems)
EDITS: list[tuple[str, list[tuple[str, str]], list[str]]] = [
    (
        "unclosed flow sequence",
        [("cloud: aws ", "cloud: [aws ")],
        [f"{F}:11:1: invalid YAML: expected ',' or ']', but got '<scalar>' (while parsing a flow sequence on line 10)"],
    ),
    (
        "unclosed quote",
        [("description: Tenants report repairs online", 'description: "Tenants report repairs online')],
        [f"{F}:21:1: invalid YAML: found unexpected end of stream (while scanning a quoted scalar on line 4)"],
    ),
    (
        "tab indentation",
        [("  prod: {", "\tprod: {")],
        [f"{F}:14:1: invalid YAML: found character '\\t' that cannot start any token"],
    ),
    (
        "colon in an unquoted value",
        [("description: Tenants report repairs online", "description: Tenants: report repairs online")],
        [f"{F}:4:21: invalid YAML: mapping values are not allowed here"],
    ),
    (
        "duplicate top-level key",
        [("tags: {}", "tags: {}\ncloud: azure")],
        [f"{F}:21:1: cloud: duplicate key 'cloud' (first given on line 10)"],
    ),
    (
        "duplicate environment name",
        [("  prod: {", "  dev: {")],
        [f"{F}:14:3: environments.dev: duplicate key 'dev' (first given on line 13)"],
    ),
    (
        "duplicate component name",
        [("  db:    {", "  files: {")],
        [f"{F}:18:3: components.files: duplicate key 'files' (first given on line 17)"],
    ),
    (
        "duplicate key in a flow mapping",
        [("{type: bucket, versioning: true}", "{type: bucket, versioning: true, versioning: false}")],
        [f"{F}:17:43: components.files.versioning: duplicate key 'versioning' (first given on line 17)"],
    ),
    (
        "keys YAML reads as a boolean and a number",
        [("tags: {}", "tags: {no: 1, 2: b}")],
        [
            f"{F}:20:8: tags: key 'no' is not read as text by YAML: put it in quotes ('no')",
            f"{F}:20:15: tags: key '2' is not read as text by YAML: put it in quotes ('2')",
        ],
    ),
    (
        "a list as a key",
        [("tags: {}", "tags: {[a]: b}")],
        [f"{F}:20:8: tags: keys must be plain text, not a list or mapping"],
    ),
    (
        "merge key (and no second problem for the field it would have merged)",
        [("{region: eu-west-2, monthly_budget_gbp: 900}", "{<<: {region: eu-west-2}, monthly_budget_gbp: 900}")],
        [f"{F}:14:10: environments.prod: YAML merge keys ('<<') are not supported: write the fields out in full"],
    ),
    (
        "unknown tag on a value",
        [("change_ref: CHG-2041", "change_ref: !Ref ChangeRef")],
        [f"{F}:11:103: request.change_ref: unsupported YAML tag '!Ref'"],
    ),
    (
        "tag on a mapping",
        [("tags: {}", "tags: !!set {a, b}")],
        [f"{F}:20:7: tags: unsupported YAML tag 'tag:yaml.org,2002:set'"],
    ),
    (
        "recursive alias",
        [("tags: {}", "tags: &t {a: *t}")],
        [f"{F}:20:7: tags.a: a YAML alias refers to itself; write the value out instead"],
    ),
    (
        "impossible date, reported once",
        [
            (
                "exceptions: []",
                "exceptions:\n  - {policy: aws-s3-x, reason: r, approved_by: a@example.gov.uk, expires: 2026-02-30}",
            )
        ],
        [f"{F}:20:75: exceptions.0.expires: cannot read value '2026-02-30': day is out of range for month"],
    ),
]


@pytest.mark.parametrize(("edits", "expected"), [(e, x) for _, e, x in EDITS], ids=[c[0] for c in EDITS])
def test_yaml_problem(stacks: Stacks, edits: list[tuple[str, str]], expected: list[str]) -> None:
    assert stacks.problems(stacks.edit(*edits)) == expected


def test_aliases_that_only_share_values_are_fine(stacks: Stacks) -> None:
    text = stacks.edit(
        ("  dev:  {region", "  dev:  &env {region"),
        ("  prod: {region: eu-west-2, monthly_budget_gbp: 900}", "  prod: *env"),
    )
    assert stacks.problems(text) == []


def test_byte_order_mark_is_accepted(stacks: Stacks) -> None:
    assert stacks.problems(b"\xef\xbb\xbf" + stacks.valid.encode()) == []


def test_schema_comment_is_optional(stacks: Stacks) -> None:
    assert stacks.problems(stacks.valid.split("\n", 1)[1]) == []


def test_unreadable_files(stacks: Stacks) -> None:
    (stacks.root / "dir.yaml").mkdir()
    manifests, problems = validate_paths([stacks.root / "dir.yaml", stacks.root / "missing.yaml"], today=TODAY)
    assert manifests == []
    assert [str(p) for p in problems] == [
        "stacks/dir.yaml:1:1: cannot read the file: Is a directory",
        "stacks/missing.yaml:1:1: cannot read the file: No such file or directory",
    ]


def test_oversized_file(stacks: Stacks) -> None:
    text = stacks.valid + "#" * 1_048_576
    assert stacks.problems(text) == [
        f"{F}:1:1: the file is larger than 1024 KiB; a service manifest is a few dozen lines"
    ]


def test_positions_are_one_based_line_and_column(stacks: Stacks) -> None:
    from lz.manifest.loader import read_manifest_file

    parsed = read_manifest_file(stacks.write(stacks.valid))
    assert parsed.positions.key(("components", "db")) == (18, 3)
    assert parsed.positions.value(("components", "db", "engine")) == (18, 35)
    assert parsed.positions.value(("components", "db", "not-there")) == (18, 10)  # nearest ancestor
    assert Path(parsed.file).name == "housing-repairs.yaml"

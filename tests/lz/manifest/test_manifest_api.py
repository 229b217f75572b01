"""The public API: load_manifest, validate_paths and discover_manifests."""

from __future__ import annotations

from pathlib import Path

import pytest
from manifest_helpers import TODAY, Stacks

from lz.manifest import (
    SCHEMA_URL_COMMENT,
    DatabaseComponent,
    ServiceManifest,
    discover_manifests,
    load_manifest,
    validate_paths,
)
from lz.problems import InputError


def test_the_example_loads(stacks: Stacks) -> None:
    manifest = load_manifest(stacks.write(stacks.valid), today=TODAY)
    assert manifest.service == "housing-repairs"
    assert manifest.owner.email == "housing-digital@example.gov.uk"
    assert manifest.environments["prod"].monthly_budget_gbp == 900
    assert manifest.environments["dev"].network_size == "small"
    db = manifest.components["db"]
    assert isinstance(db, DatabaseComponent)
    assert (db.engine, db.size, db.storage_gb, db.multi_az, db.backup_retention_days) == (
        "postgres",
        "small",
        20,
        None,
        14,
    )
    assert list(manifest.components) == ["site", "files", "db"]
    assert (manifest.exceptions, manifest.tags) == ([], {})


def test_the_example_starts_with_the_schema_comment(stacks: Stacks) -> None:
    assert stacks.valid.splitlines()[0] == SCHEMA_URL_COMMENT


def test_load_manifest_raises_every_problem_sorted_by_line(stacks: Stacks) -> None:
    text = stacks.edit(("tags: {}", "tags: {owner: me}"), ("criticality: high", "criticality: urgent"))
    with pytest.raises(InputError) as caught:
        load_manifest(stacks.write(text), today=TODAY)
    assert [(p.line, p.path) for p in caught.value.problems] == [(9, "criticality"), (20, "tags.owner")]


def test_load_manifest_of_an_empty_file(stacks: Stacks) -> None:
    with pytest.raises(InputError, match="the file is empty"):
        load_manifest(stacks.write(""), today=TODAY)


def test_validate_paths_returns_only_clean_manifests(stacks: Stacks) -> None:
    good = stacks.write(stacks.valid)
    bad = stacks.write(stacks.edit(("service: housing-repairs", "service: parking")), "parking-permits.yaml")
    empty = stacks.write("", "empty.yaml")
    manifests, problems = validate_paths([good, bad, empty], today=TODAY)
    assert [m.service for m in manifests] == ["housing-repairs"]
    assert [p.file for p in problems] == ["stacks/empty.yaml", "stacks/parking-permits.yaml"]


def test_validate_paths_of_nothing() -> None:
    assert validate_paths([]) == ([], [])


def test_is_production(stacks: Stacks) -> None:
    text = stacks.edit(("  prod: {", "  live: {"))
    manifest = load_manifest(stacks.write(text), today=TODAY)
    assert (manifest.is_production("dev"), manifest.is_production("live")) == (False, True)
    with pytest.raises(KeyError, match="housing-repairs has no environment 'prod'"):
        manifest.is_production("prod")


def test_models_are_frozen(stacks: Stacks) -> None:
    manifest = load_manifest(stacks.write(stacks.valid), today=TODAY)
    with pytest.raises(ValueError, match="frozen"):
        manifest.service = "other"  # type: ignore[misc]


def test_discover_manifests(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yml", "Pulumi.yaml", "Pulumi.b-dev.yaml", "notes.md", "c.yaml.bak"):
        (tmp_path / name).write_text("")
    (tmp_path / "nested.yaml").mkdir()
    assert [p.name for p in discover_manifests(tmp_path)] == ["a.yml", "b.yaml"]


def test_discover_manifests_in_a_missing_directory(tmp_path: Path) -> None:
    assert discover_manifests(tmp_path / "stacks") == []


def test_a_manifest_can_be_built_in_code() -> None:
    manifest = ServiceManifest.model_validate(
        {
            "version": 1,
            "service": "parking-permits",
            "description": "Residents apply for parking permits",
            "owner": {"team": "parking", "email": "parking@example.gov.uk"},
            "cost_centre": "CC-2001",
            "business_unit": "environment",
            "data_classification": "OFFICIAL-SENSITIVE",
            "criticality": "medium",
            "cloud": "azure",
            "request": {"requested_by": "a.person@example.gov.uk", "reason": "New service", "change_ref": "CHG-1"},
            "environments": {"prod": {"region": "uksouth", "monthly_budget_gbp": 300}},
            "components": {},
        }
    )
    assert manifest.is_production("prod")

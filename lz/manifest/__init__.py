"""Service manifests: one `stacks/<service>.yaml` per service, the factory's input.

Checking a file is two passes, and every problem of both is reported at once as
`file:line:col: path.to.field: message`:

1. `lz.manifest.loader`: YAML (with positions, duplicate keys rejected) and the schema pass against
   the typed model in `lz.manifest.model`;
2. `lz.manifest.rules`: the semantic rules, run on every part of the manifest that passed 1.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Final

from lz.manifest.loader import read_manifest_file, validate_schema
from lz.manifest.model import (
    BucketComponent,
    ChangeRequest,
    Component,
    DatabaseComponent,
    Environment,
    Owner,
    PolicyException,
    ServiceManifest,
    StaticSiteComponent,
    manifest_json_schema,
)
from lz.manifest.rules import RuleContext, check_manifest, unique_service_names
from lz.problems import InputError, Problem

__all__ = [
    "SCHEMA_URL_COMMENT",
    "BucketComponent",
    "ChangeRequest",
    "Component",
    "DatabaseComponent",
    "Environment",
    "Owner",
    "PolicyException",
    "ServiceManifest",
    "StaticSiteComponent",
    "discover_manifests",
    "load_manifest",
    "manifest_json_schema",
    "validate_paths",
]

#: First line of every manifest, so editors validate and complete it against the generated schema.
#: Optional: a manifest without it is just as valid.
SCHEMA_URL_COMMENT: Final = "# yaml-language-server: $schema=../schemas/service-manifest.schema.json"

_MANIFEST_SUFFIXES: Final = (".yaml", ".yml")


def _check(path: Path, today: date) -> tuple[ServiceManifest | None, RuleContext | None, list[Problem]]:
    """Both passes over one file: the manifest (partial when there were schema problems, None when
    the file could not be read as a mapping), its rule context and every problem but cross-file ones."""
    parsed = read_manifest_file(path)
    if parsed.data is None:
        return None, None, parsed.problems
    result = validate_schema(parsed)
    ctx = RuleContext(
        file=str(path),
        positions=parsed.positions,
        today=today,
        present=result.present,
        dropped=result.dropped,
    )
    problems = parsed.problems + result.problems + check_manifest(result.manifest, ctx)
    return result.manifest, ctx, problems


def load_manifest(path: Path, *, today: date | None = None) -> ServiceManifest:
    """Load and check one manifest; raises `InputError` listing every problem, sorted by line."""
    manifest, _, problems = _check(path, today or date.today())
    if problems or manifest is None:
        raise InputError(sorted(problems))
    return manifest


def validate_paths(paths: Sequence[Path], *, today: date | None = None) -> tuple[list[ServiceManifest], list[Problem]]:
    """Check many manifests, including that their service names are unique.

    Returns the manifests without problems and every problem, sorted by file and line. Bad input
    never raises: it is all in the problems.
    """
    day = today or date.today()
    checked: list[tuple[ServiceManifest, RuleContext]] = []
    problems: list[Problem] = []
    seen: set[Path] = set()
    for path in paths:
        real = Path(os.path.realpath(path))
        if real in seen:
            continue  # the same file named twice is not two services with one name
        seen.add(real)
        manifest, ctx, found = _check(path, day)
        problems.extend(found)
        if manifest is not None and ctx is not None:
            checked.append((manifest, ctx))
    problems.extend(unique_service_names(checked))
    failed = {problem.file for problem in problems}
    return [manifest for manifest, ctx in checked if ctx.file not in failed], sorted(problems)


def discover_manifests(stacks_dir: Path) -> list[Path]:
    """The manifests in a stacks directory: `*.yaml` and `*.yml`, without `Pulumi.*.yaml` stack
    configuration files, sorted by name. A directory that does not exist holds none."""
    if not stacks_dir.is_dir():
        return []
    return sorted(
        path
        for path in stacks_dir.iterdir()
        if path.suffix in _MANIFEST_SUFFIXES and not path.name.startswith("Pulumi.") and path.is_file()
    )

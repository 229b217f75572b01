"""The pack's contents: every policy file under policies/, found on disk and selected by metadata.

Discovery walks `policies/aws`, `policies/azure`, `policies/common` and `policies/tags`, imports each
module and collects its module-level `POLICY` and `METADATA` (built with `policies.lib`). Modules
whose name starts with `_` are helpers shared by policy files and are not policies. There is no
hand-kept list: adding a file adds a policy, and `tests/policies/test_pack_meta.py` checks that every
file is a complete policy with a test.

Selection (`select`) filters by cloud, severity, topic and framework. The pack entry point
(`policies/__main__.py`) and the offline gate (`lz.policy.evaluate`) both select from here.

Enforcement levels
------------------
A policy's default level comes from its severity (`policies.lib.DEFAULT_LEVELS`: critical and high
are mandatory, medium and low advisory). A council overrides levels and policy config with one YAML
(or JSON) file in the format of `pulumi preview --policy-pack-config`:

    all: advisory                        # optional: every policy of the pack
    aws-s3-bucket-access-logging: disabled
    lz-all-resources-mandatory-tags:
      enforcementLevel: mandatory
      required_tags: [service, owner, cost-centre]

The file is named by `lz plan --policy-config FILE` or by the environment variable
`LZ_POLICY_CONFIG` (which is also how the pack reads it when the Pulumi CLI runs it).
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml
from pulumi_policy import EnforcementLevel, Policy, ResourceValidationPolicy, StackValidationPolicy

from lz.policy.analyzer import ALL, PACK_NAME, PolicyConfigError, normalize_config, unknown_policy_names
from policies.lib import PolicyMetadata

__all__ = [
    "CONFIG_ENV", "PACK_DIR", "PACK_NAME", "POLICY_DIRS", "PackEntry", "PackError", "discover", "initial_config",
    "is_policy_module", "load_entry", "load_overrides", "module_name", "names", "policy_files", "registry", "select",
]

PACK_DIR: Final = Path(__file__).resolve().parent
ROOT: Final = PACK_DIR.parent
#: Where policy files live; anything else under policies/ is pack machinery.
POLICY_DIRS: Final = ("aws", "azure", "common", "tags")
#: Modules of the pack that are not policies.
NON_POLICY_MODULES: Final = frozenset({"lib", "pack", "__main__", "__init__"})
#: The environment variable naming the override file (see the module docstring).
CONFIG_ENV: Final = "LZ_POLICY_CONFIG"
#: Framework keys accepted by `select(frameworks=...)`, optionally as `key:value` (e.g. `ncsc:11`).
FRAMEWORK_KEYS: Final = ("ncsc", "cis", "cyber_essentials", "checkov")

Selected = tuple[Policy, PolicyMetadata]


class PackError(Exception):
    """The pack is broken: a file that is not a policy, duplicate names. (Bad config raises
    `lz.policy.analyzer.PolicyConfigError`.)"""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class PackEntry:
    """One policy file of the pack."""

    policy: Policy
    metadata: PolicyMetadata
    module: str
    path: Path

    @property
    def name(self) -> str:
        return self.metadata.name


def is_policy_module(path: Path) -> bool:
    """A `.py` file that must define a policy (helpers start with `_`; pack machinery is excluded)."""
    return path.suffix == ".py" and path.stem not in NON_POLICY_MODULES and not path.stem.startswith("_")


def policy_files(pack_dir: Path = PACK_DIR) -> list[Path]:
    """Every policy file of the pack, sorted by path."""
    found: list[Path] = []
    for sub in POLICY_DIRS:
        base = pack_dir / sub
        if base.is_dir():
            found.extend(
                p for p in base.rglob("*.py") if "__pycache__" not in p.parts and is_policy_module(p)
            )
    return sorted(found)


def module_name(path: Path) -> str:
    """`policies/aws/s3/bucket_x.py` -> `policies.aws.s3.bucket_x`."""
    relative = path.resolve().relative_to(ROOT).with_suffix("")
    return ".".join(relative.parts)


def load_entry(path: Path) -> tuple[PackEntry | None, list[str]]:
    """Import one policy file of this pack; the entry, or the problems that make it unusable."""
    where = path.resolve().relative_to(ROOT).as_posix()
    try:
        module = importlib.import_module(module_name(path))
    except Exception as exc:  # a broken policy file must be reported, not crash discovery of the rest
        return None, [f"{where}: cannot be imported: {type(exc).__name__}: {exc}"]
    policy = getattr(module, "POLICY", None)
    metadata = getattr(module, "METADATA", None)
    problems: list[str] = []
    if not isinstance(policy, ResourceValidationPolicy | StackValidationPolicy):
        problems.append(f"{where}: POLICY must be a ResourceValidationPolicy or StackValidationPolicy")
    if not isinstance(metadata, PolicyMetadata):
        problems.append(f"{where}: METADATA must be a policies.lib.PolicyMetadata")
    if problems:
        return None, problems
    assert isinstance(policy, Policy) and isinstance(metadata, PolicyMetadata)
    if policy.name != metadata.name:
        problems.append(f"{where}: POLICY.name {policy.name!r} differs from METADATA.name {metadata.name!r}")
    kind = "stack" if isinstance(policy, StackValidationPolicy) else "resource"
    if metadata.kind != kind:
        problems.append(f"{where}: METADATA.kind is {metadata.kind!r} but POLICY is a {kind} policy")
    if problems:
        return None, problems
    return PackEntry(policy=policy, metadata=metadata, module=module.__name__, path=path), []


def discover() -> tuple[list[PackEntry], list[str]]:
    """Every usable policy of the pack (sorted by name) and every problem found, all at once."""
    entries: list[PackEntry] = []
    problems: list[str] = []
    for path in policy_files():
        entry, found = load_entry(path)
        problems.extend(found)
        if entry is not None:
            entries.append(entry)
    by_name: dict[str, list[PackEntry]] = {}
    for entry in entries:
        by_name.setdefault(entry.name, []).append(entry)
    for name, same in sorted(by_name.items()):
        if name == ALL:
            problems.append(f"{same[0].path.name}: the policy name 'all' is reserved by CrossGuard")
        if len(same) > 1:
            files = ", ".join(e.path.resolve().relative_to(ROOT).as_posix() for e in same)
            problems.append(f"policy name {name!r} is defined more than once: {files}")
    return sorted(entries, key=lambda e: e.name), problems


@functools.cache
def registry() -> tuple[PackEntry, ...]:
    """The whole pack, discovered once per process. Raises PackError if any file is broken."""
    entries, problems = discover()
    if problems:
        raise PackError(problems)
    return tuple(entries)


def names() -> frozenset[str]:
    return frozenset(e.name for e in registry())


def _framework_matches(metadata: PolicyMetadata, wanted: str) -> bool:
    key, _, value = wanted.partition(":")
    key = key.strip().lower().replace("-", "_")
    value = value.strip()
    frameworks = metadata.frameworks
    if key == "ncsc":
        return not value or frameworks.ncsc.split(".")[0] == value.split(".")[0]
    if key == "cis":
        return frameworks.cis is not None and value.lower() in frameworks.cis.lower()
    if key == "cyber_essentials":
        theme = frameworks.cyber_essentials
        return theme is not None and (not value or theme.lower() == value.lower())
    if key == "checkov":
        return bool(frameworks.checkov) and (not value or value.upper() in frameworks.checkov)
    raise PackError([f"unknown framework {wanted!r}; use one of {', '.join(FRAMEWORK_KEYS)} (optionally key:value)"])


def select(
    clouds: Iterable[str] | None = None,
    severities: Iterable[str] | None = None,
    topics: Iterable[str] | None = None,
    frameworks: Iterable[str] | None = None,
    *,
    entries: Sequence[PackEntry] | None = None,
) -> list[Selected]:
    """(policy, metadata) of every policy matching all the given filters, sorted by name.

    * clouds: a policy matches if it applies to any of them; policies with no cloud apply to all.
    * severities: `critical`, `high`, `medium`, `low`.
    * topics: any of the policy's topics.
    * frameworks: `ncsc`, `cis`, `cyber_essentials`, `checkov`, or `key:value`: `ncsc:11` (principle
      11), `cis:AWS Foundations` (text in the CIS reference), `cyber_essentials:Firewalls`,
      `checkov:CKV_AWS_20`. A policy matches if it maps to any of them.

    `None` means no filter; an empty iterable selects nothing.
    """
    pool = registry() if entries is None else entries
    cloud_set = None if clouds is None else {c.lower() for c in clouds}
    severity_set = None if severities is None else {s.lower() for s in severities}
    topic_set = None if topics is None else {t.lower() for t in topics}
    framework_list = None if frameworks is None else list(frameworks)
    chosen: list[Selected] = []
    for entry in sorted(pool, key=lambda e: e.name):
        meta = entry.metadata
        if cloud_set is not None and (not cloud_set or (meta.clouds and not cloud_set & set(meta.clouds))):
            continue
        if severity_set is not None and meta.severity not in severity_set:
            continue
        if topic_set is not None and not topic_set & {t.lower() for t in meta.topics}:
            continue
        if framework_list is not None and not any(_framework_matches(meta, f) for f in framework_list):
            continue
        chosen.append((entry.policy, meta))
    return chosen


# -- config -------------------------------------------------------------------------------------


def initial_config(
    selected: Sequence[Selected],
    overrides: Mapping[str, Any] | None = None,
    *,
    known: Iterable[str] | None = None,
) -> dict[str, EnforcementLevel | dict[str, Any]]:
    """The pack's CrossGuard `initial_config`: for every selected policy its default level (by
    severity) and config defaults, then `overrides` (CrossGuard config format, `all` allowed).

    Overrides naming a pack policy that is not selected are ignored (one override file serves
    stacks of both clouds); names that are not policies at all (`known`, by default the whole
    pack) are an error.
    """
    config: dict[str, dict[str, Any]] = {
        meta.name: {"enforcementLevel": meta.default_level, **dict(meta.config_defaults)} for _, meta in selected
    }
    if overrides:
        normalized = normalize_config(overrides)
        unknown = unknown_policy_names(normalized, {*(names() if known is None else known), *config})
        if unknown:
            raise PolicyConfigError(unknown)
        everyone = normalized.get(ALL, {}).get("enforcementLevel")
        if everyone is not None:
            for entry in config.values():
                entry["enforcementLevel"] = everyone
        for name, given in normalized.items():
            if name in config:
                config[name].update(given)
    return dict(config)


def load_overrides(path: Path | str | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The override file named by `path`, else by `$LZ_POLICY_CONFIG`; `{}` when neither is set."""
    env = os.environ if environ is None else environ
    chosen = path if path is not None else env.get(CONFIG_ENV) or None
    if chosen is None:
        return {}
    file = Path(chosen)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyConfigError([f"{file}: cannot read the policy config: {exc}"]) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PolicyConfigError([f"{file}: the policy config must be a mapping of policy name to level or settings"])
    normalize_config(data, str(file))  # shape errors are reported with the file name
    return data


"""The exceptions register: approved, time-limited waivers of policy findings.

A service manifest lists its waivers under `exceptions:`; the planner puts them in
`StackPlan.metadata["exceptions"]` (one dict per entry, with its `index`) next to
`metadata["environment"]`. A waiver covers a finding when

* it names the finding's policy,
* its `environments` is empty or contains the stack's environment, and
* its `resources` is empty, or one entry is the finding's resource name, or the name of a component
  the resource belongs to (any ancestor in the parent chain, e.g. `files` for every child of
  `lz:aws:Bucket::files`).

The register is itself checked, as the policy `lz-exceptions-register-valid` (mandatory, never
waivable): an entry that is malformed, names a policy the pack does not have, or has expired (on
or after its `expires` date: the date the waiver lapses) is a finding and waives nothing. Entries
for other environments are not judged in this stack; the stacks they cover report them.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, Protocol

REGISTER_POLICY: Final = "lz-exceptions-register-valid"
REGISTER_DESCRIPTION: Final = (
    "Every entry of a manifest's exceptions register is well-formed, names a policy of the pack and "
    "has not expired, so no finding is waived without a current, accountable approval."
)
REGISTER_REMEDIATION: Final = (
    "Fix the entry under `exceptions:` in the service manifest: give it `policy` (a policy name from "
    "docs/policies.md), `reason`, `approved_by` and a future `expires` date (YYYY-MM-DD). For an expired "
    "waiver, either fix the finding and delete the entry, or renew it with a fresh approval and date."
)
_FIELDS: Final = ("policy", "reason", "approved_by", "expires", "environments", "resources", "index")
_REQUIRED_TEXT: Final = ("policy", "reason", "approved_by")


@dataclass(frozen=True)
class Waiver:
    """One well-formed, current entry of the register."""

    index: int
    policy: str
    reason: str
    approved_by: str
    expires: date
    environments: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()

    def applies_to(self, environment: str | None) -> bool:
        return not self.environments or environment in self.environments

    def covers(self, policy: str, resource: str, components: Sequence[str]) -> bool:
        """Whether this waiver covers a finding of `policy` on `resource` inside `components`."""
        if policy != self.policy:
            return False
        return not self.resources or any(r == resource or r in components for r in self.resources)

    def describe(self) -> dict[str, Any]:
        """What a waived finding records about the waiver that covers it."""
        return {
            "exception": self.index,
            "approved_by": self.approved_by,
            "reason": self.reason,
            "expires": self.expires.isoformat(),
        }


@dataclass(frozen=True)
class RegisterProblem:
    """An entry that waives nothing and is itself a mandatory finding."""

    index: int
    policy: str
    message: str


@dataclass
class Register:
    """The entries that apply to one stack: usable waivers, and problems to report."""

    waivers: list[Waiver] = field(default_factory=list)
    problems: list[RegisterProblem] = field(default_factory=list)

    def waiver_for(self, policy: str, resource: str, components: Sequence[str]) -> Waiver | None:
        """The first waiver (by register order) covering the finding, if any."""
        return next((w for w in self.waivers if w.covers(policy, resource, components)), None)


def _text_list(value: Any, name: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple) and all(isinstance(v, str) and v for v in value):
        return tuple(value)
    problems.append(f"'{name}' must be a list of names")
    return ()


def _expiry(value: Any, problems: list[str]) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    if value is None:
        problems.append("'expires' is missing")
    else:
        problems.append(f"'expires' must be a date (YYYY-MM-DD), got {value!r}")
    return None


def _parse(entry: Any, position: int) -> tuple[Waiver | None, int, str, list[str]]:
    """The waiver, its index, the policy it names and the problems that make it malformed."""
    if not isinstance(entry, Mapping):
        return None, position, "", [f"expected a mapping, got {type(entry).__name__}"]
    index = entry.get("index", position)
    index = index if isinstance(index, int) and not isinstance(index, bool) else position
    problems = [f"unknown field '{key}'" for key in entry if key not in _FIELDS]
    for key in _REQUIRED_TEXT:
        value = entry.get(key)
        if value is None:
            problems.append(f"'{key}' is missing")
        elif not isinstance(value, str) or not value.strip():
            problems.append(f"'{key}' must be non-empty text")
    expires = _expiry(entry.get("expires"), problems)
    environments = _text_list(entry.get("environments"), "environments", problems)
    resources = _text_list(entry.get("resources"), "resources", problems)
    policy = entry.get("policy") if isinstance(entry.get("policy"), str) else ""
    if problems or expires is None:
        return None, index, str(policy), problems
    waiver = Waiver(
        index=index,
        policy=str(entry["policy"]),
        reason=str(entry["reason"]),
        approved_by=str(entry["approved_by"]),
        expires=expires,
        environments=environments,
        resources=resources,
    )
    return waiver, index, waiver.policy, []


def read_register(
    entries: Sequence[Any],
    *,
    known_policies: Collection[str],
    today: date,
    environment: str | None,
) -> Register:
    """The waivers usable in a stack of `environment` on `today`, and the entries that are findings."""
    register = Register()
    known = sorted(known_policies)
    for position, entry in enumerate(entries):
        waiver, index, policy, malformed = _parse(entry, position)
        label = f"Exception {index}" + (f" for {policy}" if policy else "")
        if waiver is None:
            environments = entry.get("environments") if isinstance(entry, Mapping) else None
            listed = isinstance(environments, list | tuple) and all(isinstance(e, str) for e in environments)
            if listed and environments and environment not in environments:
                continue  # judged in the stacks it covers
            register.problems.append(RegisterProblem(index, policy, f"{label} is malformed: {'; '.join(malformed)}"))
            continue
        if not waiver.applies_to(environment):
            continue
        if waiver.policy == REGISTER_POLICY:
            register.problems.append(
                RegisterProblem(index, policy, f"{label} waives the exceptions register check itself, which cannot be "
                                               "waived")
            )
        elif waiver.policy not in known_policies:
            close = difflib.get_close_matches(waiver.policy, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            register.problems.append(
                RegisterProblem(index, policy, f"Exception {index} names unknown policy {waiver.policy}{hint}")
            )
        elif today >= waiver.expires:
            register.problems.append(
                RegisterProblem(
                    index, policy,
                    f"{label} expired on {waiver.expires.isoformat()} (approved by {waiver.approved_by})",
                )
            )
        else:
            register.waivers.append(waiver)
    return register


class GraphNode(Protocol):
    """What `component_ancestors` reads of a resource (PlannedResource, lz.policy.graph.GraphResource)."""

    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def parent(self) -> str | None: ...
    @property
    def is_component(self) -> bool: ...


def component_ancestors(urn: str, by_urn: Mapping[str, GraphNode]) -> list[str]:
    """Names of the components a resource belongs to, nearest first (the root stack excluded)."""
    names: list[str] = []
    node = by_urn.get(urn)
    parent = node.parent if node is not None else None
    seen: set[str] = set()
    while parent and parent not in seen:
        seen.add(parent)
        node = by_urn.get(parent)
        if node is None:
            break
        if node.is_component and node.type != "pulumi:pulumi:Stack":
            names.append(node.name)
        parent = node.parent
    return names

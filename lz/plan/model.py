"""The captured resource graph: what `pulumi up` would be asked to create, resource by resource.

Plain dataclasses with no Pulumi imports, so reports, policies and tests can read plans without
loading the SDK. `to_json()` gives the documented `lz plan --json` shape.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SIGS = {
    "1b47061264138c4ac30d75fd1eb44270": "secret",
    "c44067f5952c0a294b673a41bacd8c17": "asset",
    "0def7320c3a5731c473e5ecbe6d01bc7": "archive",
    "5cf8f73096256a8f31e491e813e4eb8e": "resource",
    "d0e6a833031e9bbcd3f4e8bde6ca49a4": "output",
}
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the engine's unknown-value sentinel


def display_value(value: Any) -> Any:
    """A JSON-friendly view of a deserialized property value: secrets and unknowns masked."""
    if isinstance(value, Mapping):
        if _SIG_KEY in value:
            return f"[{_SIGS.get(value[_SIG_KEY], 'special')}]"
        return {str(k): display_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [display_value(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value == UNKNOWN:
        return "[unknown]"
    if isinstance(value, str | int | bool) or value is None:
        return value
    path = getattr(value, "path", None)  # file assets and archives
    if path is not None:
        return {"path": str(path)}
    text = getattr(value, "text", None)  # string assets
    if isinstance(text, str):
        return {"text": text}
    return f"[{type(value).__name__.lower()}]"

StackKind = Literal["platform", "service", "program"]


@dataclass
class PlannedResource:
    """One resource registration, as the engine would receive it after transforms."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    provider: str | None
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    #: Inputs as deserialized from the registration (engine camelCase names, secrets wrapped).
    raw_inputs: dict[str, Any]
    #: protect, retain_on_delete, ignore_changes, aliases, delete_before_replace, ...
    options: dict[str, Any]
    id: str | None = None
    #: Outputs the (mock) provider returned: inputs plus deterministic ids, ARNs and names.
    raw_outputs: dict[str, Any] = field(default_factory=dict, repr=False)
    #: The inputs as the protobuf Struct sent to the engine (for the policy analyzer).
    wire: Any = field(default=None, repr=False, compare=False)

    @cached_property
    def inputs(self) -> dict[str, Any]:
        """Inputs with engine (camelCase) property names; secrets shown as "[secret]"."""
        return display_value(self.raw_inputs)  # type: ignore[no-any-return]

    @cached_property
    def outputs(self) -> dict[str, Any]:
        """Outputs the (mock) provider returned, shown like the inputs."""
        return display_value(self.raw_outputs)  # type: ignore[no-any-return]

    def wire_inputs(self) -> dict[str, Any]:
        """Inputs in wire form: secrets wrapped, numbers as floats, as CrossGuard receives them."""
        if self.wire is None:
            return dict(self.raw_inputs)
        from google.protobuf import json_format

        return dict(json_format.MessageToDict(self.wire))

    @property
    def is_component(self) -> bool:
        return not self.custom and not self.type.startswith("pulumi:providers:")

    def to_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "custom": self.custom,
            "parent": self.parent,
            "provider": self.provider,
            "dependencies": self.dependencies,
            "property_dependencies": self.property_dependencies,
            "inputs": self.inputs,
            "options": self.options,
        }


@dataclass
class StackPlan:
    """Everything one stack's program registered, its exported outputs and any findings."""

    name: str
    kind: StackKind
    project: str
    resources: list[PlannedResource]
    outputs: dict[str, Any]
    #: Where the program came from (a manifest, a layer, a directory) for humans.
    source: str = ""
    violations: list[dict[str, Any]] = field(default_factory=list)
    waived: list[dict[str, Any]] = field(default_factory=list)
    #: Things the planner could not show faithfully (remote components, unknown invokes ...).
    notes: list[str] = field(default_factory=list)
    #: Extra facts about the stack for reports (manifest service/env, budget, cloud, region).
    metadata: dict[str, Any] = field(default_factory=dict)
    #: Monthly cost and carbon estimate (lz.estimate), filled in by the gate after planning.
    estimate: dict[str, Any] | None = None
    #: One-line human summary of the estimate.
    estimate_summary: str = ""
    #: Exported outputs as Python values (secrets still wrapped) to feed stack references.
    raw_outputs: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def stack_resource(self) -> PlannedResource | None:
        return next((r for r in self.resources if r.type == "pulumi:pulumi:Stack"), None)

    def managed(self) -> list[PlannedResource]:
        """Resources a deployment would create: everything except the stack itself and references."""
        return [r for r in self.resources if r.type not in ("pulumi:pulumi:Stack", "pulumi:pulumi:StackReference")]

    def by_urn(self) -> dict[str, PlannedResource]:
        return {r.urn: r for r in self.resources}

    def find(self, type_: str | None = None, name: str | None = None) -> list[PlannedResource]:
        return [
            r
            for r in self.resources
            if (type_ is None or r.type == type_) and (name is None or r.name == name)
        ]

    def one(self, type_: str, name: str | None = None) -> PlannedResource:
        found = self.find(type_, name)
        if len(found) != 1:
            raise LookupError(f"expected one {type_} {name or ''} in {self.name}, found {len(found)}")
        return found[0]

    def counts_by_type(self) -> dict[str, int]:
        counts = Counter(r.type for r in self.managed())
        return dict(sorted(counts.items()))

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "project": self.project,
            "source": self.source,
            "metadata": self.metadata,
            "resources": [r.to_json() for r in self.resources],
            "outputs": self.outputs,
            "violations": self.violations,
            "waived": self.waived,
            "notes": self.notes,
            "estimate": self.estimate,
        }


@dataclass
class EstatePlan:
    """Plans of several stacks, in the order they were planned (platform layers first)."""

    stacks: list[StackPlan]

    def stack(self, name: str) -> StackPlan:
        for s in self.stacks:
            if s.name == name:
                return s
        raise LookupError(f"no stack named {name!r} in this plan")

    def to_json(self) -> dict[str, Any]:
        return {"stacks": [s.to_json() for s in self.stacks]}

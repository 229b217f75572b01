"""Call one policy the way the CrossGuard runtime does, without the CLI.

Props are round-tripped through a protobuf Struct (so integers become floats, as on the wire) and
wrapped in the SDK's unknown-checking proxy, so a validator sees exactly what it sees under
`pulumi preview --policy-pack`. Config defaults of the policy's schema are filled in first, as the
CLI's policy-pack config reconciliation does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import unknown_checking_proxy


def wire(value: Any) -> Any:
    """The value as the engine sends it: through a protobuf Struct (ints become floats)."""
    s = struct_pb2.Struct()
    s.update({"v": value})
    return json_format.MessageToDict(s)["v"]


def _options() -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=False, ignore_changes=[], delete_before_replace=None, aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0), additional_secret_outputs=[], parent=None,
    )


def _config(policy: Any, config: Mapping[str, Any] | None) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    schema = getattr(policy, "config_schema", None)
    if schema is not None:
        merged.update({k: v["default"] for k, v in schema.properties.items() if "default" in v})
    merged.update(config or {})
    return merged


def _await(result: Any) -> None:
    if result is not None and asyncio.iscoroutine(result):
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(result)
        finally:
            loop.close()


def violations(
    policy: ResourceValidationPolicy,
    resource_type: str,
    props: Mapping[str, Any],
    *,
    name: str = "res",
    config: Mapping[str, Any] | None = None,
) -> list[str]:
    """The messages `policy` reports for one resource."""
    urn = f"urn:pulumi:test::lz::{resource_type}::{name}"
    args = ResourceValidationArgs(
        resource_type, unknown_checking_proxy(wire(dict(props))), urn, name, _options(), None,
        _config(policy, config),
    )
    found: list[str] = []
    validate = policy.validate if isinstance(policy.validate, list) else [policy.validate]
    for fn in validate:
        if fn is not None:
            _await(fn(args, lambda message, urn=None: found.append(message)))
    return found


def stack_violations(
    policy: StackValidationPolicy,
    resources: Sequence[tuple[str, str, Mapping[str, Any]]]
    | Sequence[tuple[str, str, Mapping[str, Any], Mapping[str, Sequence[str]]]],
    *,
    config: Mapping[str, Any] | None = None,
) -> list[tuple[str, str | None]]:
    """(message, urn) pairs a stack policy reports over (type, name, props[, property_dependencies]) tuples.

    Property dependencies name other resources of the list by name.
    """
    urns = {r[1]: f"urn:pulumi:test::lz::{r[0]}::{r[1]}" for r in resources}
    built: dict[str, PolicyResource] = {}
    for r in resources:
        built[r[1]] = PolicyResource(
            r[0], unknown_checking_proxy(wire(dict(r[2]))), urns[r[1]], r[1], _options(), None, None, [], {},
        )
    for r in resources:
        if len(r) > 3:
            deps = {prop: [built[n] for n in names] for prop, names in r[3].items()}  # type: ignore[misc]
            built[r[1]].property_dependencies = deps
            built[r[1]].dependencies = [d for ds in deps.values() for d in ds]
    args = StackValidationArgs(list(built.values()), _config(policy, config))
    found: list[tuple[str, str | None]] = []
    _await(policy.validate(args, lambda message, urn=None: found.append((message, urn))))
    return found

"""The captured graph as the policy gate reads it: one light record per resource.

The planner's `StackPlan` holds, for every resource, its deserialized inputs, the protobuf Struct the
program sent (`wire`), the mock provider's outputs and display copies. The analyzer needs much less:
the two property maps the engine would send (inputs for `Analyze`, outputs for `AnalyzeStack`)
already converted the way the SDK's servicer converts them (`json_format.MessageToDict` of the
request's Struct, built as the reference path builds the request), plus the resource's identity,
graph edges and the options the engine sends.

`GraphResource.from_planned` makes that record, with both property maps packed by `marshal` (the
values are plain JSON values: the Struct's dicts, lists, strings, floats, booleans and None, with key
order kept), so 10,000 resources take a few MB instead of hundreds.

A plan can be written as a stream (`dump_plan`: a header, then each `PlannedResource` pickled on its
own) and read back record by record (`load_graph`), so a reader never holds the planner's model of
more than one resource at a time.
"""

from __future__ import annotations

import marshal
import math
import pickle
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any, Final

from lz.plan.model import PlannedResource, StackPlan

STACK_TYPE: Final = "pulumi:pulumi:Stack"
#: First record of a plan stream (`dump_plan`), so another pickle is not mistaken for one.
STREAM_MAGIC: Final = "lz-policy-graph/1"


def _value(value: Any) -> Any:
    """One `google.protobuf.Value` as `json_format.MessageToDict` converts it."""
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    if kind == "number_value":
        number = value.number_value
        if math.isinf(number):
            raise ValueError("Fail to serialize Infinity for Value.number_value, which would parse as string_value")
        if math.isnan(number):
            raise ValueError("Fail to serialize NaN for Value.number_value, which would parse as string_value")
        return number
    if kind == "struct_value":
        return {key: _value(item) for key, item in value.struct_value.fields.items()}
    if kind == "list_value":
        return [_value(item) for item in value.list_value.values]
    return None  # null_value, or no value at all


def _as_dict(struct: Any) -> dict[str, Any]:
    """A Struct as `json_format.MessageToDict` gives it (the servicer's first step), written out for
    Structs alone: same keys in the same order, same values; about four times faster.
    tests/lz/policy/test_policy_graph.py holds the two to the same results."""
    return {key: _value(item) for key, item in struct.fields.items()}


def _packed(convert: Any, value: Any) -> bytes:
    """`marshal` of a converted property map, or of the ValueError the conversion raised (a number
    the servicer cannot read): the analyzer raises it again for each policy, as the servicer would."""
    try:
        return marshal.dumps(convert(value))
    except ValueError as exc:
        return marshal.dumps((_CONVERSION_ERROR, str(exc)))


_CONVERSION_ERROR: Final = "lz.policy.graph: conversion error"


def _unpacked(packed: bytes) -> dict[str, Any]:
    values = marshal.loads(packed)
    if isinstance(values, tuple):
        raise ValueError(values[1])
    result: dict[str, Any] = values
    return result


# Each protobuf copy of a Struct (a message constructor, CopyFrom) may change the order its map
# iterates in, so each property map is built through the copies the reference path makes
# (`OfflineAnalyzer.analyze_resource` / `analyze_stack`), and read back as the servicer reads it
# (`json_format.MessageToDict`): same keys, same values (numbers as floats, secrets and assets as
# their signature maps), same order.


def _request_round_trip(value: Any) -> dict[str, Any]:
    from pulumi.runtime import proto

    from lz.policy.analyzer import to_struct

    return _as_dict(proto.AnalyzeRequest(properties=to_struct(value)).properties)


def _stack_round_trip(value: Any) -> dict[str, Any]:
    from pulumi.runtime import proto

    from lz.policy.analyzer import to_struct

    item = proto.AnalyzerResource(properties=to_struct(value))
    return _as_dict(proto.AnalyzeStackRequest(resources=[item]).resources[0].properties)


def request_dict(value: Any) -> dict[str, Any]:
    """Properties as `Analyze` reads them from `AnalyzeRequest(properties=to_struct(value))`."""
    direct = _direct(value, _request_round_trip)
    return direct if direct is not None else _request_round_trip(value)


def stack_dict(value: Any) -> dict[str, Any]:
    """Properties as `AnalyzeStack` reads them from an `AnalyzerResource` of an `AnalyzeStackRequest`."""
    direct = _direct(value, _stack_round_trip)
    return direct if direct is not None else _stack_round_trip(value)


# -- the same maps without the protobuf copies, for plain dicts ----------------------------------
#
# What a round trip changes in a plain JSON value is the order each map's keys come back in (and
# ints become floats). That order is the protobuf map's (upb's hash table): a function of the keys
# inserted, in the order inserted, and of the copies made since, never of the values. A Struct built
# by `to_struct` from a dict inserts each map's keys in the dict's order (`Struct.update`), top
# level and nested alike, and each copy rebuilds every map on its own, so the order a round trip
# gives one map depends on that map's keys alone (and on whether it is the top-level Struct or a
# nested one, built after `Clear()`). `_direct` therefore asks protobuf itself, once per distinct key
# sequence, what order a round trip of a probe with those keys (values None) gives, and converts
# the values as `MessageToDict` would. Anything else (a Struct, an asset, a number protobuf or the
# servicer would reject, a string protobuf cannot encode, a subclass of a JSON type) returns None:
# the caller makes the real round trip. tests/lz/policy/test_policy_graph.py holds both to the same
# results, key order included.

_MAX_EXACT: Final = 2**53
_Orders = dict[tuple[Any, bool, tuple[str, ...]], tuple[str, ...]]
_ORDERS: _Orders = {}


class _NotPlain(Exception):
    """A value `_direct` leaves to the real round trip."""


def _order(round_trip: Any, top: bool, keys: tuple[str, ...]) -> tuple[str, ...]:
    """The order a round trip gives a map whose keys were inserted as `keys`."""
    memo = (round_trip, top, keys)
    order = _ORDERS.get(memo)
    if order is None:
        probe: dict[str, Any] = dict.fromkeys(keys)
        # A nested map is probed where it sits in a real one: a Value's struct inside a map.
        order = tuple(round_trip(probe)) if top else tuple(round_trip({"": probe})[""])
        if len(_ORDERS) < 65_536:
            _ORDERS[memo] = order
    return order


def _plain_str(text: str) -> str:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: protobuf refuses, to_struct falls back
            raise _NotPlain from None
    return text


def _plain(value: Any, round_trip: Any) -> Any:
    kind = type(value)
    if kind is str:
        return _plain_str(value)
    if kind is bool or value is None:
        return value
    if kind is float:
        if not math.isfinite(value):
            raise _NotPlain
        return value
    if kind is int:
        if not -_MAX_EXACT <= value <= _MAX_EXACT:
            raise _NotPlain
        return float(value)
    if kind is dict:
        return _plain_map(value, round_trip, False)
    if kind is list or kind is tuple:
        return [_plain(item, round_trip) for item in value]
    raise _NotPlain


def _plain_map(value: dict[Any, Any], round_trip: Any, top: bool) -> dict[str, Any]:
    keys = tuple(value)
    for key in keys:
        if type(key) is not str:
            raise _NotPlain
        _plain_str(key)
    return {key: _plain(value[key], round_trip) for key in _order(round_trip, top, keys)}


def _direct(value: Any, round_trip: Any) -> dict[str, Any] | None:
    """`round_trip(value)` for a plain dict, computed without protobuf; None for anything else."""
    if type(value) is not dict and value:
        return None
    try:
        return _plain_map(value or {}, round_trip, True)
    except _NotPlain:
        return None


def provider_dicts(value: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A provider's properties as `Analyze` and as `AnalyzeStack` read them (`provider` of a request)."""
    from pulumi.runtime import proto

    from lz.policy.analyzer import to_struct

    provider = proto.AnalyzerProviderResource(properties=to_struct(value))
    request = proto.AnalyzeRequest()
    request.provider.CopyFrom(provider)
    item = proto.AnalyzerResource()
    item.provider.CopyFrom(provider)
    stack = proto.AnalyzeStackRequest(resources=[item])
    return _as_dict(request.provider.properties), _as_dict(stack.resources[0].provider.properties)


def stack_property_dependencies(dependencies: Mapping[str, Iterable[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Property dependencies in the order `AnalyzeStack` iterates them."""
    items = tuple((k, tuple(v)) for k, v in dependencies.items())
    if len(items) < 2:
        return items
    from pulumi.runtime import proto

    item = proto.AnalyzerResource(
        propertyDependencies={k: proto.AnalyzerPropertyDependencies(urns=list(v)) for k, v in items}
    )
    copied = proto.AnalyzeStackRequest(resources=[item]).resources[0].propertyDependencies
    return tuple((k, tuple(copied[k].urns)) for k in copied)


@dataclass(frozen=True, slots=True)
class GraphOptions:
    """The resource options the engine sends with a resource (`AnalyzerResourceOptions`)."""

    protect: bool = False
    ignore_changes: tuple[str, ...] = ()
    additional_secret_outputs: tuple[str, ...] = ()
    #: Custom timeouts as Go durations (`"5m"`), converted by the analyzer as the engine does.
    custom_timeouts: tuple[str | None, str | None, str | None] = (None, None, None)
    delete_before_replace: bool | None = None

    @classmethod
    def from_planned(cls, options: Mapping[str, Any]) -> GraphOptions:
        timeouts = options.get("custom_timeouts") or {}
        dbr = options.get("delete_before_replace")
        return cls(
            protect=bool(options.get("protect")),
            ignore_changes=tuple(options.get("ignore_changes") or ()),
            additional_secret_outputs=tuple(options.get("additional_secret_outputs") or ()),
            custom_timeouts=(timeouts.get("create"), timeouts.get("update"), timeouts.get("delete")),
            delete_before_replace=None if dbr is None else bool(dbr),
        )


_NO_OPTIONS: Final = GraphOptions()


@dataclass(frozen=True, slots=True)
class GraphResource:
    """One registered resource, as the analyzer sends it to the pack."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    provider: str | None
    dependencies: tuple[str, ...]
    property_dependencies: tuple[tuple[str, tuple[str, ...]], ...]
    options: GraphOptions
    #: A read (`get`/`read_resource`): never sent to `Analyze`, as in the engine.
    read: bool
    #: `marshal` of the inputs as `Analyze` receives them (see `request_dict`).
    inputs: bytes
    #: `marshal` of the outputs as `AnalyzeStack` receives them; None when they are the inputs.
    outputs: bytes | None = None
    #: For a provider: `marshal` of its inputs as `Analyze` and as `AnalyzeStack` read them when
    #: it is another resource's provider (see `provider_dicts`).
    provider_inputs: bytes | None = None
    provider_stack_inputs: bytes | None = None

    @property
    def is_component(self) -> bool:
        return not self.custom and not self.type.startswith("pulumi:providers:")

    def input_values(self) -> dict[str, Any]:
        """A fresh copy of the inputs (MessageToDict form); ValueError if the servicer could not
        read them."""
        return _unpacked(self.inputs)

    def provider_values(self, *, stack: bool = False) -> dict[str, Any]:
        """A fresh copy of the inputs this provider shows as another resource's provider."""
        return _unpacked(self.packed_provider(stack=stack))

    def output_values(self) -> dict[str, Any]:
        """A fresh copy of the outputs (MessageToDict form)."""
        return _unpacked(self.packed_outputs())

    def packed_provider(self, *, stack: bool = False) -> bytes:
        """What `provider_values` unpacks."""
        packed = self.provider_stack_inputs if stack else self.provider_inputs
        return packed if packed is not None else self.inputs

    def packed_outputs(self) -> bytes:
        """What `output_values` unpacks."""
        return self.outputs if self.outputs is not None else self.inputs

    @classmethod
    def from_planned(cls, resource: PlannedResource, stack_outputs: Mapping[str, Any] | None = None) -> GraphResource:
        """The record of one planned resource. `stack_outputs` are the stack's exports, for the root
        stack resource (its outputs, as the engine sends them)."""
        inputs_source: Any = resource.wire if resource.wire is not None else resource.raw_inputs
        outputs_source: Any = stack_outputs if stack_outputs is not None else resource.raw_outputs
        inputs = _packed(request_dict, inputs_source)
        outputs = _packed(stack_dict, outputs_source or resource.wire or resource.raw_inputs)
        provider_inputs: bytes | None = None
        provider_stack_inputs: bytes | None = None
        if resource.type.startswith("pulumi:providers:"):
            # A provider's inputs are sent as `wire or raw_inputs` (an empty Struct is not used).
            provider_inputs = _packed(lambda v: provider_dicts(v)[0], resource.wire or resource.raw_inputs)
            provider_stack_inputs = _packed(lambda v: provider_dicts(v)[1], resource.wire or resource.raw_inputs)
        options = resource.options
        return cls(
            urn=resource.urn,
            type=resource.type,
            name=resource.name,
            custom=resource.custom,
            parent=resource.parent,
            provider=resource.provider,
            dependencies=tuple(resource.dependencies),
            property_dependencies=stack_property_dependencies(resource.property_dependencies),
            options=GraphOptions.from_planned(options) if options else _NO_OPTIONS,
            read=bool(options.get("read")),
            inputs=inputs,
            outputs=None if outputs == inputs else outputs,
            provider_inputs=None if provider_inputs == inputs else provider_inputs,
            provider_stack_inputs=None if provider_stack_inputs == inputs else provider_stack_inputs,
        )


@dataclass
class PolicyGraph:
    """What the policy gate needs of one planned stack."""

    name: str
    resources: list[GraphResource]
    source: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def stack_resource(self) -> GraphResource | None:
        return next((r for r in self.resources if r.type == STACK_TYPE), None)

    def by_urn(self) -> dict[str, GraphResource]:
        return {r.urn: r for r in self.resources}

    @classmethod
    def from_resources(
        cls, header: Mapping[str, Any], resources: Iterable[PlannedResource]
    ) -> PolicyGraph:
        """A graph from a stack's header (`name`, `source`, `metadata`, `raw_outputs`) and its
        resources, converting each as it arrives: `resources` may be a generator."""
        stack_outputs: Mapping[str, Any] = header.get("raw_outputs") or {}
        records: list[GraphResource] = []
        exported = False
        for resource in resources:
            # The first root stack carries the stack's exports (StackPlan.stack_resource).
            is_stack = resource.type == STACK_TYPE and not exported
            exported = exported or is_stack
            records.append(GraphResource.from_planned(resource, stack_outputs if is_stack else None))
        return cls(
            name=str(header.get("name", "")),
            resources=records,
            source=str(header.get("source", "")),
            metadata=dict(header.get("metadata") or {}),
        )

    @classmethod
    def from_plan(cls, plan: StackPlan) -> PolicyGraph:
        return cls.from_resources(_header(plan), plan.resources)


def _header(plan: StackPlan) -> dict[str, Any]:
    return {"name": plan.name, "kind": plan.kind, "project": plan.project, "source": plan.source,
            "metadata": plan.metadata, "raw_outputs": plan.raw_outputs}


def dump_plan(plan: StackPlan, file: IO[bytes]) -> None:
    """Write a plan as a stream that `load_graph` reads one resource at a time: a header, then
    each resource as a pickle of its own (so a reader's memo never holds the earlier ones)."""
    protocol = pickle.HIGHEST_PROTOCOL
    pickle.dump(STREAM_MAGIC, file, protocol=protocol)
    pickle.dump(_header(plan), file, protocol=protocol)
    pickle.dump(len(plan.resources), file, protocol=protocol)
    for resource in plan.resources:
        pickle.dump(resource, file, protocol=protocol)


def _stream(file: IO[bytes], count: int) -> Iterator[PlannedResource]:
    for _ in range(count):
        resource = pickle.load(file)
        if not isinstance(resource, PlannedResource):
            raise ValueError(f"plan stream holds a {type(resource).__name__}, not a PlannedResource")
        yield resource


def load_graph(file: IO[bytes]) -> PolicyGraph:
    """Read a plan written by `dump_plan`, converting each resource as it is read.

    Only trusted files: like any pickle, the stream can run code when loaded."""
    if pickle.load(file) != STREAM_MAGIC:
        raise ValueError("not a plan stream written by lz.policy.graph.dump_plan")
    header = pickle.load(file)
    count = pickle.load(file)
    return PolicyGraph.from_resources(header, _stream(file, int(count)))

"""The gate's light graph (lz.policy.graph) holds each property map exactly as the SDK servicer reads
it from the request the reference path builds: `json_format.MessageToDict` of the same Struct."""

from __future__ import annotations

import math
from typing import Any

import pytest
from google.protobuf import json_format
from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi.runtime import proto

from lz.policy.analyzer import to_struct
from lz.policy.graph import _as_dict, provider_dicts, request_dict, stack_dict, stack_property_dependencies

leaves = st.one_of(st.none(), st.booleans(), st.integers(-10**9, 10**9),
                   st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=10))
values = st.recursive(
    leaves,
    lambda children: st.one_of(st.lists(children, max_size=5),
                               st.dictionaries(st.text(max_size=8), children, max_size=6)),
    max_leaves=25,
)
maps = st.dictionaries(st.text(max_size=8), values, max_size=8)


def same(a: Any, b: Any) -> bool:
    """Equal, with the same types and the same key order all the way down."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@settings(max_examples=200, deadline=None)
@given(value=maps)
def test_each_map_is_what_message_to_dict_gives_through_the_reference_requests(value: dict[str, Any]) -> None:
    request = proto.AnalyzeRequest(properties=to_struct(value))
    assert same(request_dict(value), json_format.MessageToDict(request.properties))
    stack = proto.AnalyzeStackRequest(resources=[proto.AnalyzerResource(properties=to_struct(value))])
    assert same(stack_dict(value), json_format.MessageToDict(stack.resources[0].properties))
    provider = proto.AnalyzerProviderResource(properties=to_struct(value))
    analyze = proto.AnalyzeRequest()
    analyze.provider.CopyFrom(provider)
    item = proto.AnalyzerResource()
    item.provider.CopyFrom(provider)
    in_stack = proto.AnalyzeStackRequest(resources=[item])
    as_request, as_stack = provider_dicts(value)
    assert same(as_request, json_format.MessageToDict(analyze.provider.properties))
    assert same(as_stack, json_format.MessageToDict(in_stack.resources[0].provider.properties))


@pytest.mark.parametrize("number", [math.inf, -math.inf, math.nan])
def test_numbers_the_servicer_cannot_read_raise_its_error(number: float) -> None:
    struct = to_struct({"n": number})
    with pytest.raises(ValueError) as theirs:
        json_format.MessageToDict(struct)
    with pytest.raises(ValueError) as ours:
        _as_dict(struct)
    assert str(ours.value) == str(theirs.value)


@settings(max_examples=100, deadline=None)
@given(dependencies=st.dictionaries(st.text(max_size=8), st.lists(st.text(max_size=5), max_size=3), max_size=8))
def test_property_dependencies_keep_the_order_analyze_stack_iterates(dependencies: dict[str, list[str]]) -> None:
    item = proto.AnalyzerResource(propertyDependencies={
        k: proto.AnalyzerPropertyDependencies(urns=v) for k, v in dependencies.items()
    })
    sent = proto.AnalyzeStackRequest(resources=[item]).resources[0].propertyDependencies
    assert stack_property_dependencies(dependencies) == tuple((k, tuple(sent[k].urns)) for k in sent)


# -- request_dict/stack_dict without protobuf (lz.policy.graph._direct) ----------------------------
# The fast path must give exactly what the round trip gives: same keys in the same order at every
# level, same values and types; and anything it cannot prove plain goes to the round trip itself.

odd_text = st.text(alphabet=st.characters(blacklist_categories=()), max_size=6)  # surrogates included
odd_leaves = st.one_of(
    leaves, odd_text, st.floats(), st.integers(-(2**60), 2**60), st.just(2**53), st.just(-(2**53) - 1),
)
odd_values = st.recursive(
    odd_leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.lists(children, max_size=3).map(tuple),
        st.dictionaries(st.one_of(st.text(max_size=8), odd_text), children, max_size=6),
    ),
    max_leaves=20,
)
# Many keys, so the maps grow past several hash-table sizes (where upb's order moves most).
wide_keys = st.one_of(st.text(max_size=12), st.from_regex(r"[a-z]{1,3}[A-Z][a-zA-Z0-9]{0,8}", fullmatch=True))
wide_maps = st.dictionaries(wide_keys, values, min_size=10, max_size=80)


def _round_trips(value: Any) -> tuple[Any, Any]:
    def outcome(make: Any) -> Any:
        try:
            return ("ok", json_format.MessageToDict(make()))
        except (ValueError, TypeError) as exc:
            return ("error", type(exc), str(exc))

    request = outcome(lambda: proto.AnalyzeRequest(properties=to_struct(value)).properties)
    stack = outcome(lambda: proto.AnalyzeStackRequest(
        resources=[proto.AnalyzerResource(properties=to_struct(value))]).resources[0].properties)
    return request, stack


def _ours(convert: Any, value: Any) -> Any:
    try:
        return ("ok", convert(value))
    except (ValueError, TypeError) as exc:
        return ("error", type(exc), str(exc))


def _same_outcome(a: Any, b: Any) -> bool:
    return a[0] == b[0] and (same(a[1], b[1]) if a[0] == "ok" else a == b)


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(wide_maps, st.dictionaries(odd_text, odd_values, max_size=10), maps))
def test_direct_conversion_is_the_round_trip(value: dict[str, Any]) -> None:
    request, stack = _round_trips(value)
    assert _same_outcome(_ours(request_dict, value), request)
    assert _same_outcome(_ours(stack_dict, value), stack)


@settings(max_examples=200, deadline=None)
@given(value=st.one_of(wide_maps, maps))
def test_direct_conversion_is_taken_for_plain_maps(value: dict[str, Any]) -> None:
    """Plain JSON maps (the planner's outputs) never need the round trip, and give its result."""
    from lz.policy.graph import _direct, _request_round_trip, _stack_round_trip

    for round_trip in (_request_round_trip, _stack_round_trip):
        direct = _direct(value, round_trip)
        assert direct is not None
        assert same(direct, round_trip(value))


def test_direct_conversion_leaves_what_is_not_plain_to_the_round_trip() -> None:
    from lz.policy.graph import _direct, _request_round_trip

    class Text(str):
        pass

    for value in ({"a": math.inf}, {"a": [math.nan]}, {"a": 2**53 + 1}, {"a": "\ud800"}, {"\udfff": 1},
                  {"a": Text("x")}, {1: "x"}, {"a": {"b": object()}}, to_struct({"a": 1})):
        assert _direct(value, _request_round_trip) is None
    assert _direct(None, _request_round_trip) == {}
    assert _direct({}, _request_round_trip) == {}


# -- analyzer: deserialize_properties skipped when no signature key is packed ----------------------

SIG = "4dabf18193072939515e22adb298388d"
signed_maps = st.one_of(
    st.builds(lambda v: {SIG: "1b47061264138c4ac30d75fd1eb44270", "value": v}, values),  # a secret
    st.builds(lambda t: {SIG: "c44067f5952c0a294b673a41bacd8c17", "text": t}, st.text(max_size=5)),  # an asset
    st.just({"note": SIG}),  # the key's text as a value: no signature, but found in the bytes
)
signed_values = st.recursive(
    st.one_of(leaves, signed_maps),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=8), children, max_size=5)),
    max_leaves=15,
)


def _same_deserialized(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same_deserialized(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same_deserialized(x, y) for x, y in zip(a, b, strict=True))
    if hasattr(a, "text") and not isinstance(a, str):  # an asset
        return bool(a.text == b.text)
    return bool(a == b)


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(maps, st.dictionaries(st.text(max_size=8), signed_values, max_size=6)))
def test_props_skip_deserialisation_only_when_it_would_copy_them(value: dict[str, Any]) -> None:
    import marshal

    from pulumi_policy.deserialize import deserialize_properties

    from lz.policy.analyzer import _deserialized, _signed

    packed = marshal.dumps(value)
    assert _same_deserialized(_deserialized(marshal.loads(packed), packed),
                              deserialize_properties(marshal.loads(packed)))
    if SIG not in repr(value):
        assert not _signed(packed)

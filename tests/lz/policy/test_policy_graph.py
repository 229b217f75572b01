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

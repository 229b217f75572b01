"""The tag contract: merge rules, value checks, and the stack transform as a pure function."""

from __future__ import annotations

import string
import unicodedata
from typing import Any

import pulumi
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pulumi.output import Unknown
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret, wrap_rpc_secret

from lz.tags import (
    ALLOWED_VALUES,
    MANAGED_BY,
    MANDATORY_TAG_KEYS,
    InvalidTags,
    TagContext,
    _bad_chars,
    _check_tag_value,
    apply_mandatory_tags,
    check_tag_value,
    check_tags,
    is_taggable,
    merge_tags,
    register_tag_transform,
    tag_transform,
    taggable_types,
)

BUCKET = "aws:s3/bucket:Bucket"
STORAGE = "azure-native:storage:StorageAccount"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"


def context(**overrides: str) -> TagContext:
    values = {
        "service": "housing-repairs",
        "cost_centre": "CC1234",
        "owner": "repairs-team@example.gov.uk",
        "environment": "prod",
        "business_unit": "housing",
        "data_classification": "OFFICIAL",
    }
    values.update(overrides)
    return TagContext(**values)


MANDATORY = context().as_tags()


# --- the contract ------------------------------------------------------------------------------


def test_mandatory_keys_are_exactly_the_contract() -> None:
    assert MANDATORY_TAG_KEYS == (
        "service",
        "cost-centre",
        "owner",
        "environment",
        "business-unit",
        "data-classification",
        "managed-by",
    )
    assert MANAGED_BY == "pulumi"
    assert ALLOWED_VALUES == {
        "data-classification": ("OFFICIAL", "OFFICIAL-SENSITIVE"),
        "managed-by": ("pulumi",),
    }


def test_tag_context_as_tags() -> None:
    assert context().as_tags() == {
        "service": "housing-repairs",
        "cost-centre": "CC1234",
        "owner": "repairs-team@example.gov.uk",
        "environment": "prod",
        "business-unit": "housing",
        "data-classification": "OFFICIAL",
        "managed-by": "pulumi",
    }
    assert tuple(context().as_tags()) == MANDATORY_TAG_KEYS


def test_tag_context_reports_every_problem() -> None:
    with pytest.raises(InvalidTags) as caught:
        context(environment="Prod", data_classification="SECRET", owner="")
    assert caught.value.problems == [
        "Tag 'owner' is empty",
        "Tag 'environment' has value 'Prod'; it must be a lowercase slug "
        "(letters, digits and single hyphens, e.g. 'prod')",
        "Tag 'data-classification' has value 'SECRET'; allowed: OFFICIAL, OFFICIAL-SENSITIVE",
    ]


def test_tag_context_is_frozen_and_keyword_only() -> None:
    ctx = context()
    with pytest.raises(AttributeError):
        ctx.owner = "someone-else"  # type: ignore[misc]
    with pytest.raises(TypeError):
        TagContext("a", "b", "c", "prod", "e", "OFFICIAL")  # type: ignore[call-arg]


# --- value rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("service", "housing-repairs", None),
        ("owner", "Siân Jones <not allowed>", "Tag 'owner' has a value containing '<' '>'; "
         "values may use letters, digits, spaces and _ . : / = + - @"),
        ("owner", "Siân Jones", None),  # letters are Unicode letters on AWS
        ("owner", "team@example.gov.uk", None),
        ("url", "https://example.gov.uk/a=b+c", None),  # '/' is fine in values
        ("cost-centre", "", "Tag 'cost-centre' is empty"),
        ("team-note", "", None),  # empty values are allowed for non-mandatory keys
        ("", "x", "Tag key is empty"),
        ("a/b", "x", "Tag key 'a/b' contains '/'; keys may use letters, digits, spaces and _ . : = + - @ "
         "('/' is allowed by AWS but not by Azure)"),
        ("a%b", "x", "Tag key 'a%b' contains '%'; keys may use letters, digits, spaces and _ . : = + - @ "
         "('/' is allowed by AWS but not by Azure)"),
        ("AWS:cloudformation", "x", "Tag key 'AWS:cloudformation' starts with the reserved prefix 'aws:'"),
        ("k" * 128, "x", None),
        ("k" * 129, "x", f"Tag key '{'k' * 40}...' is 129 characters long; the limit is 128"),
        ("note", "v" * 256, None),
        ("note", "v" * 257, "Tag 'note' has a value of 257 characters; the limit is 256"),
        ("note", "aws:x", "Tag 'note' has a value starting with the reserved prefix 'aws:'"),
        ("data-classification", "OFFICIAL-SENSITIVE", None),
        ("data-classification", "SECRET",
         "Tag 'data-classification' has value 'SECRET'; allowed: OFFICIAL, OFFICIAL-SENSITIVE"),
        ("data-classification", "official",
         "Tag 'data-classification' has value 'official'; allowed: OFFICIAL, OFFICIAL-SENSITIVE"),
        ("managed-by", "terraform", "Tag 'managed-by' has value 'terraform'; allowed: pulumi"),
        ("environment", "pre-prod", None),
        ("environment", "pre--prod", "Tag 'environment' has value 'pre--prod'; it must be a lowercase slug "
         "(letters, digits and single hyphens, e.g. 'prod')"),
        ("environment", "Prod", "Tag 'environment' has value 'Prod'; it must be a lowercase slug "
         "(letters, digits and single hyphens, e.g. 'prod')"),
    ],
)
def test_check_tag_value(key: str, value: str, problem: str | None) -> None:
    assert check_tag_value(key, value) == problem


def _reference_bad_chars(text: str, *, in_key: bool) -> str:
    """`_bad_chars` as it was: every character through `unicodedata`."""
    bad = sorted({ch for ch in text if not ((not in_key or ch != "/") and (ch in "_.:/=+-@" or
                                                                             unicodedata.category(ch)[0] in "LNZ"))})
    return " ".join(repr(ch) for ch in bad)


# mostly the ASCII of real tags (so the fast path is taken), with any other character now and then
TAG_TEXT = st.text(
    st.one_of(st.sampled_from(string.printable), st.characters(), st.sampled_from("\u00a0\u2028\u00e2\u0663\u212a")),
    max_size=12,
)


@given(TAG_TEXT, st.booleans())
def test_bad_chars_is_the_character_by_character_check(text: str, in_key: bool) -> None:
    assert _bad_chars(text, in_key=in_key) == _reference_bad_chars(text, in_key=in_key)


@given(st.one_of(st.sampled_from(MANDATORY_TAG_KEYS), TAG_TEXT), st.one_of(TAG_TEXT, st.sampled_from(
    ["OFFICIAL", "OFFICIAL-SENSITIVE", "pulumi", "prod", "Prod", "aws:x", "v" * 257, ""])))
def test_remembered_answers_are_the_computed_ones(key: str, value: str) -> None:
    expected = _check_tag_value(key, value)
    assert check_tag_value(key, value) == expected
    assert check_tag_value(key, value) == expected  # the second time from the cache


def test_is_taggable_is_the_per_package_lookup() -> None:
    by_package = taggable_types()
    tokens = {token for tokens in by_package.values() for token in tokens}
    probes = tokens | {t.upper() for t in tokens} | {f"{t}x" for t in list(tokens)[:500]} | {"", ":", "aws", "x:y:z"}
    for token in probes:
        expected = token in by_package.get(token.split(":", 1)[0], frozenset())
        assert is_taggable(token) is expected, token


def test_check_tags_missing_case_duplicates_and_count() -> None:
    tags = {"service": "s", "owner": "o", "Owner": "p", **{f"extra{i}": "x" for i in range(48)}}
    assert check_tags(tags) == [
        "Missing mandatory tags: cost-centre, environment, business-unit, data-classification, managed-by",
        "51 tags given; the limit is 50 per resource",
        "Tag keys 'owner' and 'Owner' differ only in case; Azure treats them as one key",
    ]
    assert check_tags(MANDATORY) == []


# --- level 1: merge ----------------------------------------------------------------------------


def test_merge_mandatory_wins_and_result_is_sorted() -> None:
    merged = merge_tags(MANDATORY, {"owner": "someone-else", "project": "p1"}, None, {"project": "p2"})
    assert merged["owner"] == MANDATORY["owner"]
    assert merged["project"] == "p2"  # later extras win over earlier ones
    assert list(merged) == sorted(merged)
    assert set(MANDATORY) <= set(merged)


def test_merge_cannot_shadow_a_mandatory_key_by_case() -> None:
    merged = merge_tags(MANDATORY, {"Owner": "someone-else", "ENVIRONMENT": "dev"})
    assert "Owner" not in merged and "ENVIRONMENT" not in merged
    assert merged["owner"] == MANDATORY["owner"] and merged["environment"] == "prod"


def test_merge_without_extras_is_the_mandatory_tags() -> None:
    assert merge_tags(MANDATORY) == dict(sorted(MANDATORY.items()))


_keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-ABC", min_size=1, max_size=20)
_tag_maps = st.dictionaries(_keys, st.text(max_size=10), max_size=10)


@given(extras=st.lists(st.one_of(st.none(), _tag_maps), max_size=4))
def test_merge_properties(extras: list[dict[str, str] | None]) -> None:
    merged = merge_tags(MANDATORY, *extras)
    for key, value in MANDATORY.items():
        assert merged[key] == value
    assert list(merged) == sorted(merged)
    assert len({key.casefold() for key in merged}) == len(merged)
    assert merge_tags(MANDATORY, merged) == merged  # idempotent
    assert merge_tags(MANDATORY, *extras) == merged  # deterministic


# --- level 2: backstop transform as a pure function ---------------------------------------------


def test_is_taggable_uses_the_generated_list() -> None:
    assert is_taggable(BUCKET) and is_taggable(STORAGE)
    assert not is_taggable(BUCKET_POLICY)


@pytest.mark.parametrize("props", [{}, {"tags": None}], ids=["absent", "none"])
def test_apply_adds_all_tags_when_there_are_none(props: dict[str, Any]) -> None:
    assert apply_mandatory_tags(BUCKET, {"bucket": "b", **props}, MANDATORY) == {
        "bucket": "b",
        "tags": dict(sorted(MANDATORY.items())),
    }


def test_apply_adds_only_missing_tags_and_keeps_existing_values() -> None:
    props = {"bucket": "b", "tags": {"owner": "someone-else", "project": "p"}}
    new = apply_mandatory_tags(BUCKET, props, MANDATORY)
    assert new is not None
    assert new["tags"]["owner"] == "someone-else"  # existing keys are never changed
    assert new["tags"]["project"] == "p"
    assert set(MANDATORY) <= set(new["tags"])
    assert new["bucket"] == "b"
    assert props == {"bucket": "b", "tags": {"owner": "someone-else", "project": "p"}}  # not mutated


def test_apply_returns_none_when_nothing_is_missing() -> None:
    assert apply_mandatory_tags(BUCKET, {"tags": {**MANDATORY, "x": "y"}}, MANDATORY) is None


def test_apply_returns_none_for_types_without_tags() -> None:
    assert apply_mandatory_tags(BUCKET_POLICY, {"policy": "{}"}, MANDATORY) is None
    assert apply_mandatory_tags("lz:aws:Network", {}, MANDATORY) is None


def test_apply_leaves_a_wholly_unknown_map_alone() -> None:
    unknown = Unknown()  # type: ignore[no-untyped-call]
    assert apply_mandatory_tags(BUCKET, {"tags": unknown}, MANDATORY) is None


def test_apply_keeps_unknown_values_of_known_keys() -> None:
    unknown = Unknown()  # type: ignore[no-untyped-call]
    new = apply_mandatory_tags(BUCKET, {"tags": {"owner": unknown}}, MANDATORY)
    assert new is not None and new["tags"]["owner"] is unknown
    assert new["tags"]["service"] == MANDATORY["service"]


def test_apply_keeps_a_secret_map_secret() -> None:
    new = apply_mandatory_tags(BUCKET, {"tags": wrap_rpc_secret({"owner": "o"})}, MANDATORY)
    assert new is not None and is_rpc_secret(new["tags"])
    inner = unwrap_rpc_secret(new["tags"])
    assert inner["owner"] == "o" and inner["service"] == MANDATORY["service"]


def test_apply_on_azure_matches_keys_case_insensitively() -> None:
    new = apply_mandatory_tags(STORAGE, {"tags": {"Owner": "o"}}, MANDATORY)
    assert new is not None
    assert "owner" not in new["tags"] and new["tags"]["Owner"] == "o"
    # AWS keys are case-sensitive, so there `owner` is added next to `Owner`.
    aws = apply_mandatory_tags(BUCKET, {"tags": {"Owner": "o"}}, MANDATORY)
    assert aws is not None and aws["tags"]["owner"] == MANDATORY["owner"]


@given(existing=_tag_maps)
def test_apply_properties(existing: dict[str, str]) -> None:
    props = {"bucket": "b", "tags": dict(existing)}
    new = apply_mandatory_tags(BUCKET, props, MANDATORY)
    if new is None:
        assert set(MANDATORY) <= set(existing)
        return
    for key, value in existing.items():
        assert new["tags"][key] == value
    assert set(MANDATORY) <= set(new["tags"])
    assert new["bucket"] == "b"
    assert apply_mandatory_tags(BUCKET, new, MANDATORY) is None  # a second pass has nothing to do


def _args(type_: str, props: dict[str, Any], *, custom: bool = True) -> pulumi.ResourceTransformArgs:
    return pulumi.ResourceTransformArgs(
        custom=custom, type_=type_, name="r", props=props, opts=pulumi.ResourceOptions()
    )


def test_transform_adds_missing_tags() -> None:
    transform = tag_transform(MANDATORY)
    args = _args(STORAGE, {"accountName": "st1", "tags": {"project": "p"}})
    result = transform(args)
    assert isinstance(result, pulumi.ResourceTransformResult)
    assert result.props["tags"] == dict(sorted({**MANDATORY, "project": "p"}.items()))
    assert result.props["accountName"] == "st1"
    assert result.opts is args.opts


def test_transform_skips_components_untaggable_and_complete_resources() -> None:
    transform = tag_transform(MANDATORY)
    assert transform(_args("lz:azure:Storage", {}, custom=False)) is None
    assert transform(_args(BUCKET, {}, custom=False)) is None
    assert transform(_args(BUCKET_POLICY, {"policy": "{}"})) is None
    assert transform(_args(BUCKET, {"tags": dict(MANDATORY)})) is None


def test_transform_rejects_a_broken_contract_up_front() -> None:
    with pytest.raises(InvalidTags) as caught:
        tag_transform({**MANDATORY, "data-classification": "SECRET"})
    assert caught.value.problems == [
        "Tag 'data-classification' has value 'SECRET'; allowed: OFFICIAL, OFFICIAL-SENSITIVE"
    ]
    with pytest.raises(InvalidTags, match="Missing mandatory tags: owner"):
        tag_transform({k: v for k, v in MANDATORY.items() if k != "owner"})


def test_register_installs_the_transform(monkeypatch: pytest.MonkeyPatch) -> None:
    registered: list[Any] = []
    monkeypatch.setattr(pulumi.runtime, "register_resource_transform", registered.append)
    transform = register_tag_transform(MANDATORY)
    assert registered == [transform]
    result = transform(_args(BUCKET, {}))
    assert result is not None and result.props["tags"] == dict(sorted(MANDATORY.items()))

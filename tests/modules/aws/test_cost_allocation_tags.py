"""`CostAllocationTags` under the offline planner: one active tag per key, and validation."""

from __future__ import annotations

import pytest

from lz.plan import StackPlan
from lz.tags import MANDATORY_TAG_KEYS, is_taggable
from modules.aws.cost_allocation_tags import (
    TYPE_TOKEN,
    CostAllocationTags,
    CostAllocationTagsArgs,
    validate_cost_allocation_tags_args,
)
from tests.modules.aws.component_helpers import plan_component

TAG = "aws:costexplorer/costAllocationTag:CostAllocationTag"


def plan_tags(args: CostAllocationTagsArgs | None) -> StackPlan:
    return plan_component(lambda: CostAllocationTags("cat", args), "tag_keys")


@pytest.fixture(scope="module")
def default_plan() -> StackPlan:
    return plan_tags(None)


def test_every_mandatory_key_is_activated(default_plan: StackPlan) -> None:
    component = default_plan.one(TYPE_TOKEN, "cat")
    tags = default_plan.find(TAG)
    assert {(t.name, t.inputs["tagKey"], t.inputs["status"]) for t in tags} == {
        (f"cat-{key}", key, "Active") for key in MANDATORY_TAG_KEYS
    }
    assert all(t.parent == component.urn for t in tags)
    assert default_plan.outputs["tag_keys"] == list(MANDATORY_TAG_KEYS)


def test_cost_allocation_tags_take_no_tags() -> None:
    assert not is_taggable(TAG)


def test_given_keys_only() -> None:
    plan = plan_tags(CostAllocationTagsArgs(tag_keys=["cost-centre"]))
    assert [t.inputs["tagKey"] for t in plan.find(TAG)] == ["cost-centre"]


@pytest.mark.parametrize(
    ("keys", "problems"),
    [
        (["service"], []),
        ([], ["tag_keys must name at least one tag key"]),
        (["aws:createdBy"],
         ["tag_keys: 'aws:createdBy' is an AWS-generated tag; only user-defined keys are activated here"]),
        ([""], ["tag_keys: '' must be 1-128 characters"]),
        (["k" * 129], [f"tag_keys: {'k' * 129!r} must be 1-128 characters"]),
        (["owner", "owner"], ["tag_keys: ['owner'] appear more than once"]),
    ],
)
def test_validation(keys: list[str], problems: list[str]) -> None:
    assert validate_cost_allocation_tags_args(CostAllocationTagsArgs(tag_keys=keys)) == problems


def test_invalid_args_raise_before_anything_is_created() -> None:
    with pytest.raises(Exception, match="tag_keys must name at least one tag key"):
        plan_tags(CostAllocationTagsArgs(tag_keys=[]))

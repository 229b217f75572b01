"""Scaffolding the AWS module tests share: the planner config, the platform tag set, planning one
component with some of its outputs exported, and the checks every component's children must pass."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pulumi

from lz.plan import PlannedResource, StackPlan, plan_callable
from lz.tags import is_taggable

CONFIG = {"aws:region": "eu-west-2"}
#: The full mandatory tag set of a shared platform resource.
PLATFORM_TAGS = {
    "service": "platform",
    "cost-centre": "CC-0100",
    "owner": "cloud-platform@example.gov.uk",
    "environment": "shared",
    "business-unit": "ict",
    "data-classification": "OFFICIAL",
    "managed-by": "pulumi",
}


def plan_component(build: Callable[[], Any], *outputs: str, **renamed: str) -> StackPlan:
    """Plan `build()` as stack `lz/test` in eu-west-2, exporting each attribute in `outputs` under its
    own name and each `export=attribute` in `renamed` under the export's name."""

    def program() -> None:
        component = build()
        for attribute in outputs:
            pulumi.export(attribute, getattr(component, attribute))
        for export, attribute in renamed.items():
            pulumi.export(export, getattr(component, attribute))

    return plan_callable(program, project="lz", stack="test", config=CONFIG)


def assert_exact_children(
    plan: StackPlan, type_token: str, name: str, children: set[tuple[str, str]]
) -> PlannedResource:
    """The plan manages exactly the component `name` and `children` ((type, name) pairs), and every
    child is parented to the component. Returns the component."""
    component = plan.one(type_token, name)
    assert {(r.type, r.name) for r in plan.managed()} == {(type_token, name), *children}
    assert all(r.parent == component.urn for r in plan.managed() if r is not component)
    return component


def assert_children_tagged(plan: StackPlan, type_token: str, tags: Mapping[str, str]) -> list[PlannedResource]:
    """Every managed resource but the component `type_token` is its child, and every taggable one
    carries exactly `tags`. Returns the taggable children."""
    component = plan.one(type_token)
    tagged = []
    for resource in plan.managed():
        if resource is component:
            continue
        assert resource.parent == component.urn, resource.name
        if is_taggable(resource.type):
            assert resource.inputs["tags"] == tags, resource.name
            tagged.append(resource)
    return tagged


def children_of(plan: StackPlan, type_token: str, name: str) -> list[PlannedResource]:
    """The resources (providers included) parented to the component `name`."""
    component = plan.one(type_token, name)
    return [r for r in plan.resources if r.parent == component.urn]


def plan_capturing_errors(build: Callable[[], object]) -> tuple[StackPlan, list[str]]:
    """Plan `build()` like `plan_component`, catching the `ValueError` it raises: the plan and the
    error messages (to check that invalid args register nothing)."""
    errors: list[str] = []

    def program() -> None:
        try:
            build()
        except ValueError as exc:
            errors.append(str(exc))

    return plan_callable(program, project="lz", stack="test", config=CONFIG), errors

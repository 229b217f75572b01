"""modules/azure/resource_group.py: ResourceGroup under the offline planner, role assignment names, validation."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest

from lz.plan import PlannedResource, StackPlan, plan_callable
from modules.azure.resource_group import (
    LOCK_NAME,
    OWNER_ROLE_ID,
    ResourceGroup,
    ResourceGroupArgs,
    RoleAssignmentSpec,
    role_assignment_name,
    role_definition_guid,
    role_definition_resource_id,
    validate_resource_group_args,
)

TOKEN = "lz:azure:ResourceGroup"
RG = "azure-native:resources:ResourceGroup"
LOCK = "azure-native:authorization:ManagementLockAtResourceGroupLevel"
RA = "azure-native:authorization:RoleAssignment"
SUB = "00000000-0000-4000-8000-000000000000"  # the planner's default subscription
TAGS = {
    "service": "planning",
    "cost-centre": "CC123",
    "owner": "digital@council.gov.uk",
    "environment": "dev",
    "business-unit": "place",
    "data-classification": "OFFICIAL",
    "managed-by": "pulumi",
}
TAGGABLE = set(
    json.loads((Path(__file__).parents[3] / "lz" / "data" / "taggable_types.json").read_text())["azure-native"]
)
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
GROUP = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
PIPELINE = "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d"
CONFIG = {"azure-native:location": "uksouth"}


def make_args(**overrides: Any) -> ResourceGroupArgs:
    base = ResourceGroupArgs(resource_group_name="lz-dev-uks-rg-planning", location="uksouth", tags=TAGS)
    return dataclasses.replace(base, **overrides)


GRANTS = {
    "readers": RoleAssignmentSpec(principal_id=GROUP, role_definition_id=READER),
    "deployer": RoleAssignmentSpec(
        principal_id=PIPELINE,
        role_definition_id=f"/providers/Microsoft.Authorization/roleDefinitions/{CONTRIBUTOR}",
        principal_type="ServicePrincipal",
    ),
}


def plan_rg(args: ResourceGroupArgs) -> StackPlan:
    def program() -> None:
        rg = ResourceGroup("planning", args)
        pulumi.export("name", rg.name)
        pulumi.export("id", rg.id)
        pulumi.export("location", rg.location)

    return plan_callable(program, project="lz", stack="test", config=CONFIG)


def children(plan: StackPlan) -> list[PlannedResource]:
    component = plan.one(TOKEN, "planning")
    return [r for r in plan.resources if r.parent == component.urn]


def kinds(plan: StackPlan) -> list[tuple[str, str]]:
    return sorted((r.type, r.name) for r in children(plan))


# -- structure --------------------------------------------------------------------------------------


def test_default_creates_only_the_group() -> None:
    plan = plan_rg(make_args())
    assert kinds(plan) == [(RG, "planning-rg")]
    assert {r.type for r in plan.managed()} == {TOKEN, RG}
    group = plan.one(RG, "planning-rg")
    assert group.inputs == {"resourceGroupName": "lz-dev-uks-rg-planning", "location": "uksouth", "tags": TAGS}


def test_full_config_creates_exactly_these_children() -> None:
    plan = plan_rg(make_args(lock=True, role_assignments=GRANTS))
    assert kinds(plan) == sorted(
        [(RG, "planning-rg"), (LOCK, "planning-lock"), (RA, "planning-ra-readers"), (RA, "planning-ra-deployer")]
    )


def test_outputs() -> None:
    plan = plan_rg(make_args())
    assert plan.outputs == {
        "name": "lz-dev-uks-rg-planning",
        "id": f"/subscriptions/{SUB}/resourceGroups/lz-dev-uks-rg-planning",
        "location": "uksouth",
    }


def test_ukwest_is_allowed() -> None:
    plan = plan_rg(make_args(location="ukwest"))
    assert plan.one(RG, "planning-rg").inputs["location"] == "ukwest"


def test_tags_on_every_taggable_child() -> None:
    plan = plan_rg(make_args(lock=True, role_assignments=GRANTS))
    taggable = [r for r in children(plan) if r.type in TAGGABLE]
    assert [r.type for r in taggable] == [RG]
    for resource in taggable:
        assert resource.inputs["tags"] == TAGS


# -- lock -------------------------------------------------------------------------------------------


def test_lock_only_when_asked() -> None:
    assert plan_rg(make_args()).find(LOCK) == []
    plan = plan_rg(make_args(lock=True))
    lock = plan.one(LOCK, "planning-lock")
    assert lock.inputs["level"] == "CanNotDelete"
    assert lock.inputs["resourceGroupName"] == "lz-dev-uks-rg-planning"
    assert lock.inputs["lockName"] == LOCK_NAME
    assert "lock=False" in lock.inputs["notes"]
    assert plan.one(RG, "planning-rg").urn in lock.dependencies


def test_lock_is_removed_before_the_grants_on_destroy() -> None:
    plan = plan_rg(make_args(lock=True, role_assignments=GRANTS))
    lock = plan.one(LOCK, "planning-lock")
    for grant in plan.find(RA):
        assert grant.urn in lock.dependencies


# -- role assignments -------------------------------------------------------------------------------


def test_role_assignments_at_group_scope_with_deterministic_names() -> None:
    plan = plan_rg(make_args(role_assignments=GRANTS))
    scope = f"/subscriptions/{SUB}/resourceGroups/lz-dev-uks-rg-planning"
    readers = plan.one(RA, "planning-ra-readers")
    assert readers.inputs == {
        "scope": scope,
        "principalId": GROUP,
        "principalType": "Group",
        "roleDefinitionId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{READER}",
        "roleAssignmentName": role_assignment_name(scope, GROUP, READER),
    }
    deployer = plan.one(RA, "planning-ra-deployer")
    assert deployer.inputs["principalType"] == "ServicePrincipal"
    assert deployer.inputs["roleDefinitionId"] == (
        f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{CONTRIBUTOR}"
    )
    assert deployer.inputs["roleAssignmentName"] == role_assignment_name(scope, PIPELINE, CONTRIBUTOR)


def test_role_assignment_names_are_stable_across_runs() -> None:
    first = plan_rg(make_args(role_assignments=GRANTS))
    second = plan_rg(make_args(role_assignments=dict(reversed(list(GRANTS.items())))))
    for name in ("planning-ra-readers", "planning-ra-deployer"):
        assert first.one(RA, name).inputs["roleAssignmentName"] == second.one(RA, name).inputs["roleAssignmentName"]


def test_role_assignment_name_is_a_uuid5_of_scope_principal_and_role() -> None:
    scope = f"/subscriptions/{SUB}/resourceGroups/rg"
    name = role_assignment_name(scope, GROUP, READER)
    assert uuid.UUID(name).version == 5
    assert name == role_assignment_name(scope, GROUP, READER)
    # ARM ids and GUIDs are case-insensitive, and the role may be given in any accepted form.
    assert name == role_assignment_name(scope.upper(), GROUP.upper(), READER.upper())
    assert name == role_assignment_name(scope, GROUP, f"/providers/Microsoft.Authorization/roleDefinitions/{READER}")
    assert name == role_assignment_name(
        scope, GROUP, f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{READER}"
    )
    # Any change of scope, principal or role is a different assignment.
    assert (
        len(
            {
                name,
                role_assignment_name(scope + "2", GROUP, READER),
                role_assignment_name(scope, PIPELINE, READER),
                role_assignment_name(scope, GROUP, CONTRIBUTOR),
            }
        )
        == 4
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (READER, READER),
        (READER.upper(), READER),
        (f"/providers/Microsoft.Authorization/roleDefinitions/{READER}", READER),
        (f"/subscriptions/{SUB}/providers/microsoft.authorization/roledefinitions/{READER}", READER),
        ("Reader", None),
        (f"/providers/Microsoft.Authorization/roleAssignments/{READER}", None),
    ],
)
def test_role_definition_guid(given: str, expected: str | None) -> None:
    assert role_definition_guid(given) == expected


def test_role_definition_resource_id_uses_the_scope_subscription() -> None:
    assert role_definition_resource_id(f"/subscriptions/{SUB}/resourceGroups/rg", READER) == (
        f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{READER}"
    )
    # A management group scope has no subscription: the tenant-level id is used.
    assert role_definition_resource_id("/providers/Microsoft.Management/managementGroups/lz", READER) == (
        f"/providers/Microsoft.Authorization/roleDefinitions/{READER}"
    )
    with pytest.raises(ValueError, match="'Reader' is not a role definition GUID or id"):
        role_definition_resource_id("/subscriptions/x", "Reader")


# -- validation -------------------------------------------------------------------------------------

RG_SHAPE = (
    "has characters or a shape Resource group names do not allow "
    "(letters, digits, '_', '-', '.', '(' and ')'; not ending in '.')"
)

INVALID: list[tuple[str, dict[str, Any], list[str]]] = [
    (
        "not a UK region",
        {"location": "westeurope"},
        ["location 'westeurope' is not allowed; use one of uksouth, ukwest"],
    ),
    (
        "display name region",
        {"location": "UK South"},
        ["location 'UK South' is not allowed; use one of uksouth, ukwest"],
    ),
    (
        "bad group name",
        {"resource_group_name": "rg."},
        [f"resource_group_name 'rg.' {RG_SHAPE}"],
    ),
    (
        "group name too long",
        {"resource_group_name": "r" * 91},
        [f"resource_group_name {'r' * 91!r} is 91 characters long; Resource group names are 1-90"],
    ),
    (
        "no tags",
        {"tags": {}},
        [
            "tags: Missing mandatory tags: service, cost-centre, owner, environment, business-unit, "
            "data-classification, managed-by"
        ],
    ),
    (
        "bad tag key",
        {"tags": {**TAGS, "a/b": "c"}},
        [
            "tags: Tag key 'a/b' contains '/'; keys may use letters, digits, spaces and _ . : = + - @ "
            "('/' is allowed by AWS but not by Azure)"
        ],
    ),
    (
        "long tag value",
        {"tags": {**TAGS, "k": "v" * 257}},
        ["tags: Tag 'k' has a value of 257 characters; the limit is 256"],
    ),
    (
        "owner by guid",
        {"role_assignments": {"admins": RoleAssignmentSpec(principal_id=GROUP, role_definition_id=OWNER_ROLE_ID)}},
        ["role_assignments['admins']: the Owner role is not granted by modules (least privilege); use a narrower role"],
    ),
    (
        "owner by id, upper case",
        {
            "role_assignments": {
                "admins": RoleAssignmentSpec(
                    principal_id=GROUP,
                    role_definition_id=f"/providers/Microsoft.Authorization/roleDefinitions/{OWNER_ROLE_ID.upper()}",
                )
            }
        },
        ["role_assignments['admins']: the Owner role is not granted by modules (least privilege); use a narrower role"],
    ),
    (
        "role by display name",
        {"role_assignments": {"readers": RoleAssignmentSpec(principal_id=GROUP, role_definition_id="Reader")}},
        [
            "role_assignments['readers']: role_definition_id 'Reader' is not a role definition GUID or "
            "/providers/Microsoft.Authorization/roleDefinitions/<guid> id"
        ],
    ),
    (
        "principal by name",
        {"role_assignments": {"readers": RoleAssignmentSpec(principal_id="planners", role_definition_id=READER)}},
        ["role_assignments['readers']: principal_id 'planners' is not an object id (GUID)"],
    ),
    (
        "bad principal type",
        {
            "role_assignments": {
                "readers": RoleAssignmentSpec(
                    principal_id=GROUP,
                    role_definition_id=READER,
                    principal_type="Device",  # type: ignore[arg-type]
                )
            }
        },
        ["role_assignments['readers']: principal_type must be one of Group, ServicePrincipal, User, got 'Device'"],
    ),
    (
        "bad key",
        {"role_assignments": {"read ers": RoleAssignmentSpec(principal_id=GROUP, role_definition_id=READER)}},
        [
            "role_assignments['read ers']: keys must be 1-63 letters, digits, '-' or '_', "
            "starting with a letter or digit"
        ],
    ),
]


@pytest.mark.parametrize(("overrides", "expected"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_validation_messages(overrides: dict[str, Any], expected: list[str]) -> None:
    assert validate_resource_group_args(make_args(**overrides)) == expected


def test_valid_args_have_no_problems() -> None:
    assert validate_resource_group_args(make_args(lock=True, role_assignments=GRANTS)) == []
    principal_from_another_resource = RoleAssignmentSpec(
        principal_id=pulumi.Output.from_input("anything"), role_definition_id=READER
    )
    assert validate_resource_group_args(make_args(role_assignments={"app": principal_from_another_resource})) == []


def _capture(build: Callable[[], object]) -> tuple[StackPlan, list[str]]:
    errors: list[str] = []

    def program() -> None:
        try:
            build()
        except ValueError as exc:
            errors.append(str(exc))

    return plan_callable(program, project="lz", stack="test", config=CONFIG), errors


def test_invalid_args_raise_before_anything_is_registered() -> None:
    bad = make_args(
        location="westeurope",
        role_assignments={"admins": RoleAssignmentSpec(principal_id=GROUP, role_definition_id=OWNER_ROLE_ID)},
    )
    plan, errors = _capture(lambda: ResourceGroup("planning", bad))
    assert errors == [
        "location 'westeurope' is not allowed; use one of uksouth, ukwest; "
        "role_assignments['admins']: the Owner role is not granted by modules (least privilege); use a narrower role"
    ]
    assert plan.managed() == []

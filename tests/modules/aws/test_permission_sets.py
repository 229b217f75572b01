"""`PermissionSets` under the offline planner: sets, policies, assignments, tags and validation."""

from __future__ import annotations

from typing import Any

import pytest

from lz.plan import ProgramError, StackPlan, plan_callable
from modules.aws.identity_docs import developer_inline_policy
from modules.aws.permission_sets import (
    TYPE_TOKEN,
    GroupAssignment,
    PermissionSets,
    PermissionSetsArgs,
    group_slug,
    validate_permission_sets_args,
)
from tests.modules.aws.component_helpers import CONFIG, plan_component
from tests.modules.aws.component_helpers import PLATFORM_TAGS as TAGS

PROD, NONPROD = "222222222222", "333333333333"
INSTANCE = "arn:aws:sso:::instance/ssoins-"
PERMISSION_SET = "aws:ssoadmin/permissionSet:PermissionSet"
MANAGED = "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment"
INLINE = "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy"
ASSIGNMENT = "aws:ssoadmin/accountAssignment:AccountAssignment"


def args_with(**changes: Any) -> PermissionSetsArgs:
    return PermissionSetsArgs(**{
        "prefix": "ebc",
        "tags": TAGS,
        "assignments": [
            GroupAssignment(group="Service Developers", permission_set="developer", account_ids={"nonprod": NONPROD}),
            GroupAssignment(group="Service Developers", permission_set="read_only", account_ids={"prod": PROD}),
            GroupAssignment(group="cloud-platform-admins", permission_set="platform_admin",
                            account_ids={"prod": PROD, "nonprod": NONPROD}),
        ],
        **changes,
    })


@pytest.fixture(scope="module")
def plan() -> StackPlan:
    return plan_component(
        lambda: PermissionSets("identity-center", args_with(session_duration_hours=4)),
        "permission_set_arns",
    )


def test_children(plan: StackPlan) -> None:
    assert plan.counts_by_type() == {
        TYPE_TOKEN: 1, PERMISSION_SET: 5, MANAGED: 6, INLINE: 1, ASSIGNMENT: 4,
    }
    component = plan.one(TYPE_TOKEN).urn
    assert all(r.parent == component for r in plan.managed() if r.type != TYPE_TOKEN)


def test_permission_sets_are_named_and_tagged(plan: StackPlan) -> None:
    for name in ("platform-admin", "developer", "read-only", "auditor", "billing-viewer"):
        inputs = plan.one(PERMISSION_SET, f"identity-center-{name}").inputs
        assert inputs["name"] == f"ebc-{name}"
        assert inputs["sessionDuration"] == "PT4H"
        assert inputs["instanceArn"].startswith(INSTANCE)
        assert inputs["tags"] == TAGS


@pytest.mark.parametrize(
    ("name", "policy"),
    [
        ("identity-center-platform-admin-AdministratorAccess", "arn:aws:iam::aws:policy/AdministratorAccess"),
        ("identity-center-developer-PowerUserAccess", "arn:aws:iam::aws:policy/PowerUserAccess"),
        ("identity-center-read-only-ViewOnlyAccess", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"),
        ("identity-center-auditor-SecurityAudit", "arn:aws:iam::aws:policy/SecurityAudit"),
        ("identity-center-auditor-ReadOnlyAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
        ("identity-center-billing-viewer-AWSBillingReadOnlyAccess",
         "arn:aws:iam::aws:policy/AWSBillingReadOnlyAccess"),
    ],
)
def test_managed_policies(plan: StackPlan, name: str, policy: str) -> None:
    assert plan.one(MANAGED, name).inputs["managedPolicyArn"] == policy


def test_developer_inline_policy(plan: StackPlan) -> None:
    assert plan.one(INLINE, "identity-center-developer-inline").inputs["inlinePolicy"] == developer_inline_policy()


def test_assignments_resolve_groups_by_display_name(plan: StackPlan) -> None:
    names = sorted(r.name for r in plan.find(ASSIGNMENT))
    assert names == [
        "identity-center-cloud-platform-admins-platform-admin-nonprod",
        "identity-center-cloud-platform-admins-platform-admin-prod",
        "identity-center-service-developers-developer-nonprod",
        "identity-center-service-developers-read-only-prod",
    ]
    dev = plan.one(ASSIGNMENT, "identity-center-service-developers-developer-nonprod")
    ro = plan.one(ASSIGNMENT, "identity-center-service-developers-read-only-prod")
    assert dev.inputs["principalType"] == "GROUP" and dev.inputs["targetType"] == "AWS_ACCOUNT"
    assert dev.inputs["targetId"] == NONPROD and ro.inputs["targetId"] == PROD
    assert dev.inputs["principalId"] == ro.inputs["principalId"]  # one group, looked up once
    admin = plan.one(ASSIGNMENT, "identity-center-cloud-platform-admins-platform-admin-prod")
    assert admin.inputs["principalId"] != dev.inputs["principalId"]
    # Assigned after the set has its managed policy.
    attachment = plan.one(MANAGED, "identity-center-platform-admin-AdministratorAccess")
    assert attachment.urn in admin.dependencies


def test_outputs(plan: StackPlan) -> None:
    arns = plan.outputs["permission_set_arns"]
    assert sorted(arns) == ["auditor", "billing_viewer", "developer", "platform_admin", "read_only"]
    assert arns["developer"].endswith("/ebc-developer")


def test_group_slug() -> None:
    assert group_slug("Cloud Platform / Admins") == "cloud-platform-admins"


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        pytest.param({}, [], id="valid"),
        pytest.param({"session_duration_hours": 13}, ["session_duration_hours must be 1-12, got 13"], id="session"),
        pytest.param(
            {"permission_sets": ["developer", "root"]},
            [
                "permission_sets: unknown permission set 'root'; known: platform_admin, developer, read_only, "
                "auditor, billing_viewer",
                "assignments[1].permission_set 'read_only' is not one of the permission sets created",
                "assignments[2].permission_set 'platform_admin' is not one of the permission sets created",
            ],
            id="unknown-set",
        ),
        pytest.param(
            {"assignments": [
                GroupAssignment(group="--", permission_set="developer", account_ids={}),
                GroupAssignment(group="devs", permission_set="developer", account_ids={"Prod": "12"}),
                GroupAssignment(group="Devs", permission_set="developer", account_ids={"Prod": PROD}),
            ]},
            [
                "assignments[0].group must name an Identity Center group, got '--'",
                "assignments[0].account_ids is empty",
                "assignments[1].account_ids: key 'Prod' must be an account slug",
                "assignments[1].account_ids.Prod must be a 12-digit account id, got '12'",
                "assignments[2].account_ids: key 'Prod' must be an account slug",
                "assignments[2]: 'Devs' already gets 'developer' in 'Prod'",
            ],
            id="assignments",
        ),
        pytest.param({"tags": {k: v for k, v in TAGS.items() if k != "owner"}},
                     ["tags: Missing mandatory tags: owner"], id="tags"),
    ],
)
def test_validate(changes: dict[str, Any], problems: list[str]) -> None:
    assert validate_permission_sets_args(args_with(**changes)) == problems


def test_invalid_args_fail_the_program() -> None:
    def program() -> None:
        PermissionSets("identity-center", args_with(session_duration_hours=0))

    with pytest.raises(ProgramError, match=r"^ValueError: session_duration_hours must be 1-12, got 0\n"):
        plan_callable(program, project="lz", stack="test", config=CONFIG)

"""azure-authorization-roleassignment-no-subscription-owner: Owner not at subscription, management group
or root scope; narrower scopes and other roles pass."""

from __future__ import annotations

import pytest
from azure_policy_fixtures import RG, ROLE_ASSIGNMENT, ROLE_ASSIGNMENT_PROPS, ROLE_DEFINITION, SUB, changed
from policy_harness import violations

from policies.azure.authorization.roleassignment_no_subscription_owner import METADATA, OWNER_ROLE_ID, POLICY

OWNER_ID = f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/{OWNER_ROLE_ID}"
OWNER = changed(ROLE_ASSIGNMENT_PROPS, "roleDefinitionId", OWNER_ID)
ADVICE = "grant a narrower role, or make Owner eligible through Privileged Identity Management"


def test_metadata() -> None:
    assert METADATA.name == "azure-authorization-roleassignment-no-subscription-owner"
    assert METADATA.severity == "high"


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, ROLE_ASSIGNMENT, ROLE_ASSIGNMENT_PROPS) == []


def test_contributor_at_subscription_passes() -> None:
    assert violations(POLICY, ROLE_ASSIGNMENT, changed(ROLE_ASSIGNMENT_PROPS, "scope", SUB)) == []


def test_owner_on_resource_group_passes() -> None:
    assert violations(POLICY, ROLE_ASSIGNMENT, changed(OWNER, "scope", RG)) == []


def test_owner_at_subscription_fails() -> None:
    assert violations(POLICY, ROLE_ASSIGNMENT, changed(OWNER, "scope", SUB)) == [
        f"Owner role assigned at subscription scope {SUB}: {ADVICE}"
    ]


@pytest.mark.parametrize(
    "role_definition_id",
    [
        OWNER_ROLE_ID,
        OWNER_ROLE_ID.upper(),
        f"/providers/Microsoft.Authorization/roleDefinitions/{OWNER_ROLE_ID}",
    ],
)
def test_owner_given_in_any_form_fails(role_definition_id: str) -> None:
    props = changed(changed(OWNER, "scope", SUB), "roleDefinitionId", role_definition_id)
    assert violations(POLICY, ROLE_ASSIGNMENT, props) == [f"Owner role assigned at subscription scope {SUB}: {ADVICE}"]


def test_owner_at_management_group_fails() -> None:
    scope = "/providers/Microsoft.Management/managementGroups/ebc-landing-zones"
    assert violations(POLICY, ROLE_ASSIGNMENT, changed(OWNER, "scope", scope)) == [
        f"Owner role assigned at management group scope {scope}: {ADVICE}"
    ]


def test_owner_at_root_fails() -> None:
    assert violations(POLICY, ROLE_ASSIGNMENT, changed(OWNER, "scope", "/")) == [
        f"Owner role assigned at root scope /: {ADVICE}"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, ROLE_DEFINITION, changed(OWNER, "scope", SUB)) == []

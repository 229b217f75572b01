"""azure-authorization-roledefinition-no-wildcard-actions: no `*`, `*/*` or `Microsoft.Authorization/*` actions."""

from __future__ import annotations

import pytest
from azure_policy_fixtures import ROLE_ASSIGNMENT, ROLE_DEFINITION, ROLE_DEFINITION_PROPS, changed, without
from policy_harness import violations

from policies.azure.authorization.roledefinition_no_wildcard_actions import METADATA, POLICY

ADVICE = "custom roles must list only the actions they need, never Owner-like wildcards"


def test_metadata() -> None:
    assert METADATA.name == "azure-authorization-roledefinition-no-wildcard-actions"
    assert METADATA.severity == "critical"
    assert METADATA.frameworks.checkov == ("CKV_AZURE_39",)


def test_compliant_baseline_passes() -> None:
    assert violations(POLICY, ROLE_DEFINITION, ROLE_DEFINITION_PROPS) == []


def test_service_wildcards_pass() -> None:
    props = changed(ROLE_DEFINITION_PROPS, "permissions.0.actions", ["Microsoft.Storage/*", "*/read"])
    assert violations(POLICY, ROLE_DEFINITION, props) == []


@pytest.mark.parametrize("action", ["*", "*/*", "Microsoft.Authorization/*", "microsoft.authorization/*"])
def test_owner_like_action_fails(action: str) -> None:
    props = changed(ROLE_DEFINITION_PROPS, "permissions.0.actions", ["Microsoft.Storage/storageAccounts/read", action])
    assert violations(POLICY, ROLE_DEFINITION, props) == [
        f"Custom role 'Planning storage reader' grants action '{action}': {ADVICE}"
    ]


def test_not_actions_do_not_excuse_a_wildcard() -> None:
    props = changed(
        ROLE_DEFINITION_PROPS, "permissions.0", {"actions": ["*"], "notActions": ["Microsoft.Authorization/*"]}
    )
    assert violations(POLICY, ROLE_DEFINITION, props) == [
        f"Custom role 'Planning storage reader' grants action '*': {ADVICE}"
    ]


def test_every_permission_block_is_read() -> None:
    props = changed(
        ROLE_DEFINITION_PROPS,
        "permissions",
        [*ROLE_DEFINITION_PROPS["permissions"], {"actions": ["Microsoft.Authorization/*"]}, {"actions": ["*"]}],
    )
    assert violations(POLICY, ROLE_DEFINITION, props) == [
        f"Custom role 'Planning storage reader' grants action 'Microsoft.Authorization/*': {ADVICE}",
        f"Custom role 'Planning storage reader' grants action '*': {ADVICE}",
    ]


def test_data_actions_are_not_judged() -> None:
    props = changed(ROLE_DEFINITION_PROPS, "permissions.0.dataActions", ["*"])
    assert violations(POLICY, ROLE_DEFINITION, props) == []


def test_unnamed_role_is_named_by_resource() -> None:
    props = changed(without(ROLE_DEFINITION_PROPS, "roleName"), "permissions.0.actions", ["*"])
    assert violations(POLICY, ROLE_DEFINITION, props, name="ops-role") == [
        f"Custom role 'ops-role' grants action '*': {ADVICE}"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, ROLE_ASSIGNMENT, {"permissions": [{"actions": ["*"]}]}) == []

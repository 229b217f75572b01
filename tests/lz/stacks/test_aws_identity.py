"""The `platform-aws-identity` layer planned with the example platform and manifests."""

from __future__ import annotations

import json
from typing import Any, get_type_hints

import pytest

from lz.plan.model import StackPlan
from lz.stacks.aws_identity import run_identity
from lz.stacks.contracts import IdentityExport
from tests.lz.stacks.layer_helpers import example_platform, fake_account_id, plan_example_layer

STACK = "platform-aws-identity"
ROLE = "aws:iam/role:Role"
ASSIGNMENT = "aws:ssoadmin/accountAssignment:AccountAssignment"
REPO = "repo:example-borough-council/landing-zone"
SUB = "token.actions.githubusercontent.com:sub"


def plan_identity() -> StackPlan:
    return plan_example_layer(run_identity, STACK)


@pytest.fixture(scope="module")
def plan() -> StackPlan:
    return plan_identity()


def identity(plan: StackPlan) -> dict[str, Any]:
    return plan.raw_outputs["identity"]  # type: ignore[no-any-return]


def trust_subjects(plan: StackPlan, role_name: str) -> Any:
    (role,) = [r for r in plan.find(ROLE) if r.inputs.get("name") == role_name]
    (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    return statement["Condition"]["StringEquals"][SUB]


def test_housing_repairs_prod_apply_role_trusts_only_its_prod_environment(plan: StackPlan) -> None:
    assert trust_subjects(plan, "ebc-prod-euw2-iam-housing-repairs-apply") == (
        f"{REPO}:environment:housing-repairs-prod"
    )
    assert trust_subjects(plan, "ebc-nonprod-euw2-iam-housing-repairs-apply") == (
        f"{REPO}:environment:housing-repairs-dev"
    )
    assert trust_subjects(plan, "ebc-prod-euw2-iam-housing-repairs-plan") == [
        f"{REPO}:pull_request", f"{REPO}:ref:refs/heads/main",
    ]
    prod = identity(plan)["service_roles"]["housing-repairs"]["apply"]["workloads-prod"]
    assert prod == (f"arn:aws:iam::{fake_account_id('workloads-prod')}:role/lz/housing-repairs/"
                    "ebc-prod-euw2-iam-housing-repairs-apply")


def test_only_aws_services_get_deploy_roles(plan: StackPlan) -> None:
    roles = identity(plan)["service_roles"]
    assert sorted(roles) == ["council-website", "housing-repairs"]  # planning-documents runs on Azure
    for kinds in roles.values():
        assert sorted(kinds) == ["apply", "plan"]
        assert all(sorted(kinds[k]) == ["workloads-nonprod", "workloads-prod"] for k in kinds)


def test_assignments_match_the_platform_definition(plan: StackPlan) -> None:
    platform = example_platform()
    expected = set()
    for a in platform.identity.assignments:
        accounts = sorted(platform.organisation.accounts) if "all" in a.accounts else a.accounts
        for slug in accounts:
            expected.add((a.permission_set, fake_account_id(slug)))
    found = set()
    permission_sets = identity(plan)["permission_set_arns"]
    by_arn = {arn: name for name, arn in permission_sets.items()}
    for r in plan.find(ASSIGNMENT):
        assert r.inputs["principalType"] == "GROUP"
        found.add((by_arn[r.inputs["permissionSetArn"]], r.inputs["targetId"]))
    assert found == expected
    assert len(plan.find(ASSIGNMENT)) == 20
    assert {r.name for r in plan.find(ASSIGNMENT)} >= {
        "identity-center-service-developers-developer-workloads-nonprod",
        "identity-center-service-developers-read-only-workloads-prod",
    }
    # Identity Center is administered from the management account's provider, not a member account.
    assert all("pulumi:providers:aws::management::" in (r.provider or "") for r in plan.find(ASSIGNMENT))


def test_no_iam_users_or_access_keys(plan: StackPlan) -> None:
    types = {r.type for r in plan.resources}
    assert not types & {"aws:iam/user:User", "aws:iam/accessKey:AccessKey", "aws:iam/userLoginProfile:UserLoginProfile"}


def test_break_glass_in_every_member_account(plan: StackPlan) -> None:
    platform = example_platform()
    arns = identity(plan)["break_glass_role_arns"]
    assert arns == {slug: f"arn:aws:iam::{fake_account_id(slug)}:role/lz-break-glass"
                    for slug in platform.organisation.accounts}
    (role,) = {json.loads(r.inputs["assumeRolePolicy"])["Statement"][0]["Principal"]["AWS"]
               for r in plan.find(ROLE) if r.inputs.get("name") == "lz-break-glass"}
    assert role == "arn:aws:iam::111111111111:root"  # no break_glass_principals: the management root


def test_oidc_and_boundaries_in_workload_accounts(plan: StackPlan) -> None:
    out = identity(plan)
    assert sorted(out["github_oidc_provider_arns"]) == ["workloads-nonprod", "workloads-prod"]
    assert out["permissions_boundary_arns"] == {
        slug: f"arn:aws:iam::{fake_account_id(slug)}:policy/lz/lz-service-boundary"
        for slug in ("workloads-nonprod", "workloads-prod")
    }


def test_export_matches_the_contract(plan: StackPlan) -> None:
    out = identity(plan)
    assert sorted(out) == sorted(get_type_hints(IdentityExport))
    assert sorted(out["permission_set_arns"]) == ["auditor", "billing_viewer", "developer", "platform_admin",
                                                  "read_only"]
    assert all(isinstance(v, str) for v in out["break_glass_role_arns"].values())


def test_every_taggable_resource_has_the_platform_tags(plan: StackPlan) -> None:
    from lz.tags import is_taggable

    for r in plan.managed():
        if r.custom and is_taggable(r.type) and not r.type.startswith("pulumi:providers:"):
            assert r.inputs.get("tags", {}).get("service") == "platform", r.name


def test_deterministic(plan: StackPlan) -> None:
    again = plan_identity()
    assert json.dumps(again.to_json(), sort_keys=True) == json.dumps(plan.to_json(), sort_keys=True)

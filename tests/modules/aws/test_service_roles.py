"""`ServiceDeployRoles` under the offline planner: boundary, plan/apply roles, trust and validation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lz.plan import ProgramError, StackPlan, plan_callable
from modules.aws.identity_docs import apply_role_policy, plan_role_policy, service_boundary_policy
from modules.aws.service_roles import (
    TYPE_TOKEN,
    ServiceDeployRoles,
    ServiceDeployRolesArgs,
    ServiceRoleSpec,
    validate_service_deploy_roles_args,
)
from tests.modules.aws.component_helpers import CONFIG, plan_component
from tests.modules.aws.component_helpers import PLATFORM_TAGS as TAGS

ACCOUNT = "123456789012"  # the planner's default account: the provider deploys there
OIDC = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/lz/lz-service-boundary"
SUB = "token.actions.githubusercontent.com:sub"
ROLE, POLICY = "aws:iam/role:Role", "aws:iam/policy:Policy"
ROLE_POLICY, ATTACHMENT = "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"


def spec(service: str, *envs: str) -> ServiceRoleSpec:
    return ServiceRoleSpec(environments=list(envs), plan_role_name=f"ebc-nonprod-euw2-iam-{service}-plan",
                           apply_role_name=f"ebc-nonprod-euw2-iam-{service}-apply")


def args_with(**changes: Any) -> ServiceDeployRolesArgs:
    return ServiceDeployRolesArgs(**{
        "account_id": ACCOUNT,
        "prefix": "ebc",
        "allowed_regions": ["eu-west-2"],
        "github_organisation": "example-borough-council",
        "github_repository": "landing-zone",
        "oidc_provider_arn": OIDC,
        "services": {"housing-repairs": spec("housing-repairs", "test", "dev")},
        "tags": TAGS,
        **changes,
    })


@pytest.fixture(scope="module")
def plan() -> StackPlan:
    return plan_component(
        lambda: ServiceDeployRoles("deploy", args_with()),
        "boundary_arn",
        "plan_role_arns",
        "apply_role_arns",
    )


def test_children(plan: StackPlan) -> None:
    assert plan.counts_by_type() == {TYPE_TOKEN: 1, POLICY: 1, ROLE: 2, ROLE_POLICY: 2, ATTACHMENT: 1}
    component = plan.one(TYPE_TOKEN).urn
    assert all(r.parent == component for r in plan.managed() if r.type != TYPE_TOKEN)


def test_boundary(plan: StackPlan) -> None:
    boundary = plan.one(POLICY, "deploy-boundary").inputs
    assert boundary["name"] == "lz-service-boundary" and boundary["path"] == "/lz/"
    assert boundary["policy"] == service_boundary_policy(ACCOUNT, "lz-service-boundary", ["eu-west-2"])
    assert boundary["tags"] == TAGS
    assert plan.outputs["boundary_arn"] == BOUNDARY


@pytest.mark.parametrize("kind", ["plan", "apply"])
def test_roles(plan: StackPlan, kind: str) -> None:
    role = plan.one(ROLE, f"deploy-housing-repairs-{kind}").inputs
    assert role["name"] == f"ebc-nonprod-euw2-iam-housing-repairs-{kind}"
    assert role["path"] == "/lz/housing-repairs/"
    assert role["maxSessionDuration"] == 3600
    assert role["permissionsBoundary"] == BOUNDARY
    assert role["tags"] == TAGS
    (statement,) = json.loads(role["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"Federated": OIDC}
    expected = (
        ["repo:example-borough-council/landing-zone:pull_request",
         "repo:example-borough-council/landing-zone:ref:refs/heads/main"]
        if kind == "plan"
        else ["repo:example-borough-council/landing-zone:environment:housing-repairs-dev",
              "repo:example-borough-council/landing-zone:environment:housing-repairs-test"]
    )
    assert statement["Condition"]["StringEquals"][SUB] == expected
    assert plan.outputs[f"{kind}_role_arns"] == {
        "housing-repairs": f"arn:aws:iam::{ACCOUNT}:role/lz/housing-repairs/ebc-nonprod-euw2-iam-housing-repairs-{kind}"
    }


def test_role_policies(plan: StackPlan) -> None:
    view_only = plan.one(ATTACHMENT, "deploy-housing-repairs-plan-view-only").inputs
    assert view_only == {"role": "ebc-nonprod-euw2-iam-housing-repairs-plan",
                         "policyArn": "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"}
    assert plan.one(ROLE_POLICY, "deploy-housing-repairs-plan-policy").inputs["policy"] == plan_role_policy()
    assert plan.one(ROLE_POLICY, "deploy-housing-repairs-apply-policy").inputs["policy"] == apply_role_policy(
        account_id=ACCOUNT, prefix="ebc", service="housing-repairs", boundary_name="lz-service-boundary",
        own_role_names=["ebc-nonprod-euw2-iam-housing-repairs-plan", "ebc-nonprod-euw2-iam-housing-repairs-apply"],
    )


def test_no_services_still_creates_the_boundary() -> None:
    def program() -> None:
        ServiceDeployRoles("deploy", args_with(services={}))

    plan = plan_callable(program, project="lz", stack="test", config=CONFIG)
    assert plan.counts_by_type() == {TYPE_TOKEN: 1, POLICY: 1}


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        pytest.param({}, [], id="valid"),
        pytest.param(
            {"account_id": "12", "prefix": "E", "allowed_regions": [], "github_organisation": "a b",
             "github_repository": "", "boundary_name": "a b"},
            ["account_id must be a 12-digit account id, got '12'",
             "prefix 'E' must be 2-8 lowercase letters and digits, starting with a letter",
             "allowed_regions is empty",
             "github_organisation 'a b' is not a GitHub organisation name",
             "github_repository '' is not a GitHub repository name",
             "boundary_name 'a b' must be 1-128 of letters, digits and +=,.@_-"],
            id="fields",
        ),
        pytest.param(
            {"services": {
                "Repairs": ServiceRoleSpec(environments=[], plan_role_name="x" * 65, apply_role_name="same"),
                "web": ServiceRoleSpec(environments=["Prod"], plan_role_name="SAME", apply_role_name="web-apply"),
            }},
            ["services: key 'Repairs' must be a service slug",
             "services.Repairs.environments is empty",
             f"services.Repairs.plan_role_name '{'x' * 65}' is 65 characters long; IAM role names are 1-64",
             "services.web.environments: not environment slugs: ['Prod']",
             "services: role names used twice (IAM names are case-insensitive): ['same']"],
            id="services",
        ),
    ],
)
def test_validate(changes: dict[str, Any], problems: list[str]) -> None:
    assert validate_service_deploy_roles_args(args_with(**changes)) == problems


def test_invalid_args_fail_the_program() -> None:
    def program() -> None:
        ServiceDeployRoles("deploy", args_with(allowed_regions=[]))

    with pytest.raises(ProgramError, match=r"^ValueError: allowed_regions is empty\n"):
        plan_callable(program, project="lz", stack="test", config=CONFIG)

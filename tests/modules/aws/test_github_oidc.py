"""`GitHubOidc` under the offline planner: the provider, its inputs and validation."""

from __future__ import annotations

from typing import Any

import pytest

from lz.plan import ProgramError, StackPlan, plan_callable
from modules.aws.github_oidc import TYPE_TOKEN, GitHubOidc, GitHubOidcArgs, validate_github_oidc_args
from tests.modules.aws.component_helpers import CONFIG, plan_component
from tests.modules.aws.component_helpers import PLATFORM_TAGS as TAGS

PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"


@pytest.fixture(scope="module")
def plan() -> StackPlan:
    return plan_component(lambda: GitHubOidc("github", GitHubOidcArgs(tags=TAGS)), "arn")


def test_provider(plan: StackPlan) -> None:
    assert plan.counts_by_type() == {TYPE_TOKEN: 1, PROVIDER: 1}
    provider = plan.one(PROVIDER, "github-provider")
    assert provider.inputs == {
        "url": "https://token.actions.githubusercontent.com",
        "clientIdLists": ["sts.amazonaws.com"],
        "thumbprintLists": ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"],
        "tags": TAGS,
    }
    assert provider.parent == plan.one(TYPE_TOKEN).urn
    assert plan.outputs["arn"].startswith("arn:aws:iam::123456789012:")


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        pytest.param({}, [], id="valid"),
        pytest.param(
            {"url": "http://token.actions.githubusercontent.com", "client_ids": [], "thumbprints": ["ABC"]},
            ["url must start with https://, got 'http://token.actions.githubusercontent.com'",
             "client_ids is empty",
             "thumbprints: 'ABC' is not 40 lowercase hex characters"],
            id="bad",
        ),
        pytest.param({"thumbprints": ["a" * 40] * 6}, ["thumbprints: IAM allows at most 5, got 6"], id="too-many"),
        pytest.param({"tags": {k: v for k, v in TAGS.items() if k != "service"}},
                     ["tags: Missing mandatory tags: service"], id="tags"),
    ],
)
def test_validate(changes: dict[str, Any], problems: list[str]) -> None:
    assert validate_github_oidc_args(GitHubOidcArgs(**{"tags": TAGS, **changes})) == problems


def test_invalid_args_fail_the_program() -> None:
    def program() -> None:
        GitHubOidc("github", GitHubOidcArgs(tags=TAGS, client_ids=[]))

    with pytest.raises(ProgramError, match=r"^ValueError: client_ids is empty\n"):
        plan_callable(program, project="lz", stack="test", config=CONFIG)

"""aws-iam-user-not-allowed: no IAM users."""

from __future__ import annotations

from policies.aws.iam.user_not_allowed import METADATA, POLICY
from tests.policies.policy_harness import violations


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-iam-user-not-allowed"
    assert METADATA.severity == "critical"
    assert METADATA.resource_types == ("aws:iam/user:User",)


def test_roles_pass() -> None:
    assert violations(POLICY, "aws:iam/role:Role", {"assumeRolePolicy": "{}"}) == []


def test_any_user_is_reported() -> None:
    assert violations(POLICY, "aws:iam/user:User", {"name": "deploy-bot", "path": "/"}) == [
        "IAM users are not allowed: people sign in through IAM Identity Center and workloads use IAM roles"
    ]

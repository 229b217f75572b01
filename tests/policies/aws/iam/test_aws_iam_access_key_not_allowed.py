"""aws-iam-access-key-not-allowed: no long-lived access keys."""

from __future__ import annotations

from policies.aws.iam.access_key_not_allowed import METADATA, POLICY
from tests.policies.policy_harness import violations


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-iam-access-key-not-allowed"
    assert METADATA.severity == "critical"
    assert METADATA.resource_types == ("aws:iam/accessKey:AccessKey",)


def test_other_iam_resources_pass() -> None:
    assert violations(POLICY, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", {"url": "https://x"}) == []


def test_any_access_key_is_reported() -> None:
    assert violations(POLICY, "aws:iam/accessKey:AccessKey", {"user": "deploy-bot", "status": "Active"}) == [
        "Long-lived IAM access keys are not allowed: use IAM roles, OIDC federation for CI or IAM Roles Anywhere"
    ]

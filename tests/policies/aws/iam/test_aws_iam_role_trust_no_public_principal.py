"""aws-iam-role-trust-no-public-principal: trust policies never let everyone assume the role."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policies.aws.iam.role_trust_no_public_principal import METADATA, POLICY
from tests.policies.policy_harness import violations

ROLE = "aws:iam/role:Role"
#: The flow-log delivery role of the platform-aws-network layer (example estate).
FLOW_LOGS = {"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}
PUBLIC = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}


def props(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"name": "r", "assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)})}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-iam-role-trust-no-public-principal"
    assert METADATA.severity == "critical"


def test_platform_service_role_passes() -> None:
    assert violations(POLICY, ROLE, props(FLOW_LOGS)) == []


def test_public_principal() -> None:
    assert violations(POLICY, ROLE, props(FLOW_LOGS, PUBLIC)) == [
        'Trust policy Statement 1 lets anyone ("*") assume the role without a condition restricting the caller'
    ]


def test_condition_that_does_not_restrict_the_caller() -> None:
    statement = {**PUBLIC, "Principal": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
    assert violations(POLICY, ROLE, props(statement)) == [
        'Trust policy Statement 0 lets anyone ("*") assume the role without a condition restricting the caller'
    ]


@pytest.mark.parametrize(
    "condition",
    [{"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}, {"StringEquals": {"sts:ExternalId": "partner-42"}}],
    ids=["organisation", "external-id"],
)
def test_restricted_wildcard_passes(condition: dict[str, Any]) -> None:
    assert violations(POLICY, ROLE, props({**PUBLIC, "Condition": condition})) == []


def test_not_principal() -> None:
    statement = {
        "Sid": "Partners",
        "Effect": "Allow",
        "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
        "Action": "sts:AssumeRole",
    }
    assert violations(POLICY, ROLE, props(FLOW_LOGS, statement)) == [
        "Trust policy Statement 1 (Partners) lets everyone not listed in NotPrincipal assume the role"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:iam/policy:Policy", props(PUBLIC)) == []

"""aws-iam-role-inline-policy-no-admin-wildcard: role inline policies grant no full admin."""

from __future__ import annotations

import json

from policies.aws.iam.role_inline_policy_no_admin_wildcard import METADATA, POLICY
from tests.policies.policy_harness import violations

ROLE = "aws:iam/role:Role"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)
READ = json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]})
ADMIN = json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-iam-role-inline-policy-no-admin-wildcard"
    assert METADATA.severity == "critical"


def test_role_without_inline_policies_passes() -> None:
    assert violations(POLICY, ROLE, {"assumeRolePolicy": TRUST, "path": "/rds-monitoring/"}) == []


def test_scoped_inline_policy_passes() -> None:
    assert (
        violations(POLICY, ROLE, {"assumeRolePolicy": TRUST, "inlinePolicies": [{"name": "read", "policy": READ}]})
        == []
    )


def test_admin_inline_policy() -> None:
    props = {
        "assumeRolePolicy": TRUST,
        "inlinePolicies": [{"name": "read", "policy": READ}, {"name": "deploy", "policy": ADMIN}],
    }
    assert violations(POLICY, ROLE, props) == [
        'Inline policy \'deploy\': Statement 0 allows every action ("*") on every resource ("*"): '
        "full administrator access"
    ]


def test_empty_inline_policy_entry_passes() -> None:
    # `inline_policies=[{}]` is how the provider is told to remove all inline policies.
    assert violations(POLICY, ROLE, {"assumeRolePolicy": TRUST, "inlinePolicies": [{}]}) == []


def test_not_json() -> None:
    assert violations(POLICY, ROLE, {"inlinePolicies": [{"name": "bad", "policy": "nope"}]}) == [
        "Inline policy 'bad' is not a valid JSON policy document"
    ]


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:iam/rolePolicy:RolePolicy", {"inlinePolicies": [{"policy": ADMIN}]}) == []

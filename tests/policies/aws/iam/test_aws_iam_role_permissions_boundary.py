"""aws-iam-role-permissions-boundary: roles assumable by accounts or federated users have a boundary."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

from policies.aws.iam.role_permissions_boundary import METADATA, POLICY
from tests.policies.policy_harness import violations

ROLE = "aws:iam/role:Role"
BOUNDARY = "arn:aws:iam::123456789012:policy/lz-workload-boundary"
#: The enhanced-monitoring role modules.aws.database.Database registers (example estate).
RDS_MONITORING = {
    "assumeRolePolicy": json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "monitoring.rds.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
                }
            ],
        }
    ),
    "name": "ebc-prod-euw2-rds-housing-repairs-db",
    "path": "/rds-monitoring/",
}
CI = {
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
}
ACCOUNT = {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root"]}, "Action": "sts:AssumeRole"}


def trust(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-iam-role-permissions-boundary"
    assert METADATA.severity == "high"


def test_module_service_role_passes() -> None:
    assert violations(POLICY, ROLE, RDS_MONITORING) == []


def test_federated_role_with_boundary_passes() -> None:
    assert violations(POLICY, ROLE, {"assumeRolePolicy": trust(CI), "permissionsBoundary": BOUNDARY}) == []


def test_federated_and_account_principals_without_boundary() -> None:
    assert violations(POLICY, ROLE, {"assumeRolePolicy": trust(CI, ACCOUNT)}) == [
        "Role can be assumed by arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com, "
        "arn:aws:iam::111122223333:root but has no permissionsBoundary"
    ]


def test_star_principal_without_boundary() -> None:
    statement = {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}
    assert violations(POLICY, ROLE, {"assumeRolePolicy": trust(statement)}) == [
        "Role can be assumed by * but has no permissionsBoundary"
    ]


def test_deny_statements_do_not_count() -> None:
    assert violations(POLICY, ROLE, {"assumeRolePolicy": trust({**ACCOUNT, "Effect": "Deny"})}) == []


def test_service_linked_roles_are_skipped() -> None:
    props = {"assumeRolePolicy": trust(ACCOUNT), "path": "/aws-service-role/elasticloadbalancing.amazonaws.com/"}
    assert violations(POLICY, ROLE, props) == []


def test_unknown_trust_policy_defers_to_the_update() -> None:
    with pytest.raises(UnknownValueError):
        violations(POLICY, ROLE, {"assumeRolePolicy": UNKNOWN_STRING_VALUE})


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:iam/policy:Policy", {"assumeRolePolicy": trust(ACCOUNT)}) == []

"""`ServiceKey` under the offline planner, its key policy table-style, and its validation."""

from __future__ import annotations

from typing import Any

import pytest

from lz.plan import StackPlan
from modules.aws.service_key import (
    TYPE_TOKEN,
    ServiceKey,
    ServiceKeyArgs,
    service_key_alias,
    service_key_policy,
    validate_service_key_args,
)
from tests.modules.aws.component_helpers import plan_component
from tests.modules.aws.policy_checks import check_policy

TAGS = {
    "service": "housing-repairs", "cost-centre": "CC-1042", "owner": "housing-digital@example.gov.uk",
    "environment": "prod", "business-unit": "housing", "data-classification": "OFFICIAL-SENSITIVE",
    "managed-by": "pulumi",
}
ACCOUNT = "666666666666"
ACCESS = f"arn:aws:iam::{ACCOUNT}:role/OrganizationAccountAccessRole"
BREAK_GLASS = f"arn:aws:iam::{ACCOUNT}:role/lz-break-glass"
KEY = "aws:kms/key:Key"


def args_with(**changes: Any) -> ServiceKeyArgs:
    return ServiceKeyArgs(**{"alias": service_key_alias("ebc", "housing-repairs", "prod"), "service": "housing-repairs",
                             "role_path": "/lz/housing-repairs/", "account_id": ACCOUNT,
                             "protected_principal_arns": [ACCESS, BREAK_GLASS], "tags": TAGS, **changes})


def plan_key(args: ServiceKeyArgs) -> StackPlan:
    return plan_component(lambda: ServiceKey("kms", args))


@pytest.fixture(scope="module")
def plan() -> StackPlan:
    return plan_key(args_with(lock=True))


def test_key_and_alias(plan: StackPlan) -> None:
    key = plan.one(KEY)
    assert key.parent == plan.one(TYPE_TOKEN).urn
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["deletionWindowInDays"] == 30
    assert key.inputs["tags"] == TAGS
    assert key.inputs["description"] == "housing-repairs data key (alias/ebc/housing-repairs/prod)"
    alias = plan.one("aws:kms/alias:Alias")
    assert alias.inputs == {"name": "alias/ebc/housing-repairs/prod", "targetKeyId": key.outputs["keyId"]}
    assert key.inputs["policy"] == service_key_policy(account_id=ACCOUNT, role_path="/lz/housing-repairs/",
                                                      protected_principal_arns=[ACCESS, BREAK_GLASS])


@pytest.mark.parametrize(("lock", "protect"), [(True, True), (False, None)])
def test_lock_protects_the_key(lock: bool, protect: bool | None) -> None:
    key = plan_key(args_with(lock=lock)).one(KEY)
    assert key.options["protect"] is protect and key.options["retain_on_delete"] is protect


def statements() -> dict[str, Any]:
    return check_policy(service_key_policy(account_id=ACCOUNT, role_path="/lz/housing-repairs/",
                                           protected_principal_arns=[BREAK_GLASS, ACCESS, ACCESS]))


def test_root_administers_without_cryptographic_use() -> None:
    admin = statements()["RootAdministersKey"]
    assert admin["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert not {"kms:Decrypt", "kms:Encrypt", "kms:*", "kms:GenerateDataKey*"} & set(admin["Action"])


SERVICE_ROLES = {
    "StringEquals": {"aws:PrincipalAccount": ACCOUNT},
    "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/lz/housing-repairs/*"},
}


@pytest.mark.parametrize(
    ("sid", "effect", "actions", "condition"),
    [
        ("ServiceRolesUseKey", "Allow",
         ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], SERVICE_ROLES),
        ("ServiceRolesGrantToAwsResources", "Allow", ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
         {**SERVICE_ROLES, "Bool": {"kms:GrantIsForAWSResource": "true"}}),
        ("OnlyPlatformRolesDestroyKey", "Deny",
         ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DisableKeyRotation", "kms:PutKeyPolicy"],
         {"ArnNotEquals": {"aws:PrincipalArn": [ACCESS, BREAK_GLASS]}}),
    ],
)
def test_key_policy_statements(sid: str, effect: str, actions: list[str], condition: dict[str, Any]) -> None:
    statement = statements()[sid]
    assert statement["Effect"] == effect
    assert statement["Action"] == actions
    assert statement["Resource"] == "*"
    assert statement["Condition"] == condition


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        pytest.param({}, [], id="valid"),
        pytest.param({"alias": "alias/aws/x"}, ["alias 'alias/aws/x' must not start with 'alias/aws/'"], id="alias"),
        pytest.param({"service": "Housing"}, ["service must be a lowercase slug, got 'Housing'"], id="service"),
        pytest.param({"role_path": "/"}, ["role_path must be an IAM path below the root, such as '/lz/<service>/', "
                                          "got '/'"], id="root-path"),
        pytest.param({"role_path": "lz/housing"}, ["role_path must be an IAM path below the root, such as "
                                                   "'/lz/<service>/', got 'lz/housing'"], id="path"),
        pytest.param({"account_id": "6"}, ["account_id must be a 12-digit AWS account id, got '6'"], id="account"),
        pytest.param({"protected_principal_arns": []},
                     ["protected_principal_arns needs at least one role, or nobody could ever delete the key"],
                     id="no-protected"),
        pytest.param({"protected_principal_arns": ["*"]},
                     ["protected_principal_arns[0] must be an IAM role, user or account root ARN, got '*'"],
                     id="protected-star"),
        pytest.param({"tags": {k: v for k, v in TAGS.items() if k != "service"}},
                     ["tags: Missing mandatory tags: service"], id="tags"),
    ],
)
def test_validate(changes: dict[str, Any], problems: list[str]) -> None:
    assert validate_service_key_args(args_with(**changes)) == problems

"""`BackupVault` under the offline planner, and its pure policy documents."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lz.plan import StackPlan
from modules.aws.backup_vault import (
    TYPE_TOKEN,
    BackupVault,
    BackupVaultArgs,
    backup_key_policy,
    service_role_trust_policy,
    validate_backup_vault_args,
    vault_access_policy,
)
from modules.aws.org_policies import BACKUP_ROLE_PATH
from tests.modules.aws.component_helpers import PLATFORM_TAGS as TAGS
from tests.modules.aws.component_helpers import assert_exact_children, plan_component
from tests.modules.aws.policy_checks import check_policy

ACCOUNT = "444444444444"
BREAK_GLASS = f"arn:aws:iam::{ACCOUNT}:role/lz-break-glass"

KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"
VAULT = "aws:backup/vault:Vault"
LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
VAULT_POLICY = "aws:backup/vaultPolicy:VaultPolicy"
ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"


def args(**changes: Any) -> BackupVaultArgs:
    base: dict[str, Any] = {"vault_name": "ebc-backup", "key_alias": "alias/ebc-shared-euw2-kms-backup",
                            "account_id": ACCOUNT, "region": "eu-west-2", "break_glass_role_arn": BREAK_GLASS,
                            "min_retention_days": 35, "tags": TAGS}
    base.update(changes)
    return BackupVaultArgs(**base)


def plan_vault(a: BackupVaultArgs) -> StackPlan:
    return plan_component(lambda: BackupVault("backup", a), "vault_name", "key_arn")


@pytest.fixture(scope="module")
def plan() -> StackPlan:
    return plan_vault(args())


def test_exact_children(plan: StackPlan) -> None:
    assert_exact_children(plan, TYPE_TOKEN, "backup", {
        (KEY, "backup-key"),
        (ALIAS, "backup-key-alias"),
        (VAULT, "backup-vault"),
        (LOCK, "backup-lock"),
        (VAULT_POLICY, "backup-policy"),
        (ROLE, "backup-service-role"),
        (ATTACHMENT, "backup-service-role-backup"),
        (ATTACHMENT, "backup-service-role-restores"),
    })


def test_vault_is_encrypted_with_its_rotating_key_and_protected(plan: StackPlan) -> None:
    key, vault = plan.one(KEY), plan.one(VAULT)
    assert vault.inputs["name"] == "ebc-backup"
    assert vault.inputs["kmsKeyArn"] == key.outputs["arn"]
    assert vault.inputs["forceDestroy"] is False
    assert vault.inputs["tags"] == TAGS and key.inputs["tags"] == TAGS
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["deletionWindowInDays"] == 30
    for resource in (key, vault):
        assert resource.options["protect"] is True and resource.options["retain_on_delete"] is True
    assert plan.one(ALIAS).inputs == {"name": "alias/ebc-shared-euw2-kms-backup", "targetKeyId": key.outputs["keyId"]}
    assert plan.outputs["vault_name"] == "ebc-backup"


def test_key_policy(plan: StackPlan) -> None:
    text = plan.one(KEY).inputs["policy"]
    assert json.loads(text) == json.loads(backup_key_policy(account_id=ACCOUNT, region="eu-west-2"))
    statements = check_policy(text)
    assert statements["EnableRootAdministration"]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    through_backup = {"kms:CallerAccount": ACCOUNT, "kms:ViaService": "backup.eu-west-2.amazonaws.com"}
    assert statements["AllowUseThroughAwsBackup"]["Condition"] == {"StringEquals": through_backup}
    assert statements["AllowGrantsThroughAwsBackup"]["Condition"] == {
        "StringEquals": through_backup, "Bool": {"kms:GrantIsForAWSResource": "true"}}


def test_governance_lock_by_default(plan: StackPlan) -> None:
    lock = plan.one(LOCK).inputs
    assert lock["backupVaultName"] == "ebc-backup"
    assert lock["minRetentionDays"] == 35
    assert lock["maxRetentionDays"] == 3650
    assert "changeableForDays" not in lock  # governance mode: never immutable by accident


def test_compliance_lock_when_asked() -> None:
    assert plan_vault(args(changeable_for_days=30)).one(LOCK).inputs["changeableForDays"] == 30


def test_only_break_glass_may_delete_recovery_points(plan: StackPlan) -> None:
    policy = plan.one(VAULT_POLICY).inputs
    assert policy["backupVaultName"] == "ebc-backup"
    assert json.loads(policy["policy"]) == json.loads(vault_access_policy(break_glass_role_arn=BREAK_GLASS))
    assert check_policy(policy["policy"]) == {
        "DenyRecoveryPointDeletionExceptBreakGlass": {
            "Sid": "DenyRecoveryPointDeletionExceptBreakGlass",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle",
                       "backup:PutBackupVaultAccessPolicy"],
            "Resource": "*",
            "Condition": {"ArnNotEquals": {"aws:PrincipalArn": BREAK_GLASS}},
        }
    }


def test_service_role_is_what_the_backup_policy_names(plan: StackPlan) -> None:
    role = plan.one(ROLE).inputs
    assert f"{role['path'].strip('/')}/{role['name']}" == BACKUP_ROLE_PATH
    assert json.loads(role["assumeRolePolicy"]) == json.loads(service_role_trust_policy())
    assert check_policy(role["assumeRolePolicy"])["AllowAwsBackup"]["Principal"] == {"Service": "backup.amazonaws.com"}
    role_urn_name = plan.one(ROLE).outputs.get("name", role["name"])
    assert sorted(a.inputs["policyArn"] for a in plan.find(ATTACHMENT)) == [
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ]
    assert all(a.inputs["role"] == role_urn_name for a in plan.find(ATTACHMENT))


def test_without_service_role() -> None:
    plan = plan_vault(args(service_role=False))
    assert not plan.find(ROLE) and not plan.find(ATTACHMENT)


def test_unlocked_vault_is_not_protected() -> None:
    plan = plan_vault(args(lock=False))
    assert not plan.one(VAULT).options.get("protect") and not plan.one(KEY).options.get("protect")


def test_valid_args_have_no_problems() -> None:
    assert validate_backup_vault_args(args()) == []


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ({"vault_name": "x"}, ["vault_name 'x' must be 2-50 letters, digits, hyphens and underscores"]),
        ({"account_id": "12"}, ["account_id must be a 12-digit AWS account id, got '12'"]),
        ({"region": "london"}, ["region 'london' is not an AWS region"]),
        ({"break_glass_role_arn": f"arn:aws:iam::{ACCOUNT}:root"},
         [f"break_glass_role_arn must be an IAM role ARN, got 'arn:aws:iam::{ACCOUNT}:root'"]),
        ({"min_retention_days": 0}, ["min_retention_days must be between 1 and 36500, got 0"]),
        ({"max_retention_days": 30}, ["max_retention_days (30) must not be less than min_retention_days (35)"]),
        ({"max_retention_days": 40000}, ["max_retention_days must be between 1 and 36500, got 40000"]),
        ({"changeable_for_days": 2},
         ["changeable_for_days must be None (governance mode) or between 3 and 36500, got 2"]),
    ],
)
def test_invalid_args(changes: dict[str, Any], problems: list[str]) -> None:
    assert validate_backup_vault_args(args(**changes)) == problems


def test_bad_alias_and_tags_are_reported() -> None:
    problems = validate_backup_vault_args(args(key_alias="no-prefix", tags={}))
    assert any(p.startswith("key_alias 'no-prefix'") for p in problems)
    assert any(p.startswith("tags: ") for p in problems)


def test_all_problems_at_once_and_nothing_registered() -> None:
    bad = args(vault_name="x", region="london", min_retention_days=0, changeable_for_days=1)
    assert len(validate_backup_vault_args(bad)) == 4
    with pytest.raises(ValueError, match=r"vault_name 'x'.*region 'london'"):
        BackupVault("bad", bad)

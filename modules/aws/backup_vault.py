"""`BackupVault`: what the organisation backup policy needs in each account it reaches.

The organisation layer attaches a backup policy (`modules/aws/org_policies.backup_policy`) to one
OU: every account there gets a daily plan that writes to the vault `backup_vault_name(prefix)` as
the role `service-role/AWSBackupDefaultServiceRole`. AWS Backup creates neither, so without this
component every backup job of the policy fails. One `BackupVault` per account and region the
policy covers; the role is global, so only one of an account's vaults creates it (`service_role`).

Children (logical names `<name>-<suffix>`, parented to the component):

| suffix                    | resource                                                          | when           |
|---------------------------|-------------------------------------------------------------------|----------------|
| `key`                     | `aws.kms.Key` (rotation on, `backup_key_policy`)                  | always         |
| `key-alias`               | `aws.kms.Alias`                                                   | always         |
| `vault`                   | `aws.backup.Vault` named `vault_name`, encrypted with the key     | always         |
| `lock`                    | `aws.backup.VaultLockConfiguration`                               | always         |
| `policy`                  | `aws.backup.VaultPolicy` (`vault_access_policy`)                  | always         |
| `service-role`            | `aws.iam.Role` `/service-role/AWSBackupDefaultServiceRole`        | `service_role` |
| `service-role-backup`     | `aws.iam.RolePolicyAttachment` `AWSBackupServiceRolePolicyForBackup` | `service_role` |
| `service-role-restores`   | `aws.iam.RolePolicyAttachment` `AWSBackupServiceRolePolicyForRestores` | `service_role` |

Protection, in layers:

* the vault access policy denies deleting recovery points, shortening their lifecycle and replacing
  the access policy itself to every principal but the break-glass role (AWS Backup Developer Guide,
  "Vault access policies": deny `backup:DeleteRecoveryPoint`);
* AWS Backup Vault Lock keeps every recovery point at least `min_retention_days` and refuses
  retention beyond `max_retention_days`. Without `changeable_for_days` (the default) the lock is in
  *governance* mode: it holds against everyone without `backup:DeleteBackupVaultLockConfiguration`,
  and the platform can still correct it. With `changeable_for_days` it is in *compliance* mode: after
  that many days nobody, AWS included, can change or remove the lock or delete the vault while it
  holds recovery points. That step is irreversible, so it is opt-in, never a default: set it only
  once the retention figures are agreed with the records manager, and watch the grace period;
* the key and the vault are protected and retained (`lock`).

If AWS Backup already created `AWSBackupDefaultServiceRole` in an account (the console does, on first
use), import it (`pulumi import aws:iam/role:Role ... AWSBackupDefaultServiceRole`) or set
`service_role=False`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import pulumi
import pulumi_aws as aws

from lz.naming import NAME_RULES, check_name
from lz.tags import check_tags
from modules.aws.access_log_bucket import account_id_problems, policy_document
from modules.aws.iam_docs import IAM_PRINCIPAL_ARN_RE
from modules.aws.service_key import rotating_key_with_alias

TYPE_TOKEN: Final = "lz:aws:BackupVault"

BACKUP_SERVICE: Final = "backup.amazonaws.com"
#: The role the organisation backup policy names (`org_policies.BACKUP_ROLE_PATH`).
SERVICE_ROLE_NAME: Final = "AWSBackupDefaultServiceRole"
SERVICE_ROLE_PATH: Final = "/service-role/"
#: AWS managed policies of the default service role (AWS Backup Developer Guide, "IAM service roles").
SERVICE_ROLE_POLICY_ARNS: Final = {
    "backup": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "restores": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
}
#: Actions nobody but the break-glass role may take on the vault's recovery points.
PROTECTED_ACTIONS: Final = (
    "backup:DeleteRecoveryPoint",
    "backup:UpdateRecoveryPointLifecycle",
    "backup:PutBackupVaultAccessPolicy",
)
#: Vault Lock limits (AWS Backup API, PutBackupVaultLockConfiguration).
MIN_CHANGEABLE_FOR_DAYS: Final = 3
MAX_LOCK_DAYS: Final = 36500
#: Longest retention the platform allows (`platform/aws.yaml` `organisation.backup.retention_days`
#: stops at ten years): a guard against a typo keeping, and billing, backups for a century.
DEFAULT_MAX_RETENTION_DAYS: Final = 3650

_VAULT_NAME: Final = re.compile(r"[A-Za-z0-9_-]{2,50}")
_REGION: Final = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")


def backup_key_policy(*, account_id: str, region: str) -> str:
    """Key policy of a vault key: the account root administers it (IAM in the account decides who
    manages it); principals of the account may use it only through AWS Backup in `region`, and
    grant it only to AWS resources (AWS Backup Developer Guide, "Encryption for backups")."""
    through_backup = {
        "StringEquals": {"kms:CallerAccount": account_id, "kms:ViaService": f"backup.{region}.amazonaws.com"},
    }
    root = f"arn:aws:iam::{account_id}:root"
    statements: list[dict[str, Any]] = [
        {
            "Sid": "EnableRootAdministration",
            "Effect": "Allow",
            "Principal": {"AWS": root},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "AllowUseThroughAwsBackup",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": through_backup,
        },
        {
            "Sid": "AllowGrantsThroughAwsBackup",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
            "Resource": "*",
            "Condition": {**through_backup, "Bool": {"kms:GrantIsForAWSResource": "true"}},
        },
    ]
    return policy_document(statements)


def vault_access_policy(*, break_glass_role_arn: str) -> str:
    """The vault access policy: only the break-glass role may delete recovery points, shorten their
    lifecycle or replace this policy. AWS Backup's own lifecycle expiry is not affected."""
    return policy_document(
        [
            {
                "Sid": "DenyRecoveryPointDeletionExceptBreakGlass",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": list(PROTECTED_ACTIONS),
                "Resource": "*",
                "Condition": {"ArnNotEquals": {"aws:PrincipalArn": break_glass_role_arn}},
            }
        ]
    )


def service_role_trust_policy() -> str:
    """Only AWS Backup may assume the default service role."""
    return policy_document(
        [
            {
                "Sid": "AllowAwsBackup",
                "Effect": "Allow",
                "Principal": {"Service": BACKUP_SERVICE},
                "Action": "sts:AssumeRole",
            }
        ]
    )


@dataclass(frozen=True, kw_only=True)
class BackupVaultArgs:
    """Inputs of `BackupVault`."""

    vault_name: str
    """Required. The vault's name: exactly the backup policy's `target_backup_vault_name`
    (`org_policies.backup_vault_name(prefix)`)."""
    key_alias: str
    """Required. Alias of the vault's KMS key, `alias/...`."""
    account_id: pulumi.Input[str]
    """Required. The account the vault lives in; its root administers the key."""
    region: str
    """Required. The vault's region (the provider's): the key may be used only through AWS Backup there."""
    break_glass_role_arn: pulumi.Input[str]
    """Required. The one role allowed to delete recovery points or replace the vault access policy."""
    min_retention_days: int
    """Required. Vault Lock minimum retention: at most the backup policy's retention days, or the
    policy's own recovery points would be refused."""
    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included."""
    max_retention_days: int = DEFAULT_MAX_RETENTION_DAYS
    """Optional. Vault Lock maximum retention (default 3650, the platform's longest retention)."""
    changeable_for_days: int | None = None
    """Optional. None (default): governance-mode lock, changeable by privileged principals. A number
    (3 or more): compliance-mode lock that becomes immutable that many days after it is set."""
    service_role: bool = True
    """Optional. Create `/service-role/AWSBackupDefaultServiceRole` (once per account: IAM is global)."""
    lock: bool = True
    """Optional. `protect` and `retain_on_delete` on the key and the vault (default True)."""


def validate_backup_vault_args(args: BackupVaultArgs) -> list[str]:
    """Every problem with `args`, in field order; empty when a `BackupVault` can be built."""
    problems: list[str] = []
    if _VAULT_NAME.fullmatch(args.vault_name) is None:
        problems.append(f"vault_name {args.vault_name!r} must be 2-50 letters, digits, hyphens and underscores")
    problems += [f"key_alias {args.key_alias!r} {p}"
                 for p in check_name(NAME_RULES["aws"]["kms_alias"], args.key_alias)]
    problems += account_id_problems("account_id", args.account_id)
    if _REGION.fullmatch(args.region) is None:
        problems.append(f"region {args.region!r} is not an AWS region")
    if isinstance(args.break_glass_role_arn, str) and (
        IAM_PRINCIPAL_ARN_RE.fullmatch(args.break_glass_role_arn) is None or ":role/" not in args.break_glass_role_arn
    ):
        problems.append(f"break_glass_role_arn must be an IAM role ARN, got {args.break_glass_role_arn!r}")
    if not 1 <= args.min_retention_days <= MAX_LOCK_DAYS:
        problems.append(f"min_retention_days must be between 1 and {MAX_LOCK_DAYS}, got {args.min_retention_days}")
    problems += [f"tags: {p}" for p in check_tags(args.tags)]
    if not 1 <= args.max_retention_days <= MAX_LOCK_DAYS:
        problems.append(f"max_retention_days must be between 1 and {MAX_LOCK_DAYS}, got {args.max_retention_days}")
    elif args.max_retention_days < args.min_retention_days:
        problems.append(f"max_retention_days ({args.max_retention_days}) must not be less than min_retention_days "
                        f"({args.min_retention_days})")
    changeable = args.changeable_for_days
    if changeable is not None and not MIN_CHANGEABLE_FOR_DAYS <= changeable <= MAX_LOCK_DAYS:
        problems.append(f"changeable_for_days must be None (governance mode) or between {MIN_CHANGEABLE_FOR_DAYS} and "
                        f"{MAX_LOCK_DAYS}, got {args.changeable_for_days}")
    return problems


class BackupVault(pulumi.ComponentResource):
    """The organisation backup policy's vault (KMS-encrypted, locked, deletion-protected) and role."""

    vault_name: pulumi.Output[str]
    """Name of the vault."""
    vault_arn: pulumi.Output[str]
    """ARN of the vault."""
    key_arn: pulumi.Output[str]
    """ARN of the vault's KMS key."""
    service_role_arn: pulumi.Output[str] | None
    """ARN of `AWSBackupDefaultServiceRole`, when this vault created it."""

    def __init__(self, name: str, args: BackupVaultArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_backup_vault_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        tags = dict(args.tags)
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True) if args.lock else child

        key, _ = rotating_key_with_alias(
            f"{name}-key",
            parent=self,
            alias=args.key_alias,
            description=f"AWS Backup vault {args.vault_name}",
            policy=pulumi.Output.from_input(args.account_id).apply(
                lambda account: backup_key_policy(account_id=account, region=args.region)
            ),
            tags=tags,
            opts=stateful,
        )
        vault = aws.backup.Vault(
            f"{name}-vault",
            name=args.vault_name,
            kms_key_arn=key.arn,
            force_destroy=False,
            tags=tags,
            opts=stateful,
        )
        aws.backup.VaultLockConfiguration(
            f"{name}-lock",
            backup_vault_name=vault.name,
            min_retention_days=args.min_retention_days,
            max_retention_days=args.max_retention_days,
            changeable_for_days=args.changeable_for_days,
            opts=child,
        )
        aws.backup.VaultPolicy(
            f"{name}-policy",
            backup_vault_name=vault.name,
            policy=pulumi.Output.from_input(args.break_glass_role_arn).apply(
                lambda role: vault_access_policy(break_glass_role_arn=role)
            ),
            opts=child,
        )

        self.service_role_arn = None
        if args.service_role:
            role = aws.iam.Role(
                f"{name}-service-role",
                name=SERVICE_ROLE_NAME,
                path=SERVICE_ROLE_PATH,
                description="Assumed by AWS Backup for the organisation backup policy's jobs",
                assume_role_policy=service_role_trust_policy(),
                tags=tags,
                opts=child,
            )
            for suffix, policy_arn in SERVICE_ROLE_POLICY_ARNS.items():
                aws.iam.RolePolicyAttachment(
                    f"{name}-service-role-{suffix}", role=role.name, policy_arn=policy_arn, opts=child
                )
            self.service_role_arn = role.arn

        self.vault_name = vault.name
        self.vault_arn = vault.arn
        self.key_arn = key.arn
        outputs: dict[str, Any] = {"vault_name": self.vault_name, "vault_arn": self.vault_arn, "key_arn": self.key_arn}
        if self.service_role_arn is not None:
            outputs["service_role_arn"] = self.service_role_arn
        self.register_outputs(outputs)

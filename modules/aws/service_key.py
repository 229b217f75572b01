"""`ServiceKey`: the customer-managed KMS data key of one service environment.

The logging layer creates one per service environment, in that environment's workload account,
so that the key exists (and its ARN is in the `kms_keys` export) before the service stack that
encrypts its buckets, databases and secrets with it. The key is the service's cost, so it carries
the service's mandatory tags, not the platform's.

Children: `<name>-key` (`aws.kms.Key`: rotation on, 30-day deletion window; protected and retained
when `lock`) and `<name>-alias` (`aws.kms.Alias`, `alias/<prefix>/<service>/<env>`).

Who may do what (`service_key_policy`, a pure function):

* the account root administers the key (key management actions, no cryptographic use), so IAM
  in the account decides who manages it;
* the service's roles use it: roles of the account under the service's IAM path (`/lz/<service>/`,
  where the identity layer puts the service's deploy roles and every role they create), for
  encrypt/decrypt/data keys, and grants only for AWS resources (RDS, EBS...);
* only the platform's access role and the break-glass role may schedule deletion, disable the key
  or its rotation, or replace the key policy: an explicit Deny for everyone else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import pulumi
import pulumi_aws as aws

from lz.naming import NAME_RULES, check_name
from lz.tags import check_tags
from modules.aws.access_log_bucket import account_id_problems, policy_document
from modules.aws.iam_docs import IAM_PRINCIPAL_ARN_RE

TYPE_TOKEN: Final = "lz:aws:ServiceKey"

#: Days a KMS key waits between ScheduleKeyDeletion and deletion (the maximum: time to notice).
DELETION_WINDOW_DAYS: Final = 30
#: Key management without cryptographic use (the "key administrators" set of the default policy).
ADMIN_ACTIONS: Final = (
    "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
    "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
)
USE_ACTIONS: Final = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey")
#: Actions that destroy or lock out the key: reserved for the platform's own roles.
PROTECTED_ACTIONS: Final = ("kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DisableKeyRotation", "kms:PutKeyPolicy")
_SLUG: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ROLE_PATH: Final = re.compile(r"/(?:[\w+=,.@-]+/)*")


def service_key_alias(prefix: str, service: str, environment: str) -> str:
    """The alias service stacks and people find the key by: `alias/<prefix>/<service>/<env>`."""
    return f"alias/{prefix}/{service}/{environment}"


def service_key_policy(*, account_id: str, role_path: str, protected_principal_arns: Sequence[str]) -> str:
    """Key policy of a service data key (see the module docstring for who may do what)."""
    service_roles = {
        "StringEquals": {"aws:PrincipalAccount": account_id},
        "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{account_id}:role{role_path}*"},
    }
    statements: list[dict[str, Any]] = [
        {
            "Sid": "RootAdministersKey",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
            "Action": list(ADMIN_ACTIONS),
            "Resource": "*",
        },
        {
            "Sid": "ServiceRolesUseKey",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": list(USE_ACTIONS),
            "Resource": "*",
            "Condition": service_roles,
        },
        {
            "Sid": "ServiceRolesGrantToAwsResources",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
            "Resource": "*",
            "Condition": {**service_roles, "Bool": {"kms:GrantIsForAWSResource": "true"}},
        },
        {
            "Sid": "OnlyPlatformRolesDestroyKey",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": list(PROTECTED_ACTIONS),
            "Resource": "*",
            "Condition": {"ArnNotEquals": {"aws:PrincipalArn": sorted(set(protected_principal_arns))}},
        },
    ]
    return policy_document(statements)


@dataclass(frozen=True, kw_only=True)
class ServiceKeyArgs:
    """Inputs of `ServiceKey`."""

    alias: str
    """Required. The key alias (normally `service_key_alias(prefix, service, env)`)."""
    service: str
    """Required. The service slug (used in the key's description)."""
    role_path: str
    """Required. IAM path of the service's roles, e.g. `/lz/housing-repairs/` (identity layer's
    `service_role_path`): roles under it may use the key."""
    account_id: pulumi.Input[str]
    """Required. The workload account the key lives in (the provider's account)."""
    protected_principal_arns: Sequence[pulumi.Input[str]]
    """Required. Role ARNs allowed to delete or disable the key or replace its policy: the
    platform's access role (which deploys the key) and the break-glass role."""
    tags: Mapping[str, str]
    """Required. The service's tag set, mandatory tags included."""
    description: str = ""
    """Optional. Key description (default: `<service> data key (<alias>)`)."""
    lock: bool = False
    """Optional. `protect` and `retain_on_delete` on the key (True in production)."""


def validate_service_key_args(args: ServiceKeyArgs) -> list[str]:
    """Every problem with `args`; empty when a `ServiceKey` can be built from them."""
    problems = [f"alias {args.alias!r} {p}" for p in check_name(NAME_RULES["aws"]["kms_alias"], args.alias)]
    if _SLUG.fullmatch(args.service) is None:
        problems.append(f"service must be a lowercase slug, got {args.service!r}")
    if _ROLE_PATH.fullmatch(args.role_path) is None or args.role_path == "/":
        problems.append(f"role_path must be an IAM path below the root, such as '/lz/<service>/', got "
                        f"{args.role_path!r}")
    problems += account_id_problems("account_id", args.account_id)
    if not args.protected_principal_arns:
        problems.append("protected_principal_arns needs at least one role, or nobody could ever delete the key")
    for i, arn in enumerate(args.protected_principal_arns):
        if isinstance(arn, str) and IAM_PRINCIPAL_ARN_RE.fullmatch(arn) is None:
            problems.append(f"protected_principal_arns[{i}] must be an IAM role, user or account root ARN, got {arn!r}")
    problems += [f"tags: {p}" for p in check_tags(args.tags)]
    return problems


def rotating_key_with_alias(
    name: str,
    *,
    parent: pulumi.Resource,
    alias: str,
    description: pulumi.Input[str],
    policy: pulumi.Input[str],
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
    alias_resource_name: str | None = None,
) -> tuple[aws.kms.Key, aws.kms.Alias]:
    """A KMS key `name` (yearly rotation, `DELETION_WINDOW_DAYS` deletion window) with `opts`, and
    its alias `alias` as a plain child of `parent` (logical name `alias_resource_name`, default
    `<name>-alias`)."""
    key = aws.kms.Key(
        name,
        description=description,
        enable_key_rotation=True,
        deletion_window_in_days=DELETION_WINDOW_DAYS,
        policy=policy,
        tags=dict(tags),
        opts=opts,
    )
    key_alias = aws.kms.Alias(
        alias_resource_name or f"{name}-alias",
        name=alias,
        target_key_id=key.key_id,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return key, key_alias


class ServiceKey(pulumi.ComponentResource):
    """A service environment's data key and alias."""

    arn: pulumi.Output[str]
    """The key's ARN."""
    key_id: pulumi.Output[str]
    """The key's id."""
    alias_name: pulumi.Output[str]
    """The alias."""

    def __init__(self, name: str, args: ServiceKeyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_service_key_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        policy = pulumi.Output.all(
            pulumi.Output.from_input(args.account_id),
            *(pulumi.Output.from_input(a) for a in args.protected_principal_arns),
        ).apply(
            lambda v: service_key_policy(
                account_id=str(v[0]), role_path=args.role_path, protected_principal_arns=[str(a) for a in v[1:]]
            )
        )
        key, alias = rotating_key_with_alias(
            f"{name}-key",
            parent=self,
            alias=args.alias,
            description=args.description or f"{args.service} data key ({args.alias})",
            policy=policy,
            tags=args.tags,
            opts=(
                pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True)
                if args.lock
                else pulumi.ResourceOptions(parent=self)
            ),
            alias_resource_name=f"{name}-alias",
        )
        self.arn = key.arn
        self.key_id = key.key_id
        self.alias_name = alias.name
        self.register_outputs({"arn": self.arn, "key_id": self.key_id, "alias_name": self.alias_name})

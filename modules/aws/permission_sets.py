"""`PermissionSets`: the IAM Identity Center permission sets and who gets them in which account.

Children (logical names `<name>-<suffix>`, all parented to the component; deploy with a provider
for the organisation's management account, where Identity Center is administered):

| suffix                    | resource                                         | when                   |
|---------------------------|--------------------------------------------------|------------------------|
| `<set>`                   | `aws.ssoadmin.PermissionSet` (`PT<n>H` sessions) | per permission set     |
| `<set>-<policy>`          | `aws.ssoadmin.ManagedPolicyAttachment`           | per managed policy     |
| `<set>-inline`            | `aws.ssoadmin.PermissionSetInlinePolicy`         | sets with inline policy|
| `<group>-<set>-<account>` | `aws.ssoadmin.AccountAssignment` (GROUP)         | per group, set, account|

`<set>` is the permission set name with hyphens (`platform-admin`). Groups are looked up by display
name in the Identity Center identity store (`aws.identitystore.get_group_output`); the instance comes
from `aws.ssoadmin.get_instances_output` (Identity Center is enabled once, by hand: there is no API).
Groups and their members are managed in the council's identity provider, never here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, get_args

import pulumi
import pulumi_aws as aws

from lz.platformdef import PermissionSetName
from lz.tags import check_tags
from modules.aws.identity_docs import permission_set_policies, session_duration

TYPE_TOKEN: Final = "lz:aws:PermissionSets"
PERMISSION_SET_NAMES: Final[tuple[PermissionSetName, ...]] = get_args(PermissionSetName)
#: Identity Center: permission set names are 1-32 characters of `[\w+=,.@-]`.
PERMISSION_SET_NAME_RE: Final = re.compile(r"[\w+=,.@-]{1,32}")
MAX_SESSION_HOURS: Final = 12
ACCOUNT_SLUG_RE: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True, kw_only=True)
class GroupAssignment:
    """One group gets one permission set in some accounts."""

    group: str
    """Required. Display name of the Identity Center group (as synchronised from the identity provider)."""
    permission_set: PermissionSetName
    """Required. One of the permission sets the component creates."""
    account_ids: Mapping[str, pulumi.Input[str]]
    """Required. Accounts keyed by slug (stable logical names) to their 12-digit ids."""


@dataclass(frozen=True, kw_only=True)
class PermissionSetsArgs:
    """Inputs of `PermissionSets`."""

    prefix: str
    """Required. Council prefix; permission sets are named `<prefix>-<set>`, e.g. `ebc-platform-admin`."""
    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included; applied to every permission set."""
    session_duration_hours: int = 8
    """Optional. Access portal session length, 1-12 hours."""
    permission_sets: Sequence[PermissionSetName] = PERMISSION_SET_NAMES
    """Optional. Which permission sets to create (default all five)."""
    assignments: Sequence[GroupAssignment] = field(default_factory=tuple)
    """Optional. Group → permission set → accounts."""


def permission_set_name(prefix: str, name: str) -> str:
    return f"{prefix}-{name.replace('_', '-')}"


def group_slug(group: str) -> str:
    """A logical-name-safe form of a group display name: `Cloud Platform Admins` -> `cloud-platform-admins`."""
    return re.sub(r"[^a-z0-9]+", "-", group.lower()).strip("-")


def validate_permission_sets_args(args: PermissionSetsArgs) -> list[str]:
    """Every problem with `args`, in field order; empty when `PermissionSets` can be built from them."""
    problems: list[str] = []
    for name in args.permission_sets:
        if name not in PERMISSION_SET_NAMES:
            known = ", ".join(PERMISSION_SET_NAMES)
            problems.append(f"permission_sets: unknown permission set {name!r}; known: {known}")
        elif PERMISSION_SET_NAME_RE.fullmatch(permission_set_name(args.prefix, name)) is None:
            problems.append(f"prefix {args.prefix!r} makes permission set name "
                            f"{permission_set_name(args.prefix, name)!r} longer than 32 characters or invalid")
    if len(set(args.permission_sets)) != len(args.permission_sets):
        problems.append("permission_sets has duplicates")
    problems += [f"tags: {p}" for p in check_tags(args.tags)]
    if not 1 <= args.session_duration_hours <= MAX_SESSION_HOURS:
        problems.append(f"session_duration_hours must be 1-{MAX_SESSION_HOURS}, got {args.session_duration_hours}")
    seen: set[tuple[str, str, str]] = set()
    for i, a in enumerate(args.assignments):
        where = f"assignments[{i}]"
        if not group_slug(a.group):
            problems.append(f"{where}.group must name an Identity Center group, got {a.group!r}")
        if a.permission_set not in args.permission_sets:
            problems.append(f"{where}.permission_set {a.permission_set!r} is not one of the permission sets created")
        if not a.account_ids:
            problems.append(f"{where}.account_ids is empty")
        for slug, account_id in sorted(a.account_ids.items()):
            if ACCOUNT_SLUG_RE.fullmatch(slug) is None:
                problems.append(f"{where}.account_ids: key {slug!r} must be an account slug")
            if isinstance(account_id, str) and re.fullmatch(r"\d{12}", account_id) is None:
                problems.append(f"{where}.account_ids.{slug} must be a 12-digit account id, got {account_id!r}")
            key = (group_slug(a.group), a.permission_set, slug)
            if key in seen:
                problems.append(f"{where}: {a.group!r} already gets {a.permission_set!r} in {slug!r}")
            seen.add(key)
    return problems


class PermissionSets(pulumi.ComponentResource):
    """Identity Center permission sets with their policies, and group assignments to accounts."""

    permission_set_arns: pulumi.Output[dict[str, str]]
    """Permission set name (`platform_admin`) -> ARN."""

    def __init__(self, name: str, args: PermissionSetsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_permission_sets_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        instances = aws.ssoadmin.get_instances_output(opts=pulumi.InvokeOutputOptions(parent=self))
        instance_arn = instances.arns.apply(lambda arns: arns[0])
        identity_store_id = instances.identity_store_ids.apply(lambda ids: ids[0])

        policies = permission_set_policies()
        sets: dict[str, aws.ssoadmin.PermissionSet] = {}
        attached: dict[str, list[pulumi.Resource]] = {}
        for set_name in args.permission_sets:
            suffix = set_name.replace("_", "-")
            spec = policies[set_name]
            permission_set = aws.ssoadmin.PermissionSet(
                f"{name}-{suffix}",
                name=permission_set_name(args.prefix, set_name),
                description=spec.description,
                instance_arn=instance_arn,
                session_duration=session_duration(args.session_duration_hours),
                tags=tags,
                opts=child,
            )
            sets[set_name] = permission_set
            attached[set_name] = []
            for policy_arn in spec.managed_policy_arns:
                policy_name = policy_arn.rsplit("/", 1)[1]
                attached[set_name].append(aws.ssoadmin.ManagedPolicyAttachment(
                    f"{name}-{suffix}-{policy_name}",
                    instance_arn=instance_arn,
                    permission_set_arn=permission_set.arn,
                    managed_policy_arn=policy_arn,
                    opts=child,
                ))
            if spec.inline_policy is not None:
                attached[set_name].append(aws.ssoadmin.PermissionSetInlinePolicy(
                    f"{name}-{suffix}-inline",
                    instance_arn=instance_arn,
                    permission_set_arn=permission_set.arn,
                    inline_policy=spec.inline_policy,
                    opts=child,
                ))

        group_ids: dict[str, pulumi.Output[str]] = {}
        for assignment in args.assignments:
            if assignment.group not in group_ids:
                group = aws.identitystore.get_group_output(
                    identity_store_id=identity_store_id,
                    alternate_identifier=aws.identitystore.GetGroupAlternateIdentifierArgs(
                        unique_attribute=aws.identitystore.GetGroupAlternateIdentifierUniqueAttributeArgs(
                            attribute_path="DisplayName", attribute_value=assignment.group,
                        ),
                    ),
                    opts=pulumi.InvokeOutputOptions(parent=self),
                )
                group_ids[assignment.group] = group.group_id
            for slug, account_id in sorted(assignment.account_ids.items()):
                aws.ssoadmin.AccountAssignment(
                    f"{name}-{group_slug(assignment.group)}-{assignment.permission_set.replace('_', '-')}-{slug}",
                    instance_arn=instance_arn,
                    permission_set_arn=sets[assignment.permission_set].arn,
                    principal_type="GROUP",
                    principal_id=group_ids[assignment.group],
                    target_type="AWS_ACCOUNT",
                    target_id=account_id,
                    # Assign once the set has its policies, so nobody is provisioned an empty set.
                    opts=pulumi.ResourceOptions(parent=self, depends_on=attached[assignment.permission_set]),
                )

        self.permission_set_arns = pulumi.Output.all(
            *(sets[n].arn for n in args.permission_sets)
        ).apply(lambda arns: dict(zip(args.permission_sets, arns, strict=True)))
        self.register_outputs({"permission_set_arns": self.permission_set_arns})

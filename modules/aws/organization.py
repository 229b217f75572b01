"""`Organisation`: the AWS organisation itself, its OUs, member accounts and organisation policies.

Deployed once, from the management account. It creates:

- the organisation (all features; SCP, tag and backup policy types enabled; trusted access for the
  services the later layers administer organisation-wide);
- the OUs, by path (`Workloads/Prod` is OU `Prod` under OU `Workloads`), parents first;
- one member account per entry of `accounts`, placed in its OU, with the access role the platform
  layers assume;
- the service control policies of `modules.aws.scp`, one policy per SCP in use, attached per target
  (`Root` or an OU path);
- the tag policy (attached to the root) and, optionally, the backup policy (attached to one OU),
  from `modules.aws.org_policies`.

The organisation, the OUs and the accounts are what everything else lives in: with `lock` (the
default) they are protected and retained on delete, so removing them from the program never closes
an account or dissolves the organisation. Accounts are created with `close_on_deletion=False` for the
same reason.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import pulumi
import pulumi_aws as aws

from lz.platformdef import MAX_CUSTOM_SCPS_PER_TARGET
from lz.tags import check_tags
from modules.aws.org_policies import (
    backup_plan_name,
    backup_policy_json,
    check_backup_inputs,
    tag_policy_json,
)
from modules.aws.scp import SCP_DESCRIPTIONS, SCP_NAMES, check_scp_inputs, minify, scp_document

TYPE_TOKEN = "lz:aws:Organisation"

#: The target name of the organisation root in `scp_attachments`.
ROOT: Final = "Root"

#: Policy types enabled on the root (the organisation needs all features for them).
POLICY_TYPES: Final[tuple[str, ...]] = ("SERVICE_CONTROL_POLICY", "TAG_POLICY", "BACKUP_POLICY")

#: Services trusted to act across the organisation (EnableAWSServiceAccess). Each is used by a
#: later layer: organisation trail (cloudtrail), Config aggregator and conformance packs (config,
#: config-multiaccountsetup), GuardDuty and Security Hub delegated administration, Identity Center
#: (sso), resource sharing of the transit gateway and resolver rules (ram), IPAM, backup policies
#: (backup), StackSets with service-managed permissions, alternate contacts (account), tag policy
#: compliance reports (tagpolicies.tag) and Cost Optimization Hub.
DEFAULT_SERVICE_ACCESS_PRINCIPALS: Final[tuple[str, ...]] = (
    "account.amazonaws.com",
    "backup.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "config-multiaccountsetup.amazonaws.com",
    "config.amazonaws.com",
    "cost-optimization-hub.bcm.amazonaws.com",
    "guardduty.amazonaws.com",
    "ipam.amazonaws.com",
    "member.org.stacksets.cloudformation.amazonaws.com",
    "ram.amazonaws.com",
    "securityhub.amazonaws.com",
    "sso.amazonaws.com",
    "tagpolicies.tag.amazonaws.com",
)

_PREFIX = re.compile(r"^[a-z][a-z0-9]{1,5}$")
_OU_PATH = re.compile(r"^[A-Z][A-Za-z0-9]*(/[A-Z][A-Za-z0-9]*)*$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
_PRINCIPAL = re.compile(r"^[a-z0-9.-]+\.amazonaws\.com$")
#: Organizations limits an OU name to 128 and an account name to 50 characters.
OU_NAME_MAX = 128
ACCOUNT_NAME_MAX = 50


@dataclass(frozen=True, kw_only=True)
class MemberAccount:
    """One member account of the organisation."""

    name: str
    """Required. Display name (1-50 characters)."""
    email: str
    """Required. The account's root mailbox: unique in AWS, a shared and monitored mailbox."""
    ou: str
    """Required. Path of the OU the account is placed in, e.g. `Workloads/Prod`."""


@dataclass(frozen=True, kw_only=True)
class OrganisationBackup:
    """The organisation backup policy: a daily plan for resources tagged `<selection_tag>=daily`."""

    ou: str
    """Required. Path of the OU the policy is attached to (its accounts and child OUs get the plan)."""
    vault_name: str
    """Required. Backup vault the plan writes to; it must exist in every account in scope."""
    schedule: str = "cron(0 2 ? * * *)"
    """Optional. When the backup runs (AWS Backup cron, UTC)."""
    retention_days: int = 35
    """Optional. Days each recovery point is kept."""
    selection_tag: str = "backup"
    """Optional. Tag key selecting resources; its value must be `daily`."""


@dataclass(frozen=True, kw_only=True)
class OrganisationArgs:
    """Inputs of `Organisation`."""

    prefix: str
    """Required. The council's short prefix (2-6 lowercase letters/digits) starting policy names."""
    tags: Mapping[str, str]
    """Required. The full tag set, mandatory tags included, applied to every OU, account and policy."""
    organizational_units: Sequence[str]
    """Required. OU paths, parents before children, e.g. `["Workloads", "Workloads/Prod"]`."""
    accounts: Mapping[str, MemberAccount]
    """Required. Member accounts keyed by a stable slug (the key of `account_ids`)."""
    allowed_regions: Sequence[str]
    """Required. Regions the `deny-outside-allowed-regions` SCP and the backup plan cover."""
    scp_attachments: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Optional. SCP names (`modules.aws.scp.SCP_NAMES`) per target: `Root` or an OU path; at most
    `MAX_CUSTOM_SCPS_PER_TARGET` each (AWS's five minus the managed FullAWSAccess)."""
    access_role_name: str = "OrganizationAccountAccessRole"
    """Optional. Role Organizations creates in each new account; exempt from the platform-protecting SCPs."""
    break_glass_role_name: str = "lz-break-glass"
    """Optional. The emergency role; exempt from the platform-protecting SCPs."""
    backup: OrganisationBackup | None = None
    """Optional. The organisation backup policy; None: no backup policy."""
    tag_policy_environments: Sequence[str] = ()
    """Optional. `environment` values the tag policy reports as compliant; empty: any value."""
    service_access_principals: Sequence[str] = DEFAULT_SERVICE_ACCESS_PRINCIPALS
    """Optional. Services given trusted access to the organisation."""
    lock: bool = True
    """Optional. Protect and retain on delete the organisation, the OUs and the accounts."""


def ou_slug(path: str) -> str:
    """Logical-name form of an OU path: `Workloads/NonProd` -> `workloads-nonprod`."""
    return path.replace("/", "-").lower()


def _target_slug(target: str) -> str:
    return "root" if target == ROOT else ou_slug(target)


def _duplicates(values: Sequence[str]) -> list[str]:
    return sorted(v for v, n in Counter(values).items() if n > 1)


def _validate_ous(ous: Sequence[str]) -> list[str]:
    if isinstance(ous, str):
        return ["organizational_units must be a list of OU paths, not a single string"]
    problems: list[str] = []
    if not ous:
        problems.append("organizational_units must list at least one OU")
    for i, path in enumerate(ous):
        if not _OU_PATH.match(path):
            problems.append(f"OU path {path!r} must be names like 'Workloads/Prod' (letters and digits, "
                            "each starting with a capital)")
        elif any(len(part) > OU_NAME_MAX for part in path.split("/")):
            problems.append(f"OU path {path!r} has a name longer than {OU_NAME_MAX} characters")
        elif "/" in path and path.rsplit("/", 1)[0] not in ous[:i]:
            problems.append(f"OU {path!r} must come after its parent {path.rsplit('/', 1)[0]!r}")
    if dups := _duplicates(ous):
        problems.append(f"organizational_units has duplicates: {', '.join(dups)}")
    slugs = [ou_slug(p) for p in dict.fromkeys(ous)]
    if clash := _duplicates(slugs):
        problems.append(f"OU paths differ only in case: {', '.join(clash)}")
    return problems


def _validate_accounts(accounts: Mapping[str, MemberAccount], ous: Sequence[str]) -> list[str]:
    problems: list[str] = []
    if not accounts:
        problems.append("accounts must have at least one member account")
    for slug, account in accounts.items():
        if not _SLUG.match(slug):
            problems.append(f"account key {slug!r} must be a lowercase slug like 'workloads-prod'")
        if not 1 <= len(account.name) <= ACCOUNT_NAME_MAX:
            problems.append(f"account {slug!r}: name must be 1-{ACCOUNT_NAME_MAX} characters")
        if not _EMAIL.match(account.email):
            problems.append(f"account {slug!r}: {account.email!r} is not an email address")
        if account.ou not in ous:
            problems.append(f"account {slug!r}: OU {account.ou!r} is not in organizational_units")
    emails = [a.email.lower() for a in accounts.values()]
    if dups := _duplicates(emails):
        problems.append(f"each account needs its own root email; shared: {', '.join(dups)}")
    return problems


def _validate_scps(args: OrganisationArgs) -> list[str]:
    problems: list[str] = []
    for target, names in args.scp_attachments.items():
        if target != ROOT and target not in args.organizational_units:
            problems.append(f"scp_attachments: {target!r} is neither {ROOT!r} nor an OU in organizational_units")
        if isinstance(names, str):
            problems.append(f"scp_attachments.{target} must be a list of SCP names, not a single string")
            continue
        for name in dict.fromkeys(names):
            if name not in SCP_NAMES:
                close = difflib.get_close_matches(name, SCP_NAMES, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(f"scp_attachments.{target}: unknown SCP {name!r}{hint}")
        if len(names) > MAX_CUSTOM_SCPS_PER_TARGET:
            problems.append(f"scp_attachments.{target}: {len(names)} policies; AWS allows "
                            f"{MAX_CUSTOM_SCPS_PER_TARGET} besides FullAWSAccess")
        if dups := _duplicates(names):
            problems.append(f"scp_attachments.{target} has duplicates: {', '.join(dups)}")
    inputs = check_scp_inputs(allowed_regions=args.allowed_regions,
                              exempt_role_names=[args.access_role_name, args.break_glass_role_name])
    problems += inputs
    if not inputs:
        for name in used_scps(args):
            if name in SCP_NAMES:
                try:  # only the size can still fail: the inputs are valid
                    scp_document(name, allowed_regions=args.allowed_regions,
                                 exempt_role_names=[args.access_role_name, args.break_glass_role_name])
                except ValueError as exc:
                    problems.append(str(exc))
    return problems


def _validate_roles(args: OrganisationArgs) -> list[str]:
    problems: list[str] = []
    for label, value in (("access_role_name", args.access_role_name),
                         ("break_glass_role_name", args.break_glass_role_name)):
        if not _ROLE_NAME.match(value):
            problems.append(f"{label} {value!r} is not an IAM role name (1-64 letters, digits and + = , . @ _ -)")
    if args.access_role_name == args.break_glass_role_name:
        problems.append("access_role_name and break_glass_role_name must be different roles")
    return problems


def _validate_backup(args: OrganisationArgs) -> list[str]:
    backup = args.backup
    if backup is None:
        return []
    problems: list[str] = []
    if backup.ou not in args.organizational_units:
        problems.append(f"backup.ou {backup.ou!r} is not in organizational_units")
    problems += check_backup_inputs(schedule=backup.schedule, retention_days=backup.retention_days,
                                    selection_tag=backup.selection_tag, vault_name=backup.vault_name)
    return problems


def validate_organisation_args(args: OrganisationArgs) -> list[str]:
    """Every problem with `args`, as messages; an empty list means the arguments are valid."""
    problems: list[str] = []
    if not _PREFIX.match(args.prefix):
        problems.append(f"prefix {args.prefix!r} must be 2-6 lowercase letters or digits, starting with a letter")
    problems += [f"tags: {p}" for p in check_tags(args.tags)]
    problems += _validate_ous(args.organizational_units)
    problems += _validate_accounts(args.accounts, args.organizational_units)
    problems += _validate_roles(args)
    problems += _validate_scps(args)
    problems += _validate_backup(args)
    problems += [f"tag_policy_environments: {e!r} is not a lowercase slug"
                 for e in args.tag_policy_environments if not _SLUG.match(e)]
    if isinstance(args.service_access_principals, str):
        problems.append("service_access_principals must be a list of service principals, not a single string")
    else:
        problems += [f"service access principal {p!r} is not a service principal like 'config.amazonaws.com'"
                     for p in args.service_access_principals if not _PRINCIPAL.match(p)]
    if not isinstance(args.lock, bool):
        problems.append(f"lock must be True or False, got {args.lock!r}")
    return problems


def used_scps(args: OrganisationArgs) -> list[str]:
    """The SCPs attached anywhere, in `SCP_NAMES` order (one `Policy` each)."""
    used = {name for names in args.scp_attachments.values() for name in names}
    return [n for n in SCP_NAMES if n in used] + sorted(used - set(SCP_NAMES))


class Organisation(pulumi.ComponentResource):
    """The organisation, its OUs, member accounts and organisation policies (see the module docstring)."""

    id: pulumi.Output[str]
    """The organisation's id (`o-...`)."""
    arn: pulumi.Output[str]
    """The organisation's ARN."""
    root_id: pulumi.Output[str]
    """The root's id (`r-...`)."""
    master_account_id: pulumi.Output[str]
    """The management account's id."""
    ou_ids: pulumi.Output[dict[str, str]]
    """OU path -> OU id (`ou-...`)."""
    account_ids: pulumi.Output[dict[str, str]]
    """Account slug -> 12-digit account id."""
    policy_ids: dict[str, pulumi.Output[str]]
    """Policy key (an SCP name, `tag-policy`, `backup-policy`) -> policy id (`p-...`)."""

    def __init__(self, name: str, args: OrganisationArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_organisation_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)

        tags = dict(args.tags)
        child = pulumi.ResourceOptions(parent=self)
        keep = pulumi.ResourceOptions(
            parent=self,
            protect=True if args.lock else None,
            retain_on_delete=True if args.lock else None,
        )

        organization = aws.organizations.Organization(
            f"{name}-org",
            feature_set="ALL",
            enabled_policy_types=list(POLICY_TYPES),
            aws_service_access_principals=sorted(args.service_access_principals),
            opts=keep,
        )
        root_id = organization.roots.apply(lambda roots: str(roots[0].id))

        ous: dict[str, aws.organizations.OrganizationalUnit] = {}
        for path in args.organizational_units:
            parent, _, leaf = path.rpartition("/")
            ous[path] = aws.organizations.OrganizationalUnit(
                f"{name}-ou-{ou_slug(path)}",
                name=leaf,
                parent_id=ous[parent].id if parent else root_id,
                tags=tags,
                opts=keep,
            )

        accounts: dict[str, aws.organizations.Account] = {}
        for slug, member in sorted(args.accounts.items()):
            accounts[slug] = aws.organizations.Account(
                f"{name}-account-{slug}",
                name=member.name,
                email=member.email,
                parent_id=ous[member.ou].id,
                role_name=args.access_role_name,
                iam_user_access_to_billing="ALLOW",
                close_on_deletion=False,
                tags=tags,
                # Organizations cannot read either value back after creation (DescribeAccount does not
                # return them), so after an import they always differ; iam_user_access_to_billing even
                # forces a replacement of the account. Both only matter when the account is created.
                opts=pulumi.ResourceOptions.merge(keep, pulumi.ResourceOptions(
                    ignore_changes=["roleName", "iamUserAccessToBilling"])),
            )

        def target_id(target: str) -> pulumi.Output[str]:
            return root_id if target == ROOT else ous[target].id

        # A policy of a type can only be created once that type is enabled on the root.
        policy_opts = pulumi.ResourceOptions(parent=self, depends_on=[organization])
        exempt = [args.access_role_name, args.break_glass_role_name]
        self.policy_ids = {}
        scps: dict[str, aws.organizations.Policy] = {}
        for scp_name in used_scps(args):
            document = scp_document(scp_name, allowed_regions=args.allowed_regions, exempt_role_names=exempt)
            scps[scp_name] = aws.organizations.Policy(
                f"{name}-scp-{scp_name}",
                name=f"{args.prefix}-{scp_name}",
                description=SCP_DESCRIPTIONS[scp_name],
                type="SERVICE_CONTROL_POLICY",
                content=minify(document),
                tags=tags,
                opts=policy_opts,
            )
            self.policy_ids[scp_name] = scps[scp_name].id
        for target, names in args.scp_attachments.items():
            for scp_name in names:
                aws.organizations.PolicyAttachment(
                    f"{name}-attach-{_target_slug(target)}-{scp_name}",
                    policy_id=scps[scp_name].id,
                    target_id=target_id(target),
                    opts=child,
                )

        tag_policy = aws.organizations.Policy(
            f"{name}-tag-policy",
            name=f"{args.prefix}-mandatory-tags",
            description="Mandatory tag keys and the values the tag contract fixes",
            type="TAG_POLICY",
            content=tag_policy_json(environments=args.tag_policy_environments),
            tags=tags,
            opts=policy_opts,
        )
        self.policy_ids["tag-policy"] = tag_policy.id
        aws.organizations.PolicyAttachment(
            f"{name}-attach-root-tag-policy", policy_id=tag_policy.id, target_id=root_id, opts=child
        )

        if args.backup is not None:
            backup = args.backup
            plan = backup_plan_name(args.prefix)
            backup_policy = aws.organizations.Policy(
                f"{name}-backup-policy",
                name=f"{args.prefix}-backup-{backup.selection_tag}-daily",
                description=f"Daily AWS Backup of resources tagged {backup.selection_tag}=daily, "
                f"kept {backup.retention_days} days",
                type="BACKUP_POLICY",
                content=backup_policy_json(
                    plan_name=plan, schedule=backup.schedule, retention_days=backup.retention_days,
                    selection_tag=backup.selection_tag, vault_name=backup.vault_name,
                    regions=args.allowed_regions, plan_tags=tags,
                ),
                tags=tags,
                opts=policy_opts,
            )
            self.policy_ids["backup-policy"] = backup_policy.id
            aws.organizations.PolicyAttachment(
                f"{name}-attach-{ou_slug(backup.ou)}-backup-policy",
                policy_id=backup_policy.id,
                target_id=ous[backup.ou].id,
                opts=child,
            )

        self.id = organization.id
        self.arn = organization.arn
        self.root_id = root_id
        self.master_account_id = organization.master_account_id
        self.ou_ids = pulumi.Output.all(**{path: ou.id for path, ou in ous.items()})
        self.account_ids = pulumi.Output.all(**{slug: a.id for slug, a in accounts.items()})
        self.register_outputs(
            {
                "id": self.id,
                "arn": self.arn,
                "root_id": self.root_id,
                "master_account_id": self.master_account_id,
                "ou_ids": self.ou_ids,
                "account_ids": self.account_ids,
            }
        )

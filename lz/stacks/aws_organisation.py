"""Platform layer `platform-aws-organisation`: the organisation, OUs, accounts and guardrails.

The first layer. It runs in the management account with that account's own credentials (there is
no member account to assume a role in yet) and reads no other layer. It builds the `Organisation`
component from the `organisation` section of platform/aws.yaml and exports one broad map,
`organisation`, shaped exactly as `lz.stacks.contracts.OrganisationExport`:
`{"id", "arn", "root_id", "management_account_id", "ou_ids", "account_ids", "access_role_name"}`.
Every later layer reads it with a StackReference (`account_provider` uses `account_ids` and
`access_role_name` to deploy into member accounts).
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi

from lz.manifest import ServiceManifest
from lz.platformdef import PlatformDefinition
from lz.stacks.aws_common import PLATFORM_ENVIRONMENT, platform_tags
from lz.tags import register_tag_transform


def tag_policy_environments(manifests: Sequence[ServiceManifest]) -> list[str]:
    """`environment` tag values in use: the platform's own plus every service environment's name."""
    return sorted({PLATFORM_ENVIRONMENT} | {env for m in manifests for env in m.environments})


def run_organisation(platform: PlatformDefinition, manifests: Sequence[ServiceManifest]) -> None:
    import pulumi_aws as aws

    from modules.aws.org_policies import backup_vault_name
    from modules.aws.organization import MemberAccount, Organisation, OrganisationArgs, OrganisationBackup

    home = platform.regions.home
    org = platform.organisation
    tags = platform_tags(platform)
    register_tag_transform(tags)
    # The management account's own credentials: no assume_roles, since no member account exists yet.
    provider = aws.Provider("management", region=home)

    organisation = Organisation(
        "organisation",
        OrganisationArgs(
            prefix=platform.council.prefix,
            tags=tags,
            organizational_units=list(org.organizational_units),
            accounts={
                slug: MemberAccount(name=account.name, email=account.email, ou=account.ou)
                for slug, account in org.accounts.items()
            },
            allowed_regions=list(platform.regions.allowed),
            scp_attachments={target: list(names) for target, names in org.scp_attachments.items()},
            access_role_name=org.access_role_name,
            break_glass_role_name=org.break_glass_role_name,
            backup=OrganisationBackup(
                ou=org.backup.ou,
                vault_name=backup_vault_name(platform.council.prefix),
                schedule=org.backup.schedule,
                retention_days=org.backup.retention_days,
                selection_tag=org.backup.selection_tag,
            ),
            tag_policy_environments=tag_policy_environments(manifests),
            lock=True,
        ),
        opts=pulumi.ResourceOptions(provider=provider),
    )

    # Lets the network layer share the transit gateway, IPAM pool and resolver rules with the whole
    # organisation through RAM (needs ram.amazonaws.com among the trusted service principals).
    aws.ram.SharingWithOrganization(
        "ram-sharing-with-organisation",
        opts=pulumi.ResourceOptions(provider=provider, depends_on=[organisation]),
    )

    pulumi.export(
        "organisation",
        {
            "id": organisation.id,
            "arn": organisation.arn,
            "root_id": organisation.root_id,
            "management_account_id": organisation.master_account_id,
            "ou_ids": organisation.ou_ids,
            "account_ids": organisation.account_ids,
            "access_role_name": org.access_role_name,
        },
    )

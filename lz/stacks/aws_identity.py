"""Platform layer `platform-aws-identity`: who may do what, in which account, and how.

- People: IAM Identity Center permission sets and group assignments, in the management account
  (groups and their members live in the council's identity provider).
- Pipelines: a GitHub OIDC provider in every workload account, and per AWS service the plan and
  apply roles in each account its environments deploy to, capped by a permissions boundary.
- Emergencies: an MFA-only break-glass role in every member account, whose every use emails the
  platform owner.

No IAM users and no access keys anywhere. Reads `organisation` from `platform-aws-organisation`
(account ids, management account id, access role name) and exports one map, `identity`, shaped as
`lz.stacks.contracts.IdentityExport`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pulumi

from lz.manifest import ServiceManifest
from lz.naming import physical_name
from lz.platformdef import PlatformDefinition
from lz.stacks.aws_common import PLATFORM_ENVIRONMENT, account_provider, platform_tags
from lz.stacks.contracts import ORGANISATION_LAYER, SERVICE_BOUNDARY_POLICY_NAME, reference
from lz.tags import register_tag_transform

#: Name of the boundary policy in each workload account.
BOUNDARY_NAME = SERVICE_BOUNDARY_POLICY_NAME


def workload_account_slugs(platform: PlatformDefinition) -> list[str]:
    """Accounts that host service environments: the OIDC provider and deploy roles go there."""
    org = platform.organisation
    return sorted({*org.workload_accounts.values(), *(k for k, a in org.accounts.items() if a.purpose == "workloads")})


def service_accounts(
    manifests: Sequence[ServiceManifest], platform: PlatformDefinition
) -> dict[str, dict[str, list[str]]]:
    """AWS service -> account slug -> the service's environments deployed there."""
    out: dict[str, dict[str, list[str]]] = {}
    for manifest in sorted(manifests, key=lambda m: m.service):
        if manifest.cloud != "aws":
            continue
        for env in sorted(manifest.environments):
            slug = platform.organisation.workload_account(manifest.is_production(env))
            out.setdefault(manifest.service, {}).setdefault(slug, []).append(env)
    return out


def account_tier(platform: PlatformDefinition, slug: str) -> str:
    """The environment part of role names in an account: `prod` for the production workload account."""
    return "prod" if slug == platform.organisation.workload_account(True) else "nonprod"


def deploy_role_name(platform: PlatformDefinition, slug: str, service: str, kind: str) -> str:
    return physical_name("aws", "iam_role", prefix=platform.council.prefix, env=account_tier(platform, slug),
                         region=platform.regions.home, name=f"{service}-{kind}")


def assignment_accounts(platform: PlatformDefinition, accounts: Sequence[str]) -> list[str]:
    """Expand `all` to every account of the organisation config."""
    if "all" in accounts:
        return sorted(platform.organisation.accounts)
    return sorted(set(accounts))


def _account_id_of(slug: str) -> Callable[[Any], str]:
    return lambda organisation: str(organisation["account_ids"][slug])


def _item(key: str) -> Callable[[dict[str, str]], str]:
    return lambda mapping: mapping[key]


def run_identity(platform: PlatformDefinition, manifests: Sequence[ServiceManifest]) -> None:
    """Register the identity layer's resources and export `identity`. Call inside a Pulumi program."""
    import pulumi_aws as aws

    from modules.aws.break_glass import BreakGlassRole, BreakGlassRoleArgs
    from modules.aws.github_oidc import GitHubOidc, GitHubOidcArgs
    from modules.aws.identity_docs import alert_key_policy, management_root_arn
    from modules.aws.permission_sets import GroupAssignment, PermissionSets, PermissionSetsArgs
    from modules.aws.service_roles import ServiceDeployRoles, ServiceDeployRolesArgs, ServiceRoleSpec

    home = platform.regions.home
    prefix = platform.council.prefix
    tags = platform_tags(platform)
    register_tag_transform(tags)
    organisation = reference(ORGANISATION_LAYER).require_output("organisation")
    slugs = sorted(platform.organisation.accounts)
    account_ids = {s: organisation.apply(_account_id_of(s)) for s in slugs}

    # -- people: Identity Center in the management account -------------------------------------
    # Only ever the management account: credentials for any other account stop the provider.
    management = aws.Provider(
        "management",
        region=home,
        allowed_account_ids=[organisation.apply(lambda o: str(o["management_account_id"]))],
    )
    permission_sets = PermissionSets(
        "identity-center",
        PermissionSetsArgs(
            prefix=prefix,
            tags=tags,
            session_duration_hours=platform.identity.session_duration_hours,
            assignments=[
                GroupAssignment(
                    group=a.group,
                    permission_set=a.permission_set,
                    account_ids={s: account_ids[s] for s in assignment_accounts(platform, a.accounts)},
                )
                for a in platform.identity.assignments
            ],
        ),
        opts=pulumi.ResourceOptions(provider=management),
    )

    providers = {s: account_provider(f"aws-{s}", organisation=organisation, account=s, region=home) for s in slugs}

    # -- pipelines: GitHub OIDC and service deploy roles in the workload accounts ---------------
    github = platform.identity.github
    by_service = service_accounts(manifests, platform)
    oidc_arns: dict[str, Any] = {}
    boundary_arns: dict[str, Any] = {}
    service_roles: dict[str, dict[str, dict[str, Any]]] = {
        service: {"plan": {}, "apply": {}} for service in by_service
    }
    for slug in workload_account_slugs(platform):
        opts = pulumi.ResourceOptions(provider=providers[slug])
        oidc = GitHubOidc(f"github-oidc-{slug}", GitHubOidcArgs(tags=tags), opts=opts)
        services = {
            service: ServiceRoleSpec(
                environments=accounts[slug],
                plan_role_name=deploy_role_name(platform, slug, service, "plan"),
                apply_role_name=deploy_role_name(platform, slug, service, "apply"),
            )
            for service, accounts in by_service.items()
            if slug in accounts
        }
        roles = ServiceDeployRoles(
            f"deploy-roles-{slug}",
            ServiceDeployRolesArgs(
                account_id=account_ids[slug],
                prefix=prefix,
                allowed_regions=platform.regions.allowed,
                github_organisation=github.organisation,
                github_repository=github.repository,
                oidc_provider_arn=oidc.arn,
                services=services,
                tags=tags,
                boundary_name=BOUNDARY_NAME,
            ),
            opts=opts,
        )
        oidc_arns[slug] = oidc.arn
        boundary_arns[slug] = roles.boundary_arn
        for service in services:
            service_roles[service]["plan"][slug] = roles.plan_role_arns.apply(_item(service))
            service_roles[service]["apply"][slug] = roles.apply_role_arns.apply(_item(service))

    # -- emergencies: break glass in every member account -----------------------------------------
    principals: list[pulumi.Input[str]] = (
        list(platform.identity.break_glass_principals)
        or [organisation.apply(lambda o: management_root_arn(str(o["management_account_id"])))]
    )
    alert_name = physical_name("aws", "sns_topic", prefix=prefix, env=PLATFORM_ENVIRONMENT, region=home,
                               name="break-glass-alerts")
    break_glass_arns: dict[str, Any] = {}
    for slug in slugs:
        opts = pulumi.ResourceOptions(provider=providers[slug])
        key = aws.kms.Key(
            f"break-glass-alerts-key-{slug}",
            description="Encrypts break-glass alerts (EventBridge publishes to SNS with it)",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=account_ids[slug].apply(alert_key_policy),
            tags=tags,
            # Losing the key silently breaks the alert on every break-glass use.
            opts=pulumi.ResourceOptions(provider=providers[slug], protect=True, retain_on_delete=True),
        )
        aws.kms.Alias(
            f"break-glass-alerts-key-alias-{slug}",
            name=physical_name("aws", "kms_alias", prefix=prefix, env=PLATFORM_ENVIRONMENT, region=home,
                               name="break-glass-alerts"),
            target_key_id=key.key_id,
            opts=opts,
        )
        role = BreakGlassRole(
            f"break-glass-{slug}",
            BreakGlassRoleArgs(
                role_name=platform.organisation.break_glass_role_name,
                trusted_principal_arns=principals,
                account_id=account_ids[slug],
                alert_name=alert_name,
                alert_email=platform.owner.email,
                alert_kms_key_arn=key.arn,
                tags=tags,
            ),
            opts=opts,
        )
        break_glass_arns[slug] = role.role_arn

    pulumi.export(
        "identity",
        {
            "permission_set_arns": permission_sets.permission_set_arns,
            "github_oidc_provider_arns": oidc_arns,
            "permissions_boundary_arns": boundary_arns,
            "service_roles": service_roles,
            "break_glass_role_arns": break_glass_arns,
        },
    )

"""`ServiceDeployRoles`: in one workload account, the permissions boundary and, per service, the
GitHub Actions plan and apply roles its pipelines use. No IAM users, no access keys.

Children (parented to the component):

| suffix                      | resource                                                        | when        |
|-----------------------------|-----------------------------------------------------------------|-------------|
| `boundary`                  | `aws.iam.Policy` at `/lz/`: the service permissions boundary      | always      |
| `<service>-plan`            | `aws.iam.Role` at `/lz/<service>/`, 1-hour sessions, boundary set | per service |
| `<service>-plan-view-only`  | `aws.iam.RolePolicyAttachment` (AWS managed ViewOnlyAccess)       | per service |
| `<service>-plan-policy`     | `aws.iam.RolePolicy`: metadata reads, data reads denied           | per service |
| `<service>-apply`           | `aws.iam.Role` at `/lz/<service>/`, 1-hour sessions, boundary set | per service |
| `<service>-apply-policy`    | `aws.iam.RolePolicy`: the service's resource types, tag-scoped    | per service |

The plan role trusts pull requests and `main` of the landing-zone repository; the apply role trusts
only the GitHub environments `<service>-<env>` of the environments deployed into this account, so
each environment's required reviewers gate its deployments. The boundary caps both roles and every
role the apply role creates (it may only create roles that carry the same boundary). The OIDC
provider is a dependency (`GitHubOidc`), passed in by ARN.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import pulumi
import pulumi_aws as aws

from lz.naming import NAME_RULES, PREFIX_RE, check_name
from lz.tags import check_tags
from modules.aws.identity_docs import (
    ACCOUNT_ID_RE,
    BOUNDARY_PATH,
    ROLE_MAX_SESSION_SECONDS,
    SERVICE_RE,
    VIEW_ONLY_ACCESS,
    apply_role_policy,
    apply_trust_policy,
    plan_role_policy,
    plan_trust_policy,
    service_boundary_policy,
    service_role_path,
)

TYPE_TOKEN: Final = "lz:aws:ServiceDeployRoles"
#: IAM policy names: 1-128 characters of `[\w+=,.@-]`.
POLICY_NAME_RE: Final = re.compile(r"[\w+=,.@-]{1,128}")
GITHUB_NAME_RE: Final = re.compile(r"[A-Za-z0-9._-]{1,100}")
#: IAM inline role policies share a 10,240-character budget per role.
INLINE_POLICY_LIMIT: Final = 10_240


@dataclass(frozen=True, kw_only=True)
class ServiceRoleSpec:
    """One service's deploy roles in this account."""

    environments: Sequence[str]
    """Required. The service's environments deployed into this account (`dev`, `prod` ...)."""
    plan_role_name: str
    """Required. Physical name of the plan role (from `lz.naming.physical_name("aws", "iam_role", ...)`)."""
    apply_role_name: str
    """Required. Physical name of the apply role."""


@dataclass(frozen=True, kw_only=True)
class ServiceDeployRolesArgs:
    """Inputs of `ServiceDeployRoles`."""

    account_id: pulumi.Input[str]
    """Required. The 12-digit id of the account the provider deploys into (used in policy ARNs)."""
    prefix: str
    """Required. Council prefix: service buckets the apply role manages are named `<prefix>-*-s3-<service>-*`."""
    allowed_regions: Sequence[str]
    """Required. Regions the boundary allows (global services and us-east-1 ACM/WAF excepted)."""
    github_organisation: str
    """Required. GitHub organisation running the pipelines."""
    github_repository: str
    """Required. Repository holding the landing zone and the manifests."""
    oidc_provider_arn: pulumi.Input[str]
    """Required. ARN of the account's GitHub OIDC provider (`GitHubOidc.arn`)."""
    services: Mapping[str, ServiceRoleSpec]
    """Required. Deploy roles per service slug; may be empty (the boundary is still created)."""
    tags: Mapping[str, str]
    """Required. The full tag set of the roles and boundary: the platform's (`service=platform`), so
    the boundary's deny of platform-tagged resources also stops a role changing itself."""
    boundary_name: str = "lz-service-boundary"
    """Optional. Name of the boundary policy (path `/lz/`)."""


def validate_service_deploy_roles_args(args: ServiceDeployRolesArgs) -> list[str]:
    """Every problem with `args`, in field order; empty when `ServiceDeployRoles` can be built."""
    problems: list[str] = []
    if isinstance(args.account_id, str) and ACCOUNT_ID_RE.fullmatch(args.account_id) is None:
        problems.append(f"account_id must be a 12-digit account id, got {args.account_id!r}")
    if PREFIX_RE.fullmatch(args.prefix) is None:
        problems.append(f"prefix {args.prefix!r} must be 2-8 lowercase letters and digits, starting with a letter")
    if not args.allowed_regions:
        problems.append("allowed_regions is empty")
    if GITHUB_NAME_RE.fullmatch(args.github_organisation) is None:
        problems.append(f"github_organisation {args.github_organisation!r} is not a GitHub organisation name")
    if GITHUB_NAME_RE.fullmatch(args.github_repository) is None:
        problems.append(f"github_repository {args.github_repository!r} is not a GitHub repository name")
    role_rule = NAME_RULES["aws"]["iam_role"]
    names: list[str] = []
    for service, spec in sorted(args.services.items()):
        if SERVICE_RE.fullmatch(service) is None:
            problems.append(f"services: key {service!r} must be a service slug")
        if not spec.environments:
            problems.append(f"services.{service}.environments is empty")
        bad_envs = [e for e in spec.environments if SERVICE_RE.fullmatch(e) is None]
        if bad_envs:
            problems.append(f"services.{service}.environments: not environment slugs: {bad_envs}")
        for field_name in ("plan_role_name", "apply_role_name"):
            role_name = getattr(spec, field_name)
            problems += [f"services.{service}.{field_name} {role_name!r} {p}" for p in check_name(role_rule, role_name)]
            names.append(role_name.lower())
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        problems.append(f"services: role names used twice (IAM names are case-insensitive): {dupes}")
    problems += [f"tags: {p}" for p in check_tags(args.tags)]
    if POLICY_NAME_RE.fullmatch(args.boundary_name) is None:
        problems.append(f"boundary_name {args.boundary_name!r} must be 1-128 of letters, digits and +=,.@_-")
    return problems


class ServiceDeployRoles(pulumi.ComponentResource):
    """The permissions boundary and the GitHub plan/apply roles of services in one account."""

    boundary_arn: pulumi.Output[str]
    """ARN of the permissions boundary policy."""
    plan_role_arns: pulumi.Output[dict[str, str]]
    """Service -> plan role ARN."""
    apply_role_arns: pulumi.Output[dict[str, str]]
    """Service -> apply role ARN."""

    def __init__(self, name: str, args: ServiceDeployRolesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = validate_service_deploy_roles_args(args)
        if problems:
            raise ValueError("; ".join(problems))
        super().__init__(TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        account_id = pulumi.Output.from_input(args.account_id)
        regions = list(args.allowed_regions)

        boundary = aws.iam.Policy(
            f"{name}-boundary",
            name=args.boundary_name,
            path=BOUNDARY_PATH,
            description="Permissions boundary of service deploy roles and the roles they create",
            policy=account_id.apply(lambda a: service_boundary_policy(a, args.boundary_name, regions)),
            tags=tags,
            opts=child,
        )
        provider_arn = pulumi.Output.from_input(args.oidc_provider_arn)
        org, repo = args.github_organisation, args.github_repository

        plan_arns: dict[str, pulumi.Output[str]] = {}
        apply_arns: dict[str, pulumi.Output[str]] = {}
        for service, spec in sorted(args.services.items()):
            path = service_role_path(service)
            envs = sorted(spec.environments)
            plan = aws.iam.Role(
                f"{name}-{service}-plan",
                name=spec.plan_role_name,
                path=path,
                description=f"GitHub Actions: plan {service} (read-only, no data reads)",
                assume_role_policy=provider_arn.apply(lambda p: plan_trust_policy(p, org, repo)),
                max_session_duration=ROLE_MAX_SESSION_SECONDS,
                permissions_boundary=boundary.arn,
                tags=tags,
                opts=child,
            )
            aws.iam.RolePolicyAttachment(
                f"{name}-{service}-plan-view-only", role=plan.name, policy_arn=VIEW_ONLY_ACCESS, opts=child,
            )
            aws.iam.RolePolicy(f"{name}-{service}-plan-policy", role=plan.name, policy=plan_role_policy(), opts=child)
            apply = aws.iam.Role(
                f"{name}-{service}-apply",
                name=spec.apply_role_name,
                path=path,
                description=f"GitHub Actions: deploy {service} ({', '.join(envs)})",
                assume_role_policy=provider_arn.apply(
                    lambda p, s=service, e=envs: apply_trust_policy(p, org, repo, s, e)  # type: ignore[misc]
                ),
                max_session_duration=ROLE_MAX_SESSION_SECONDS,
                permissions_boundary=boundary.arn,
                tags=tags,
                opts=child,
            )
            own = (spec.plan_role_name, spec.apply_role_name)
            aws.iam.RolePolicy(
                f"{name}-{service}-apply-policy",
                role=apply.name,
                # The policy names the boundary ARN as IAM will form it, known before the policy exists.
                policy=account_id.apply(
                    lambda a, s=service, o=own: apply_role_policy(  # type: ignore[misc]
                        account_id=a, prefix=args.prefix, service=s, boundary_name=args.boundary_name,
                        own_role_names=o,
                    )
                ),
                opts=child,
            )
            plan_arns[service] = plan.arn
            apply_arns[service] = apply.arn

        self.boundary_arn = boundary.arn
        self.plan_role_arns = _collect(plan_arns)
        self.apply_role_arns = _collect(apply_arns)
        self.register_outputs({
            "boundary_arn": self.boundary_arn,
            "plan_role_arns": self.plan_role_arns,
            "apply_role_arns": self.apply_role_arns,
        })


def _collect(arns: Mapping[str, pulumi.Output[str]]) -> pulumi.Output[dict[str, str]]:
    keys = list(arns)
    return pulumi.Output.all(*(arns[k] for k in keys)).apply(lambda v: dict(zip(keys, v, strict=True)))

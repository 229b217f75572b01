"""What every AWS platform layer shares: the platform's tags and a provider per member account."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pulumi

from lz.naming import physical_name
from lz.platformdef import PlatformDefinition
from lz.stacks.contracts import PLATFORM_SESSION, access_role_arn
from lz.tags import TagContext

if TYPE_CHECKING:
    import pulumi_aws as aws

#: Environment tag value of shared platform resources.
PLATFORM_ENVIRONMENT = "shared"


def platform_tags(platform: PlatformDefinition) -> dict[str, str]:
    """Mandatory tags of shared platform resources: the platform team owns and pays for them."""
    return TagContext(
        service="platform",
        cost_centre=platform.cost_centre,
        owner=platform.owner.email,
        environment=PLATFORM_ENVIRONMENT,
        business_unit=platform.business_unit,
        data_classification="OFFICIAL",
    ).as_tags()


def log_archive_bucket_name(platform: PlatformDefinition) -> str:
    """The log archive bucket's name: deterministic, like every platform name (no random suffix)."""
    return physical_name("aws", "s3_bucket", prefix=platform.council.prefix, env=PLATFORM_ENVIRONMENT,
                         region=platform.regions.home, name="log-archive")


def flow_logs_destination_arn(platform: PlatformDefinition) -> str:
    """Where every VPC's flow logs go: the `vpc-flow-logs` prefix of the log archive bucket.

    The network layer computes it instead of reading the logging layer: an S3 ARN is fixed by the
    bucket's name, so the two layers do not have to be planned one after the other (a service's
    verdict plans them side by side). tests/lz/stacks/test_aws_platform.py checks it is exactly the
    logging layer's exported `log_destinations.flow_logs_arn`.
    """
    from modules.aws.log_archive import FLOW_LOGS_PREFIX  # the prefix its bucket policy admits

    return f"arn:aws:s3:::{log_archive_bucket_name(platform)}/{FLOW_LOGS_PREFIX}"


def account_provider(
    name: str,
    *,
    organisation: pulumi.Output[Any],
    account: str,
    region: str,
    default_tags: dict[str, str] | None = None,
) -> aws.Provider:
    """A provider deploying into member account `account` (a slug of `organisation.accounts`).

    It assumes the organisation's access role in that account, and `allowed_account_ids` makes the
    provider refuse to touch any other account should the role resolve somewhere unexpected.
    `organisation` is the `organisation` export of the organisation layer.
    """
    import pulumi_aws as aws

    account_id = organisation.apply(lambda o: str(o["account_ids"][account]))
    role_arn = pulumi.Output.all(account_id, organisation.apply(lambda o: str(o["access_role_name"]))).apply(
        lambda a: access_role_arn(a[0], a[1])
    )
    return aws.Provider(
        name,
        region=region,
        allowed_account_ids=[account_id],
        assume_roles=[aws.ProviderAssumeRoleArgs(role_arn=role_arn, session_name=PLATFORM_SESSION)],
        default_tags=aws.ProviderDefaultTagsArgs(tags=default_tags) if default_tags else None,
    )

"""Platform layer `platform-aws-logging`: the log archive, the organisation trail, AWS Config, the
security services, access-log buckets and the service environments' data keys.

Reads (one StackReference): `organisation` from `platform-aws-organisation` (`OrganisationExport`:
the organisation id, the management account id, the account ids by slug and the access role that
this layer assumes in each member account).

Where each part lives:

- management: the organisation trail; GuardDuty, Security Hub and Config delegation to audit;
- log archive: `LogArchive` (log key, Object Lock archive bucket, cost-reports bucket);
- audit: GuardDuty and Security Hub administration, the Config aggregator and organisation rule,
  findings alerts;
- every account (management included): a Config recorder in each allowed region; every member
  account: its access-log bucket;
- workload accounts: one KMS data key per AWS service environment (the service's cost);
- every account in the organisation backup policy's OU (`organisation.backup.ou`) or below it: the
  policy's vault (`BackupVault`, in each allowed region) and `AWSBackupDefaultServiceRole`, which the
  policy's jobs need and AWS Backup does not create.

The cost-reports bucket's policy lets the management account's replication role
(`contracts.COST_REPORTS_REPLICATION_ROLE_NAME`, created later by the cost layer) replicate CUR 2.0
into it; the role's ARN follows from the management account id and that fixed name.

Exports, exactly in the shapes of `lz/stacks/contracts.py`: `log_destinations`
(`LogDestinationsExport`), `kms_keys` (`KmsKeysExport`) and `security` (`SecurityExport`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pulumi

from lz.manifest import ServiceManifest
from lz.naming import physical_name
from lz.platformdef import PlatformDefinition
from lz.stacks.aws_common import PLATFORM_ENVIRONMENT, account_provider, log_archive_bucket_name, platform_tags
from lz.stacks.contracts import (
    ORGANISATION_LAYER,
    access_role_arn,
    cost_reports_replication_role_arn,
    reference,
)
from lz.stacks.service import mandatory_tags, stack_name
from lz.tags import register_tag_transform

if TYPE_CHECKING:
    import pulumi_aws as aws

#: Key of the management account in per-account maps (it has no slug in `organisation.accounts`).
MANAGEMENT = "management"
#: Logs move on from Glacier Instant Retrieval to Deep Archive after a year at the earliest.
DEEP_ARCHIVE_AFTER_DAYS = 365
#: Glacier Instant Retrieval's minimum storage duration (days).
GLACIER_IR_MINIMUM_DAYS = 90


def deep_archive_days(archive_after_days: int, expire_after_days: int) -> int | None:
    """When logs move to Deep Archive: a year, but never within Instant Retrieval's 90-day minimum;
    None when that would be at or after expiry (moving them would only add cost)."""
    days = max(DEEP_ARCHIVE_AFTER_DAYS, archive_after_days + GLACIER_IR_MINIMUM_DAYS)
    return days if days < expire_after_days else None


def in_ou(account_ou: str, ou: str) -> bool:
    """Whether an account in `account_ou` is in OU `ou` or below it (`Workloads/Prod/Web` is in
    `Workloads/Prod`; `Workloads/Production` is not)."""
    return account_ou == ou or account_ou.startswith(f"{ou}/")


def backup_accounts(platform: PlatformDefinition) -> list[str]:
    """Slugs of the accounts the organisation backup policy reaches: its OU and every OU below."""
    org = platform.organisation
    return sorted(slug for slug, account in org.accounts.items() if in_ou(account.ou, org.backup.ou))


def run_logging(platform: PlatformDefinition, manifests: Sequence[ServiceManifest]) -> None:
    """Register the logging layer. Call inside a Pulumi program for stack `platform-aws-logging`."""
    import pulumi_aws as aws

    from modules.aws.access_log_bucket import AccessLogBucket, AccessLogBucketArgs
    from modules.aws.backup_vault import BackupVault, BackupVaultArgs
    from modules.aws.config_recorder import ConfigRecorder, ConfigRecorderArgs
    from modules.aws.identity_docs import service_role_path
    from modules.aws.log_archive import CONFIG_PREFIX, LogArchive, LogArchiveArgs
    from modules.aws.org_policies import backup_vault_name
    from modules.aws.org_trail import OrganisationTrail, OrganisationTrailArgs
    from modules.aws.security_services import (
        SecurityDelegation,
        SecurityDelegationArgs,
        SecurityTooling,
        SecurityToolingArgs,
    )
    from modules.aws.service_key import ServiceKey, ServiceKeyArgs, service_key_alias

    tags = platform_tags(platform)
    register_tag_transform(tags)
    organisation = reference(ORGANISATION_LAYER).require_output("organisation")
    org = platform.organisation
    home = platform.regions.home
    prefix = platform.council.prefix
    logging_cfg = platform.logging

    def name(kind: str, suffix: str) -> str:
        return physical_name("aws", kind, prefix=prefix, env=PLATFORM_ENVIRONMENT, region=home, name=suffix)

    def account_id(slug: str) -> pulumi.Output[str]:
        if slug == MANAGEMENT:
            return organisation.apply(lambda o: str(o["management_account_id"]))
        return organisation.apply(lambda o: str(o["account_ids"][slug]))

    organisation_id = organisation.apply(lambda o: str(o["id"]))
    # Like `account_provider`, refuse to deploy anywhere but the account the organisation names.
    management = aws.Provider(MANAGEMENT, region=home, allowed_account_ids=[account_id(MANAGEMENT)])
    providers: dict[tuple[str, str], aws.Provider] = {(MANAGEMENT, home): management}

    def provider(slug: str, region: str = home) -> aws.Provider:
        if (slug, region) not in providers:
            if slug == MANAGEMENT:
                providers[(slug, region)] = aws.Provider(
                    f"{MANAGEMENT}-{region}", region=region, allowed_account_ids=[account_id(MANAGEMENT)]
                )
            else:
                providers[(slug, region)] = account_provider(
                    f"{slug}-{region}", organisation=organisation, account=slug, region=region
                )
        return providers[(slug, region)]

    log_archive_slug = org.account_key("log_archive")
    audit_slug = org.account_key("audit")

    # -- access-log buckets: S3 server access logs stay in the source bucket's account and region.
    access_logs: dict[str, AccessLogBucket] = {}
    for slug in sorted(org.accounts):
        access_logs[slug] = AccessLogBucket(
            f"access-logs-{slug}",
            AccessLogBucketArgs(
                bucket_name=name("s3_bucket", f"access-logs-{slug}"),
                account_id=account_id(slug),
                tags=tags,
                # Service static sites in workload accounts may use CloudFront standard logging.
                cloudfront_logging=org.accounts[slug].purpose == "workloads",
            ),
            opts=pulumi.ResourceOptions(provider=provider(slug)),
        )

    # -- the log archive and the organisation trail.
    trail_name = name("cloudtrail_trail", "organisation")
    archive = LogArchive(
        "log-archive",
        LogArchiveArgs(
            archive_bucket_name=log_archive_bucket_name(platform),
            cost_reports_bucket_name=name("s3_bucket", "cost-reports"),
            key_alias=name("kms_alias", "logs"),
            account_id=account_id(log_archive_slug),
            organisation_id=organisation_id,
            management_account_id=account_id(MANAGEMENT),
            region=home,
            trail_name=trail_name,
            access_log_bucket=access_logs[log_archive_slug].bucket_name,
            reader_account_ids=[account_id(audit_slug)],
            tags=tags,
            archive_after_days=logging_cfg.archive_after_days,
            deep_archive_after_days=deep_archive_days(logging_cfg.archive_after_days, logging_cfg.expire_after_days),
            expire_after_days=logging_cfg.expire_after_days,
            object_lock_mode=logging_cfg.object_lock_mode,
            object_lock_days=logging_cfg.object_lock_days,
            cost_reports_replication_role_arn=account_id(MANAGEMENT).apply(cost_reports_replication_role_arn),
        ),
        opts=pulumi.ResourceOptions(provider=provider(log_archive_slug)),
    )
    trail = OrganisationTrail(
        "organisation-trail",
        OrganisationTrailArgs(trail_name=trail_name, bucket_name=archive.bucket_name, kms_key_arn=archive.key_arn,
                              tags=tags),
        # CloudTrail checks the bucket policy and key policy when the trail is created.
        opts=pulumi.ResourceOptions(provider=management, depends_on=[archive]),
    )

    # -- AWS Config in every account and allowed region; global types in the home region only.
    for slug in [MANAGEMENT, *sorted(org.accounts)]:
        for region in platform.regions.allowed:
            ConfigRecorder(
                f"config-{slug}-{region}",
                ConfigRecorderArgs(
                    account_id=account_id(slug),
                    bucket_name=archive.bucket_name,
                    kms_key_arn=archive.key_arn,
                    s3_key_prefix=CONFIG_PREFIX,
                    tags=tags,
                    include_global_resource_types=region == home,
                    create_service_linked_role=region == home,
                ),
                opts=pulumi.ResourceOptions(provider=provider(slug, region), depends_on=[archive]),
            )

    # -- security services, administered by the audit account.
    security = platform.security
    delegation = SecurityDelegation(
        "security-delegation",
        SecurityDelegationArgs(audit_account_id=account_id(audit_slug), tags=tags, guardduty=security.guardduty),
        opts=pulumi.ResourceOptions(provider=management),
    )
    tooling = SecurityTooling(
        "security",
        SecurityToolingArgs(
            account_id=account_id(audit_slug),
            region=home,
            aggregator_name=f"{prefix}-organisation",
            aggregator_role_name=name("iam_role", "config-aggregator"),
            tags=tags,
            guardduty=security.guardduty,
            standards=list(security.security_hub_standards),
            cloudwatch_retention_days=logging_cfg.cloudwatch_retention_days,
            retention_rule_name=f"{prefix}-cloudwatch-log-retention",
            findings_email=security.findings_email,
            findings_topic_name=name("sns_topic", "security-findings"),
            findings_key_alias=name("kms_alias", "security-findings"),
        ),
        opts=pulumi.ResourceOptions(provider=provider(audit_slug), depends_on=[delegation]),
    )

    # -- one data key per AWS service environment, in its workload account: the service's cost.
    protected_roles = {
        slug: pulumi.Output.all(account_id(slug), organisation.apply(lambda o: str(o["access_role_name"]))).apply(
            lambda v: [access_role_arn(v[0], v[1]), access_role_arn(v[0], org.break_glass_role_name)]
        )
        for slug in sorted(set(org.workload_accounts.values()))
    }
    service_keys: dict[str, pulumi.Output[str]] = {}
    for manifest in sorted(manifests, key=lambda m: m.service):
        if manifest.cloud != "aws":
            continue
        for env_name, env in sorted(manifest.environments.items()):
            production = manifest.is_production(env_name)
            slug = org.workload_account(production)
            key_name = stack_name(manifest.service, env_name)
            roles = protected_roles[slug]
            key = ServiceKey(
                f"kms-{key_name}",
                ServiceKeyArgs(
                    alias=service_key_alias(prefix, manifest.service, env_name),
                    service=manifest.service,
                    role_path=service_role_path(manifest.service),
                    account_id=account_id(slug),
                    protected_principal_arns=[roles.apply(lambda r: r[0]), roles.apply(lambda r: r[1])],
                    tags=mandatory_tags(manifest, env_name),
                    description=f"{manifest.service} {env_name}: data encryption key",
                    lock=production,
                ),
                opts=pulumi.ResourceOptions(provider=provider(slug, env.region)),
            )
            service_keys[key_name] = key.arn

    # -- the organisation backup policy's vault and role in every account it reaches.
    for slug in backup_accounts(platform):
        break_glass = account_id(slug).apply(lambda a: access_role_arn(a, org.break_glass_role_name))
        for region in platform.regions.allowed:
            BackupVault(
                f"backup-{slug}-{region}",
                BackupVaultArgs(
                    vault_name=backup_vault_name(prefix),
                    key_alias=physical_name("aws", "kms_alias", prefix=prefix, env=PLATFORM_ENVIRONMENT,
                                            region=region, name="backup"),
                    account_id=account_id(slug),
                    region=region,
                    break_glass_role_arn=break_glass,
                    # Every recovery point the policy makes is kept exactly this long: the lock's
                    # minimum may not exceed it, or the vault would refuse them.
                    min_retention_days=org.backup.retention_days,
                    tags=tags,
                    # IAM is global: one service role per account, created with the home vault.
                    service_role=region == home,
                ),
                opts=pulumi.ResourceOptions(provider=provider(slug, region)),
            )

    guardduty_ids: dict[str, Any] = {}
    if tooling.detector_id is not None:
        guardduty_ids[audit_slug] = tooling.detector_id
    if delegation.management_detector_id is not None:
        guardduty_ids[MANAGEMENT] = delegation.management_detector_id

    pulumi.export(
        "log_destinations",
        {
            "log_archive_bucket": archive.bucket_name,
            "log_archive_bucket_arn": archive.arn,
            "cloudtrail_arn": trail.arn,
            "flow_logs_arn": archive.flow_logs_arn,
            "cost_reports_bucket": archive.cost_reports_bucket_name,
            "cost_reports_bucket_arn": archive.cost_reports_arn,
            "access_logs": {
                slug: {"name": bucket.bucket_name, "arn": bucket.arn, "region": home}
                for slug, bucket in access_logs.items()
            },
            "cloudwatch_retention_days": logging_cfg.cloudwatch_retention_days,
        },
    )
    pulumi.export("kms_keys", {"logs": archive.key_arn, "services": service_keys})
    pulumi.export(
        "security",
        {
            "guardduty_detector_ids": guardduty_ids,
            "security_hub_admin_account_id": account_id(audit_slug),
            "config_aggregator_arn": tooling.aggregator_arn,
        },
    )

"""Platform layer `platform-aws-cost`: cost allocation tags, budgets, anomaly alerts and the CUR 2.0 export.

Runs in the management (payer) account: only the payer sees the whole organisation's bill, and only
it can activate cost allocation tags, own organisation-wide budgets and create the CUR 2.0 export.
The program is deployed with management-account credentials; both providers refuse any other
account (`allowed_account_ids`).

Reads (StackReference):

| input                                   | from layer                    |
|-----------------------------------------|-------------------------------|
| `organisation.management_account_id`    | `platform-aws-organisation`   |
| `organisation.account_ids`              | `platform-aws-organisation`   |
| `log_destinations.cost_reports_bucket_arn` | `platform-aws-logging`     |

Exports one map, `cost` (`lz.stacks.contracts.CostExport`):
`{"alerts_topic_arn", "budgets", "anomaly_monitor_arn", "data_export_arn", "cost_allocation_tags"}`.

CUR 2.0 delivery: Data Exports cannot yet be told to deliver to another account's bucket (the
provider lacks `S3BucketOwner`), so the export writes to a staging bucket in this (management)
account, `CostReportStaging`, whose S3 replication copies every object, under the same keys, into the
log archive's cost-reports bucket (`log_destinations.cost_reports_bucket_arn`, in the log archive
account `organisation.account_ids[<log_archive slug>]`). The replication role's name is
`contracts.COST_REPORTS_REPLICATION_ROLE_NAME`, which the logging layer already allows. Auditors read
`s3://<cost_reports_bucket>/cur2/<prefix>-cur2/data/BILLING_PERIOD=*/*.parquet`.

Budgets: one per cost centre of the AWS service manifests (the sum of their environments' monthly
GBP budgets, times `cost.usd_per_gbp`, rounded up to whole dollars), one per account in
`cost.account_budgets_usd`, and one for the platform's own cost centre: the budgets of the accounts
the platform runs (every account that is not a workload account) plus any manifest charged to it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pulumi

from lz.manifest import ServiceManifest
from lz.naming import physical_name
from lz.platformdef import PlatformDefinition
from lz.stacks.aws_common import PLATFORM_ENVIRONMENT, platform_tags
from lz.stacks.contracts import (
    COST_REPORTS_REPLICATION_ROLE_NAME,
    LOGGING_LAYER,
    ORGANISATION_LAYER,
    CostExport,
    reference,
)
from lz.tags import MANDATORY_TAG_KEYS, register_tag_transform

#: Budgets, Cost Explorer (anomaly detection, cost allocation tags) and Data Exports are served
#: from US East (N. Virginia) whatever the home region; their resources hold billing metadata only.
BILLING_REGION = "us-east-1"
#: The export's folder name under the staging bucket, kept by replication in the cost reports bucket.
CUR_PREFIX = "cur2"
#: Days a CUR 2.0 file waits in the management account's staging bucket after replication.
STAGING_EXPIRE_AFTER_DAYS = 7


def usd_budget(gbp: Decimal, usd_per_gbp: float) -> int:
    """A GBP budget in whole US dollars, rounded up; decimal arithmetic, so 100 x 1.27 is 127, not 128."""
    return math.ceil(gbp * Decimal(str(usd_per_gbp)))


def cost_centre_budgets_gbp(manifests: Sequence[ServiceManifest]) -> dict[str, Decimal]:
    """Sum of the monthly GBP budgets of every AWS service environment, per cost centre."""
    totals: dict[str, Decimal] = {}
    for manifest in manifests:
        if manifest.cloud != "aws":
            continue
        for env in manifest.environments.values():
            totals[manifest.cost_centre] = totals.get(manifest.cost_centre, Decimal(0)) + Decimal(
                str(env.monthly_budget_gbp)
            )
    return dict(sorted(totals.items()))


def platform_accounts(platform: PlatformDefinition) -> list[str]:
    """Accounts the platform team runs and pays for: every account that is not a workload account."""
    return sorted(k for k, a in platform.organisation.accounts.items() if a.purpose != "workloads")


def budget_amounts_usd(platform: PlatformDefinition, manifests: Sequence[ServiceManifest]) -> dict[str, int]:
    """Monthly USD budget per cost centre, the platform's own included.

    Raises ValueError if the platform's cost centre would get no budget at all.
    """
    rate = platform.cost.usd_per_gbp
    amounts = {cc: usd_budget(gbp, rate) for cc, gbp in cost_centre_budgets_gbp(manifests).items()}
    own = sum(
        (Decimal(str(platform.cost.account_budgets_usd[a])) for a in platform_accounts(platform)
         if a in platform.cost.account_budgets_usd),
        Decimal(0),
    )
    platform_usd = math.ceil(own) + amounts.get(platform.cost_centre, 0)
    if platform_usd <= 0:
        raise ValueError(
            f"cost: the platform cost centre {platform.cost_centre} has no budget; set cost.account_budgets_usd "
            f"for the platform's accounts {platform_accounts(platform)}"
        )
    amounts[platform.cost_centre] = platform_usd
    return dict(sorted(amounts.items()))


def _account_id(account_ids: pulumi.Output[dict[str, str]], slug: str) -> pulumi.Output[str]:
    return account_ids.apply(lambda ids: ids[slug])


def run_cost(platform: PlatformDefinition, manifests: Sequence[ServiceManifest]) -> None:
    """Register the cost layer's resources and export `cost`. Call inside a Pulumi program."""
    import pulumi_aws as aws

    from modules.aws.anomaly_detection import AnomalyDetection, AnomalyDetectionArgs
    from modules.aws.budget_alerts import COST_CENTRE_TAG, AccountBudget, BudgetAlerts, BudgetAlertsArgs
    from modules.aws.cost_allocation_tags import CostAllocationTags, CostAllocationTagsArgs
    from modules.aws.cost_report_export import CostReportExport, CostReportExportArgs
    from modules.aws.cost_report_staging import CostReportStaging, CostReportStagingArgs

    home = platform.regions.home
    prefix = platform.council.prefix
    tags = platform_tags(platform)
    register_tag_transform(tags)
    amounts = budget_amounts_usd(platform, manifests)  # fails before anything is registered

    organisation: pulumi.Output[Any] = reference(ORGANISATION_LAYER).get_output("organisation")
    log_destinations: pulumi.Output[Any] = reference(LOGGING_LAYER).get_output("log_destinations")
    management_id = organisation.apply(lambda o: str(o["management_account_id"]))
    account_ids = organisation.apply(lambda o: {str(k): str(v) for k, v in o["account_ids"].items()})

    management = aws.Provider("management", region=home, allowed_account_ids=[management_id])
    billing = aws.Provider("management-us-east-1", region=BILLING_REGION, allowed_account_ids=[management_id])
    on_billing = pulumi.ResourceOptions(provider=billing)

    allocation = CostAllocationTags(
        "cost-allocation-tags", CostAllocationTagsArgs(tag_keys=list(MANDATORY_TAG_KEYS)), opts=on_billing
    )
    alerts = BudgetAlerts(
        "budget-alerts",
        BudgetAlertsArgs(
            name_prefix=prefix,
            topic_name=physical_name("aws", "sns_topic", prefix=prefix, env=PLATFORM_ENVIRONMENT, region=home,
                                     name="cost-alerts"),
            key_alias=physical_name("aws", "kms_alias", prefix=prefix, env=PLATFORM_ENVIRONMENT, region=home,
                                    name="cost-alerts"),
            account_id=management_id,
            tags=tags,
            alert_emails=list(platform.cost.alert_emails),
            thresholds_percent=list(platform.cost.thresholds_percent),
            cost_centre_budgets_usd=amounts,
            account_budgets={
                slug: AccountBudget(account_id=_account_id(account_ids, slug), amount_usd=math.ceil(usd))
                for slug, usd in sorted(platform.cost.account_budgets_usd.items())
            },
            budgets_provider=billing,
        ),
        opts=pulumi.ResourceOptions(provider=management),
    )
    anomalies = AnomalyDetection(
        "anomaly-detection",
        AnomalyDetectionArgs(
            name_prefix=prefix,
            topic_arn=alerts.topic_arn,
            threshold_usd=platform.cost.anomaly_threshold_usd,
            tags=tags,
            tag_key=COST_CENTRE_TAG,
        ),
        opts=on_billing,
    )
    log_archive_slug = platform.organisation.account_key("log_archive")
    staging = CostReportStaging(
        "cost-report-staging",
        CostReportStagingArgs(
            bucket_name=physical_name("aws", "s3_bucket", prefix=prefix, env=PLATFORM_ENVIRONMENT, region=home,
                                      name="cur-staging"),
            account_id=management_id,
            destination_bucket_arn=log_destinations.apply(lambda d: str(d["cost_reports_bucket_arn"])),
            destination_account_id=_account_id(account_ids, log_archive_slug),
            replication_role_name=COST_REPORTS_REPLICATION_ROLE_NAME,
            tags=tags,
            expire_after_days=STAGING_EXPIRE_AFTER_DAYS,
        ),
        opts=pulumi.ResourceOptions(provider=management),
    )
    export = CostReportExport(
        "cost-report-export",
        CostReportExportArgs(
            export_name=f"{prefix}-cur2",
            bucket_name=staging.bucket_name,
            # The staging bucket is in the home region, like the log archive it replicates to.
            bucket_region=home,
            billing_view_arn=management_id.apply(lambda a: f"arn:aws:billing::{a}:billingview/primary"),
            tags=tags,
            prefix=CUR_PREFIX,
        ),
        # `staging.bucket_name` waits for the staging bucket policy, which Data Exports checks.
        opts=on_billing,
    )

    cost: CostExport = {
        "alerts_topic_arn": alerts.topic_arn,  # type: ignore[typeddict-item]  # resolved on export
        "budgets": alerts.budget_names,
        "anomaly_monitor_arn": anomalies.service_monitor_arn,  # type: ignore[typeddict-item]
        "data_export_arn": export.arn,  # type: ignore[typeddict-item]
        "cost_allocation_tags": allocation.tag_keys,  # type: ignore[typeddict-item]
    }
    pulumi.export("cost", cost)

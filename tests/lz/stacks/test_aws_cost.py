"""Layer `platform-aws-cost` with the example platform and manifests, upstream layers faked."""

from __future__ import annotations

import json
import math
from decimal import Decimal

import pytest
from layer_helpers import ROOT, example_platform, fake_logging, fake_organisation, plan_layer

from lz.plan.model import StackPlan
from lz.stacks import load_estate
from lz.stacks.aws_cost import (
    BILLING_REGION,
    budget_amounts_usd,
    cost_centre_budgets_gbp,
    platform_accounts,
    run_cost,
    usd_budget,
)
from lz.stacks.contracts import (
    COST_LAYER,
    COST_REPORTS_REPLICATION_ROLE_NAME,
    LOGGING_LAYER,
    ORGANISATION_LAYER,
    CostExport,
    cost_reports_replication_role_arn,
)
from lz.tags import MANDATORY_TAG_KEYS, is_taggable

BUDGET = "aws:budgets/budget:Budget"
TAG = "aws:costexplorer/costAllocationTag:CostAllocationTag"
EXPORT = "aws:bcmdata/export:Export"
MONITOR = "aws:costexplorer/anomalyMonitor:AnomalyMonitor"
SUBSCRIPTION = "aws:costexplorer/anomalySubscription:AnomalySubscription"
TOPIC = "aws:sns/topic:Topic"
BUCKET = "aws:s3/bucket:Bucket"
STAGING = "lz:aws:CostReportStaging"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"


def manifests() -> list:
    return list(load_estate(ROOT).manifests.values())


def plan_cost() -> StackPlan:
    platform = example_platform()
    found = manifests()
    return plan_layer(lambda: run_cost(platform, found), COST_LAYER, platform)


@pytest.fixture(scope="module")
def plan() -> StackPlan:
    return plan_cost()


def expected_cost_centre_usd() -> dict[str, int]:
    """Worked out here from the manifests, independently of the layer's helpers."""
    rate = Decimal(str(example_platform().cost.usd_per_gbp))
    sums: dict[str, Decimal] = {}
    for m in manifests():
        if m.cloud == "aws":
            for env in m.environments.values():
                sums[m.cost_centre] = sums.get(m.cost_centre, Decimal(0)) + Decimal(str(env.monthly_budget_gbp))
    return {cc: math.ceil(total * rate) for cc, total in sums.items()}


def test_example_manifests_cover_both_clouds() -> None:
    clouds = {m.service: m.cloud for m in manifests()}
    assert clouds["planning-documents"] == "azure"
    assert {"housing-repairs", "council-website"} <= {s for s, c in clouds.items() if c == "aws"}


def test_per_cost_centre_budgets_are_the_manifest_sums_times_the_rate(plan: StackPlan) -> None:
    expected = expected_cost_centre_usd()
    assert expected == {"CC-1042": 1334, "CC-2001": 369}  # (150 + 900) x 1.27, (40 + 250) x 1.27 rounded up
    for cc, usd in expected.items():
        budget = plan.one(BUDGET, f"budget-alerts-cc-{cc.lower()}").inputs
        assert budget["name"] == f"ebc-cc-{cc}"
        assert budget["limitAmount"] == str(usd)
        assert budget["costFilters"] == [{"name": "TagKeyValue", "values": [f"user:cost-centre${cc}"]}]


def test_azure_service_gets_no_aws_budget(plan: StackPlan) -> None:
    azure_cc = next(m.cost_centre for m in manifests() if m.service == "planning-documents")
    names = [r.inputs["name"] for r in plan.find(BUDGET)]
    assert not any(azure_cc in n for n in names)
    filters = [v for r in plan.find(BUDGET) for f in r.inputs["costFilters"] for v in f["values"]]
    assert not any(azure_cc in v for v in filters)


def test_platform_cost_centre_budget_is_its_accounts_budgets(plan: StackPlan) -> None:
    platform = example_platform()
    own = sum(platform.cost.account_budgets_usd[a] for a in platform_accounts(platform)
              if a in platform.cost.account_budgets_usd)
    assert own == 900 + 150 + 150  # network, log-archive, audit
    budget = plan.one(BUDGET, "budget-alerts-cc-cc-0100").inputs
    assert budget["limitAmount"] == "1200"
    assert budget["costFilters"] == [{"name": "TagKeyValue", "values": ["user:cost-centre$CC-0100"]}]


def test_account_budgets_filter_on_the_organisation_account_ids(plan: StackPlan) -> None:
    platform = example_platform()
    ids = fake_organisation(platform)["account_ids"]
    for slug, usd in platform.cost.account_budgets_usd.items():
        budget = plan.one(BUDGET, f"budget-alerts-account-{slug}").inputs
        assert budget["limitAmount"] == str(math.ceil(usd))
        assert budget["costFilters"] == [{"name": "LinkedAccount", "values": [ids[slug]]}]


def test_every_budget_alerts_actual_and_forecast_per_threshold(plan: StackPlan) -> None:
    topic_arn = plan.outputs["cost"]["alerts_topic_arn"]
    thresholds = example_platform().cost.thresholds_percent
    for budget in plan.find(BUDGET):
        pairs = {(n["notificationType"], n["threshold"]) for n in budget.inputs["notifications"]}
        assert pairs == {(k, t) for k in ("ACTUAL", "FORECASTED") for t in thresholds}
        assert all(n["subscriberSnsTopicArns"] == [topic_arn] for n in budget.inputs["notifications"])
        assert budget.inputs["accountId"] == "111111111111"  # the management (payer) account


def test_every_mandatory_tag_key_is_activated(plan: StackPlan) -> None:
    assert sorted(r.inputs["tagKey"] for r in plan.find(TAG)) == sorted(MANDATORY_TAG_KEYS)
    assert all(r.inputs["status"] == "Active" for r in plan.find(TAG))


def test_billing_resources_use_the_us_east_1_management_provider(plan: StackPlan) -> None:
    providers = {r.urn: r for r in plan.resources if r.type == "pulumi:providers:aws"}
    by_name = {r.name: r for r in providers.values()}
    assert by_name["management-us-east-1"].inputs["region"] == BILLING_REGION
    assert by_name["management"].inputs["region"] == "eu-west-2"
    for provider in by_name.values():
        allowed = provider.inputs["allowedAccountIds"]
        assert (json.loads(allowed) if isinstance(allowed, str) else allowed) == ["111111111111"]
    for typ in (BUDGET, TAG, EXPORT, MONITOR, SUBSCRIPTION):
        for resource in plan.find(typ):
            assert resource.provider and resource.provider.startswith(by_name["management-us-east-1"].urn), typ
    assert plan.one(TOPIC).provider.startswith(by_name["management"].urn)


def test_export_delivers_to_the_management_staging_bucket(plan: StackPlan) -> None:
    [destination] = plan.one(EXPORT).inputs["export"]["destinationConfigurations"][0]["s3Destinations"]
    staging = plan.one(BUCKET, "cost-report-staging-bucket")
    assert staging.inputs["bucket"] == "ebc-shared-euw2-s3-cur-staging"
    assert destination["s3Bucket"] == staging.inputs["bucket"]
    # The layout `lz report cost --cur` reads is kept: replication copies keys unchanged.
    assert destination["s3Prefix"] == "cur2"
    assert destination["s3Region"] == "eu-west-2"
    assert plan.one(EXPORT).inputs["export"]["name"] == "ebc-cur2"
    view = plan.one(EXPORT).inputs["export"]["dataQueries"][0]["tableConfigurations"]["COST_AND_USAGE_REPORT"]
    assert view["BILLING_VIEW_ARN"] == "arn:aws:billing::111111111111:billingview/primary"
    # Data Exports checks the bucket policy when the export is created.
    staging_policy = plan.one("aws:s3/bucketPolicy:BucketPolicy", "cost-report-staging-policy")
    assert staging_policy.urn in plan.one(EXPORT).dependencies


def test_staging_lives_in_the_management_account_home_region(plan: StackPlan) -> None:
    providers = {r.name: r for r in plan.find("pulumi:providers:aws")}
    for resource in plan.managed():
        if resource.custom and resource.parent == plan.one(STAGING).urn:
            assert resource.provider.startswith(providers["management"].urn + "::"), resource.name
    policy = json.loads(plan.one("aws:s3/bucketPolicy:BucketPolicy", "cost-report-staging-policy").inputs["policy"])
    grant = next(s for s in policy["Statement"] if s["Sid"] == "AllowDataExportsDelivery")
    assert grant["Condition"]["StringLike"]["aws:SourceAccount"] == "111111111111"


def _replication_destination(plan: StackPlan) -> dict:
    [rule] = plan.one(REPLICATION).inputs["rules"]
    return rule["destination"]


def test_replication_goes_to_the_logging_bucket_in_the_log_archive_account(plan: StackPlan) -> None:
    platform = example_platform()
    logging = fake_logging(platform)["log_destinations"]
    organisation = fake_organisation(platform)
    destination = _replication_destination(plan)
    assert destination["bucket"] == logging["cost_reports_bucket_arn"]
    assert destination["account"] == organisation["account_ids"]["log-archive"]
    assert destination["accessControlTranslation"] == {"owner": "Destination"}
    role = plan.one("aws:iam/role:Role", "cost-report-staging-replication-role")
    assert role.inputs["name"] == COST_REPORTS_REPLICATION_ROLE_NAME
    assert plan.one(REPLICATION).inputs["role"] == role.outputs["arn"]
    assert role.outputs["arn"] == cost_reports_replication_role_arn("111111111111")
    role_policy = json.loads(plan.one("aws:iam/rolePolicy:RolePolicy").inputs["policy"])
    replicate = next(s for s in role_policy["Statement"] if s["Sid"] == "ReplicateToDestination")
    assert replicate["Resource"] == f"{logging['cost_reports_bucket_arn']}/*"


def test_replication_follows_the_upstream_exports_not_constants() -> None:
    platform = example_platform()
    organisation = fake_organisation(platform)
    organisation["account_ids"] = {**organisation["account_ids"], "log-archive": "999988887777"}
    logging = fake_logging(platform)
    logging["log_destinations"] = {**logging["log_destinations"],
                                   "cost_reports_bucket": "another-cost-bucket",
                                   "cost_reports_bucket_arn": "arn:aws:s3:::another-cost-bucket"}
    found = manifests()
    moved = plan_layer(lambda: run_cost(platform, found), COST_LAYER, platform,
                       upstream={ORGANISATION_LAYER: {"organisation": organisation}, LOGGING_LAYER: logging})
    destination = _replication_destination(moved)
    assert destination["bucket"] == "arn:aws:s3:::another-cost-bucket"
    assert destination["account"] == "999988887777"


def test_anomaly_alerts_go_to_the_topic_above_the_threshold(plan: StackPlan) -> None:
    sub = plan.one(SUBSCRIPTION).inputs
    assert sub["subscribers"] == [{"type": "SNS", "address": plan.outputs["cost"]["alerts_topic_arn"]}]
    assert sub["thresholdExpression"]["dimension"]["values"] == ["100"]
    assert {r.inputs["monitorDimension"] for r in plan.find(MONITOR)} == {"SERVICE", "TAG"}


def test_every_taggable_resource_has_the_platform_tags(plan: StackPlan) -> None:
    tagged = [r for r in plan.managed() if r.custom and is_taggable(r.type)]
    assert tagged
    for resource in tagged:
        assert resource.inputs["tags"]["cost-centre"] == "CC-0100", resource.name
        assert set(MANDATORY_TAG_KEYS) <= set(resource.inputs["tags"]), resource.name


def test_export_matches_the_contract(plan: StackPlan) -> None:
    cost = plan.outputs["cost"]
    assert set(cost) == set(CostExport.__annotations__)
    assert set(plan.outputs) == {"cost"}
    assert cost["alerts_topic_arn"] == plan.one(TOPIC).outputs["arn"]
    assert cost["anomaly_monitor_arn"] == plan.one(MONITOR, "anomaly-detection-services").outputs["arn"]
    assert cost["data_export_arn"] == plan.one(EXPORT).outputs["arn"]
    assert cost["cost_allocation_tags"] == list(MANDATORY_TAG_KEYS)
    assert cost["budgets"] == sorted(r.inputs["name"] for r in plan.find(BUDGET))
    assert all(isinstance(v, str) for v in (cost["alerts_topic_arn"], cost["anomaly_monitor_arn"],
                                             cost["data_export_arn"]))


def test_reads_only_the_organisation_and_logging_layers(plan: StackPlan) -> None:
    refs = {r.name.split("/")[-1] for r in plan.resources if r.type == "pulumi:pulumi:StackReference"}
    assert refs == {ORGANISATION_LAYER, LOGGING_LAYER}


def test_plan_is_deterministic(plan: StackPlan) -> None:
    again = plan_cost()
    assert json.dumps(again.to_json(), sort_keys=True) == json.dumps(plan.to_json(), sort_keys=True)


@pytest.mark.parametrize(
    ("gbp", "rate", "usd"),
    [("100", 1.27, 127), ("290", 1.27, 369), ("1050", 1.27, 1334), ("0.01", 1.27, 1), ("10", 1.0, 10),
     ("33.33", 1.5, 50)],
)
def test_usd_budget_rounds_up_exactly(gbp: str, rate: float, usd: int) -> None:
    assert usd_budget(Decimal(gbp), rate) == usd


def test_cost_centre_budgets_gbp_skips_azure() -> None:
    assert cost_centre_budgets_gbp(manifests()) == {"CC-1042": Decimal("1050"), "CC-2001": Decimal("290")}


def test_platform_without_any_budget_fails_before_planning() -> None:
    platform = example_platform()
    bare = platform.model_copy(update={"cost": platform.cost.model_copy(update={"account_budgets_usd": {}})})
    with pytest.raises(ValueError, match="the platform cost centre CC-0100 has no budget"):
        budget_amounts_usd(bare, manifests())


def test_manifest_on_the_platform_cost_centre_adds_to_the_platform_budget() -> None:
    platform = example_platform()
    found = manifests()
    website = next(m for m in found if m.service == "council-website")
    moved = [m.model_copy(update={"cost_centre": platform.cost_centre}) if m is website else m for m in found]
    amounts = budget_amounts_usd(platform, moved)
    assert "CC-2001" not in amounts
    assert amounts["CC-0100"] == 1200 + 369

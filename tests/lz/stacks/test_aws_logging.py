"""The `platform-aws-logging` layer under mocks, with fake organisation outputs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lz.plan.model import StackPlan
from lz.plan.render import plan_json
from lz.stacks.aws_logging import deep_archive_days, run_logging
from lz.stacks.contracts import KmsKeysExport, LogDestinationsExport, SecurityExport
from lz.tags import is_taggable
from tests.lz.stacks.layer_helpers import example_platform, fake_organisation, plan_example_layer, plan_layer
from tests.modules.aws.policy_checks import check_policy

STACK = "platform-aws-logging"
SERVICE_ENVS = ["council-website-dev", "council-website-prod", "housing-repairs-dev", "housing-repairs-prod"]


def run() -> StackPlan:
    return plan_example_layer(run_logging, STACK)


@pytest.fixture(scope="module")
def plan() -> StackPlan:
    return run()


@pytest.fixture(scope="module")
def org() -> dict[str, Any]:
    return fake_organisation(example_platform())


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def provider_accounts(plan: StackPlan) -> dict[str, str]:
    """Provider logical name -> the account its assumed role (or its allowed account) is in."""
    out = {}
    for provider in plan.find("pulumi:providers:aws"):
        roles = _decoded(provider.inputs.get("assumeRoles")) or []
        if roles:
            out[provider.name] = roles[0]["roleArn"].split(":")[4]
            assert roles[0]["sessionName"] == "lz-platform"
            assert roles[0]["roleArn"].endswith(":role/OrganizationAccountAccessRole")
        else:
            out[provider.name] = _decoded(provider.inputs["allowedAccountIds"])[0]
    return out


def _provider_account(plan: StackPlan, provider_ref: str) -> str:
    """The account of the provider a resource uses (`provider_ref` is `<provider urn>::<id>`)."""
    for provider in plan.find("pulumi:providers:aws"):
        if provider_ref.startswith(provider.urn + "::"):
            return provider_accounts(plan)[provider.name]
    raise AssertionError(f"no provider {provider_ref}")


def test_providers_assume_the_access_role_in_the_right_accounts(plan: StackPlan, org: dict[str, Any]) -> None:
    accounts = provider_accounts(plan)
    expected = {f"{slug}-eu-west-2": account for slug, account in org["account_ids"].items()}
    expected["management"] = org["management_account_id"]
    assert accounts == expected


@pytest.mark.parametrize(
    ("type_", "account"),
    [
        ("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "log-archive"),
        ("aws:cloudtrail/trail:Trail", "management"),
        ("aws:securityhub/organizationConfiguration:OrganizationConfiguration", "audit"),
        ("aws:cfg/configurationAggregator:ConfigurationAggregator", "audit"),
        ("aws:guardduty/organizationAdminAccount:OrganizationAdminAccount", "management"),
    ],
)
def test_resources_land_in_the_right_account(plan: StackPlan, org: dict[str, Any], type_: str, account: str) -> None:
    resource = plan.one(type_)
    expected = org["management_account_id"] if account == "management" else org["account_ids"][account]
    assert _provider_account(plan, str(resource.provider)) == expected


def test_service_keys_exist_for_each_aws_service_environment(plan: StackPlan, org: dict[str, Any]) -> None:
    keys = {r.name: r for r in plan.find("lz:aws:ServiceKey")}
    assert sorted(keys) == [f"kms-{k}" for k in SERVICE_ENVS]
    services = plan.raw_outputs["kms_keys"]["services"]
    assert sorted(services) == SERVICE_ENVS
    for key_name, arn in services.items():
        account = org["account_ids"]["workloads-prod" if key_name.endswith("-prod") else "workloads-nonprod"]
        assert arn.split(":")[4] == account, key_name
        key = plan.one("aws:kms/key:Key", f"kms-{key_name}-key")
        assert _provider_account(plan, str(key.provider)) == account
        assert key.inputs["tags"]["service"] == key_name.rsplit("-", 1)[0]
        assert key.inputs["tags"]["environment"] == key_name.rsplit("-", 1)[1]
        assert key.options["protect"] is (True if key_name.endswith("-prod") else None)
        statements = check_policy(key.inputs["policy"])
        assert statements["OnlyPlatformRolesDestroyKey"]["Condition"]["ArnNotEquals"]["aws:PrincipalArn"] == [
            f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole", f"arn:aws:iam::{account}:role/lz-break-glass"]
        service = key_name.rsplit("-", 1)[0]
        assert plan.one("aws:kms/alias:Alias", f"kms-{key_name}-alias").inputs["name"] == (
            f"alias/ebc/{service}/{key_name.rsplit('-', 1)[1]}")


def test_exports_match_the_contract(plan: StackPlan, org: dict[str, Any]) -> None:
    outputs = plan.raw_outputs
    assert set(outputs) == {"log_destinations", "kms_keys", "security"}
    for export, shape in (("log_destinations", LogDestinationsExport), ("kms_keys", KmsKeysExport),
                          ("security", SecurityExport)):
        assert set(outputs[export]) == set(shape.__annotations__), export
    destinations = outputs["log_destinations"]
    assert destinations["log_archive_bucket"] == "ebc-shared-euw2-s3-log-archive"
    assert destinations["flow_logs_arn"] == "arn:aws:s3:::ebc-shared-euw2-s3-log-archive/vpc-flow-logs"
    assert destinations["cost_reports_bucket"] == "ebc-shared-euw2-s3-cost-reports"
    assert destinations["cloudtrail_arn"] == (
        f"arn:aws:cloudtrail:eu-west-2:{org['management_account_id']}:trail/ebc-shared-euw2-ct-organisation")
    assert destinations["cloudwatch_retention_days"] == 400
    assert set(destinations["access_logs"]) == set(org["account_ids"])
    for slug, bucket in destinations["access_logs"].items():
        assert bucket == {"name": f"ebc-shared-euw2-s3-access-logs-{slug}",
                          "arn": f"arn:aws:s3:::ebc-shared-euw2-s3-access-logs-{slug}", "region": "eu-west-2"}
    assert outputs["kms_keys"]["logs"].split(":")[4] == org["account_ids"]["log-archive"]
    security = outputs["security"]
    assert security["security_hub_admin_account_id"] == org["account_ids"]["audit"]
    assert security["config_aggregator_arn"].startswith(f"arn:aws:config:eu-west-2:{org['account_ids']['audit']}:")
    assert set(security["guardduty_detector_ids"]) == {"audit", "management"}


def test_access_log_buckets_live_in_their_own_accounts(plan: StackPlan, org: dict[str, Any]) -> None:
    buckets = {r.inputs["bucket"]: r for r in plan.find("aws:s3/bucket:Bucket")}
    for slug, account in org["account_ids"].items():
        bucket = buckets[f"ebc-shared-euw2-s3-access-logs-{slug}"]
        assert _provider_account(plan, str(bucket.provider)) == account
        assert bucket.options["protect"] is True


def test_config_recorders_in_every_account(plan: StackPlan, org: dict[str, Any]) -> None:
    recorders = plan.find("aws:cfg/recorder:Recorder")
    accounts = {_provider_account(plan, str(r.provider)) for r in recorders}
    assert accounts == {*org["account_ids"].values(), org["management_account_id"]}
    for channel in plan.find("aws:cfg/deliveryChannel:DeliveryChannel"):
        assert channel.inputs["s3BucketName"] == "ebc-shared-euw2-s3-log-archive"
        assert channel.inputs["s3KmsKeyArn"] == plan.raw_outputs["kms_keys"]["logs"]


def test_archive_follows_the_platform_definition(plan: StackPlan) -> None:
    lock = plan.one("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")
    assert lock.inputs["rule"] == {"defaultRetention": {"mode": "GOVERNANCE", "days": 365}}
    rule = plan.one("aws:cfg/organizationManagedRule:OrganizationManagedRule")
    assert json.loads(rule.inputs["inputParameters"]) == {"MinRetentionTime": "400"}
    standards = sorted(r.inputs["standardsArn"].split("/")[1]
                       for r in plan.find("aws:securityhub/standardsSubscription:StandardsSubscription"))
    assert standards == ["aws-foundational-security-best-practices", "cis-aws-foundations-benchmark"]
    assert plan.one("aws:sns/topicSubscription:TopicSubscription").inputs["endpoint"] == "security@example.gov.uk"


def test_every_taggable_resource_has_the_mandatory_tags(plan: StackPlan) -> None:
    for resource in plan.managed():
        if resource.custom and is_taggable(resource.type):
            tags = resource.inputs.get("tags") or {}
            assert {"service", "cost-centre", "owner", "environment", "business-unit", "data-classification",
                    "managed-by"} <= set(tags), resource.name


def test_every_policy_document_is_valid(plan: StackPlan) -> None:
    count = 0
    for resource in plan.managed():
        for prop in ("policy", "assumeRolePolicy"):
            if isinstance(resource.inputs.get(prop), str):
                check_policy(resource.inputs[prop])
                count += 1
    assert count >= 15


@pytest.mark.parametrize(("archive", "expire", "deep"), [(90, 2557, 365), (300, 2557, 390), (90, 400, 365),
                                                          (90, 365, None), (300, 390, None)])
def test_deep_archive_days(archive: int, expire: int, deep: int | None) -> None:
    assert deep_archive_days(archive, expire) == deep


def test_deterministic(plan: StackPlan) -> None:
    assert plan_json(run()) == plan_json(plan)


# -- CUR 2.0 replication into the cost-reports bucket ------------------------------------------------

def test_cost_reports_bucket_accepts_replication_from_the_management_role(plan: StackPlan,
                                                                          org: dict[str, Any]) -> None:
    from lz.stacks.contracts import COST_REPORTS_REPLICATION_ROLE_NAME

    buckets = {r.id: r.inputs["bucket"] for r in plan.find("aws:s3/bucket:Bucket")}
    by_bucket = {buckets.get(r.inputs["bucket"], r.inputs["bucket"]): r
                 for r in plan.find("aws:s3/bucketPolicy:BucketPolicy")}
    statements = check_policy(by_bucket["ebc-shared-euw2-s3-cost-reports"].inputs["policy"])
    management = org["management_account_id"]
    role_arn = f"arn:aws:iam::{management}:role/{COST_REPORTS_REPLICATION_ROLE_NAME}"
    grant = statements["AllowCostReportsReplication"]
    assert grant["Principal"] == {"AWS": f"arn:aws:iam::{management}:root"}
    assert grant["Condition"] == {"ArnEquals": {"aws:PrincipalArn": role_arn}}
    assert grant["Action"] == ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags",
                               "s3:ObjectOwnerOverrideToBucketOwner"]
    assert grant["Resource"] == "arn:aws:s3:::ebc-shared-euw2-s3-cost-reports/*"
    versioning = statements["AllowCostReportsReplicationVersioning"]
    assert versioning["Action"] == ["s3:GetBucketVersioning", "s3:PutBucketVersioning"]
    assert versioning["Condition"] == {"ArnEquals": {"aws:PrincipalArn": role_arn}}
    assert "AllowDataExportsDelivery" not in statements
    versions = {buckets.get(r.inputs["bucket"]): r.inputs["versioningConfiguration"]["status"]
                for r in plan.find("aws:s3/bucketVersioning:BucketVersioning")}
    assert versions["ebc-shared-euw2-s3-cost-reports"] == "Enabled"


# -- the organisation backup policy's vault ----------------------------------------------------------

def _backup_policy_vault_name() -> str:
    """`target_backup_vault_name` of the backup policy the organisation layer actually builds."""
    from lz.stacks.aws_organisation import run_organisation
    from lz.stacks.contracts import ORGANISATION_LAYER

    platform = example_platform()
    organisation = plan_layer(lambda: run_organisation(platform, []), ORGANISATION_LAYER, platform)
    [policy] = [p for p in organisation.find("aws:organizations/policy:Policy") if p.inputs["type"] == "BACKUP_POLICY"]
    names = {rule["target_backup_vault_name"]["@@assign"]
             for plan_ in json.loads(policy.inputs["content"])["plans"].values()
             for rule in plan_["rules"].values()}
    assert len(names) == 1
    return names.pop()


def test_backup_vault_only_in_the_backup_ou_accounts(plan: StackPlan, org: dict[str, Any]) -> None:
    vaults = plan.find("aws:backup/vault:Vault")
    assert [v.name for v in vaults] == ["backup-workloads-prod-eu-west-2-vault"]
    [vault] = vaults
    assert _provider_account(plan, vault.provider) == org["account_ids"]["workloads-prod"]
    assert vault.options["protect"] is True


def test_backup_vault_name_is_the_policy_target(plan: StackPlan) -> None:
    [vault] = plan.find("aws:backup/vault:Vault")
    assert vault.inputs["name"] == _backup_policy_vault_name()


def test_backup_vault_lock_and_role(plan: StackPlan, org: dict[str, Any]) -> None:
    platform = example_platform()
    lock = plan.one("aws:backup/vaultLockConfiguration:VaultLockConfiguration").inputs
    assert lock["minRetentionDays"] == platform.organisation.backup.retention_days
    assert "changeableForDays" not in lock
    policy = check_policy(plan.one("aws:backup/vaultPolicy:VaultPolicy").inputs["policy"])
    prod = org["account_ids"]["workloads-prod"]
    break_glass = f"arn:aws:iam::{prod}:role/{platform.organisation.break_glass_role_name}"
    assert policy["DenyRecoveryPointDeletionExceptBreakGlass"]["Condition"] == {
        "ArnNotEquals": {"aws:PrincipalArn": break_glass}}
    [role] = [r for r in plan.find("aws:iam/role:Role") if r.inputs["name"] == "AWSBackupDefaultServiceRole"]
    assert role.inputs["path"] == "/service-role/"
    assert _provider_account(plan, role.provider) == org["account_ids"]["workloads-prod"]


@pytest.mark.parametrize(
    ("account_ou", "ou", "inside"),
    [("Workloads/Prod", "Workloads/Prod", True), ("Workloads/Prod/Web", "Workloads/Prod", True),
     ("Workloads/Production", "Workloads/Prod", False), ("Workloads", "Workloads/Prod", False),
     ("Workloads/NonProd", "Workloads", True)],
)
def test_in_ou(account_ou: str, ou: str, inside: bool) -> None:
    from lz.stacks.aws_logging import in_ou

    assert in_ou(account_ou, ou) is inside


def test_backup_accounts_follow_the_platform_definition() -> None:
    from lz.stacks.aws_logging import backup_accounts

    platform = example_platform()
    assert backup_accounts(platform) == ["workloads-prod"]
    wider = platform.model_copy(update={"organisation": platform.organisation.model_copy(update={
        "backup": platform.organisation.backup.model_copy(update={"ou": "Workloads"})})})
    assert backup_accounts(wider) == ["workloads-nonprod", "workloads-prod"]

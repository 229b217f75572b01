"""`SecurityDelegation` and `SecurityTooling` under the offline planner, their documents, validation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lz.plan import StackPlan, plan_callable
from lz.tags import is_taggable
from modules.aws.security_services import (
    DELEGATION_TYPE_TOKEN,
    TOOLING_TYPE_TOKEN,
    SecurityDelegation,
    SecurityDelegationArgs,
    SecurityTooling,
    SecurityToolingArgs,
    findings_event_pattern,
    findings_key_policy,
    findings_topic_policy,
    retention_rule_parameters,
    standards_arn,
    validate_security_delegation_args,
    validate_security_tooling_args,
)
from tests.modules.aws.component_helpers import CONFIG
from tests.modules.aws.component_helpers import PLATFORM_TAGS as TAGS
from tests.modules.aws.policy_checks import check_policy

AUDIT = "333333333333"


def tooling_args(**changes: Any) -> SecurityToolingArgs:
    return SecurityToolingArgs(**{
        "account_id": AUDIT, "region": "eu-west-2", "aggregator_name": "ebc-organisation",
        "aggregator_role_name": "ebc-shared-euw2-iam-config-aggregator", "tags": TAGS,
        "standards": ["aws-foundational-security-best-practices", "cis-aws-foundations-benchmark", "nist-800-53"],
        "cloudwatch_retention_days": 400, "findings_email": "security@example.gov.uk", **changes})


def plan_of(build: Any) -> StackPlan:
    return plan_callable(build, project="lz", stack="test", config=CONFIG)


@pytest.fixture(scope="module")
def tooling() -> StackPlan:
    return plan_of(lambda: SecurityTooling("security", tooling_args()))


@pytest.fixture(scope="module")
def delegation() -> StackPlan:
    return plan_of(lambda: SecurityDelegation("delegation", SecurityDelegationArgs(audit_account_id=AUDIT, tags=TAGS)))


def test_delegation_hands_administration_to_audit(delegation: StackPlan) -> None:
    assert delegation.one("aws:guardduty/organizationAdminAccount:OrganizationAdminAccount").inputs == {
        "adminAccountId": AUDIT}
    assert delegation.one("aws:securityhub/organizationAdminAccount:OrganizationAdminAccount").inputs == {
        "adminAccountId": AUDIT}
    admins = {r.inputs["servicePrincipal"]: r.inputs["accountId"]
              for r in delegation.find("aws:organizations/delegatedAdministrator:DelegatedAdministrator")}
    assert admins == {"config.amazonaws.com": AUDIT, "config-multiaccountsetup.amazonaws.com": AUDIT}
    hub = delegation.one("aws:securityhub/account:Account")
    assert hub.urn in delegation.one("aws:securityhub/organizationAdminAccount:OrganizationAdminAccount").dependencies
    component = delegation.one(DELEGATION_TYPE_TOKEN)
    assert all(r.parent == component.urn for r in delegation.managed() if r is not component)


def test_delegation_without_guardduty() -> None:
    plan = plan_of(lambda: SecurityDelegation("d", SecurityDelegationArgs(audit_account_id=AUDIT, tags=TAGS,
                                                                          guardduty=False)))
    assert not [r for r in plan.managed() if r.type.startswith("aws:guardduty")]


def test_guardduty_auto_enables_all_members_with_features(tooling: StackPlan) -> None:
    detector = tooling.one("aws:guardduty/detector:Detector")
    assert detector.inputs["enable"] is True
    organisation = tooling.one("aws:guardduty/organizationConfiguration:OrganizationConfiguration")
    assert organisation.inputs == {"detectorId": detector.id, "autoEnableOrganizationMembers": "ALL"}
    feature_type = "aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature"
    features = {r.inputs["name"]: r.inputs["autoEnable"] for r in tooling.find(feature_type)}
    assert features == {f: "ALL" for f in ("S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION",
                                           "RDS_LOGIN_EVENTS")}
    own = {r.inputs["name"]: r.inputs["status"] for r in tooling.find("aws:guardduty/detectorFeature:DetectorFeature")}
    assert set(own.values()) == {"ENABLED"} and set(own) == set(features)


def test_security_hub_and_standards(tooling: StackPlan) -> None:
    hub = tooling.one("aws:securityhub/account:Account")
    assert hub.inputs == {"enableDefaultStandards": False, "autoEnableControls": True,
                          "controlFindingGenerator": "SECURITY_CONTROL"}
    organisation = tooling.one("aws:securityhub/organizationConfiguration:OrganizationConfiguration")
    assert organisation.inputs["autoEnable"] is True
    arns = sorted(r.inputs["standardsArn"] for r in tooling.find(
        "aws:securityhub/standardsSubscription:StandardsSubscription"))
    assert arns == [
        "arn:aws:securityhub:eu-west-2::standards/aws-foundational-security-best-practices/v/1.0.0",
        "arn:aws:securityhub:eu-west-2::standards/cis-aws-foundations-benchmark/v/3.0.0",
        "arn:aws:securityhub:eu-west-2::standards/nist-800-53/v/5.0.0",
    ]


@pytest.mark.parametrize(
    ("standard", "arn"),
    [
        ("aws-foundational-security-best-practices",
         "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0"),
        ("cis-aws-foundations-benchmark",
         "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0"),
        ("nist-800-53", "arn:aws:securityhub:eu-west-1::standards/nist-800-53/v/5.0.0"),
    ],
)
def test_standards_arn(standard: str, arn: str) -> None:
    assert standards_arn("eu-west-1", standard) == arn


def test_config_aggregator_and_role(tooling: StackPlan) -> None:
    role = tooling.one("aws:iam/role:Role")
    trust = check_policy(role.inputs["assumeRolePolicy"])
    assert next(iter(trust.values()))["Principal"] == {"Service": "config.amazonaws.com"}
    attachment = tooling.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert attachment.inputs["policyArn"] == "arn:aws:iam::aws:policy/service-role/AWSConfigRoleForOrganizations"
    aggregator = tooling.one("aws:cfg/configurationAggregator:ConfigurationAggregator")
    assert aggregator.inputs["organizationAggregationSource"] == {"allRegions": True, "roleArn": role.outputs["arn"]}
    assert attachment.urn in aggregator.dependencies


def test_log_retention_rule(tooling: StackPlan) -> None:
    rule = tooling.one("aws:cfg/organizationManagedRule:OrganizationManagedRule")
    assert rule.inputs["ruleIdentifier"] == "CW_LOGGROUP_RETENTION_PERIOD_CHECK"
    assert json.loads(rule.inputs["inputParameters"]) == {"MinRetentionTime": "400"}
    assert retention_rule_parameters(731) == '{"MinRetentionTime": "731"}'


def test_findings_alerting(tooling: StackPlan) -> None:
    key = tooling.one("aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True
    topic = tooling.one("aws:sns/topic:Topic")
    assert topic.inputs["kmsMasterKeyId"] == key.outputs["arn"]
    rule = tooling.one("aws:cloudwatch/eventRule:EventRule")
    assert json.loads(rule.inputs["eventPattern"])["detail"]["findings"]["Severity"]["Label"] == ["HIGH", "CRITICAL"]
    target = tooling.one("aws:cloudwatch/eventTarget:EventTarget")
    assert target.inputs["arn"] == topic.outputs["arn"]
    subscription = tooling.one("aws:sns/topicSubscription:TopicSubscription")
    assert subscription.inputs["protocol"] == "email"
    assert subscription.inputs["endpoint"] == "security@example.gov.uk"
    policy = check_policy(tooling.one("aws:sns/topicPolicy:TopicPolicy").inputs["policy"])
    assert policy["AllowFindingsRulePublish"]["Condition"] == {"ArnEquals": {"aws:SourceArn": rule.outputs["arn"]}}
    check_policy(key.inputs["policy"])


def test_no_alerting_without_email() -> None:
    plan = plan_of(lambda: SecurityTooling("s", tooling_args(findings_email=None, cloudwatch_retention_days=None,
                                                             guardduty=False)))
    types = {r.type for r in plan.managed()}
    assert not {"aws:sns/topic:Topic", "aws:kms/key:Key", "aws:cfg/organizationManagedRule:OrganizationManagedRule",
                "aws:guardduty/detector:Detector"} & types


def test_protect_flags(tooling: StackPlan) -> None:
    protected = sorted(r.type for r in tooling.managed() if r.options["protect"])
    assert protected == ["aws:guardduty/detector:Detector", "aws:kms/key:Key", "aws:securityhub/account:Account"]


@pytest.mark.parametrize("plan_name", ["tooling", "delegation"])
def test_every_taggable_resource_is_tagged(plan_name: str, request: pytest.FixtureRequest) -> None:
    plan: StackPlan = request.getfixturevalue(plan_name)
    token = TOOLING_TYPE_TOKEN if plan_name == "tooling" else DELEGATION_TYPE_TOKEN
    component = plan.one(token)
    taggable = [r for r in plan.managed() if is_taggable(r.type)]
    assert taggable
    for resource in taggable:
        assert resource.inputs["tags"] == TAGS, resource.name
    assert all(r.parent == component.urn for r in plan.managed() if r is not component)


def test_documents() -> None:
    key = check_policy(findings_key_policy(account_id=AUDIT))
    assert key["AllowEventBridgePublish"]["Principal"] == {"Service": "events.amazonaws.com"}
    assert key["AllowEventBridgePublish"]["Condition"] == {"StringEquals": {"aws:SourceAccount": AUDIT}}
    topic = check_policy(findings_topic_policy(topic_arn="arn:aws:sns:eu-west-2:333333333333:t",
                                               rule_arn="arn:aws:events:eu-west-2:333333333333:rule/r",
                                               account_id=AUDIT))
    assert topic["AllowFindingsRulePublish"]["Action"] == "sns:Publish"
    pattern = json.loads(findings_event_pattern())
    assert pattern["source"] == ["aws.securityhub"]
    assert pattern["detail"]["findings"]["RecordState"] == ["ACTIVE"]


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        pytest.param({}, [], id="valid"),
        pytest.param({"account_id": "1"}, ["account_id must be a 12-digit AWS account id, got '1'"], id="account"),
        pytest.param({"region": "moon"}, ["region 'moon' is not an AWS region"], id="region"),
        pytest.param({"aggregator_name": "a b"}, ["aggregator_name must be 1-50 letters, digits, '.', '_' or '-', "
                                                  "got 'a b'"], id="aggregator"),
        pytest.param({"retention_rule_name": ""}, ["retention_rule_name must be 1-50 letters, digits, '.', '_' or "
                                                   "'-', got ''"], id="rule-name"),
        pytest.param({"findings_topic_name": "t" * 51}, [f"findings_topic_name must be 1-50 letters, digits, '.', "
                                                         f"'_' or '-', got {'t' * 51!r}"], id="topic-name"),
        pytest.param({"aggregator_role_name": "a b"}, ["aggregator_role_name 'a b' has characters or a shape IAM role "
                                                       "names do not allow (letters, digits and + = , . @ _ -)"],
                     id="role-name"),
        pytest.param({"tags": {}}, ["tags: Missing mandatory tags: service, cost-centre, owner, environment, "
                                    "business-unit, data-classification, managed-by"], id="tags"),
        pytest.param({"guardduty_features": ["S3_DATA_EVENTS", "XRAY"]},
                     ["guardduty_features: unknown ['XRAY']; known: S3_DATA_EVENTS, EKS_AUDIT_LOGS, "
                      "EBS_MALWARE_PROTECTION, RDS_LOGIN_EVENTS, EKS_RUNTIME_MONITORING, LAMBDA_NETWORK_LOGS, "
                      "RUNTIME_MONITORING"], id="feature"),
        pytest.param({"guardduty_features": ["EKS_RUNTIME_MONITORING", "RUNTIME_MONITORING"]},
                     ["guardduty_features: EKS_RUNTIME_MONITORING and RUNTIME_MONITORING cannot both be enabled"],
                     id="runtime-twice"),
        pytest.param({"guardduty_features": ["S3_DATA_EVENTS", "S3_DATA_EVENTS"]},
                     ["guardduty_features has duplicates"], id="feature-duplicates"),
        pytest.param({"standards": ["pci-dss"]},
                     ["standards: unknown ['pci-dss']; known: aws-foundational-security-best-practices, "
                      "cis-aws-foundations-benchmark, nist-800-53"], id="standard"),
        pytest.param({"standards": ["nist-800-53", "nist-800-53"]}, ["standards has duplicates"],
                     id="standard-duplicates"),
        pytest.param({"cloudwatch_retention_days": 100},
                     ["cloudwatch_retention_days must be a retention CloudWatch accepts, got 100"], id="retention"),
        pytest.param({"findings_email": "security"}, ["findings_email must be an email address, got 'security'"],
                     id="email"),
        pytest.param({"findings_key_alias": "findings"},
                     ["findings_key_alias 'findings' must start with 'alias/'"], id="alias"),
        pytest.param({"excluded_rule_accounts": ["x"]},
                     ["excluded_rule_accounts[0] must be a 12-digit AWS account id, got 'x'"], id="excluded"),
    ],
)
def test_validate_tooling(changes: dict[str, Any], problems: list[str]) -> None:
    assert validate_security_tooling_args(tooling_args(**changes)) == problems


def test_validate_delegation() -> None:
    assert validate_security_delegation_args(SecurityDelegationArgs(audit_account_id="12", tags={})) == [
        "audit_account_id must be a 12-digit AWS account id, got '12'",
        "tags: Missing mandatory tags: service, cost-centre, owner, environment, business-unit, data-classification, "
        "managed-by",
    ]

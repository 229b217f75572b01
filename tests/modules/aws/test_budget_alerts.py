"""`BudgetAlerts` under the offline planner: topic, key, policies, subscriptions, budgets, validation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lz.plan import StackPlan
from modules.aws.budget_alerts import (
    TYPE_TOKEN,
    AccountBudget,
    BudgetAlerts,
    BudgetAlertsArgs,
    alerts_key_policy,
    alerts_topic_policy,
    budget_name,
    cost_centre_filter_value,
    validate_budget_alerts_args,
)
from tests.modules.aws.component_helpers import PLATFORM_TAGS as TAGS
from tests.modules.aws.component_helpers import assert_children_tagged, assert_exact_children, plan_component

ACCOUNT = "123456789012"  # the planner's default account: the topic ARN is in it
PROD = "444455556666"
TOPIC_NAME = "ebc-shared-euw2-sns-cost-alerts"
TOPIC_ARN = f"arn:aws:sns:eu-west-2:{ACCOUNT}:{TOPIC_NAME}"
KEY = "aws:kms/key:Key"
ALIAS = "aws:kms/alias:Alias"
TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
BUDGET = "aws:budgets/budget:Budget"


def args(**changes: Any) -> BudgetAlertsArgs:
    base: dict[str, Any] = {
        "name_prefix": "ebc",
        "topic_name": TOPIC_NAME,
        "key_alias": "alias/ebc-shared-euw2-kms-cost-alerts",
        "account_id": ACCOUNT,
        "tags": TAGS,
        "alert_emails": ["cloud-platform@example.gov.uk", "finance@example.gov.uk"],
        "thresholds_percent": [80, 100],
        "cost_centre_budgets_usd": {"CC-1042": 1334, "CC-0100": 1200},
        "account_budgets": {"workloads-prod": AccountBudget(account_id=PROD, amount_usd=3000)},
    }
    base.update(changes)
    return BudgetAlertsArgs(**base)


def plan_alerts(a: BudgetAlertsArgs) -> StackPlan:
    return plan_component(lambda: BudgetAlerts("ba", a), "topic_arn", "budget_names")


@pytest.fixture(scope="module")
def plan() -> StackPlan:
    return plan_alerts(args())


def test_children(plan: StackPlan) -> None:
    assert_exact_children(plan, TYPE_TOKEN, "ba", {
        (KEY, "ba-key"),
        (ALIAS, "ba-key-alias"),
        (TOPIC, "ba-topic"),
        (TOPIC_POLICY, "ba-topic-policy"),
        (SUBSCRIPTION, "ba-email-0"),
        (SUBSCRIPTION, "ba-email-1"),
        (BUDGET, "ba-cc-cc-0100"),
        (BUDGET, "ba-cc-cc-1042"),
        (BUDGET, "ba-account-workloads-prod"),
    })


def test_every_child_is_parented_and_every_taggable_child_tagged(plan: StackPlan) -> None:
    tagged = assert_children_tagged(plan, TYPE_TOKEN, TAGS)
    assert {r.type for r in tagged} == {KEY, TOPIC, BUDGET}


def test_topic_and_key_are_protected(plan: StackPlan) -> None:
    for resource in (plan.one(TOPIC), plan.one(KEY)):
        assert resource.options["protect"] is True
        assert resource.options["retain_on_delete"] is True
    assert not plan.one(TOPIC_POLICY).options.get("protect")


def test_unlocked_topic_is_not_protected() -> None:
    plan = plan_alerts(args(lock=False))
    assert not plan.one(TOPIC).options.get("protect")


def test_topic_is_encrypted_with_the_rotating_key(plan: StackPlan) -> None:
    key = plan.one(KEY)
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["deletionWindowInDays"] == 30
    assert plan.one(TOPIC).inputs["kmsMasterKeyId"] == key.outputs["arn"]
    assert plan.one(TOPIC).inputs["name"] == TOPIC_NAME
    assert plan.one(ALIAS).inputs["name"] == "alias/ebc-shared-euw2-kms-cost-alerts"


def test_email_subscriptions(plan: StackPlan) -> None:
    subs = {r.inputs["endpoint"]: r.inputs for r in plan.find(SUBSCRIPTION)}
    assert set(subs) == {"cloud-platform@example.gov.uk", "finance@example.gov.uk"}
    assert all(s["protocol"] == "email" and s["topic"] == TOPIC_ARN for s in subs.values())


def statements(document: str) -> dict[str, dict[str, Any]]:
    policy = json.loads(document)
    assert policy["Version"] == "2012-10-17"
    return {s["Sid"]: s for s in policy["Statement"]}


def no_allow_everything(document: str) -> None:
    for s in json.loads(document)["Statement"]:
        if s["Effect"] == "Allow":
            assert s["Action"] != "*" and s["Action"] != ["*"], s["Sid"]
            assert s.get("Principal") not in ("*", {"AWS": "*"}), s["Sid"]


def test_topic_policy_lets_only_the_cost_services_publish(plan: StackPlan) -> None:
    document = plan.one(TOPIC_POLICY).inputs["policy"]
    assert plan.one(TOPIC_POLICY).inputs["arn"] == TOPIC_ARN
    no_allow_everything(document)
    found = statements(document)
    allows = {sid: s for sid, s in found.items() if s["Effect"] == "Allow"}
    assert {s["Principal"]["Service"] for s in allows.values()} == {"budgets.amazonaws.com",
                                                                    "costalerts.amazonaws.com"}
    for s in allows.values():
        assert s["Action"] == "SNS:Publish"
        assert s["Resource"] == TOPIC_ARN
        assert s["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    assert found["BudgetsPublish"]["Condition"]["ArnLike"] == {"aws:SourceArn": f"arn:aws:budgets::{ACCOUNT}:*"}
    assert found["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_key_policy_lets_the_cost_services_use_the_key(plan: StackPlan) -> None:
    document = plan.one(KEY).inputs["policy"]
    assert document == alerts_key_policy(ACCOUNT)
    no_allow_everything(document)
    found = statements(document)
    assert found["AccountAdministersKeyThroughIam"]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    services = found["CostAlertServicesEncryptToTopic"]
    assert services["Principal"] == {"Service": ["budgets.amazonaws.com", "costalerts.amazonaws.com"]}
    assert services["Action"] == ["kms:GenerateDataKey*", "kms:Decrypt"]


def test_policy_functions_are_pure_json() -> None:
    assert json.loads(alerts_topic_policy(TOPIC_ARN, ACCOUNT)) == json.loads(alerts_topic_policy(TOPIC_ARN, ACCOUNT))
    other = alerts_topic_policy(TOPIC_ARN.replace(ACCOUNT, "999999999999"), "999999999999")
    assert ACCOUNT not in other  # every account reference comes from the arguments


EXPECTED_NOTIFICATIONS = [
    {"notificationType": kind, "comparisonOperator": "GREATER_THAN", "threshold": threshold,
     "thresholdType": "PERCENTAGE", "subscriberSnsTopicArns": [TOPIC_ARN]}
    for threshold in (80, 100)
    for kind in ("ACTUAL", "FORECASTED")
]


@pytest.mark.parametrize(
    ("name", "budget", "amount", "cost_filter"),
    [
        ("ba-cc-cc-1042", "ebc-cc-CC-1042", "1334", {"name": "TagKeyValue", "values": ["user:cost-centre$CC-1042"]}),
        ("ba-cc-cc-0100", "ebc-cc-CC-0100", "1200", {"name": "TagKeyValue", "values": ["user:cost-centre$CC-0100"]}),
        ("ba-account-workloads-prod", "ebc-account-workloads-prod", "3000",
         {"name": "LinkedAccount", "values": [PROD]}),
    ],
)
def test_budgets(plan: StackPlan, name: str, budget: str, amount: str, cost_filter: dict[str, Any]) -> None:
    inputs = plan.one(BUDGET, name).inputs
    assert inputs["name"] == budget
    assert inputs["accountId"] == ACCOUNT
    assert inputs["budgetType"] == "COST"
    assert inputs["timeUnit"] == "MONTHLY"
    assert inputs["limitAmount"] == amount
    assert inputs["limitUnit"] == "USD"
    assert inputs["costFilters"] == [cost_filter]
    assert inputs["notifications"] == EXPECTED_NOTIFICATIONS


def test_budget_names_output(plan: StackPlan) -> None:
    assert plan.outputs["budget_names"] == ["ebc-account-workloads-prod", "ebc-cc-CC-0100", "ebc-cc-CC-1042"]


@pytest.mark.parametrize(
    ("prefix", "kind", "key", "name"),
    [("ebc", "cc", "CC-1042", "ebc-cc-CC-1042"), ("bcc", "account", "audit", "bcc-account-audit")],
)
def test_budget_name(prefix: str, kind: str, key: str, name: str) -> None:
    assert budget_name(prefix, kind, key) == name


def test_cost_centre_filter_value() -> None:
    assert cost_centre_filter_value("CC-1042") == "user:cost-centre$CC-1042"


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ({}, []),
        ({"name_prefix": "EBC"}, ["name_prefix 'EBC' must be a lowercase slug"]),
        ({"account_id": "1234"}, ["account_id must be a 12-digit AWS account id, got '1234'"]),
        ({"alert_emails": []}, ["alert_emails must list at least one mailbox"]),
        ({"alert_emails": ["nobody"]}, ["alert_emails: not email addresses: ['nobody']"]),
        ({"alert_emails": ["a@example.gov.uk", "a@example.gov.uk"]}, ["alert_emails must not repeat an address"]),
        ({"thresholds_percent": [80, 80]}, ["thresholds_percent must be distinct percentages between 1 and 1000"]),
        ({"thresholds_percent": []}, ["thresholds_percent must list at least one threshold"]),
        ({"cost_centre_budgets_usd": {"CC-1": 0}}, ["cost_centre_budgets_usd.CC-1 must be above zero, got 0"]),
        ({"cost_centre_budgets_usd": {"CC 1": 5}}, ["cost_centre_budgets_usd: 'CC 1' is not a cost centre code"]),
        ({"cost_centre_budgets_usd": {}, "account_budgets": {}},
         ["at least one cost centre or account budget is needed"]),
        ({"account_budgets": {"prod": AccountBudget(account_id="x", amount_usd=-1)}},
         ["account_budgets.prod.amount_usd must be above zero, got -1",
          "account_budgets.prod.account_id must be a 12-digit AWS account id, got 'x'"]),
    ],
)
def test_validation(changes: dict[str, Any], problems: list[str]) -> None:
    assert validate_budget_alerts_args(args(**changes)) == problems


def test_bad_names_and_tags_are_reported() -> None:
    problems = validate_budget_alerts_args(args(topic_name="bad topic!", key_alias="nope", tags={}))
    assert problems[0].startswith("topic_name 'bad topic!' ")
    assert any(p.startswith("key_alias 'nope' ") for p in problems)
    assert any(p.startswith("tags: ") for p in problems)


def test_invalid_args_raise_with_every_problem() -> None:
    with pytest.raises(Exception, match=r"account_id must be a 12-digit.*alert_emails must list"):
        plan_alerts(args(account_id="1", alert_emails=[]))

"""`AnomalyDetection` under the offline planner: monitors, the immediate subscription, validation."""

from __future__ import annotations

import json

import pytest

from lz.plan import StackPlan
from modules.aws.anomaly_detection import (
    TYPE_TOKEN,
    AnomalyDetection,
    AnomalyDetectionArgs,
    tag_monitor_specification,
    threshold_value,
    validate_anomaly_detection_args,
)
from tests.modules.aws.component_helpers import PLATFORM_TAGS as TAGS
from tests.modules.aws.component_helpers import assert_children_tagged, assert_exact_children, plan_component

TOPIC = "arn:aws:sns:eu-west-2:111122223333:ebc-shared-euw2-sns-cost-alerts"
MONITOR = "aws:costexplorer/anomalyMonitor:AnomalyMonitor"
SUBSCRIPTION = "aws:costexplorer/anomalySubscription:AnomalySubscription"


def args(**changes: object) -> AnomalyDetectionArgs:
    base: dict[str, object] = {"name_prefix": "ebc", "topic_arn": TOPIC, "threshold_usd": 100.0, "tags": TAGS,
                               "tag_key": "cost-centre"}
    base.update(changes)
    return AnomalyDetectionArgs(**base)  # type: ignore[arg-type]


def plan_anomalies(a: AnomalyDetectionArgs) -> StackPlan:
    return plan_component(lambda: AnomalyDetection("ad", a), "service_monitor_arn", "monitor_arns")


@pytest.fixture(scope="module")
def plan() -> StackPlan:
    return plan_anomalies(args())


def test_children_are_parented_and_tagged(plan: StackPlan) -> None:
    children = {(MONITOR, "ad-services"), (MONITOR, "ad-tag-cost-centre"), (SUBSCRIPTION, "ad-subscription")}
    assert_exact_children(plan, TYPE_TOKEN, "ad", children)
    # every child is taggable, and tagged
    assert {(r.type, r.name) for r in assert_children_tagged(plan, TYPE_TOKEN, TAGS)} == children


def test_service_monitor(plan: StackPlan) -> None:
    monitor = plan.one(MONITOR, "ad-services").inputs
    assert monitor == {"name": "ebc-services", "monitorType": "DIMENSIONAL", "monitorDimension": "SERVICE",
                       "tags": TAGS}
    assert plan.outputs["service_monitor_arn"] == plan.one(MONITOR, "ad-services").outputs["arn"]


def test_cost_centre_monitor_tracks_every_value_of_the_tag(plan: StackPlan) -> None:
    monitor = plan.one(MONITOR, "ad-tag-cost-centre").inputs
    assert monitor["monitorType"] == "DIMENSIONAL"
    assert monitor["monitorDimension"] == "TAG"
    assert json.loads(monitor["monitorSpecification"]) == {"Tags": {"Key": "cost-centre"}}


def test_subscription_is_immediate_to_sns_above_the_threshold(plan: StackPlan) -> None:
    sub = plan.one(SUBSCRIPTION).inputs
    assert sub["frequency"] == "IMMEDIATE"
    assert sub["subscribers"] == [{"type": "SNS", "address": TOPIC}]
    assert sub["thresholdExpression"] == {
        "dimension": {"key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE", "matchOptions": ["GREATER_THAN_OR_EQUAL"],
                      "values": ["100"]}
    }
    assert sorted(sub["monitorArnLists"]) == sorted(plan.outputs["monitor_arns"])
    assert len(sub["monitorArnLists"]) == 2


def test_without_tag_key_only_the_service_monitor() -> None:
    plan = plan_anomalies(args(tag_key=None))
    assert [r.name for r in plan.find(MONITOR)] == ["ad-services"]


@pytest.mark.parametrize(("usd", "text"), [(100.0, "100"), (12.5, "12.5"), (1234567.5, "1234567.5"), (0.01, "0.01")])
def test_threshold_value(usd: float, text: str) -> None:
    assert threshold_value(usd) == text


def test_tag_monitor_specification() -> None:
    assert tag_monitor_specification("cost-centre") == '{"Tags": {"Key": "cost-centre"}}'


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ({}, []),
        ({"name_prefix": "bad prefix"}, ["name_prefix 'bad prefix' must be letters, digits, '.', '_' or '-'"]),
        ({"topic_arn": "arn:aws:sqs:eu-west-2:111122223333:q"},
         ["topic_arn must be an SNS topic ARN, got 'arn:aws:sqs:eu-west-2:111122223333:q'"]),
        ({"threshold_usd": 0.0}, ["threshold_usd must be above zero, got 0.0"]),
        ({"tags": {}}, None),
        ({"tag_key": "aws:createdBy"}, ["tag_key 'aws:createdBy' must be a user-defined cost allocation tag key"]),
    ],
)
def test_validation(changes: dict[str, object], problems: list[str] | None) -> None:
    found = validate_anomaly_detection_args(args(**changes))
    if problems is None:
        assert found and all(p.startswith("tags: ") for p in found)
    else:
        assert found == problems


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(Exception, match=r"threshold_usd must be above zero.*tag_key ''"):
        plan_anomalies(args(threshold_usd=-1.0, tag_key=""))

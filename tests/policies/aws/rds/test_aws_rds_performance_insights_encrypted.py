"""aws-rds-performance-insights-encrypted: Performance Insights uses a customer-managed key."""

from __future__ import annotations

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from policies.aws.rds.performance_insights_encrypted import METADATA, POLICY
from tests.policies.policy_harness import violations

INSTANCE = "aws:rds/instance:Instance"
KEY = "arn:aws:kms:eu-west-2:123456789012:key/34703c1d-d99b-4dee-8358-b5fbbba551e1"
MODULE = {
    "engine": "postgres",
    "instanceClass": "db.t4g.small",
    "performanceInsightsEnabled": True,
    "performanceInsightsKmsKeyId": KEY,
    "performanceInsightsRetentionPeriod": 7,
}
PREFIX = "Performance Insights is not encrypted with a customer-managed KMS key (performanceInsightsKmsKeyId"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-rds-performance-insights-encrypted"
    assert METADATA.severity == "medium"
    assert set(METADATA.resource_types) == {
        INSTANCE,
        "aws:rds/cluster:Cluster",
        "aws:rds/clusterInstance:ClusterInstance",
    }


def test_module_instance_passes() -> None:
    assert violations(POLICY, INSTANCE, MODULE) == []


def test_performance_insights_off_passes() -> None:
    assert violations(POLICY, INSTANCE, {"engine": "sqlserver-web", "performanceInsightsEnabled": False}) == []


@pytest.mark.parametrize(
    "resource_type", [INSTANCE, "aws:rds/clusterInstance:ClusterInstance", "aws:rds/cluster:Cluster"]
)
def test_no_key(resource_type: str) -> None:
    assert violations(POLICY, resource_type, {"performanceInsightsEnabled": True}) == [f"{PREFIX} is not set)"]


def test_aws_managed_key() -> None:
    props = {**MODULE, "performanceInsightsKmsKeyId": "arn:aws:kms:eu-west-2:123456789012:alias/aws/rds"}
    assert violations(POLICY, INSTANCE, props) == [f"{PREFIX} names an AWS-managed key)"]


def test_key_unknown_during_preview_passes() -> None:
    assert violations(POLICY, INSTANCE, {**MODULE, "performanceInsightsKmsKeyId": UNKNOWN_STRING_VALUE}) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:dynamodb/table:Table", {"performanceInsightsEnabled": True}) == []

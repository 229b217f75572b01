"""aws-rds-instance-class-allowed: instance classes from the environment's allowlist."""

from __future__ import annotations

import pytest

from policies.aws.rds.instance_class_allowed import METADATA, NON_PRODUCTION, POLICY, PRODUCTION
from tests.policies.policy_harness import violations

INSTANCE = "aws:rds/instance:Instance"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-rds-instance-class-allowed"
    assert METADATA.severity == "medium"
    assert "db.t4g.small" in NON_PRODUCTION and "db.m7g.large" not in NON_PRODUCTION
    assert "db.r7g.2xlarge" in PRODUCTION and "db.r7g.4xlarge" not in PRODUCTION


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_module_small_size_passes(environment: str) -> None:
    # DatabaseArgs.size "small" is db.t4g.small for PostgreSQL and MySQL.
    assert violations(POLICY, INSTANCE, {"instanceClass": "db.t4g.small", "tags": {"environment": environment}}) == []


def test_module_large_size_in_production_passes() -> None:
    assert violations(POLICY, INSTANCE, {"instanceClass": "db.r7g.xlarge", "tags": {"environment": "prod"}}) == []


def test_production_class_outside_production() -> None:
    assert violations(POLICY, INSTANCE, {"instanceClass": "db.m7g.large", "tags": {"environment": "dev"}}) == [
        "Instance class 'db.m7g.large' is not allowed in non-production environments (environment 'dev'); "
        f"allowed: {', '.join(NON_PRODUCTION)}"
    ]


def test_too_big_for_production() -> None:
    props = {"instanceClass": "db.r5.8xlarge", "tags": {"environment": "prod"}}
    assert violations(POLICY, CLUSTER_INSTANCE, props) == [
        "Instance class 'db.r5.8xlarge' is not allowed in production environments (environment 'prod'); "
        f"allowed: {', '.join(PRODUCTION)}"
    ]


def test_serverless_needs_config() -> None:
    props = {"instanceClass": "db.serverless", "tags": {"environment": "prod"}}
    assert len(violations(POLICY, CLUSTER_INSTANCE, props)) == 1
    assert violations(POLICY, CLUSTER_INSTANCE, props, config={"production": ["db.serverless"]}) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:ec2/instance:Instance", {"instanceClass": "db.x2g.16xlarge"}) == []

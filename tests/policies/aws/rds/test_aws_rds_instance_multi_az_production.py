"""aws-rds-instance-multi-az-production: production instances are Multi-AZ."""

from __future__ import annotations

from policies.aws.rds.instance_multi_az_production import METADATA, POLICY
from tests.policies.policy_harness import violations

INSTANCE = "aws:rds/instance:Instance"
PROD = {"engine": "postgres", "multiAz": True, "tags": {"environment": "prod"}}


def test_metadata() -> None:
    assert METADATA.name == POLICY.name == "aws-rds-instance-multi-az-production"
    assert METADATA.severity == "high"
    assert METADATA.frameworks.checkov == ("CKV_AWS_157",)


def test_module_production_instance_passes() -> None:
    assert violations(POLICY, INSTANCE, PROD) == []


def test_single_az_production() -> None:
    assert violations(POLICY, INSTANCE, {**PROD, "multiAz": False}) == [
        "Production RDS instance is single-AZ (multiAz is not true)"
    ]


def test_non_production_may_be_single_az() -> None:
    assert violations(POLICY, INSTANCE, {"engine": "postgres", "multiAz": False, "tags": {"environment": "dev"}}) == []


def test_read_replicas_are_skipped() -> None:
    assert violations(POLICY, INSTANCE, {"replicateSourceDb": "primary", "tags": {"environment": "prod"}}) == []


def test_other_types_are_ignored() -> None:
    assert violations(POLICY, "aws:rds/clusterInstance:ClusterInstance", {"tags": {"environment": "prod"}}) == []
